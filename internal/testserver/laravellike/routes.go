package laravellike

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

func (s *Server) buildRoutes() []route {
	r := func(method, path string, h func(*call) error) route {
		return route{method: method, segs: splitPath(path), h: h}
	}
	routes := []route{
		r(http.MethodPost, "/vapi/api1/user", s.createUser),
		r(http.MethodGet, "/vapi/api1/user/{api1_id}", s.auth(s.getUser)),
		r(http.MethodPost, "/vapi/api2/user/login", s.login("api2")),
		r(http.MethodGet, "/vapi/api2/user/details", s.auth(s.me)),
		r(http.MethodGet, "/vapi/api3/comment", s.auth(s.commentsList)),
		r(http.MethodPost, "/vapi/api4/login", s.otpLogin),
		r(http.MethodPost, "/vapi/api4/otp/verify", s.otpVerify),
		r(http.MethodGet, "/vapi/api4/user", s.bearerAuth(s.me)),
		r(http.MethodPost, "/vapi/api5/user", s.createUser),
		r(http.MethodGet, "/vapi/api5/users", s.auth(s.listUsers)),
		r(http.MethodPost, "/vapi/api6/user", s.createUser),
		r(http.MethodGet, "/vapi/api6/user/me", s.auth(s.me)),
		r(http.MethodGet, "/vapi/api7/user/key", s.auth(s.key)),
		r(http.MethodPost, "/vapi/api8/user/login", s.sqlLogin),
		r(http.MethodGet, "/vapi/api8/user/secret", s.auth(s.secret)),
		r(http.MethodPost, "/vapi/api9/v2/user/login", s.pinLogin(true)),
	}
	if !s.secure {
		// routes/api.php still has the v1 group of API9.
		routes = append(routes, r(http.MethodPost, "/vapi/api9/v1/user/login", s.pinLogin(false)))
	}
	return routes
}

// createUser is User::create($request->all()) with the model's
// $fillable; the vulnerable build's api6 model has $guarded = [] (credit
// is bound too).
func (c *call) wantsCredit() bool {
	return !c.s.secure && strings.HasPrefix(c.r.URL.Path, "/vapi/api6/")
}

