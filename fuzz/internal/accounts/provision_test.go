package accounts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/generate"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/internal/testserver/fastapilike"
	"github.com/specterhq/specter/internal/testserver/flasklike"
	"github.com/specterhq/specter/internal/testserver/springlike"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// testServer is one of the test servers with the operation that shows
// the caller's own account.
type testServer struct {
	name, file string
	spec       []byte
	handler    func(secure bool, now func() time.Time) http.Handler
	view       string
}

var testServers = []testServer{
	{"flasklike", "openapi3.yml", flasklike.Spec(), func(secure bool, now func() time.Time) http.Handler {
		return flasklike.New(flasklike.Options{Secure: secure, Now: now})
	}, "GET /me"},
	{"fastapilike", "openapi.json", fastapilike.Spec(), func(secure bool, now func() time.Time) http.Handler {
		return fastapilike.New(fastapilike.Options{Secure: secure, Now: now})
	}, "GET /profile"},
	{"springlike", "openapi.json", springlike.Spec(), func(secure bool, now func() time.Time) http.Handler {
		return springlike.New(springlike.Options{Secure: secure, Now: now})
	}, "GET /identity/api/v2/user/dashboard"},
}

var runAccounts = []string{"specter-a", "specter-b", "specter-v"}

func TestProvisionTestServers(t *testing.T) {
	for _, ts := range testServers {
		for _, secure := range []bool{false, true} {
			name := ts.name
			if secure {
				name += "/secure"
			}
			t.Run(name, func(t *testing.T) {
				r := newRig(t, ts.handler(secure, nil))
				targets := targetsOf(t, ts.file, ts.spec)
				p := r.provisioner(targets)
				view := target(t, targets, ts.view)
				if x := r.send(view, plan.NoCredentials); x.Status != 401 && x.Status != 403 {
					t.Fatalf("%s without credentials answered %d: the check below proves nothing", ts.view, x.Status)
				}
				seen := map[string]string{}
				for i, id := range runAccounts {
					before := len(r.sent())
					acc, step, err := p.Provision(context.Background(), id, i, nil)
					if err != nil {
						t.Fatalf("Provision(%s): %v", id, err)
					}
					if step == nil || acc.SignUp != step || acc.Login == nil || acc.Source == nil || acc.Identity != id {
						t.Fatalf("Provision(%s): account %+v, step %v", id, acc, step)
					}
					checkAccount(t, p.Flow, acc)
					for _, v := range []string{acc.Username, acc.Email, acc.Phone, acc.Password} {
						if v == "" {
							continue
						}
						if other, dup := seen[v]; dup {
							t.Errorf("%s and %s share %q", other, id, v)
						}
						seen[v] = id
					}
					// What Provision sent: the sign-up and the login, as
					// nobody, in the accounts phase.
					sent := r.sent()[before:]
					if len(sent) < 2 {
						t.Fatalf("Provision(%s) sent %d requests", id, len(sent))
					}
					for _, x := range sent {
						c := x.Case
						if c.Phase != plan.PhaseAccounts || c.Identity != plan.NoCredentials || c.Seq >= 0 {
							t.Errorf("%s sent as %q in phase %v, seq %d", c.Target.Key(), c.Identity, c.Phase, c.Seq)
						}
						if x.Request.Header.Get("Authorization") != "" {
							t.Errorf("%s sent credentials: %q", c.Target.Key(), x.Request.Header.Get("Authorization"))
						}
					}
					if sent[0].Case.Target != p.Flow.SignUp || sent[1].Case.Target != p.Flow.Login {
						t.Errorf("sent %s then %s", sent[0].Case.Target.Key(), sent[1].Case.Target.Key())
					}
					checkLoginRequest(t, p.Flow, acc, sent[1])

					// Logged in: the account's own view answers as it.
					if err := r.ids.Add(id, acc.Source); err != nil {
						t.Fatal(err)
					}
					x := r.send(view, id)
					if x.Status < 200 || x.Status > 299 {
						t.Fatalf("%s as %s answered %d: %s", ts.view, id, x.Status, x.Body)
					}
					who := acc.Username
					if who == "" {
						who = acc.Email
					}
					if !strings.Contains(string(x.Body), `"`+who+`"`) {
						t.Errorf("%s as %s shows someone else: %s", ts.view, id, x.Body)
					}
					if a := x.Request.Header.Get("Authorization"); !strings.HasPrefix(a, "Bearer eyJ") {
						t.Errorf("%s as %s sent Authorization %q", ts.view, id, a)
					}
				}
			})
		}
	}
}

