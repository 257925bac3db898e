package inventory

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/surface/traffic"
)

// resolveOne loads a spec and resolves one request, returning "documented
// METHOD /template", "method METHOD /template", "shadow METHOD /template",
// "version …", "preflight".
func resolveOne(t *testing.T, spec, method, target, route string, preflight bool) string {
	t.Helper()
	surf := load(t, filepath.Join(fixtures, spec))
	r := newRun(New(Options{}).opts, surf)
	res := r.resolver.resolve(method, target, route, preflight)
	switch res.kind {
	case kindDocumented:
		return "documented " + res.op.Method + " " + res.op.Path
	case kindMethodShadow:
		return "method " + method + " " + res.template
	case kindUndocumented:
		return "shadow " + method + " " + res.template
	case kindOlderVersion:
		return "version " + method + " " + res.template + " -> " + res.op.Path
	case kindPreflight:
		return "preflight"
	}
	return "?"
}

// usersSpec is testdata/traffic/matching.openapi.yaml.
const usersSpec = "matching.openapi.yaml"

func TestMatchingFailureCases(t *testing.T) {
	for _, tc := range []struct {
		name, method, target, want string
	}{
		{"literal beats template", "GET", "/users/me", "documented GET /users/me"},
		{"template when literal is absent", "GET", "/users/42", "documented GET /users/{id}"},
		{"/users/{id}/me vs /users/me/{x}: literal first, left to right", "GET", "/users/me/me", "documented GET /users/me/{x}"},
		{"/users/{id}/me reached through the template", "GET", "/users/5/me", "documented GET /users/{id}/me"},
		{"backtrack from a dead-end literal", "GET", "/accounts/me/orders", "documented GET /accounts/{name}/orders"},
		{"masked shadow: export is not an integer", "GET", "/users/export", "shadow GET /users/export"},
		{"leading zeros are an integer", "GET", "/users/007", "documented GET /users/{id}"},
		{"negative integer", "GET", "/users/-3", "documented GET /users/{id}"},
		{"1e5 is not an integer", "GET", "/users/1e5", "shadow GET /users/1e5"},
		{"single digit id", "GET", "/users/7", "documented GET /users/{id}"},
		{"undocumented method on a documented path", "GET", "/foo", "method GET /foo"},
		{"HEAD answered by GET", "HEAD", "/users/42", "documented GET /users/{id}"},
		{"HEAD without GET", "HEAD", "/foo", "method HEAD /foo"},
		{"percent-encoded slash stays in its segment", "GET", "/projects/group%2Fproject", "documented GET /projects/{project}"},
		{"percent-encoded digits", "GET", "/users/%34%32", "documented GET /users/{id}"},
		{"matrix parameters dropped", "GET", "/users/42;jsessionid=ABC123", "documented GET /users/{id}"},
		{"double slash collapses", "GET", "//users//42", "documented GET /users/{id}"},
		{"trailing slash", "GET", "/users/42/", "documented GET /users/{id}"},
		{"query ignored", "GET", "/users/42?fields=a,b&x=%2F", "documented GET /users/{id}"},
		{"pattern accepts", "GET", "/codes/ABC", "documented GET /codes/{code}"},
		{"pattern rejects", "GET", "/codes/abcd", "shadow GET /codes/abcd"},
		{"enum accepts", "GET", "/colors/red", "documented GET /colors/{color}"},
		{"enum rejects", "GET", "/colors/blue", "shadow GET /colors/blue"},
		{"partial segment {name}.{ext}", "GET", "/files/archive.tar.gz", "documented GET /files/{name}.{ext}"},
		{"partial segment needs its literal", "GET", "/files/README", "shadow GET /files/README"},
		{"literal prefix report.{format}", "GET", "/report.pdf", "documented GET /report.{format}"},
		{"literal prefix with a bad enum", "GET", "/report.exe", "shadow GET /report.exe"},
		{":verb custom method beats the plain template", "POST", "/jobs/nightly:cancel", "documented POST /jobs/{name}:cancel"},
		{"plain template when there is no verb", "POST", "/jobs/nightly", "documented POST /jobs/{name}"},
		{"date parameter", "GET", "/events/2024-06-01", "documented GET /events/{day}"},
		{"date parameter rejects words", "GET", "/events/today", "shadow GET /events/today"},
		{"uuid v7 is a uuid", "GET", "/things/01890a5d-ac96-774b-bcce-b302099a8057", "documented GET /things/{thingId}"},
		{"/public-specs/v2 next to a uuid template", "GET", "/things/v2", "shadow GET /things/v2"},
		{"undocumented ids are templated", "GET", "/orders/123/items/9f8e7d6c-5b4a-4321-8fed-cba987654321", "shadow GET /orders/{param}/items/{param}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolveOne(t, usersSpec, tc.method, tc.target, "", false); got != tc.want {
				t.Errorf("%s %s = %q, want %q", tc.method, tc.target, got, tc.want)
			}
		})
	}
}

