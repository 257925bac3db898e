package authz

import (
	"net/http"
	"strings"
	"testing"
)

// A JWT as PyJWT issues them (HS256, sub and exp), and an opaque token.
const (
	testJWT    = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3MDAwMDAwNjAsInN1YiI6Im5hbWUxIn0.wUFK2i3Sw7fW4kXmTeRDe2Q0A5U1c5VY9b0C3xJXK0I"
	testOpaque = "8f14e45fceea167a5a36dedd4bea2543"
)

func cookies(lines ...string) http.Header {
	h := http.Header{}
	for _, l := range lines {
		h.Add("Set-Cookie", l)
	}
	return h
}

func TestIssuedCredential(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		body   string
		// want is "" when nothing is handed out.
		want, from, cookie, typ string
	}{
		// Token members, at the top and nested.
		{name: "VAmPI auth_token", body: `{"auth_token": "` + testJWT + `", "message": "Successfully logged in.", "status": "success"}`, want: testJWT, from: "/auth_token"},
		{name: "OAuth2 token answer", body: `{"access_token":"` + testOpaque + `","token_type":"bearer","expires_in":3600}`, want: testOpaque, from: "/access_token", typ: "bearer"},
		{name: "crAPI token", body: `{"token":"` + testJWT + `","type":"Bearer","message":"Login successful","role":"ROLE_USER"}`, want: testJWT, from: "/token"},
		{name: "camelCase", body: `{"accessToken":"` + testOpaque + `"}`, want: testOpaque, from: "/accessToken"},
		{name: "kebab-case", body: `{"Session-Token":"` + testOpaque + `"}`, want: testOpaque, from: "/Session-Token"},
		{name: "depth 1", body: `{"data":{"token":"` + testOpaque + `"}}`, want: testOpaque, from: "/data/token"},
		{name: "depth 4", body: `{"a":{"b":{"c":{"d":{"token":"` + testOpaque + `"}}}}}`, want: testOpaque, from: "/a/b/c/d/token"},
		{name: "depth 5 is too deep", body: `{"a":{"b":{"c":{"d":{"e":{"token":"` + testOpaque + `"}}}}}}`},
		{name: "a one-element list", body: `[{"jwt":"` + testJWT + `"}]`, want: testJWT, from: "/0/jwt"},
		{name: "a list of several is not an answer about one login", body: `[{"token":"` + testOpaque + `"},{"token":"another-token-value"}]`},
		{name: "pointer escapes", body: `{"a/b":{"token":"` + testOpaque + `"}}`, want: testOpaque, from: "/a~1b/token"},
		{name: "token_type only at the top", body: `{"data":{"token":"` + testOpaque + `","token_type":"bearer"}}`, want: testOpaque, from: "/data/token"},

		// Preference order.
		{name: "access_token before token", body: `{"token":"tttttttt-1","access_token":"aaaaaaaa-1"}`, want: "aaaaaaaa-1", from: "/access_token"},
		{name: "token before auth_token", body: `{"auth_token":"uuuuuuuu-1","token":"tttttttt-1"}`, want: "tttttttt-1", from: "/token"},
		{name: "id_token after jwt", body: `{"id_token":"iiiiiiii-1","jwt":"jjjjjjjj-1"}`, want: "jjjjjjjj-1", from: "/jwt"},
		{name: "session before apikey", body: `{"api_key":"kkkkkkkk-1","session":"ssssssss-1"}`, want: "ssssssss-1", from: "/session"},
		{name: "apikey before key", body: `{"key":"kkkkkkkk-1","apiKey":"aaaaaaaa-1"}`, want: "aaaaaaaa-1", from: "/apiKey"},
		{name: "refresh token is not the credential", body: `{"refresh_token":"rrrrrrrr-1","access_token":"aaaaaaaa-1"}`, want: "aaaaaaaa-1", from: "/access_token"},
		{name: "a token member at the top before a deeper one", body: `{"data":{"access_token":"deeper-token-1"},"token":"shallow-token"}`, want: "shallow-token", from: "/token"},

		// Values that are not tokens.
		{name: "too short", body: `{"token":"abc1234"}`},
		{name: "eight characters is enough", body: `{"token":"abcd1234"}`, want: "abcd1234", from: "/token"},
		{name: "words are not a token", body: `{"token":"not a token at all"}`},
		{name: "a number is not a token", body: `{"token":12345678901}`},
		{name: "empty token with a failure (crAPI 401)", body: `{"token":"","type":"Bearer","message":"Invalid Credentials","role":null}`},
		{name: "skipped short member, then a later one", body: `{"token":"short","session_id":"` + testOpaque + `"}`, want: testOpaque, from: "/session_id"},

		// JWT-shaped strings under other names.
		{name: "JWT under another name", body: `{"result":"` + testJWT + `"}`, want: testJWT, from: "/result"},
		{name: "JWT nested under another name", body: `{"data":{"credential":"` + testJWT + `"}}`, want: testJWT, from: "/data/credential"},
		{name: "token member before a JWT elsewhere", body: `{"bearer":"` + testJWT + `","key":"` + testOpaque + `"}`, want: testOpaque, from: "/key"},
		{name: "not JWT-shaped", body: `{"result":"eyJ.short.x"}`},

		// Failures hand out nothing, whatever their status.
		{name: "VAmPI wrong password", body: `{ "status": "fail", "message": "Password is not correct for the given username."}`},
		{name: "FastAPI detail", body: `{"detail":"Incorrect username or password"}`},
		{name: "HTML", body: `<html><body><p>Invalid login</p></body></html>`},
		{name: "empty", body: ``},

		// Session cookies.
		{name: "session cookie", header: cookies("sessionid=" + testOpaque + "; Path=/; HttpOnly"), body: `{"status":"ok"}`, want: testOpaque, from: "cookie sessionid", cookie: "sessionid"},
		{name: "PHP session", header: cookies("PHPSESSID=" + testOpaque + "; path=/"), body: `<html>Welcome back</html>`, want: testOpaque, from: "cookie PHPSESSID", cookie: "PHPSESSID"},
		{name: "connect.sid", header: cookies("connect.sid=s%3A" + testOpaque + "; Path=/; HttpOnly"), want: "s%3A" + testOpaque, from: "cookie connect.sid", cookie: "connect.sid"},
		{name: "remember-me cookie", header: cookies("remember_user_token=" + testOpaque + "; Path=/"), want: testOpaque, from: "cookie remember_user_token", cookie: "remember_user_token"},
		{name: "cookies that are not sessions", header: cookies("theme=dark; Path=/", "lang=en")},
		{name: "session cookie after another one", header: cookies("theme=dark", "jwt="+testJWT+"; Secure"), want: testJWT, from: "cookie jwt", cookie: "jwt"},
		{name: "a body token before a cookie", header: cookies("session=" + testOpaque), body: `{"token":"body-token-1"}`, want: "body-token-1", from: "/token"},
		{name: "deleted (Max-Age=0)", header: cookies("session=" + testOpaque + "; Max-Age=0; Path=/")},
		{name: "deleted (negative Max-Age)", header: cookies("session=" + testOpaque + "; Max-Age=-1")},
		{name: "deleted (PHP)", header: cookies("PHPSESSID=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0")},
		{name: "deleted (value deleted)", header: cookies("PHPSESSID=DELETED; path=/")},
		{name: "cleared (Express)", header: cookies("token=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")},
		{name: "expired", header: cookies("remember_token=" + testOpaque + "; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")},
		{name: "the old session cleared, the new one set", header: cookies("session=; Max-Age=0", "remember_token="+testOpaque+"; Expires=Wed, 21 Oct 2015 07:28:00 GMT", "sessionid=fresh-session-1"), want: "fresh-session-1", from: "cookie sessionid", cookie: "sessionid"},
		{name: "Django: the CSRF cookie is not the session", header: cookies("csrftoken=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4; expires=Sat, 01 Jan 2039 00:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax", "sessionid="+testOpaque+"; HttpOnly; Path=/"), body: `{"detail":"Logged in"}`, want: testOpaque, from: "cookie sessionid", cookie: "sessionid"},
		{name: "Laravel: XSRF-TOKEN is not the session", header: cookies("XSRF-TOKEN=eyJpdiI6IkFCQyJ9; Path=/; SameSite=Lax", "laravel_session="+testOpaque+"; Path=/; HttpOnly"), want: testOpaque, from: "cookie laravel_session", cookie: "laravel_session"},
		{name: "a CSRF cookie alone", header: cookies("csrf_token=" + testOpaque + "; Path=/")},
		{name: "malformed cookie", header: cookies("=novalue", "session"), body: ``},
		{name: "a failed login's session cookie (200)", header: cookies("session=" + testOpaque + "; HttpOnly; Path=/"), body: `{ "status": "fail", "message": "Password is not correct for the given username."}`},
		{name: "a failed login's PHP session", header: cookies("PHPSESSID=" + testOpaque + "; path=/"), body: `<html><body><div class="error">Invalid username or password</div></body></html>`},
		{name: "a failed login's session cookie (success false)", header: cookies("connect.sid=" + testOpaque), body: `{"success":false,"message":"Wrong password"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is, ok := IssuedCredential(tt.header, []byte(tt.body))
			if tt.want == "" {
				if ok {
					t.Fatalf("handed out %+v, want nothing", is)
				}
				return
			}
			if !ok {
				t.Fatalf("nothing handed out, want %q from %s", tt.want, tt.from)
			}
			if is.Value != tt.want || is.From != tt.from || is.Cookie != tt.cookie || is.Type != tt.typ {
				t.Errorf("got %+v, want value %q from %q cookie %q type %q", is, tt.want, tt.from, tt.cookie, tt.typ)
			}
		})
	}
}

// bigAnswer is a successful answer over 4 KiB: an envelope with a null
// error, the token and a long list of the user's permissions.
func bigAnswer() string {
	var perms []string
	for i := 0; i < 300; i++ {
		perms = append(perms, `"orders:read:`+strings.Repeat("x", i%7)+`"`)
	}
	return `{"success":true,"error":null,"data":{"token":"` + testOpaque + `","user":{"username":"alice","rate_limit":100,"permissions":[` + strings.Join(perms, ",") + `]}}}`
}

func TestJudge(t *testing.T) {
	retry := http.Header{"Retry-After": {"30"}}
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   Outcome
	}{
		// 2xx that say they failed.
		{"VAmPI wrong password", 200, nil, `{ "status": "fail", "message": "Password is not correct for the given username."}`, Refused},
		{"VAmPI unknown user", 200, nil, `{ "status": "fail", "message": "Username does not exist"}`, Refused},
		{"VAmPI already registered", 200, nil, `{ "status": "fail", "message": "User already exists. Please Log in."}`, Refused},
		{"User already exists", 200, nil, `{"message":"User already exists"}`, Refused},
		{"FastAPI detail with 200", 200, nil, `{"detail":"Incorrect username or password"}`, Refused},
		{"FastAPI detail not found", 200, nil, `{"detail":"User not found"}`, Refused},
		{"success false", 200, nil, `{"success":false}`, Refused},
		{"ok false", 200, nil, `{"ok":false,"result":null}`, Refused},
		{"error member", 200, nil, `{"error":"invalid_grant","error_description":"Bad credentials"}`, Refused},
		{"errors list", 201, nil, `{"errors":[{"field":"email","message":"has already been taken"}]}`, Refused},
		{"number taken", 200, nil, `{"message":"Number already registered! Number: 9876543210","status":403}`, Refused},
		{"HTML error page with 200", 200, nil, `<html><body><p class="flash">Wrong password.</p></body></html>`, Refused},
		{"plain text", 200, nil, `Login failed`, Refused},
		{"status word", 200, nil, `{"status":"error","code":17}`, Refused},

		// Error statuses.
		{"FastAPI 401", 401, http.Header{"Www-Authenticate": {"Bearer"}}, `{"detail":"Incorrect username or password"}`, Refused},
		{"crAPI 401 with an empty token", 401, nil, `{"token":"","type":"Bearer","message":"Invalid Credentials","role":null}`, Refused},
		{"FastAPI 403 already registered", 403, nil, `{"detail":"Username or phone number already registered."}`, Refused},
		{"validation 422", 422, nil, `{"detail":[{"loc":["body","username"],"msg":"field required","type":"value_error.missing"}]}`, Refused},
		{"400 with a success-looking body", 400, nil, `{"status":"success"}`, Refused},
		{"500", 500, nil, `Internal Server Error`, Refused},
		{"503 without Retry-After", 503, nil, `Service Unavailable`, Refused},
		{"redirect", 302, nil, ``, Refused},
		{"no answer", 0, nil, ``, Refused},

		// Throttled: statuses and words.
		{"429", 429, nil, `{"detail":"Too many requests"}`, Throttled},
		{"429 without a body", 429, nil, ``, Throttled},
		{"423 Locked", 423, nil, `{"message":"Locked"}`, Throttled},
		{"503 with Retry-After", 503, retry, ``, Throttled},
		{"VAmPI secure lockout", 429, http.Header{"Retry-After": {"60"}}, `{ "status": "fail", "message": "Too many failed login attempts. Try again later."}`, Throttled},
		{"lockout words with 200", 200, nil, `{"status":"fail","message":"Too many failed login attempts. Try again later."}`, Throttled},
		{"locked account with 401", 401, nil, `{"message":"Account is temporarily locked"}`, Throttled},
		{"user blocked with 403", 403, nil, `{"error":"User blocked"}`, Throttled},
		{"locked out", 403, nil, `{"detail":"You have been locked out"}`, Throttled},
		{"attempts remaining", 401, nil, `{"message":"Invalid password, 2 attempts remaining"}`, Throttled},
		{"rate limit", 400, nil, `{"error":"rate limit exceeded"}`, Throttled},
		{"try again in", 200, nil, `<p>Please try again in 5 minutes.</p>`, Throttled},

		// Success.
		{"VAmPI login", 200, nil, `{"auth_token": "` + testJWT + `", "message": "Successfully logged in.", "status": "success"}`, Accepted},
		{"VAmPI register", 200, nil, `{"message": "Successfully registered. Login to receive an auth token.", "status": "success"}`, Accepted},
		{"OAuth2 token", 200, nil, `{"access_token":"` + testOpaque + `","token_type":"bearer"}`, Accepted},
		{"FastAPI created user", 201, nil, `{"username":"alice","phone_number":"(505) 146-0195","first_name":null,"last_name":null,"role":"Customer"}`, Accepted},
		{"crAPI sign-up", 200, nil, `{"message":"User registered successfully! Please Login.","status":200}`, Accepted},
		{"crAPI login", 200, nil, `{"token":"` + testJWT + `","type":"Bearer","message":"Login successful","role":"ROLE_USER"}`, Accepted},
		{"failure words outside the status members", 200, nil, `{"id":7,"username":"invalid_user","bio":"I failed, I was denied, now it exists.","status":"active"}`, Accepted},
		{"null error", 200, nil, `{"error":null,"token":"` + testOpaque + `"}`, Accepted},
		{"empty errors", 200, nil, `{"errors":[],"id":3}`, Accepted},
		{"success true", 200, nil, `{"success":true,"ok":true}`, Accepted},
		{"no content", 204, nil, ``, Accepted},
		{"plain text", 200, nil, `Welcome, alice!`, Accepted},
		{"a success over 4 KiB", 200, nil, bigAnswer(), Accepted},
		// Text is read up to 4 KiB.
		{"failure words past 4 KiB of text", 200, nil, strings.Repeat("Welcome ", 520) + "Login failed", Accepted},
		{"failure words within 4 KiB of text", 200, nil, strings.Repeat("Welcome ", 500) + "Login failed", Refused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			if got := Judge(tt.status, h, []byte(tt.body)); got != tt.want {
				t.Errorf("Judge(%d, %.200s) = %v, want %v", tt.status, tt.body, outcomeName(got), outcomeName(tt.want))
			}
		})
	}
}

func outcomeName(o Outcome) string {
	switch o {
	case Refused:
		return "Refused"
	case Accepted:
		return "Accepted"
	case Throttled:
		return "Throttled"
	}
	return "?"
}

func TestLimitedAnswer(t *testing.T) {
	tests := []struct {
		status int
		header http.Header
		body   string
		want   bool
	}{
		{429, nil, ``, true},
		{423, nil, ``, true},
		{503, http.Header{"Retry-After": {"120"}}, ``, true},
		{503, http.Header{"Retry-After": {"Wed, 21 Oct 2015 07:28:00 GMT"}}, ``, true},
		{503, nil, `Service Unavailable`, false},
		{401, nil, `{"detail":"Incorrect username or password"}`, false},
		{200, nil, `{"status":"success"}`, false},
		{400, nil, `{"message":"Too many requests"}`, true},
		{400, nil, `{"message":"too many tries"}`, true},
		{401, nil, `{"error":"Account suspended"}`, true},
		{403, nil, `{"detail":"user is locked"}`, true},
		{200, nil, `{"message":"Slow down!"}`, true},
		{401, nil, `{"message":"Wrong code. 3 attempts left."}`, true},
		{500, nil, `You've exceeded the number of attempts.`, true},
		{200, nil, `{"message":"Rate-limit reached"}`, true},
		// Lockout words outside the status members of a JSON answer do
		// not count.
		{200, nil, `{"status":"success","user":{"bio":"I got locked out once"}}`, false},
		// A word alone is not a lockout.
		{200, nil, `{"message":"Your account is active"}`, false},
		{401, nil, `{"message":"locked"}`, false},
	}
	for _, tt := range tests {
		h := tt.header
		if h == nil {
			h = http.Header{}
		}
		if got := LimitedAnswer(tt.status, h, []byte(tt.body)); got != tt.want {
			t.Errorf("LimitedAnswer(%d, %v, %s) = %v, want %v", tt.status, tt.header, tt.body, got, tt.want)
		}
	}
}

func TestBigAnswerIsOverTheCut(t *testing.T) {
	if n := len(bigAnswer()); n <= 4096 {
		t.Fatalf("bigAnswer is %d bytes, not over 4 KiB", n)
	}
}