// checkAccount checks what an account signed up with against the flow's
// fields and what it keeps.
func checkAccount(t *testing.T, f *Flow, acc *Account) {
	t.Helper()
	want := map[string]string{}
	if f.signUp.user != "" {
		want[f.signUp.user] = acc.Username
	}
	if f.signUp.email != "" {
		want[f.signUp.email] = acc.Email
		if !strings.Contains(acc.Email, "@") {
			t.Errorf("%s: e-mail %q", acc.Identity, acc.Email)
		}
	}
	if f.signUp.phone != "" {
		want[f.signUp.phone] = acc.Phone
	}
	want[f.signUp.password] = acc.Password
	for field, v := range want {
		if v == "" || acc.Fields[field] != v {
			t.Errorf("%s: sign-up field %s = %v, the account keeps %q", acc.Identity, field, acc.Fields[field], v)
		}
	}
	if f.signUp.user == "" && acc.Username != "" || f.signUp.email == "" && acc.Email != "" || f.signUp.phone == "" && acc.Phone != "" {
		t.Errorf("%s keeps a value the sign-up did not take: %+v", acc.Identity, acc)
	}
	if !stringFits(f.signUp.props[f.signUp.password], acc.Password) {
		t.Errorf("%s: password %q does not fit the schema", acc.Identity, acc.Password)
	}
	if len(acc.SignUp.Yields) != 1 || acc.SignUp.Yields[0].Value != acc.Password || !acc.SignUp.Yields[0].Secret {
		t.Errorf("%s: sign-up yields %+v", acc.Identity, acc.SignUp.Yields)
	}
	if len(acc.Login.Yields) != 1 || acc.Login.Yields[0].Name != "token" || !acc.Login.Yields[0].Secret || acc.Login.Yields[0].Value == "" {
		t.Errorf("%s: login yields %+v", acc.Identity, acc.Login.Yields)
	}
	if len(acc.Login.After) != 1 || acc.Login.After[0] != acc.SignUp {
		t.Errorf("%s: the login step does not follow the sign-up", acc.Identity)
	}
	ids := acc.IDs()
	for k, v := range map[string]string{"username": acc.Username, "email": acc.Email, "phone": acc.Phone} {
		if v != "" && ids[k] != v {
			t.Errorf("%s: IDs()[%s] = %q, want %q", acc.Identity, k, ids[k], v)
		}
	}
	// Every test server issues JWTs whose subject is the account.
	if sub := ids["sub"]; sub == "" || (sub != acc.Username && sub != acc.Email && sub != ids["id"]) {
		t.Errorf("%s: IDs() = %v, claims %v", acc.Identity, ids, acc.Claims)
	}
}

// checkLoginRequest checks the login request an account sent: JSON or
// an OAuth2 password grant form, with its user name or e-mail.
func checkLoginRequest(t *testing.T, f *Flow, acc *Account, x *execute.Exchange) {
	t.Helper()
	fields := map[string]string{}
	ct := x.Request.Header.Get("Content-Type")
	if f.loginForm {
		if !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			t.Errorf("form login sent as %q", ct)
		}
		vals, err := url.ParseQuery(string(x.RequestBody))
		if err != nil {
			t.Fatalf("form login body %q: %v", x.RequestBody, err)
		}
		for k := range vals {
			fields[k] = vals.Get(k)
		}
		if f.oauth2 && fields["grant_type"] != "password" {
			t.Errorf("OAuth2 password grant without grant_type=password: %q", x.RequestBody)
		}
	} else {
		if !strings.HasPrefix(ct, "application/json") {
			t.Errorf("JSON login sent as %q", ct)
		}
		var obj map[string]any
		if err := json.Unmarshal(x.RequestBody, &obj); err != nil {
			t.Fatalf("JSON login body %q: %v", x.RequestBody, err)
		}
		for k, v := range obj {
			s, _ := v.(string)
			fields[k] = s
		}
	}
	if fields[f.login.password] != acc.Password {
		t.Errorf("login sent password %q, the account has %q", fields[f.login.password], acc.Password)
	}
	switch {
	case f.login.user != "" && fields[f.login.user] != acc.Username:
		t.Errorf("login sent %s=%q, want %q", f.login.user, fields[f.login.user], acc.Username)
	case f.login.user == "" && fields[f.login.email] != acc.Email:
		t.Errorf("login sent %s=%q, want %q", f.login.email, fields[f.login.email], acc.Email)
	}
}

