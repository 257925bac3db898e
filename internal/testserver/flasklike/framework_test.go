package flasklike

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/jwt"
)

var both = []struct {
	name string
	opts Options
}{{"vulnerable", Options{}}, {"secure", Options{Secure: true}}}

const html404 = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n"

func TestWerkzeugNotFound(t *testing.T) {
	for _, mode := range both {
		a := start(t, mode.opts)
		for _, p := range []string{"/nope", "/users/v1/", "/books/v1//x", "/books/v1/", "/users/v1/name1/", "/users/v1//email", "/api/users", "/users/v1/a/b"} {
			st, h, body := a.call("GET", p, nil)
			if st != 404 || body != html404 || h.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("%s GET %s: %d %q %q", mode.name, p, st, h.Get("Content-Type"), body)
			}
		}
	}
}

func TestWerkzeugMethodNotAllowed(t *testing.T) {
	a := start(t, Options{})
	cases := map[string]string{
		"PUT /users/v1":              "GET, HEAD, OPTIONS",
		"DELETE /books/v1":           "GET, HEAD, OPTIONS, POST",
		"POST /books/v1/bookTitle77": "GET, HEAD, OPTIONS",
		"PATCH /users/v1/name1":      "DELETE, GET, HEAD, OPTIONS",
		"GET /users/v1/login":        "", // routed to GET /users/v1/<username>: a 404 JSON, as Werkzeug does
		"PUT /users/v1/register":     "DELETE, GET, HEAD, OPTIONS, POST",
	}
	for req, allow := range cases {
		method, path, _ := strings.Cut(req, " ")
		st, h, body := a.call(method, path, nil)
		if allow == "" {
			if st != 404 || body != `{ "status": "fail", "message": "User not found"}` {
				t.Errorf("%s: %d %s", req, st, body)
			}
			continue
		}
		if st != 405 || h.Get("Allow") != allow || !strings.Contains(body, "<title>405 Method Not Allowed</title>") ||
			!strings.Contains(body, "<p>The method is not allowed for the requested URL.</p>") {
			t.Errorf("%s: %d Allow=%q %s", req, st, h.Get("Allow"), body)
		}
	}
	// Flask's automatic OPTIONS and HEAD.
	st, h, body := a.call("OPTIONS", "/users/v1/name1", nil)
	if st != 200 || h.Get("Allow") != "DELETE, GET, HEAD, OPTIONS" || body != "" {
		t.Errorf("OPTIONS: %d %q %q", st, h.Get("Allow"), body)
	}
	st, h, body = a.call("HEAD", "/users/v1", nil)
	if st != 200 || body != "" || h.Get("Content-Length") == "0" {
		t.Errorf("HEAD: %d %q %q", st, h.Get("Content-Length"), body)
	}
}

