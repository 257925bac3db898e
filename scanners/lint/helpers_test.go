package lint

import (
	"context"
	"testing"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/discover"
	"github.com/specterhq/specter/surface/ingest"
)

// load reads paths the way `specter lint` does: discover, then ingest
// without the kin-openapi model.
func load(t testing.TB, paths ...string) *surface.Surface {
	t.Helper()
	ctx := context.Background()
	walked, err := discover.Walk(ctx, paths, discover.Options{})
	if err != nil {
		t.Fatalf("walking %v: %v", paths, err)
	}
	res, err := ingest.Load(ctx, walked.Files, ingest.Options{Models: true, SkipOpenAPIModel: true})
	if err != nil {
		t.Fatalf("ingesting %v: %v", paths, err)
	}
	for _, p := range res.Problems {
		t.Fatalf("input problem: %v", p)
	}
	return res.Surface
}

// lintPaths lints paths with default options.
func lintPaths(t testing.TB, paths ...string) []rules.Finding {
	t.Helper()
	s, err := New(Options{})
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
