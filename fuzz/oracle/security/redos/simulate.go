package redos

import "math"

// periodic decides whether prefix·pump^n·suffix fails, for any n and
// suffix: the automaton's state sets after each pump repeat after a few
// pumps, so only a period's worth of them is simulated.
type periodic struct {
	a              *analysis
	search         bool     // a search for the pattern, else a whole-string match
	sets           [][]bool // sets[k]: states after k pumps
	early          []bool   // early[k]: a match starting in the prefix or the first k pumps ended there
	loopAt, period int      // sets[loopAt+period] == sets[loopAt]; loopAt -1 when no cycle was found
	// the characters before the suffix, for word boundaries
	prefixLast, pumpLast rune
}

const maxPeriodic = 1024 // pumps simulated at most while looking for a cycle

func (a *analysis) newPeriodic(prefix, pump []rune, search bool) *periodic {
	p := &periodic{a: a, search: search, loopAt: -1, prefixLast: last(prefix, -1), pumpLast: last(pump, -1)}
	n := len(a.n.class)
	set, next := make([]bool, n), make([]bool, n)
	set[0] = true
	// The empty string matching at offset 0 is a match there.
	accepted := search && a.n.nullable&(1|1<<needStart) != 0
	prev := rune(-1)
	run := func(s []rune) {
		for _, r := range s {
			a.step(next, set, prev, r, search)
			set, next = next, set
			prev = r
			if search && !accepted && p.accepting(set, false) {
				accepted = true
			}
		}
	}
	run(prefix)
	seen := map[string]int{}
	key := make([]byte, n)
	for k := 0; k <= maxPeriodic; k++ {
		p.sets = append(p.sets, append([]bool(nil), set...))
		p.early = append(p.early, accepted)
		for i, v := range set {
			key[i] = 0
			if v {
				key[i] = 1
			}
		}
		if j, ok := seen[string(key)]; ok {
			p.loopAt, p.period = j, k-j
			break
		}
		seen[string(key)] = k
		run(pump)
	}
	return p
}

// accepting reports whether set holds a state where a match ends here
// (atEnd: at the end of the string).
func (p *periodic) accepting(set []bool, atEnd bool) bool {
	for s, in := range set {
		if in && (p.a.n.accept[s] == acceptAny || atEnd && p.a.n.accept[s] == acceptAtEnd) {
			return true
		}
	}
	return false
}

// fails reports whether the string with n pumps and suffix fails:
// searching, no match starts in the prefix or the pumps; else the whole
// string does not match.
func (p *periodic) fails(n int, suffix []rune) bool {
	k := n
	if p.loopAt >= 0 && n > p.loopAt {
		k = p.loopAt + (n-p.loopAt)%p.period
	} else if n >= len(p.sets) {
		return false // no cycle found: cannot decide, refuse the rung
	}
	if p.search && p.early[min(n, len(p.early)-1)] {
		return false
	}
	set := append([]bool(nil), p.sets[k]...)
	if p.search && p.a.n.search >= 0 {
		set[p.a.n.search] = false // matches starting in the suffix do not count
	}
	prev := p.prefixLast
	if n > 0 {
		prev = p.pumpLast
	}
	next := make([]bool, len(set))
	for i, r := range suffix {
		p.a.step(next, set, prev, r, false)
		set, next = next, set
		prev = r
		if p.search && i < len(suffix)-1 && p.accepting(set, false) {
			return false
		}
	}
	if p.accepting(set, true) {
		return false
	}
	empty := n == 0 && len(suffix) == 0 && p.prefixLast < 0
	return !(empty && p.a.n.nullable != 0)
}

// judge decides what a backtracking engine does with
// prefix·pump^n·suffix: on the automaton when it is exact (its language
// then holds the pattern's, so a string it rejects is rejected), else
// with Go's engine.
type judge struct {
	a            *analysis
	chk          *checker
	prefix, pump []rune
	search, full *periodic // built on first use
}

// fails reports whether the string fails: no match starting before the
// suffix when searching, no whole-string match when full.
func (j *judge) fails(n int, suffix []rune, full bool) bool {
	if !j.a.n.exact {
		s := repeatRunes(j.prefix, j.pump, n, suffix)
		if full {
			return !j.chk.full.MatchString(s)
		}
		return j.chk.failsBefore(s, pumpEnd(j.prefix, j.pump, n))
	}
	p := &j.search
	if full {
		p = &j.full
	}
	if *p == nil {
		*p = j.a.newPeriodic(j.prefix, j.pump, !full)
	}
	return (*p).fails(n, suffix)
}

