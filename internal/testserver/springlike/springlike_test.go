package springlike

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

type env struct {
	t  *testing.T
	ts *httptest.Server
	s  *Server
}

func start(t *testing.T, secure bool) *env {
	t.Helper()
	s := New(Options{Secure: secure})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &env{t: t, ts: ts, s: s}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v: %s", a.status, err, a.body)
	}
	return m
}

func (e *env) do(method, path, token string, body any) answer {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	case []byte:
		rd, ct = bytes.NewReader(b), "application/json"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, raw}
}

func (e *env) login(email, password string) string {
	e.t.Helper()
	a := e.do("POST", "/identity/api/auth/login", "", map[string]string{"email": email, "password": password})
	if a.status != 200 {
		e.t.Fatalf("login %s: %d %s", email, a.status, a.body)
	}
	tok, _ := a.json(e.t)["token"].(string)
	if tok == "" {
		e.t.Fatalf("login %s: no token: %s", email, a.body)
	}
	return tok
}

var seeded = [][2]string{
	{"adam007@example.com", "adam007!123"},
	{"pogba006@example.com", "pogba006!123"},
	{"robot001@example.com", "robot001!123"},
	{"test@example.com", "Test!123"},
	{"admin@example.com", "Admin!123"},
	{"jhon@example.com", "Admin1@#"},
}

func modes(t *testing.T, f func(t *testing.T, secure bool)) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "vulnerable", true: "secure"}[secure], func(t *testing.T) { f(t, secure) })
	}
}

func TestSpec(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(Spec())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.1" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	ops := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops[method+" "+path] = op
		}
	}
	for _, s := range []*Server{New(Options{}), New(Options{Secure: true})} {
		for _, f := range append(s.Planted(), s.AlsoTrue()...) {
			if ops[f.Operation] == nil {
				t.Errorf("flaw %s: operation %q is not in the spec", f.ID, f.Operation)
			}
		}
	}
	// The spec and the handlers agree, and every non-auth operation
	// declares bearerAuth.
	n := 0
	for _, rt := range New(Options{}).routes {
		if rt.pattern == "/v3/api-docs" {
			continue
		}
		n++
		op := ops[rt.method+" "+rt.pattern]
		if op == nil {
			t.Errorf("route %s %s is not in the spec", rt.method, rt.pattern)
			continue
		}
		secured := op.Security != nil && len(*op.Security) > 0
		want := containsStr(securedOperations(), rt.method+" "+rt.pattern)
		if secured != want {
			t.Errorf("%s %s: security declared %v, want %v", rt.method, rt.pattern, secured, want)
		}
	}
	if n != len(ops) {
		t.Errorf("%d routes, %d operations in the spec", n, len(ops))
	}
	if len(ops) < 20 || len(ops) > 26 {
		t.Errorf("%d operations", len(ops))
	}
	if doc.Components.SecuritySchemes["bearerAuth"] == nil {
		t.Error("no bearerAuth scheme")
	}
	e := start(t, false)
	if a := e.do("GET", "/v3/api-docs", "", nil); a.status != 200 || !bytes.Equal(a.body, Spec()) {
		t.Errorf("/v3/api-docs: %d", a.status)
	}
}

func assertSpringError(t *testing.T, a answer, status int, path string) map[string]any {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
	m := a.json(t)
	if m["status"] != float64(status) || m["error"] != http.StatusText(status) && !(status == 413 && m["error"] == "Payload Too Large") || m["path"] != path {
		t.Errorf("not Boot's error body: %s", a.body)
	}
	if ts, _ := m["timestamp"].(string); !strings.HasSuffix(ts, "+00:00") || len(ts) != 29 {
		t.Errorf("timestamp %q", m["timestamp"])
	}
	return m
}

