package flasklike

// The views: api_views/main.py, users.py and books.py of the app, plus the
// password reset, the avatar upload and the ping tool.

import (
	"fmt"
	"strings"
	"time"
)

func usersPy(line int, fn, code string) pyFrame { return app("api_views/users.py", line, fn, code) }
func booksPy(line int, fn, code string) pyFrame { return app("api_views/books.py", line, fn, code) }
func toolsPy(line int, fn, code string) pyFrame { return app("api_views/tools.py", line, fn, code) }

func (c *ctx) json(at pyFrame) any { return c.getJSON(at) }

// attributeError is what Python raises for v.attr on the wrong type.
func attributeError(v any, attr string) *pyException {
	return pyErr("AttributeError", fmt.Sprintf("'%s' object has no attribute '%s'", pyTypeName(v), attr))
}

// dictGet is request_data.get(key) raised from frame at when the body is
// not a dict.
func (c *ctx) dictGet(v any, key string, at ...pyFrame) any {
	d, ok := v.(*pyDict)
	if !ok {
		c.raise(attributeError(v, "get"), at...)
	}
	x, _ := d.get(key)
	return x
}

// ---- main.py ----

func (s *Server) populateDB(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seed()
	return jsonResponse(200, `{ "message": "Database populated." }`)
}

func (s *Server) home(c *ctx) *response {
	v := 1
	if s.opts.Secure {
		v = 0
	}
	return jsonResponse(200, `{ "message": "VAmPI the Vulnerable API", "help": "VAmPI is a small books and users API written with Flask and connexion, used to check how well API security tools find its flaws.", "vulnerable":`+itoa(v)+"}")
}

// ---- users.py ----

func (s *Server) getAllUsers(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []any{}
	for _, u := range s.users {
		list = append(list, obj("username", u.username, "email", u.email))
	}
	return jsonResponse(200, jsonify(obj("users", list)))
}

func (s *Server) debugUsers(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []any{}
	for _, u := range s.users {
		list = append(list, obj("username", u.username, "password", u.password, "email", u.email, "admin", u.admin))
	}
	return jsonResponse(200, jsonify(obj("users", list)))
}

func (s *Server) getByUsername(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := c.args["username"]
	at := []pyFrame{
		usersPy(27, "get_by_username", "if User.get_user(username):"),
		app("models/user_model.py", 71, "get_user", "query = db.session.execute(text(user_query))"),
		lib("sqlalchemy/orm/scoping.py", 722, "execute", "return self._proxied.execute("),
	}
	if s.opts.Secure {
		u := s.userByName(name)
		if u == nil {
			return failure(404, "User not found")
		}
		return jsonResponse(200, `{"username": "`+u.username+`", "email": "`+u.email+`"}`)
	}
	query := "SELECT * FROM users WHERE username = '" + name + "'"
	row, err := s.rawQuery(query)
	if err != nil {
		switch err.kind {
		case "StatementError":
			c.raise(&pyException{typ: "sqlalchemy.exc.StatementError", msg: "(sqlalchemy.exc.InvalidRequestError) " + err.msg + "\n[SQL: " + err.sql + "]\n(Background on this error at: https://sqlalche.me/e/20/cd3x)",
				cause: &pyException{typ: "sqlalchemy.exc.InvalidRequestError", msg: err.msg, frames: []pyFrame{
					lib("sqlalchemy/engine/base.py", 1909, "_execute_context", "context = constructor("),
					lib("sqlalchemy/engine/default.py", 1384, "_init_compiled", "self.compiled_parameters = ["),
					lib("sqlalchemy/sql/compiler.py", 1594, "construct_params", "raise exc.InvalidRequestError("),
				}}}, at[:2]...)
		default:
			c.raiseDB(dbError(err.kind, err.msg, query, ""), append(at, dbFrames()...)...)
		}
	}
	if row == nil {
		return failure(404, "User not found")
	}
	if len(row) < 4 {
		c.raise(pyErr("IndexError", "tuple index out of range"), at[0], app("models/user_model.py", 74, "get_user", `fin_query = '{"username": "%s", "email": "%s"}' % (ret[1], ret[3])`))
	}
	return jsonResponse(200, `{"username": "`+row[1].pyStr()+`", "email": "`+row[3].pyStr()+`"}`)
}

