package redos

import (
	"testing"
	"time"
)

// FuzzAnalyze feeds arbitrary patterns (and maxLength values; negative
// means none) to Analyze: it must not panic, must finish quickly, and
// every attack it returns must be well formed and within maxLength.
func FuzzAnalyze(f *testing.F) {
	for _, vc := range vulnerable {
		f.Add(vc.pattern, int16(-1))
	}
	for _, p := range safe[:8] {
		f.Add(p, int16(64))
	}
	f.Fuzz(func(t *testing.T, pattern string, maxLen int16) {
		s := Schema{Pattern: pattern}
		if maxLen >= 0 {
			ml := uint64(maxLen)
			s.MaxLength = &ml
		}
		start := time.Now()
		res, err := Analyze(s)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("%q took %v", pattern, d)
		}
		if err != nil {
			if len(res.Attacks) != 0 {
				t.Fatalf("attacks with an error: %v", err)
			}
			return
		}
		for _, at := range res.Attacks {
			checkAttack(t, at, s.MaxLength)
		}
	})
}