func TestDebuggerTracebackPage(t *testing.T) {
	a := start(t, Options{})
	st, h, body := a.call("GET", "/users/v1/'", nil)
	for _, want := range []string{
		"Traceback (most recent call last):",
		`File "/vampi/api_views/users.py", line 27, in get_by_username`,
		`File "/vampi/models/user_model.py", line 71, in get_user`,
		`sqlite3.OperationalError: unrecognized token: "'''"`,
		`sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) unrecognized token: "'''"`,
		"[SQL: SELECT * FROM users WHERE username = ''']",
		"The above exception was the direct cause of the following exception:",
		"Werkzeug Debugger",
		"<h1>OperationalError</h1>",
		"DON'T PANIC",
		"Console Locked",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("debug page lacks %q", want)
		}
	}
	if st != 500 || h.Get("Content-Type") != "text/html; charset=utf-8" || h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("debug page: %d %v", st, h)
	}
	// A payload with "--" cannot close the HTML comment the plain traceback is in.
	_, _, body = a.call("GET", "/users/v1/'%20ORDER%20BY%209--%20-->", nil)
	if i := strings.Index(body, "\n<!--\n"); i < 0 || strings.Contains(body[i+6:], "-->x") || strings.Count(body[i:], "-->") != 1 {
		t.Errorf("comment section broken")
	}
	// The application's own unhandled exceptions, in both modes.
	for _, mode := range both {
		a := start(t, mode.opts)
		st, _, body := a.call("POST", "/users/v1/register", []any{"name9"})
		if st != 500 || !strings.Contains(body, "AttributeError: &#39;list&#39; object has no attribute &#39;get&#39;") ||
			!strings.Contains(body, "AttributeError: 'list' object has no attribute 'get'") {
			t.Errorf("%s register list: %d", mode.name, st)
		}
		st, _, body = a.call("POST", "/users/v1/register", m{"username": m{"$ne": nil}, "password": "x", "email": "x"})
		if st != 500 || !strings.Contains(body, "sqlite3.ProgrammingError: Error binding parameter 1: type 'dict' is not supported") {
			t.Errorf("%s register dict username: %d", mode.name, st)
		}
		tok := a.mustLogin("name2", "pass2")
		st, _, body = a.call("POST", "/books/v1", m{"book_title": "bookTitle77", "secret": "x"}, bearer(tok)...)
		if st != 500 || !strings.Contains(body, "sqlite3.IntegrityError: UNIQUE constraint failed: books.book_title") {
			t.Errorf("%s duplicate title: %d", mode.name, st)
		}
	}
	// A deleted user's token still passes the token check; the views then
	// meet the missing user, and the user's books are orphans.
	for _, mode := range both {
		a := start(t, mode.opts)
		victim := a.mustLogin("name1", "pass1")
		admin := a.mustLogin("admin", "pass1")
		if st, _, _ := a.call("DELETE", "/users/v1/name1", nil, bearer(admin)...); st != 200 {
			t.Fatalf("%s delete: %d", mode.name, st)
		}
		checks := []struct {
			method, path string
			body         any
			want         string
		}{
			{"PUT", "/users/v1/name1/email", m{"email": "mail9@mail.com"}, "AttributeError: 'NoneType' object has no attribute 'email'"},
			{"DELETE", "/users/v1/name2", nil, "AttributeError: 'NoneType' object has no attribute 'admin'"},
			{"POST", "/books/v1", m{"book_title": "new", "secret": "s"}, "AttributeError: 'NoneType' object has no attribute 'id'"},
			{"GET", "/books/v1", nil, "AttributeError: 'NoneType' object has no attribute 'username'"},
		}
		for _, c := range checks {
			st, _, body := a.call(c.method, c.path, c.body, bearer(victim)...)
			if st != 500 || !strings.Contains(body, c.want) {
				t.Errorf("%s %s %s: %d", mode.name, c.method, c.path, st)
			}
		}
	}
	st, _, body = a.call("GET", "/console", nil)
	if st != 200 || !strings.Contains(body, "Interactive Console") || !strings.Contains(body, "Console Locked") {
		t.Errorf("/console: %d", st)
	}
}

func TestFlaskBadRequestForNonJSON(t *testing.T) {
	for _, mode := range both {
		a := start(t, mode.opts)
		cases := []struct{ ctype, body, want string }{
			{"application/json", "username=name1", "Failed to decode JSON object: Expecting value: line 1 column 1 (char 0)"},
			{"application/json", "", "Failed to decode JSON object: Expecting value: line 1 column 1 (char 0)"},
			{"application/json", `{"username": "name1",}`, "Failed to decode JSON object: Expecting property name enclosed in double quotes: line 1 column 22 (char 21)"},
			{"application/json", `{"username": "name1"} x`, "Failed to decode JSON object: Extra data: line 1 column 23 (char 22)"},
			{"text/plain", `{"username": "name1", "password": "pass1"}`, "Did not attempt to load JSON data because the request Content-Type was not &#39;application/json&#39;."},
			{"", `{}`, "Did not attempt to load JSON data because the request Content-Type was not &#39;application/json&#39;."},
		}
		for _, c := range cases {
			headers := []string{}
			if c.ctype != "" {
				headers = []string{"Content-Type", c.ctype}
			}
			st, h, body := a.call("POST", "/users/v1/login", c.body, headers...)
			want := "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>" + c.want + "</p>\n"
			if st != 400 || body != want || h.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("%s %q %q: %d %q", mode.name, c.ctype, c.body, st, body)
			}
		}
		// application/*+json counts as JSON.
		st, _, _ := a.call("POST", "/users/v1/login", `{"username":"name1","password":"pass1"}`, "Content-Type", "application/vnd.api+json; charset=utf-8")
		if st != 200 {
			t.Errorf("+json: %d", st)
		}
		st, _, body := a.call("POST", "/users/v1/login", `{"username":"`+strings.Repeat("a", 2<<20)+`"}`, "Content-Type", "application/json")
		if st != 413 || !strings.Contains(body, "<title>413 Request Entity Too Large</title>") {
			t.Errorf("%s big body: %d", mode.name, st)
		}
	}
}

