package redos

import (
	"errors"
	"regexp/syntax"
	"slices"
	"unicode"
)

// The analysis runs on a position automaton (Glushkov): one state per
// character the expanded pattern consumes, entered by reading a
// character of that state's class. Counted repeats are expanded the way
// a backtracking engine runs them (x{2,4} is x x (x (x)?)?), so the
// automaton's paths over a string are the paths a backtracking matcher
// explores. An edge carries a multiplicity: how many ways the pattern's
// structure leads from one position to the next without consuming
// anything in between. `(a*)*` has one position and an a→a edge of
// multiplicity 2 (the inner loop, or a new outer iteration), which is
// exactly why it is exponential for a backtracking engine while its
// plain Glushkov automaton is unambiguous.
type nfa struct {
	class   []int32  // class index per state; -1 for the start state
	classes [][]rune // interned range lists (lo, hi pairs), surrogates removed
	out     [][]edge
	in      [][]int32 // predecessors (targets of out reversed), built by finish
	accept  []uint8   // acceptAny or acceptAtEnd per state
	// search is the state standing for a search engine's retries at
	// every start offset (a loop on any character in front of the
	// pattern); -1 when the pattern is anchored at ^.
	search int32
	loops  []loop
	// nullable is the pattern's empty bit set (see frag.empty): under
	// which conditions it matches the empty string.
	nullable uint16
	edges    int // number of edges
	// exact is set when no repeat count was lowered: the automaton's
	// language then contains the pattern's (it reads multi-line anchors
	// as true, and a \b or \B next to the end of a match too).
	exact bool
}

type edge struct {
	to   int32
	mult int32
	// by is the loop (index in loops) that added this edge last, the
	// outermost one when several did; -1 when only concatenation did.
	by int32
	// assert is needWord (a \b) or needNonWord (a \B) between the
	// character read before and the one this edge reads, or 0.
	assert uint8
}

// loop is one unbounded repeat of the expanded pattern: its node and the
// range of states its body's copy occupies.
type loop struct {
	re     *syntax.Regexp
	lo, hi int32 // states [lo, hi)
}

const (
	acceptAny   uint8 = 1
	acceptAtEnd uint8 = 2
)

// Conditions a path through a fragment puts on where it runs.
const (
	needStart   uint8 = 1 // only at the start of the text (a ^ on the way)
	needEnd     uint8 = 2 // only at the end of the text (a $ on the way)
	needWord    uint8 = 4 // only between a word and a non-word character (\b)
	needNonWord uint8 = 8 // only between two of the same kind (\B)
	wordConds         = needWord | needNonWord
)

// ent is a state in a fragment's first or last set with the conditions
// the way to it (first: needStart, word conditions) or from it (last:
// needEnd, word conditions) puts.
type ent struct {
	s    int32
	cond uint8
}

// frag is a compiled subexpression. empty is a bit set over the
// condition sets (0..15) under which it matches the empty string.
type frag struct {
	first, last []ent
	empty       uint16
}

var errTooBig = errors.New("automaton too large")

type builder struct {
	n        *nfa
	wrapper  []bool
	countCap int              // > 0: repeat counts above it are lowered to it
	budget   int              // maximum number of states
	intern   map[string]int32 // range lists by their runes
	single   map[[2]rune]int32
	err      error
	edges    int
	// edgeIndex finds the edges of states with many successors
	// (indexed[s]) by edgeKey.
	edgeIndex map[uint64]int32
	indexed   map[int32]bool
}

// maxEdges bounds the automaton's edges: (a*){1000} would have half a
// million, every one a nullable copy to each later copy.
const maxEdges = 20_000