func TestFrameworkErrors(t *testing.T) {
	modes(t, func(t *testing.T, secure bool) {
		e := start(t, secure)
		tok := e.login("adam007@example.com", "adam007!123")

		t.Run("unknown route", func(t *testing.T) {
			m := assertSpringError(t, e.do("GET", "/identity/api/v2/nope", tok, nil), 404, "/identity/api/v2/nope")
			if _, leak := m["trace"]; leak {
				t.Error("trace on a 404")
			}
			assertSpringError(t, e.do("POST", "/identity/api/auth/nope", "", "{}"), 404, "/identity/api/auth/nope")
			// trailing slash does not match (Spring 6)
			assertSpringError(t, e.do("GET", "/identity/api/v2/user/dashboard/", tok, nil), 404, "/identity/api/v2/user/dashboard/")
		})
		t.Run("security before routing", func(t *testing.T) {
			a := e.do("GET", "/identity/api/v2/nope", "", nil)
			if a.status != 401 || strings.TrimSpace(string(a.body)) != `{"error":"Unauthorized"}` {
				t.Errorf("%d %s", a.status, a.body)
			}
		})
		t.Run("405 with Allow", func(t *testing.T) {
			a := e.do("POST", "/identity/api/v2/user/dashboard", tok, "{}")
			assertSpringError(t, a, 405, "/identity/api/v2/user/dashboard")
			if a.header.Get("Allow") != "GET" {
				t.Errorf("Allow %q", a.header.Get("Allow"))
			}
			a = e.do("PATCH", "/workshop/api/shop/orders/1", tok, "{}")
			assertSpringError(t, a, 405, "/workshop/api/shop/orders/1")
			if a.header.Get("Allow") != "GET,PUT" {
				t.Errorf("Allow %q", a.header.Get("Allow"))
			}
			a = e.do("GET", "/identity/api/auth/login", "", nil)
			assertSpringError(t, a, 405, "/identity/api/auth/login")
		})
		t.Run("malformed JSON", func(t *testing.T) {
			assertSpringError(t, e.do("POST", "/identity/api/auth/login", "", `{"email": "a@b.c",`), 400, "/identity/api/auth/login")
			assertSpringError(t, e.do("POST", "/identity/api/auth/login", "", `["a"]`), 400, "/identity/api/auth/login")
			assertSpringError(t, e.do("POST", "/identity/api/auth/login", "", ``), 400, "/identity/api/auth/login")
			assertSpringError(t, e.do("POST", "/identity/api/auth/login", "", `{"email": {"a": 1}, "password": "x"}`), 400, "/identity/api/auth/login")
		})
		t.Run("type mismatch", func(t *testing.T) {
			assertSpringError(t, e.do("GET", "/identity/api/v2/vehicle/not-a-uuid/location", tok, nil), 400, "/identity/api/v2/vehicle/not-a-uuid/location")
			assertSpringError(t, e.do("GET", "/workshop/api/shop/orders/abc", tok, nil), 400, "/workshop/api/shop/orders/abc")
			assertSpringError(t, e.do("GET", "/workshop/api/shop/orders/all?limit=x&offset=0", tok, nil), 400, "/workshop/api/shop/orders/all")
			assertSpringError(t, e.do("GET", "/workshop/api/shop/orders/all", tok, nil), 400, "/workshop/api/shop/orders/all")
			assertSpringError(t, e.do("POST", "/workshop/api/shop/orders", tok, `{"product_id": "one", "quantity": 1}`), 400, "/workshop/api/shop/orders")
		})
		t.Run("lenient binding", func(t *testing.T) {
			// unknown members ignored, numbers read into strings,
			// numeric strings into Longs
			a := e.do("POST", "/identity/api/auth/login", "", `{"email":"adam007@example.com","password":"adam007!123","extra":[1]}`)
			if a.status != 200 {
				t.Errorf("unknown member: %d", a.status)
			}
			a = e.do("POST", "/workshop/api/shop/orders", tok, `{"product_id":"1","quantity":1.9}`)
			if a.status != 200 {
				t.Errorf("coercions: %d %s", a.status, a.body)
			}
		})
		t.Run("media type and size", func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.ts.URL+"/identity/api/auth/login", strings.NewReader(`{"email":"a@b.c","password":"x"}`))
			req.Header.Set("Content-Type", "text/plain")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assertSpringError(t, answer{resp.StatusCode, resp.Header, raw}, 415, "/identity/api/auth/login")
			big := `{"email":"` + strings.Repeat("a", maxBody) + `"}`
			assertSpringError(t, e.do("POST", "/identity/api/auth/login", "", big), 413, "/identity/api/auth/login")
		})
		t.Run("500", func(t *testing.T) {
			m := assertSpringError(t, e.do("POST", "/community/api/v2/community/posts", tok, `{"content":"no title"}`), 500, "/community/api/v2/community/posts")
			trace, _ := m["trace"].(string)
			if secure {
				if trace != "" || m["message"] != nil {
					t.Errorf("Secure leaks: %v", m)
				}
			} else if !strings.HasPrefix(trace, "java.lang.NullPointerException") || !strings.Contains(trace, "\tat org.springframework.web.servlet.DispatcherServlet") {
				t.Errorf("trace %q", trace)
			}
		})
		t.Run("401 without token", func(t *testing.T) {
			for _, tk := range []string{"", "garbage", tok[:len(tok)-4] + "AAAA"} {
				a := e.do("GET", "/identity/api/v2/user/dashboard", tk, nil)
				if a.status != 401 || a.json(t)["error"] != "Unauthorized" {
					t.Errorf("token %q: %d %s", tk, a.status, a.body)
				}
			}
		})
		t.Run("headers", func(t *testing.T) {
			a := e.do("GET", "/identity/api/v2/user/dashboard", tok, nil)
			for h, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Content-Type": "application/json"} {
				if a.header.Get(h) != v {
					t.Errorf("%s: %q", h, a.header.Get(h))
				}
			}
			if a.header.Get("Server") != "" || a.header.Get("X-Powered-By") != "" {
				t.Error("version headers")
			}
		})
	})
}