func TestPreflight(t *testing.T) {
	if got := resolveOne(t, usersSpec, "OPTIONS", "/users/42", "", true); got != "preflight" {
		t.Errorf("preflight on a documented path: %s", got)
	}
	if got := resolveOne(t, usersSpec, "OPTIONS", "/users/42", "", false); got != "method OPTIONS /users/{id}" {
		t.Errorf("OPTIONS known not to be a preflight: %s", got)
	}
}

// basesSpec is testdata/traffic/matching-servers.openapi.yaml.
const basesSpec = "matching-servers.openapi.yaml"

func TestBasePaths(t *testing.T) {
	for _, tc := range []struct{ target, want string }{
		{"/api/v2/name", "documented GET /name"},
		{"/api/v3/name", "documented GET /name"},                // enum value of the server variable
		{"/internal/name", "documented GET /name"},              // relative server URL
		{"/name", "documented GET /name"},                       // a proxy stripped the base
		{"/api/v2/v2/username", "documented GET /v2/username"},  // server prefix + literal version path
		{"/api/v2/v9/name", "documented GET /{version}/name"},   // server prefix + {version} template
		{"/apiv2/v2/username", "shadow GET /apiv2/v2/username"}, // base stripped at segment boundaries only
		{"/api/v1/name", "version GET /api/v1/name -> /name"},   // older version than the documented ones
		{"/api/v1/missing", "shadow GET /api/v1/missing"},       // old version of nothing documented
	} {
		if got := resolveOne(t, basesSpec, "GET", tc.target, "", false); got != tc.want {
			t.Errorf("GET %s = %q, want %q", tc.target, got, tc.want)
		}
	}
}

// swagger2 is testdata/traffic/matching-swagger2.yaml.
const swagger2 = "matching-swagger2.yaml"

func TestSwagger2BasePath(t *testing.T) {
	if got := resolveOne(t, swagger2, "GET", "/legacy/widgets/3", "", false); got != "documented GET /widgets/{id}" {
		t.Errorf("got %s", got)
	}
	if got := resolveOne(t, swagger2, "GET", "/legacy/widgets/abc", "", false); got != "shadow GET /legacy/widgets/abc" {
		t.Errorf("got %s", got)
	}
}

func TestRoutesFromLogs(t *testing.T) {
	for _, tc := range []struct{ target, route, want string }{
		{"/users/export", "/users/{id}", "documented GET /users/{id}"}, // the framework's route is ground truth
		{"/users/42", "/users/:userId", "documented GET /users/{id}"},  // Express-style names
		{"/users/export", "/{proxy+}", "shadow GET /users/export"},     // catch-all distrusted
		{"/users/42", "$default", "documented GET /users/{id}"},
		{"/admin/x/1", "/admin/{section}/{n}", "shadow GET /admin/{section}/{n}"}, // an undocumented route is the template
	} {
		if got := resolveOne(t, usersSpec, "GET", tc.target, tc.route, false); got != tc.want {
			t.Errorf("GET %s (route %s) = %q, want %q", tc.target, tc.route, got, tc.want)
		}
	}
}

// postmanSpec is testdata/traffic/matching.postman_collection.json.
const postmanSpec = "matching.postman_collection.json"

func TestPostmanCollectionAsSpec(t *testing.T) {
	if got := resolveOne(t, postmanSpec, "GET", "/users/abc", "", false); got != "documented GET /users/{id}" {
		t.Errorf("got %s", got)
	}
	if got := resolveOne(t, postmanSpec, "DELETE", "/users/abc", "", false); got != "method DELETE /users/{id}" {
		t.Errorf("got %s", got)
	}
}

