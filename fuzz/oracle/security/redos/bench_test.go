package redos

import "testing"

// BenchmarkAnalyzeSpecPatterns analyses every pattern of the corpus once
// per iteration and reports the mean time per pattern.
func BenchmarkAnalyzeSpecPatterns(b *testing.B) {
	pats := specPatterns(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, p := range pats {
			_, _ = Analyze(Schema{Pattern: p})
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pats))/1e3, "µs/pattern")
}

// BenchmarkAnalyze times single patterns: typical safe ones and
// vulnerable ones (which pay for building and checking the attacks).
func BenchmarkAnalyze(b *testing.B) {
	for _, bc := range []struct{ name, pattern string }{
		{"uuid", `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`},
		{"date", `^\d{4}-\d{2}-\d{2}$`},
		{"safe-email", `^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`},
		{"word-list", `[\w+-.@]+`},
		{"decimal", `^(-?\d{1,14}){1}(\.\d{1,4}){0,1}$`},
		{"base64", `^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$`},
		{"vulnerable-nested", `^(\w+\s?)*$`},
		{"vulnerable-email", `^([0-9a-zA-Z]([-.\w]*[0-9a-zA-Z])*@([0-9a-zA-Z][-\w]*[0-9a-zA-Z]\.)+[a-zA-Z]{2,9})$`},
		{"vulnerable-quadratic", `^\d+\d+$`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Analyze(Schema{Pattern: bc.pattern})
			}
		})
	}
}
