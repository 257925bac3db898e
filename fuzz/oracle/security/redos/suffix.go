package redos

import (
	"sort"
)

// prefixTo is the shortest string leading from the start to state p,
// without the search state's retries.
func (a *analysis) prefixTo(p int32) ([]rune, bool) {
	if p == a.n.search || p == 0 {
		return nil, true
	}
	parent := make([]int32, len(a.n.class))
	for i := range parent {
		parent[i] = -2
	}
	parent[0] = -1
	queue := []int32{0}
	for h := 0; h < len(queue); h++ {
		u := queue[h]
		for _, e := range a.n.out[u] {
			v := e.to
			if v == a.n.search || parent[v] != -2 {
				continue
			}
			parent[v] = u
			if v == p {
				var out []rune
				for x := v; x != 0; x = parent[x] {
					r, _ := a.ab.pick(a.cls(x))
					out = append(out, r)
				}
				if len(out) > maxPrefix {
					return nil, false
				}
				reverseRunes(out)
				return out, true
			}
			queue = append(queue, v)
		}
	}
	return nil, false
}

// completion is the shortest string leading from one of the states in
// set to an accepting state.
func (a *analysis) completion(set []bool) ([]rune, bool) {
	parent := make([]int32, len(a.n.class))
	for i := range parent {
		parent[i] = -2
	}
	var queue []int32
	for s, in := range set {
		if !in {
			continue
		}
		if a.n.accept[s] != 0 {
			return nil, true
		}
		parent[s] = -1
		queue = append(queue, int32(s))
	}
	for h := 0; h < len(queue); h++ {
		u := queue[h]
		for _, e := range a.n.out[u] {
			v := e.to
			if v == a.n.search || parent[v] != -2 {
				continue
			}
			parent[v] = u
			if a.n.accept[v] != 0 {
				var out []rune
				for x := v; parent[x] != -1; x = parent[x] {
					r, _ := a.ab.pick(a.cls(x))
					out = append(out, r)
				}
				// the first state of the walk was already in set
				reverseRunes(out)
				return out, true
			}
			queue = append(queue, v)
		}
	}
	return nil, false
}

// chooseSuffix finds a suffix after which the string is rejected: by a
// search for the pattern when possible, else by a whole-value match
// (fullOnly). Candidates: a character no next state accepts, short
// strings after which no state can reach a match, the empty string.
func (a *analysis) chooseSuffix(set, live []bool, j *judge, searchOnly, searchable bool) ([]rune, bool, bool) {
	var fallback []rune
	haveFallback := false
	try := func(cand []rune) bool {
		if searchable && j.fails(5, cand, false) && j.fails(11, cand, false) {
			return true
		}
		if !haveFallback && !searchOnly && j.fails(5, cand, true) && j.fails(11, cand, true) {
			fallback, haveFallback = cand, true
		}
		return false
	}
	// The classic '!' first (a rejected string is explored in full
	// whether or not the suffix kills every path at once), then the
	// most readable characters no next state accepts, then short
	// strings after which no state can reach a match, then nothing.
	if try([]rune{'!'}) {
		return []rune{'!'}, false, true
	}
	free, used := a.successorChars(set)
	for i := 0; i < len(free) && i < 3; i++ {
		if c := []rune{free[i]}; free[i] != '!' && try(c) {
			return c, false, true
		}
	}
	for _, c := range a.deadStrings(set, live, last(j.pump, -1), used) {
		if try(c) {
			return c, false, true
		}
	}
	if try(nil) {
		return nil, false, true
	}
	return fallback, true, haveFallback
}

// successorChars splits the atoms' readable characters into those no
// state after set accepts (free) and the others, most readable first.
func (a *analysis) successorChars(set []bool) (free, used []rune) {
	covered := make([]uint64, a.ab.words)
	for p, in := range set {
		if !in {
			continue
		}
		for _, e := range a.n.out[p] {
			if e.to == a.n.search {
				continue
			}
			for i, w := range a.ab.sets[a.cls(e.to)] {
				covered[i] |= w
			}
		}
	}
	var fk, uk []int
	for k := range a.ab.best {
		if a.ab.score[k] >= unusable {
			continue
		}
		if covered[k/64]&(1<<(k%64)) == 0 {
			fk = append(fk, k)
		} else {
			uk = append(uk, k)
		}
	}
	byScore := func(l []int) []rune {
		sort.Slice(l, func(i, j int) bool { return a.ab.score[l[i]] < a.ab.score[l[j]] })
		out := make([]rune, len(l))
		for i, k := range l {
			out[i] = a.ab.best[k]
		}
		return out
	}
	return byScore(fk), byScore(uk)
}

// deadStrings are up to two strings of at most three characters after
// which no state of set can still reach a match.
func (a *analysis) deadStrings(set, live []bool, prev rune, alpha []rune) [][]rune {
	if len(alpha) > 12 {
		alpha = alpha[:12]
	}
	type node struct {
		set []bool
		s   []rune
	}
	var out [][]rune
	level := []node{{set, nil}}
	for depth := 1; depth <= 3 && len(out) < 2; depth++ {
		var next []node
		for _, nd := range level {
			for _, c := range alpha {
				ns := a.simulate(nd.set, last(nd.s, prev), []rune{c}, false)
				s := append(append([]rune(nil), nd.s...), c)
				if !anyLive(ns, live) {
					if out = append(out, s); len(out) >= 2 {
						return out
					}
					continue
				}
				if len(next) < 64 {
					next = append(next, node{ns, s})
				}
			}
		}
		level = next
	}
	return out
}

func anyLive(set, live []bool) bool {
	for s, in := range set {
		if in && live[s] {
			return true
		}
	}
	return false
}

// controlChar is a character no match can start with: a string of it is
// rejected at every offset at once.
func (a *analysis) controlChar() (rune, bool) {
	covered := make([]uint64, a.ab.words)
	mark := func(from int32) {
		for _, e := range a.n.out[from] {
			if e.to == a.n.search {
				continue
			}
			for i, w := range a.ab.sets[a.cls(e.to)] {
				covered[i] |= w
			}
		}
	}
	mark(0)
	if a.n.search >= 0 {
		mark(a.n.search)
	}
	best, score, ok := rune(0), int(^uint(0)>>1), false
	for k := range a.ab.best {
		if covered[k/64]&(1<<(k%64)) == 0 && a.ab.score[k] < score && a.ab.score[k] < unusable {
			best, score, ok = a.ab.best[k], a.ab.score[k], true
		}
	}
	return best, ok
}