func TestSignupAndLogin(t *testing.T) {
	modes(t, func(t *testing.T, secure bool) {
		e := start(t, secure)
		for _, u := range seeded {
			e.login(u[0], u[1])
		}
		form := map[string]string{"name": "Eve", "email": "eve@example.com", "number": "5550001111", "password": "Eve!12345"}
		a := e.do("POST", "/identity/api/auth/signup", "", form)
		if a.status != 200 || strings.TrimSpace(string(a.body)) != `{"message":"User registered successfully! Please Login.","status":200}` {
			t.Fatalf("signup: %d %s", a.status, a.body)
		}
		a = e.do("POST", "/identity/api/auth/signup", "", form)
		if a.status != 403 {
			t.Errorf("duplicate signup: %d %s", a.status, a.body)
		}
		form["email"] = ""
		assertSpringError(t, e.do("POST", "/identity/api/auth/signup", "", form), 400, "/identity/api/auth/signup")

		a = e.do("POST", "/identity/api/auth/login", "", map[string]string{"email": "eve@example.com", "password": "Eve!12345"})
		m := a.json(t)
		if a.status != 200 || m["type"] != "Bearer" || m["message"] == "" || m["role"] != "ROLE_USER" {
			t.Fatalf("login: %s", a.body)
		}
		tok := m["token"].(string)

		// RS256, sub = email, role, iat, exp; verifies with the JWKS.
		parts := strings.Split(tok, ".")
		hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
		if string(hdr) != `{"alg":"RS256"}` {
			t.Errorf("header %s", hdr)
		}
		var cl map[string]any
		raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
		_ = json.Unmarshal(raw, &cl)
		if cl["sub"] != "eve@example.com" || cl["role"] != "user" || cl["iat"] == nil || cl["exp"].(float64) <= cl["iat"].(float64) {
			t.Errorf("claims %v", cl)
		}
		pub := fetchJWKSKey(t, e)
		d := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig); err != nil {
			t.Errorf("token does not verify with the published key: %v", err)
		}

		dash := e.do("GET", "/identity/api/v2/user/dashboard", tok, nil)
		if dash.status != 200 || !strings.Contains(string(dash.body), `"available_credit":100.0`) {
			t.Errorf("dashboard: %s", dash.body)
		}

		// A failed login: 401 with crAPI's JwtResponse, the same for an
		// unknown user and a wrong password.
		wrong := e.do("POST", "/identity/api/auth/login", "", map[string]string{"email": "eve@example.com", "password": "nope"})
		unknown := e.do("POST", "/identity/api/auth/login", "", map[string]string{"email": "nobody@example.com", "password": "nope"})
		const failed = `{"token":"","type":"Bearer","message":"Invalid Credentials","role":null}`
		for _, a := range []answer{wrong, unknown} {
			if a.status != 401 || strings.TrimSpace(string(a.body)) != failed {
				t.Errorf("failed login: %d %s", a.status, a.body)
			}
		}
	})
}

func fetchJWKSKey(t *testing.T, e *env) *rsa.PublicKey {
	t.Helper()
	a := e.do("GET", "/.well-known/jwks.json", "", nil)
	var set jwkSet
	if err := json.Unmarshal(a.body, &set); err != nil || len(set.Keys) != 1 || set.Keys[0].Kty != "RSA" || set.Keys[0].Alg != "RS256" {
		t.Fatalf("jwks: %s", a.body)
	}
	n, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].N)
	ex, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].E)
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(ex).Int64())}
}

func TestIdentifiers(t *testing.T) {
	e := start(t, false)
	tok := e.login("adam007@example.com", "adam007!123")
	a := e.do("GET", "/identity/api/v2/vehicle/vehicles", tok, nil)
	var vs []map[string]any
	if err := json.Unmarshal(a.body, &vs); err != nil || len(vs) != 1 {
		t.Fatalf("vehicles: %s", a.body)
	}
	if _, ok := parseUUID(vs[0]["uuid"].(string)); !ok {
		t.Errorf("vehicle id %v is not a UUID", vs[0]["uuid"])
	}
	a = e.do("POST", "/workshop/api/shop/orders", tok, map[string]int{"product_id": 1, "quantity": 1})
	if id, _ := a.json(t)["id"].(float64); id != 4 {
		t.Errorf("order id %v, want 4 (ids increase from a fixed start)", a.json(t)["id"])
	}
	// deterministic: a second server issues the same ids and UUIDs
	e2 := start(t, false)
	b := e2.do("GET", "/identity/api/v2/vehicle/vehicles", e2.login("adam007@example.com", "adam007!123"), nil)
	var vs2 []map[string]any
	_ = json.Unmarshal(b.body, &vs2)
	if vs2[0]["uuid"] != vs[0]["uuid"] {
		t.Error("UUIDs differ between two servers")
	}
}

