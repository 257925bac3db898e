package fuzz

import (
	"context"
	"fmt"
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
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/internal/testserver/staging"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

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
	catalog, err := rules.NewCatalog(Rules()...)
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

// TestStagingPlantedFlaws runs every oracle against the staging server:
// each planted flaw is found by its rule, and nothing else is reported (the
// clean operations and the other rules stay silent).
func TestStagingPlantedFlaws(t *testing.T) {
	for _, seed := range []int64{1, 7, 42} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			_, target := startStaging(t)
			s := ingesttest.Load(t, stagingSpec(t))
			res := runEngine(t, testConfig(t, target, seed), s)
			got := findingsByOperation(res.Findings)
			var ops []string
			for _, op := range s.APIs[0].Operations {
				ops = append(ops, op.Method+" "+op.Path)
			}
			if len(ops) != 15 {
				t.Fatalf("staging spec has %d operations, want 15", len(ops))
			}
			for _, op := range ops {
				want := ""
				if rule, ok := staging.Planted[op]; ok {
					want = rule
				}
				if g := strings.Join(got[op], ","); g != want {
					t.Errorf("%s: findings [%s], want [%s]", op, g, want)
				}
			}
			for _, f := range res.Findings {
				if !strings.Contains(f.Evidence, fmt.Sprintf("seed %d, case ", seed)) || !strings.Contains(f.Evidence, "curl -sS ") || !strings.Contains(f.Evidence, "response: ") {
					t.Errorf("%s: evidence lacks seed, curl or response excerpt:\n%s", f.RuleID, f.Evidence)
				}
				if f.Location.Line == 0 || !strings.HasSuffix(f.Location.File, "staging.yaml") || f.Fingerprint == "" {
					t.Errorf("%s: finding not located at the operation: %+v", f.RuleID, f.Location)
				}
			}
			if res.Summary.StopReason != StopCompleted {
				t.Errorf("stop reason %q", res.Summary.StopReason)
			}
		})
	}
}

// TestSameSeedSameFindings: two runs with one seed against fresh servers
// give the same findings and reproducers, whatever the concurrency.
// (How many destructive calls are sent can differ: they wait for objects
// the run created, which depends on timing.)
func TestSameSeedSameFindings(t *testing.T) {
	spec := stagingSpec(t)
	run := func(concurrency int) (string, int) {
		_, target := startStaging(t)
		cfg := testConfig(t, target, 99)
		cfg.Executor.Concurrency = concurrency
		res := runEngine(t, cfg, ingesttest.Load(t, spec))
		var b strings.Builder
		for _, f := range res.Findings {
			fmt.Fprintf(&b, "%s %s %s\n%s\n", f.RuleID, f.Fingerprint, f.Message, strings.ReplaceAll(f.Evidence, target.Host, "HOST"))
		}
		return b.String(), res.Summary.PerPhase[plan.PhaseInjection]
	}
	a, injA := run(1)
	b, injB := run(8)
	if a != b || injA != injB {
		t.Errorf("same seed, different reports (%d vs %d injection requests):\n%s\n---\n%s", injA, injB, a, b)
	}
	if a == "" {
		t.Fatal("no findings at all")
	}
}

// TestFifteenOperationsInSeconds: the staging API has 15 operations; with
// the command's default rate and concurrency the run finishes in seconds.
func TestFifteenOperationsInSeconds(t *testing.T) {
	_, target := startStaging(t)
	cfg := testConfig(t, target, 3)
	cfg.Executor.Rate, cfg.Executor.Concurrency = DefaultRate, DefaultConcurrency
	start := time.Now()
	res := runEngine(t, cfg, ingesttest.Load(t, stagingSpec(t)))
	elapsed := time.Since(start)
	t.Logf("15 operations, %d requests, default settings: %s", res.Summary.Sent, elapsed)
	if elapsed > 10*time.Second {
		t.Errorf("took %s, want under 10s", elapsed)
	}
}
