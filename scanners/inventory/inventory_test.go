package inventory

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface/traffic"
)

func shop(t *testing.T) string { return filepath.Join(fixtures, "shop.openapi.yaml") }

// The same requests rendered in every format give the same findings.
func TestSameTrafficSameFindingsInEveryFormat(t *testing.T) {
	surf := load(t, shop(t))
	want, _ := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "shop.combined.log"))}})
	if len(want) < 10 {
		t.Fatalf("only %d findings from the combined log", len(want))
	}
	for _, file := range []string{"shop.har", "shop.envoy.log", "shop.envoy.jsonl", "shop.alb.log", "shop.aggregate.csv", "shop.aggregate.jsonl", "shop.otlp-old.jsonl", "shop.otlp-new.jsonl"} {
		t.Run(file, func(t *testing.T) {
			got, sum := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, file))}})
			g, w := comparable(got), comparable(want)
			if strings.Join(g, "\n") != strings.Join(w, "\n") {
				t.Errorf("findings differ from the combined log's:\n got:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
			if sum.Requests != 58 || sum.ProbeRequests != 5 || sum.PreflightRequests != 1 {
				t.Errorf("summary %+v", sum)
			}
		})
	}
}

// Each finding type fires on its fixture request, and the near misses next
// to it do not.
func TestShopFindings(t *testing.T) {
	surf := load(t, shop(t))
	fs, sum := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "shop.combined.log"))}})
	got := briefs(fs)
	for _, want := range []string{
		"shadow-endpoint GET /api/v2/users/export",             // masked by /users/{id} without the schema check
		"shadow-endpoint GET /api/v2/reports/latest",           // not a date
		"shadow-endpoint GET /api/v2/public-specs/v2",          // not a UUID, and v2 stays literal
		"shadow-endpoint GET /api/v2/files/report.exe",         // partial template, enum mismatch
		"shadow-endpoint POST /api/v2/orders/{orderId}/refund", // 12 ids, one finding, named after /orders/{orderId}
		"shadow-endpoint GET /api/v2/tags/{param}",             // 11 word slugs collapse
		"shadow-endpoint GET /api/v2/customers/{param}",        // prefixed ids
		"shadow-endpoint GET /api/v2/users/{param}/prefs",      // email in the path
		"shadow-endpoint GET /api/v2/coupons/SUMMER24",
		"shadow-endpoint GET /internal/metrics",
		"shadow-endpoint GET /api/v2/accounts/{accountName}/sessions", // alice and bob, where /accounts/{accountName} is documented
		"shadow-endpoint GET /api/v2/static/../../config.json",        // a traversal that was served
		"shadow-endpoint GET /users/{id}/avatar",                      // undocumented method on a documented path
		"zombie-endpoint GET /legacy/search",                          // deprecated and live
		"zombie-endpoint GET /api/v1/users/{param}",                   // older version of /api/v2/users/{id}
		"orphan-endpoint GET /admin/audit",                            // never observed
		"orphan-endpoint DELETE /orders/{orderId}",                    // never observed
		"orphan-endpoint PATCH /users/{id}/avatar",                    // only GET was observed
	} {
		if !has(got, want) {
			t.Errorf("missing %q", want)
		}
	}
	for _, notWant := range []string{
		"shadow-endpoint GET /.env", "shadow-endpoint GET /wp-login.php", "shadow-endpoint GET /api/v2/.git/config", // probe noise
		"shadow-endpoint GET /api/v2/files/../../../etc/passwd", // traversal refused with 400: probe noise too
		"shadow-endpoint GET /api/v2/accounts/alice/sessions",   // one endpoint, not one per user
		"shadow-endpoint GET /api/v2/accounts/bob/sessions",
		"orphan-endpoint GET /accounts/{accountName}",
		"shadow-endpoint DELETE /users/{id}",      // answered 405 only
		"shadow-endpoint HEAD /users/{id}",        // HEAD answered by GET
		"shadow-endpoint OPTIONS /orders",         // CORS preflight
		"orphan-endpoint GET /users/{id}",         // seen percent-encoded and with HEAD
		"orphan-endpoint GET /orders",             // seen with a trailing slash
		"orphan-endpoint GET /files/{name}.{ext}", // partial-segment template
		"orphan-endpoint POST /jobs/{name}:cancel",
		"orphan-endpoint GET /reports/{day}",
		"orphan-endpoint GET /users/me",
		"orphan-endpoint GET /public-specs/{specId}",
		"orphan-endpoint GET /health",
		"zombie-endpoint GET /users/{id}",
	} {
		if has(got, notWant) {
			t.Errorf("unexpected %q", notWant)
		}
	}
	if len(got) != 18 {
		t.Errorf("%d findings, want 18:\n%s", len(got), strings.Join(got, "\n"))
	}
	if sum.ProbeEndpoints != 5 || sum.ProbeRequests != 5 || sum.PreflightRequests != 1 || sum.ObservedOperations != 13 || sum.Operations != 16 {
		t.Errorf("summary %+v", sum)
	}
	for _, f := range fs {
		switch {
		case f.RuleID == RuleInventoryOrphan:
			if !strings.Contains(f.Message, "58 request(s)") || !strings.Contains(f.Message, "2024-06-01T10:00:00Z") {
				t.Errorf("orphan message lacks volume or window: %s", f.Message)
			}
			if len(f.Related) != 0 {
				t.Errorf("orphan with related location: %+v", f.Related)
			}
		default:
			if len(f.Related) == 0 || f.Related[0].Location.File != "shop.combined.log" || f.Related[0].Location.Line < 1 {
				t.Errorf("%s: no traffic location: %+v", brief(f), f.Related)
			}
			if f.Location.File == "" || f.Location.Line == 0 {
				t.Errorf("%s: no spec location", brief(f))
			}
		}
	}
	byBrief := map[string]rules.Finding{}
	for _, f := range fs {
		byBrief[brief(f)] = f
	}
	refund := byBrief["shadow-endpoint POST /api/v2/orders/{orderId}/refund"]
	if !strings.Contains(refund.Message, "12 request(s)") || !strings.Contains(refund.Message, "200×12") ||
		!strings.Contains(refund.Message, "first seen 2024-06-01T10:00:17Z, last seen 2024-06-01T10:00:28Z") || refund.Related[0].Location.Line != 18 {
		t.Errorf("refund finding: %+v", refund)
	}
	if f := byBrief["zombie-endpoint GET /legacy/search"]; f.Location.Pointer != "/paths/~1legacy~1search/get" {
		t.Errorf("deprecated zombie should point at the operation: %+v", f.Location)
	}
	if f := byBrief["shadow-endpoint GET /internal/metrics"]; f.Location.Pointer != "/paths" {
		t.Errorf("shadow should point at paths: %+v", f.Location)
	}
	if f := byBrief["shadow-endpoint GET /api/v2/users/export"]; !strings.Contains(f.Message, `"export" is not an integer`) {
		t.Errorf("masked shadow should say why: %s", f.Message)
	}
}