func TestClassifyAndTemplate(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"/orders/123/refund", "/orders/{param}/refund"},
		{"/users/01890a5d-ac96-774b-bcce-b302099a8057", "/users/{param}"},   // UUIDv7
		{"/users/6ba7b810-9dad-11d1-80b4-00c04fd430c8", "/users/{param}"},   // UUIDv1
		{"/items/01ARZ3NDEKTSV4RRFFQ69G5FAV", "/items/{param}"},             // ULID
		{"/docs/507f1f77bcf86cd799439011", "/docs/{param}"},                 // ObjectId
		{"/tweets/1790000000000000000", "/tweets/{param}"},                  // Snowflake
		{"/customers/cus_9s6XKzkNRiz8i3", "/customers/{param}"},             // prefixed id
		{"/blobs/a3f9c2", "/blobs/{param}"},                                 // short hex with a digit
		{"/t/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123DEF", "/t/{param}"}, // JWT
		{"/k/dGhpcyBpcyBhIHRva2VuIDEyMw", "/k/{param}"},                     // base64url
		{"/users/ada@lovelace-labs.io/prefs", "/users/{param}/prefs"},       // email
		{"/reports/2024-06-01", "/reports/{param}"},                         // date as a resource
		{"/2024-06-01/charges", "/2024-06-01/charges"},                      // date as a version
		{"/api/2024-06-01/charges", "/api/2024-06-01/charges"},              // dated version after scaffold
		{"/v1/users", "/v1/users"},                                          // versions never collapse
		{"/api/v2.7/login", "/api/v2.7/login"},
		{"/api/1.0/status", "/api/1.0/status"},
		{"/cafe/facade", "/cafe/facade"}, // hex-like words stay
		{"/tags/apple", "/tags/apple"},   // words stay (siblings may collapse later)
		{"/account-settings-page", "/account-settings-page"},
		{"/.env", "/.env"},
	} {
		if got := joinPath(templateSegments(parsePath(tc.path).segs)); got != tc.want {
			t.Errorf("template(%s) = %s, want %s", tc.path, got, tc.want)
		}
	}
}