func TestFailedLoginAnswers200(t *testing.T) {
	msgs := map[string][2]string{
		"vulnerable": {`{ "status": "fail", "message": "Username does not exist"}`, `{ "status": "fail", "message": "Password is not correct for the given username."}`},
		"secure":     {`{ "status": "fail", "message": "Username or Password Incorrect!"}`, `{ "status": "fail", "message": "Username or Password Incorrect!"}`},
	}
	for _, mode := range both {
		a := start(t, mode.opts)
		st1, h, unknown := a.call("POST", "/users/v1/login", m{"username": "ghost", "password": "x"})
		st2, _, wrong := a.call("POST", "/users/v1/login", m{"username": "name1", "password": "x"})
		if st1 != 200 || st2 != 200 || unknown != msgs[mode.name][0] || wrong != msgs[mode.name][1] || h.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s / %d %s", mode.name, st1, unknown, st2, wrong)
		}
		st, _, ok := a.call("POST", "/users/v1/login", m{"username": "name1", "password": "pass1"})
		if st != 200 || !strings.HasPrefix(ok, `{"auth_token": "eyJ`) || !strings.HasSuffix(ok, `", "message": "Successfully logged in.", "status": "success"}`) {
			t.Errorf("%s success: %s", mode.name, ok)
		}
	}
}

func TestJSONSchemaMessages(t *testing.T) {
	a := start(t, Options{Secure: true})
	cases := []struct {
		path string
		body any
		want string
	}{
		{"/users/v1/login", m{"username": "name1"}, `{ "status": "fail", "message": "'password' is a required property"}`},
		{"/users/v1/login", m{"username": 1, "password": "x"}, `{ "status": "fail", "message": "1 is not of type 'string'"}`},
		{"/users/v1/login", m{"username": "a", "password": true}, `{ "status": "fail", "message": "True is not of type 'string'"}`},
		{"/users/v1/login", []any{"a"}, `{ "status": "fail", "message": "['a'] is not of type 'object'"}`},
		{"/users/v1/login", "null", `{ "status": "fail", "message": "None is not of type 'object'"}`},
		{"/users/v1/register", m{"username": "new", "password": "x"}, `{ "status": "fail", "message": "'email' is a required property"}`},
		{"/users/v1/register", m{"username": "new", "password": 1.5, "email": "e"}, `{ "status": "fail", "message": "1.5 is not of type 'string'"}`},
		// The message is pasted into the JSON text: a quote breaks it.
		{"/users/v1/login", []any{`it's "x"`}, `{ "status": "fail", "message": "['it\'s "x"'] is not of type 'object'"}`},
	}
	for _, c := range cases {
		var st int
		var body string
		if s, ok := c.body.(string); ok {
			st, _, body = a.call("POST", c.path, s, "Content-Type", "application/json")
		} else {
			st, _, body = a.call("POST", c.path, c.body)
		}
		if st != 400 || body != c.want {
			t.Errorf("%s %v: %d %s", c.path, c.body, st, body)
		}
	}
	_, _, body := a.call("POST", "/users/v1/login", []any{`it's "x"`})
	if json.Valid([]byte(body)) {
		t.Errorf("string-built answer should be broken JSON here: %s", body)
	}
	// No validation beyond that: empty strings and odd values register.
	st, _, body := a.call("POST", "/users/v1/register", m{"username": "", "password": "", "email": "not an e-mail", "extra": []any{1}})
	if st != 200 || !strings.Contains(body, "Successfully registered") {
		t.Errorf("register empty: %d %s", st, body)
	}
	st, _, body = a.call("POST", "/users/v1/register", m{"username": "name1", "password": "x", "email": "x"})
	if st != 200 || body != `{ "status": "fail", "message": "User already exists. Please Log in."}` {
		t.Errorf("register existing: %d %s", st, body)
	}
}

