// Package securitystaging is the security oracles' test server: a small
// HTTP API described by the embedded openapi.yaml, with one planted flaw
// per security oracle (x-planted names the rule) and clean twins that
// authenticate, authorize, escape and limit as they should and must
// produce no finding. Tests start it with httptest; it never listens on
// anything but loopback. It is separate from internal/testserver/staging so that the
// conformance and security suites can grow without touching each other.
package securitystaging

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/specterhq/specter/fuzz/jwt"
)

// Spec is the server's OpenAPI document.
//
//go:embed openapi.yaml
var Spec []byte

// Planted maps each flawed operation to the rules that must find it.
var Planted = map[string][]string{
	"POST /legacy/login":    {"fuzz/no-auth-rate-limit", "fuzz/user-enumeration", "fuzz/weak-jwt-secret"},
	"GET /legacy/profile":   {"fuzz/auth-not-enforced"},
	"POST /password/forgot": {"fuzz/user-enumeration"},
	"GET /lax/account":      {"fuzz/token-tampering-accepted"},
	"GET /status":           {"fuzz/version-disclosure"},
	"GET /products":         {"fuzz/sql-injection"},
	"GET /files":            {"fuzz/path-traversal"},
	"GET /ping":             {"fuzz/command-injection"},
	"GET /render":           {"fuzz/template-injection"},
	"GET /greet":            {"fuzz/reflected-xss"},
	"GET /lookup":           {"fuzz/error-leak"},
	"GET /widgets":          {"fuzz/cors-reflected-origin-with-credentials"},
	"GET /slow-search":      {"fuzz/latency-outlier"},
	"GET /team":             {"fuzz/secret-in-response", "fuzz/pii-in-response"},
	"GET /notes/{id}":       {"fuzz/bola"},
	"GET /admin/users":      {"fuzz/bfla"},
}

// PlantedTimeBased is the flaw only the time-based payloads find; runs
// without --time-based must not report it (nor anything else there).
var PlantedTimeBased = map[string][]string{
	"GET /orders": {"fuzz/time-based-injection"},
}

// AlsoCorrect lists findings a flawed operation may also get, because its
// flaw is genuinely both: the SQL error the injection produces is also an
// error leak.
var AlsoCorrect = map[string][]string{
	"GET /products": {"fuzz/error-leak"},
}

// Users of the server: name -> password and role.
var users = map[string]struct{ password, role string }{
	"admin": {"admin-pass", "admin"},
	"alice": {"alice-pass", "user"},
	"bob":   {"bob-pass", "user"},
}

const (
	// strongSecret signs the tokens the clean login issues.
	strongSecret = "staging-strong-secret-7f3a9c2e1b4d4e5f8a6b0c1d2e3f4a5b"
	// weakSecret signs the legacy login's tokens: in every dictionary.
	weakSecret = "secret"
	// lockoutAfter failed logins of one user name get 429.
	lockoutAfter = 5
	// SlowInputLength is the length of /slow-search input that takes
	// SlowDelay (a stand-in for a regular expression that backtracks).
	SlowInputLength = 36
	SlowDelay       = 1300 * time.Millisecond
	maxBody         = 64 << 10
)

// Server is the staging API. It is safe for concurrent use.
type Server struct {
	mux  *http.ServeMux
	now  func() time.Time
	mu   sync.Mutex
	fail map[string]int // failed logins per user name (clean login)
	// notes and vault map id -> owner and text.
	notes, vault map[string][2]string
	next         int
}

// New builds the server.
func New() *Server {
	s := &Server{mux: http.NewServeMux(), now: time.Now, fail: map[string]int{},
		notes: map[string][2]string{}, vault: map[string][2]string{}}
	s.authRoutes()
	s.injectionRoutes()
	s.exposureRoutes()
	s.objectRoutes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	s.mux.ServeHTTP(w, r)
}

// Token returns a valid bearer token for a user, as the clean login
// issues it.
func (s *Server) Token(user string) string {
	tok, err := jwt.Sign(map[string]any{"alg": "HS256", "typ": "JWT"},
		map[string]any{"sub": user, "role": users[user].role, "exp": s.now().Add(time.Hour).Unix()}, []byte(strongSecret))
	if err != nil {
		panic(err) // HS256 with a map of strings and numbers cannot fail
	}
	return tok
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func message(w http.ResponseWriter, status int, msg string) {
	key := "message"
	if status >= 400 {
		key = "error"
	}
	writeJSON(w, status, map[string]string{key: msg})
}

// user verifies the bearer token strictly: HS256 with the strong secret,
// an unexpired exp.
func (s *Server) user(r *http.Request) (name, role string, ok bool) {
	tok := bearer(r)
	if tok == nil || tok.Alg() != "HS256" || !tok.Verify([]byte(strongSecret)) {
		return "", "", false
	}
	exp, has := tok.Expiry()
	if !has || !s.now().Before(exp) {
		return "", "", false
	}
	sub, _ := tok.Claims["sub"].(string)
	role, _ = tok.Claims["role"].(string)
	return sub, role, sub != ""
}

func bearer(r *http.Request) *jwt.Token {
	scheme, raw, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	tok, err := jwt.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil
	}
	return tok
}

