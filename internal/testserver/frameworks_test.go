package testserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/catalog"
	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/fuzz/canary"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/generate"
	"github.com/specterhq/specter/fuzz/identity"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/oracle/security"
	"github.com/specterhq/specter/internal/testserver/expresslike"
	"github.com/specterhq/specter/internal/testserver/fastapilike"
	"github.com/specterhq/specter/internal/testserver/flasklike"
	"github.com/specterhq/specter/internal/testserver/flawcheck"
	"github.com/specterhq/specter/internal/testserver/laravellike"
	"github.com/specterhq/specter/internal/testserver/springlike"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners/secrets"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// flaw is one planted or true finding: a rule on an operation ("" for
// the API as a whole).
type flaw struct {
	id, rule, op string
}

// app is one test server build.
type app struct {
	name     string
	handler  http.Handler
	spec     []byte
	ext      string
	planted  []flaw
	alsoTrue []flaw
}

// serverFlaws are a server's flaws as the comparison reads them; every
// server declares the same Flaw fields.
func serverFlaws[F ~struct{ ID, Rule, Operation, Summary string }](fs []F) []flaw {
	out := make([]flaw, 0, len(fs))
	for _, f := range fs {
		c := flawcheck.Flaw(f)
		out = append(out, flaw{c.ID, c.Rule, c.Operation})
	}
	return out
}

func flask(secure bool) app {
	s := flasklike.New(flasklike.Options{Secure: secure, TokenTTL: time.Hour})
	return app{name: "flask", handler: s, spec: flasklike.Spec(), ext: ".yaml", planted: serverFlaws(s.Planted()), alsoTrue: serverFlaws(s.AlsoTrue())}
}

func fastapi(secure bool) app {
	s := fastapilike.New(fastapilike.Options{Secure: secure})
	return app{name: "fastapi", handler: s, spec: fastapilike.Spec(), ext: ".json", planted: serverFlaws(s.Planted()), alsoTrue: serverFlaws(s.AlsoTrue())}
}

func spring(secure bool) app {
	s := springlike.New(springlike.Options{Secure: secure})
	return app{name: "spring", handler: s, spec: springlike.Spec(), ext: ".json", planted: serverFlaws(s.Planted()), alsoTrue: serverFlaws(s.AlsoTrue())}
}

func express(secure bool) app {
	s := expresslike.New(expresslike.Options{Secure: secure})
	return app{name: "express", handler: s, spec: expresslike.Spec(), ext: ".yaml", planted: serverFlaws(s.Planted()), alsoTrue: serverFlaws(s.AlsoTrue())}
}

func laravel(secure bool) app {
	s := laravellike.New(laravellike.Options{Secure: secure})
	return app{name: "laravel", handler: s, spec: laravellike.Spec(), ext: ".yaml", planted: serverFlaws(s.Planted()), alsoTrue: serverFlaws(s.AlsoTrue())}
}

// springV2Unlisted is the crAPI-like server with the spec as teams often
// publish it: only the current one-time-code check (v3) is listed, and the
// server still answers the old one (v2) that the spec left out. The run
// must find the old version and its flaws there, by the same rules.
func springV2Unlisted(t *testing.T) app {
	a := spring(false)
	a.name = "spring-v2-unlisted"
	var doc map[string]any
	if err := json.Unmarshal(a.spec, &doc); err != nil {
		t.Fatal(err)
	}
	paths, _ := doc["paths"].(map[string]any)
	if _, ok := paths["/identity/api/auth/v2/check-otp"]; !ok {
		t.Fatal("the spring spec has no v2 check-otp to leave out")
	}
	delete(paths, "/identity/api/auth/v2/check-otp")
	spec, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	a.spec = spec
	a.planted = append(a.planted, flaw{"otp-v2-unlisted", "fuzz/older-api-version-served", "POST /identity/api/auth/v2/check-otp"})
	return a
}

// knownMisses are planted flaws the default run cannot find, with why;
// the test fails when one is found, so the list stays honest.
var knownMisses = map[string]string{
	// The report ids are sequential and belong to other users; the run
	// owns no report (crAPI's mechanic API answers with a report link,
	// this server with the fetched content) and never reads another
	// user's object without evidence that it is not its own.
	"mechanic-report-bola": "needs a report the run's identities own",
	// No operation uploads a video: the run owns none to update, and it
	// never updates an object it did not create.
	"video-conversion-params-mass-assignment": "needs a video the run's identities own",
}

// conformance rules say the spec and the answers disagree: true on every
// one of these servers, which document loosely (as real apps do), and
// not what the security comparison is about.
var conformance = map[string]bool{
	oracle.RuleServerError: true, oracle.RuleUndocumentedStatus: true, oracle.RuleContentTypeMismatch: true,
	oracle.RuleResponseSchema: true, oracle.RuleExcessDataExposure: true, oracle.RuleNegativeDataAccepted: true,
	oracle.RuleValidInputRejected: true, oracle.RuleResponseHeaderMismatch: true, oracle.RuleUseAfterDelete: true,
	security.RuleLatencyOutlier: true,
}

