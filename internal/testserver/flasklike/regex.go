package flasklike

// A backtracking regex matcher, as Python's re (sre) runs patterns: greedy
// quantifiers that give back one character at a time, and alternatives
// tried in order. Go's regexp is linear-time, so the vulnerable e-mail
// check would not be slow with it; this matcher is, exponentially so on
// the classic inputs. It supports what the app's patterns use: literals,
// escapes (\w \d \s \. ...), classes, groups, alternation, * + ? {m,n}, ^
// and $ (which, as in Python, also matches before a final newline).

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

type reNode struct {
	kind     byte // 'c' char set, 's' sequence, 'a' alternation, 'q' quantifier, '^', '$'
	match    func(r rune) bool
	subs     []*reNode
	min, max int // max -1 is unbounded
}

type reParser struct {
	p []rune
	i int
}

// compileBacktracking compiles a pattern; it panics on syntax it does not
// support (patterns are the app's constants).
func compileBacktracking(pattern string) *reNode {
	ps := &reParser{p: []rune(pattern)}
	n := ps.alt()
	if ps.i != len(ps.p) {
		panic("flasklike: regex: unexpected " + string(ps.p[ps.i:]))
	}
	return n
}

func (ps *reParser) more() bool { return ps.i < len(ps.p) }

func (ps *reParser) alt() *reNode {
	branches := []*reNode{ps.seq()}
	for ps.more() && ps.p[ps.i] == '|' {
		ps.i++
		branches = append(branches, ps.seq())
	}
	if len(branches) == 1 {
		return branches[0]
	}
	return &reNode{kind: 'a', subs: branches}
}

func (ps *reParser) seq() *reNode {
	n := &reNode{kind: 's'}
	for ps.more() && ps.p[ps.i] != '|' && ps.p[ps.i] != ')' {
		atom := ps.atom()
		atom = ps.quant(atom)
		n.subs = append(n.subs, atom)
	}
	return n
}