// buildNFA compiles a parsed pattern. countCap > 0 lowers counted
// repeats; budget bounds the number of states (errTooBig beyond).
func buildNFA(re *syntax.Regexp, wrapper []bool, countCap, budget int) (*nfa, error) {
	b := &builder{
		n:        &nfa{search: -1},
		wrapper:  wrapper,
		countCap: countCap,
		budget:   budget,
		intern:   map[string]int32{},
		single:   map[[2]rune]int32{},
		indexed:  map[int32]bool{},
	}
	b.n.class = append(b.n.class, -1)
	b.n.out = append(b.n.out, nil)
	root := b.build(re)
	if b.err != nil {
		return nil, b.err
	}
	n := b.n
	unanchored := false
	for _, q := range root.first {
		b.addEdge(0, q.s, -1, q.cond&wordConds)
		if q.cond&needStart == 0 {
			unanchored = true
		}
	}
	if unanchored {
		s := b.newState(b.internClass([]rune{0, unicode.MaxRune}))
		n.search = s
		b.addEdge(0, s, -1, 0)
		b.addEdge(s, s, -1, 0)
		for _, q := range root.first {
			if q.cond&needStart == 0 {
				b.addEdge(s, q.s, -1, q.cond&wordConds)
			}
		}
	}
	n.nullable = root.empty
	n.exact = countCap == 0
	n.accept = make([]uint8, len(n.class))
	for _, p := range root.last {
		if p.cond&needEnd != 0 {
			n.accept[p.s] = acceptAtEnd
		} else {
			n.accept[p.s] = acceptAny
		}
	}
	n.finish()
	return n, nil
}

// finish drops edges into states whose class is empty (they can never
// be entered) and builds the predecessor lists.
func (n *nfa) finish() {
	n.in = make([][]int32, len(n.class))
	n.edges = 0
	for p := range n.out {
		kept := n.out[p][:0]
		for _, e := range n.out[p] {
			if len(n.classes[n.class[e.to]]) == 0 {
				continue
			}
			kept = append(kept, e)
			n.in[e.to] = append(n.in[e.to], int32(p))
			n.edges++
		}
		n.out[p] = kept
	}
}

func (b *builder) newState(class int32) int32 {
	b.n.class = append(b.n.class, class)
	b.n.out = append(b.n.out, nil)
	if len(b.n.class) > b.budget {
		b.err = errTooBig
	}
	return int32(len(b.n.class) - 1)
}

func (b *builder) addEdge(p, q, by int32, assert uint8) {
	if assert == wordConds {
		return // \b and \B at once
	}
	out := b.n.out[p]
	i := -1
	if len(out) < 16 {
		for k := range out {
			if out[k].to == q && out[k].assert == assert {
				i = k
				break
			}
		}
	} else {
		// A state with many successors: look the edge up by key.
		if b.edgeIndex == nil {
			b.edgeIndex = map[uint64]int32{}
		}
		if len(out) == 16 && !b.indexed[p] {
			for k, e := range out {
				b.edgeIndex[edgeKey(p, e.to, e.assert)] = int32(k)
			}
			b.indexed[p] = true
		}
		if k, ok := b.edgeIndex[edgeKey(p, q, assert)]; ok {
			i = int(k)
		}
	}
	if i >= 0 {
		out[i].mult++
		if by >= 0 {
			out[i].by = by
		}
		return
	}
	if b.indexed[p] {
		b.edgeIndex[edgeKey(p, q, assert)] = int32(len(out))
	}
	b.n.out[p] = append(out, edge{to: q, mult: 1, by: by, assert: assert})
	if b.edges++; b.edges > maxEdges {
		b.err = errTooBig
	}
}

func edgeKey(p, q int32, assert uint8) uint64 {
	return uint64(p)<<36 | uint64(q)<<4 | uint64(assert)
}

func (b *builder) internClass(ranges []rune) int32 {
	if len(ranges) == 2 && (ranges[1] < 0xD800 || ranges[0] > 0xDFFF) {
		// A single range: most classes are one literal character.
		key := [2]rune{ranges[0], ranges[1]}
		if i, ok := b.single[key]; ok {
			return i
		}
		i := b.addClass([]rune{ranges[0], ranges[1]})
		b.single[key] = i
		return i
	}
	ranges = withoutSurrogates(ranges)
	key := string(ranges)
	if i, ok := b.intern[key]; ok {
		return i
	}
	i := b.addClass(ranges)
	b.intern[key] = i
	return i
}

func (b *builder) addClass(ranges []rune) int32 {
	b.n.classes = append(b.n.classes, ranges)
	return int32(len(b.n.classes) - 1)
}

// withoutSurrogates returns ranges minus U+D800..U+DFFF, which no valid
// UTF-8 string holds.
func withoutSurrogates(r []rune) []rune {
	var out []rune
	for i := 0; i+1 < len(r); i += 2 {
		lo, hi := r[i], r[i+1]
		if hi < 0xD800 || lo > 0xDFFF {
			out = append(out, lo, hi)
			continue
		}
		if lo < 0xD800 {
			out = append(out, lo, 0xD7FF)
		}
		if hi > 0xDFFF {
			out = append(out, 0xE000, hi)
		}
	}
	return out
}

