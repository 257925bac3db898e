// Package expresslike is a test server that behaves like a Node.js API on
// Express 4, body-parser, mongoose (MongoDB) and jsonwebtoken: a notes
// app of the kind dvws-node and the usual Node "notes" tutorials are, with
// their flaws planted in it (mass-assigned admin flag, NoSQL injection in
// the login, a weak JWT secret, no owner check on a note, an admin list
// any user reads, avatar fetched from any URL, HTML built from the query,
// development error pages, no login limit, the old v1 login still mounted,
// express.static on the project root).
//
// The framework's behaviour is the same in both modes (express.go):
// Express's HTML 404 for unknown routes and for unsupported methods alike,
// X-Powered-By, body-parser's SyntaxError, mongoose's casting and its
// CastError. Options.Secure fixes the application's flaws, and runs with
// NODE_ENV=production (no stacks in error pages).
package expresslike

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure the server.
type Options struct {
	// Secure fixes every planted flaw (see flaws.go); the framework's
	// behaviour stays.
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
	id, username, email, password, avatar string // password: the bcrypt hash
	admin                                 bool
	created                               time.Time
}

type note struct {
	id, title, body, owner string
	private                bool
	created                time.Time
}

type staticFile struct{ ctype, body string }

// Server is the application. It is safe for concurrent use.
type Server struct {
	secure bool
	clock  func() time.Time
	secret []byte
	routes []route
	static map[string]staticFile

	mu    sync.Mutex
	users []*user
	notes []*note
	oids  uint32
	fails map[string][]time.Time // Secure: failed logins per IP and user name
}

// weakSecret is JWT_SECRET in the vulnerable build's .env.
const weakSecret = "supersecret"

// dotEnv is the project's .env, which express.static on the project root
// (with dotfiles: "allow", for .well-known) serves.
const dotEnv = "PORT=3000\nMONGO_URI=mongodb://notes_app:Mong0-N0tes-2024@mongo:27017/notes?authSource=admin\nJWT_SECRET=" + weakSecret + "\nJWT_EXPIRES_IN=24h\nSMTP_PASS=mailer-Pa55word\n"

var seedTime = time.Date(2024, 3, 12, 8, 15, 2, 0, time.UTC)

// New builds the server with its seed data.
func New(opts Options) *Server {
	s := &Server{secure: opts.Secure, clock: opts.Now, secret: []byte(weakSecret), fails: map[string][]time.Time{}, static: map[string]staticFile{}}
	if s.secure {
		s.secret = []byte("7f4c1e9a0b3d62f85e17c4a9d03b6e21f8a5c7d94e0b2a6c13f9e8d7b5a40c6e")
	} else {
		s.static["/.env"] = staticFile{"application/octet-stream", dotEnv}
		s.static["/package.json"] = staticFile{"application/json; charset=UTF-8", `{"name":"notes-api","version":"2.3.1","main":"server.js","scripts":{"start":"node server.js"},"dependencies":{"bcryptjs":"^2.4.3","body-parser":"^1.20.2","dotenv":"^16.3.1","express":"^4.18.2","jsonwebtoken":"^9.0.2","mongoose":"^7.6.3","axios":"^1.6.0"}}` + "\n"}
	}
	for i, u := range []struct {
		name, email, pw string
		admin           bool
	}{{"admin", "admin@notes.local", "Adm1n-N0tes!", true}, {"john", "john@example.com", "J0hnny-2023!", false}, {"jane", "jane@example.com", "Jane.Doe#88", false}} {
		s.users = append(s.users, &user{id: s.oid(seedTime.Add(time.Duration(i) * time.Minute)), username: u.name, email: u.email,
			password: bcryptHash(u.pw, u.name), admin: u.admin, created: seedTime.Add(time.Duration(i) * time.Minute)})
	}
	for i, n := range []struct {
		owner       int
		title, body string
		private     bool
	}{{1, "Bank", "Online banking PIN 4921, security answer: Rex", true}, {1, "Groceries", "milk, eggs, coffee", false},
		{2, "Passwords", "router admin / Jane1988!", true}, {2, "Book club", "Next: The Left Hand of Darkness", false},
		{0, "Ops", "mongo root password rotates on the 1st", true}} {
		t := seedTime.Add(time.Hour + time.Duration(i)*time.Minute)
		s.notes = append(s.notes, &note{id: s.oid(t), title: n.title, body: n.body, owner: s.users[n.owner].id, private: n.private, created: t})
	}
	s.routes = s.buildRoutes()
	return s
}