// searchable reports whether a suffix can still make a search fail: no
// match ends inside the prefix and pumps without needing the end of the
// string (such a match survives any suffix).
func (j *judge) searchable() bool {
	if !j.a.n.exact {
		return true // the suffix candidates will tell
	}
	if j.search == nil {
		j.search = j.a.newPeriodic(j.prefix, j.pump, true)
	}
	return !j.search.early[len(j.search.early)-1]
}

// step reads r: dst gets the states reached from src (prev is the
// character before r, -1 at the start of the text).
func (a *analysis) step(dst, src []bool, prev, r rune, withSearch bool) {
	k := a.ab.atomOf(r)
	clear(dst)
	for p, in := range src {
		if !in {
			continue
		}
		for _, e := range a.n.out[p] {
			if (withSearch || e.to != a.n.search) && a.ab.has(a.cls(e.to), k) && passes(e.assert, prev, r) {
				dst[e.to] = true
			}
		}
	}
}

// simulate runs the automaton over s, with the search state's retries
// when withSearch; prev is the character read before s (-1 at the start
// of the text), for the word-boundary assertions.
func (a *analysis) simulate(set []bool, prev rune, s []rune, withSearch bool) []bool {
	cur := make([]bool, len(a.n.class))
	copy(cur, set) // set may be shorter: {0: true} is the start
	next := make([]bool, len(cur))
	for _, r := range s {
		a.step(next, cur, prev, r, withSearch)
		cur, next = next, cur
		prev = r
	}
	return cur
}

// passes reports whether an edge's \b or \B holds between prev (-1 at
// the start of the text) and next.
func passes(assert uint8, prev, next rune) bool {
	if assert == 0 {
		return true
	}
	boundary := isWordChar(prev) != isWordChar(next)
	return boundary == (assert == needWord)
}

func isWordChar(r rune) bool { return r >= 0 && r < 0x80 && isAlnum(byte(r)) }

// last is the last rune of s, or def when s is empty.
func last(s []rune, def rune) rune {
	if len(s) == 0 {
		return def
	}
	return s[len(s)-1]
}

// counter counts a backtracking matcher's paths through the automaton:
// cnt[s] paths end in state s after the characters fed so far (scaled
// by e^logScale), logTotal is the log of all path prefixes so far,
// which is how many steps a matcher takes when every path fails.
type counter struct {
	a          *analysis
	cnt, nxt   []float64
	logScale   float64
	logTotal   float64
	withSearch bool
	prev       rune // the last character fed, -1 before the first
}

func (c *counter) feed(r rune) {
	k := c.a.ab.atomOf(r)
	clear(c.nxt)
	search := c.a.n.search
	for p, v := range c.cnt {
		if v == 0 {
			continue
		}
		for _, e := range c.a.n.out[p] {
			if e.to == search && !c.withSearch {
				continue
			}
			if c.a.ab.has(c.a.cls(e.to), k) && passes(e.assert, c.prev, r) {
				c.nxt[e.to] += v * float64(e.mult)
			}
		}
	}
	c.cnt, c.nxt = c.nxt, c.cnt
	c.prev = r
	sum := 0.0
	for _, v := range c.cnt {
		sum += v
	}
	if sum == 0 {
		return
	}
	c.logTotal = logAdd(c.logTotal, math.Log(sum)+c.logScale)
	if sum > 1e100 {
		for i := range c.cnt {
			c.cnt[i] /= 1e100
		}
		c.logScale += 100 * math.Ln10
	}
}

func (c *counter) clone() *counter {
	d := *c
	d.cnt = append([]float64(nil), c.cnt...)
	d.nxt = make([]float64, len(c.nxt))
	return &d
}

func logAdd(x, y float64) float64 {
	if x < y {
		x, y = y, x
	}
	return x + math.Log1p(math.Exp(y-x))
}

// logSteps returns, for each mark n, the log of the steps a
// backtracking matcher takes on prefix·pump^n·suffix (all paths
// failing), counting the search's retries at every offset when
// withSearch.
func (a *analysis) logSteps(prefix, pump, suffix []rune, marks []int, withSearch bool) []float64 {
	n := len(a.n.class)
	c := &counter{a: a, cnt: make([]float64, n), nxt: make([]float64, n), withSearch: withSearch, prev: -1}
	c.cnt[0] = 1
	for _, r := range prefix {
		c.feed(r)
	}
	out := make([]float64, 0, len(marks))
	done := 0
	for _, m := range marks {
		for ; done < m; done++ {
			for _, r := range pump {
				c.feed(r)
			}
		}
		d := c.clone()
		for _, r := range suffix {
			d.feed(r)
		}
		out = append(out, d.logTotal)
	}
	return out
}
