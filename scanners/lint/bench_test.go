package lint

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/specterhq/specter/internal/corpora"
)

// BenchmarkLintGitHub loads (discover, ingest without kin-openapi) and
// lints GitHub's 13 MB description, the way `specter lint` does:
//
//	go test -run '^$' -bench LintGitHub -benchtime 3x ./scanners/lint/
func BenchmarkLintGitHub(b *testing.B) {
	path := filepath.Join(corpora.Dir(b), "github", "api.github.com.json")
	s, err := New(withDetector(b, Options{}))
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		surf := load(b, path)
		if _, err := s.Findings(context.Background(), surf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLintGitHubIndexOnly is the engine alone: index and checks, the
// document already parsed.
func BenchmarkLintGitHubIndexOnly(b *testing.B) {
	path := filepath.Join(corpora.Dir(b), "github", "api.github.com.json")
	s, err := New(withDetector(b, Options{}))
	if err != nil {
		b.Fatal(err)
	}
	surf := load(b, path)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Findings(context.Background(), surf); err != nil {
			b.Fatal(err)
		}
	}
}
