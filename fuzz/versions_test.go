package fuzz

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/specterhq/specter/fuzz/internal/versions"
	"github.com/specterhq/specter/fuzz/oracle/security"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// versionsSpec documents v3 of a login and an item read, and a v1 status
// (nothing is older than v1).
const versionsSpec = `openapi: 3.0.3
info: {title: versions, version: "3"}
paths:
  /api/v3/login:
    post:
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [username, password]
              properties:
                username: {type: string, example: alice}
                password: {type: string, example: Alice-pass-1}
      responses:
        "200": {description: logged in, content: {application/json: {schema: {type: object, properties: {token: {type: string}}}}}}
        "400": {description: malformed, content: {application/json: {schema: {type: object}}}}
        "401": {description: wrong credentials, content: {application/json: {schema: {type: object}}}}
        "429": {description: too many attempts}
  /api/v3/items/{id}:
    get:
      security: []
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, example: 1}}
      responses:
        "200": {description: found, content: {application/json: {schema: {type: object, properties: {id: {type: integer}}}}}}
        "404": {description: not found, content: {application/json: {schema: {type: object}}}}
  /api/v1/status:
    get:
      security: []
      responses:
        "200": {description: up, content: {application/json: {schema: {type: object}}}}
`

// versionsApp is a login and an item read served at the versions the
// scenario routes, with the framework's own answer elsewhere. v3's login
// locks a client out after five wrong passwords; an older login the
// scenario serves never does, which is why old versions matter.
type versionsApp struct {
	// route says what the target does with a version segment: "app"
	// serves the operation, "" gives the framework's unrouted answer, and
	// any other value is written as the raw status and JSON body
	// "code|body".
	route    func(version string) string
	unrouted func(w http.ResponseWriter, r *http.Request)

	mu    sync.Mutex
	wrong map[string]int
}