func emptyFrag() frag { return frag{empty: 1} }

// normEmpty drops condition sets that cannot hold (\b and \B at once)
// or that a weaker one in the set implies.
func normEmpty(e uint16) uint16 {
	for c := uint16(0); c < 16; c++ {
		if e&(1<<c) == 0 {
			continue
		}
		if c&uint16(wordConds) == uint16(wordConds) {
			e &^= 1 << c
			continue
		}
		for sub := uint16(0); sub < 16; sub++ {
			if sub != c && sub&c == sub && e&(1<<sub) != 0 {
				e &^= 1 << c
				break
			}
		}
	}
	return e
}

// concat compiles f1 f2. It takes ownership of both fragments' slices:
// their states are disjoint, so the sets are appended without checks.
func (b *builder) concat(f1, f2 frag) frag {
	for _, p := range f1.last {
		if p.cond&needEnd != 0 {
			continue
		}
		for _, q := range f2.first {
			if q.cond&needStart == 0 {
				b.addEdge(p.s, q.s, -1, (p.cond|q.cond)&wordConds)
			}
		}
	}
	// Reaching f2's first states through an empty f1 (never through a
	// $), and leaving f1's last states through an empty f2 (never
	// through a ^): the conditions every such way puts (an
	// over-approximation when the ways differ).
	enter, canEnter := needStart|wordConds, false
	leave, canLeave := needEnd|wordConds, false
	for c := uint8(0); c < 16; c++ {
		if f1.empty&(1<<c) != 0 && c&needEnd == 0 {
			enter &= c
			canEnter = true
		}
		if f2.empty&(1<<c) != 0 && c&needStart == 0 {
			leave &= c
			canLeave = true
		}
	}
	var r frag
	r.first = f1.first
	if canEnter {
		for _, q := range f2.first {
			if c := q.cond | enter; c&wordConds != wordConds {
				r.first = append(r.first, ent{q.s, c})
			}
		}
	}
	r.last = f2.last
	if canLeave {
		for _, p := range f1.last {
			if c := p.cond | leave; c&wordConds != wordConds {
				r.last = append(r.last, ent{p.s, c})
			}
		}
	}
	for c1 := uint16(0); c1 < 16; c1++ {
		if f1.empty&(1<<c1) == 0 {
			continue
		}
		for c2 := uint16(0); c2 < 16; c2++ {
			if f2.empty&(1<<c2) != 0 {
				r.empty |= 1 << (c1 | c2)
			}
		}
	}
	r.empty = normEmpty(r.empty)
	return r
}

// alternate compiles f1|f2, taking ownership of both (disjoint) fragments.
func (b *builder) alternate(f1, f2 frag) frag {
	return frag{
		first: append(f1.first, f2.first...),
		last:  append(f1.last, f2.last...),
		empty: normEmpty(f1.empty | f2.empty),
	}
}

// loopBack adds the edges of one more iteration of loop by: every last
// state to every first state.
func (b *builder) loopBack(f frag, by int32) {
	for _, p := range f.last {
		if p.cond&needEnd != 0 {
			continue
		}
		for _, q := range f.first {
			if q.cond&needStart == 0 {
				b.addEdge(p.s, q.s, by, (p.cond|q.cond)&wordConds)
			}
		}
	}
}

// unbounded compiles sub+ (or sub* when star) and records the loop.
func (b *builder) unbounded(re, sub *syntax.Regexp, star bool) frag {
	lo := int32(len(b.n.class))
	f := b.build(sub)
	b.n.loops = append(b.n.loops, loop{re: re, lo: lo, hi: int32(len(b.n.class))})
	b.loopBack(f, int32(len(b.n.loops)-1))
	if star {
		f.empty = 1
	}
	return f
}

