package security_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/catalog"
	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/generate"
	"github.com/specterhq/specter/fuzz/identity"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/oracle/security"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/internal/testserver/securitystaging"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners/secrets"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

func loadSurface(t *testing.T) *surface.Surface {
	t.Helper()
	p := filepath.Join(t.TempDir(), "security-staging.yaml")
	if err := os.WriteFile(p, securitystaging.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	return ingesttest.Load(t, p)
}

// fuzzStaging runs the fuzzer with the oracles on the security staging
// spec against target, as the identities of set, within 90 seconds.
func fuzzStaging(t *testing.T, target *url.URL, set *identity.Set, gen generate.Options, oracles []oracle.Oracle) *fuzz.Result {
	t.Helper()
	catalog, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	e, err := fuzz.New(ctx, fuzz.Config{
		Executor: execute.Config{Target: target, Concurrency: 4, Timeout: 5 * time.Second, MaxRetries: -1, Credentials: set},
		Generate: gen,
		Oracles:  oracles,
		Catalog:  catalog,
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Run(ctx, loadSurface(t))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

type run struct {
	findings map[string][]string // "METHOD /path" -> rule ids
	all      []rules.Finding
	notes    string
	secrets  []string
}

// runStaging fuzzes the security staging server with the security
// oracles only, as identity admin (a login that the run performs) with
// bob as peer and low-privilege identity.
func runStaging(t *testing.T, seed int64, identities bool) run {
	t.Helper()
	srv := securitystaging.New()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	target, _ := url.Parse(ts.URL)

	set := identity.NewSet()
	cfg := security.Config{TimeBased: false}
	if identities {
		admin := identity.Declared{Name: "admin", Login: &identity.Login{Path: "/auth/login",
			Body: `{"username":"admin","password":"${ADMIN_PASSWORD}"}`, Token: "/token"}}
		src, err := admin.Build(target, ts.Client(), func(k string) (string, bool) {
			if k == "ADMIN_PASSWORD" {
				return "admin-pass", true
			}
			return "", false
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := set.Add("admin", src); err != nil {
			t.Fatal(err)
		}
		if err := set.Add("bob", &identity.Static{Headers: []identity.Header{{Name: "Authorization", Value: "Bearer " + srv.Token("bob")}}}); err != nil {
			t.Fatal(err)
		}
		cfg.Identities = set.Names()
		cfg.LowPrivilege = "bob"
		cfg.KnownUsers = []string{"alice", "alice@example.com"}
	}
	scanner, err := secrets.New(secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Classifier = scanner
	cfg.Secrets = set.Secrets()

	res := fuzzStaging(t, target, set, generate.Options{Seed: seed}, security.Oracles(cfg))
	out := run{findings: map[string][]string{}, all: res.Findings}
	for _, f := range res.Findings {
		k := f.Operation.Method + " " + f.Operation.Path
		out.findings[k] = append(out.findings[k], f.RuleID)
	}
	for k := range out.findings {
		sort.Strings(out.findings[k])
	}
	out.notes = strings.Join(res.Summary.Notes, "\n")
	out.secrets = set.Secrets() // the tokens minted during the run, too
	return out
}

// TestSecurityOraclesOnStaging: every planted flaw is found by its rule,
// and nothing else is reported anywhere (the clean twins stay silent).
func TestSecurityOraclesOnStaging(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the fuzzer against the staging server")
	}
	seed := int64(11)
	if s := os.Getenv("SPECTER_TEST_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	r := runStaging(t, seed, true)
	for op, want := range securitystaging.Planted {
		for _, rule := range want {
			if !slices.Contains(r.findings[op], rule) {
				t.Errorf("%s: planted %s not found (found %v)", op, rule, r.findings[op])
			}
		}
	}
	for op, got := range r.findings {
		for _, rule := range got {
			if !slices.Contains(securitystaging.Planted[op], rule) && !slices.Contains(securitystaging.AlsoCorrect[op], rule) {
				t.Errorf("%s: false positive %s", op, rule)
			}
		}
	}
	if len(r.secrets) < 2 {
		t.Fatalf("the run's identities hold %d credentials; the login did not happen", len(r.secrets))
	}
	for _, f := range r.all {
		for _, secret := range append([]string{"admin-pass", "bob-pass"}, r.secrets...) {
			if len(secret) < 12 {
				continue // "Bearer x" prefixes and the like
			}
			if strings.Contains(f.Evidence, secret) || strings.Contains(f.Message, secret) {
				t.Errorf("%s on %s leaks a password:\n%s", f.RuleID, f.Operation.Path, f.Evidence)
			}
		}
		if f.RuleID == security.RuleLatencyOutlier && !strings.Contains(f.Message, "/slow-search") {
			t.Errorf("latency finding without its operation: %s", f.Message)
		}
	}
	if t.Failed() {
		for _, f := range r.all {
			t.Logf("%s %s %s: %s", f.RuleID, f.Operation.Method, f.Operation.Path, f.Message)
		}
		t.Logf("notes:\n%s", r.notes)
	}
}

// TestChecksThatCannotRunSaySo: without identities the multi-identity
// checks do not guess; the summary says why they did not run.
func TestChecksThatCannotRunSaySo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the fuzzer against the staging server")
	}
	r := runStaging(t, 5, false)
	for _, want := range []string{"fuzz/bola", "fuzz/bfla", "fuzz/time-based-injection", "fuzz/token-tampering-accepted"} {
		if !strings.Contains(r.notes, want) {
			t.Errorf("no note for %s in:\n%s", want, r.notes)
		}
	}
	for op, got := range r.findings {
		for _, rule := range got {
			if rule == security.RuleBOLA || rule == security.RuleBFLA || rule == security.RuleTokenTampering {
				t.Errorf("%s: %s reported without the identities it needs", op, rule)
			}
		}
	}
}

// TestTimeBasedInjectionBehindFlag: the sleep payloads find the planted
// time-based flaw only when turned on, and nothing else.
func TestTimeBasedInjectionBehindFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the fuzzer against the staging server")
	}
	srv := securitystaging.New()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	target, _ := url.Parse(ts.URL)
	set := identity.NewSet()
	if err := set.Add("admin", &identity.Static{Headers: []identity.Header{{Name: "Authorization", Value: "Bearer " + srv.Token("admin")}}}); err != nil {
		t.Fatal(err)
	}
	res := fuzzStaging(t, target, set, generate.Options{Seed: 3, Phases: []plan.Phase{plan.PhaseExamples, plan.PhaseInjection}},
		[]oracle.Oracle{security.NewInjection(security.Config{Identities: set.Names(), TimeBased: true, TimeBasedDelay: time.Second})})
	found := map[string]bool{}
	for _, f := range res.Findings {
		if f.RuleID != security.RuleTimeBasedInjection {
			continue
		}
		op := f.Operation.Method + " " + f.Operation.Path
		found[op] = true
		if _, planted := securitystaging.PlantedTimeBased[op]; !planted {
			t.Errorf("%s: false positive: %s", op, f.Message)
		}
	}
	if !found["GET /orders"] {
		t.Errorf("the planted time-based flaw on GET /orders was not found")
	}
}

// TestSameSeedSameFindings: two runs with one seed report the same rules
// on the same operations, with reproducers of the same case numbers,
// whatever the workers' scheduling.
func TestSameSeedSameFindings(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the fuzzer against the staging server twice")
	}
	summary := func(r run) []string {
		var out []string
		for _, f := range r.all {
			caseLine, _, _ := strings.Cut(f.Evidence, "\n")
			out = append(out, f.RuleID+" "+f.Operation.Method+" "+f.Operation.Path+" | "+caseLine)
		}
		sort.Strings(out)
		return out
	}
	a, b := summary(runStaging(t, 23, true)), summary(runStaging(t, 23, true))
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("runs differ:\n%s\n---\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
}
