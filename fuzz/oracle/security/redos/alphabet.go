package redos

import (
	"math/bits"
	"sort"
	"unicode"
)

// alphabet partitions the characters the automaton's classes mention
// into atoms (maximal intervals no class boundary splits), so that a
// class is a bit set of atoms and intersecting classes is an AND.
type alphabet struct {
	bounds []rune     // atom i is [bounds[i], bounds[i+1])
	sets   [][]uint64 // per class
	best   []rune     // per atom: the most readable character in it
	score  []int      // per atom: how readable best is (lower is better)
	words  int
}

// readable lists, most preferred first, the characters attack strings
// are built from when a class allows them.
const readable = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -_.@:/+=,;!~*'()&$#%?[]{}<>^`|\\\""

func newAlphabet(classes [][]rune) *alphabet {
	bs := []rune{0, unicode.MaxRune + 1}
	for _, c := range classes {
		for i := 0; i+1 < len(c); i += 2 {
			bs = append(bs, c[i], c[i+1]+1)
		}
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i] < bs[j] })
	uniq := bs[:1]
	for _, b := range bs[1:] {
		if b != uniq[len(uniq)-1] {
			uniq = append(uniq, b)
		}
	}
	a := &alphabet{bounds: uniq}
	atoms := len(uniq) - 1
	a.words = (atoms + 63) / 64
	a.sets = make([][]uint64, len(classes))
	backing := make([]uint64, a.words*len(classes))
	for ci, c := range classes {
		set := backing[ci*a.words : (ci+1)*a.words]
		for i := 0; i+1 < len(c); i += 2 {
			for k := a.atomOf(c[i]); k < atoms && a.bounds[k] <= c[i+1]; k++ {
				set[k/64] |= 1 << (k % 64)
			}
		}
		a.sets[ci] = set
	}
	a.best = make([]rune, atoms)
	a.score = make([]int, atoms)
	for k := 0; k < atoms; k++ {
		a.best[k], a.score[k] = pickReadable(a.bounds[k], a.bounds[k+1]-1)
	}
	return a
}

// unusable is the score of an atom no valid UTF-8 string holds (a
// surrogate range): never picked.
const unusable = 1 << 30

// pickReadable returns the most readable character of [lo, hi].
func pickReadable(lo, hi rune) (rune, int) {
	if lo >= 0xD800 && hi <= 0xDFFF {
		return lo, unusable
	}
	if lo <= 0x7e {
		for i, r := range readable {
			if r >= lo && r <= hi {
				return r, i
			}
		}
	}
	switch {
	case lo <= 0x7e && hi >= 0x21:
		return max(lo, 0x21), 200
	case hi >= 0xC0 && lo <= 0xFF:
		return max(lo, 0xC0), 300
	case lo >= 0xA0:
		return lo, 400
	case lo <= '\t' && hi >= '\t':
		return '\t', 500
	case lo <= '\n' && hi >= '\n':
		return '\n', 501
	}
	return lo, 600
}

// atomOf returns the atom holding r.
func (a *alphabet) atomOf(r rune) int {
	return sort.Search(len(a.bounds)-1, func(i int) bool { return a.bounds[i+1] > r })
}

// has reports whether class c holds atom k.
func (a *alphabet) has(c int32, k int) bool {
	return a.sets[c][k/64]&(1<<(k%64)) != 0
}

// meets reports whether classes c and d share a character.
func (a *alphabet) meets(c, d int32) bool {
	x, y := a.sets[c], a.sets[d]
	for i := range x {
		if x[i]&y[i] != 0 {
			return true
		}
	}
	return false
}

// meets3 reports whether three classes share a character.
func (a *alphabet) meets3(c, d, e int32) bool {
	x, y, z := a.sets[c], a.sets[d], a.sets[e]
	for i := range x {
		if x[i]&y[i]&z[i] != 0 {
			return true
		}
	}
	return false
}

// pick returns the most readable character every given class holds;
// false when they share none.
func (a *alphabet) pick(cs ...int32) (rune, bool) {
	bestScore, best := int(^uint(0)>>1), rune(0)
	found := false
	for w := 0; w < a.words; w++ {
		m := ^uint64(0)
		for _, c := range cs {
			m &= a.sets[c][w]
		}
		for m != 0 {
			k := w*64 + bits.TrailingZeros64(m)
			m &= m - 1
			if a.score[k] < bestScore && a.score[k] < unusable {
				bestScore, best, found = a.score[k], a.best[k], true
			}
		}
	}
	return best, found
}
