package flasklike

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type api struct {
	t    *testing.T
	base string
	srv  *Server
}

func start(t *testing.T, opts Options) *api {
	t.Helper()
	s := New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &api{t: t, base: ts.URL, srv: s}
}

// call sends a request; body is sent as JSON (Content-Type
// application/json) unless it is a string, sent as is; headers are
// name, value pairs.
func (a *api) call(method, path string, body any, headers ...string) (int, http.Header, string) {
	a.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = strings.NewReader(string(data))
		ctype = "application/json"
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(data)
}

type m = map[string]any

// login returns the token, or "" with the answer's body.
func (a *api) login(user, pass string) (string, string) {
	a.t.Helper()
	_, _, body := a.call("POST", "/users/v1/login", m{"username": user, "password": pass})
	var out struct {
		Token string `json:"auth_token"`
	}
	json.Unmarshal([]byte(body), &out)
	return out.Token, body
}

func (a *api) mustLogin(user, pass string) string {
	a.t.Helper()
	tok, body := a.login(user, pass)
	if tok == "" {
		a.t.Fatalf("login %s/%s: %s", user, pass, body)
	}
	return tok
}

func bearer(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

// clock is a settable Options.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func httpServer(t *testing.T, h http.HandlerFunc) string {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}