// Sample paths are redacted: ids, tokens and emails never reach a report.
func TestSamplesAreRedacted(t *testing.T) {
	surf := load(t, shop(t))
	fs, _ := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "shop.combined.log"))}})
	all := fmt.Sprintf("%+v", fs)
	for _, secret := range []string{"a.lovelace@gmail.com", "cus_9s6XKzkNRiz8i3", "cus_4Fq8YzLmNpQ2rT", "/1001/refund", "SUMMER24x"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q reached the findings", secret)
		}
	}
	for _, want := range []string{"a…@gmail.com", "cus_…", "/orders/10…/refund"} {
		if !strings.Contains(all, want) {
			t.Errorf("redacted sample %q missing", want)
		}
	}
}

// A value quoted in a schema-mismatch reason is redacted too.
func TestMismatchReasonIsRedacted(t *testing.T) {
	surf := load(t, shop(t))
	log := `10.0.0.1 - - [01/Jun/2024:10:00:00 +0000] "GET /api/v2/users/ada@lovelace-labs.io HTTP/1.1" 200 1 "-" "-"` + "\n"
	fs, _ := scan(t, surf, Options{Traffic: []Source{stringSource("emails.log", log, "")}})
	all := fmt.Sprintf("%+v", fs)
	if strings.Contains(all, "ada@lovelace-labs.io") {
		t.Errorf("email reached the findings: %s", all)
	}
	if !strings.Contains(all, `"a…@lovelace-labs.io" is not an integer`) {
		t.Errorf("redacted reason missing: %s", all)
	}
}