// TestNearMisses: operations that look like the vulnerable ones but are
// correct in both modes.
func TestNearMisses(t *testing.T) {
	modes(t, func(t *testing.T, secure bool) {
		e := start(t, secure)
		adam := e.login("adam007@example.com", "adam007!123")
		pogba := e.login("pogba006@example.com", "pogba006!123")

		t.Run("dashboard is the caller's", func(t *testing.T) {
			if m := e.do("GET", "/identity/api/v2/user/dashboard", pogba, nil).json(t); m["email"] != "pogba006@example.com" {
				t.Errorf("dashboard %v", m)
			}
		})
		t.Run("vehicles are the caller's", func(t *testing.T) {
			a := e.do("GET", "/identity/api/v2/vehicle/vehicles", pogba, nil)
			if strings.Contains(string(a.body), "adam007") || !strings.Contains(string(a.body), "pogba006@example.com") {
				t.Errorf("vehicles %s", a.body)
			}
			own := e.s.users[1].vehicle.uuid
			if a := e.do("GET", "/identity/api/v2/vehicle/"+own+"/location", pogba, nil); a.status != 200 {
				t.Errorf("own location: %d", a.status)
			}
		})
		t.Run("order has an owner check", func(t *testing.T) {
			a := e.do("GET", "/workshop/api/shop/orders/1", pogba, nil) // adam's
			if a.status != 403 || a.json(t)["message"] != msgRestricted {
				t.Errorf("other's order: %d %s", a.status, a.body)
			}
			if a := e.do("GET", "/workshop/api/shop/orders/1", adam, nil); a.status != 200 {
				t.Errorf("own order: %d", a.status)
			}
			if a := e.do("PUT", "/workshop/api/shop/orders/1", pogba, map[string]any{"quantity": 1}); a.status != 403 {
				t.Errorf("other's order update: %d", a.status)
			}
			a = e.do("GET", "/workshop/api/shop/orders/all?limit=30&offset=0", pogba, nil)
			if strings.Contains(string(a.body), "adam007") {
				t.Errorf("orders/all: %s", a.body)
			}
		})
		t.Run("video read has an owner check", func(t *testing.T) {
			if a := e.do("GET", "/identity/api/v2/user/videos/1", pogba, nil); a.status != 404 {
				t.Errorf("other's video: %d", a.status)
			}
			if a := e.do("PUT", "/identity/api/v2/user/videos/1", pogba, map[string]string{"videoName": "x"}); a.status != 404 {
				t.Errorf("other's video update: %d", a.status)
			}
		})
		t.Run("admin delete works for the admin", func(t *testing.T) {
			admin := e.login("admin@example.com", "Admin!123")
			if a := e.do("DELETE", "/identity/api/v2/admin/videos/3", admin, nil); a.status != 200 || a.json(t)["message"] != msgVideoDeleted {
				t.Errorf("admin delete: %d %s", a.status, a.body)
			}
			if a := e.do("DELETE", "/identity/api/v2/admin/videos/3", admin, nil); a.status != 404 {
				t.Errorf("admin delete of a deleted video: %d", a.status)
			}
		})
		t.Run("outbound requests stay on loopback", func(t *testing.T) {
			for _, u := range []string{"http://192.0.2.1/", "http://example.com/", "https://127.0.0.1/", "file:///etc/passwd", "http://10.0.0.1:80/"} {
				if _, err := loopbackGet(context.Background(), u); err != errNotLoopback {
					t.Errorf("%s: %v", u, err)
				}
			}
		})
		t.Run("v3 check-otp is limited", func(t *testing.T) {
			e.do("POST", "/identity/api/auth/forget-password", "", map[string]string{"email": "robot001@example.com"})
			real := e.s.otps[e.s.users[2].id].code
			wrong := fmt.Sprintf("%04d", (atoi(real)+1)%10000)
			var last answer
			for i := 0; i < otpMaxTries; i++ {
				last = e.do("POST", "/identity/api/auth/v3/check-otp", "", map[string]string{"email": "robot001@example.com", "otp": wrong, "password": "Hacked!123"})
			}
			if last.status != 503 || last.json(t)["message"] != msgOtpExceeded {
				t.Errorf("10th wrong try: %d %s", last.status, last.body)
			}
			a := e.do("POST", "/identity/api/auth/v3/check-otp", "", map[string]string{"email": "robot001@example.com", "otp": real, "password": "Hacked!123"})
			if a.status == 200 {
				t.Error("the right OTP works after the limit")
			}
			e.login("robot001@example.com", "robot001!123")
		})
	})
}

func atoi(s string) int {
	n := 0
	fmt.Sscanf(s, "%d", &n)
	return n
}

// exploit tries a flaw against a server and reports whether it worked.
type exploit func(t *testing.T, e *env) bool