func (s *Server) createUser(c *call) error {
	if err := c.validate("username", "password"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := c.str("username")
	if s.find(func(u *user) bool { return u.username == name }) != nil {
		return c.json(http.StatusUnprocessableEntity, obj{{"message", "The given data was invalid."}, {"errors", obj{{"username", []string{"The username has already been taken."}}}}})
	}
	u := &user{id: len(s.users) + 1, username: name, name: c.str("name"), password: c.str("password"), course: c.str("course"),
		mobileno: c.str("mobileno"), email: c.str("email"), created: s.now()}
	if c.wantsCredit() {
		u.credit, _ = strconv.Atoi(c.str("credit"))
	}
	s.users = append(s.users, u)
	return c.json(http.StatusCreated, u.doc(strings.HasPrefix(c.r.URL.Path, "/vapi/api6/")))
}

// getUser is api1's User::findOrFail($id): any user's, in the
// vulnerable build.
func (s *Server) getUser(c *call) error {
	id, err := strconv.Atoi(c.params["api1_id"])
	s.mu.Lock()
	var u *user
	if err == nil && id >= 1 && id <= len(s.users) {
		u = s.users[id-1]
	}
	s.mu.Unlock()
	if u == nil {
		return &phpError{class: `Symfony\Component\HttpKernel\Exception\NotFoundHttpException`, status: 404,
			message: "No query results for model [App\\Models\\User] " + c.params["api1_id"], file: vendor + "Foundation/Exceptions/Handler.php", line: 385, trace: traceHTTP}
	}
	if s.secure && u != c.user {
		return c.json(http.StatusForbidden, obj{{"success", "false"}, {"message", "You are not allowed to view this user"}})
	}
	return c.json(http.StatusOK, u.doc(false))
}

func (s *Server) me(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return c.json(http.StatusOK, c.user.doc(true))
}

// login is api2's: User::where(username, password)->first(); the
// secure build adds ThrottlesLogins.
func (s *Server) login(group string) func(*call) error {
	return func(c *call) error {
		if err := c.validate("username", "password"); err != nil {
			return err
		}
		name, pw := c.str("username"), c.str("password")
		key := group + "|" + strings.ToLower(name) + "|" + clientIP(c.r)
		if s.secure && s.throttled(c, key, "username") {
			return nil
		}
		s.mu.Lock()
		u := s.find(func(u *user) bool { return u.username == name && u.password == pw })
		s.mu.Unlock()
		if u == nil {
			if s.secure {
				s.failed(key)
			}
			return c.json(http.StatusUnauthorized, obj{{"success", "false"}, {"message", "Invalid username or password"}})
		}
		return c.json(http.StatusOK, obj{{"success", "true"}, {"token", token(u.username, u.password)}})
	}
}

// commentsList is api3's Comment::with('user')->get(): the relation
// loads the whole user row (device id, location, phone) in the
// vulnerable build.
func (s *Server) commentsList(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []obj{}
	for _, m := range s.comments {
		u := s.users[m.author]
		author := obj{{"id", u.id}, {"username", u.username}}
		if !s.secure {
			author = append(author, kv{"name", u.name}, kv{"mobileno", u.mobileno}, kv{"deviceid", u.deviceid}, kv{"latitude", u.latitude}, kv{"longitude", u.longitude})
		}
		out = append(out, obj{{"id", m.id}, {"title", m.title}, {"comment", m.comment}, {"user", author}})
	}
	return c.json(http.StatusOK, out)
}

// otpLogin is api4's first step: a 4-digit OTP "sent" to the mobile number.
func (s *Server) otpLogin(c *call) error {
	if err := c.validate("mobileno"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	no := c.str("mobileno")
	u := s.find(func(u *user) bool { return u.mobileno == no })
	if u == nil {
		return c.json(http.StatusNotFound, obj{{"success", "false"}, {"msg", "Mobile number not registered"}})
	}
	u.otp = s.otpFor(u)
	return c.json(http.StatusOK, obj{{"success", "true"}, {"msg", "4 Digit OTP sent on mobile no."}})
}

// otpVerify is api4's second step: User::where('otp', $otp)->first(),
// as many guesses as one likes; the secure build voids a code after
// five wrong ones.
func (s *Server) otpVerify(c *call) error {
	if err := c.validate("otp"); err != nil {
		return err
	}
	key := "otp|" + clientIP(c.r)
	if s.secure && s.throttled(c, key, "otp") {
		return nil
	}
	s.mu.Lock()
	otp := c.str("otp")
	u := s.find(func(u *user) bool { return u.otp != "" && u.otp == otp })
	var tok string
	if u != nil {
		u.otp = ""
		sum := sha256.Sum256(fmt.Appendf(nil, "bearer-%d-%d", u.id, len(s.bearer)))
		tok = fmt.Sprintf("%d|%x", len(s.bearer)+1, sum[:20])
		s.bearer[tok] = u
	}
	s.mu.Unlock()
	if u == nil {
		if s.secure {
			s.failed(key)
		}
		return c.json(http.StatusForbidden, obj{{"success", "false"}, {"msg", "Invalid OTP"}})
	}
	return c.json(http.StatusOK, obj{{"success", "true"}, {"token", tok}})
}

// listUsers is api5's admin list: the secure build checks the role.
func (s *Server) listUsers(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secure && !c.user.admin {
		return c.json(http.StatusForbidden, obj{{"success", "false"}, {"message", "Admin access required"}})
	}
	out := []obj{}
	for _, u := range s.users {
		out = append(out, u.doc(true))
	}
	return c.json(http.StatusOK, out)
}

// key is api7's: the user's API key, read by the front end with the
// session cookie and the token (so CORS with credentials exposes it).
func (s *Server) key(c *call) error {
	sum := sha256.Sum256([]byte("key-" + c.user.username))
	return c.json(http.StatusOK, obj{{"success", "true"}, {"key", fmt.Sprintf("%x", sum[:16])}})
}

func (s *Server) secret(c *call) error {
	return c.json(http.StatusOK, obj{{"success", "true"}, {"message", "Welcome back, " + c.user.name + ": nothing to see here."}})
}

// sqlLogin is api8's login:
//
//	$user = DB::select("SELECT * FROM users WHERE username='".$request->username."' AND password='".$request->password."'");
//
// MySQL runs what the strings make; the secure build binds them.
func (s *Server) sqlLogin(c *call) error {
	if err := c.validate("username", "password"); err != nil {
		return err
	}
	name, pw := c.str("username"), c.str("password")
	key := "api8|" + strings.ToLower(name) + "|" + clientIP(c.r)
	if s.secure && s.throttled(c, key, "username") {
		return nil
	}
	s.mu.Lock()
	var u *user
	if s.secure {
		u = s.find(func(u *user) bool { return u.username == name && u.password == pw })
	} else {
		sql := "SELECT * FROM users WHERE username='" + name + "' AND password='" + pw + "'"
		var err error
		u, err = s.runLogin(sql)
		if err != nil {
			s.mu.Unlock()
			return err
		}
	}
	s.mu.Unlock()
	if u == nil {
		if s.secure {
			s.failed(key)
		}
		return c.json(http.StatusUnauthorized, obj{{"success", "false"}, {"message", "Invalid username or password"}})
	}
	return c.json(http.StatusOK, obj{{"success", "true"}, {"token", token(u.username, u.password)}})
}

// sqlToken is a token of the WHERE clause: a string literal (lit) or a
// word, number or "=".
type sqlToken struct {
	text string
	lit  bool
}

// runLogin evaluates the string-built WHERE clause as MySQL would for
// the shapes injections take: a quote left open or stray words are a
// syntax error (1064), "-- " and "#" comment the rest out, AND binds
// before OR, so "' OR '1'='1' -- " matches every row and "' OR '1'='1"
// (the password check still after it) the rows with that password.
func (s *Server) runLogin(sql string) (*user, error) {
	where := strings.TrimPrefix(sql, "SELECT * FROM users WHERE ")
	near := func(rest string) error {
		if len(rest) > 40 {
			rest = rest[:40]
		}
		return queryException("42000", "Syntax error or access violation: 1064 You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '"+rest+"' at line 1", sql)
	}
	var toks []sqlToken
	var offs []int
	for i := 0; i < len(where); {
		ch := where[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			i++
		case ch == '#' || strings.HasPrefix(where[i:], "-- ") || where[i:] == "--":
			i = len(where)
		case ch == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(where); j++ {
				if where[j] == '\\' && j+1 < len(where) {
					j++
					b.WriteByte(where[j])
				} else if where[j] == '\'' && j+1 < len(where) && where[j+1] == '\'' {
					j++
					b.WriteByte('\'')
				} else if where[j] == '\'' {
					break
				} else {
					b.WriteByte(where[j])
				}
			}
			if j >= len(where) {
				return nil, near(where[i:])
			}
			toks, offs = append(toks, sqlToken{b.String(), true}), append(offs, i)
			i = j + 1
		case ch == '=':
			toks, offs = append(toks, sqlToken{"=", false}), append(offs, i)
			i++
		default:
			j := i
			for j < len(where) && strings.IndexByte(" \t\r\n='#", where[j]) < 0 {
				j++
			}
			if j == i {
				return nil, near(where[i:])
			}
			toks, offs = append(toks, sqlToken{where[i:j], false}), append(offs, i)
			i = j
		}
	}
	// The clause: cond { (AND|OR) cond }, cond = operand "=" operand, an
	// operand a column (username, password), a literal or a number.
	value := func(t sqlToken) (func(*user) string, bool) {
		switch {
		case t.lit:
			return func(*user) string { return t.text }, true
		case strings.EqualFold(t.text, "username"):
			return func(u *user) string { return u.username }, true
		case strings.EqualFold(t.text, "password"):
			return func(u *user) string { return u.password }, true
		case strings.Trim(t.text, "0123456789") == "":
			return func(*user) string { return t.text }, true
		}
		return nil, false
	}
	type term func(*user) bool
	var groups [][]term
	for k := 0; k < len(toks); {
		or := len(groups) == 0
		if k > 0 {
			switch strings.ToUpper(toks[k].text) {
			case "AND":
			case "OR":
				or = true
			default:
				return nil, near(where[offs[k]:])
			}
			if toks[k].lit {
				return nil, near(where[offs[k]:])
			}
			k++
		}
		if k+3 > len(toks) || toks[k+1].text != "=" || toks[k+1].lit {
			at := len(where)
			if k < len(toks) {
				at = offs[k]
			}
			return nil, near(where[at:])
		}
		a, ok1 := value(toks[k])
		b, ok2 := value(toks[k+2])
		if !ok1 || !ok2 {
			return nil, queryException("42S22", "Column not found: 1054 Unknown column '"+toks[k].text+"' in 'where clause'", sql)
		}
		t := func(u *user) bool { return a(u) == b(u) }
		if or {
			groups = append(groups, []term{t})
		} else {
			groups[len(groups)-1] = append(groups[len(groups)-1], t)
		}
		k += 3
	}
	for _, u := range s.users {
		for _, g := range groups {
			all := true
			for _, t := range g {
				all = all && t(u)
			}
			if all {
				return u, nil
			}
		}
	}
	return nil, nil
}

// pinLogin is api9's login by user name and 4-digit PIN; v2 has
// throttle:5,1 (in both builds), the old v1 none.
func (s *Server) pinLogin(limited bool) func(*call) error {
	return func(c *call) error {
		if err := c.validate("username", "pin"); err != nil {
			return err
		}
		name, pin := c.str("username"), c.str("pin")
		key := "api9|" + strings.ToLower(name) + "|" + clientIP(c.r)
		if limited && s.throttled(c, key, "username") {
			return nil
		}
		s.mu.Lock()
		u := s.find(func(u *user) bool { return u.username == name && u.pin != "" && u.pin == pin })
		s.mu.Unlock()
		if u == nil {
			if limited {
				s.failed(key)
			}
			return c.json(http.StatusUnauthorized, obj{{"success", "false"}, {"message", "Invalid username or pin"}})
		}
		return c.json(http.StatusOK, obj{{"success", "true"}, {"token", token(u.username, u.password)}})
	}
}
