package evidence

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkLeaks is the error-leak scan of every answer: a 19-byte
// greeting and a 10 KB list of 50 records, neither leaking anything.
func BenchmarkLeaks(b *testing.B) {
	var recs []string
	for i := 0; i < 50; i++ {
		recs = append(recs, fmt.Sprintf(`{"id":"3f2a9c1e-%04d-4e5f-8a6b-0c1d2e3f4a5b","name":"Item %d","owner":"user%d@example.com","created":"2026-11-26T12:00:%02dZ","description":"A lamp with a warm light and a long cable","url":"https://cdn.example.com/img/%d.png"}`, i, i, i, i%60, i))
	}
	for name, body := range map[string][]byte{
		"greeting": []byte(`{"message":"hello"}`),
		"list-50":  []byte(`{"items":[` + strings.Join(recs, ",") + `]}`),
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if m := Leaks(body); len(m) != 0 {
					b.Fatalf("clean body: %v", m)
				}
			}
		})
	}
}

// BenchmarkKeywordIndex is the start-up cost of the keyword index (built
// once per process).
func BenchmarkKeywordIndex(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		newKeywordIndex(stackTraces, sqlErrors, frameworkPages, filePaths, fileContents, commandOutputs)
	}
}