var exploits = map[string]exploit{
	"vehicle-location-bola": func(t *testing.T, e *env) bool {
		adam := e.login("adam007@example.com", "adam007!123")
		victim := e.s.users[1].vehicle.uuid // pogba's
		a := e.do("GET", "/community/api/v2/community/posts/recent", adam, nil)
		leaked := strings.Contains(string(a.body), victim)
		if !e.s.secure && !leaked {
			t.Error("recent posts do not show the other users' vehicle ids")
		}
		r := e.do("GET", "/identity/api/v2/vehicle/"+victim+"/location", adam, nil)
		return r.status == 200 && r.json(t)["fullName"] == "Pogba"
	},
	"mechanic-report-bola": func(t *testing.T, e *env) bool {
		adam := e.login("adam007@example.com", "adam007!123")
		a := e.do("GET", "/workshop/api/mechanic/mechanic_report?report_id=2", adam, nil) // pogba's car
		return a.status == 200 && strings.Contains(string(a.body), "pogba006@example.com")
	},
	"mechanic-report-no-auth": func(t *testing.T, e *env) bool {
		a := e.do("GET", "/workshop/api/mechanic/mechanic_report?report_id=1", "", nil)
		return a.status == 200 && strings.Contains(string(a.body), "adam007@example.com")
	},
	"otp-v2-brute-force": func(t *testing.T, e *env) bool {
		e.do("POST", "/identity/api/auth/forget-password", "", map[string]string{"email": "pogba006@example.com"})
		for i := 0; i < 10000; i++ {
			a := e.do("POST", "/identity/api/auth/v2/check-otp", "", map[string]string{
				"email": "pogba006@example.com", "otp": fmt.Sprintf("%04d", i), "password": "Hacked!123"})
			if a.status == 200 {
				break
			}
			if a.status == 503 {
				break // locked out
			}
		}
		a := e.do("POST", "/identity/api/auth/login", "", map[string]string{"email": "pogba006@example.com", "password": "Hacked!123"})
		return a.status == 200
	},
	"forget-password-enumeration": func(t *testing.T, e *env) bool {
		known := e.do("POST", "/identity/api/auth/forget-password", "", map[string]string{"email": "adam007@example.com"})
		unknown := e.do("POST", "/identity/api/auth/forget-password", "", map[string]string{"email": "nobody@example.com"})
		return known.status != unknown.status || !bytes.Equal(known.body, unknown.body)
	},
	"admin-video-delete-bfla": func(t *testing.T, e *env) bool {
		adam := e.login("adam007@example.com", "adam007!123")
		a := e.do("DELETE", "/identity/api/v2/admin/videos/2", adam, nil) // pogba's
		if a.status != 200 {
			return false
		}
		pogba := e.login("pogba006@example.com", "pogba006!123")
		return e.do("GET", "/identity/api/v2/user/videos/2", pogba, nil).status == 404
	},
	"admin-video-delete-lookup-first": func(t *testing.T, e *env) bool {
		adam := e.login("adam007@example.com", "adam007!123")
		a := e.do("DELETE", "/identity/api/v2/admin/videos/99999", adam, nil)
		return a.status == 404
	},
	"order-status-mass-assignment": func(t *testing.T, e *env) bool {
		adam := e.login("adam007@example.com", "adam007!123")
		credit := func() float64 {
			return e.do("GET", "/identity/api/v2/user/dashboard", adam, nil).json(t)["available_credit"].(float64)
		}
		before := credit()
		a := e.do("POST", "/workshop/api/shop/orders", adam, map[string]int{"product_id": 1, "quantity": 1})
		id := int(a.json(t)["id"].(float64))
		e.do("PUT", fmt.Sprintf("/workshop/api/shop/orders/%d", id), adam, map[string]any{"product_id": 1, "quantity": 100, "status": "returned"})
		after := credit()
		if e.s.secure {
			e.do("PUT", fmt.Sprintf("/workshop/api/shop/orders/%d", id), adam, map[string]any{"status": "returned"})
			o := e.do("GET", fmt.Sprintf("/workshop/api/shop/orders/%d", id), adam, nil).json(t)["orders"].(map[string]any)
			if o["status"] != "delivered" || credit() != after {
				t.Errorf("Secure honoured status: %v", o)
			}
		}
		return after > before
	},
	"video-conversion-params-mass-assignment": func(t *testing.T, e *env) bool {
		adam := e.login("adam007@example.com", "adam007!123")
		const evil = "-i /etc/passwd -f null -"
		a := e.do("PUT", "/identity/api/v2/user/videos/1", adam, map[string]string{"videoName": "renamed.mp4", "conversion_params": evil})
		if a.status != 200 || a.json(t)["video_name"] != "renamed.mp4" {
			t.Errorf("rename: %d %s", a.status, a.body)
		}
		return e.do("GET", "/identity/api/v2/user/videos/1", adam, nil).json(t)["conversion_params"] == evil
	},
	"contact-mechanic-ssrf": func(t *testing.T, e *env) bool {
		var hits atomic.Int32
		canary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			fmt.Fprint(w, `{"internal":"canary-7f3a"}`)
		}))
		defer canary.Close()
		adam := e.login("adam007@example.com", "adam007!123")
		a := e.do("POST", "/workshop/api/merchant/contact_mechanic", adam, map[string]any{
			"mechanic_api": canary.URL + "/admin", "mechanic_code": "TRAC_JHN", "number_of_repeats": 1,
			"repeat_request_if_failed": false, "problem_details": "Hi", "vin": e.s.users[0].vehicle.vin})
		if e.s.secure {
			// the allow-listed service works, in-process
			ok := e.do("POST", "/workshop/api/merchant/contact_mechanic", adam, map[string]any{
				"mechanic_api": mechanicAPI, "mechanic_code": "TRAC_JHN", "problem_details": "Hi", "vin": e.s.users[0].vehicle.vin})
			if ok.status != 200 || !strings.Contains(string(ok.body), "report_link") {
				t.Errorf("allow-listed mechanic: %d %s", ok.status, ok.body)
			}
		}
		return hits.Load() > 0 && strings.Contains(string(a.body), "canary-7f3a")
	},
	"coupon-nosql-injection": func(t *testing.T, e *env) bool {
		adam := e.login("adam007@example.com", "adam007!123")
		if a := e.do("POST", "/community/api/v2/coupon/validate-coupon", adam, map[string]any{"coupon_code": "NOPE"}); a.status != 400 {
			t.Errorf("unknown coupon: %d", a.status)
		}
		if a := e.do("POST", "/community/api/v2/coupon/validate-coupon", adam, map[string]any{"coupon_code": "TRAC065"}); a.status != 200 {
			t.Errorf("known coupon: %d", a.status)
		}
		a := e.do("POST", "/community/api/v2/coupon/validate-coupon", adam, `{"coupon_code": {"$ne": 1}}`)
		return a.status == 200 && a.json(t)["coupon_code"] == "TRAC065"
	},
	"apply-coupon-sqli": func(t *testing.T, e *env) bool {
		adam := e.login("adam007@example.com", "adam007!123")
		apply := func(code string) answer {
			return e.do("POST", "/workshop/api/shop/apply_coupon", adam, map[string]any{"coupon_code": code, "amount": 75})
		}
		plain := apply("NOPE")
		if plain.status != 400 || plain.json(t)["message"] != msgCouponNotFound {
			t.Errorf("plain: %d %s", plain.status, plain.body)
		}
		taut := apply("NOPE' OR 1=1 --")
		quote := apply("NOPE'")
		if e.s.secure && (quote.status == 500 || !bytes.Equal(taut.body, plain.body)) {
			t.Errorf("Secure: %d %s / %s", quote.status, quote.body, taut.body)
		}
		leaked := taut.status == 400 && strings.HasPrefix(taut.json(t)["message"].(string), "TRAC065 Coupon code is already claimed")
		syntax := quote.status == 500 && strings.Contains(string(quote.body), "PSQLException: ERROR: unterminated quoted string")
		return leaked && syntax
	},
	"jwt-jku-injection": func(t *testing.T, e *env) bool {
		key := attackerKey()
		set := fmt.Sprintf(`{"keys":[{"kty":"RSA","kid":"evil","e":"%s","n":"%s"}]}`,
			b64(big.NewInt(int64(key.E)).Bytes()), b64(key.N.Bytes()))
		jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, set) }))
		defer jwks.Close()
		tok := forge(`{"alg":"RS256","jku":"`+jwks.URL+`/jwks.json","kid":"evil"}`, "admin@example.com", func(in string) []byte {
			d := sha256.Sum256([]byte(in))
			sig, _ := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
			return sig
		})
		a := e.do("GET", "/identity/api/v2/user/dashboard", tok, nil)
		return a.status == 200 && a.json(t)["role"] == "ROLE_ADMIN"
	},
	"jwt-alg-confusion": func(t *testing.T, e *env) bool {
		// The attacker rebuilds the PEM from the published JWKS.
		der, _ := x509.MarshalPKIXPublicKey(fetchJWKSKey(t, e))
		pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		tok := forge(`{"alg":"HS256","typ":"JWT"}`, "pogba006@example.com", func(in string) []byte {
			m := hmac.New(sha256.New, pemKey)
			m.Write([]byte(in))
			return m.Sum(nil)
		})
		a := e.do("GET", "/identity/api/v2/user/dashboard", tok, nil)
		return a.status == 200 && a.json(t)["email"] == "pogba006@example.com"
	},
	"login-no-rate-limit": func(t *testing.T, e *env) bool {
		for i := 0; i < 30; i++ {
			a := e.do("POST", "/identity/api/auth/login", "", map[string]string{"email": "robot001@example.com", "password": fmt.Sprintf("guess%d", i)})
			if a.status == 429 {
				return false
			}
		}
		a := e.do("POST", "/identity/api/auth/login", "", map[string]string{"email": "robot001@example.com", "password": "robot001!123"})
		return a.status == 200
	},
}