func (s *Server) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

func (s *Server) production() bool { return s.secure }

// oid is a new ObjectId: a timestamp, the process's random value, a counter.
func (s *Server) oid(t time.Time) string {
	s.oids++
	return fmt.Sprintf("%08x%s%06x", uint32(t.Unix()), "a41f9c0e27", s.oids&0xffffff)
}

var objectID = regexp.MustCompile(`^[0-9a-fA-F]{24}$`)

var bcryptEnc = base64.NewEncoding("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789").WithPadding(base64.NoPadding)

// bcryptHash is a stand-in for bcrypt.hash(pw, 10): the same format
// ($2b$10$, a 22-character salt, a 31-character hash), SHA-256 inside.
func bcryptHash(pw, salt string) string {
	s := sha256.Sum256([]byte("salt:" + salt))
	saltText := bcryptEnc.EncodeToString(s[:])[:22]
	h := sha256.Sum256([]byte(saltText + pw))
	return "$2b$10$" + saltText + bcryptEnc.EncodeToString(h[:])[:31]
}

// bcryptCompare is bcrypt.compare for a string password.
func bcryptCompare(pw, hash string) bool {
	if len(hash) != 60 {
		return false
	}
	h := sha256.Sum256([]byte(hash[7:29] + pw))
	return hmac.Equal([]byte(bcryptEnc.EncodeToString(h[:])[:31]), []byte(hash[29:]))
}

// isoTime is Date.prototype.toISOString.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// userDoc is a User document as mongoose's toJSON writes it.
type userDoc struct {
	ID        string `json:"_id"`
	Username  string `json:"username"`
	Email     string `json:"email,omitempty"`
	Password  string `json:"password,omitempty"`
	Admin     bool   `json:"admin"`
	Avatar    string `json:"avatar,omitempty"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
	V         int    `json:"__v"`
}

func (u *user) doc(withPassword bool) userDoc {
	d := userDoc{ID: u.id, Username: u.username, Email: u.email, Admin: u.admin, Avatar: u.avatar, CreatedAt: isoTime(u.created), UpdatedAt: isoTime(u.created)}
	if withPassword {
		d.Password = u.password
	}
	return d
}

type noteDoc struct {
	ID        string `json:"_id"`
	Title     string `json:"title"`
	Body      string `json:"body,omitempty"`
	Private   bool   `json:"private"`
	Owner     string `json:"owner"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
	V         int    `json:"__v"`
}

func (n *note) doc() noteDoc {
	return noteDoc{n.id, n.title, n.body, n.private, n.owner, isoTime(n.created), isoTime(n.created), 0}
}

// --- JWT (jsonwebtoken's sign and verify, HS256) ---

func (s *Server) sign(u *user) string {
	enc := base64.RawURLEncoding
	now := s.now().Unix()
	claims, _ := json.Marshal(obj{{"id", u.id}, {"username", u.username}, {"admin", u.admin}, {"iat", now}, {"exp", now + 86400}})
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(claims)
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(head))
	return head + "." + enc.EncodeToString(m.Sum(nil))
}

// verify is jwt.verify(token, secret): HS256 only here, exp checked.
func (s *Server) verify(tok string) (string, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", false
	}
	enc := base64.RawURLEncoding
	hb, err1 := enc.DecodeString(parts[0])
	cb, err2 := enc.DecodeString(parts[1])
	sig, err3 := enc.DecodeString(parts[2])
	var head struct{ Alg string }
	var claims struct {
		ID  string  `json:"id"`
		Exp float64 `json:"exp"`
	}
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &head) != nil || json.Unmarshal(cb, &claims) != nil || head.Alg != "HS256" {
		return "", false
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, m.Sum(nil)) || claims.Exp != 0 && float64(s.now().Unix()) >= claims.Exp {
		return "", false
	}
	return claims.ID, true
}

