package expresslike

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
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
	flawcheck.Flaws(t, doc, flaws, func(op string) (string, bool) {
		return strings.Replace(op, "/v1/", "/v2/", 1), strings.Contains(op, "/api/v1/")
	})
	if len(s.Planted()) != 12 {
		t.Errorf("%d planted flaws, want 12", len(s.Planted()))
	}
	if sec := New(Options{Secure: true}); len(sec.Planted()) != 0 || len(sec.AlsoTrue()) != 0 {
		t.Error("Secure must plant nothing and have no true findings")
	}
	// Every operation the spec lists is routed.
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			rec := do(t, s, method, strings.ReplaceAll(path, "{id}", "65f01a2bc3d4e5f6a7b8c9d0"), "", "")
			if rec.Code == http.StatusNotFound && strings.Contains(rec.Body.String(), "Cannot ") {
				t.Errorf("%s %s is not routed", method, path)
			}
		}
	}
}

// do sends one request to the application.
func do(t *testing.T, h http.Handler, method, path, body, token string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if got := rec.Header().Get("X-Powered-By"); got != "Express" {
		t.Errorf("%s %s: X-Powered-By %q", method, path, got)
	}
	return rec
}

func login(t *testing.T, h http.Handler, name, pw string) string {
	t.Helper()
	rec := do(t, h, "POST", "/api/v2/login", `{"username":"`+name+`","password":"`+pw+`"}`, "")
	var out struct {
		Success bool
		Token   string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || !out.Success {
		t.Fatalf("login %s: %d %s", name, rec.Code, rec.Body)
	}
	return out.Token
}

const page404 = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot %s</pre>\n</body>\n</html>\n"

func TestExpressBehaviour(t *testing.T) {
	for _, secure := range []bool{false, true} {
		s := New(Options{Secure: secure})
		// Unknown routes and unsupported methods are the same 404 page.
		for _, c := range [][2]string{{"GET", "/x"}, {"PUT", "/api/v2/login"}, {"DELETE", "/api/v2/users/me"}, {"GET", "/api/v2/notes/a/b"}} {
			rec := do(t, s, c[0], c[1], "", "")
			want := strings.Replace(page404, "%s", c[0]+" "+c[1], 1)
			if rec.Code != 404 || rec.Body.String() != want || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" || rec.Header().Get("Content-Security-Policy") != "default-src 'none'" {
				t.Errorf("%s %s: %d %q", c[0], c[1], rec.Code, rec.Body)
			}
		}
		// OPTIONS is answered with the path's methods.
		if rec := do(t, s, "OPTIONS", "/api/v2/notes/65f01a2bc3d4e5f6a7b8c9d0", "", ""); rec.Code != 200 || rec.Header().Get("Allow") != "GET,HEAD,DELETE" || rec.Body.String() != "GET,HEAD,DELETE" {
			t.Errorf("OPTIONS: %d %v %q", rec.Code, rec.Header(), rec.Body)
		}
		// A failed login is a 200; case and a trailing slash do not matter.
		rec := do(t, s, "POST", "/API/v2/Login/", `{"username":"john","password":"wrong"}`, "")
		if rec.Code != 200 || rec.Body.String() != `{"success":false,"message":"Invalid username or password"}` || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" || rec.Header().Get("ETag") == "" {
			t.Errorf("failed login: %d %v %s", rec.Code, rec.Header(), rec.Body)
		}
		tok := login(t, s, "john", "J0hnny-2023!")
		if head, _, _ := strings.Cut(tok, "."); head != "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" {
			t.Errorf("token header %s", head)
		}
		// The token checks.
		if rec := do(t, s, "GET", "/api/v2/users/me", "", ""); rec.Code != 401 || rec.Body.String() != `{"message":"No token provided"}` {
			t.Errorf("no token: %d %s", rec.Code, rec.Body)
		}
		if rec := do(t, s, "GET", "/api/v2/users/me", "", tok+"x"); rec.Code != 401 || rec.Body.String() != `{"message":"Failed to authenticate token"}` {
			t.Errorf("bad token: %d %s", rec.Code, rec.Body)
		}
		rec = do(t, s, "GET", "/api/v2/users/me", "", tok)
		var me map[string]any
		if json.Unmarshal(rec.Body.Bytes(), &me); rec.Code != 200 || me["username"] != "john" || me["__v"] != 0.0 || me["password"] != nil || !objectID.MatchString(me["_id"].(string)) {
			t.Errorf("me: %d %s", rec.Code, rec.Body)
		}
		// body-parser's SyntaxError, and mongoose's CastError.
		rec = do(t, s, "POST", "/api/v2/notes", `{"title": "a",}`, tok)
		wantMsg := "SyntaxError: Unexpected token } in JSON at position 14<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:89:19)<br>"
		if secure {
			wantMsg = "<pre>Bad Request</pre>"
		}
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), wantMsg) {
			t.Errorf("secure=%v syntax error: %d %s", secure, rec.Code, rec.Body)
		}
		rec = do(t, s, "POST", "/api/v2/login", `"john"`, "")
		if !secure && (rec.Code != 400 || !strings.Contains(rec.Body.String(), "<pre>SyntaxError: Unexpected token &quot; in JSON at position 0<br>")) {
			t.Errorf("strict: %d %s", rec.Code, rec.Body)
		}
		// Operators reach MongoDB; an unknown one is its error.
		if rec := do(t, s, "POST", "/api/v2/login", `{"username":"john","password":{"$gte":""}}`, ""); !secure && !strings.Contains(rec.Body.String(), `"token"`) {
			t.Errorf("$gte: %d %s", rec.Code, rec.Body)
		}
		if rec := do(t, s, "POST", "/api/v2/login", `{"username":{"$foo":1},"password":"x"}`, ""); !secure && (rec.Code != 500 || !strings.Contains(rec.Body.String(), "MongoServerError: unknown operator: $foo<br>")) {
			t.Errorf("$foo: %d %s", rec.Code, rec.Body)
		}
		rec = do(t, s, "GET", "/api/v2/notes/abc", "", tok)
		wantMsg = `<pre>CastError: Cast to ObjectId failed for value &quot;abc&quot; (type string) at path &quot;_id&quot; for model &quot;Note&quot;<br> &nbsp; &nbsp;at model.Query.exec (/app/node_modules/mongoose/lib/query.js:4913:21)`
		if secure {
			wantMsg = "<pre>Internal Server Error</pre>"
		}
		if rec.Code != 500 || !strings.Contains(rec.Body.String(), wantMsg) {
			t.Errorf("secure=%v cast error: %d %s", secure, rec.Code, rec.Body)
		}
		// No validation in the handlers: mongoose's own on save.
		rec = do(t, s, "POST", "/api/v2/notes", `{"body": 12}`, tok)
		if rec.Code != 500 || !secure && !strings.Contains(rec.Body.String(), "ValidationError: Note validation failed: title: Path `title` is required.") {
			t.Errorf("missing title: %d %s", rec.Code, rec.Body)
		}
		rec = do(t, s, "POST", "/api/v2/notes", `{"title": 12, "private": "no"}`, tok)
		if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"title":"12","private":false,"owner":"`) || !strings.HasSuffix(rec.Body.String(), `"__v":0}`) {
			t.Errorf("cast title: %d %s", rec.Code, rec.Body)
		}
		if rec := do(t, s, "POST", "/api/v2/notes", `{"title":"`+strings.Repeat("a", maxBody)+`"}`, tok); rec.Code != 413 {
			t.Errorf("large body: %d", rec.Code)
		}
	}
}

