package fastapilike

import (
	"fmt"
	"time"
	"unicode"
)

// This file stands in for Python's re module, which Pydantic uses for a
// model configured with regex_engine="python-re". Like sre it is a
// backtracking matcher without memoisation, so a pattern with nested
// quantifiers takes time exponential in the input when the match fails.
// The work is real (the CPU is spent exploring paths); a match gives up
// after maxRegexTime, where Python would go on for hours.
//
// Supported syntax: literals, escapes (\d \D \s \S \w \W and escaped
// metacharacters), '.', classes [...] with ranges, groups (...) and (?:...),
// '|', the quantifiers ? * + {n} {n,} {n,m} (greedy, or lazy with '?'), and
// the anchors ^ $ \A \Z.

const maxRegexTime = 3 * time.Second

type reOp uint8

const (
	opChar  reOp = iota // consume one rune matching cls
	opSplit             // try x, on failure y
	opJmp               // goto x
	opBegin             // ^ / \A
	opEnd               // $ (end, or before a final newline) / \Z (end)
	opMatch
)

type reInst struct {
	op    reOp
	x, y  int
	cls   *reClass
	dollr bool // opEnd: '$' semantics (also before a trailing "\n")
}

type reClass struct {
	neg    bool
	ranges [][2]rune
	fns    []func(rune) bool
}

func (c *reClass) has(r rune) bool {
	in := false
	for _, rg := range c.ranges {
		if r >= rg[0] && r <= rg[1] {
			in = true
			break
		}
	}
	if !in {
		for _, f := range c.fns {
			if f(r) {
				in = true
				break
			}
		}
	}
	return in != c.neg
}

// pyRegexp is a compiled pattern.
type pyRegexp struct {
	prog []reInst
}

type reNode struct {
	kind     byte // 'c' class, 'q' quantified, 'a' alternation, 's' sequence, '^', '$', 'Z'
	cls      *reClass
	sub      []*reNode
	min, max int // max -1: unbounded
	lazy     bool
}

type reParser struct {
	p []rune
	i int
}

func compilePyRe(pattern string) (*pyRegexp, error) {
	ps := &reParser{p: []rune(pattern)}
	n, err := ps.alt()
	if err != nil {
		return nil, err
	}
	if ps.i != len(ps.p) {
		return nil, fmt.Errorf("unbalanced parenthesis at position %d", ps.i)
	}
	re := &pyRegexp{}
	re.emit(n)
	re.prog = append(re.prog, reInst{op: opMatch})
	return re, nil
}

func mustPyRe(pattern string) *pyRegexp {
	re, err := compilePyRe(pattern)
	if err != nil {
		panic(err)
	}
	return re
}