// fuzzApp runs the fuzzer as `specter fuzz --spec SPEC --target URL`
// does with no identity given: accounts of its own, every oracle, a
// canary listener, at full speed.
func fuzzApp(t *testing.T, a app, seed int64) *fuzz.Result {
	t.Helper()
	srv := httptest.NewServer(a.handler)
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	specPath := filepath.Join(t.TempDir(), strings.ReplaceAll(a.name, "/", "-")+a.ext)
	if err := os.WriteFile(specPath, a.spec, 0o644); err != nil {
		t.Fatal(err)
	}
	catalog, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	scanner, err := secrets.New(secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	set := identity.NewSet()
	cfg := fuzz.Config{
		Executor: execute.Config{Target: target, Concurrency: 4, Timeout: 6 * time.Second, Credentials: set},
		Generate: generate.Options{Seed: seed},
		Catalog:  catalog, Identities: set, Accounts: true, OlderVersions: true,
		Canary: &canary.Config{},
	}
	cfg.Oracles = append(fuzz.DefaultOracles(), security.Oracles(security.Config{
		Classifier: scanner, TargetURL: target.String(),
	})...)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	e, err := fuzz.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Run(ctx, ingesttest.Load(t, specPath))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// found indexes a run's findings by rule and operation.
func found(res *fuzz.Result) map[[2]string]rules.Finding {
	out := map[[2]string]rules.Finding{}
	for _, f := range res.Findings {
		op := ""
		if f.Operation != nil {
			op = f.Operation.Method + " " + f.Operation.Path
		}
		out[[2]string{f.RuleID, op}] = f
	}
	return out
}

// matches reports whether a finding is the flaw (a flaw of the whole API
// matches the rule on any operation).
func matches(fl flaw, key [2]string) bool {
	return fl.rule == key[0] && (fl.op == "" || fl.op == key[1])
}

// runPassword is how the run's accounts' passwords look (accounts.Provisioner).
var runPassword = regexp.MustCompile(`Sp3cter-[0-9a-f]{4,}x9(?:!|%21)`)

func testSeed() int64 {
	seed := int64(1)
	if s := os.Getenv("SPECTER_TEST_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	return seed
}

// TestFrameworkServers runs the fuzzer against each server (flask,
// fastapi, spring, express, laravel; and the
// crAPI-like one once more with a spec that leaves its old OTP check
// out): in the
// vulnerable build every planted flaw is found by its rule (but the known
// misses), and every security finding is a planted flaw or a true one; in
// the Secure build every security finding is one the server lists as
// true in that build too.
func TestFrameworkServers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the fuzzer against five servers, twice each")
	}
	seed := testSeed()
	var apps []app
	for _, build := range []func(bool) app{flask, fastapi, spring, express, laravel} {
		for _, secure := range []bool{false, true} {
			a := build(secure)
			if secure {
				a.name += "/secure"
			}
			apps = append(apps, a)
		}
	}
	apps = append(apps, springV2Unlisted(t))
	for _, a := range apps {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			res := fuzzApp(t, a, seed)
			got := found(res)
			for _, fl := range a.planted {
				hit := false
				for k := range got {
					hit = hit || matches(fl, k)
				}
				why, known := knownMisses[fl.id]
				switch {
				case !hit && !known:
					t.Errorf("planted %s (%s on %q) not found", fl.id, fl.rule, fl.op)
				case hit && known:
					t.Errorf("known miss %s (%s) is found now: take it off knownMisses", fl.id, why)
				}
			}
			var unexpected []string
			for k, f := range got {
				if conformance[k[0]] {
					continue
				}
				ok := false
				for _, fl := range append(append([]flaw(nil), a.planted...), a.alsoTrue...) {
					ok = ok || matches(fl, k)
				}
				if !ok {
					unexpected = append(unexpected, fmt.Sprintf("%s %s: %s", k[0], k[1], f.Message))
				}
			}
			// The passwords of the run's accounts are shell variables in
			// every reproducer, raw or form-encoded.
			for _, f := range res.Findings {
				if m := runPassword.FindString(f.Evidence); m != "" {
					t.Errorf("%s %s shows the run's password %s:\n%s", f.RuleID, f.Operation.Path, m, f.Evidence)
				}
			}
			sort.Strings(unexpected)
			for _, u := range unexpected {
				t.Errorf("finding that is neither planted nor listed as true: %s", u)
			}
			if t.Failed() || os.Getenv("SPECTER_TEST_NOTES") != "" {
				t.Logf("notes:\n%s", strings.Join(res.Summary.Lines(), "\n"))
			}
		})
	}
}