func TestProvisionRefusedSignUp(t *testing.T) {
	for _, ts := range testServers {
		t.Run(ts.name, func(t *testing.T) {
			r := newRig(t, ts.handler(false, nil))
			p := r.provisioner(targetsOf(t, ts.file, ts.spec))
			if _, _, err := p.Provision(context.Background(), "specter-a", 0, nil); err != nil {
				t.Fatal(err)
			}
			// The same index signs up the same user again: the target
			// refuses, with 200 (VAmPI's "User already exists") or 403.
			acc, step, err := p.Provision(context.Background(), "specter-a2", 0, nil)
			if err == nil || acc != nil {
				t.Fatalf("a second sign-up of the same user: account %+v, error %v", acc, err)
			}
			if step == nil || !strings.Contains(err.Error(), "sign-up "+p.Flow.SignUp.Key()+" answered") || !strings.Contains(strings.ToLower(err.Error()), "already") {
				t.Errorf("error %q, step %v", err, step)
			}
			last := r.sent()[len(r.sent())-1]
			if last.Case.Target != p.Flow.SignUp {
				t.Errorf("a refused sign-up was followed by %s", last.Case.Target.Key())
			}
		})
	}
}

// clock is a settable clock shared by a test server and the provisioner.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// The target forgets its users (flasklike's GET /createdb drops the
// tables): the account is signed up again, unchanged, when its token is
// renewed.
func TestProvisionSignsUpAgainAfterReset(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "vulnerable", true: "secure"}[secure], func(t *testing.T) {
			clk := &clock{t: time.Now()}
			r := newRig(t, flasklike.New(flasklike.Options{Secure: secure, Now: clk.Now, TokenTTL: time.Minute}))
			targets := targetsOf(t, "openapi3.yml", flasklike.Spec())
			p := r.provisioner(targets)
			p.Now = clk.Now
			acc, _, err := p.Provision(context.Background(), "specter-a", 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.ids.Add("specter-a", acc.Source); err != nil {
				t.Fatal(err)
			}
			me := target(t, targets, "GET /me")
			if x := r.send(me, "specter-a"); x.Status != 200 {
				t.Fatalf("GET /me answered %d: %s", x.Status, x.Body)
			}
			firstSignUp := r.sent()[0]
			if x := r.send(target(t, targets, "GET /createdb"), plan.NoCredentials); x.Status != 200 {
				t.Fatalf("GET /createdb answered %d", x.Status)
			}
			if x := r.send(me, "specter-a"); x.Status == 200 {
				t.Fatalf("GET /me still answers 200 after the reset: %s", x.Body)
			}
			before := len(r.sent())
			clk.Advance(2 * time.Minute) // the token expired: it is renewed
			x := r.send(me, "specter-a")
			if x.Status != 200 || !strings.Contains(string(x.Body), acc.Username) {
				t.Fatalf("GET /me after the renewal answered %d: %s", x.Status, x.Body)
			}
			var signUps, logins []*execute.Exchange
			for _, x := range r.sent()[before:] {
				switch x.Case.Target {
				case p.Flow.SignUp:
					signUps = append(signUps, x)
				case p.Flow.Login:
					logins = append(logins, x)
				}
			}
			if len(signUps) != 1 || len(logins) != 2 {
				t.Fatalf("the renewal sent %d sign-ups and %d logins, want 1 and 2 (a login that failed, the sign-up, a login)", len(signUps), len(logins))
			}
			again := signUps[0]
			if string(again.RequestBody) != string(firstSignUp.RequestBody) {
				t.Errorf("signed up again with %s, first with %s", again.RequestBody, firstSignUp.RequestBody)
			}
			if !strings.Contains(again.Case.Mutation, "again") || again.Case.Identity != plan.NoCredentials {
				t.Errorf("the second sign-up: %q as %q", again.Case.Mutation, again.Case.Identity)
			}
			if logins[0].Status != 200 || strings.Contains(string(logins[0].Body), "auth_token") {
				t.Errorf("the first login after the reset: %d %s", logins[0].Status, logins[0].Body)
			}
		})
	}
}