// authed wraps a handler that needs a valid token.
func (s *Server) authed(h func(w http.ResponseWriter, r *http.Request, user, role string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name, role, ok := s.user(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="staging"`)
			message(w, http.StatusUnauthorized, "authentication required")
			return
		}
		h(w, r, name, role)
	}
}

// emails maps addresses to user names.
var emails = map[string]string{"admin@example.com": "admin", "alice@example.com": "alice", "bob@example.com": "bob"}

func readEmail(r *http.Request) (string, bool) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return "", false
	}
	var in struct{ Email string }
	if json.Unmarshal(body, &in) != nil || in.Email == "" {
		return "", false
	}
	return in.Email, true
}

func readCredentials(r *http.Request) (user, password string, ok bool) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return "", "", false
	}
	var in struct{ Username, Password string }
	if json.Unmarshal(body, &in) != nil || in.Username == "" {
		return "", "", false
	}
	return in.Username, in.Password, true
}

func (s *Server) authRoutes() {
	// Clean login: one message for every failure, a lockout per user name.
	s.mux.HandleFunc("POST /auth/login", func(w http.ResponseWriter, r *http.Request) {
		name, pw, ok := readCredentials(r)
		if !ok {
			message(w, http.StatusBadRequest, "username and password are required")
			return
		}
		s.mu.Lock()
		locked := s.fail[name] >= lockoutAfter
		u, known := users[name]
		good := known && u.password == pw
		switch {
		case locked:
		case good:
			delete(s.fail, name)
		default:
			s.fail[name]++
		}
		s.mu.Unlock()
		switch {
		case locked:
			w.Header().Set("Retry-After", "1")
			message(w, http.StatusTooManyRequests, "too many attempts")
		case good:
			writeJSON(w, http.StatusOK, map[string]string{"token": s.Token(name)})
		default:
			message(w, http.StatusUnauthorized, "invalid username or password")
		}
	})
	// Planted: tells unknown users from wrong passwords, never limits,
	// signs with a dictionary secret.
	s.mux.HandleFunc("POST /legacy/login", func(w http.ResponseWriter, r *http.Request) {
		name, pw, ok := readCredentials(r)
		if !ok {
			message(w, http.StatusBadRequest, "username and password are required")
			return
		}
		u, known := users[name]
		switch {
		case !known:
			message(w, http.StatusNotFound, "no such user")
		case u.password != pw:
			message(w, http.StatusUnauthorized, "wrong password")
		default:
			tok, _ := jwt.Sign(map[string]any{"alg": "HS256", "typ": "JWT"},
				map[string]any{"sub": name, "exp": s.now().Add(time.Hour).Unix()}, []byte(weakSecret))
			writeJSON(w, http.StatusOK, map[string]string{"token": tok})
		}
	})
	// Planted: says whether an account has the address.
	s.mux.HandleFunc("POST /password/forgot", func(w http.ResponseWriter, r *http.Request) {
		email, ok := readEmail(r)
		switch {
		case !ok:
			message(w, http.StatusBadRequest, "email is required")
		case emails[email] == "":
			message(w, http.StatusNotFound, "no account with that address")
		default:
			message(w, http.StatusOK, "reset link sent")
		}
	})
	// Clean twin: the same answer whether or not the account exists.
	s.mux.HandleFunc("POST /password/reset-request", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := readEmail(r); !ok {
			message(w, http.StatusBadRequest, "email is required")
			return
		}
		message(w, http.StatusAccepted, "if an account has this address, a reset link is on its way")
	})
	s.mux.HandleFunc("GET /me", s.authed(func(w http.ResponseWriter, _ *http.Request, user, _ string) {
		message(w, http.StatusOK, "hello "+user)
	}))
	// Planted: declared secured, never checks.
	s.mux.HandleFunc("GET /legacy/profile", func(w http.ResponseWriter, _ *http.Request) {
		message(w, http.StatusOK, "profile")
	})
	// Planted: trusts alg "none".
	s.mux.HandleFunc("GET /lax/account", func(w http.ResponseWriter, r *http.Request) {
		if tok := bearer(r); tok != nil && strings.EqualFold(tok.Alg(), "none") {
			sub, _ := tok.Claims["sub"].(string)
			message(w, http.StatusOK, "account of "+sub)
			return
		}
		if name, _, ok := s.user(r); ok {
			message(w, http.StatusOK, "account of "+name)
			return
		}
		message(w, http.StatusUnauthorized, "authentication required")
	})
	// Planted: product versions in headers.
	s.mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Server", "Apache/2.4.41 (Ubuntu)")
		w.Header().Set("X-Powered-By", "PHP/7.4.3")
		message(w, http.StatusOK, "ok")
	})
	// Planted: any user is an administrator here.
	s.mux.HandleFunc("GET /admin/users", s.authed(func(w http.ResponseWriter, _ *http.Request, _, _ string) {
		message(w, http.StatusOK, "admin, alice, bob")
	}))
	s.mux.HandleFunc("GET /admin/audit", s.authed(func(w http.ResponseWriter, _ *http.Request, _, role string) {
		if role != "admin" {
			message(w, http.StatusForbidden, "administrators only")
			return
		}
		message(w, http.StatusOK, "audit log")
	}))
}

// String describes the server for logs.
func (s *Server) String() string {
	return fmt.Sprintf("security staging (%d planted flaws)", len(Planted))
}