func (a *versionsApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(parts) < 3 || parts[0] != "api" {
		a.unrouted(w, r)
		return
	}
	version, rest := parts[1], strings.Join(parts[2:], "/")
	if version == "v1" && rest == "status" && r.Method == http.MethodGet {
		writeJSON(w, 200, `{"up":true}`)
		return
	}
	switch how := a.route(version); how {
	case "app":
	case "":
		a.unrouted(w, r)
		return
	default:
		code, body, _ := strings.Cut(how, "|")
		var status int
		fmt.Sscan(code, &status)
		if strings.HasPrefix(body, "<") {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			fmt.Fprint(w, body)
			return
		}
		writeJSON(w, status, body)
		return
	}
	switch {
	case rest == "login" && r.Method == http.MethodPost:
		var in struct{ Username, Password string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeJSON(w, 400, `{"error":"bad json"}`)
			return
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		if version == "v3" && a.wrong[version] >= 5 {
			w.Header().Set("Retry-After", "60")
			writeJSON(w, 429, `{"error":"too many attempts"}`)
			return
		}
		if in.Username == "alice" && in.Password == "Alice-pass-1" {
			writeJSON(w, 200, `{"token":"t-`+version+`"}`)
			return
		}
		a.wrong[version]++
		writeJSON(w, 401, `{"error":"invalid credentials"}`)
	case strings.HasPrefix(rest, "items/") && r.Method == http.MethodGet:
		if rest == "items/1" {
			writeJSON(w, 200, `{"id":1}`)
			return
		}
		writeJSON(w, 404, `{"error":"no such item"}`)
	default:
		a.unrouted(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

func flaskUnrouted(w http.ResponseWriter, r *http.Request) { frameworks["flask"].unrouted(w, r, 0) }

// TestOlderVersions runs the default conformance and security checks
// against targets that route versions as real stacks do. Only a target
// that serves an older login as an operation gets the older-version
// finding, and the older login's missing rate limit is found on it; the
// control version, catch-all routers, front-end fallbacks, gateways that
// refuse retired versions and frameworks that authenticate before routing
// give nothing.
func TestOlderVersions(t *testing.T) {
	only := func(served ...string) func(string) string {
		return func(v string) string {
			if v == "v3" || slices.Contains(served, v) {
				return "app"
			}
			return ""
		}
	}
	springAuthFirst := func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, `{"timestamp":"2026-01-02T03:04:05.000+00:00","status":401,"error":"Unauthorized","path":"`+r.URL.Path+`"}`)
	}
	spaIndex := `<!doctype html><html><head><title>Shop</title></head><body><div id="root"></div><script src="/static/main.js"></script></body></html>`
	cases := []struct {
		name     string
		route    func(string) string
		unrouted func(http.ResponseWriter, *http.Request)
		want     map[string][]string // operation -> rules wanted (others absent)
	}{
		{"v2 still served", only("v2"), flaskUnrouted, map[string][]string{
			"POST /api/v2/login":     {security.RuleNoAuthRateLimit, versions.RuleOlderVersion},
			"GET /api/v2/items/{id}": {versions.RuleOlderVersion},
		}},
		{"v1 and v2 served, express", only("v1", "v2"), frameworkUnrouted("express"), map[string][]string{
			"POST /api/v2/login":     {security.RuleNoAuthRateLimit, versions.RuleOlderVersion},
			"POST /api/v1/login":     {security.RuleNoAuthRateLimit, versions.RuleOlderVersion},
			"GET /api/v2/items/{id}": {versions.RuleOlderVersion},
			"GET /api/v1/items/{id}": {versions.RuleOlderVersion},
		}},
		{"secure: v3 only", only(), flaskUnrouted, nil},
		{"secure: any version routed", func(string) string { return "app" }, flaskUnrouted, nil},
		{"secure: front-end fallback", only(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, spaIndex)
		}, nil},
		{"secure: gateway refuses retired versions", func(v string) string {
			switch v {
			case "v3":
				return "app"
			case "v1", "v2":
				return `400|{"error":"API version ` + v + ` is no longer supported"}`
			}
			return ""
		}, frameworkUnrouted("fastapi"), nil},
		{"secure: retired versions are gone", func(v string) string {
			switch v {
			case "v3":
				return "app"
			case "v1", "v2":
				return `410|{"error":"gone"}`
			}
			return ""
		}, frameworkUnrouted("spring"), nil},
		{"secure: authentication before routing", only(), springAuthFirst, nil},
	}
	spec := filepath.Join(t.TempDir(), "versions.yaml")
	if err := os.WriteFile(spec, []byte(versionsSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	s := ingesttest.Load(t, spec)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(&versionsApp{route: tc.route, unrouted: tc.unrouted, wrong: map[string]int{}})
			defer srv.Close()
			target, _ := url.Parse(srv.URL)
			cfg := testConfig(t, target, 1)
			cfg.OlderVersions = true
			cfg.Oracles = append(DefaultOracles(), security.Oracles(security.Config{RateLimitBurst: 12})...)
			res := runEngine(t, cfg, s)
			got := findingsByOperation(res.Findings)
			for op, rs := range got {
				want := tc.want[op]
				if !slices.Equal(rs, want) {
					t.Errorf("%s: findings %v, want %v", op, rs, want)
				}
			}
			for op, want := range tc.want {
				if _, ok := got[op]; !ok {
					t.Errorf("%s: no finding, want %v", op, want)
				}
			}
			for _, f := range res.Findings {
				if f.RuleID == versions.RuleOlderVersion && (!strings.Contains(f.Message, "/api/v3/") || !strings.Contains(f.Message, "v999")) {
					t.Errorf("message does not name the documented version and the control: %s", f.Message)
				}
				if f.RuleID == versions.RuleOlderVersion && f.Location.Line == 0 {
					t.Errorf("%s: no spec location", f.Message)
				}
			}
		})
	}
}

func frameworkUnrouted(name string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) { frameworks[name].unrouted(w, r, 0) }
}
