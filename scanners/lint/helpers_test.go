package lint

import (
	"context"
	"sync"
	"testing"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners/secrets"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// load reads paths the way `specter lint` does.
func load(t testing.TB, paths ...string) *surface.Surface { return ingesttest.LoadForLint(t, paths...) }

// lintPaths lints paths with default options.
func lintPaths(t testing.TB, paths ...string) []rules.Finding {
	t.Helper()
	s, err := New(withDetector(t, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Findings(context.Background(), load(t, paths...))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// byRule keeps the findings of one rule.
func byRule(fs []rules.Finding, id string) []rules.Finding {
	var out []rules.Finding
	for _, f := range fs {
		if f.RuleID == id {
			out = append(out, f)
		}
	}
	return out
}

// testDetector is the secret scanner the tests hand lint as its credential
// detector, built once for the package's tests.
var testDetector = sync.OnceValues(func() (*secrets.Scanner, error) { return secrets.New(secrets.Options{}) })

// withDetector sets opts.Credentials to the secret scanner, as
// engine.StaticScanners does with the run's detector.
func withDetector(t testing.TB, opts Options) Options {
	t.Helper()
	det, err := testDetector()
	if err != nil {
		t.Fatal(err)
	}
	opts.Credentials = det
	return opts
}