// validate is jsonschema.validate(data, schema) for the app's flat
// schemas: an object with string properties, some required. It returns
// the message of the error best_match picks, or "".
func validate(data any, props []string, required []string) string {
	d, ok := data.(*pyDict)
	if !ok {
		return pyRepr(data) + " is not of type 'object'"
	}
	for _, r := range required {
		if _, ok := d.get(r); !ok {
			return pyStrRepr(r) + " is a required property"
		}
	}
	for _, p := range props {
		if v, ok := d.get(p); ok {
			if _, isStr := v.(string); !isStr {
				return pyRepr(v) + " is not of type 'string'"
			}
		}
	}
	return ""
}

var (
	registerProps = []string{"username", "password", "email"}
	loginProps    = []string{"username", "password"}
)

func (s *Server) registerUser(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := c.json(usersPy(34, "register_user", "request_data = request.get_json()"))
	at := usersPy(36, "register_user", "user = User.query.filter_by(username=request_data.get('username')).first()")
	name := c.dictGet(data, "username", at)
	if c.filterUser(name, at) != nil {
		return failure(200, "User already exists. Please Log in.")
	}
	if msg := validate(data, registerProps, registerProps); msg != "" {
		return failure(400, msg)
	}
	d := data.(*pyDict)
	admin := false
	if v, ok := d.get("admin"); ok && !s.opts.Secure {
		admin = pyTruthy(v)
	}
	pass, _ := d.get("password")
	email, _ := d.get("email")
	s.insertUser(name.(string), pass.(string), email.(string), admin)
	return jsonResponse(200, pyDumps(obj("status", "success", "message", "Successfully registered. Login to receive an auth token.")))
}

const loginLimit = 5
const loginLock = time.Minute

func (s *Server) loginUser(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := c.json(usersPy(63, "login_user", "request_data = request.get_json()"))
	if msg := validate(data, loginProps, loginProps); msg != "" {
		return failure(400, msg)
	}
	d := data.(*pyDict)
	nv, _ := d.get("username")
	pv, _ := d.get("password")
	name, pass := nv.(string), pv.(string)
	now := s.now()
	if s.opts.Secure {
		a := s.logins[name]
		if a != nil && now.Before(a.lockedUntil) {
			r := failure(429, "Too many failed login attempts. Try again later.")
			r.headers = map[string][]string{"Retry-After": {itoa(int(a.lockedUntil.Sub(now).Seconds() + 0.999))}}
			return r
		}
	}
	u := s.userByName(name)
	if u != nil && pass == u.password {
		delete(s.logins, name)
		tok := encodeToken(s.key, u.username, now, s.opts.TokenTTL)
		return jsonResponse(200, pyDumps(obj("status", "success", "message", "Successfully logged in.", "auth_token", tok)))
	}
	if !s.opts.Secure {
		if u != nil {
			return failure(200, "Password is not correct for the given username.")
		}
		return failure(200, "Username does not exist")
	}
	a := s.logins[name]
	if a == nil {
		a = &attempts{}
		s.logins[name] = a
	}
	var recent []time.Time
	for _, t := range a.failures {
		if now.Sub(t) < 15*time.Minute {
			recent = append(recent, t)
		}
	}
	a.failures = append(recent, now)
	if len(a.failures) >= loginLimit {
		a.lockedUntil = now.Add(loginLock)
		a.failures = nil
	}
	return failure(200, "Username or Password Incorrect!")
}

// tokenValidator is the app's token_validator(): the token's subject, or
// the message saying why there is none.
func (s *Server) tokenValidator(c *ctx, caller pyFrame) any {
	h, _ := c.header("Authorization")
	tok := ""
	if h != "" {
		if parts := strings.Split(h, " "); len(parts) > 1 {
			tok = parts[1]
		}
	}
	if tok == "" {
		return "Invalid token"
	}
	claims, err := decodeToken(s.key, tok, s.now())
	switch err {
	case errExpired:
		return "Signature expired. Please log in again."
	case errInvalid:
		return "Invalid token. Please log in again."
	}
	sub, ok := claims.get("sub")
	if !ok {
		c.raise(pyErr("KeyError", "'sub'"), caller,
			usersPy(96, "token_validator", "return User.decode_auth_token(auth_token)"),
			app("models/user_model.py", 50, "decode_auth_token", "return payload['sub']"))
	}
	return sub
}