func (ps *reParser) alt() (*reNode, error) {
	var alts []*reNode
	for {
		s, err := ps.seq()
		if err != nil {
			return nil, err
		}
		alts = append(alts, s)
		if ps.i < len(ps.p) && ps.p[ps.i] == '|' {
			ps.i++
			continue
		}
		break
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &reNode{kind: 'a', sub: alts}, nil
}

func (ps *reParser) seq() (*reNode, error) {
	s := &reNode{kind: 's'}
	for ps.i < len(ps.p) {
		c := ps.p[ps.i]
		if c == '|' || c == ')' {
			break
		}
		atom, err := ps.atom()
		if err != nil {
			return nil, err
		}
		atom, err = ps.quant(atom)
		if err != nil {
			return nil, err
		}
		s.sub = append(s.sub, atom)
	}
	return s, nil
}

func (ps *reParser) atom() (*reNode, error) {
	c := ps.p[ps.i]
	ps.i++
	switch c {
	case '^':
		return &reNode{kind: '^'}, nil
	case '$':
		return &reNode{kind: '$'}, nil
	case '.':
		return &reNode{kind: 'c', cls: &reClass{neg: true, ranges: [][2]rune{{'\n', '\n'}}}}, nil
	case '(':
		if ps.i+1 < len(ps.p) && ps.p[ps.i] == '?' && ps.p[ps.i+1] == ':' {
			ps.i += 2
		}
		n, err := ps.alt()
		if err != nil {
			return nil, err
		}
		if ps.i >= len(ps.p) || ps.p[ps.i] != ')' {
			return nil, fmt.Errorf("missing ), unterminated subpattern")
		}
		ps.i++
		return n, nil
	case '[':
		return ps.class()
	case '\\':
		return ps.escape(false)
	case '*', '+', '?', '{':
		return nil, fmt.Errorf("nothing to repeat at position %d", ps.i-1)
	}
	return lit(c), nil
}

func lit(c rune) *reNode {
	return &reNode{kind: 'c', cls: &reClass{ranges: [][2]rune{{c, c}}}}
}

var (
	isDigit = func(r rune) bool { return unicode.IsDigit(r) }
	isSpace = func(r rune) bool { return unicode.IsSpace(r) || r == 0x1c || r == 0x1d || r == 0x1e || r == 0x1f }
	isWord  = func(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
)

func (ps *reParser) escape(inClass bool) (*reNode, error) {
	if ps.i >= len(ps.p) {
		return nil, fmt.Errorf("bad escape (end of pattern)")
	}
	c := ps.p[ps.i]
	ps.i++
	cl := func(f func(rune) bool, neg bool) *reNode {
		return &reNode{kind: 'c', cls: &reClass{neg: neg, fns: []func(rune) bool{f}}}
	}
	switch c {
	case 'd':
		return cl(isDigit, false), nil
	case 'D':
		return cl(isDigit, true), nil
	case 's':
		return cl(isSpace, false), nil
	case 'S':
		return cl(isSpace, true), nil
	case 'w':
		return cl(isWord, false), nil
	case 'W':
		return cl(isWord, true), nil
	case 'n':
		return lit('\n'), nil
	case 't':
		return lit('\t'), nil
	case 'r':
		return lit('\r'), nil
	case 'A':
		if !inClass {
			return &reNode{kind: '^'}, nil
		}
	case 'Z':
		if !inClass {
			return &reNode{kind: 'Z'}, nil
		}
	}
	if unicode.IsLetter(c) || unicode.IsDigit(c) {
		return nil, fmt.Errorf("bad escape \\%c", c)
	}
	return lit(c), nil
}

func (ps *reParser) class() (*reNode, error) {
	cls := &reClass{}
	if ps.i < len(ps.p) && ps.p[ps.i] == '^' {
		cls.neg = true
		ps.i++
	}
	first := true
	for {
		if ps.i >= len(ps.p) {
			return nil, fmt.Errorf("unterminated character set")
		}
		c := ps.p[ps.i]
		if c == ']' && !first {
			ps.i++
			return &reNode{kind: 'c', cls: cls}, nil
		}
		first = false
		ps.i++
		var lo rune
		if c == '\\' {
			n, err := ps.escape(true)
			if err != nil {
				return nil, err
			}
			if len(n.cls.fns) > 0 {
				f, neg := n.cls.fns[0], n.cls.neg
				cls.fns = append(cls.fns, func(r rune) bool { return f(r) != neg })
				continue
			}
			lo = n.cls.ranges[0][0]
		} else {
			lo = c
		}
		hi := lo
		if ps.i+1 < len(ps.p) && ps.p[ps.i] == '-' && ps.p[ps.i+1] != ']' {
			ps.i++
			h := ps.p[ps.i]
			ps.i++
			if h == '\\' {
				n, err := ps.escape(true)
				if err != nil {
					return nil, err
				}
				if len(n.cls.fns) > 0 {
					return nil, fmt.Errorf("bad character range")
				}
				h = n.cls.ranges[0][0]
			}
			if h < lo {
				return nil, fmt.Errorf("bad character range")
			}
			hi = h
		}
		cls.ranges = append(cls.ranges, [2]rune{lo, hi})
	}
}

func (ps *reParser) quant(atom *reNode) (*reNode, error) {
	if ps.i >= len(ps.p) {
		return atom, nil
	}
	min, max := 0, 0
	switch ps.p[ps.i] {
	case '?':
		min, max = 0, 1
	case '*':
		min, max = 0, -1
	case '+':
		min, max = 1, -1
	case '{':
		j := ps.i + 1
		num := func() (int, bool) {
			st := j
			v := 0
			for j < len(ps.p) && ps.p[j] >= '0' && ps.p[j] <= '9' {
				v = v*10 + int(ps.p[j]-'0')
				j++
			}
			return v, j > st
		}
		lo, okLo := num()
		hi := lo
		if j < len(ps.p) && ps.p[j] == ',' {
			j++
			var okHi bool
			hi, okHi = num()
			if !okHi {
				hi = -1
			}
		}
		if j >= len(ps.p) || ps.p[j] != '}' || (!okLo && hi == -1) {
			return atom, nil // a literal '{', as in Python
		}
		if !okLo {
			lo = 0
		}
		if lo > 100 || hi > 100 {
			return nil, fmt.Errorf("repeat count too large for this emulation")
		}
		ps.i = j
		min, max = lo, hi
	default:
		return atom, nil
	}
	ps.i++
	n := &reNode{kind: 'q', sub: []*reNode{atom}, min: min, max: max}
	if ps.i < len(ps.p) && ps.p[ps.i] == '?' {
		n.lazy = true
		ps.i++
	}
	if ps.i < len(ps.p) && (ps.p[ps.i] == '*' || ps.p[ps.i] == '+' || ps.p[ps.i] == '?') {
		return nil, fmt.Errorf("multiple repeat at position %d", ps.i)
	}
	return n, nil
}

func (re *pyRegexp) pc() int { return len(re.prog) }

func (re *pyRegexp) add(in reInst) int {
	re.prog = append(re.prog, in)
	return len(re.prog) - 1
}

// split adds a split that prefers the next instruction (greedy) or the
// target (lazy); the caller patches the other branch.
func (re *pyRegexp) emit(n *reNode) {
	switch n.kind {
	case 'c':
		re.add(reInst{op: opChar, cls: n.cls})
	case '^':
		re.add(reInst{op: opBegin})
	case '$':
		re.add(reInst{op: opEnd, dollr: true})
	case 'Z':
		re.add(reInst{op: opEnd})
	case 's':
		for _, s := range n.sub {
			re.emit(s)
		}
	case 'a':
		var jumps []int
		for i, s := range n.sub {
			if i < len(n.sub)-1 {
				sp := re.add(reInst{op: opSplit})
				re.prog[sp].x = re.pc()
				re.emit(s)
				jumps = append(jumps, re.add(reInst{op: opJmp}))
				re.prog[sp].y = re.pc()
			} else {
				re.emit(s)
			}
		}
		for _, j := range jumps {
			re.prog[j].x = re.pc()
		}
	case 'q':
		body := n.sub[0]
		for i := 0; i < n.min; i++ {
			re.emit(body)
		}
		if n.max == -1 {
			// L: split(body, out); body; jmp L
			l := re.add(reInst{op: opSplit})
			re.emit(body)
			re.add(reInst{op: opJmp, x: l})
			re.branch(l, l+1, re.pc(), n.lazy)
			return
		}
		var splits []int
		for i := n.min; i < n.max; i++ {
			sp := re.add(reInst{op: opSplit})
			splits = append(splits, sp)
			re.emit(body)
		}
		end := re.pc()
		for _, sp := range splits {
			re.branch(sp, sp+1, end, n.lazy)
		}
	}
}

func (re *pyRegexp) branch(at, body, out int, lazy bool) {
	if lazy {
		re.prog[at].x, re.prog[at].y = out, body
	} else {
		re.prog[at].x, re.prog[at].y = body, out
	}
}

// match reports whether the pattern matches s at its start (re.match) and
// whether it gave up after maxRegexTime.
func (re *pyRegexp) match(s string) (matched, gaveUp bool) {
	in := []rune(s)
	type frame struct{ pc, sp int }
	stack := []frame{{0, 0}}
	start := time.Now()
	steps := 0
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		pc, sp := f.pc, f.sp
	thread:
		for {
			steps++
			if steps&0xfff == 0 && time.Since(start) > maxRegexTime {
				return false, true
			}
			in0 := &re.prog[pc]
			switch in0.op {
			case opChar:
				if sp < len(in) && in0.cls.has(in[sp]) {
					pc++
					sp++
					continue
				}
				break thread
			case opSplit:
				stack = append(stack, frame{in0.y, sp})
				pc = in0.x
			case opJmp:
				pc = in0.x
			case opBegin:
				if sp != 0 {
					break thread
				}
				pc++
			case opEnd:
				if sp == len(in) || (in0.dollr && sp == len(in)-1 && in[sp] == '\n') {
					pc++
					continue
				}
				break thread
			case opMatch:
				return true, false
			}
		}
	}
	return false, false
}
