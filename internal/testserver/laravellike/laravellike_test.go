package laravellike

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/specterhq/specter/internal/testserver/flawcheck"
)

func TestSpecLoadsAndNamesEveryFlaw(t *testing.T) {
	doc := flawcheck.Spec(t, Spec())
	s := New(Options{})
	var flaws []flawcheck.Flaw
	for _, f := range append(s.Planted(), s.AlsoTrue()...) {
		flaws = append(flaws, flawcheck.Flaw(f))
	}
	seen := flawcheck.Flaws(t, doc, flaws, func(op string) (string, bool) {
		return strings.Replace(op, "/v1/", "/v2/", 1), strings.Contains(op, "/api9/v1/")
	})
	if len(s.Planted()) != 11 {
		t.Errorf("%d planted flaws, want 11", len(s.Planted()))
	}
	sec := New(Options{Secure: true})
	if len(sec.Planted()) != 0 {
		t.Error("Secure must plant nothing")
	}
	for _, f := range sec.AlsoTrue() {
		if !seen[f.ID] {
			t.Errorf("secure's true finding %s is not one of the vulnerable build's", f.ID)
		}
	}
	// Every operation the spec lists is routed, in both builds.
	for _, srv := range []*Server{s, sec} {
		for path, item := range doc.Paths.Map() {
			for method := range item.Operations() {
				rec := do(t, srv, method, strings.ReplaceAll(path, "{api1_id}", "2"), "", "", true)
				if rec.Code == http.StatusNotFound && strings.Contains(rec.Body.String(), "NotFoundHttpException") && !strings.Contains(rec.Body.String(), "No query results") ||
					rec.Code == http.StatusMethodNotAllowed {
					t.Errorf("%s %s is not routed: %d", method, path, rec.Code)
				}
			}
		}
	}
}