// miniServer is a small API with a sign-up, a login and a view of the
// caller: its login hands out a session cookie (sid) or an API key sent
// in X-API-Key.
type miniServer struct {
	cookie bool
	// failCookie: a failed login answers 200 with an anonymous session
	// cookie, as express-session with saveUninitialized does; every
	// login fails.
	failCookie bool
	// keyOn401: every login fails with 401 and still carries a key, as
	// a handler that builds its answer before it checks the password.
	keyOn401 bool

	mu       sync.Mutex
	users    map[string]string // e-mail -> password
	sessions map[string]string // session or key -> e-mail
}

func newMiniServer(cookie, failCookie bool) *miniServer {
	return &miniServer{cookie: cookie, failCookie: failCookie, users: map[string]string{}, sessions: map[string]string{}}
}

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *miniServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	reply := func(status int, v any) {
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	var body struct{ Email, Password string }
	if r.Method == http.MethodPost {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Email == "" || body.Password == "" {
			reply(400, map[string]string{"error": "email and password are required"})
			return
		}
	}
	switch r.Method + " " + r.URL.Path {
	case "POST /api/register":
		if _, dup := s.users[body.Email]; dup {
			reply(409, map[string]string{"error": "Email already registered"})
			return
		}
		s.users[body.Email] = body.Password
		reply(201, map[string]string{"email": body.Email})
	case "POST /api/login":
		if s.keyOn401 {
			reply(401, map[string]string{"error": "Wrong e-mail or password", "api_key": randomHex()})
			return
		}
		if pw, ok := s.users[body.Email]; !ok || pw != body.Password || s.failCookie {
			if s.failCookie {
				http.SetCookie(w, &http.Cookie{Name: "sid", Value: randomHex(), Path: "/", HttpOnly: true})
				reply(200, map[string]any{"success": false, "message": "Wrong e-mail or password"})
				return
			}
			reply(401, map[string]string{"error": "Wrong e-mail or password"})
			return
		}
		tok := randomHex()
		s.sessions[tok] = body.Email
		if s.cookie {
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: tok, Path: "/", HttpOnly: true})
			reply(200, map[string]string{"message": "Welcome back"})
			return
		}
		reply(200, map[string]string{"api_key": tok})
	case "GET /api/me":
		tok := r.Header.Get("X-API-Key")
		if s.cookie {
			tok = ""
			if c, err := r.Cookie("sid"); err == nil {
				tok = c.Value
			}
		}
		email, ok := s.sessions[tok]
		if !ok {
			reply(401, map[string]string{"error": "not logged in"})
			return
		}
		reply(200, map[string]string{"email": email, "role": "user"})
	default:
		reply(404, map[string]string{"error": "not found"})
	}
}

// targetsFromFile loads a fixture of testdata.
func targetsFromFile(t *testing.T, path string) []*plan.Target {
	t.Helper()
	return generate.Targets(ingesttest.Load(t, path), nil)
}

