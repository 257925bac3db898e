// Package laravellike is a test server that behaves like OWASP vAPI
// (roottusk/vapi): a PHP 7.4 Laravel 8 API behind Apache with one route
// group per OWASP API Top 10 2019 item (/vapi/api1/... to
// /vapi/api9/...), and the flaws of vAPI's own challenges planted in it
// (BOLA on a user, no login limit, device ids and locations in the
// comments, an OTP that can be guessed, an admin list any user reads,
// credit mass-assigned on sign-up, CORS reflecting any origin with
// credentials, an SQL-injectable login, the old v1 PIN login still
// served, APP_DEBUG=true and PHP's version in X-Powered-By).
//
// The framework's behaviour (laravel.go) is the same in both modes:
// Laravel's 404 page or {"message": ""} by the request's Accept, 405 with
// Allow, the validator's 422 (or its redirect back), the session and XSRF
// cookies on every answer. Most routes take vAPI's Authorization-Token
// header, base64("username:password"); the OTP flow hands out a bearer
// token. Options.Secure fixes every planted flaw and runs with
// APP_DEBUG=false.
//
// vAPI keeps one table per challenge; this server keeps one users table
// for all groups, so that one account works on every route group.
package laravellike

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure the server.
type Options struct {
	// Secure fixes every planted flaw (see flaws.go).
	Secure bool
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Flaw is one planted vulnerability.
type Flaw struct {
	ID        string // stable short name
	Rule      string // the specter rule that must report it
	Operation string // "METHOD /path/template" as in the spec, "" for the API
	Summary   string // what is wrong and how an attacker uses it
}

type user struct {
	id                                                int
	username, name, password, course, mobileno, email string
	deviceid, latitude, longitude, pin                string
	credit                                            int
	admin                                             bool
	otp                                               string
	created                                           time.Time
}

type comment struct {
	id      int
	title   string
	comment string
	author  int // users index
}

// Server is the application. It is safe for concurrent use.
type Server struct {
	secure bool
	clock  func() time.Time
	routes []route

	mu       sync.Mutex
	users    []*user
	comments []comment
	bearer   map[string]*user // api4's tokens
	otps     int
	sessions int
	fails    map[string][]time.Time // ThrottlesLogins: failures per login, user name and IP
}

var seedTime = time.Date(2022, 6, 14, 10, 31, 7, 0, time.UTC)

// New builds the server with its seed data (vAPI's seeders).
func New(opts Options) *Server {
	s := &Server{secure: opts.Secure, clock: opts.Now, bearer: map[string]*user{}, fails: map[string][]time.Time{}}
	seed := []user{
		{username: "admin", name: "vAPI Admin", password: "Adm1n@vAPI#2022", email: "admin@vapi.local", mobileno: "8000000001", admin: true, deviceid: "1f6a0c5e2b8d4a7f", latitude: "19.0760", longitude: "72.8777", credit: 1000},
		{username: "michaelscott", name: "Michael Scott", password: "WorldsBestBoss!", email: "michael@dundermifflin.com", course: "Management", mobileno: "8000000535", deviceid: "a3c97e21f4b60d58", latitude: "41.4090", longitude: "-75.6624", credit: 50},
		{username: "dwightschrute", name: "Dwight Schrute", password: "BeetsBears&BSG", email: "dwight@dundermifflin.com", course: "Agriculture", mobileno: "8000000536", deviceid: "5be80d3a19c7f264", latitude: "41.3601", longitude: "-75.7288", credit: 75},
		{username: "richardbranson", name: "Richard Branson", password: "Virgin-Atlantic-84", email: "richard@virgin.example", mobileno: "8000000537", pin: "1655", deviceid: "0d94b7e6c2a1f835", latitude: "51.5074", longitude: "-0.1278"},
	}
	for i := range seed {
		u := seed[i]
		u.id = i + 1
		u.created = seedTime.Add(time.Duration(i) * time.Minute)
		s.users = append(s.users, &u)
	}
	s.comments = []comment{{1, "Welcome", "Welcome to vAPI. Be nice in the comments.", 0}, {2, "Quarterly numbers", "Sales are up 12% this quarter.", 1},
		{3, "Fact", "Bears eat beets. Bears. Beets. Battlestar Galactica.", 2}}
	s.routes = s.buildRoutes()
	return s
}

func (s *Server) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

// token is the Authorization-Token vAPI's clients compute:
// base64("username:password").
func token(name, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(name + ":" + password))
}

