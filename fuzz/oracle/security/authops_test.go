package security

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func TestIsCodeName(t *testing.T) {
	for name, want := range map[string]bool{
		"otp": true, "code": true, "pin": true, "totp": true, "verificationCode": true, "verification_code": true,
		"reset_password_code": true, "smsCode": true, "mfa_code": true, "activation_code": true, "loginCode": true,
		"emailOtp": true, "confirmation-code": true, "one_time_password": true, "securityCode": true,
		"2fa_code": true, "tfaCode": true, "twoFactorCode": true, // a second factor, however spelled
		"country_code": false, "postalCode": false, "zipcode": false, "promo_code": false, "discountCode": false,
		"currency_code": false, "mechanic_code": false, "spin": false, "userPin0": false, "password": false, "username": false,
	} {
		if got := isCodeName(learn.Norm(name)); got != want {
			t.Errorf("isCodeName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestCodeOp(t *testing.T) {
	tests := []struct {
		path, id string
		want     bool
	}{
		{"/auth/otp/verify", "", true},
		{"/auth/2fa", "", true},
		{"/users/{id}/mfa", "", true},
		{"/password/reset/confirm", "", true},
		{"/account/activate", "", true},
		{"/login/check", "", true},
		{"/auth/pin", "", true},
		{"/x", "verifyOtp", true},
		{"/contact", "sendContactForm", false},
		{"/mechanic/report", "", false},
		{"/orders/{id}", "updateOrder", false},
		{"/checkout", "", false},  // "check" only as a whole word
		{"/spotprice", "", false}, // no " otp" inside a word
	}
	for _, tt := range tests {
		tg := &plan.Target{Op: &surface.Operation{Method: "POST", Path: tt.path, OperationID: tt.id}}
		if got := codeOp(tg); got != tt.want {
			t.Errorf("codeOp(%s %s) = %v, want %v", tt.path, tt.id, got, tt.want)
		}
	}
}

func TestCodeField(t *testing.T) {
	tests := []struct {
		body   string
		field  string
		digits int
	}{
		{`{"email":"a@example.com","otp":"123456"}`, "otp", 6},
		{`{"email":"a@example.com","code":"1234"}`, "code", 4},
		{`{"pin":12345678}`, "pin", 8}, // a JSON number keeps its digits
		{`{"code":"ABCDEF"}`, "code", 6},
		{`{"code":"123"}`, "code", 6},        // too short to be the code's length
		{`{"code":"1234567890"}`, "code", 6}, // too long
		{`{"verificationCode":"0042"}`, "verificationCode", 4},
		{`{"country_code":"44","name":"x"}`, "", 0},
		{`not json`, "", 0},
		{`["otp"]`, "", 0},
	}
	for _, tt := range tests {
		f, d := codeField(&plan.Case{Body: []byte(tt.body)})
		if f != tt.field || d != tt.digits {
			t.Errorf("codeField(%s) = %q %d, want %q %d", tt.body, f, d, tt.field, tt.digits)
		}
	}
}

func ms(ns ...int) []time.Duration {
	out := make([]time.Duration, len(ns))
	for i, n := range ns {
		out[i] = time.Duration(n) * time.Millisecond
	}
	return out
}

func TestSlower(t *testing.T) {
	tests := []struct {
		name           string
		known, unknown []time.Duration
		want           bool
	}{
		{"a hash only for known users", ms(210, 205, 220, 230), ms(12, 9, 15, 11), true},
		{"one fast known answer", ms(210, 14, 220, 230), ms(12, 9, 15, 11), false},
		{"one slow unknown answer", ms(210, 205, 220, 230), ms(12, 9, 215, 11), false},
		{"slower, but less than 30 ms", ms(25, 26, 27, 28), ms(5, 6, 7, 8), false},
		{"30 ms more but not twice", ms(540, 550, 560, 570), ms(500, 505, 510, 505), false},
		{"the same", ms(50, 50, 50, 50), ms(50, 50, 50, 50), false},
	}
	for _, tt := range tests {
		if _, got := slower(tt.known, tt.unknown); got != tt.want {
			t.Errorf("%s: slower = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPickUser(t *testing.T) {
	known := []string{"alice", "bob@example.com"}
	if got := pickUser(known, true); got != "bob@example.com" {
		t.Errorf("e-mail field: %q", got)
	}
	if got := pickUser(known, false); got != "alice" {
		t.Errorf("user-name field: %q", got)
	}
	if got := pickUser([]string{"alice"}, true); got != "" {
		t.Errorf("no e-mail known: %q", got)
	}
	for name, want := range map[string]bool{"email": true, "e_mail": true, "EmailAddress": true, "mail": true, "username": false, "login": false} {
		if emailField(name) != want {
			t.Errorf("emailField(%q) = %v", name, !want)
		}
	}
}

// TestUnknownUser: the unknown user differs from the known one only in
// its local part, so a validator that rejects a domain (pydantic's
// EmailStr refuses special-use names such as .invalid) answers both alike.
func TestUnknownUser(t *testing.T) {
	if got := unknownUser(0x10002, false, "alice"); got != "specter-nobody-2" {
		t.Errorf("user name: %q", got)
	}
	if got := unknownUser(2, true, "alice@corp.example.org"); got != "specter-nobody-2@corp.example.org" {
		t.Errorf("e-mail like a known one: %q", got)
	}
	got := unknownUser(2, true, "")
	if !strings.HasPrefix(got, "specter-nobody-2@") || specialUseDomain(got) {
		t.Errorf("e-mail without a known one: %q (a special-use domain is refused by e-mail validators)", got)
	}
}

// specialUseDomain is what email-validator (pydantic's EmailStr) refuses.
func specialUseDomain(addr string) bool {
	_, domain, _ := strings.Cut(addr, "@")
	for _, tld := range []string{".arpa", ".invalid", ".local", ".localhost", ".onion", ".test"} {
		if strings.HasSuffix("."+domain, tld) {
			return true
		}
	}
	return false
}

// loginServer answers POST /auth/login from what the body says.
type loginServer func(email, password string) (status int, body string, d time.Duration)

func (f loginServer) answer(c *plan.Case) *execute.Exchange {
	var b map[string]string
	_ = json.Unmarshal(c.Body, &b)
	status, body, d := f(b["email"], b["password"])
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &execute.Exchange{Case: c, Status: status, Header: h, Body: []byte(body), Duration: d}
}

func loginTarget() *plan.Target {
	return &plan.Target{Op: &surface.Operation{Method: "POST", Path: "/auth/login"}, Spec: &openapi3.Operation{}}
}

// runAuthOracle feeds one observed login to an oracle and finishes it.
func runAuthOracle(t *testing.T, o oracle.Oracle, srv loginServer) *fakeEnv {
	t.Helper()
	env := &fakeEnv{answer: srv.answer}
	tg := loginTarget()
	ctx := context.Background()
	o.(oracle.Preparer).Prepare(ctx, []*plan.Target{tg}, env)
	c := &plan.Case{Seq: 1, Target: tg, Method: "POST", Phase: plan.PhaseExamples, Body: []byte(`{"email":"someone@example.com","password":"x"}`)}
	o.Check(ctx, &oracle.Observation{Exchange: srv.answer(c)}, env)
	o.(oracle.Finisher).Finish(ctx, env)
	return env
}

const knownUser = "alice@example.com"

func TestUserEnumerationDecisions(t *testing.T) {
	wrong := func(string, string) (int, string, time.Duration) {
		return 401, `{"detail":"Incorrect email or password"}`, 10 * time.Millisecond
	}
	tests := []struct {
		name string
		srv  loginServer
		want bool
		why  string
	}{
		{"the same answer for both", wrong, false, ""},
		{"404 for an unknown user", func(e, p string) (int, string, time.Duration) {
			if e != knownUser {
				return 404, `{"detail":"User not found"}`, 10 * time.Millisecond
			}
			return wrong(e, p)
		}, true, "status 404"},
		{"another text for an unknown user", func(e, p string) (int, string, time.Duration) {
			if e != knownUser {
				return 401, `{"detail":"No such account"}`, 10 * time.Millisecond
			}
			return wrong(e, p)
		}, true, "different bodies"},
		{"the user name echoed", func(e, p string) (int, string, time.Duration) {
			return 401, `{"detail":"Wrong password for ` + e + `"}`, 10 * time.Millisecond
		}, false, ""},
		{"a request id that changes", func(e, p string) (int, string, time.Duration) {
			return 401, `{"detail":"Incorrect email or password","request_id":"` + time.Now().Format(time.RFC3339Nano) + `"}`, 10 * time.Millisecond
		}, false, ""},
		{"a password hash only for known users", func(e, p string) (int, string, time.Duration) {
			s, b, _ := wrong(e, p)
			if e == knownUser {
				return s, b, 150 * time.Millisecond
			}
			return s, b, 8 * time.Millisecond
		}, true, "timing"},
		{"throttled", func(string, string) (int, string, time.Duration) {
			return 429, `{"detail":"Too many requests"}`, time.Millisecond
		}, false, ""},
		// pydantic's EmailStr refuses special-use domains with 422 before
		// any user is looked up: that is validation, not enumeration.
		{"an e-mail validator", func(e, p string) (int, string, time.Duration) {
			if specialUseDomain(e) {
				return 422, `{"detail":[{"loc":["body","email"],"msg":"value is not a valid email address"}]}`, time.Millisecond
			}
			return wrong(e, p)
		}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := runAuthOracle(t, NewUserEnumeration(Config{KnownUsers: []string{"bob", knownUser}}), tt.srv)
			if got := len(env.verdicts) > 0; got != tt.want {
				t.Fatalf("verdict %v, want %v: %v %v", got, tt.want, env.verdicts, env.notes)
			}
			if tt.want && (env.verdicts[0].Rule != RuleUserEnumeration || !strings.Contains(env.verdicts[0].Message, tt.why)) {
				t.Errorf("verdict %s %q, want it to say %q", env.verdicts[0].Rule, env.verdicts[0].Message, tt.why)
			}
		})
	}
}

func TestUserEnumerationNeedsAKnownUserOfTheFieldsKind(t *testing.T) {
	env := runAuthOracle(t, NewUserEnumeration(Config{KnownUsers: []string{"bob"}}), func(string, string) (int, string, time.Duration) {
		return 401, `{}`, 0
	})
	if len(env.verdicts) != 0 || env.sent != 0 || len(env.notes) != 1 || !strings.Contains(env.notes[0], "no known user of the kind") {
		t.Errorf("verdicts %v, sent %d, notes %q", env.verdicts, env.sent, env.notes)
	}
}

func TestAuthRateLimitDecisions(t *testing.T) {
	tests := []struct {
		name string
		srv  loginServer
		want bool
	}{
		{"never limits", func(string, string) (int, string, time.Duration) {
			return 401, `{"detail":"Incorrect email or password"}`, time.Millisecond
		}, true},
		{"a 200 that says it failed, every time", func(string, string) (int, string, time.Duration) {
			return 200, `{"success":false,"message":"Invalid credentials"}`, time.Millisecond
		}, true},
		{"a lockout in words", counting(5, `{"detail":"Account locked, try again later"}`, 401), false},
		{"a 429", counting(10, `{"detail":"slow"}`, 429), false},
		{"a lockout that changes the answer", counting(7, `{"detail":"Unavailable"}`, 400), false},
		{"a progressive delay", func() loginServer {
			n := 0
			return func(string, string) (int, string, time.Duration) {
				n++
				return 401, `{"detail":"Incorrect email or password"}`, time.Duration(n*n) * 4 * time.Millisecond
			}
		}(), false},
		// Every guess refused by an e-mail validator says nothing about
		// a limit: no password was checked.
		{"an e-mail validator", func(e, p string) (int, string, time.Duration) {
			if specialUseDomain(e) {
				return 422, `{"detail":[{"loc":["body","email"],"msg":"value is not a valid email address"}]}`, time.Millisecond
			}
			return 401, `{"detail":"Incorrect email or password"}`, time.Millisecond
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := runAuthOracle(t, NewAuthRateLimit(Config{RateLimitBurst: 30}), tt.srv)
			if got := len(env.verdicts) > 0; got != tt.want {
				t.Fatalf("verdict %v, want %v: %v", got, tt.want, env.verdicts)
			}
			if env.sent > 31 {
				t.Errorf("sent %d requests for a burst of 30", env.sent)
			}
			if tt.want {
				v := env.verdicts[0]
				if v.Rule != RuleNoAuthRateLimit || !strings.Contains(v.Message, "took 30 wrong passwords") {
					t.Errorf("verdict %s %q", v.Rule, v.Message)
				}
				var b map[string]string
				_ = json.Unmarshal(v.Exchange.Case.Body, &b)
				if specialUseDomain(b["email"]) {
					t.Errorf("the burst was sent for %q, an address validators refuse", b["email"])
				}
			}
		})
	}
}

// counting answers 401 to the first after-1 calls, then status with body.
func counting(after int, body string, status int) loginServer {
	n := 0
	return func(string, string) (int, string, time.Duration) {
		n++
		if n > after {
			return status, body, time.Millisecond
		}
		return 401, `{"detail":"Incorrect email or password"}`, time.Millisecond
	}
}

func TestGuessBurstStopsAtNoAnswer(t *testing.T) {
	n := 0
	env := &fakeEnv{answer: func(c *plan.Case) *execute.Exchange {
		n++
		if n > 3 {
			return &execute.Exchange{Case: c} // the target stopped answering
		}
		return &execute.Exchange{Case: c, Status: 401, Body: []byte(`{"error":"wrong code"}`)}
	}}
	b, err := guessBurst(context.Background(), env, 10, func(int) (*plan.Case, bool) { return &plan.Case{}, true })
	if err != nil || b.limited || b.refused != 3 || b.sent != 3 {
		t.Errorf("burst %+v, err %v: want 3 refused, not limited", b, err)
	}
	b, _ = guessBurst(context.Background(), &fakeEnv{answer: func(c *plan.Case) *execute.Exchange {
		return &execute.Exchange{Case: c, Status: 401, Retries: 1}
	}}, 10, func(int) (*plan.Case, bool) { return &plan.Case{}, true })
	if !b.limited {
		t.Errorf("an answer the executor had to retry (a 429 it waited out) is a limit: %+v", b)
	}
}

// TestGuessBurstGuessed: a code found within the burst (a 2xx after
// wrong-code answers) is what the burst looks for, not a limit; a 2xx
// after 2xx answers of another shape is not read as a guessed code.
func TestGuessBurstGuessed(t *testing.T) {
	tests := []struct {
		name        string
		answer      func(n int) (int, string)
		wantGuessed int
		wantLimited bool
	}{
		{"the third code is right", func(n int) (int, string) {
			if n == 3 {
				return 200, `{"message":"Password changed"}`
			}
			return 400, `{"error":"invalid code"}`
		}, 3, false},
		{"a lockout in words after two", func(n int) (int, string) {
			if n >= 3 {
				return 400, `{"error":"too many attempts, account locked"}`
			}
			return 400, `{"error":"invalid code"}`
		}, 0, true},
		{"200 to every guess, then another 200", func(n int) (int, string) {
			if n == 3 {
				return 200, `{"ok":true,"token":"x"}`
			}
			return 200, `{"success":false,"message":"invalid code"}`
		}, 0, true},
		{"never right", func(int) (int, string) { return 400, `{"error":"invalid code"}` }, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			env := &fakeEnv{answer: func(c *plan.Case) *execute.Exchange {
				n++
				st, body := tt.answer(n)
				return &execute.Exchange{Case: c, Status: st, Body: []byte(body)}
			}}
			b, err := guessBurst(context.Background(), env, 10, func(int) (*plan.Case, bool) { return &plan.Case{}, true })
			if err != nil || b.guessed != tt.wantGuessed || b.limited != tt.wantLimited {
				t.Errorf("burst %+v, err %v: want guessed %d, limited %v", b, err, tt.wantGuessed, tt.wantLimited)
			}
			if tt.wantGuessed > 0 && (b.sent != tt.wantGuessed || b.refused != tt.wantGuessed-1) {
				t.Errorf("burst %+v: want it to stop at the accepted guess", b)
			}
		})
	}
}

// A login by PIN gets wrong PINs of the same length, so the burst reaches
// the check rather than the validation of the PIN's format.
func TestWrongSecretShape(t *testing.T) {
	pin := wrongSecret("4821", 7)
	seen := map[string]bool{}
	for i := 0; i < 30; i++ {
		v := pin(i)
		if len(v) != 4 || strings.Trim(v, "0123456789") != "" || v == "4821" {
			t.Fatalf("guess %d = %q, want 4 digits other than the sent PIN", i, v)
		}
		seen[v] = true
	}
	if len(seen) < 25 {
		t.Errorf("only %d distinct PINs in 30 guesses", len(seen))
	}
	for _, sent := range []string{"Alice-pass-1", "123", "123456789", ""} {
		if v := wrongSecret(sent, 7)(0); v != "Specter-wrong-0!" {
			t.Errorf("sent %q: guess %q, want a password", sent, v)
		}
	}
}