func TestProvisionSessionsAndKeys(t *testing.T) {
	tests := []struct {
		name, spec string
		cookie     bool
		// sent checks how the view request carried the credential.
		sent func(*http.Request) string
	}{
		{"session cookie", "testdata/cookie-session.yaml", true, func(req *http.Request) string {
			c, err := req.Cookie("sid")
			if err != nil || c.Value == "" {
				return "no sid cookie"
			}
			if a := req.Header.Get("Authorization"); a != "" {
				return "an Authorization header too: " + a
			}
			return ""
		}},
		{"API key header", "testdata/apikey-header.yaml", false, func(req *http.Request) string {
			k := req.Header.Get("X-API-Key")
			if len(k) != 32 || strings.Contains(k, " ") {
				return "X-API-Key " + k
			}
			if a := req.Header.Get("Authorization"); a != "" {
				return "an Authorization header too: " + a
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, newMiniServer(tt.cookie, false))
			targets := targetsFromFile(t, tt.spec)
			p := r.provisioner(targets)
			if p.Flow.SignUp.Key() != "POST /api/register" || p.Flow.Login.Key() != "POST /api/login" {
				t.Fatalf("flow %s, %s", p.Flow.SignUp.Key(), p.Flow.Login.Key())
			}
			acc, _, err := p.Provision(context.Background(), "specter-a", 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(acc.Email, "@") || len(acc.Password) < 8 {
				t.Errorf("account %q / %q", acc.Email, acc.Password)
			}
			if err := r.ids.Add("specter-a", acc.Source); err != nil {
				t.Fatal(err)
			}
			x := r.send(target(t, targets, "GET /api/me"), "specter-a")
			if why := tt.sent(x.Request); why != "" {
				t.Errorf("GET /api/me as specter-a: %s", why)
			}
			if x.Status != 200 || !strings.Contains(string(x.Body), acc.Email) {
				t.Errorf("GET /api/me as specter-a answered %d: %s", x.Status, x.Body)
			}
		})
	}
}

// A login that fails with 200 and an anonymous session cookie hands out
// nothing: the account is not made.
func TestProvisionFailedLoginWithSessionCookie(t *testing.T) {
	r := newRig(t, newMiniServer(true, true))
	p := r.provisioner(targetsFromFile(t, "testdata/cookie-session.yaml"))
	acc, step, err := p.Provision(context.Background(), "specter-a", 0, nil)
	if !errors.Is(err, ErrNoCredential) || acc != nil {
		t.Fatalf("Provision: account %+v, error %v; want ErrNoCredential", acc, err)
	}
	if step == nil {
		t.Error("no sign-up step")
	}
	if !strings.Contains(err.Error(), "Wrong e-mail or password") {
		t.Errorf("the error does not say why: %v", err)
	}
}

// A 401 that carries a key is a refused login all the same.
func TestProvisionRefusedLoginWithKey(t *testing.T) {
	srv := newMiniServer(false, false)
	srv.keyOn401 = true
	r := newRig(t, srv)
	p := r.provisioner(targetsFromFile(t, "testdata/apikey-header.yaml"))
	acc, _, err := p.Provision(context.Background(), "specter-a", 0, nil)
	if !errors.Is(err, ErrNoCredential) || acc != nil {
		t.Fatalf("Provision: account %+v, error %v; want ErrNoCredential", acc, err)
	}
	if !strings.Contains(err.Error(), "401") {
		t.Errorf("the error does not give the status: %v", err)
	}
}

func TestProvisionNamesFollowTheSeed(t *testing.T) {
	targets := targetsOf(t, "openapi3.yml", flasklike.Spec())
	names := func(seed int64) []string {
		r := newRig(t, flasklike.New(flasklike.Options{}))
		p := r.provisioner(targets)
		p.Seed = seed
		var out []string
		for i, id := range runAccounts {
			acc, _, err := p.Provision(context.Background(), id, i, nil)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, acc.Username+" "+acc.Email+" "+acc.Password)
		}
		return out
	}
	a, b, c := names(1), names(1), names(2)
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("account %d: %q, then %q with the same seed", i, a[i], b[i])
		}
		if a[i] == c[i] || strings.Fields(a[i])[0] == strings.Fields(c[i])[0] {
			t.Errorf("account %d: %q with seed 1 and %q with seed 2", i, a[i], c[i])
		}
	}
}

// notSent is a Sender whose every request the safety policy refuses, as
// the engine answers them: an exchange without an answer.
type notSent struct{}

func (notSent) Send(_ context.Context, c *plan.Case) (*execute.Exchange, error) {
	return &execute.Exchange{Case: c, Err: errors.New("not sent by the safety policy: a test")}, nil
}

// A sign-up the engine did not send is an error of that account, not a
// crash; the sign-up case says it is the run's own.
func TestProvisionSignUpNotSent(t *testing.T) {
	ts := testServers[0]
	r := newRig(t, ts.handler(false, nil))
	p := r.provisioner(targetsOf(t, ts.file, ts.spec))
	var marked bool
	p.Send = senderFunc(func(ctx context.Context, c *plan.Case) (*execute.Exchange, error) {
		marked = c.OwnSignUp
		return notSent{}.Send(ctx, c)
	})
	acc, step, err := p.Provision(context.Background(), "specter-a", 0, nil)
	if err == nil || acc != nil || step != nil || !strings.Contains(err.Error(), "not sent by the safety policy") {
		t.Fatalf("account %v, step %v, error %v", acc, step, err)
	}
	if !marked {
		t.Error("the sign-up case is not marked as the run's own")
	}
}

type senderFunc func(ctx context.Context, c *plan.Case) (*execute.Exchange, error)

func (f senderFunc) Send(ctx context.Context, c *plan.Case) (*execute.Exchange, error) {
	return f(ctx, c)
}
