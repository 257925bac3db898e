package expresslike

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

func (s *Server) buildRoutes() []route {
	r := func(method, path string, h func(*call) error) route {
		return route{method: method, segs: splitPath(path), h: h}
	}
	routes := []route{
		r(http.MethodPost, "/api/v2/register", s.register),
		r(http.MethodPost, "/api/v2/login", s.login(true)),
		r(http.MethodGet, "/api/v2/users/me", s.auth(s.me)),
		r(http.MethodPost, "/api/v2/users/me/avatar", s.auth(s.avatar)),
		r(http.MethodGet, "/api/v2/notes", s.auth(s.listNotes)),
		r(http.MethodPost, "/api/v2/notes", s.auth(s.createNote)),
		r(http.MethodGet, "/api/v2/notes/search", s.auth(s.searchNotes)),
		r(http.MethodGet, "/api/v2/notes/:id", s.auth(s.getNote)),
		r(http.MethodDelete, "/api/v2/notes/:id", s.auth(s.deleteNote)),
		r(http.MethodGet, "/api/v2/admin/users", s.auth(s.adminUsers)),
	}
	if !s.secure {
		// routes/v1.js is still mounted: app.use('/api/v1', v1Router),
		// whose login is the same handler without v2's checks.
		routes = append(routes, r(http.MethodPost, "/api/v1/login", s.login(false)))
	}
	return routes
}

// register is POST /api/v2/register: new User(req.body).save() (the
// vulnerable build binds the whole body, admin included; the schema's
// strict mode drops unknown members).
func (s *Server) register(c *call) error {
	paths := []string{"String:username", "String:email", "String:password"}
	if !s.secure {
		paths = append(paths, "Boolean:admin")
	}
	vals, err := c.bind("User", paths, "username", "password")
	if err != nil {
		return err
	}
	name, _ := vals["username"].(string)
	email, _ := vals["email"].(string)
	pw, _ := vals["password"].(string)
	admin, _ := vals["admin"].(bool)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.findUser(func(u *user) bool { return u.username == name }) != nil { // E11000 on the unique index
		return c.json(http.StatusConflict, obj{{"success", false}, {"message", "Username already exists"}})
	}
	now := s.now()
	s.users = append(s.users, &user{id: s.oid(now), username: name, email: email, password: bcryptHash(pw, name+now.String()), admin: admin, created: now})
	return c.json(http.StatusCreated, obj{{"success", true}, {"message", "User registered successfully"}})
}

// bind is new Model(fields).validate(): each "Type:path" member of
// req.body cast as mongoose casts it, required paths present, the
// failures gathered in one ValidationError. Other members are dropped
// (strict mode).
func (c *call) bind(model string, paths []string, required ...string) (map[string]any, error) {
	out := map[string]any{}
	var errs []string
	for _, p := range paths {
		kind, name, _ := strings.Cut(p, ":")
		v, ok := c.field(name)
		if !ok || v == nil {
			if slices.Contains(required, name) {
				errs = append(errs, name+": Path `"+name+"` is required.")
			}
			continue
		}
		var err error
		if kind == "Boolean" {
			out[name], err = castBool(v, name, model)
		} else {
			out[name], err = castString(v, name, model)
		}
		if err != nil {
			errs = append(errs, name+": "+strings.TrimPrefix(err.Error(), "CastError: ")+` because of "CastError"`)
		}
	}
	if len(errs) > 0 {
		return nil, &jsError{name: "ValidationError", message: model + " validation failed: " + strings.Join(errs, ", "), frames: framesValidation}
	}
	return out, nil
}