// auth is the verifyToken middleware: the bearer token, verified; the
// user is looked up by the handler (User.findById(req.user.id)).
func (s *Server) auth(h func(*call) error) func(*call) error {
	return func(c *call) error {
		hdr := c.r.Header.Get("Authorization")
		fields := strings.Split(hdr, " ")
		if hdr == "" || len(fields) < 2 || fields[1] == "" {
			return c.json(http.StatusUnauthorized, obj{{"message", "No token provided"}})
		}
		id, ok := s.verify(fields[1])
		if !ok {
			return c.json(http.StatusUnauthorized, obj{{"message", "Failed to authenticate token"}})
		}
		s.mu.Lock()
		c.user = s.findUser(func(u *user) bool { return u.id == id })
		s.mu.Unlock()
		if c.user == nil {
			return &jsError{name: "TypeError", message: "Cannot read properties of null (reading '_id')", frames: append([]string{"/app/routes/users.js:12:31"}, framesMongoose[2:]...)}
		}
		return h(c)
	}
}

func (s *Server) findUser(pred func(*user) bool) *user {
	for _, u := range s.users {
		if pred(u) {
			return u
		}
	}
	return nil
}

// --- mongoose casting and MongoDB query operators ---

// castString is mongoose's cast of a value to a String path.
func castString(v any, path, model string) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return fmt.Sprint(x), nil
	}
	return "", castError("string", v, path, model)
}

func castBool(v any, path, model string) (bool, error) {
	switch fmt.Sprint(v) {
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	}
	return false, castError("Boolean", v, path, model)
}

// truthy is JavaScript's truthiness of a req.body member.
func truthy(v any, ok bool) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case bool:
		return x
	case json.Number:
		f, err := x.Float64()
		return err == nil && f != 0
	}
	return ok
}

// matches is how MongoDB compares a stored string with a query value
// after mongoose's cast: operator objects ($ne, $gt, $regex, $in...)
// are passed through, arrays become $in.
func matches(stored string, cond any, path, model string) (bool, error) {
	switch x := cond.(type) {
	case []any:
		for _, e := range x {
			if ok, err := matches(stored, e, path, model); ok || err != nil {
				return ok, err
			}
		}
		return false, nil
	case nil:
		return false, nil
	case map[string]any:
		if len(x) == 0 {
			return false, castError("string", cond, path, model)
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, op := range keys {
			arg := x[op]
			a, _ := castString(arg, path, model)
			var ok bool
			switch op {
			case "$ne":
				ok = arg == nil || a != stored
			case "$eq":
				ok = arg != nil && a == stored
			case "$gt", "$gte", "$lt", "$lte":
				cmp := strings.Compare(stored, a)
				ok = arg != nil && (cmp > 0 && op[1] == 'g' || cmp < 0 && op[1] == 'l' || cmp == 0 && len(op) == 4)
			case "$exists":
				ok = truthy(arg, true)
			case "$in", "$nin":
				arr, isArr := arg.([]any)
				if !isArr {
					return false, &jsError{name: "MongoServerError", message: op + " needs an array", frames: framesMongo}
				}
				ok, _ = matches(stored, arr, path, model)
				ok = ok == (op == "$in")
			case "$regex":
				re, err := regexp.Compile(a)
				if err != nil {
					return false, &jsError{name: "MongoServerError", message: "Regular expression is invalid: " + err.Error(), frames: framesMongo}
				}
				ok = re.MatchString(stored)
			case "$options":
				ok = true
			default:
				if strings.HasPrefix(op, "$") {
					return false, &jsError{name: "MongoServerError", message: "unknown operator: " + op, frames: framesMongo}
				}
				return false, castError("string", cond, path, model)
			}
			if !ok {
				return false, nil
			}
		}
		return true, nil
	}
	v, err := castString(cond, path, model)
	return err == nil && v == stored, err
}

// noteByID is Note.findById(req.params.id): a CastError when the id is
// not an ObjectId.
func (s *Server) noteByID(id string) (*note, error) {
	if !objectID.MatchString(id) {
		return nil, castError("ObjectId", id, "_id", "Note")
	}
	for _, n := range s.notes {
		if strings.EqualFold(n.id, id) {
			return n, nil
		}
	}
	return nil, nil
}
