package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/jwt"
)

func env(m map[string]string) Getenv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestExpand(t *testing.T) {
	e := env(map[string]string{"TOKEN": "t0k", "A_B": "x"})
	tests := []struct {
		in, want string
		err      bool
	}{
		{"Bearer $TOKEN", "Bearer t0k", false},
		{"Bearer ${TOKEN}-${A_B}", "Bearer t0k-x", false},
		{"cost $$5", "cost $5", false},
		{"no vars", "no vars", false},
		{"Bearer $MISSING", "", true},
		{"${A_B}${NOPE}", "", true},
	}
	for _, tt := range tests {
		got, err := Expand(tt.in, e)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("Expand(%q) = %q, %v; want %q, err=%v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseFlag(t *testing.T) {
	e := env(map[string]string{"ALICE": "a1ice-token", "CR": "x\r\nEvil: 1"})
	tests := []struct {
		in         string
		name, h, v string
		err        string
	}{
		{"alice=Authorization: Bearer $ALICE", "alice", "Authorization", "Bearer a1ice-token", ""},
		{"bob=x-api-key:k3y", "bob", "X-Api-Key", "k3y", ""},
		{"carol=Cookie: sid=abc; theme=dark", "carol", "Cookie", "sid=abc; theme=dark", ""},
		{"=Authorization: x", "", "", "", "want NAME="},
		{"alice", "", "", "", "want NAME="},
		{"alice=Authorization", "", "", "", "no header name or value"},
		{"alice=Authorization:   ", "", "", "", "no header name or value"},
		{"alice=Bad Header: v", "", "", "", "not a header name"},
		{"alice=Authorization: $NOPE", "", "", "", "NOPE is not set"},
		{"alice=Authorization: $CR", "", "", "", "line break"},
		{"-=Authorization: x", "", "", "", "reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f, err := ParseFlag(tt.in, e)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "a1ice-token") {
					t.Errorf("error leaks the credential: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Name != tt.name || f.Header.Name != tt.h || f.Header.Value != tt.v {
				t.Errorf("got %+v", f)
			}
		})
	}
}

func TestFromFlagsOrderDefaultAndApply(t *testing.T) {
	set, err := FromFlags([]string{
		"admin=Authorization: Bearer adm",
		"user=Authorization: Bearer usr",
		"admin=Cookie: sid=s1",
	}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Names(); len(got) != 2 || got[0] != "admin" || set.Default() != "admin" {
		t.Fatalf("names %v default %q", got, set.Default())
	}
	req := httptest.NewRequest("GET", "http://127.0.0.1/x", nil)
	req.AddCookie(&http.Cookie{Name: "theme", Value: "dark"})
	if err := set.Apply(context.Background(), "", req); err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("Authorization") != "Bearer adm" {
		t.Errorf("default identity sent %q", req.Header.Get("Authorization"))
	}
	if c, err := req.Cookie("sid"); err != nil || c.Value != "s1" {
		t.Errorf("identity cookie missing: %v", err)
	}
	if _, err := req.Cookie("theme"); err != nil {
		t.Error("the request's own cookie was dropped")
	}
	req2 := httptest.NewRequest("GET", "http://127.0.0.1/x", nil)
	if err := set.Apply(context.Background(), "user", req2); err != nil || req2.Header.Get("Authorization") != "Bearer usr" {
		t.Errorf("user identity: %v %q", err, req2.Header.Get("Authorization"))
	}
	if err := set.Apply(context.Background(), "nobody", req2); !errors.Is(err, ErrUnknownIdentity) {
		t.Errorf("unknown identity: %v", err)
	}
	if err := set.Refresh(context.Background(), "user"); !errors.Is(err, ErrNotRenewable) {
		t.Errorf("static refresh: %v", err)
	}
	secrets := strings.Join(set.Secrets(), "|")
	for _, want := range []string{"Bearer adm", "adm", "s1", "usr"} {
		if !strings.Contains("|"+secrets+"|", "|"+want+"|") {
			t.Errorf("Secrets() = %q lacks %q", secrets, want)
		}
	}
	empty := NewSet()
	if err := empty.Apply(context.Background(), "", req2); err != nil {
		t.Errorf("no identities: default apply should send nothing, got %v", err)
	}
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)} }