func (b *builder) build(re *syntax.Regexp) frag {
	if b.err != nil {
		return emptyFrag()
	}
	switch re.Op {
	case syntax.OpNoMatch:
		return frag{}
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine:
		// Multi-line anchors are read as always true: an
		// over-approximation (see the package limitations).
		return emptyFrag()
	case syntax.OpWordBoundary:
		return frag{empty: 1 << needWord}
	case syntax.OpNoWordBoundary:
		return frag{empty: 1 << needNonWord}
	case syntax.OpBeginText:
		return frag{empty: 1 << needStart}
	case syntax.OpEndText:
		return frag{empty: 1 << needEnd}
	case syntax.OpLiteral:
		f := emptyFrag()
		for _, r := range re.Rune {
			ranges := []rune{r, r}
			if re.Flags&syntax.FoldCase != 0 {
				ranges = foldRanges(r)
			}
			f = b.concat(f, b.char(ranges))
		}
		return f
	case syntax.OpCharClass:
		return b.char(re.Rune)
	case syntax.OpAnyCharNotNL:
		return b.char([]rune{0, '\n' - 1, '\n' + 1, unicode.MaxRune})
	case syntax.OpAnyChar:
		return b.char([]rune{0, unicode.MaxRune})
	case syntax.OpCapture:
		return b.build(re.Sub[0])
	case syntax.OpStar:
		return b.unbounded(re, re.Sub[0], true)
	case syntax.OpPlus:
		return b.unbounded(re, re.Sub[0], false)
	case syntax.OpQuest:
		f := b.build(re.Sub[0])
		f.empty = 1
		return f
	case syntax.OpRepeat:
		return b.repeat(re)
	case syntax.OpConcat:
		f := emptyFrag()
		for _, sub := range re.Sub {
			f = b.concat(f, b.build(sub))
		}
		return f
	case syntax.OpAlternate:
		f := frag{}
		for _, sub := range re.Sub {
			f = b.alternate(f, b.build(sub))
		}
		return f
	}
	return emptyFrag()
}

func (b *builder) char(ranges []rune) frag {
	s := b.newState(b.internClass(ranges))
	return frag{first: []ent{{s, 0}}, last: []ent{{s, 0}}}
}

// repeat expands x{lo,hi}: x^lo then hi-lo nested optional copies, or
// x^(lo-1) x+ when unbounded.
func (b *builder) repeat(re *syntax.Regexp) frag {
	lo, hi := re.Min, re.Max
	if b.countCap > 0 {
		lo = min(lo, b.countCap)
		if hi > b.countCap {
			hi = b.countCap
		}
	}
	sub := re.Sub[0]
	f := emptyFrag()
	if hi < 0 {
		for i := 0; i < lo-1 && b.err == nil; i++ {
			f = b.concat(f, b.build(sub))
		}
		return b.concat(f, b.unbounded(re, sub, lo == 0))
	}
	for i := 0; i < lo && b.err == nil; i++ {
		f = b.concat(f, b.build(sub))
	}
	copies := make([]frag, 0, hi-lo)
	for i := lo; i < hi && b.err == nil; i++ {
		copies = append(copies, b.build(sub))
	}
	opt := emptyFrag()
	for i := len(copies) - 1; i >= 0; i-- {
		opt = b.concat(copies[i], opt)
		opt.empty = 1
	}
	return b.concat(f, opt)
}

// foldRanges is the case-folding orbit of r as a sorted range list.
func foldRanges(r rune) []rune {
	rs := []rune{r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		rs = append(rs, f)
	}
	slices.Sort(rs)
	out := make([]rune, 0, 2*len(rs))
	for _, x := range rs {
		out = append(out, x, x)
	}
	return out
}

// expandedSize is how many states re compiles to with countCap, capped
// at limit+1.
func expandedSize(re *syntax.Regexp, countCap, limit int) int {
	add := func(a, b int) int { return min(a+b, limit+1) }
	mul := func(a, b int) int {
		if a == 0 || b == 0 {
			return 0
		}
		if a > (limit+1)/b {
			return limit + 1
		}
		return min(a*b, limit+1)
	}
	switch re.Op {
	case syntax.OpLiteral:
		return min(len(re.Rune), limit+1)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		return expandedSize(re.Sub[0], countCap, limit)
	case syntax.OpRepeat:
		hi := re.Max
		if hi < 0 {
			hi = max(re.Min, 1)
		}
		if countCap > 0 {
			hi = min(hi, countCap)
		}
		return mul(expandedSize(re.Sub[0], countCap, limit), hi)
	case syntax.OpConcat, syntax.OpAlternate:
		n := 0
		for _, sub := range re.Sub {
			n = add(n, expandedSize(sub, countCap, limit))
		}
		return n
	}
	return 0
}
