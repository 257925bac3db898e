package engine

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/policy"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners/inventory"
	"github.com/specterhq/specter/scanners/secrets"
	"github.com/specterhq/specter/surface/ingest"
	"github.com/specterhq/specter/surface/traffic"
)

// staticPlan is the plan of a static command over paths with the default
// config, as cmd builds it.
func staticPlan(t *testing.T, sel Selection, paths ...string) Plan {
	t.Helper()
	cfg := config.DefaultConfig()
	det := NewSecrets(secrets.Options{})
	static, err := StaticScanners(sel, cfg, det)
	if err != nil {
		t.Fatal(err)
	}
	return Plan{
		Paths:      paths,
		Ingest:     ingest.Options{Models: sel.Lint, SkipOpenAPIModel: !sel.Secrets},
		CheckNamed: sel.Lint,
		Static:     static,
		Secrets:    det,
		Config:     cfg,
		Gate:       policy.Gate{FailOn: rules.SeverityHigh},
	}
}

// ruleIDs lists the distinct rule ids of findings.
func ruleIDs(findings []rules.Finding) []string {
	var ids []string
	for _, f := range findings {
		if !slices.Contains(ids, f.RuleID) {
			ids = append(ids, f.RuleID)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestRunSelections(t *testing.T) {
	tests := []struct {
		name         string
		sel          Selection
		wantScanners []string
		want         []string // rule ids that must be reported
		wantNone     string   // a rule family prefix that must not be
	}{
		{"secrets", Selection{Secrets: true}, []string{"secrets"}, []string{"secrets/url-userinfo-password"}, "lint/"},
		{"lint", Selection{Lint: true}, []string{"lint"}, []string{"lint/write-without-auth", "lint/no-429-response"}, "secrets/"},
		{"scan", Selection{Secrets: true, Lint: true}, []string{"secrets", "lint"},
			[]string{"secrets/url-userinfo-password", "lint/write-without-auth", "lint/no-429-response"}, "inventory/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(t.Context(), staticPlan(t, tt.sel, "testdata/api"))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range res.Scanners {
				names = append(names, s.Name)
				if len(s.Coverage) != 0 {
					t.Errorf("static scanner %s reported coverage", s.Name)
				}
			}
			if !slices.Equal(names, tt.wantScanners) {
				t.Errorf("scanners ran: %v, want %v", names, tt.wantScanners)
			}
			got := ruleIDs(res.Kept.Findings)
			for _, id := range tt.want {
				if !slices.Contains(got, id) {
					t.Errorf("%s not reported; got %v", id, got)
				}
			}
			for _, id := range got {
				if strings.HasPrefix(id, tt.wantNone) {
					t.Errorf("%s reported by a run without that scanner", id)
				}
			}
			if len(res.Problems) != 0 {
				t.Errorf("problems: %v", res.Problems)
			}
			if res.Verdict.Passed {
				t.Error("the gate passed over high findings")
			}
			if len(res.Raw) != len(res.Kept.Findings) {
				t.Errorf("%d raw findings, %d kept; nothing should drop them", len(res.Raw), len(res.Kept.Findings))
			}
		})
	}
}

// A document that does not parse is a problem; the rest is scanned.
func TestRunKeepsGoingPastProblems(t *testing.T) {
	var called []string
	p := staticPlan(t, Selection{Lint: true}, "testdata/broken")
	p.Problem = func(pr ingest.Problem) { called = append(called, pr.Error()) }
	res, err := Run(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Error(), "bad.yaml") {
		t.Fatalf("problems = %v, want one naming bad.yaml", res.Problems)
	}
	if len(called) != 1 {
		t.Errorf("Problem called %d times, want 1", len(called))
	}
	if !slices.Contains(ruleIDs(res.Kept.Findings), "lint/write-without-auth") {
		t.Error("the good document was not linted")
	}
}

func TestRunInputErrors(t *testing.T) {
	_, err := Run(t.Context(), staticPlan(t, Selection{Lint: true}, "testdata/no-such-dir"))
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v (%T), want an *InputError", err, err)
	}
}