// tokenServer is an OAuth2 token endpoint that checks Basic credentials
// and hands out numbered tokens.
func tokenServer(t *testing.T, expiresIn int, status int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.Form.Get("grant_type") != "client_credentials" {
			http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
			return
		}
		if !ok || id != "cid" || secret != "csecret" || status == http.StatusUnauthorized {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client","echo":"csecret"}`)
			return
		}
		i := n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("tok-%d-%s", i, r.Form.Get("scope")), "token_type": "Bearer", "expires_in": expiresIn})
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestOAuth2MintsCachesAndRenews(t *testing.T) {
	srv, minted := tokenServer(t, 300, 200)
	c := newClock()
	src, err := NewOAuth2(OAuth2{TokenURL: srv.URL + "/token", ClientID: "cid", ClientSecret: "csecret", Scopes: []string{"a", "b"}}, srv.Client(), c.now)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	auth := func() string {
		req := httptest.NewRequest("GET", "http://127.0.0.1/", nil)
		if err := src.Apply(ctx, req); err != nil {
			t.Fatal(err)
		}
		return req.Header.Get("Authorization")
	}
	if got := auth(); got != "Bearer tok-1-a b" {
		t.Fatalf("first token %q", got)
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); auth() }()
	}
	wg.Wait()
	if minted.Load() != 1 {
		t.Errorf("minted %d tokens for one live token", minted.Load())
	}
	c.add(280 * time.Second) // inside the 30 s skew before expiry
	if got := auth(); got != "Bearer tok-2-a b" {
		t.Errorf("token near expiry not renewed: %q", got)
	}
	if err := src.Refresh(ctx); err != nil || minted.Load() != 2 {
		t.Errorf("refresh right after a mint should be skipped: err=%v minted=%d", err, minted.Load())
	}
	c.add(5 * time.Second)
	if err := src.Refresh(ctx); err != nil || auth() != "Bearer tok-3-a b" {
		t.Errorf("refresh on 401 did not renew: %v", err)
	}
	if s := src.Secrets(); len(s) != 3 {
		t.Errorf("Secrets() = %d tokens, want 3", len(s))
	}
}