// authUser runs the views' token check: the subject, or the 401 answer.
func (s *Server) authUser(c *ctx, caller pyFrame) (string, *response) {
	resp := s.tokenValidator(c, caller)
	name, ok := resp.(string)
	if !ok {
		if _, container := resp.(*pyDict); container {
			c.raiseDB(dbError("ProgrammingError", bindError(1, resp), userSelect, "("+pyRepr(resp)+", 1, 0)"), append([]pyFrame{caller}, queryFrames()...)...)
		}
		if _, container := resp.([]any); container {
			c.raiseDB(dbError("ProgrammingError", bindError(1, resp), userSelect, "("+pyRepr(resp)+", 1, 0)"), append([]pyFrame{caller}, queryFrames()...)...)
		}
		c.raise(pyErr("TypeError", "argument of type '"+pyTypeName(resp)+"' is not iterable"), pyFrame{file: caller.file, line: caller.line, fn: caller.fn, code: `if "expired" in resp:`})
	}
	if strings.Contains(name, "expired") || strings.Contains(name, "Invalid token") {
		return "", failure(401, name)
	}
	return name, nil
}

func (s *Server) me(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, fail := s.authUser(c, usersPy(79, "me", "resp = token_validator(request.headers.get('Authorization'))"))
	if fail != nil {
		return fail
	}
	u := s.userByName(name)
	if u == nil {
		return failure(404, "User not found")
	}
	var avatar any
	if u.avatar != "" {
		avatar = u.avatar
	}
	return jsonResponse(200, pyDumps(obj("status", "success", "data", obj("username", u.username, "email", u.email, "admin", u.admin, "avatar_url", avatar))))
}

