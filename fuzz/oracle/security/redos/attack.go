package redos

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

const (
	maxPrefix = 4096 // runes
	// measurableSteps: below this many matcher steps (milliseconds in
	// CPython, a fraction of one in V8) a slow answer drowns in network
	// noise.
	measurableSteps = 1 << 20
)

// ladderLog2 is the rungs' targets in log2 matcher steps. Measured on
// this machine, 2^22 steps take about 0.15–0.3 s in CPython's re and
// 5–25 ms in V8, so the rungs go from a normal request to seconds.
// Exponential attacks get a fifth rung: their strings stay short.
func ladderLog2(k Kind) []float64 {
	if k == Exponential {
		return []float64{10, 16, 22, 28, 32}
	}
	return []float64{10, 16, 22, 28}
}

// attacks turns witnesses into attacks; ws is non-empty only for
// patterns with ambiguous spots, so Go's regexps are compiled only then.
func (a *analysis) attacks(ws []witness, chk *checker, pr *printer, maxLen int) ([]Attack, []string, error) {
	if len(ws) == 0 {
		return nil, nil, nil
	}
	if err := chk.compile(); err != nil {
		return nil, nil, err
	}
	live := a.reachTo(a.accepting())
	var out []Attack
	var notes []string
	seen := map[string]bool{}
	for _, w := range ws {
		if len(out) == maxAttacks {
			break // exponential witnesses come first
		}
		at, note, ok := a.attack(w, chk, pr, live, maxLen)
		if note != "" {
			notes = append(notes, note)
		}
		if !ok {
			continue
		}
		// One attack per spot (the loops involved), and one per string.
		key := at.Prefix + "\x00" + at.Pump + "\x00" + at.Suffix
		spot := a.spotKey(w, at.FullMatchOnly)
		if seen[key] || seen[spot] {
			continue
		}
		seen[key], seen[spot] = true, true
		out = append(out, at)
	}
	sort.SliceStable(out, func(i, j int) bool { return better(out[i], out[j]) })
	if len(out) > maxAttacks {
		out = out[:maxAttacks]
	}
	return out, notes, nil
}

func (a *analysis) accepting() []int32 {
	var acc []int32
	for s, k := range a.n.accept {
		if k != 0 {
			acc = append(acc, int32(s))
		}
	}
	return acc
}

// pumpEnd is the byte offset where the suffix starts.
func pumpEnd(prefix, pump []rune, n int) int {
	return len(string(prefix)) + n*len(string(pump))
}

func repeatRunes(prefix, pump []rune, n int, suffix []rune) string {
	var b strings.Builder
	b.WriteString(string(prefix))
	p := string(pump)
	for i := 0; i < n; i++ {
		b.WriteString(p)
	}
	b.WriteString(string(suffix))
	return b.String()
}

// attack builds the best attack for one witness, trying the witness's
// pump and simpler variants of it (its primitive root, each of its
// characters alone), and for the search state a few one-character
// prefixes (so that a ^-anchored alternative cannot match first). The
// candidates are compared on short strings; only the chosen one pays
// for checking its long rungs. note explains an attack dropped for the
// length limit.
func (a *analysis) attack(w witness, chk *checker, pr *printer, live []bool, maxLen int) (Attack, string, bool) {
	var prefixes [][]rune
	if w.p == a.n.search {
		prefixes = append(prefixes, nil, []rune{'!'})
		if c, ok := a.controlChar(); ok && c != '!' {
			prefixes = append(prefixes, []rune{c})
		}
	} else {
		p, ok := a.prefixTo(w.p)
		if !ok {
			return Attack{}, "", false
		}
		prefixes = append(prefixes, p)
	}
	var cands []candidate
	for _, prefix := range prefixes {
		for _, pump := range pumpVariants(w.pump) {
			if c, ok := a.candidate(w, prefix, pump, chk, live); ok {
				cands = append(cands, c)
			}
		}
		if len(cands) > 0 {
			break
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return better(cands[i].at, cands[j].at) })
	var note string
	for _, c := range cands {
		at, n, ok := a.finish(c, chk, maxLen)
		if n != "" && note == "" {
			note = n
		}
		if !ok {
			continue
		}
		at.Label = a.label(w, pr)
		if at.FullMatchOnly {
			at.Label += " (when the whole value must match)"
		}
		return at, "", true
	}
	if note != "" {
		note = a.label(w, pr) + ": " + note
	}
	return Attack{}, note, false
}