// auth is the middleware of the Authorization-Token routes.
func (s *Server) auth(h func(*call) error) func(*call) error {
	return func(c *call) error {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(c.r.Header.Get("Authorization-Token")))
		name, pw, ok := strings.Cut(string(raw), ":")
		if err != nil || !ok {
			return c.json(http.StatusUnauthorized, obj{{"success", "false"}, {"message", "Authorization-Token header missing or malformed"}})
		}
		s.mu.Lock()
		c.user = s.find(func(u *user) bool { return u.username == name && u.password == pw })
		s.mu.Unlock()
		if c.user == nil {
			return c.json(http.StatusUnauthorized, obj{{"success", "false"}, {"message", "Invalid Authorization-Token"}})
		}
		return h(c)
	}
}

// bearerAuth is api4's middleware: the token the OTP check handed out.
func (s *Server) bearerAuth(h func(*call) error) func(*call) error {
	return func(c *call) error {
		tok, _ := strings.CutPrefix(c.r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		c.user = s.bearer[tok]
		s.mu.Unlock()
		if tok == "" || c.user == nil {
			return c.json(http.StatusUnauthorized, obj{{"message", "Unauthenticated."}})
		}
		return h(c)
	}
}

func (s *Server) find(pred func(*user) bool) *user {
	for _, u := range s.users {
		if pred(u) {
			return u
		}
	}
	return nil
}

// doc is the User model's toArray(): password, otp and pin are $hidden.
func (u *user) doc(full bool) obj {
	o := obj{{"id", u.id}, {"username", u.username}, {"name", u.name}}
	if u.course != "" {
		o = append(o, kv{"course", u.course})
	}
	if full {
		o = append(o, kv{"email", nullable(u.email)}, kv{"mobileno", nullable(u.mobileno)}, kv{"credit", u.credit})
	}
	ts := u.created.UTC().Format("2006-01-02T15:04:05.000000Z")
	return append(o, kv{"created_at", ts}, kv{"updated_at", ts})
}

func nullable(v string) any {
	if v == "" {
		return nil
	}
	return v
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// throttled is ThrottlesLogins::hasTooManyLoginAttempts (5 failures a
// minute per user name and IP); it writes the lockout answer, a
// ValidationException with status 429.
func (s *Server) throttled(c *call, key, field string) bool {
	s.mu.Lock()
	var keep []time.Time
	for _, t := range s.fails[key] {
		if s.now().Sub(t) < time.Minute {
			keep = append(keep, t)
		}
	}
	s.fails[key] = keep
	s.mu.Unlock()
	if len(keep) < 5 {
		return false
	}
	wait := int((time.Minute - s.now().Sub(keep[0])).Seconds()) + 1
	c.w.Header().Set("Retry-After", fmt.Sprint(wait))
	c.json(http.StatusTooManyRequests, obj{{"message", "The given data was invalid."},
		{"errors", obj{{field, []string{fmt.Sprintf("Too many login attempts. Please try again in %d seconds.", wait)}}}}})
	return true
}

func (s *Server) failed(key string) {
	s.mu.Lock()
	s.fails[key] = append(s.fails[key], s.now())
	s.mu.Unlock()
}

// otpFor is the 4-digit code the SMS would carry: rand(1000, 9999) in
// vAPI, deterministic here.
func (s *Server) otpFor(u *user) string {
	s.otps++
	sum := sha256.Sum256(fmt.Appendf(nil, "otp-%d-%s", s.otps, u.username))
	return fmt.Sprintf("%04d", 1000+int(sum[0])<<8%9000+int(sum[1])%9)
}