// attackerKey is the key pair the attacker signs jku tokens with.
var attackerKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func forge(header, sub string, sign func(string) []byte) string {
	now := time.Now().Unix()
	cl := fmt.Sprintf(`{"sub":%q,"iat":%d,"exp":%d,"role":"admin"}`, sub, now, now+3600)
	in := b64([]byte(header)) + "." + b64([]byte(cl))
	return in + "." + b64(sign(in))
}

func TestPlantedFlaws(t *testing.T) {
	vuln := New(Options{})
	if len(vuln.Planted()) != len(exploits) {
		t.Errorf("%d flaws, %d exploits", len(vuln.Planted()), len(exploits))
	}
	if len(New(Options{Secure: true}).Planted()) != 0 {
		t.Error("Secure has planted flaws")
	}
	for _, f := range vuln.Planted() {
		t.Run(f.ID, func(t *testing.T) {
			x := exploits[f.ID]
			if x == nil {
				t.Fatalf("no exploit for %s", f.ID)
			}
			if !x(t, start(t, false)) {
				t.Errorf("exploit failed against the vulnerable server (%s)", f.Summary)
			}
			if x(t, start(t, true)) {
				t.Error("exploit works against the Secure server")
			}
		})
	}
}

func TestSecureThrottles(t *testing.T) {
	e := start(t, true)
	var statuses []int
	for i := 0; i < 7; i++ {
		statuses = append(statuses, e.do("POST", "/identity/api/auth/login", "", map[string]string{"email": "robot001@example.com", "password": "x"}).status)
	}
	if statuses[0] != 401 || statuses[6] != 429 {
		t.Errorf("login statuses %v", statuses)
	}
	// the lockout ends with the window
	now := time.Now().Add(throttleWindow + time.Minute)
	e.s.clock = func() time.Time { return now }
	if a := e.do("POST", "/identity/api/auth/login", "", map[string]string{"email": "robot001@example.com", "password": "robot001!123"}); a.status != 200 {
		t.Errorf("after the window: %d", a.status)
	}
	for i := 0; i < resetMaxPerAccount; i++ {
		e.do("POST", "/identity/api/auth/forget-password", "", map[string]string{"email": "nobody@example.com"})
	}
	if a := e.do("POST", "/identity/api/auth/forget-password", "", map[string]string{"email": "nobody@example.com"}); a.status != 429 {
		t.Errorf("reset burst: %d", a.status)
	}
}