// login is POST /api/v2/login (checks true) and the old POST /api/v1/login.
//
//	let user = await User.findOne({ username, password }) // v1 accounts kept plain-text passwords
//	if (!user) {
//	  user = await User.findOne({ username })
//	  if (user && !(await bcrypt.compare(password, user.password))) user = null
//	}
//
// Both queries take req.body's members as they are: operator objects
// reach MongoDB, and undefined members are dropped from the filter (v1,
// without the required-field check, logs in as the first user on {}). The
// first query also takes a stored hash as the password. Secure keeps only
// the second, with both members checked to be strings, and limits
// failures.
func (s *Server) login(checks bool) func(*call) error {
	fail := func(c *call) error {
		return c.json(http.StatusOK, obj{{"success", false}, {"message", "Invalid username or password"}})
	}
	return func(c *call) error {
		name, hasName := c.field("username")
		pw, hasPw := c.field("password")
		if checks && (!truthy(name, hasName) || !truthy(pw, hasPw)) {
			return c.json(http.StatusBadRequest, obj{{"success", false}, {"message", "Username and password are required"}})
		}
		key := clientIP(c.r) + "\x00" + fmt.Sprint(name)
		if s.secure {
			_, nameStr := name.(string)
			_, pwStr := pw.(string)
			if !nameStr || !pwStr {
				return c.json(http.StatusBadRequest, obj{{"success", false}, {"message", "Username and password are required"}})
			}
			if wait := s.limited(key); wait > 0 {
				c.w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
				return c.json(http.StatusTooManyRequests, obj{{"success", false}, {"message", fmt.Sprintf("Too many failed login attempts, retry in %d seconds", int(wait.Seconds())+1)}})
			}
		}
		s.mu.Lock()
		var found *user
		var err error
		find := func(withPw bool) *user {
			for _, u := range s.users {
				ok := true
				if hasName {
					ok, err = matches(u.username, name, "username", "User")
				}
				if ok && err == nil && withPw && hasPw {
					ok, err = matches(u.password, pw, "password", "User")
				}
				if err != nil {
					return nil
				}
				if ok {
					return u
				}
			}
			return nil
		}
		if !s.secure {
			found = find(true)
		}
		plain := found != nil
		if found == nil && err == nil {
			found = find(false)
		}
		s.mu.Unlock()
		if err != nil {
			return err
		}
		if found != nil && !plain {
			p, isStr := pw.(string)
			if !isStr {
				return &jsError{name: "Error", message: "Illegal arguments: " + typeOf(pw) + ", string", frames: framesBcrypt}
			}
			if !bcryptCompare(p, found.password) {
				found = nil
			}
		}
		if found == nil {
			if s.secure {
				s.failed(key)
			}
			return fail(c)
		}
		return c.json(http.StatusOK, obj{{"success", true}, {"token", s.sign(found)}})
	}
}

// typeOf is JavaScript's typeof of a req.body member (null and arrays
// are objects).
func typeOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return "object"
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limited and failed are the Secure build's login limiter
// (rate-limiter-flexible's "consecutive fails by username and IP"):
// five failures in 15 minutes block the pair for the rest of them.
func (s *Server) limited(key string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keep []time.Time
	for _, t := range s.fails[key] {
		if s.now().Sub(t) < 15*time.Minute {
			keep = append(keep, t)
		}
	}
	s.fails[key] = keep
	if len(keep) >= 5 {
		return 15*time.Minute - s.now().Sub(keep[0])
	}
	return 0
}

func (s *Server) failed(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[key] = append(s.fails[key], s.now())
}

// me is GET /api/v2/users/me: User.findById(req.user.id).select('-password').
func (s *Server) me(c *call) error {
	s.mu.Lock()
	d := c.user.doc(false)
	s.mu.Unlock()
	return c.json(http.StatusOK, d)
}

// avatar is POST /api/v2/users/me/avatar: axios.get(req.body.avatarUrl).
func (s *Server) avatar(c *call) error {
	v, _ := c.field("avatarUrl")
	raw, _ := v.(string)
	if s.secure {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || (u.Hostname() != "gravatar.com" && u.Hostname() != "www.gravatar.com" && u.Hostname() != "avatars.githubusercontent.com") {
			return c.json(http.StatusBadRequest, obj{{"success", false}, {"message", "avatarUrl must be an https URL on gravatar.com or avatars.githubusercontent.com"}})
		}
	}
	ctype, size, err := fetch(raw)
	if err != nil {
		return c.json(http.StatusBadRequest, obj{{"success", false}, {"message", "Could not fetch avatar: " + err.Error()}})
	}
	s.mu.Lock()
	c.user.avatar = raw
	s.mu.Unlock()
	return c.json(http.StatusOK, obj{{"success", true}, {"message", "Avatar updated"}, {"avatar", obj{{"url", raw}, {"contentType", ctype}, {"size", size}}}})
}

func (s *Server) listNotes(c *call) error {
	s.mu.Lock()
	out := []noteDoc{}
	for _, n := range s.notes {
		if n.owner == c.user.id {
			out = append(out, n.doc())
		}
	}
	s.mu.Unlock()
	return c.json(http.StatusOK, out)
}

// createNote is new Note({ ...req.body, owner: req.user.id }).save().
func (s *Server) createNote(c *call) error {
	vals, err := c.bind("Note", []string{"String:title", "String:body", "Boolean:private"}, "title")
	if err != nil {
		return err
	}
	title, _ := vals["title"].(string)
	body, _ := vals["body"].(string)
	private, set := vals["private"].(bool)
	s.mu.Lock()
	now := s.now()
	n := &note{id: s.oid(now), title: title, body: body, owner: c.user.id, private: private || !set, created: now}
	s.notes = append(s.notes, n)
	d := n.doc()
	s.mu.Unlock()
	return c.json(http.StatusCreated, d)
}