func TestServerHeaderAndCORS(t *testing.T) {
	a := start(t, Options{})
	for _, p := range []string{"/", "/nope", "/users/v1/'"} {
		_, h, _ := a.call("GET", p, nil)
		if h.Get("Server") != "Werkzeug/2.2.3 Python/3.11.4" {
			t.Errorf("%s: Server %q", p, h.Get("Server"))
		}
	}
	_, h, _ := a.call("GET", "/", nil)
	if h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("no Origin, yet ACAO %q", h.Get("Access-Control-Allow-Origin"))
	}
	_, h, _ = a.call("OPTIONS", "/users/v1/name1", nil, "Origin", "null", "Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "authorization, content-type")
	if h.Get("Access-Control-Allow-Origin") != "null" || h.Get("Access-Control-Allow-Credentials") != "true" ||
		h.Get("Access-Control-Allow-Methods") != "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT" ||
		h.Get("Access-Control-Allow-Headers") != "authorization, content-type" || h.Get("Vary") != "Origin" {
		t.Errorf("preflight: %v", h)
	}
	// CORS headers are added to Werkzeug's error pages too (after_request).
	_, h, _ = a.call("GET", "/nope", nil, "Origin", "https://evil.example")
	if h.Get("Access-Control-Allow-Origin") != "https://evil.example" {
		t.Errorf("404 without CORS headers")
	}

	s := start(t, Options{Secure: true})
	_, h, _ = s.call("GET", "/", nil)
	if h.Get("Server") != "Werkzeug" {
		t.Errorf("secure Server %q", h.Get("Server"))
	}
	_, h, _ = s.call("GET", "/users/v1", nil, "Origin", "https://vampi.example.com")
	if h.Get("Access-Control-Allow-Origin") != "https://vampi.example.com" || h.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("secure allowed origin: %v", h)
	}
	for _, o := range []string{"https://evil.example", "null", "https://vampi.example.com.evil.example", "http://localhost:30001"} {
		_, h, _ = s.call("GET", "/users/v1", nil, "Origin", o)
		if h.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("secure reflected %s", o)
		}
	}
	// flask-cors always_send: without an Origin it lists the configured ones.
	_, h, _ = s.call("GET", "/users/v1", nil)
	if got := h.Values("Access-Control-Allow-Origin"); len(got) != 2 {
		t.Errorf("secure without Origin: %q", got)
	}
}

