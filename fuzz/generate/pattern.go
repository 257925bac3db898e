package generate

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// pattern generates strings that match a schema's `pattern`, so that the
// valid phases send values the server accepts instead of strings the
// pre-send check then marks invalid. OpenAPI patterns are ECMA-262 regular
// expressions; what Go's regexp/syntax cannot parse (lookarounds,
// backreferences) is left alone and the caller falls back to plain strings.
type pattern struct {
	re   *regexp.Regexp
	tree *syntax.Regexp
}

// maxUnbounded is how many times `*`, `+` and `{n,}` repeat beyond their
// minimum at most.
const maxUnbounded = 8

// compilePattern parses a pattern; ok is false when Go cannot read it.
func compilePattern(expr string) (*pattern, bool) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, false
	}
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, false
	}
	return &pattern{re: re, tree: tree.Simplify()}, true
}

// generate returns a string of minLen to maxLen runes (maxLen < 0: no
// bound) that matches the pattern. Without rng it is deterministic: the
// shortest choices first, then longer ones until the length fits. ok is
// false when no attempt fits (a word boundary the walk cannot honour, a
// length the pattern cannot reach).
func (p *pattern) generate(rng *rand.Rand, minLen, maxLen int) (string, bool) {
	// Attempts: a few with random repeat counts (with rng), then repeats
	// growing from their minimum in steps sized so that a minLen is
	// reached within the attempts.
	step := max(1, minLen/12)
	for attempt := 0; attempt < 20; attempt++ {
		var b strings.Builder
		w := patternWalk{rng: rng, randomCounts: rng != nil && attempt < 4, extra: max(0, attempt-4) * step, minLen: minLen}
		if rng == nil {
			w.extra = attempt * step
		}
		if !w.emit(&b, p.tree) {
			return "", false
		}
		s := b.String()
		n := utf8.RuneCountInString(s)
		if n >= minLen && (maxLen < 0 || n <= maxLen) && p.re.MatchString(s) {
			return s, true
		}
	}
	return "", false
}

// mismatch returns a string the pattern does not match, for the negative
// phases.
func (p *pattern) mismatch() (string, bool) {
	for _, s := range []string{"", "!", "~specter~", " ", "specter"} {
		if !p.re.MatchString(s) {
			return s, true
		}
	}
	return "", false
}

// patternWalk writes one string the syntax tree matches. Repeats take
// their minimum plus extra (capped by their maximum), or a random count
// with rng; alternatives the first branch, or a random one.
type patternWalk struct {
	rng          *rand.Rand
	randomCounts bool // repeat counts from rng too
	extra        int
	minLen       int
	depth        int
}

func (w *patternWalk) emit(b *strings.Builder, re *syntax.Regexp) bool {
	if w.depth > 200 || b.Len() > 4096 {
		return false
	}
	w.depth++
	defer func() { w.depth-- }()
	switch re.Op {
	case syntax.OpNoMatch:
		return false
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true // zero-width; the final match check catches a boundary not met
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
		return true
	case syntax.OpCharClass:
		r, ok := w.classRune(re.Rune)
		if ok {
			b.WriteRune(r)
		}
		return ok
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		r := 'a'
		if w.rng != nil {
			r = rune(alphabet[w.rng.IntN(len(alphabet))])
		}
		b.WriteRune(r)
		return true
	case syntax.OpCapture:
		return w.emit(b, re.Sub[0])
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := repeatBounds(re, w.minLen)
		n := min(lo+w.extra, hi)
		if w.randomCounts {
			n = lo + w.rng.IntN(hi-lo+1)
		}
		for i := 0; i < n; i++ {
			if !w.emit(b, re.Sub[0]) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !w.emit(b, sub) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		i := 0
		if w.rng != nil {
			i = w.rng.IntN(len(re.Sub))
		} else if w.extra > 0 {
			i = w.extra % len(re.Sub)
		}
		return w.emit(b, re.Sub[i])
	}
	return false
}

// repeatBounds are a repeat's counts; an unbounded one goes up to its
// minimum plus maxUnbounded, or plus minLen when that is more.
func repeatBounds(re *syntax.Regexp, minLen int) (lo, hi int) {
	more := max(maxUnbounded, minLen)
	switch re.Op {
	case syntax.OpStar:
		return 0, more
	case syntax.OpPlus:
		return 1, 1 + more
	case syntax.OpQuest:
		return 0, 1
	}
	lo, hi = re.Min, re.Max
	if hi < 0 {
		hi = lo + more
	}
	return lo, hi
}

// classRune picks a rune of a character class (pairs of inclusive
// ranges): a printable ASCII one when the class has any, the first
// otherwise; a random member with rng.
func (w *patternWalk) classRune(ranges []rune) (rune, bool) {
	if len(ranges) < 2 {
		return 0, false
	}
	// Ranges are sorted: the printable ASCII members come first.
	count := 0
	for i := 0; i+1 < len(ranges) && ranges[i] <= '~'; i += 2 {
		if lo, hi := max(ranges[i], '!'), min(ranges[i+1], '~'); lo <= hi {
			count += int(hi - lo + 1)
		}
	}
	if count == 0 {
		return ranges[0], true
	}
	k := 0
	if w.rng != nil {
		k = w.rng.IntN(count)
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		if lo, hi := max(ranges[i], '!'), min(ranges[i+1], '~'); lo <= hi {
			if n := int(hi - lo + 1); k < n {
				return lo + rune(k), true
			} else {
				k -= n
			}
		}
	}
	return ranges[0], true
}
