// Package flasklike is a test server that behaves like a Flask application
// (connexion on Flask 2.2, Werkzeug 2.2 dev server in debug mode,
// SQLAlchemy on sqlite, flask-cors, PyJWT), modelled on the deliberately
// vulnerable VAmPI: its routes, its string-built responses, its 200 answers
// to failed logins, Werkzeug's HTML error pages and the debugger's
// traceback page for unhandled exceptions. Its flaws are planted as such an
// app has them; Options.Secure fixes them the way a careful developer
// would, and leaves the framework as it is.
package flasklike

import (
	"crypto/sha512"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Options configure the server.
type Options struct {
	// Secure fixes every planted flaw the way a careful developer would.
	// The framework's behaviour stays: its status codes, its error pages
	// (the debugger included: the app runs with debug=True), its lack of
	// request validation.
	Secure bool
	// Now is the clock; nil is time.Now. (token expiry, lockouts, reset
	// codes)
	Now func() time.Time
	// TokenTTL is the lifetime of the JWTs login issues; 0 is 60 s, as
	// VAmPI's tokentimetolive.
	TokenTTL time.Duration
}

// Flaw is one planted vulnerability.
type Flaw struct {
	ID        string
	Rule      string
	Operation string
	Summary   string
}

type user struct {
	id                        int
	username, password, email string
	admin                     bool
	avatar                    string // URL (Secure) or where the fetched image came from
}

type book struct {
	id            int
	title, secret string
	userID        int
}

type resetCode struct {
	code    string
	expires time.Time
}

type attempts struct {
	failures    []time.Time
	lockedUntil time.Time
}

// mail is a sent e-mail (the reset codes); tests read the outbox.
type mail struct {
	to, subject, body string
}

// Server is the application. It is safe for concurrent use.
type Server struct {
	opts   Options
	routes *router
	key    []byte

	mu         sync.Mutex
	users      []*user // in rowid order
	books      []*book
	generation int
	titles     *rand.Rand
	codes      *rand.Rand
	resets     map[string]*resetCode
	resetTries map[string]*attempts
	forgotLog  map[string][]time.Time
	logins     map[string]*attempts
	outbox     []mail

	fetcher *http.Client
}

// New builds the server with its seed data: name1/pass1, name2/pass2 and
// admin/pass1 (admin), a book each.
func New(opts Options) *Server {
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 60 * time.Second
	}
	s := &Server{
		opts:       opts,
		titles:     rand.New(rand.NewPCG(5000, 1)),
		codes:      rand.New(rand.NewPCG(4, 1234)),
		resets:     map[string]*resetCode{},
		resetTries: map[string]*attempts{},
		forgotLog:  map[string][]time.Time{},
		logins:     map[string]*attempts{},
	}
	if opts.Secure {
		// A long random key from the deployment's environment; derived
		// here so that runs are reproducible.
		sum := sha512.Sum512([]byte("flasklike secure deployment key"))
		s.key = []byte(hex.EncodeToString(sum[:]))
	} else {
		s.key = []byte("random")
	}
	s.fetcher = newFetcher()
	s.seed()
	s.routes = s.buildRoutes()
	return s
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

func (s *Server) buildRoutes() *router {
	rt := &router{}
	rt.add("/createdb", s.populateDB, "GET")
	rt.add("/", s.home, "GET")
	rt.add("/users/v1", s.getAllUsers, "GET")
	if !s.opts.Secure {
		rt.add("/users/v1/_debug", s.debugUsers, "GET")
	}
	rt.add("/users/v1/register", s.registerUser, "POST")
	rt.add("/users/v1/login", s.loginUser, "POST")
	rt.add("/me", s.me, "GET")
	rt.add("/me/avatar", s.uploadAvatar, "POST")
	rt.add("/users/v1/password/forgot", s.forgotPassword, "POST")
	rt.add("/users/v1/password/reset", s.resetPassword, "POST")
	rt.add("/users/v1/<username>", s.getByUsername, "GET")
	rt.add("/users/v1/<username>", s.deleteUser, "DELETE")
	rt.add("/users/v1/<username>/email", s.updateEmail, "PUT")
	rt.add("/users/v1/<username>/password", s.updatePassword, "PUT")
	rt.add("/books/v1", s.getAllBooks, "GET")
	rt.add("/books/v1", s.addNewBook, "POST")
	rt.add("/books/v1/<book_title>", s.getByTitle, "GET")
	rt.add("/tools/v1/ping", s.ping, "POST")
	return rt
}

// seed is db.drop_all(); db.create_all(); User.init_db_users(). Each seeded
// user gets a book "bookTitle<n>": VAmPI draws n with randrange(100); here
// the first database has the numbers the spec's examples show and later
// ones come from a seeded generator. Call with s.mu held (or before use).
func (s *Server) seed() {
	s.users, s.books = nil, nil
	nums := []int{77, 85, 47}
	if s.generation > 0 {
		nums = nums[:0]
		for len(nums) < 3 {
			n := s.titles.IntN(100)
			dup := false
			for _, m := range nums {
				dup = dup || m == n
			}
			if !dup {
				nums = append(nums, n)
			}
		}
	}
	s.generation++
	seeds := []struct {
		name, pass, mail string
		admin            bool
	}{
		{"name1", "pass1", "mail1@mail.com", false},
		{"name2", "pass2", "mail2@mail.com", false},
		{"admin", "pass1", "admin@mail.com", true},
	}
	for i, u := range seeds {
		nu := s.insertUser(u.name, u.pass, u.mail, u.admin)
		title := "bookTitle" + itoa(nums[i])
		s.books = append(s.books, &book{id: s.nextBookID(), title: title, secret: "secret for " + title, userID: nu.id})
	}
	s.resets = map[string]*resetCode{}
}

// Row ids are sqlite rowids (the tables have no AUTOINCREMENT): one past
// the largest in use, so a deleted last row's id is handed out again.
func (s *Server) nextUserID() int {
	max := 0
	for _, u := range s.users {
		if u.id > max {
			max = u.id
		}
	}
	return max + 1
}

func (s *Server) nextBookID() int {
	max := 0
	for _, b := range s.books {
		if b.id > max {
			max = b.id
		}
	}
	return max + 1
}

func (s *Server) insertUser(name, pass, email string, admin bool) *user {
	u := &user{id: s.nextUserID(), username: name, password: pass, email: email, admin: admin}
	s.users = append(s.users, u)
	return u
}

func (s *Server) userByName(name string) *user {
	for _, u := range s.users {
		if u.username == name {
			return u
		}
	}
	return nil
}

func (s *Server) userByID(id int) *user {
	for _, u := range s.users {
		if u.id == id {
			return u
		}
	}
	return nil
}

// Planted lists the flaws of the server as configured (empty when Secure).
func (s *Server) Planted() []Flaw {
	if s.opts.Secure {
		return nil
	}
	return []Flaw{
		{"sqli-user-lookup", "fuzz/sql-injection", "GET /users/v1/{username}",
			"The username is pasted into a raw SQL query: a quote raises the sqlite error page, ' OR '1'='1 returns the first user, UNION SELECT reads any column (passwords)."},
		{"bola-password-change", "fuzz/bola", "PUT /users/v1/{username}/password",
			"The password of the user named in the path is changed, whoever the token belongs to: any user takes over any account."},
		{"bola-book-secret", "fuzz/bola", "GET /books/v1/{book_title}",
			"A book is looked up by title alone: any logged-in user reads another user's book and its secret."},
		{"register-admin-flag", "fuzz/privilege-escalation", "POST /users/v1/register",
			`Registration honours "admin": true from the body: anyone registers an administrator.`},
		{"debug-endpoint-passwords", "fuzz/secret-in-response", "GET /users/v1/_debug",
			"A leftover debug endpoint lists every user with their plaintext password and admin flag, without authentication."},
		{"login-user-enumeration", "fuzz/user-enumeration", "POST /users/v1/login",
			"A failed login says \"Username does not exist\" or \"Password is not correct for the given username.\": the answer tells which usernames exist."},
		{"redos-email", "fuzz/redos", "PUT /users/v1/{username}/email",
			"The e-mail is checked with a regex with nested quantifiers; a long run of letters followed by a bad character backtracks exponentially and ties up the worker."},
		{"login-no-rate-limit", "fuzz/no-auth-rate-limit", "POST /users/v1/login",
			"Login takes any number of wrong passwords without delay, lockout or 429: passwords can be brute-forced."},
		{"weak-jwt-key", "fuzz/weak-jwt-secret", "POST /users/v1/login",
			`The HS256 tokens login issues are signed with the key "random": anyone forges a token for any user (admin).`},
		{"server-version-header", "fuzz/version-disclosure", "",
			"Every answer carries Server: Werkzeug/2.2.3 Python/3.11.4: the app runs on the Werkzeug development server and says which versions."},
		{"cors-any-origin-credentials", "fuzz/cors-reflected-origin-with-credentials", "",
			"flask-cors reflects any Origin with Access-Control-Allow-Credentials: true: any web site reads the API's answers with the visitor's credentials."},
		{"reset-code-bruteforce", "fuzz/otp-no-rate-limit", "POST /users/v1/password/reset",
			"The 4-digit reset code can be tried without limit: an attacker requests a reset for any user and guesses the code (at most 9000 tries) to set a new password."},
		{"avatar-url-ssrf", "fuzz/ssrf", "POST /me/avatar",
			"The avatar URL is fetched by the server with no allow-list: an attacker makes it request internal addresses and learns from the answer what is there."},
		{"ping-command-injection", "fuzz/command-injection", "POST /tools/v1/ping",
			"The host is pasted into a shell command (ping -c 1 HOST, shell=True): ;id, |id, $(id) or backticks run commands as www-data."},
	}
}

// AlsoTrue lists findings that are true but are not the point of a flaw.
func (s *Server) AlsoTrue() []Flaw {
	var out []Flaw
	if !s.opts.Secure {
		out = append(out,
			// The injection's quote raises an unhandled sqlite error: the
			// debugger page shows the traceback and the query.
			Flaw{"sqli-debug-page", "fuzz/error-leak", "GET /users/v1/{username}", "The SQL error is answered with the Werkzeug debugger's traceback."},
			// The ReDoS makes this operation the slowest by far.
			Flaw{"redos-latency", "fuzz/latency-outlier", "PUT /users/v1/{username}/email", "The backtracking regex makes the answer take seconds."},
			// The reset endpoint is a password-reset endpoint taking a burst
			// of wrong guesses: the same flaw as the OTP one seen by the
			// rate-limit rule.
			Flaw{"reset-no-rate-limit", "fuzz/no-auth-rate-limit", "POST /users/v1/password/reset", "Wrong reset codes are never limited."},
			// The injected shell runs sleep: the answer is delayed.
			Flaw{"ping-sleep", "fuzz/time-based-injection", "POST /tools/v1/ping", "; sleep N delays the answer by N seconds."},
			// The admin flag is a server-owned field sent on create.
			Flaw{"register-admin-mass-assignment", "fuzz/mass-assignment", "POST /users/v1/register", "The admin field is honoured on registration."},
			// The BOLA answer carries another user's "secret" field.
			Flaw{"book-secret-in-response", "fuzz/secret-in-response", "GET /books/v1/{book_title}", "Another user's book secret is returned."},
			// Reflecting any origin includes "null".
			Flaw{"cors-null-origin", "fuzz/cors-origin-bypass", "", "Origin: null is reflected with credentials."},
		)
	}
	// Both modes run with debug=True (VAmPI does, secure or not): these
	// unhandled exceptions are the application's, not planted, and the
	// debugger shows their traceback.
	out = append(out,
		// The debugger also serves its console (PIN-locked) at /console.
		Flaw{"werkzeug-console", "fuzz/internal-endpoint-exposed", "", "debug=True serves the Werkzeug debugger's console at /console."},
		// A JSON body that is not an object: 'list' object has no attribute 'get'.
		Flaw{"register-debug-page", "fuzz/error-leak", "POST /users/v1/register", "A non-object JSON body raises AttributeError (debugger page)."},
		// Same with a valid token; a list or object password fails to bind.
		Flaw{"password-debug-page", "fuzz/error-leak", "PUT /users/v1/{username}/password", "A non-object body or a list password raises an exception (debugger page)."},
		// A title another user already has violates the UNIQUE constraint.
		Flaw{"book-unique-debug-page", "fuzz/error-leak", "POST /books/v1", "A duplicate title of another user raises IntegrityError (debugger page)."},
		// After an admin deletes a user, that user's books are orphans and
		// listing them raises AttributeError.
		Flaw{"books-orphan-debug-page", "fuzz/error-leak", "GET /books/v1", "Books of a deleted user raise AttributeError (debugger page)."},
		// A deleted user's token is still valid (it names a username) and
		// these views dereference the missing user: 'NoneType' object has
		// no attribute 'email' / 'admin' / 'id'.
		Flaw{"deleted-user-email-debug-page", "fuzz/error-leak", "PUT /users/v1/{username}/email", "A deleted user's token raises AttributeError (debugger page)."},
		Flaw{"deleted-user-delete-debug-page", "fuzz/error-leak", "DELETE /users/v1/{username}", "A deleted user's token raises AttributeError (debugger page)."},
		Flaw{"deleted-user-book-debug-page", "fuzz/error-leak", "POST /books/v1", "A deleted user's token raises AttributeError (debugger page)."},
	)
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