// getNote is Note.findById(req.params.id); Secure adds the owner to the
// filter.
func (s *Server) getNote(c *call) error {
	s.mu.Lock()
	n, err := s.noteByID(c.params["id"])
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if n == nil || s.secure && n.owner != c.user.id {
		return c.json(http.StatusNotFound, obj{{"message", "Note not found"}})
	}
	return c.json(http.StatusOK, n.doc())
}

// deleteNote is Note.findOneAndDelete({ _id: req.params.id, owner: req.user.id }).
func (s *Server) deleteNote(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.noteByID(c.params["id"])
	if err != nil {
		return err
	}
	if n == nil || n.owner != c.user.id {
		return c.json(http.StatusNotFound, obj{{"message", "Note not found"}})
	}
	for i, m := range s.notes {
		if m == n {
			s.notes = append(s.notes[:i], s.notes[i+1:]...)
			break
		}
	}
	return c.json(http.StatusOK, obj{{"success", true}, {"message", "Note deleted"}})
}

// searchNotes is Note.find({ title: new RegExp(req.query.q, 'i'), $or:
// [{ owner }, { private: false }] }); with no result the vulnerable build
// answers res.send('No results for ' + q).
func (s *Server) searchNotes(c *call) error {
	q := c.r.URL.Query().Get("q")
	pattern := q
	if s.secure {
		pattern = regexp.QuoteMeta(q) // _.escapeRegExp
	}
	re, err := regexp.Compile("(?i)" + pattern)
	if err != nil {
		return &jsError{name: "SyntaxError", message: "Invalid regular expression: /" + q + "/: " + jsRegexpReason(err),
			frames: append([]string{"new RegExp (<anonymous>)", "/app/routes/notes.js:41:25"}, framesTail[:2]...)}
	}
	s.mu.Lock()
	out := []noteDoc{}
	for _, n := range s.notes {
		if (n.owner == c.user.id || !n.private) && re.MatchString(n.title) {
			out = append(out, n.doc())
		}
	}
	s.mu.Unlock()
	if len(out) == 0 && !s.secure {
		sendText(c.w, c.r, http.StatusOK, "No results for "+q)
		return nil
	}
	return c.json(http.StatusOK, out)
}

// jsRegexpReason words a regexp error as V8 does.
func jsRegexpReason(err error) string {
	for _, r := range [][2]string{{"missing closing )", "Unterminated group"}, {"unexpected )", "Unmatched ')'"},
		{"missing closing ]", "Unterminated character class"}, {"missing argument to repetition", "Nothing to repeat"},
		{"trailing backslash", "\\ at end of pattern"}} {
		if strings.Contains(err.Error(), r[0]) {
			return r[1]
		}
	}
	return "Invalid group"
}

// adminUsers is GET /api/v2/admin/users: User.find(). The vulnerable
// build's router forgot the isAdmin middleware and the select('-password').
func (s *Server) adminUsers(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secure && !c.user.admin {
		return c.json(http.StatusForbidden, obj{{"message", "Require Admin Role!"}})
	}
	out := []userDoc{}
	for _, u := range s.users {
		out = append(out, u.doc(!s.secure))
	}
	return c.json(http.StatusOK, out)
}

// --- outbound requests ---

const fetchTimeout = 3 * time.Second

var errRefused = errors.New("refused")

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return strings.EqualFold(host, "localhost") || ip != nil && ip.IsLoopback()
}

// outbound reaches loopback addresses only (a test never touches the
// network): every connection, redirects' too, is dialled here, and only
// to a loopback literal; no name is resolved, no proxy used.
var outbound = &http.Client{
	Timeout: fetchTimeout,
	Transport: &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(address)
			if err != nil || !loopback(host) {
				return nil, errRefused
			}
			if strings.EqualFold(host, "localhost") {
				host = "127.0.0.1"
			}
			return (&net.Dialer{Timeout: fetchTimeout}).DialContext(ctx, network, net.JoinHostPort(host, port))
		},
		DisableKeepAlives: true,
	},
}

// fetch is axios.get(raw, { responseType: 'arraybuffer' }), with axios's
// error messages.
func fetch(raw string) (string, int, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", 0, errors.New("Invalid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", 0, errors.New("Unsupported protocol " + u.Scheme + ":")
	}
	if !loopback(u.Hostname()) {
		return "", 0, errors.New("getaddrinfo ENOTFOUND " + u.Hostname())
	}
	resp, err := outbound.Get(u.String())
	if err != nil {
		return "", 0, fmt.Errorf("connect ECONNREFUSED %s", u.Host)
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, 5<<20))
	if resp.StatusCode >= 400 {
		return "", 0, fmt.Errorf("Request failed with status code %d", resp.StatusCode)
	}
	return resp.Header.Get("Content-Type"), int(n), nil
}
