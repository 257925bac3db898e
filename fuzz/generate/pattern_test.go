package generate

import (
	"math/rand/v2"
	"regexp"
	"testing"
	"unicode/utf8"
)

func TestPatternGenerate(t *testing.T) {
	tests := []struct {
		pattern        string
		minLen, maxLen int
		wantOK         bool
	}{
		{`^[a-z0-9-]{3,20}$`, 0, -1, true},
		{`^\d{4}-\d{2}-\d{2}$`, 0, -1, true},
		{`^[A-Z]{2}$`, 0, -1, true},
		{`^(cus|acct)_[a-zA-Z0-9]{14}$`, 0, -1, true}, // Stripe ids
		{`^\+?[1-9]\d{1,14}$`, 0, -1, true},           // E.164
		{`^[^@\s]+@[^@\s]+\.[a-z]{2,}$`, 0, -1, true},
		{`^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$`, 0, -1, true},
		{`^\p{L}+$`, 0, -1, true},
		{`^[a-z]+$`, 10, 12, true}, // the length bounds push the repeats
		{`[0-9]`, 0, -1, true},     // unanchored: a match anywhere will do
		{`^v\d+(\.\d+)*$`, 0, 3, true},
		{`^[a-z]{5}$`, 0, 3, false},    // the bounds exclude every match
		{`^(?=abc)abc$`, 0, -1, false}, // lookahead: Go cannot read it
		{`^(a)\1$`, 0, -1, false},      // backreference
		{`[^\x00-\x{10FFFF}]`, 0, -1, false},
	}
	for _, tt := range tests {
		p, ok := compilePattern(tt.pattern)
		if !ok {
			if tt.wantOK {
				t.Errorf("%s: does not compile", tt.pattern)
			}
			continue
		}
		re := regexp.MustCompile(tt.pattern)
		for i, rng := range []*rand.Rand{nil, rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(7, 8))} {
			got, ok := p.generate(rng, tt.minLen, tt.maxLen)
			if ok != tt.wantOK {
				t.Errorf("%s (rng %d): ok %v, want %v (got %q)", tt.pattern, i, ok, tt.wantOK, got)
				continue
			}
			if !ok {
				continue
			}
			n := utf8.RuneCountInString(got)
			if !re.MatchString(got) || n < tt.minLen || (tt.maxLen >= 0 && n > tt.maxLen) {
				t.Errorf("%s (rng %d): %q does not match or fit [%d, %d]", tt.pattern, i, got, tt.minLen, tt.maxLen)
			}
		}
		if again, _ := p.generate(nil, tt.minLen, tt.maxLen); tt.wantOK {
			if first, _ := p.generate(nil, tt.minLen, tt.maxLen); first != again {
				t.Errorf("%s: deterministic generation gave %q then %q", tt.pattern, first, again)
			}
		}
		if m, ok := p.mismatch(); ok && re.MatchString(m) {
			t.Errorf("%s: mismatch %q matches", tt.pattern, m)
		}
	}
}

// FuzzPatternGenerate: for any pattern Go reads, a generated string
// matches it and fits the bounds, and generation ends.
func FuzzPatternGenerate(f *testing.F) {
	for _, s := range []string{`^[a-z0-9-]{3,20}$`, `^(cus|acct)_[a-zA-Z0-9]{14}$`, `a*b+c?`, `\bx\b`, `(?i)abc`, `[\p{Greek}]{2}`, `(a|b|)*`, `x{1000}`, `^$`, `.`} {
		f.Add(s, uint64(1), 0, 10)
	}
	f.Fuzz(func(t *testing.T, expr string, seed uint64, minLen, maxLen int) {
		p, ok := compilePattern(expr)
		if !ok {
			return
		}
		minLen, maxLen = minLen%64, maxLen%64
		for _, rng := range []*rand.Rand{nil, rand.New(rand.NewPCG(seed, seed))} {
			got, ok := p.generate(rng, minLen, maxLen)
			if !ok {
				continue
			}
			n := utf8.RuneCountInString(got)
			if !p.re.MatchString(got) || n < minLen || (maxLen >= 0 && n > maxLen) {
				t.Fatalf("%q: generated %q (bounds %d..%d)", expr, got, minLen, maxLen)
			}
		}
		if m, ok := p.mismatch(); ok && p.re.MatchString(m) {
			t.Fatalf("%q: mismatch %q matches", expr, m)
		}
	})
}