func TestPreviousSpecTurnsShadowIntoZombie(t *testing.T) {
	surf := load(t, shop(t))
	prev := load(t, filepath.Join(fixtures, "shop-previous.openapi.yaml"))
	src := fileSource(filepath.Join(fixtures, "shop.combined.log"))
	without, _ := scan(t, surf, Options{Traffic: []Source{src}})
	with, _ := scan(t, surf, Options{Traffic: []Source{src}, Previous: prev})
	if !has(briefs(without), "shadow-endpoint GET /api/v2/coupons/SUMMER24") {
		t.Fatal("without --previous-spec the coupon call is a shadow")
	}
	got := briefs(with)
	if !has(got, "zombie-endpoint GET /coupons/{code}") || has(got, "shadow-endpoint GET /api/v2/coupons/SUMMER24") {
		t.Fatalf("with --previous-spec: %v", got)
	}
	for _, f := range with {
		if f.RuleID == RuleInventoryZombie && f.Operation.Path == "/coupons/{code}" {
			if len(f.Related) != 2 || !strings.HasSuffix(f.Related[1].Location.File, "shop-previous.openapi.yaml") || f.Related[1].Location.Line == 0 {
				t.Errorf("removed zombie should name the previous spec's operation: %+v", f.Related)
			}
		}
	}
	// Still documented in the current spec: not a zombie.
	if has(got, "zombie-endpoint GET /users/{id}") {
		t.Error("an operation in both specs is not removed")
	}
}

func TestHosts(t *testing.T) {
	surf := load(t, shop(t))
	src := fileSource(filepath.Join(fixtures, "shop.istio.log"))
	fs, _ := scan(t, surf, Options{Traffic: []Source{src}})
	var hostFindings []string
	for _, f := range fs {
		if strings.HasPrefix(f.Key, "host ") {
			hostFindings = append(hostFindings, f.Key)
		}
	}
	// beta is live and unknown; us.shop.example comes from the server
	// variable's enum; staging only answered 404 (no route).
	if len(hostFindings) != 1 || hostFindings[0] != "host beta.shop.example" {
		t.Errorf("host findings %v, want only beta.shop.example", hostFindings)
	}
	fs, _ = scan(t, surf, Options{Traffic: []Source{src}, Hosts: []string{"beta.shop.example"}})
	for _, f := range fs {
		if strings.HasPrefix(f.Key, "host ") {
			t.Errorf("--host beta.shop.example still reported: %s", f.Message)
		}
	}
}

