package fuzz

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/generate"
	"github.com/specterhq/specter/fuzz/staging"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/discover"
	"github.com/specterhq/specter/surface/ingest"
)

// loadSurface ingests spec files the way the CLI does.
func loadSurface(t *testing.T, paths ...string) *surface.Surface {
	t.Helper()
	ctx := context.Background()
	walked, err := discover.Walk(ctx, paths, discover.Options{MaxFileBytes: discover.DefaultMaxFileBytes})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Load(ctx, walked.Files, ingest.Options{Models: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("ingest problems: %v", res.Problems)
	}
	return res.Surface
}

// stagingSpec writes the staging spec to a temporary file.
func stagingSpec(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "staging.yaml")
	if err := os.WriteFile(p, staging.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func startStaging(t *testing.T) (*staging.Server, *url.URL) {
	t.Helper()
	s, err := staging.New()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	return s, u
}

func testConfig(t *testing.T, target *url.URL, seed int64) Config {
	t.Helper()
	catalog, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return Config{
		Executor: execute.Config{Target: target, Concurrency: 4, Timeout: 5 * time.Second},
		Generate: generate.Options{Seed: seed},
		Catalog:  catalog,
	}
}

func runEngine(t *testing.T, cfg Config, s *surface.Surface) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	e, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Run(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// findingsByOperation maps "METHOD /path" to the sorted rule ids found.
func findingsByOperation(fs []rules.Finding) map[string][]string {
	out := map[string][]string{}
	for _, f := range fs {
		k := f.Operation.Method + " " + f.Operation.Path
		out[k] = append(out[k], f.RuleID)
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

func TestServerErrorOracleOnStaging(t *testing.T) {
	_, target := startStaging(t)
	s := loadSurface(t, stagingSpec(t))
	res := runEngine(t, testConfig(t, target, 7), s)
	got := findingsByOperation(res.Findings)
	want := map[string][]string{"GET /crash": {rules.RuleFuzzServerError}}
	for op, ids := range got {
		if strings.Join(ids, ",") != strings.Join(want[op], ",") {
			t.Errorf("%s: findings %v, want %v", op, ids, want[op])
		}
	}
	if len(got["GET /crash"]) == 0 {
		t.Fatalf("the planted 5xx on GET /crash was not found; findings: %v", got)
	}
	for _, f := range res.Findings {
		if !strings.Contains(f.Evidence, "seed 7, case ") || !strings.Contains(f.Evidence, "curl -sS '") || !strings.Contains(f.Evidence, "response: 500") {
			t.Errorf("evidence lacks seed, curl or response excerpt:\n%s", f.Evidence)
		}
		if f.Location.Line == 0 || !strings.HasSuffix(f.Location.File, "staging.yaml") {
			t.Errorf("finding not located at the operation: %+v", f.Location)
		}
	}
	if res.Summary.Sent == 0 || res.Summary.StopReason != StopCompleted {
		t.Errorf("summary: %+v", res.Summary)
	}
}