func TestTokens(t *testing.T) {
	c := &clock{t: time.Date(2024, 7, 4, 9, 0, 0, 0, time.UTC)}
	for _, mode := range both {
		opts := mode.opts
		opts.Now = c.now
		a := start(t, opts)
		tok := a.mustLogin("name1", "pass1")
		parsed, err := jwt.Parse(tok)
		if err != nil {
			t.Fatal(err)
		}
		if parsed.Alg() != "HS256" || parsed.Header["typ"] != "JWT" || parsed.Claims["sub"] != "name1" {
			t.Errorf("%s: %v %v", mode.name, parsed.Header, parsed.Claims)
		}
		exp, iat := claimNum(parsed.Claims["exp"]), claimNum(parsed.Claims["iat"])
		if exp-iat != 60 || int64(iat) != c.t.Unix() {
			t.Errorf("%s: iat %v exp %v", mode.name, iat, exp)
		}
		st, _, body := a.call("GET", "/me", nil, bearer(tok)...)
		if st != 200 || body != `{"data": {"admin": false, "avatar_url": null, "email": "mail1@mail.com", "username": "name1"}, "status": "success"}` {
			t.Errorf("%s /me: %d %s", mode.name, st, body)
		}
		for _, bad := range [][]string{nil, {"Authorization", "Bearer"}, {"Authorization", ""}} {
			st, _, body = a.call("GET", "/me", nil, bad...)
			if st != 401 || body != `{ "status": "fail", "message": "Invalid token"}` {
				t.Errorf("%s no token %v: %d %s", mode.name, bad, st, body)
			}
		}
		for _, forged := range []string{tok + "x", strings.Replace(tok, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0", 1), "garbage"} {
			st, _, body = a.call("GET", "/me", nil, bearer(forged)...)
			if st != 401 || body != `{ "status": "fail", "message": "Invalid token. Please log in again."}` {
				t.Errorf("%s tampered: %d %s", mode.name, st, body)
			}
		}
		c.t = c.t.Add(61 * time.Second)
		st, _, body = a.call("GET", "/me", nil, bearer(tok)...)
		if st != 401 || body != `{ "status": "fail", "message": "Signature expired. Please log in again."}` {
			t.Errorf("%s expired: %d %s", mode.name, st, body)
		}
	}
	a := start(t, Options{TokenTTL: 5 * time.Minute})
	parsed, _ := jwt.Parse(a.mustLogin("name2", "pass2"))
	if d := claimNum(parsed.Claims["exp"]) - claimNum(parsed.Claims["iat"]); d != 300 {
		t.Errorf("TokenTTL 5m: exp-iat %v", d)
	}
}

func TestCreateDBReseeds(t *testing.T) {
	for _, mode := range both {
		a := start(t, mode.opts)
		a.call("POST", "/users/v1/register", m{"username": "temp", "password": "t", "email": "t@t.io"})
		tok := a.mustLogin("name1", "pass1")
		a.call("PUT", "/users/v1/name1/password", m{"password": "changed"}, bearer(tok)...)
		_, _, before := a.call("GET", "/books/v1", nil)
		st, _, body := a.call("GET", "/createdb", nil)
		if st != 200 || body != `{ "message": "Database populated." }` {
			t.Fatalf("%s createdb: %d %s", mode.name, st, body)
		}
		_, _, users := a.call("GET", "/users/v1", nil)
		if strings.Contains(users, "temp") {
			t.Errorf("%s: registered user survived", mode.name)
		}
		if tok, _ := a.login("name1", "pass1"); tok == "" {
			t.Errorf("%s: seed password not restored", mode.name)
		}
		_, _, after := a.call("GET", "/books/v1", nil)
		if before == after || !strings.Contains(before, "bookTitle77") {
			t.Errorf("%s: books were not re-created with new titles:\n%s\n%s", mode.name, before, after)
		}
	}
}

func TestNearMisses(t *testing.T) {
	for _, mode := range both {
		a := start(t, mode.opts)
		// The email update changes the token's user only: the path is ignored.
		tok2 := a.mustLogin("name2", "pass2")
		st, _, body := a.call("PUT", "/users/v1/name1/email", m{"email": "hijack@mail.com"}, bearer(tok2)...)
		if st != 204 || body != "" {
			t.Errorf("%s email: %d %q", mode.name, st, body)
		}
		_, _, users := a.call("GET", "/users/v1", nil)
		var list struct {
			Users []map[string]any `json:"users"`
		}
		if err := json.Unmarshal([]byte(users), &list); err != nil {
			t.Fatal(err)
		}
		emails := map[string]any{}
		for _, u := range list.Users {
			emails[u["username"].(string)] = u["email"]
			if len(u) != 2 || u["password"] != nil {
				t.Errorf("%s: /users/v1 lists %v", mode.name, u)
			}
		}
		if emails["name1"] != "mail1@mail.com" || emails["name2"] != "hijack@mail.com" {
			t.Errorf("%s: emails %v", mode.name, emails)
		}
		// DELETE refuses non-admins, before looking at the target.
		tok1 := a.mustLogin("name1", "pass1")
		for _, target := range []string{"name2", "does-not-exist"} {
			st, _, body = a.call("DELETE", "/users/v1/"+target, nil, bearer(tok1)...)
			if st != 401 || body != `{ "status": "fail", "message": "Only Admins may delete users!"}` {
				t.Errorf("%s delete as user: %d %s", mode.name, st, body)
			}
		}
		st, _, _ = a.call("DELETE", "/users/v1/name2", nil)
		if st != 401 {
			t.Errorf("%s delete without token: %d", mode.name, st)
		}
		if st, _, _ := a.call("GET", "/users/v1/name2", nil); st != 200 {
			t.Errorf("%s: name2 was deleted", mode.name)
		}
		// Admins may.
		tokA := a.mustLogin("admin", "pass1")
		if st, _, body := a.call("DELETE", "/users/v1/does-not-exist", nil, bearer(tokA)...); st != 404 || body != `{ "status": "fail", "message": "User not found!"}` {
			t.Errorf("%s admin delete missing: %d %s", mode.name, st, body)
		}
		// The book list shows titles and owners only.
		_, _, books := a.call("GET", "/books/v1", nil)
		var bl struct {
			Books []map[string]any `json:"Books"`
		}
		json.Unmarshal([]byte(books), &bl)
		if len(bl.Books) != 3 {
			t.Errorf("%s books: %s", mode.name, books)
		}
		for _, b := range bl.Books {
			if len(b) != 2 || b["book_title"] == nil || b["user"] == nil {
				t.Errorf("%s: /books/v1 lists %v", mode.name, b)
			}
		}
		// Owners read their own book in both modes.
		if st, _, body := a.call("GET", "/books/v1/bookTitle85", nil, bearer(tok2)...); st != 200 || !strings.Contains(body, "secret for bookTitle85") {
			t.Errorf("%s own book: %d %s", mode.name, st, body)
		}
		// The own password change works in both modes.
		if st, _, _ := a.call("PUT", "/users/v1/name2/password", m{"password": "new2"}, bearer(tok2)...); st != 204 {
			t.Errorf("%s own password: %d", mode.name, st)
		}
		if tok, _ := a.login("name2", "new2"); tok == "" {
			t.Errorf("%s: own password change did not take", mode.name)
		}
		// A valid e-mail is accepted quickly, an invalid one refused.
		startT := time.Now()
		if st, _, _ := a.call("PUT", "/users/v1/name1/email", m{"email": "mail3@mail.com"}, bearer(tok1)...); st != 204 {
			t.Errorf("%s valid email: %d", mode.name, st)
		}
		if st, _, body := a.call("PUT", "/users/v1/name1/email", m{"email": "nope"}, bearer(tok1)...); st != 400 || body != `{ "status": "fail", "message": "Please Provide a valid email address."}` {
			t.Errorf("%s invalid email: %d %s", mode.name, st, body)
		}
		if time.Since(startT) > time.Second {
			t.Errorf("%s: ordinary e-mails are slow", mode.name)
		}
		// A plain ping works in both modes.
		st, _, body = a.call("POST", "/tools/v1/ping", m{"host": "127.0.0.1"}, bearer(tok1)...)
		if st != 200 || !strings.Contains(body, "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64") || !strings.Contains(body, `"returncode": 0`) {
			t.Errorf("%s ping: %d %s", mode.name, st, body)
		}
	}
	// Secure: _debug is gone, and the path then routes to the user lookup.
	s := start(t, Options{Secure: true})
	st, _, body := s.call("GET", "/users/v1/_debug", nil)
	if st != 404 || body != `{ "status": "fail", "message": "User not found"}` {
		t.Errorf("secure _debug: %d %s", st, body)
	}
}

func TestSecureLimits(t *testing.T) {
	c := &clock{t: time.Date(2024, 7, 4, 9, 0, 0, 0, time.UTC)}
	a := start(t, Options{Secure: true, Now: c.now})
	for i := 0; i < 5; i++ {
		if st, _, _ := a.call("POST", "/users/v1/login", m{"username": "name1", "password": "bad"}); st != 200 {
			t.Fatalf("failure %d answered %d", i, st)
		}
	}
	st, h, body := a.call("POST", "/users/v1/login", m{"username": "name1", "password": "pass1"})
	if st != 429 || h.Get("Retry-After") != "60" || !strings.Contains(body, "Too many failed login attempts") {
		t.Errorf("locked: %d %v %s", st, h, body)
	}
	// Unknown users lock the same way (the lockout tells nothing).
	for i := 0; i < 5; i++ {
		a.call("POST", "/users/v1/login", m{"username": "ghost", "password": "bad"})
	}
	if st, _, _ := a.call("POST", "/users/v1/login", m{"username": "ghost", "password": "bad"}); st != 429 {
		t.Errorf("unknown user not limited: %d", st)
	}
	c.t = c.t.Add(61 * time.Second)
	if tok, body := a.login("name1", "pass1"); tok == "" {
		t.Errorf("after the lock: %s", body)
	}
	// Reset codes: 3 requests an hour.
	for i := 0; i < 3; i++ {
		if st, _, _ := a.call("POST", "/users/v1/password/forgot", m{"username": "name2"}); st != 200 {
			t.Errorf("forgot %d: %d", i, st)
		}
	}
	if st, _, _ := a.call("POST", "/users/v1/password/forgot", m{"username": "name2"}); st != 429 {
		t.Errorf("4th forgot: %d", st)
	}
	// The right code works when it is among the first tries.
	code := a.srv.lastCode(t, "mail2@mail.com")
	if st, _, body := a.call("POST", "/users/v1/password/reset", m{"username": "name2", "code": code, "new_password": "fresh"}); st != 200 || body != `{"message": "Password has been reset.", "status": "success"}` {
		t.Errorf("reset: %d %s", st, body)
	}
	if tok, _ := a.login("name2", "fresh"); tok == "" {
		t.Error("reset password does not log in")
	}
	// Avatars: https on the allow-list only, never fetched.
	tok := a.mustLogin("name2", "fresh")
	for _, u := range []string{"http://127.0.0.1:1/x", "https://gravatar.com.evil.example/x", "https://evil.example/?gravatar.com", "file:///etc/passwd", "https://user@gravatar.com/"} {
		if st, _, _ := a.call("POST", "/me/avatar", m{"url": u}, bearer(tok)...); st != 400 {
			t.Errorf("secure avatar %s: %d", u, st)
		}
	}
	if st, _, _ := a.call("POST", "/me/avatar", m{"url": "https://www.gravatar.com/avatar/abc"}, bearer(tok)...); st != 200 {
		t.Errorf("secure avatar allowed: %d", st)
	}
	_, _, me := a.call("GET", "/me", nil, bearer(tok)...)
	if !strings.Contains(me, `"avatar_url": "https://www.gravatar.com/avatar/abc"`) {
		t.Errorf("me: %s", me)
	}
}

// lastCode is the code in the last e-mail sent to addr.
func (s *Server) lastCode(t *testing.T, addr string) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.outbox) - 1; i >= 0; i-- {
		if s.outbox[i].to == addr {
			f := strings.Fields(s.outbox[i].body)
			for j, w := range f {
				if w == "is" && j+1 < len(f) {
					return strings.TrimSuffix(f[j+1], ".")
				}
			}
		}
	}
	t.Fatalf("no mail to %s", addr)
	return ""
}