func TestCredentialsAndSensitiveData(t *testing.T) {
	surf := load(t, shop(t))
	credential := detectorFunc(func(name, value string) (string, bool) {
		if strings.HasPrefix(value, "sk_live_") {
			return "secrets/stripe-access-token", true
		}
		return "", false
	})
	fs, sum := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "auth.har"))}, Credentials: credential})
	got := briefs(fs)
	for _, want := range []string{
		"unauthenticated-2xx GET /orders/{orderId}",
		"sensitive-data-in-response GET /api/v2/users/export",
		"sensitive-data-in-response GET /legacy/search",
	} {
		if !has(got, want) {
			t.Errorf("missing %q in %v", want, got)
		}
	}
	for _, notWant := range []string{
		"unauthenticated-2xx GET /users/{id}",                  // bearer token
		"unauthenticated-2xx GET /health",                      // security: []
		"unauthenticated-2xx POST /orders",                     // the spec's own X-Partner-Key header
		"unauthenticated-2xx GET /users/me",                    // refused with 401
		"sensitive-data-in-response GET /users/{id}",           // documented endpoint: not this rule's business
		"sensitive-data-in-response GET /api/v2/internal/ping", // example.com and a non-Luhn number
	} {
		if has(got, notWant) {
			t.Errorf("unexpected %q", notWant)
		}
	}
	for _, f := range fs {
		if f.RuleID == RuleInventorySensitiveResponse && strings.Contains(f.Message, "card") == false && strings.Contains(f.Message, "email") == false && !strings.Contains(f.Message, "stripe") {
			t.Errorf("sensitive finding does not say what it found: %s", f.Message)
		}
	}
	if sum.Sources[0].Skipped != 1 {
		t.Errorf("the status-0 entry should be skipped: %+v", sum.Sources)
	}
	// Logs without credential evidence never produce the finding.
	fs, _ = scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "shop.combined.log"))}})
	for _, f := range fs {
		if f.RuleID == RuleInventoryUnauthenticated2x {
			t.Errorf("access log without auth evidence produced %s", f.Message)
		}
	}
}

func TestAPIGatewayRoutes(t *testing.T) {
	surf := load(t, shop(t))
	fs, sum := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "shop.apigateway.jsonl"))}})
	got := briefs(fs)
	for _, want := range []string{
		"shadow-endpoint POST /orders/{orderId}/refund", // the route names the template: no inference
		"shadow-endpoint GET /api/v2/users/export",      // {proxy+} is distrusted: the path decides
		"unauthenticated-2xx GET /orders/{orderId}",     // authorizer "-"
	} {
		if !has(got, want) {
			t.Errorf("missing %q in %v", want, got)
		}
	}
	if has(got, "orphan-endpoint GET /users/me") || has(got, "orphan-endpoint GET /health") {
		t.Errorf("catch-all route or routeKey not matched by path: %v", got)
	}
	if sum.ProbeRequests != 1 {
		t.Errorf("/.env 404 should be probe noise: %+v", sum)
	}
}