func TestRunDryRunScansNothing(t *testing.T) {
	p := staticPlan(t, Selection{Secrets: true, Lint: true}, "testdata/api")
	p.DryRun = true
	res, err := Run(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Surface == nil || len(res.Surface.APIs) != 1 {
		t.Fatalf("dry run did not load the surface: %+v", res.Surface)
	}
	if len(res.Scanners) != 0 || len(res.Raw) != 0 {
		t.Errorf("dry run scanned: %d scanner(s), %d finding(s)", len(res.Scanners), len(res.Raw))
	}
}

// The policy chain runs inside Run: a config ignore suppresses, and the
// gate judges what is left.
func TestRunAppliesPolicy(t *testing.T) {
	p := staticPlan(t, Selection{Lint: true}, "testdata/api")
	p.Config.Ignore = []config.IgnoreRule{{Rule: "lint/write-without-auth", Reason: "the gateway authenticates"}}
	p.Gate = policy.Gate{FailOn: rules.SeverityHigh}
	res, err := Run(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	suppressed := 0
	for _, f := range res.Kept.Findings {
		if f.RuleID == "lint/write-without-auth" && f.Suppressed() {
			suppressed++
		}
	}
	if suppressed != 2 {
		t.Errorf("%d write-without-auth findings suppressed, want 2", suppressed)
	}
	if !res.Verdict.Passed {
		t.Errorf("gate failed with the only high findings ignored: %v", res.Verdict.Reasons)
	}
}

func TestRunInventoryCoverage(t *testing.T) {
	p := staticPlan(t, Selection{}, "../testdata/traffic/shop.openapi.yaml")
	p.Ingest = ingest.Options{Models: true}
	p.Inventory = inventory.New(inventory.Options{Traffic: []inventory.Source{{
		Name: "shop.har", Format: traffic.FormatHAR,
		Open: func() (io.ReadCloser, error) { return os.Open("../testdata/traffic/shop.har") },
	}}})
	res, err := Run(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inventory == nil || res.Inventory.Requests == 0 {
		t.Fatalf("inventory summary = %+v, want the traffic's requests", res.Inventory)
	}
	cov := res.Coverage("inventory")
	if len(cov) != res.Inventory.Operations {
		t.Errorf("%d coverage rows for %d documented operations", len(cov), res.Inventory.Operations)
	}
	seen, never := 0, 0
	for _, c := range cov {
		switch {
		case c.Requests > 0 && c.Reason == "":
			seen++
		case c.Requests == 0 && c.Reason != "":
			never++
		default:
			t.Errorf("coverage row %+v: requests and reason disagree", c)
		}
	}
	if seen != res.Inventory.ObservedOperations || never == 0 {
		t.Errorf("%d operations seen (summary says %d), %d never seen (want some: shop has orphans)", seen, res.Inventory.ObservedOperations, never)
	}
}

// --new-from-rev: the findings of the paths as they are at the revision
// are not reported again, and the tree is scanned from its own working
// directory so fingerprints match.
func TestRunRevision(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	repo := t.TempDir()
	spec, err := os.ReadFile("testdata/api/orders.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// At the revision the API has no DELETE operation.
	before, _, ok := strings.Cut(string(spec), "  /orders/{orderId}:\n")
	if !ok {
		t.Fatal("fixture changed: no /orders/{orderId}")
	}
	_, components, _ := strings.Cut(string(spec), "components:\n")
	write := func(text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(repo, "api"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, "api", "orders.yaml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write(before + "components:\n" + components)
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "orders without delete")
	write(string(spec))

	p := staticPlan(t, Selection{Lint: true}, "api")
	p.WorkDir = repo
	all, err := Run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	p.Revision = "HEAD"
	var logged []string
	p.Log = func(format string, args ...any) { logged = append(logged, format) }
	res, err := Run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Earlier == nil || len(res.Earlier.Entries) == 0 {
		t.Fatal("no findings at the revision")
	}
	if len(res.Kept.Findings) == 0 || len(res.Kept.Findings) >= len(all.Kept.Findings) {
		t.Fatalf("%d new findings of %d; want some, not all", len(res.Kept.Findings), len(all.Kept.Findings))
	}
	for _, f := range res.Kept.Findings {
		if !strings.HasPrefix(f.Location.Pointer, "/paths/~1orders~1{orderId}") {
			t.Errorf("%s at %s reported again: it was there at the revision", f.RuleID, f.Location.Pointer)
		}
	}
	if len(res.Kept.Findings)+len(res.Earlier.Entries) != len(all.Kept.Findings) {
		t.Errorf("%d new + %d earlier != %d in all", len(res.Kept.Findings), len(res.Earlier.Entries), len(all.Kept.Findings))
	}

	p.Revision = "no-such-revision"
	_, err = Run(context.Background(), p)
	var re *RevisionError
	if !errors.As(err, &re) {
		t.Errorf("unknown revision: err = %v (%T), want a *RevisionError", err, err)
	}
}
