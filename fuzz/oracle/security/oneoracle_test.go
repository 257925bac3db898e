package security_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/specterhq/specter/catalog"
	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/generate"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// runOneOracle fuzzes the spec (YAML text) against handler with one
// oracle, seed 1, within 30 seconds, and returns the findings of rule
// with their operations ("METHOD /path", sorted). adjust, when not nil,
// changes the configuration first (identities).
func runOneOracle(t *testing.T, spec string, handler http.Handler, o oracle.Oracle, rule string, adjust func(*fuzz.Config)) ([]string, []rules.Finding) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(handler)
	defer ts.Close()
	target, _ := url.Parse(ts.URL)
	cfg := fuzz.Config{
		Executor: execute.Config{Target: target, Concurrency: 2, Timeout: 5 * time.Second},
		Generate: generate.Options{Seed: 1},
		Oracles:  []oracle.Oracle{o},
		Catalog:  cat,
	}
	if adjust != nil {
		adjust(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e, err := fuzz.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Run(ctx, ingesttest.Load(t, path))
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	var found []rules.Finding
	for _, f := range res.Findings {
		if f.RuleID == rule {
			ops = append(ops, f.Operation.Method+" "+f.Operation.Path)
			found = append(found, f)
		}
	}
	sort.Strings(ops)
	return ops, found
}