func (ps *reParser) quant(atom *reNode) *reNode {
	for ps.more() {
		min, max := -1, -1
		switch ps.p[ps.i] {
		case '*':
			min, max = 0, -1
			ps.i++
		case '+':
			min, max = 1, -1
			ps.i++
		case '?':
			min, max = 0, 1
			ps.i++
		case '{':
			j := ps.i + 1
			for j < len(ps.p) && ps.p[j] != '}' {
				j++
			}
			body := string(ps.p[ps.i+1 : j])
			lo, hi, comma := strings.Cut(body, ",")
			a, err := strconv.Atoi(lo)
			if err != nil {
				panic("flasklike: regex: bad {}")
			}
			min, max = a, a
			if comma {
				max = -1
				if hi != "" {
					max, _ = strconv.Atoi(hi)
				}
			}
			ps.i = j + 1
		default:
			return atom
		}
		atom = &reNode{kind: 'q', subs: []*reNode{atom}, min: min, max: max}
	}
	return atom
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func escapeClass(r rune) func(rune) bool {
	switch r {
	case 'w':
		return isWord
	case 'W':
		return func(c rune) bool { return !isWord(c) }
	case 'd':
		return unicode.IsDigit
	case 'D':
		return func(c rune) bool { return !unicode.IsDigit(c) }
	case 's':
		return unicode.IsSpace
	case 'S':
		return func(c rune) bool { return !unicode.IsSpace(c) }
	}
	return func(c rune) bool { return c == r }
}

func (ps *reParser) atom() *reNode {
	c := ps.p[ps.i]
	ps.i++
	switch c {
	case '^':
		return &reNode{kind: '^'}
	case '$':
		return &reNode{kind: '$'}
	case '.':
		return &reNode{kind: 'c', match: func(r rune) bool { return r != '\n' }}
	case '(':
		if ps.more() && ps.p[ps.i] == '?' && ps.i+1 < len(ps.p) && ps.p[ps.i+1] == ':' {
			ps.i += 2
		}
		n := ps.alt()
		if !ps.more() || ps.p[ps.i] != ')' {
			panic("flasklike: regex: missing )")
		}
		ps.i++
		return n
	case '\\':
		e := ps.p[ps.i]
		ps.i++
		return &reNode{kind: 'c', match: escapeClass(e)}
	case '[':
		return ps.class()
	}
	return &reNode{kind: 'c', match: func(r rune) bool { return r == c }}
}

func (ps *reParser) class() *reNode {
	neg := false
	if ps.p[ps.i] == '^' {
		neg = true
		ps.i++
	}
	var parts []func(rune) bool
	first := true
	for ps.p[ps.i] != ']' || first {
		first = false
		c := ps.p[ps.i]
		ps.i++
		if c == '\\' {
			parts = append(parts, escapeClass(ps.p[ps.i]))
			ps.i++
			continue
		}
		if ps.p[ps.i] == '-' && ps.p[ps.i+1] != ']' {
			lo, hi := c, ps.p[ps.i+1]
			ps.i += 2
			parts = append(parts, func(r rune) bool { return r >= lo && r <= hi })
			continue
		}
		parts = append(parts, func(r rune) bool { return r == c })
	}
	ps.i++
	return &reNode{kind: 'c', match: func(r rune) bool {
		for _, p := range parts {
			if p(r) {
				return !neg
			}
		}
		return neg
	}}
}

// matcher runs one search with a step budget checked against a deadline.
type matcher struct {
	s        []rune
	steps    int
	deadline time.Time
	expired  bool
}

func (m *matcher) tick() bool {
	m.steps++
	if m.steps&0xFFFF == 0 && time.Now().After(m.deadline) {
		m.expired = true
	}
	return m.expired
}

// m matches n at i, then the continuation k.
func (m *matcher) m(n *reNode, i int, k func(int) bool) bool {
	if m.tick() {
		return false
	}
	switch n.kind {
	case 'c':
		return i < len(m.s) && n.match(m.s[i]) && k(i+1)
	case '^':
		return i == 0 && k(i)
	case '$':
		return (i == len(m.s) || (i == len(m.s)-1 && m.s[i] == '\n')) && k(i)
	case 's':
		return m.seq(n.subs, i, k)
	case 'a':
		for _, b := range n.subs {
			if m.m(b, i, k) {
				return true
			}
			if m.expired {
				return false
			}
		}
		return false
	case 'q':
		return m.rep(n, 0, i, -1, k)
	}
	return false
}

func (m *matcher) seq(subs []*reNode, i int, k func(int) bool) bool {
	if len(subs) == 0 {
		return k(i)
	}
	return m.m(subs[0], i, func(j int) bool { return m.seq(subs[1:], j, k) })
}

// rep is a greedy repeat: one more iteration first, then the rest of the
// pattern; an iteration that matched nothing ends the loop (as sre does).
func (m *matcher) rep(n *reNode, count, i, last int, k func(int) bool) bool {
	if n.max < 0 || count < n.max {
		if i != last || count < n.min {
			if m.m(n.subs[0], i, func(j int) bool {
				if j == i && count >= n.min {
					return false
				}
				return m.rep(n, count+1, j, i, k)
			}) {
				return true
			}
			if m.expired {
				return false
			}
		}
	}
	return count >= n.min && k(i)
}

// search is re.search(pattern, s) given at most budget of CPU time: whether
// it matched, and whether it ran out of time (Python would go on; the
// server stops at the cap and answers as for no match).
func (n *reNode) search(s string, budget time.Duration) (matched, timedOut bool) {
	m := &matcher{s: []rune(s), deadline: time.Now().Add(budget)}
	anchored := n.kind == 's' && len(n.subs) > 0 && n.subs[0].kind == '^'
	for start := 0; start <= len(m.s); start++ {
		if m.m(n, start, func(int) bool { return true }) {
			return true, false
		}
		if m.expired {
			return false, true
		}
		if anchored {
			break
		}
	}
	return false, false
}

// The vulnerable mode validates e-mail addresses with this pattern (nested
// quantifiers: ([-.\w]*[0-9a-zA-Z])* backtracks exponentially).
var vulnEmailRe = compileBacktracking(`^([0-9a-zA-Z]([-.\w]*[0-9a-zA-Z])*@{1}([0-9a-zA-Z][-\w]*[0-9a-zA-Z]\.)+[a-zA-Z]{2,9})$`)

// The secure mode's pattern has no nested quantifier (VAmPI's own secure
// pattern); it is still quadratic on a long run of letters, so the secure
// view also caps the length (RFC 5321: 254).
var secureEmailRe = compileBacktracking(`^[a-z0-9]+[\._]?[a-z0-9]+[@]\w+[.]\w{2,3}$`)

const redosCap = 3 * time.Second

func vulnEmail(s string) bool {
	ok, _ := vulnEmailRe.search(s, redosCap)
	return ok
}

func secureEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	ok, _ := secureEmailRe.search(s, redosCap)
	return ok
}