func TestAvatarFetchStaysOnLoopback(t *testing.T) {
	a := start(t, Options{})
	tok := a.mustLogin("name1", "pass1")
	cases := map[string]string{
		"http://10.0.0.1/x":                        "Could not fetch avatar: HTTPConnectionPool(host='10.0.0.1', port=80): Max retries exceeded with url: /x (Caused by ConnectTimeoutError(",
		"http://169.254.169.254/latest/meta-data/": "Connection to 169.254.169.254 timed out. (connect timeout=2)",
		"http://example.com/a.png":                 "[Errno -3] Temporary failure in name resolution",
		"file:///etc/passwd":                       "Could not fetch avatar: No connection adapters were found for 'file:///etc/passwd'",
		"gopher://127.0.0.1:11211/":                "No connection adapters were found",
		"example.com/a.png":                        "No scheme supplied. Perhaps you meant https://example.com/a.png?",
		"https://127.0.0.1/a.png":                  "HTTPSConnectionPool(host='127.0.0.1', port=443)",
		"http://127.0.0.1:1/a.png":                 "[Errno 111] Connection refused",
	}
	for u, want := range cases {
		st, _, body := a.call("POST", "/me/avatar", m{"url": u}, bearer(tok)...)
		if st != 400 || !strings.Contains(body, want) {
			t.Errorf("%s: %d %s", u, st, body)
		}
	}
	// A redirect off loopback is refused too.
	redirector := newLoopbackRedirector(t, "http://10.1.2.3/secret")
	st, _, body := a.call("POST", "/me/avatar", m{"url": redirector}, bearer(tok)...)
	if st != 400 || !strings.Contains(body, "10.1.2.3") {
		t.Errorf("redirect: %d %s", st, body)
	}
	// An image is accepted.
	img := newLoopbackImage(t)
	st, _, body = a.call("POST", "/me/avatar", m{"url": img}, bearer(tok)...)
	if st != 200 || !strings.Contains(body, `"content_type": "image/png"`) {
		t.Errorf("image: %d %s", st, body)
	}
	if st, _, _ := a.call("POST", "/me/avatar", m{"url": img}); st != 401 {
		t.Errorf("avatar without token: %d", st)
	}
}

func newLoopbackRedirector(t *testing.T, to string) string {
	srv := httpServer(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) })
	return srv + "/go"
}

func newLoopbackImage(t *testing.T) string {
	srv := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\nfake"))
	})
	return srv + "/me.png"
}

func claimNum(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case json.Number:
		f, _ := x.Float64()
		return f
	}
	return -1
}