// 5,000 calls to /orders/N/refund make one finding; memory holds one
// endpoint, not 5,000.
func TestHighCardinalityMakesOneFinding(t *testing.T) {
	surf := load(t, shop(t))
	var b strings.Builder
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "10.0.0.1 - - [01/Jun/2024:10:%02d:%02d +0000] \"POST /api/v2/orders/%d/refund HTTP/1.1\" 200 12 \"-\" \"-\"\n", i/60%60, i%60, 100000+i*7)
	}
	fs, _ := scan(t, surf, Options{Traffic: []Source{stringSource("refunds.log", b.String(), "")}})
	n := 0
	for _, f := range fs {
		if f.RuleID == RuleInventoryShadow {
			n++
			if !strings.Contains(f.Message, "5000 request(s)") {
				t.Errorf("message %s", f.Message)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d shadow findings, want 1", n)
	}
}

// Distinct undocumented endpoints are bounded: beyond the limit, siblings
// collapse, and what still does not fit is counted, not held.
func TestMemoryBoundedByEndpoints(t *testing.T) {
	surf := load(t, shop(t))
	var b strings.Builder
	words := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"}
	for i := 0; i < 20000; i++ {
		// Word paths the classifiers keep literal: only sibling collapse can bound them.
		fmt.Fprintf(&b, "10.0.0.1 - - [01/Jun/2024:10:00:00 +0000] \"GET /%s%d/%s/%s HTTP/1.1\" 200 1 \"-\" \"-\"\n",
			words[i%12], i%400, words[(i/12)%12], words[(i/144)%12])
	}
	s := New(Options{Traffic: []Source{stringSource("words.log", b.String(), "")}, MaxEndpoints: 300})
	r := newRun(s.opts, surf)
	if err := r.read(t.Context(), s.opts.Traffic[0]); err != nil {
		t.Fatal(err)
	}
	if r.undoc > 300 {
		t.Errorf("%d undocumented endpoints held, limit 300", r.undoc)
	}
	if len(r.resolver.cache) > maxCache {
		t.Errorf("resolution cache holds %d entries", len(r.resolver.cache))
	}
	if r.summary.Overflow == 0 {
		t.Error("first-segment variety cannot collapse; the overflow should be counted")
	}
}

// Fewer distinct siblings than the threshold stay separate findings: five
// tag names are five endpoints.
func TestFewSiblingsDoNotCollapse(t *testing.T) {
	surf := load(t, shop(t))
	var b strings.Builder
	for _, w := range []string{"apple", "banana", "cherry", "damson", "elder"} {
		fmt.Fprintf(&b, "10.0.0.1 - - [01/Jun/2024:10:00:00 +0000] \"GET /api/v2/tags/%s HTTP/1.1\" 200 1 \"-\" \"-\"\n", w)
	}
	fs, _ := scan(t, surf, Options{Traffic: []Source{stringSource("tags.log", b.String(), traffic.FormatCombined)}})
	n := 0
	for _, f := range fs {
		if f.RuleID == RuleInventoryShadow {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d shadow findings, want 5", n)
	}
}

func TestDeterministic(t *testing.T) {
	surf := load(t, shop(t))
	lines := strings.SplitAfter(strings.TrimSpace(string(mustRead(t, "shop.combined.log"))), "\n")
	reversed := make([]string, len(lines))
	for i, l := range lines {
		reversed[len(lines)-1-i] = strings.TrimRight(l, "\n") + "\n"
	}
	a, _ := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "shop.combined.log"))}})
	b, _ := scan(t, surf, Options{Traffic: []Source{stringSource("shop.combined.log", strings.Join(reversed, ""), "")}})
	if strings.Join(comparable(a), "\n") != strings.Join(comparable(b), "\n") {
		t.Errorf("reversed input changed the findings")
	}
}

func TestUnreadableTrafficIsAnError(t *testing.T) {
	surf := load(t, shop(t))
	s := New(Options{Traffic: []Source{stringSource("x.bin", "\x00\x01\x02\x03", "")}})
	if _, err := s.Scan(t.Context(), surf); err == nil || !strings.Contains(err.Error(), "x.bin") {
		t.Errorf("got %v, want an error naming the input", err)
	}
}

// An operation documented in both an OpenAPI document and a Postman
// collection is one operation of the surface: observing it through either
// copy means neither is an orphan.
func TestSeveralSpecsFormOneSurface(t *testing.T) {
	surf := load(t, filepath.Join(fixtures, "matching.openapi.yaml"), filepath.Join(fixtures, "matching.postman_collection.json"))
	log := `10.0.0.1 - - [01/Jun/2024:10:00:00 +0000] "GET /users/42 HTTP/1.1" 200 1 "-" "-"` + "\n"
	fs, sum := scan(t, surf, Options{Traffic: []Source{stringSource("users.log", log, "")}})
	if has(briefs(fs), "orphan-endpoint GET /users/{id}") {
		t.Errorf("GET /users/{id} was observed through one of its two documents: %v", briefs(fs))
	}
	if sum.ObservedOperations != 1 {
		t.Errorf("summary %+v", sum)
	}
}

// detectorFunc is a sensitive.CredentialDetector from a function.
type detectorFunc func(name, value string) (string, bool)

func (f detectorFunc) LooksLikeCredential(name, value string) (string, bool) { return f(name, value) }