func (s *Server) updateEmail(c *ctx) *response {
	data := c.json(usersPy(104, "update_email", "request_data = request.get_json()"))
	if msg := validate(data, []string{"email"}, []string{"email"}); msg != "" {
		return failure(400, "Please provide a proper JSON body.")
	}
	s.mu.Lock()
	name, fail := s.authUser(c, usersPy(109, "update_email", "resp = token_validator(request.headers.get('Authorization'))"))
	s.mu.Unlock()
	if fail != nil {
		return fail
	}
	ev, _ := data.(*pyDict).get("email")
	email := ev.(string)
	var ok bool
	if s.opts.Secure {
		ok = secureEmail(email)
	} else {
		ok = vulnEmail(email) // slow on purpose: no lock held
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByName(name)
	if !ok {
		return failure(400, "Please Provide a valid email address.")
	}
	if u == nil {
		c.raise(pyErr("AttributeError", "'NoneType' object has no attribute 'email'"), usersPy(121, "update_email", "user.email = request_data.get('email')"))
	}
	u.email = email
	return jsonResponse(204, pyDumps(obj("status", "success", "data", obj("username", u.username, "email", u.email))))
}

func (s *Server) updatePassword(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := c.json(usersPy(134, "update_password", "request_data = request.get_json()"))
	name, fail := s.authUser(c, usersPy(135, "update_password", "resp = token_validator(request.headers.get('Authorization'))"))
	if fail != nil {
		return fail
	}
	pw := c.dictGet(data, "password", usersPy(141, "update_password", "if request_data.get('password'):"))
	if !pyTruthy(pw) {
		return failure(400, "Malformed Data")
	}
	var u *user
	if s.opts.Secure {
		u = s.userByName(name)
		if u == nil {
			c.raise(pyErr("AttributeError", "'NoneType' object has no attribute 'password'"), usersPy(150, "update_password", "user.password = request_data.get('password')"))
		}
	} else {
		u = s.userByName(c.args["username"])
		if u == nil {
			return failure(400, "User Not Found")
		}
	}
	u.password = c.storeText(pw, "UPDATE users SET password=? WHERE users.id = ?",
		func(v string) string { return "(" + v + ", " + itoa(u.id) + ")" },
		usersPy(151, "update_password", "db.session.commit()"))
	return jsonResponse(204, pyDumps(obj("status", "success", "Password", "Updated.")))
}

func (s *Server) deleteUser(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, fail := s.authUser(c, usersPy(162, "delete_user", "resp = token_validator(request.headers.get('Authorization'))"))
	if fail != nil {
		return fail
	}
	u := s.userByName(name)
	if u == nil {
		c.raise(pyErr("AttributeError", "'NoneType' object has no attribute 'admin'"), usersPy(170, "delete_user", "if user.admin:"))
	}
	if !u.admin {
		return failure(401, "Only Admins may delete users!")
	}
	target := c.args["username"]
	for i, x := range s.users {
		if x.username == target {
			s.users = append(s.users[:i], s.users[i+1:]...)
			return jsonResponse(200, pyDumps(obj("status", "success", "message", "User deleted.")))
		}
	}
	return failure(404, "User not found!")
}

// ---- books.py ----

func (s *Server) getAllBooks(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []any{}
	for _, b := range s.books {
		owner := s.userByID(b.userID)
		if owner == nil {
			c.raise(pyErr("AttributeError", "'NoneType' object has no attribute 'username'"),
				booksPy(17, "get_all_books", "return_value = jsonify({'Books': Book.get_all_books()})"),
				app("models/books_model.py", 28, "get_all_books", "return [Book.json(user) for user in Book.query.all()]"),
				app("models/books_model.py", 28, "<listcomp>", "return [Book.json(user) for user in Book.query.all()]"),
				app("models/books_model.py", 24, "json", "return {'book_title': self.book_title, 'user': self.user.username}"))
		}
		list = append(list, obj("book_title", b.title, "user", owner.username))
	}
	return jsonResponse(200, jsonify(obj("Books", list)))
}

var bookProps = []string{"book_title", "secret"}

func (s *Server) addNewBook(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := c.json(booksPy(22, "add_new_book", "request_data = request.get_json()"))
	if msg := validate(data, bookProps, bookProps); msg != "" {
		return failure(400, "Please provide a proper JSON body.")
	}
	name, fail := s.authUser(c, booksPy(27, "add_new_book", "resp = token_validator(request.headers.get('Authorization'))"))
	if fail != nil {
		return fail
	}
	d := data.(*pyDict)
	tv, _ := d.get("book_title")
	sv, _ := d.get("secret")
	title, secret := tv.(string), sv.(string)
	u := s.userByName(name)
	if u != nil {
		for _, b := range s.books {
			if b.userID == u.id && b.title == title {
				return failure(400, "Book Already exists!")
			}
		}
	} else {
		c.raise(pyErr("AttributeError", "'NoneType' object has no attribute 'id'"), booksPy(40, "add_new_book", "user_id=user.id)"))
	}
	for _, b := range s.books {
		if b.title == title {
			c.raiseDB(dbError("IntegrityError", "UNIQUE constraint failed: books.book_title",
				"INSERT INTO books (book_title, secret_content, user_id) VALUES (?, ?, ?)",
				"("+pyStrRepr(title)+", "+pyStrRepr(secret)+", "+itoa(u.id)+")"),
				append([]pyFrame{booksPy(42, "add_new_book", "db.session.commit()")}, commitFrames(true)...)...)
		}
	}
	s.books = append(s.books, &book{id: s.nextBookID(), title: title, secret: secret, userID: u.id})
	return jsonResponse(200, pyDumps(obj("status", "success", "message", "Book has been added.")))
}

func (s *Server) getByTitle(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, fail := s.authUser(c, booksPy(50, "get_by_title", "resp = token_validator(request.headers.get('Authorization'))"))
	if fail != nil {
		return fail
	}
	title := c.args["book_title"]
	var found *book
	if s.opts.Secure {
		if u := s.userByName(name); u != nil {
			for _, b := range s.books {
				if b.userID == u.id && b.title == title {
					found = b
					break
				}
			}
		}
	} else {
		for _, b := range s.books {
			if b.title == title {
				found = b
				break
			}
		}
	}
	if found == nil {
		return failure(404, "Book not found!")
	}
	owner := s.userByID(found.userID)
	if owner == nil {
		c.raise(pyErr("AttributeError", "'NoneType' object has no attribute 'username'"), booksPy(61, "get_by_title", "'owner': book.user.username"))
	}
	return jsonResponse(200, pyDumps(obj("book_title", found.title, "secret", found.secret, "owner", owner.username)))
}