func TestTokenChecks(t *testing.T) {
	modes(t, func(t *testing.T, secure bool) {
		e := start(t, secure)
		tok := e.login("adam007@example.com", "adam007!123")
		parts := strings.Split(tok, ".")
		none := b64([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."
		expired := New(Options{Now: func() time.Time { return time.Now().Add(-30 * 24 * time.Hour) }}).issueToken(e.s.users[0])
		nonLoopback := forge(`{"alg":"RS256","jku":"http://192.0.2.1/jwks.json"}`, "admin@example.com", func(string) []byte { return []byte("x") })
		for name, tk := range map[string]string{"none": none, "expired": expired, "stripped": parts[0] + "." + parts[1] + ".", "jku off loopback": nonLoopback} {
			if a := e.do("GET", "/identity/api/v2/user/dashboard", tk, nil); a.status != 401 {
				t.Errorf("%s token: %d", name, a.status)
			}
		}
	})
}

func TestAlsoTrue(t *testing.T) {
	e := start(t, false)
	adam := e.login("adam007@example.com", "adam007!123")
	t0 := time.Now()
	a := e.do("POST", "/workshop/api/shop/apply_coupon", adam, map[string]any{"coupon_code": "x'||pg_sleep(1)||'", "amount": 1})
	if d := time.Since(t0); d < time.Second || a.status != 400 {
		t.Errorf("pg_sleep: %v %d %s", d, a.status, a.body)
	}
	a = e.do("POST", "/community/api/v2/coupon/validate-coupon", adam, `{"coupon_code": {"$foo": 1}}`)
	if a.status != 500 || !strings.Contains(a.json(t)["trace"].(string), "com.mongodb.MongoQueryException") {
		t.Errorf("unknown operator: %d %s", a.status, a.body)
	}
	a = e.do("DELETE", "/identity/api/v2/user/videos/1", adam, nil)
	if a.status != 403 || a.json(t)["message"] != msgAdminFunction {
		t.Errorf("user delete: %d %s", a.status, a.body)
	}
	if a := e.do("DELETE", "/identity/api/v2/user/videos/99999", adam, nil); a.status != 404 {
		t.Errorf("user delete of a missing video: %d", a.status)
	}
	sec := start(t, true)
	tok := sec.login("adam007@example.com", "adam007!123")
	for _, id := range []string{"1", "2", "99999"} {
		if a := sec.do("DELETE", "/identity/api/v2/user/videos/"+id, tok, nil); a.status != 403 {
			t.Errorf("Secure user delete of %s: %d", id, a.status)
		}
	}
}

func TestSQLSim(t *testing.T) {
	table := []sqlRow{
		{"id": int64(1), "user_id": int64(2), "coupon_code": "TRAC065"},
		{"id": int64(2), "user_id": int64(3), "coupon_code": "TRAC098"},
	}
	cases := []struct {
		code string
		uid  int64
		rows int
		err  string
	}{
		{"TRAC065", 2, 1, ""},
		{"TRAC065", 1, 0, ""},
		{"x' OR '1'='1", 1, 2, ""},
		{"x' OR 1=1 --", 1, 2, ""},
		{"x' OR 1=1 /* c */ --", 1, 2, ""},
		{"x' AND 1=2 --", 1, 0, ""},
		{"x' OR coupon_code LIKE 'TRAC%", 1, 2, ""},
		{"x' OR user_id IN (3) --", 1, 1, ""},
		{"x' UNION SELECT version() --", 1, 1, ""},
		{"x' UNION SELECT 'a', 'b' --", 1, 0, "each UNION query must have the same number of columns"},
		{"x' UNION SELECT 1 --", 1, 0, "UNION types character varying and integer cannot be matched"},
		{"x' ORDER BY 1 --", 1, 0, ""},
		{"x' ORDER BY 2 --", 1, 0, "ORDER BY position 2 is not in select list"},
		{"x' AND 1=CAST(version() AS int) --", 1, 0, `invalid input syntax for type integer: "PostgreSQL 14`},
		{"x' AND 1=(SELECT 1) --", 1, 0, ""},
		{"'", 1, 0, "unterminated quoted string at or near \"'''\""},
		{"x' OR 1 --", 1, 0, "argument of OR must be type boolean, not type integer"},
		{"x' OR coupon_code = 1 --", 1, 0, "operator does not exist: character varying = integer"},
		{"x' OR nope = 1 --", 1, 0, `column "nope" does not exist`},
		{"x' UNION SELECT coupon_code FROM users --", 1, 0, `relation "users" does not exist`},
		{"x'; SELECT pg_sleep(0) --", 1, 0, "Multiple ResultSets were returned by the query."},
		{"x' SELECT '", 1, 0, `syntax error at or near "SELECT"`},
		{"x' AND --", 1, 0, "syntax error at end of input"},
		{"x' OR 1/0=1 --", 1, 0, "division by zero"},
		{"a''b", 1, 0, ""},
	}
	for _, c := range cases {
		budget := time.Second
		rows, err := sqlExec(appliedQuery(c.uid, c.code), table, &budget)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.code, err, c.err)
			}
			continue
		}
		if err != nil || len(rows) != c.rows {
			t.Errorf("%q: %d rows, %v; want %d", c.code, len(rows), err, c.rows)
		}
	}
}

