package redos

import (
	"regexp/syntax"
	"sort"
	"unicode"
	"unicode/utf8"
)

// backtracker is a small backtracking regular-expression matcher over
// regexp/syntax trees, written the way JavaScript's, Python's and
// Java's engines work: alternatives in order, greedy (or lazy)
// quantifiers that give back one iteration at a time, an empty-iteration
// check on loops, a search that retries at every start offset. It
// counts steps (nodes entered) so that tests can watch the work grow
// along an attack's ladder. Test-only: the package never runs it.
type backtracker struct {
	input   []rune
	steps   int
	limit   int
	aborted bool
}

// btParse parses an ECMA-262 pattern the way the analysis does.
func btParse(pattern string) (*syntax.Regexp, error) {
	tr, err := translate(pattern, 0)
	if err != nil {
		return nil, err
	}
	return syntax.Parse(tr.expr, syntax.Perl)
}

// btSteps runs re on s, searching (as JSON Schema does) or matching the
// whole string, and returns the steps taken and whether it matched;
// aborted when the steps passed limit.
func btSteps(re *syntax.Regexp, s string, full bool, limit int) (steps int, matched, aborted bool) {
	m := &backtracker{input: []rune(s), limit: limit}
	if full {
		matched = m.match(re, 0, func(j int) bool { return j == len(m.input) })
	} else {
		for start := 0; start <= len(m.input) && !matched && !m.aborted; start++ {
			matched = m.match(re, start, func(int) bool { return true })
		}
	}
	return m.steps, matched, m.aborted
}

func (m *backtracker) tick() bool {
	m.steps++
	if m.steps > m.limit {
		m.aborted = true
	}
	return !m.aborted
}

func (m *backtracker) match(re *syntax.Regexp, i int, k func(int) bool) bool {
	if !m.tick() {
		return false
	}
	in := m.input
	switch re.Op {
	case syntax.OpNoMatch:
		return false
	case syntax.OpEmptyMatch:
		return k(i)
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if i >= len(in) || !(in[i] == r || re.Flags&syntax.FoldCase != 0 && equalFold(in[i], r)) {
				return false
			}
			i++
		}
		return k(i)
	case syntax.OpCharClass:
		if i < len(in) && inRanges(re.Rune, in[i]) {
			return k(i + 1)
		}
		return false
	case syntax.OpAnyCharNotNL:
		if i < len(in) && in[i] != '\n' {
			return k(i + 1)
		}
		return false
	case syntax.OpAnyChar:
		if i < len(in) {
			return k(i + 1)
		}
		return false
	case syntax.OpBeginText:
		return i == 0 && k(i)
	case syntax.OpEndText:
		return i == len(in) && k(i)
	case syntax.OpBeginLine:
		return (i == 0 || in[i-1] == '\n') && k(i)
	case syntax.OpEndLine:
		return (i == len(in) || in[i] == '\n') && k(i)
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		before := i > 0 && isWordRune(in[i-1])
		after := i < len(in) && isWordRune(in[i])
		if (before != after) == (re.Op == syntax.OpWordBoundary) {
			return k(i)
		}
		return false
	case syntax.OpCapture:
		return m.match(re.Sub[0], i, k)
	case syntax.OpConcat:
		return m.seq(re.Sub, i, k)
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if m.match(sub, i, k) {
				return true
			}
			if m.aborted {
				return false
			}
		}
		return false
	case syntax.OpStar:
		return m.rep(re, 0, -1, 0, i, k)
	case syntax.OpPlus:
		return m.rep(re, 1, -1, 0, i, k)
	case syntax.OpQuest:
		return m.rep(re, 0, 1, 0, i, k)
	case syntax.OpRepeat:
		return m.rep(re, re.Min, re.Max, 0, i, k)
	}
	return false
}

func (m *backtracker) seq(subs []*syntax.Regexp, i int, k func(int) bool) bool {
	if len(subs) == 0 {
		return k(i)
	}
	return m.match(subs[0], i, func(j int) bool { return m.seq(subs[1:], j, k) })
}

// rep runs iteration count+1 of re's operand at i: one more iteration
// first when greedy, the continuation first when lazy. An iteration
// that matched nothing once the minimum is met fails (ECMA-262's rule).
func (m *backtracker) rep(re *syntax.Regexp, lo, hi, count, i int, k func(int) bool) bool {
	if !m.tick() {
		return false
	}
	more := func() bool {
		if hi >= 0 && count >= hi {
			return false
		}
		return m.match(re.Sub[0], i, func(j int) bool {
			if j == i && count >= lo {
				return false
			}
			return m.rep(re, lo, hi, count+1, j, k)
		})
	}
	if count < lo {
		return more()
	}
	if re.Flags&syntax.NonGreedy != 0 {
		return k(i) || !m.aborted && more()
	}
	return more() || !m.aborted && k(i)
}

func inRanges(r []rune, c rune) bool {
	n := len(r) / 2
	i := sort.Search(n, func(i int) bool { return r[2*i+1] >= c })
	return i < n && r[2*i] <= c
}

func equalFold(a, b rune) bool {
	for f := unicode.SimpleFold(b); ; f = unicode.SimpleFold(f) {
		if f == a {
			return true
		}
		if f == b {
			return false
		}
	}
}

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && isAlnum(byte(r))
}