// counter is a loopback server that counts the requests it gets.
func counter(t *testing.T) (string, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n"))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/avatar.png", &n
}

func hs256(secret, signingInput string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signingInput))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// TestFlaws checks each planted flaw in the vulnerable build and its fix
// in the secure one.
func TestFlaws(t *testing.T) {
	checks := map[string]func(t *testing.T, s *Server) bool{
		"register-admin-mass-assignment": func(t *testing.T, s *Server) bool {
			do(t, s, "POST", "/api/v2/register", `{"username":"mallory","password":"pw-12345","admin":true,"role":"admin"}`, "")
			rec := do(t, s, "GET", "/api/v2/users/me", "", login(t, s, "mallory", "pw-12345"))
			return strings.Contains(rec.Body.String(), `"admin":true`)
		},
		"login-nosql-injection": func(t *testing.T, s *Server) bool {
			rec := do(t, s, "POST", "/api/v2/login", `{"username":{"$ne":null},"password":{"$ne":null}}`, "")
			return strings.Contains(rec.Body.String(), `"success":true`)
		},
		"weak-jwt-secret": func(t *testing.T, s *Server) bool {
			parts := strings.Split(login(t, s, "john", "J0hnny-2023!"), ".")
			return hs256(weakSecret, parts[0]+"."+parts[1]) == parts[2]
		},
		"note-bola": func(t *testing.T, s *Server) bool {
			rec := do(t, s, "GET", "/api/v2/notes/"+s.notes[0].id, "", login(t, s, "jane", "Jane.Doe#88"))
			return rec.Code == 200 && strings.Contains(rec.Body.String(), "PIN 4921")
		},
		"admin-users-bfla": func(t *testing.T, s *Server) bool {
			return do(t, s, "GET", "/api/v2/admin/users", "", login(t, s, "john", "J0hnny-2023!")).Code == 200
		},
		"admin-users-password-hashes": func(t *testing.T, s *Server) bool {
			rec := do(t, s, "GET", "/api/v2/admin/users", "", login(t, s, "admin", "Adm1n-N0tes!"))
			if rec.Code != 200 {
				t.Errorf("the admin's list: %d", rec.Code)
			}
			return strings.Contains(rec.Body.String(), `"password":"$2b$10$`)
		},
		"avatar-ssrf": func(t *testing.T, s *Server) bool {
			u, n := counter(t)
			do(t, s, "POST", "/api/v2/users/me/avatar", `{"avatarUrl":"`+u+`"}`, login(t, s, "john", "J0hnny-2023!"))
			return n.Load() == 1
		},
		"search-reflected-xss": func(t *testing.T, s *Server) bool {
			rec := do(t, s, "GET", "/api/v2/notes/search?q=%3Cscript%3Ealert(1)%3C/script%3E", "", login(t, s, "john", "J0hnny-2023!"))
			return rec.Header().Get("Content-Type") == "text/html; charset=utf-8" && rec.Body.String() == "No results for <script>alert(1)</script>"
		},
		"dev-error-pages": func(t *testing.T, s *Server) bool {
			tok := login(t, s, "john", "J0hnny-2023!")
			if !s.secure {
				// bcrypt.compare(7, hash) throws; so does new RegExp("(").
				if rec := do(t, s, "POST", "/api/v2/login", `{"username":"john","password":7}`, ""); !strings.Contains(rec.Body.String(), "Error: Illegal arguments: number, string<br> &nbsp; &nbsp;at _async (/app/node_modules/bcryptjs/dist/bcrypt.js:286:46)") {
					t.Errorf("number as password: %d %s", rec.Code, rec.Body)
				}
				if rec := do(t, s, "GET", "/api/v2/notes/search?q=(", "", tok); rec.Code != 500 || !strings.Contains(rec.Body.String(), "SyntaxError: Invalid regular expression: /(/: Unterminated group<br> &nbsp; &nbsp;at new RegExp (&lt;anonymous&gt;)") {
					t.Errorf("invalid regular expression: %d %s", rec.Code, rec.Body)
				}
			}
			rec := do(t, s, "GET", "/api/v2/notes/65f01a2bc3d4e5f6a7b8c9d", "", tok)
			if rec.Code != 500 {
				t.Errorf("23-digit id: %d", rec.Code)
			}
			return strings.Contains(rec.Body.String(), "/app/node_modules/mongoose/lib/query.js")
		},
		"login-no-rate-limit": func(t *testing.T, s *Server) bool {
			for range 8 {
				if do(t, s, "POST", "/api/v2/login", `{"username":"john","password":"guess"}`, "").Code == 429 {
					return false
				}
			}
			return true
		},
		"login-v1-still-served": func(t *testing.T, s *Server) bool {
			rec := do(t, s, "POST", "/api/v1/login", `{}`, "")
			return rec.Code == 200 && strings.Contains(rec.Body.String(), `"token"`)
		},
		"static-project-root": func(t *testing.T, s *Server) bool {
			rec := do(t, s, "GET", "/.env", "", "")
			return rec.Code == 200 && strings.Contains(rec.Body.String(), "JWT_SECRET="+weakSecret) && strings.Contains(rec.Body.String(), "MONGO_URI=")
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