// pumpVariants lists the witness's pump, its primitive root when it is
// a repetition, and each of its distinct characters alone.
func pumpVariants(pump []rune) [][]rune {
	root := pump
	for k := 1; k < len(pump); k++ {
		if len(pump)%k != 0 {
			continue
		}
		rep := true
		for i := k; i < len(pump) && rep; i++ {
			rep = pump[i] == pump[i-k]
		}
		if rep {
			root = pump[:k]
			break
		}
	}
	out := [][]rune{root}
	if len(root) > 1 {
		seen := map[rune]bool{}
		for _, r := range root {
			if !seen[r] && len(seen) < 3 {
				seen[r] = true
				out = append(out, []rune{r})
			}
		}
	}
	return out
}

// better orders attacks: search-semantics ones over whole-value ones,
// exponential over polynomial, then faster growth per character, then
// shorter strings.
func better(x, y Attack) bool {
	if x.FullMatchOnly != y.FullMatchOnly {
		return !x.FullMatchOnly
	}
	if x.Kind != y.Kind {
		return x.Kind == Exponential
	}
	lx, ly := len([]rune(x.Pump)), len([]rune(y.Pump))
	if x.Kind == Exponential {
		gx, gy := math.Log(x.Growth)/float64(lx), math.Log(y.Growth)/float64(ly)
		if math.Abs(gx-gy) > 0.05*math.Max(gx, gy) {
			return gx > gy
		}
	} else if x.Degree != y.Degree {
		return x.Degree > y.Degree
	}
	if lx != ly {
		return lx < ly
	}
	return len(x.Prefix) < len(y.Prefix)
}

// candidate is an attack checked on short strings, with its growth fit.
type candidate struct {
	at                   Attack
	prefix, pump, suffix []rune
	completion           []rune // completes prefix·pump^8 into a match
	retries              bool
	judge                *judge
	fit                  func(n float64) float64 // log steps at n pumps
	inv                  func(logSteps float64) float64
}

// candidate checks prefix·pump^n·suffix on short strings and measures
// its growth.
func (a *analysis) candidate(w witness, prefix, pump []rune, chk *checker, live []bool) (candidate, bool) {
	// prefix·pump^n is prefix'·pump^(n+1) when prefix ends with pump.
	for len(prefix) >= len(pump) && string(prefix[len(prefix)-len(pump):]) == string(pump) {
		prefix = prefix[:len(prefix)-len(pump)]
	}
	retries := w.p == a.n.search
	// Counting runs over 64 pumps; the rest costs less.
	if !a.spendWork(2 * (len(prefix) + 64*len(pump) + 8)) {
		return candidate{}, false
	}
	j := &judge{a: a, chk: chk, prefix: prefix, pump: pump}
	// A search match ending inside prefix·pump^k without needing the
	// end of the string survives any suffix: then only a whole-value
	// match can fail.
	searchable := j.searchable()
	if retries && !searchable {
		return candidate{}, false
	}
	// The engine must still be inside a possible match after the pumps:
	// prefix·pump^k can be completed into a match (on the automaton when
	// it is exact; finish asks Go too).
	var afterPumps []bool
	var completion []rune
	for _, k := range []int{8, 9} {
		set := a.simulate([]bool{0: true}, -1, prefix, retries)
		prev := last(prefix, -1)
		for i := 0; i < k; i++ {
			set = a.simulate(set, prev, pump, retries)
			prev = last(pump, prev)
		}
		comp, ok := a.completion(set)
		if !ok || !a.n.exact && !chk.viable(repeatRunes(prefix, pump, k, comp), retries) {
			return candidate{}, false
		}
		if afterPumps == nil {
			afterPumps, completion = set, comp
		}
	}
	suffix, fullOnly, ok := a.chooseSuffix(afterPumps, live, j, retries, searchable)
	if !ok {
		return candidate{}, false
	}
	withSearch := !fullOnly && a.n.search >= 0
	l := a.logSteps(prefix, pump, suffix, []int{8, 16, 32, 64}, withSearch)
	r1, r2, r3 := l[1]-l[0], l[2]-l[1], l[3]-l[2]
	c := candidate{
		prefix: prefix, pump: pump, suffix: suffix, completion: completion, retries: retries, judge: j,
		at: Attack{Prefix: string(prefix), Pump: string(pump), Suffix: string(suffix), FullMatchOnly: fullOnly},
	}
	if w.exp || r2 > 1.5*r1 && r3 > 1.5*r2 && r3 > math.Log(16) {
		slope := r3 / 32 // log growth per pump, from 32 to 64 pumps
		if slope < math.Log(1.05) {
			return candidate{}, false
		}
		c.at.Kind, c.at.Growth = Exponential, math.Exp(slope)
		c.fit = func(n float64) float64 { return l[2] + (n-32)*slope }
		c.inv = func(ls float64) float64 { return 32 + (ls-l[2])/slope }
	} else {
		d := r3 / math.Ln2
		if d < 1.6 {
			return candidate{}, false
		}
		c.at.Kind, c.at.Degree = Polynomial, int(math.Round(d))
		c.fit = func(n float64) float64 { return l[3] + d*math.Log(n/64) }
		c.inv = func(ls float64) float64 { return 64 * math.Exp((ls-l[3])/d) }
	}
	return c, true
}