func TestMongoSim(t *testing.T) {
	coll := []mongoDoc{{"coupon_code": "TRAC065"}, {"coupon_code": "TRAC098"}}
	num := json.Number("1")
	cases := []struct {
		cond any
		want string
		err  bool
	}{
		{"TRAC098", "TRAC098", false},
		{"nope", "", false},
		{num, "", false},
		{nil, "", false},
		{map[string]any{"$ne": num}, "TRAC065", false},
		{map[string]any{"$gt": ""}, "TRAC065", false},
		{map[string]any{"$regex": "^TRAC09"}, "TRAC098", false},
		{map[string]any{"$regex": "^trac09", "$options": "i"}, "TRAC098", false},
		{map[string]any{"$in": []any{"TRAC098"}}, "TRAC098", false},
		{map[string]any{"$nin": []any{"TRAC065"}}, "TRAC098", false},
		{map[string]any{"$exists": true}, "TRAC065", false},
		{map[string]any{"$not": map[string]any{"$eq": "TRAC065"}}, "TRAC098", false},
		{map[string]any{"a": num}, "", false},
		{map[string]any{"$foo": num}, "", true},
		{map[string]any{"$in": num}, "", true},
	}
	for _, c := range cases {
		d, err := mongoFindOne(coll, "coupon_code", c.cond)
		if (err != nil) != c.err {
			t.Errorf("%v: error %v", c.cond, err)
			continue
		}
		got := ""
		if d != nil {
			got = d["coupon_code"].(string)
		}
		if got != c.want {
			t.Errorf("%v: %q, want %q", c.cond, got, c.want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	e := start(t, false)
	tok := e.login("adam007@example.com", "adam007!123")
	done := make(chan bool)
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; j < 20; j++ {
				req, _ := http.NewRequest("POST", e.ts.URL+"/workshop/api/shop/orders", strings.NewReader(`{"product_id":1,"quantity":1}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tok)
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
				if resp, err := http.Get(e.ts.URL + "/workshop/api/mechanic/mechanic_report?report_id=1"); err == nil {
					resp.Body.Close()
				}
			}
			done <- true
		}()
	}
	for i := 0; i < 8; i++ {
		<-done
	}
}
