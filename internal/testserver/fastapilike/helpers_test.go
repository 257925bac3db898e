package fastapilike

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// testAPI is one server under test and a plain net/http client.
type testAPI struct {
	t   *testing.T
	srv *Server
	ts  *httptest.Server
}

func start(t *testing.T, secure bool) *testAPI {
	t.Helper()
	s := New(Options{Secure: secure})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &testAPI{t: t, srv: s, ts: ts}
}

// both runs f against the vulnerable and the secure build.
func both(t *testing.T, f func(t *testing.T, a *testAPI)) {
	for _, secure := range []bool{false, true} {
		name := "vulnerable"
		if secure {
			name = "secure"
		}
		t.Run(name, func(t *testing.T) { f(t, start(t, secure)) })
	}
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

func (a answer) list(t *testing.T) []any {
	t.Helper()
	var l []any
	if err := json.Unmarshal(a.body, &l); err != nil {
		t.Fatalf("answer %d is not a JSON array: %v: %s", a.status, err, a.body)
	}
	return l
}

func (a answer) detail(t *testing.T) any {
	t.Helper()
	return a.json(t)["detail"]
}

// req sends a request; body may be nil, a string (sent as is) or any
// value (sent as JSON). hdr are header name/value pairs.
func (a *testAPI) req(method, path, token string, body any, hdr ...string) answer {
	a.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = strings.NewReader(string(j))
		ct = "application/json"
	}
	r, err := http.NewRequest(method, a.ts.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(r)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer{res.StatusCode, res.Header, b}
}

func (a *testAPI) form(path string, vals url.Values) answer {
	a.t.Helper()
	return a.req("POST", path, "", vals.Encode(), "Content-Type", "application/x-www-form-urlencoded")
}

func (a *testAPI) tryLogin(username, password string) answer {
	a.t.Helper()
	return a.form("/token", url.Values{"username": {username}, "password": {password}})
}

func (a *testAPI) login(username string) string {
	a.t.Helper()
	return a.loginWith(username, seedPassword(username))
}

func (a *testAPI) loginWith(username, password string) string {
	a.t.Helper()
	res := a.tryLogin(username, password)
	if res.status != 200 {
		a.t.Fatalf("login %s: %d %s", username, res.status, res.body)
	}
	tok, _ := res.json(a.t)["access_token"].(string)
	if tok == "" {
		a.t.Fatalf("login %s: no token in %s", username, res.body)
	}
	return tok
}

func seedPassword(username string) string {
	for _, u := range SeedUsers {
		if u.Username == username {
			return u.Password
		}
	}
	panic("no seed user " + username)
}

func (a *testAPI) expect(res answer, status int) answer {
	a.t.Helper()
	if res.status != status {
		a.t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
	}
	return res
}

func (a *testAPI) userID(name string) int64 {
	a.srv.mu.Lock()
	defer a.srv.mu.Unlock()
	return a.srv.userByName(name).id
}

func (a *testAPI) role(name string) string {
	a.srv.mu.Lock()
	defer a.srv.mu.Unlock()
	return a.srv.userByName(name).role
}