// do sends one request; jsonAccept sets Accept: application/json.
func do(t *testing.T, s *Server, method, path, body, token string, jsonAccept bool, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if jsonAccept {
		r.Header.Set("Accept", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization-Token", token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, r)
	if rec.Code != http.StatusMovedPermanently {
		cookies := strings.Join(rec.Header().Values("Set-Cookie"), "\n")
		if !strings.Contains(cookies, "XSRF-TOKEN=") || !strings.Contains(cookies, "laravel_session=") || !strings.Contains(cookies, "; httponly; samesite=lax") {
			t.Errorf("%s %s: cookies %q", method, path, cookies)
		}
	}
	return rec
}

const michael = "bWljaGFlbHNjb3R0Oldvcmxkc0Jlc3RCb3NzIQ==" // base64("michaelscott:WorldsBestBoss!")

func jsonOf(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("not JSON: %d %s", rec.Code, rec.Body)
	}
	return m
}

func TestLaravelBehaviour(t *testing.T) {
	if token("michaelscott", "WorldsBestBoss!") != michael {
		t.Fatal("the Authorization-Token is base64(username:password)")
	}
	for _, secure := range []bool{false, true} {
		s := New(Options{Secure: secure})
		debug := !secure
		// Unknown route: the errors::404 view, or {"message": ""}.
		rec := do(t, s, "GET", "/vapi/nope", "", "", false)
		if b := rec.Body.String(); rec.Code != 404 || !strings.Contains(b, "<title>Not Found</title>") || !strings.Contains(b, "tracking-wider\">404</div>") ||
			!strings.Contains(b, "uppercase tracking-wider\">Not Found</div>") || rec.Header().Get("Content-Type") != "text/html; charset=UTF-8" {
			t.Errorf("secure=%v 404 HTML: %d %s", secure, rec.Code, b)
		}
		rec = do(t, s, "GET", "/vapi/nope", "", "", true)
		m := jsonOf(t, rec)
		if rec.Code != 404 || m["message"] != "" || rec.Header().Get("Content-Type") != "application/json" ||
			debug != (m["exception"] == `Symfony\Component\HttpKernel\Exception\NotFoundHttpException`) || secure && rec.Body.String() != `{"message":""}` {
			t.Errorf("secure=%v 404 JSON: %d %s", secure, rec.Code, rec.Body)
		}
		// Wrong method: 405 with Allow; Ignition's page in debug mode.
		rec = do(t, s, "GET", "/vapi/api2/user/login", "", "", true)
		if m := jsonOf(t, rec); rec.Code != 405 || rec.Header().Get("Allow") != "POST" || m["message"] != "The GET method is not supported for this route. Supported methods: POST." {
			t.Errorf("secure=%v 405 JSON: %d %v %s", secure, rec.Code, rec.Header(), rec.Body)
		}
		rec = do(t, s, "DELETE", "/vapi/api6/user/me", "", "", false)
		if b := rec.Body.String(); rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" ||
			debug != strings.Contains(b, `Symfony\Component\HttpKernel\Exception\MethodNotAllowedHttpException`) || debug != strings.Contains(b, "Routing/AbstractRouteCollection.php:103") {
			t.Errorf("secure=%v 405 HTML: %d %v %s", secure, rec.Code, rec.Header(), b)
		}
		// The validator: 422 to JSON requests, a redirect back otherwise.
		rec = do(t, s, "POST", "/vapi/api1/user", `{"name":"x"}`, "", true)
		if rec.Code != 422 || rec.Body.String() != `{"message":"The given data was invalid.","errors":{"username":["The username field is required."],"password":["The password field is required."]}}` {
			t.Errorf("secure=%v 422: %d %s", secure, rec.Code, rec.Body)
		}
		if rec := do(t, s, "POST", "/vapi/api1/user", `{"name":"x"}`, "", false); rec.Code != 302 || rec.Header().Get("Location") != "http://localhost" {
			t.Errorf("secure=%v validation redirect: %d %v", secure, rec.Code, rec.Header())
		}
		// Apache's trailing-slash redirect; Apache's and PHP's headers.
		if rec := do(t, s, "GET", "/vapi/api6/user/me/?a=1", "", "", false); rec.Code != 301 || rec.Header().Get("Location") != "http://example.com/vapi/api6/user/me?a=1" {
			t.Errorf("trailing slash: %d %v", rec.Code, rec.Header())
		}
		rec = do(t, s, "GET", "/vapi/api2/user/details", "", michael, true)
		if m := jsonOf(t, rec); rec.Code != 200 || m["username"] != "michaelscott" || m["password"] != nil || rec.Header().Get("Cache-Control") != "no-cache, private" {
			t.Errorf("details: %d %s", rec.Code, rec.Body)
		}
		if got := rec.Header().Get("Server"); secure && got != "Apache" || !secure && got != "Apache/2.4.54 (Debian)" {
			t.Errorf("secure=%v Server %q", secure, got)
		}
		if rec := do(t, s, "GET", "/vapi/api2/user/details", "", "", true); rec.Code != 401 {
			t.Errorf("no token: %d %s", rec.Code, rec.Body)
		}
		if rec := do(t, s, "GET", "/vapi/api2/user/details", "", token("michaelscott", "wrong"), true); rec.Code != 401 {
			t.Errorf("wrong password in the token: %d %s", rec.Code, rec.Body)
		}
		// findOrFail on an id that does not exist.
		if rec := do(t, s, "GET", "/vapi/api1/user/999", "", michael, true); rec.Code != 404 || jsonOf(t, rec)["message"] != `No query results for model [App\Models\User] 999` {
			t.Errorf("findOrFail: %d %s", rec.Code, rec.Body)
		}
	}
}

// TestDebugErrorPage is APP_DEBUG=true's answer to a QueryException.
func TestDebugErrorPage(t *testing.T) {
	s := New(Options{})
	rec := do(t, s, "POST", "/vapi/api8/user/login", `{"username":"o'brien","password":"x"}`, "", true)
	m := jsonOf(t, rec)
	msg, _ := m["message"].(string)
	trace, _ := m["trace"].([]any)
	if rec.Code != 500 || !strings.HasPrefix(msg, "SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax") ||
		!strings.HasSuffix(msg, "(SQL: SELECT * FROM users WHERE username='o'brien' AND password='x')") || m["exception"] != `Illuminate\Database\QueryException` ||
		m["file"] != "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php" || m["line"] != 712.0 || len(trace) < 3 {
		t.Errorf("debug JSON: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(rec.Body.String(), `"file":"\/var\/www\/html\/vendor\/laravel`) {
		t.Errorf("json_encode escapes slashes: %s", rec.Body)
	}
	rec = do(t, s, "POST", "/vapi/api8/user/login", `{"username":"o'brien","password":"x"}`, "", false)
	if b := rec.Body.String(); rec.Code != 500 || !strings.Contains(b, "<title>🧨 SQLSTATE[42000]") || !strings.Contains(b, `Illuminate\Database\QueryException`) || !strings.Contains(b, `"php_version":"7.4.33"`) {
		t.Errorf("Ignition: %d %s", rec.Code, b)
	}
}

// TestFlaws checks each planted flaw in the vulnerable build and its fix
// in the secure one.
func TestFlaws(t *testing.T) {
	wrong := func(s *Server, path, body string, n int) bool { // n wrong tries, none refused
		for range n {
			if do(t, s, "POST", path, body, "", true).Code == 429 {
				return false
			}
		}
		return true
	}
	checks := map[string]func(t *testing.T, s *Server) bool{
		"api1-bola": func(t *testing.T, s *Server) bool {
			rec := do(t, s, "GET", "/vapi/api1/user/3", "", michael, true)
			return rec.Code == 200 && jsonOf(t, rec)["username"] == "dwightschrute"
		},
		"api2-login-no-limit": func(t *testing.T, s *Server) bool {
			return wrong(s, "/vapi/api2/user/login", `{"username":"michaelscott","password":"guess"}`, 8)
		},
		"api3-comment-user-exposure": func(t *testing.T, s *Server) bool {
			b := do(t, s, "GET", "/vapi/api3/comment", "", michael, true).Body.String()
			return strings.Contains(b, `"deviceid":"a3c97e21f4b60d58","latitude":"41.4090","longitude":"-75.6624"`) && strings.Contains(b, `"mobileno":"8000000535"`)
		},
		"api4-otp-no-limit": func(t *testing.T, s *Server) bool {
			if rec := do(t, s, "POST", "/vapi/api4/login", `{"mobileno":"8000000535"}`, "", true); rec.Code != 200 {
				t.Fatalf("OTP login: %d %s", rec.Code, rec.Body)
			}
			otp := s.users[1].otp
			if len(otp) != 4 {
				t.Fatalf("OTP %q", otp)
			}
			wrong(s, "/vapi/api4/otp/verify", `{"otp":"0000"}`, 8)
			rec := do(t, s, "POST", "/vapi/api4/otp/verify", `{"otp":"`+otp+`"}`, "", true)
			if rec.Code != 200 {
				return false
			}
			tok, _ := jsonOf(t, rec)["token"].(string)
			r := httptest.NewRequest("GET", "/vapi/api4/user", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			me := httptest.NewRecorder()
			s.ServeHTTP(me, r)
			return me.Code == 200 && strings.Contains(me.Body.String(), `"username":"michaelscott"`)
		},
		"api5-users-bfla": func(t *testing.T, s *Server) bool {
			return do(t, s, "GET", "/vapi/api5/users", "", michael, true).Code == 200
		},
		"api6-credit-mass-assignment": func(t *testing.T, s *Server) bool {
			do(t, s, "POST", "/vapi/api6/user", `{"name":"M","username":"mallory","password":"pw-12345","credit":99999}`, "", true)
			rec := do(t, s, "GET", "/vapi/api6/user/me", "", token("mallory", "pw-12345"), true)
			return jsonOf(t, rec)["credit"] == 99999.0
		},
		"api7-cors-reflected": func(t *testing.T, s *Server) bool {
			rec := do(t, s, "GET", "/vapi/api7/user/key", "", michael, true, "Origin", "https://evil.example")
			pre := do(t, s, "OPTIONS", "/vapi/api7/user/key", "", "", false, "Origin", "https://evil.example", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization-token")
			return rec.Header().Get("Access-Control-Allow-Origin") == "https://evil.example" && rec.Header().Get("Access-Control-Allow-Credentials") == "true" &&
				pre.Code == 204 && pre.Header().Get("Access-Control-Allow-Headers") == "authorization-token"
		},
		"api8-login-sqli": func(t *testing.T, s *Server) bool {
			rec := do(t, s, "POST", "/vapi/api8/user/login", `{"username":"' OR '1'='1' -- ","password":"x"}`, "", true)
			return rec.Code == 200 && jsonOf(t, rec)["token"] == token("admin", "Adm1n@vAPI#2022")
		},
		"app-debug-true": func(t *testing.T, s *Server) bool {
			b := do(t, s, "PUT", "/vapi/api1/user/2", "", "", false).Body.String()
			return strings.Contains(b, "MethodNotAllowedHttpException") && strings.Contains(b, "/var/www/html/vendor/laravel/framework/src/")
		},
		"api9-v1-login-served": func(t *testing.T, s *Server) bool {
			if wrong(s, "/vapi/api9/v2/user/login", `{"username":"richardbranson","pin":"0000"}`, 6) {
				t.Error("v2 must answer 429 after five wrong PINs, in both builds")
			}
			rec := do(t, s, "POST", "/vapi/api9/v1/user/login", `{"username":"richardbranson","pin":"1655"}`, "", true)
			return rec.Code == 200 && wrong(s, "/vapi/api9/v1/user/login", `{"username":"richardbranson","pin":"0000"}`, 8)
		},
		"php-version-header": func(t *testing.T, s *Server) bool {
			h := do(t, s, "GET", "/", "", "", false).Header()
			return h.Get("X-Powered-By") == "PHP/7.4.33" && h.Get("Server") == "Apache/2.4.54 (Debian)"
		},
	}
	for _, f := range New(Options{}).Planted() {
		check := checks[f.ID]
		if check == nil {
			t.Errorf("no check for %s", f.ID)
			continue
		}
		t.Run(f.ID, func(t *testing.T) {
			if !check(t, New(Options{})) {
				t.Error("not present in the vulnerable build")
			}
			if check(t, New(Options{Secure: true})) {
				t.Error("present in the secure build")
			}
		})
	}
}

// TestSQL is the api8 login's WHERE clause as MySQL evaluates it.
func TestSQL(t *testing.T) {
	s := New(Options{})
	for _, c := range []struct{ user, pw, want, err string }{
		{"michaelscott", "WorldsBestBoss!", "michaelscott", ""},
		{"michaelscott", "x", "", ""},
		{"' OR '1'='1' -- ", "x", "admin", ""},
		{"' OR '1'='1", "x", "", ""}, // AND binds first: ... OR ('1'='1' AND password='x')
		{"x", "' OR '1'='1", "admin", ""},
		{"dwightschrute'-- ", "x", "dwightschrute", ""},
		{"' or 1=1#", "x", "admin", ""},
		{"a' AND 1=1 -- ", "x", "", ""},
		{"specter'\"", "x", "", "1064"},
		{"a' foo", "x", "", "1064"},
		{"' OR nope=1 -- ", "x", "", "1054 Unknown column 'nope'"},
	} {
		u, err := s.runLogin("SELECT * FROM users WHERE username='" + c.user + "' AND password='" + c.pw + "'")
		got := ""
		if u != nil {
			got = u.username
		}
		if got != c.want || (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("%q / %q: %q, %v", c.user, c.pw, got, err)
		}
	}
}
