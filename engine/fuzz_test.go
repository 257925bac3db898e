package engine

import (
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/catalog"
	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/generate"
	"github.com/specterhq/specter/internal/testserver/staging"
	"github.com/specterhq/specter/surface/ingest"
)

// The fuzzer runs after the static scanners; its summary comes back as
// notes and its per-operation account as coverage, and its findings go
// through the same policy chain.
func TestRunFuzzesAfterTheStaticScanners(t *testing.T) {
	srv, err := staging.New()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	target, _ := url.Parse(ts.URL)
	spec := filepath.Join(t.TempDir(), "staging.yaml")
	if err := os.WriteFile(spec, staging.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p := staticPlan(t, Selection{Lint: true}, spec)
	p.Ingest = ingest.Options{Models: true}
	p.Fuzz = &fuzz.Config{
		Executor: execute.Config{Target: target, Concurrency: 2, Timeout: 5 * time.Second},
		Generate: generate.Options{Seed: 7},
		Catalog:  cat,
		Notes:    []string{"accounts: none signed up (test)"},
	}
	res, err := Run(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.FuzzErr != nil {
		t.Fatalf("fuzz error: %v", res.FuzzErr)
	}
	if len(res.Scanners) != 2 || res.Scanners[0].Name != "lint" || res.Scanners[1].Name != "fuzz" {
		t.Fatalf("scanners ran: %+v", res.Scanners)
	}
	notes := res.Notes()
	if len(notes) == 0 || !strings.HasPrefix(notes[0], "fuzz: seed 7, target ") {
		t.Errorf("first note = %q, want the fuzzer's seed line", notes)
	}
	if last := notes[len(notes)-1]; last != "fuzz: accounts: none signed up (test)" {
		t.Errorf("last note = %q, want the config's note", last)
	}
	cov := res.Coverage("fuzz")
	if len(cov) != 15 {
		t.Fatalf("%d coverage rows, want the staging spec's 15 operations", len(cov))
	}
	sent := 0
	for _, c := range cov {
		sent += c.Requests
		if c.Requests > 0 && len(c.Statuses) == 0 {
			t.Errorf("%s: %d requests and no statuses", c.Operation, c.Requests)
		}
	}
	if sent == 0 {
		t.Error("coverage counts no request")
	}
	fuzzFindings, lintFindings := 0, 0
	for _, f := range res.Kept.Findings {
		switch {
		case strings.HasPrefix(f.RuleID, "fuzz/"):
			fuzzFindings++
		case strings.HasPrefix(f.RuleID, "lint/"):
			lintFindings++
		}
	}
	if fuzzFindings != len(staging.Planted) || lintFindings == 0 {
		t.Errorf("%d fuzz findings (staging plants %d), %d lint findings", fuzzFindings, len(staging.Planted), lintFindings)
	}
}