func TestOAuth2Errors(t *testing.T) {
	srv, _ := tokenServer(t, 300, http.StatusUnauthorized)
	src, err := NewOAuth2(OAuth2{TokenURL: srv.URL, ClientID: "cid", ClientSecret: "csecret"}, srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = src.Apply(context.Background(), httptest.NewRequest("GET", "http://127.0.0.1/", nil))
	if err == nil || !strings.Contains(err.Error(), "401 (invalid_client)") || strings.Contains(err.Error(), "csecret") {
		t.Errorf("err = %v", err)
	}
	for _, bad := range []OAuth2{{TokenURL: "ftp://x", ClientID: "a", ClientSecret: "b"}, {TokenURL: srv.URL, ClientID: "a"}} {
		if _, err := NewOAuth2(bad, srv.Client(), nil); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}

func TestOAuth2Flags(t *testing.T) {
	f := OAuth2Flags{TokenURL: "https://idp.example/token"}
	if _, err := f.Grant(env(map[string]string{DefaultClientIDEnv: "id"})); err == nil || !strings.Contains(err.Error(), DefaultClientSecretEnv) {
		t.Errorf("missing secret: %v", err)
	}
	g, err := f.Grant(env(map[string]string{DefaultClientIDEnv: "id", DefaultClientSecretEnv: "sec"}))
	if err != nil || g.ClientID != "id" || g.ClientSecret != "sec" {
		t.Errorf("Grant = %+v, %v", g, err)
	}
}

// loginServer accepts bob/hunter2 and answers with a token that the
// protected endpoint accepts until the server revokes it.
type loginServer struct {
	*httptest.Server
	logins atomic.Int32
	mu     sync.Mutex
	valid  map[string]bool
}

func newLoginServer(t *testing.T, answer func(n int32, w http.ResponseWriter)) *loginServer {
	ls := &loginServer{valid: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/login", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Username, Password string }
		if json.NewDecoder(r.Body).Decode(&in) != nil || in.Username != "bob" || in.Password != "hunter2" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		answer(ls.logins.Add(1), w)
	})
	ls.Server = httptest.NewServer(mux)
	t.Cleanup(ls.Close)
	return ls
}

func TestLoginBearerReloginAndJWTExpiry(t *testing.T) {
	c := newClock()
	ls := newLoginServer(t, func(n int32, w http.ResponseWriter) {
		tok, _ := jwt.Sign(map[string]any{"alg": "HS256"}, map[string]any{"sub": "bob", "n": n, "exp": c.now().Add(2 * time.Minute).Unix()}, []byte("k"))
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"token": tok}})
	})
	base, _ := url.Parse(ls.URL + "/api")
	d := Declared{Name: "bob", Login: &Login{Path: "/auth/login", Body: `{"username":"bob","password":"${BOB_PW}"}`, Token: "/data/token"}}
	src, err := d.Build(base, ls.Client(), env(map[string]string{"BOB_PW": "hunter2"}), c.now)
	if err != nil {
		t.Fatal(err)
	}
	claimN := func() any {
		req := httptest.NewRequest("GET", "http://127.0.0.1/", nil)
		if err := src.Apply(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		tok, err := jwt.Parse(strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer "))
		if err != nil {
			t.Fatalf("sent %q: %v", req.Header.Get("Authorization"), err)
		}
		return fmt.Sprint(tok.Claims["n"])
	}
	if n := claimN(); n != "1" {
		t.Fatalf("first login token n=%v", n)
	}
	c.add(time.Minute)
	if n := claimN(); n != "1" {
		t.Errorf("token still valid for 60 s was renewed (n=%v)", n)
	}
	c.add(40 * time.Second) // 20 s left: inside the skew
	if n := claimN(); n != "2" {
		t.Errorf("token about to expire was not renewed (n=%v)", n)
	}
	c.add(10 * time.Second)
	if err := src.Refresh(context.Background()); err != nil || claimN() != "3" {
		t.Errorf("re-login on 401: %v", err)
	}
	if ls.logins.Load() != 3 {
		t.Errorf("%d logins, want 3", ls.logins.Load())
	}
}

func TestLoginCookieAndFailures(t *testing.T) {
	ls := newLoginServer(t, func(n int32, w http.ResponseWriter) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: fmt.Sprintf("s%d", n), MaxAge: 600})
	})
	base, _ := url.Parse(ls.URL + "/api/")
	good := Login{Path: "auth/login", Body: `{"username":"bob","password":"hunter2"}`, Cookie: "sid"}
	src, err := NewLogin(good, base, ls.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "http://127.0.0.1/", nil)
	if err := src.Apply(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if c, err := req.Cookie("sid"); err != nil || c.Value != "s1" {
		t.Errorf("cookie login: %v", err)
	}

	tests := []struct {
		name string
		l    Login
		want string
	}{
		{"wrong password", Login{Path: "/auth/login", Body: `{"username":"bob","password":"x"}`, Token: "/token"}, "answered 401"},
		{"no such cookie", Login{Path: "/auth/login", Body: `{"username":"bob","password":"hunter2"}`, Cookie: "other"}, `no cookie "other"`},
		{"no token at pointer", Login{Path: "/auth/login", Body: `{"username":"bob","password":"hunter2"}`, Token: "/token"}, "no string at /token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := NewLogin(tt.l, base, ls.Client(), nil)
			if err != nil {
				t.Fatal(err)
			}
			err = src.Apply(context.Background(), httptest.NewRequest("GET", "http://127.0.0.1/", nil))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
	for _, bad := range []Login{{Token: "/t"}, {Path: "/x"}, {Path: "/x", Token: "t"}, {Path: "/x", Token: "/t", Cookie: "c"}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("Validate accepted %+v", bad)
		}
	}
}

func TestDeclaredBuild(t *testing.T) {
	alice := Declared{Name: "alice", Headers: map[string]string{"authorization": "Bearer ${ALICE}"}}
	st, err := alice.Build(nil, nil, env(map[string]string{"ALICE": "al"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if h := st.(*Static).Headers; len(h) != 1 || h[0].Name != "Authorization" || h[0].Value != "Bearer al" {
		t.Errorf("headers %+v", h)
	}
	svc := Declared{Name: "svc", OAuth2: &OAuth2{TokenURL: "https://idp/token", ClientID: "id", ClientSecret: "${S}", Scopes: []string{"a"}}}
	if _, err := svc.Build(nil, http.DefaultClient, env(nil), nil); err == nil || !strings.Contains(err.Error(), "S is not set") {
		t.Errorf("unset secret: %v", err)
	}
}

func TestDeclaredValidate(t *testing.T) {
	login := &Login{Path: "/auth/login", Body: "{}", Token: "/access_token"}
	for _, d := range []Declared{
		{Name: "alice", Headers: map[string]string{"Authorization": "Bearer ${ALICE}"}},
		{Name: "bob", Login: login},
		{Name: "svc", OAuth2: &OAuth2{TokenURL: "${IDP}/token", ClientID: "id", ClientSecret: "${S}"}},
	} {
		if err := d.Validate(); err != nil {
			t.Errorf("Validate(%s) = %v", d.Name, err)
		}
	}
	for _, b := range []struct {
		d    Declared
		want string
	}{
		{Declared{Name: "a"}, "identity a: set exactly one of headers, login and oauth2"},
		{Declared{Name: "a", Headers: map[string]string{"x": "y"}, Login: login}, "set exactly one"},
		{Declared{Name: "a b", Headers: map[string]string{"x": "y"}}, "only letters"},
		{Declared{Name: "", Headers: map[string]string{"x": "y"}}, "reserved"},
		{Declared{Name: "a", Headers: map[string]string{"x y": "v"}}, "not a header name"},
		{Declared{Name: "a", Login: &Login{Path: "/l"}}, "identity a: login: set exactly one of token"},
		{Declared{Name: "a", OAuth2: &OAuth2{TokenURL: "https://idp/token", ClientID: "id"}}, "client_secret are required"},
	} {
		if err := b.d.Validate(); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Validate(%+v) = %v, want %q", b.d, err, b.want)
		}
	}
}

func TestBuildOrderAndConflicts(t *testing.T) {
	srv, _ := tokenServer(t, 300, 200)
	e := env(map[string]string{DefaultClientIDEnv: "cid", DefaultClientSecretEnv: "csecret", "PW": "pw"})
	declared := []Declared{{Name: "carol", Login: &Login{Path: "/login", Body: `{"email": "carol@example.com", "password": "${PW}"}`, Token: "/t"}}}
	base, _ := url.Parse(srv.URL)
	set, err := Build(Options{
		Flags:    []string{"alice=Authorization: Bearer a"},
		OAuth2:   &OAuth2Flags{TokenURL: srv.URL + "/token"},
		Declared: declared, Target: base, Client: srv.Client(), Env: e,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(set.Names(), ","); got != "alice,oauth2,carol" {
		t.Errorf("names %s", got)
	}
	req := httptest.NewRequest("GET", "http://127.0.0.1/", nil)
	if err := set.Apply(context.Background(), OAuth2IdentityName, req); err != nil || req.Header.Get("Authorization") != "Bearer tok-1-" {
		t.Errorf("oauth2 identity: %v %q", err, req.Header.Get("Authorization"))
	}
	if u := declared[0].LoginUser(e); u != "carol@example.com" {
		t.Errorf("LoginUser = %q", u)
	}
	dup := append(declared, Declared{Name: "alice", Headers: map[string]string{"X-Key": "k"}})
	if _, err := Build(Options{Flags: []string{"alice=Authorization: Bearer a"}, Declared: dup, Target: base, Client: srv.Client(), Env: e}); err == nil || !strings.Contains(err.Error(), "declared twice") {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := Build(Options{OAuth2: &OAuth2Flags{TokenURL: srv.URL}, Env: env(nil)}); err == nil || !strings.Contains(err.Error(), DefaultClientIDEnv) {
		t.Errorf("missing client id: %v", err)
	}
}
