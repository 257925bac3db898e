package secrets

import (
	"context"
	"path/filepath"
	"testing"
)

func benchScan(b *testing.B, paths ...string) {
	surf := loadSurface(b, paths...)
	var size int64
	for _, f := range surf.Files {
		size += int64(len(f.Data))
	}
	s := newScanner(b, Options{})
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Findings(context.Background(), surf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanCorpus is the input bench/secrets.sh times against the
// gitleaks CLI: Stripe's two specs, GitHub's spec, the Postman folder.
func BenchmarkScanCorpus(b *testing.B) {
	c := corporaDir(b)
	benchScan(b, filepath.Join(c, "stripe", "spec3.json"), filepath.Join(c, "stripe", "spec3.yaml"),
		filepath.Join(c, "github", "api.github.com.json"), filepath.Join(c, "postman"))
}

func BenchmarkScanGitHub(b *testing.B) {
	benchScan(b, filepath.Join(corporaDir(b), "github", "api.github.com.json"))
}

func BenchmarkScanPostman(b *testing.B) {
	benchScan(b, filepath.Join(corporaDir(b), "postman"))
}

func BenchmarkScanFixtures(b *testing.B) { benchScan(b, "testdata") }

// BenchmarkNew is the secret scanner's start-up cost (gitleaks' rules
// compiled once per run).
func BenchmarkNew(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