func TestRedactSegment(t *testing.T) {
	for in, want := range map[string]string{
		"42":                                   "42",
		"123456":                               "12…",
		"ada@lovelace-labs.io":                 "a…@lovelace-labs.io",
		"cus_9s6XKzkNRiz8i3":                   "cus_…",
		"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60": "3f…",
		"orders":                               "orders",
		"v2":                                   "v2",
	} {
		if got := redactSegment(in); got != want {
			t.Errorf("redactSegment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"v1", "v2", -1}, {"v10", "v2", 1}, {"v2.7", "v4.0", -1}, {"v2", "v2.0", 0}, {"1.0", "2.0", -1}, {"v2beta1", "v2", 0}} {
		if got := compareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("compareVersions(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// Requests whose digit segments have the same length share a cached
// resolution only when no schema can tell them apart.
func TestDigitKeyedCacheRespectsSchemas(t *testing.T) {
	surf := inlineSpec(t, "spec.yaml", `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /items/{n}:
    get:
      parameters: [{name: n, in: path, required: true, schema: {type: integer, maximum: 60}}]
      responses: {'200': {description: ok}}
  /plain/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {'200': {description: ok}}
`)
	log := ""
	for _, p := range []string{"/items/50", "/items/70", "/plain/10", "/plain/99"} {
		log += `10.0.0.1 - - [01/Jun/2024:10:00:00 +0000] "GET ` + p + ` HTTP/1.1" 200 1 "-" "-"` + "\n"
	}
	fs, sum := scan(t, surf, Options{Traffic: []Source{stringSource("items.log", log, "")}})
	got := briefs(fs)
	if !has(got, "shadow-endpoint GET /items/{param}") || sum.ObservedOperations != 2 || !strings.Contains(fmt.Sprint(fs), "above the maximum") {
		t.Errorf("maximum: 60 must reject 70 even after 50 was accepted: %v %+v", got, sum)
	}
	r := newRun(New(Options{}).opts, inlineSpec(t, "plain.yaml", `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /plain/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {'200': {description: ok}}
`))
	if !r.resolver.digitBlind {
		t.Error("a bare integer parameter cannot tell digit strings apart; the cache should key them by length")
	}
	if string(r.resolver.appendCacheKey(nil, "GET", "/plain/1234", "", false)) != string(r.resolver.appendCacheKey(nil, "GET", "/plain/9876", "", false)) {
		t.Error("equal-length ids should share a cache key")
	}
}

// Digit runs inside mixed segments share a cache key only where nothing in
// the spec can tell them apart, and versions, dates, percent-escapes and
// ULIDs keep their digits.
func TestDigitRunCacheKeys(t *testing.T) {
	plain := newRun(New(Options{}).opts, inlineSpec(t, "plain.yaml", `openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: /api/v2}]
paths:
  /files/{name}:
    get:
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
  /reports/{day}:
    get:
      parameters: [{name: day, in: path, required: true, schema: {type: string, format: date}}]
      responses: {'200': {description: ok}}
`)).resolver
	oauth := newRun(New(Options{}).opts, inlineSpec(t, "oauth.yaml", `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /oauth2/token:
    post: {responses: {'200': {description: ok}}}
`)).resolver
	if !plain.runBlind || oauth.runBlind {
		t.Fatalf("runBlind: plain %v (want true), oauth2 literal %v (want false)", plain.runBlind, oauth.runBlind)
	}
	key := func(rv *resolver, path string) string { return string(rv.appendCacheKey(nil, "GET", path, "", false)) }
	for _, tc := range []struct {
		rv   *resolver
		a, b string
		same bool
	}{
		{plain, "/api/v2/files/invoice-1001.pdf", "/api/v2/files/invoice-2002.pdf", true},
		{plain, "/api/v2/files/ord_77", "/api/v2/files/ord_78", true},
		{plain, "/api/v2/files/invoice-1001.pdf", "/api/v2/files/invoice-101.pdf", false},                      // lengths differ
		{plain, "/api/v2/x", "/api/v3/x", false},                                                               // versions
		{plain, "/api/v2/reports/2024-06-01", "/api/v2/reports/2024-13-01", false},                             // dates validate by digits
		{plain, "/api/v2/files/%41b", "/api/v2/files/%42b", false},                                             // escapes decode by digits
		{plain, "/api/v2/files/01ARZ3NDEKTSV4RRFFQ69G5FAV", "/api/v2/files/91ARZ3NDEKTSV4RRFFQ69G5FAV", false}, // a ULID starts with 0-7
		{oauth, "/oauth2/token", "/oauth3/token", false},
	} {
		if got := key(tc.rv, tc.a) == key(tc.rv, tc.b); got != tc.same {
			t.Errorf("%s and %s share a key: %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

// An undocumented path takes the parameters of documented siblings: a
// segment where a documented path with the same literal prefix has a
// parameter becomes that parameter when it fits the schema.
func TestSiblingParameterTemplates(t *testing.T) {
	for _, tc := range []struct{ name, target, want string }{
		{"string parameter of a sibling", "/accounts/alice/settings", "shadow GET /accounts/{name}/settings"},
		{"another user, same endpoint", "/accounts/bob/settings", "shadow GET /accounts/{name}/settings"},
		{"the literal sibling wins", "/accounts/me/settings", "shadow GET /accounts/me/settings"},
		{"the value must fit the schema", "/users/alice/sessions", "shadow GET /users/alice/sessions"},
		{"and takes the parameter's name when it does", "/users/42/sessions", "shadow GET /users/{id}/sessions"},
		{"deeper", "/accounts/carol/orders/7/lines", "shadow GET /accounts/{name}/orders/{param}/lines"},
		{"a version stays literal", "/things/v2/parts", "shadow GET /things/v2/parts"},
		{"the first segment never becomes one", "/projects", "shadow GET /projects"},
		{"no sibling: classifiers only", "/widgets/alice/sessions", "shadow GET /widgets/alice/sessions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolveOne(t, usersSpec, "GET", tc.target, "", false); got != tc.want {
				t.Errorf("GET %s = %q, want %q", tc.target, got, tc.want)
			}
		})
	}
}

// Paths only ever answered with a 4xx that look like scanning are probe
// noise; the same paths served, or plain paths answered 400, are not.
func TestProbeNoise(t *testing.T) {
	surf := load(t, shop(t))
	for _, tc := range []struct {
		target string
		status int
		probe  bool
	}{
		{"/.env", 403, true},
		{"/api/v2/files/..%2f..%2fetc%2fpasswd", 400, true},
		{"/api/v2/users/%2e%2e/admin", 401, true},
		{"/wp-admin/install.php", 403, true},
		{"/api/v2/.git/HEAD", 404, true},
		{"/.env", 200, false},                                // a served .env is a finding
		{"/api/v2/files/..%2f..%2fetc%2fpasswd", 500, false}, // a server error on a traversal too
		{"/api/v2/exports", 400, false},                      // a plain path answered 400 exists
	} {
		log := fmt.Sprintf("10.0.0.1 - - [01/Jun/2024:10:00:00 +0000] \"GET %s HTTP/1.1\" %d 1 \"-\" \"-\"\n", tc.target, tc.status)
		fs, sum := scan(t, surf, Options{Traffic: []Source{stringSource("probe.log", log, "")}})
		shadows := 0
		for _, f := range fs {
			if f.RuleID == RuleInventoryShadow {
				shadows++
			}
		}
		if got := sum.ProbeRequests == 1 && shadows == 0; got != tc.probe {
			t.Errorf("GET %s → %d: probe %v (%d shadow findings, summary %+v), want %v", tc.target, tc.status, got, shadows, sum, tc.probe)
		}
	}
}

// A HAR entry without a method or with an unparsable URL is skipped and
// counted, never reported as an endpoint.
func TestEntriesWithoutMethodAreSkipped(t *testing.T) {
	surf := load(t, shop(t))
	fs, sum := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "bad-entries.har"))}})
	for _, f := range fs {
		if f.RuleID == RuleInventoryShadow {
			t.Errorf("skipped entry became a finding: %s", f.Message)
		}
	}
	src := sum.Sources[0]
	if src.Records != 2 || src.Skipped != 6 || len(src.Skips) != 2 || src.Skips[0].Reason != traffic.SkipNoMethod || src.Skips[0].FirstEntry != 2 {
		t.Errorf("source summary %+v", src)
	}
}