// finish builds the ladder of a candidate within the length limit,
// checks with Go that every rung still fails (a bounded repeat can
// start to match), and adds the controls.
func (a *analysis) finish(c candidate, chk *checker, maxLen int) (Attack, string, bool) {
	at := c.at
	prefix, pump, suffix := c.prefix, c.pump, c.suffix
	fixed := len(prefix) + len(suffix)
	limit := maxAttackRunes
	if maxLen >= 0 {
		limit = min(limit, maxLen)
	}
	maxPumps := (limit - fixed) / len(pump)
	if maxPumps < 1 {
		return Attack{}, fmt.Sprintf("maxLength %d leaves no room for an attack (prefix and suffix alone are %d characters)", maxLen, fixed), false
	}
	// Go has the last word on the chosen attack: the pumped string can
	// still become a match, and the first rung fails.
	if !a.spendWork(len(prefix) + 8*len(pump) + len(c.completion) + len(suffix)) {
		return Attack{}, "", false
	}
	if !chk.viable(repeatRunes(prefix, pump, 8, c.completion), c.retries) {
		return Attack{}, "", false
	}
	goFails := func(n int) bool {
		s := repeatRunes(prefix, pump, n, suffix)
		if at.FullMatchOnly {
			return !chk.full.MatchString(s)
		}
		return chk.failsBefore(s, pumpEnd(prefix, pump, n))
	}
	checked := false
	rejected := func(n int) bool {
		if !checked {
			checked = true
			if !goFails(n) {
				return false
			}
		}
		return c.judge.fails(n, suffix, at.FullMatchOnly)
	}
	prev := 0
	cutByLength, cutByPattern := false, false
	targets := ladderLog2(at.Kind)
	for _, lg := range targets {
		n := max(int(math.Ceil(c.inv(lg*math.Ln2))), 1, prev+1)
		if n > maxPumps {
			cutByLength = true
			break
		}
		if !rejected(n) {
			cutByPattern = true
			break
		}
		at.Ladder = append(at.Ladder, n)
		prev = n
	}
	switch {
	case cutByPattern:
		// Largest rejected count between the last rung and the first
		// matched one.
		lo, hi := prev, int(math.Ceil(c.inv(targets[len(at.Ladder)]*math.Ln2)))
		for lo+1 < hi {
			mid := (lo + hi) / 2
			if rejected(mid) {
				lo = mid
			} else {
				hi = mid
			}
		}
		if lo > prev {
			at.Ladder = append(at.Ladder, lo)
		}
	case cutByLength && prev < maxPumps && rejected(maxPumps):
		at.Ladder = append(at.Ladder, maxPumps)
	}
	if len(at.Ladder) == 0 {
		return Attack{}, "", false
	}
	for _, n := range at.Ladder {
		at.Strings = append(at.Strings, repeatRunes(prefix, pump, n, suffix))
		at.Steps = append(at.Steps, math.Round(math.Exp(c.fit(float64(n)))))
	}
	top := at.Steps[len(at.Steps)-1]
	if cutByPattern && top < measurableSteps {
		// The pattern itself bounds the pumps: nothing to measure.
		return Attack{}, "", false
	}
	if cutByLength {
		at.Note = fmt.Sprintf("the length limit (%d characters) allows at most %d pumps: about %.3g matcher steps", limit, maxPumps, top)
		if top < measurableSteps {
			at.TooShort = true
			at.Note += ", too few to measure"
		}
	}
	if k, ok := a.controlChar(); ok {
		ctrl := make([]string, len(at.Strings))
		for i, n := range at.Ladder {
			ctrl[i] = strings.Repeat(string(k), fixed+n*len(pump))
		}
		// A character no match starts with fails at every offset; Go
		// confirms it on the shortest control.
		cs := ctrl[0]
		if at.FullMatchOnly && !chk.full.MatchString(cs) || !at.FullMatchOnly && chk.failsBefore(cs, len(cs)) {
			at.Controls = ctrl
		}
	}
	return at, "", true
}
