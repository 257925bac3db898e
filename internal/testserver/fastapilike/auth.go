package fastapilike

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"math"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// user is a row of the users table.
type user struct {
	id           int64
	username     string
	passwordHash string
	role         string
	firstName    *string
	lastName     *string
	phone        string
	resetCode    *string
	resetExpiry  *time.Time
	referralCode *string
	version      int64
}

func sp(s string) *string { return &s }

func nullable(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func (u *user) read() obj { // UserRead
	return obj{{"username", u.username}, {"phone_number", u.phone}, {"first_name", nullable(u.firstName)}, {"last_name", nullable(u.lastName)}, {"role", u.role}}
}

// ---- password hashing ----
//
// passlib's bcrypt is too slow for a test server; this is a stand-in with
// bcrypt's format ($2b$12$, 22 characters of salt, 31 of digest, bcrypt's
// base64 alphabet) built from SHA-256. Unknown and known users cost the
// same: the login has no timing difference to offer.

var bcrypt64 = base64.NewEncoding("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789").WithPadding(base64.NoPadding)

func hashPassword(password, saltSeed string) string {
	salt := sha256.Sum256([]byte("salt\x00" + saltSeed))
	s := bcrypt64.EncodeToString(salt[:])[:22]
	return "$2b$12$" + s + passwordDigest(s, password)
}

func passwordDigest(salt, password string) string {
	d := sha256.Sum256([]byte(salt + "\x00" + password))
	return bcrypt64.EncodeToString(d[:])[:31]
}

// checkPassword is passlib's verify; a value that is not a bcrypt hash
// makes passlib raise ValueError ("hash could not be identified").
func checkPassword(password, hash string) (ok, valid bool) {
	if len(hash) != 60 || !strings.HasPrefix(hash, "$2b$12$") {
		return false, false
	}
	salt := hash[7:29]
	return subtle.ConstantTimeCompare([]byte(passwordDigest(salt, password)), []byte(hash[29:])) == 1, true
}

// ---- seed data ----

// SeedUsers are the accounts New creates: username, password, role.
var SeedUsers = []struct{ Username, Password, Role string }{
	{"chef", "Pollos-Hermanos-Chef-1987!", roleChef},
	{"mike", "kaylee123", roleEmployee},
	{"saul", "Th4tsMyP4ssw0rd!", roleEmployee},
	{"hhm", "12345678", roleCustomer},
	{"kim", "KimWexler2023", roleCustomer},
}

var seedProfiles = map[string][3]string{ // first name, last name, phone
	"chef": {"Gustavo", "", "(505) 146-0195"},
	"mike": {"Mike", "", "(505) 555-0142"},
	"saul": {"Saul", "", "(505) 842-5662"},
	"hhm":  {"Howard", "Hamlin", "(505) 564-7345"},
	"kim":  {"Kim", "Wexler", "(505) 503-4455"},
}

func (s *Server) seed() {
	for _, su := range SeedUsers {
		p := seedProfiles[su.Username]
		s.addUser(su.Username, su.Password, su.Role, sp(p[0]), sp(p[1]), p[2])
	}
	for _, m := range []struct {
		name, cat, desc string
		price           float64
	}{
		{"Sunrise Plate", "Breakfasts", "Scrambled eggs, green chile and toast", 2.99},
		{"Chicken Biscuit", "Breakfasts", "Crispy chicken on a buttered biscuit", 3.99},
		{"Breakfast Tacos", "Breakfasts", "", 4.99},
		{"Hand Held Burrito", "Burritos", "Egg & potato", 2.49},
		{"Smothered Burrito", "Burritos", "Egg, potato, red chile & cheese", 4.59},
		{"Pollo Picante", "Chicken Specialties", "Bean, potato, green chile & cheese", 5.49},
		{"Half Chicken", "Chicken Specialties", "Roasted with the house spice blend", 7.0},
		{"Soft Serve Cone", "Desserts", "Vanilla", 2.45},
		{"Chocolate Shake", "Desserts", "", 1.65},
	} {
		s.seqMenu++
		it := &menuItem{id: s.seqMenu, name: m.name, price: m.price, category: m.cat, version: s.nextVersion()}
		if m.desc != "" {
			it.description = sp(m.desc)
		}
		s.menu[it.id] = it
	}
	hhm, kim := s.userByName("hhm"), s.userByName("kim")
	s.addOrder(hhm.id, "12 Riverside Dr, Albuquerque", hhm.phone, statusDelivered, []orderLine{{7, 1}, {9, 2}})
	s.addOrder(hhm.id, "12 Riverside Dr, Albuquerque", hhm.phone, statusPending, []orderLine{{6, 1}})
	s.addOrder(kim.id, "9800 Montgomery Blvd NE, Albuquerque", kim.phone, statusPreparing, []orderLine{{5, 2}, {8, 2}})
	s.addReservation(hhm.id, "2024-06-14", "19:30", 4, sp("Window table if possible"))
	s.addReservation(kim.id, "2024-06-15", "20:00", 2, nil)
}

func (s *Server) addUser(username, password, role string, first, last *string, phone string) *user {
	s.seqUser++
	u := &user{
		id: s.seqUser, username: username, role: role, firstName: first, lastName: last, phone: phone,
		passwordHash: hashPassword(password, username+"#"+strconv.FormatInt(s.seqUser, 10)),
		version:      s.nextVersion(),
	}
	s.users[u.id] = u
	return u
}

// userByName needs s.mu.
func (s *Server) userByName(name string) *user {
	for _, u := range s.users {
		if u.username == name {
			return u
		}
	}
	return nil
}

func (s *Server) userByPhone(phone string) *user {
	for _, u := range s.users {
		if u.phone == phone {
			return u
		}
	}
	return nil
}

func (s *Server) roleOf(u *user) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return u.role
}

// ---- JWT (python-jose, HS256) ----

var b64url = base64.RawURLEncoding

func (s *Server) issueToken(username string) string {
	exp := s.now().Add(30 * time.Minute).Unix()
	head := b64url.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims, _ := pyDumps(obj{{"sub", username}, {"exp", exp}})
	in := head + "." + b64url.EncodeToString(claims)
	mac := hmac.New(sha256.New, s.jwtKey)
	mac.Write([]byte(in))
	return in + "." + b64url.EncodeToString(mac.Sum(nil))
}

func joseB64(seg string) ([]byte, bool) {
	b, err := b64url.DecodeString(strings.TrimRight(seg, "="))
	return b, err == nil
}

// verifyToken is jwt.decode(token, key, algorithms=["HS256"]): it returns
// the sub claim ("" if absent) and whether the token is valid.
func (s *Server) verifyToken(tok string) (string, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", false
	}
	hb, ok1 := joseB64(parts[0])
	cb, ok2 := joseB64(parts[1])
	sig, ok3 := joseB64(parts[2])
	if !ok1 || !ok2 || !ok3 {
		return "", false
	}
	hv, err := pyLoads(hb)
	head, isObj := hv.(obj)
	if err != nil || !isObj {
		return "", false
	}
	if alg, _ := head.mustGet("alg").(string); alg != "HS256" {
		return "", false
	}
	mac := hmac.New(sha256.New, s.jwtKey)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(mac.Sum(nil), sig) {
		return "", false
	}
	cv, err := pyLoads(cb)
	claims, isObj := cv.(obj)
	if err != nil || !isObj {
		return "", false
	}
	now := float64(s.now().Unix())
	if v, ok := claims.get("exp"); ok {
		exp, ok := claimNumber(v)
		if !ok || now > exp {
			return "", false
		}
	}
	if v, ok := claims.get("nbf"); ok {
		nbf, ok := claimNumber(v)
		if !ok || now < nbf {
			return "", false
		}
	}
	if v, ok := claims.get("iat"); ok {
		if _, ok := claimNumber(v); !ok {
			return "", false
		}
	}
	sub := ""
	if v, ok := claims.get("sub"); ok {
		str, isStr := v.(string)
		if !isStr {
			return "", false
		}
		sub = str
	}
	return sub, true
}

// claimNumber is int(claims[x]) as jose computes it.
func claimNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		return math.Trunc(x), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return float64(n), err == nil
	}
	return 0, false
}

// currentUser is OAuth2PasswordBearer followed by get_current_user.
func (s *Server) currentUser(r *http.Request) (*user, *resp) {
	a := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(a, " ")
	if a == "" || strings.ToLower(scheme) != "bearer" {
		fail := notAuthenticated()
		return nil, &fail
	}
	sub, ok := s.verifyToken(tok)
	if !ok || sub == "" {
		fail := badCredentials()
		return nil, &fail
	}
	s.mu.Lock()
	u := s.userByName(sub)
	s.mu.Unlock()
	if u == nil {
		fail := badCredentials()
		return nil, &fail
	}
	return u, nil
}

// ---- POST /token ----

const (
	loginWindow   = 15 * time.Minute
	loginMaxFails = 5
)

func (s *Server) login(c *call) resp {
	username, _ := c.body.mustGet("username").(string)
	password, _ := c.body.mustGet("password").(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.secure {
		recent := s.loginFails[username][:0:0]
		for _, t := range s.loginFails[username] {
			if now.Sub(t) < loginWindow {
				recent = append(recent, t)
			}
		}
		s.loginFails[username] = recent
		if len(recent) >= loginMaxFails {
			return detail(429, "Too many failed login attempts, try again later").with("Retry-After", strconv.Itoa(int(loginWindow.Seconds())))
		}
	}
	u := s.userByName(username)
	ok := false
	if u != nil {
		var valid bool
		ok, valid = checkPassword(password, u.passwordHash)
		if !valid {
			return crash()
		}
	} else {
		// the same work for an unknown user
		checkPassword(password, hashPassword("", "dummy"))
	}
	if !ok {
		if s.secure {
			s.loginFails[username] = append(s.loginFails[username], now)
		}
		return detail(401, "Incorrect username or password").with("WWW-Authenticate", "Bearer")
	}
	delete(s.loginFails, username)
	return jsonResp(200, obj{{"access_token", s.issueToken(u.username)}, {"token_type", "bearer"}})
}

// ---- POST /register ----

func (s *Server) register(c *call) resp {
	if c.r.Header.Get("Authorization") != "" {
		return detail(400, "You're already logged in. You can not register an account.")
	}
	b := c.body
	username := b.mustGet("username").(string)
	phone := b.mustGet("phone_number").(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userByPhone(phone) != nil || s.userByName(username) != nil {
		return detail(403, "Username or phone number already registered.")
	}
	u := s.addUser(username, b.mustGet("password").(string), roleCustomer, optString(b, "first_name"), optString(b, "last_name"), phone)
	return jsonResp(201, u.read())
}

func optString(o obj, k string) *string {
	if v, ok := o.mustGet(k).(string); ok {
		return &v
	}
	return nil
}

// truthy is Python's bool() on a JSON value.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case int64:
		return x != 0
	case float64:
		return x != 0
	case *big.Int:
		return x.Sign() != 0
	case []any:
		return len(x) > 0
	case obj:
		return len(x) > 0
	}
	return true
}

// ---- /profile ----

func (s *Server) readProfile(c *call) resp {
	s.mu.Lock()
	defer s.mu.Unlock()
	return jsonResp(200, c.user.read())
}

// updateProfile is PUT /profile. The vulnerable build updates the user the
// body names (RESTaurant's level 2); the secure one only the caller.
func (s *Server) updateProfile(c *call) resp {
	b := c.body
	s.mu.Lock()
	defer s.mu.Unlock()
	name := b.mustGet("username").(string)
	target := c.user
	if s.secure {
		if name != c.user.username {
			return detail(403, "You can only update your own profile")
		}
	} else {
		target = s.userByName(name)
		if target == nil {
			return crash() // setattr on None
		}
	}
	if p, ok := b.mustGet("phone_number").(string); ok && p != "" {
		if other := s.userByPhone(p); other != nil && other != target {
			return crash() // unique constraint on users.phone_number
		}
		target.phone = p
	}
	if v := optString(b, "first_name"); v != nil && *v != "" {
		target.firstName = v
	}
	if v := optString(b, "last_name"); v != nil && *v != "" {
		target.lastName = v
	}
	target.version = s.nextVersion()
	return jsonResp(200, obj{{"username", target.username}, {"first_name", nullable(target.firstName)}, {"last_name", nullable(target.lastName)}, {"phone_number", target.phone}})
}

// patchProfile is PATCH /profile. Its model allows extra fields and the
// vulnerable service copies every truthy value onto the row, role
// included; the secure one sets the three declared fields only.
func (s *Server) patchProfile(c *call) resp {
	b := c.body
	s.mu.Lock()
	defer s.mu.Unlock()
	u := c.user
	next := *u
	for _, e := range b {
		if !truthy(e.v) {
			continue
		}
		declared := mUserProfilePatch.declares(e.k)
		if s.secure && !declared {
			continue
		}
		str, isStr := e.v.(string)
		switch e.k {
		case "first_name":
			next.firstName = sp(str)
		case "last_name":
			next.lastName = sp(str)
		case "phone_number":
			if other := s.userByPhone(str); other != nil && other != u {
				return crash()
			}
			next.phone = str
		case "role":
			if !isStr || !oneOf(str, userRoles) {
				return crash() // LookupError: not among the defined enum values
			}
			next.role = str
		case "username":
			if !isStr {
				return crash()
			}
			if other := s.userByName(str); other != nil && other != u {
				return crash() // unique constraint on users.username
			}
			next.username = str
		case "password_hash", "reset_password_code", "referral_code":
			if !isStr {
				return crash()
			}
			switch e.k {
			case "password_hash":
				next.passwordHash = str
			case "reset_password_code":
				next.resetCode = sp(str)
			default:
				next.referralCode = sp(str)
			}
		case "id", "reset_password_code_expiry_date":
			return crash()
		}
	}
	next.version = s.nextVersion()
	*u = next
	return jsonResp(200, u.read())
}

// ---- password reset ----

const (
	resetCodeTTL     = 15 * time.Minute
	resetMaxTries    = 5
	resetMaxRequests = 3
)

func (s *Server) resetPassword(c *call) resp {
	name := c.body.mustGet("username").(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	u := s.userByName(name)
	if s.secure {
		// One answer whoever asks, codes only for customers, at most
		// three requests an hour per username (counted whether or not the
		// account exists, so the 429 tells nothing either).
		var recent []time.Time
		for _, t := range s.resetRequests[name] {
			if now.Sub(t) < time.Hour {
				recent = append(recent, t)
			}
		}
		if len(recent) >= resetMaxRequests {
			s.resetRequests[name] = recent
			return detail(429, "Too many reset requests, try again later")
		}
		s.resetRequests[name] = append(recent, now)
		if u != nil && u.role == roleCustomer {
			s.sendResetCode(u, now)
			s.resetTries[name] = 0
		}
		return detail(200, "If the account exists, a PIN code was sent to its phone number")
	}
	if u == nil {
		return detail(400, "Invalid username or phone number")
	}
	if u.role != roleCustomer {
		return detail(400, "Only customers can reset their password through this feature")
	}
	s.sendResetCode(u, now)
	return detail(200, "PIN code sent to your phone number")
}

func (s *Server) sendResetCode(u *user, now time.Time) {
	code := strconv.Itoa(10000 + s.rng.IntN(10000))[1:]
	exp := now.Add(resetCodeTTL)
	u.resetCode, u.resetExpiry = &code, &exp
	s.sms = append(s.sms, smsMessage{u.phone, code})
	if len(s.sms) > 1000 {
		s.sms = append([]smsMessage(nil), s.sms[len(s.sms)-100:]...)
	}
}

func (s *Server) setNewPassword(c *call) resp {
	name := c.body.mustGet("username").(string)
	code := c.body.mustGet("reset_password_code").(string)
	newPassword := c.body.mustGet("new_password").(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	u := s.userByName(name)
	if s.secure {
		if s.resetTries[name] >= resetMaxTries {
			return detail(429, "Too many attempts, request a new code")
		}
		valid := u != nil && u.resetCode != nil && !now.After(*u.resetExpiry) &&
			subtle.ConstantTimeCompare([]byte(*u.resetCode), []byte(code)) == 1
		if !valid {
			s.resetTries[name]++
			if s.resetTries[name] >= resetMaxTries && u != nil {
				u.resetCode, u.resetExpiry = nil, nil
			}
			return detail(400, "Invalid or expired reset code")
		}
		delete(s.resetTries, name)
	} else {
		switch {
		case u == nil:
			return detail(400, "Invalid username or phone number")
		case u.resetCode == nil:
			return detail(400, "Reset password process was not initiated via /reset-password!")
		case now.After(*u.resetExpiry):
			return detail(400, "Reset password code expired!")
		case *u.resetCode != code:
			return detail(400, "Invalid reset password code")
		}
	}
	u.passwordHash = hashPassword(newPassword, u.username+"#reset#"+strconv.FormatInt(s.nextVersion(), 10))
	u.resetCode, u.resetExpiry = nil, nil
	u.version = s.nextVersion()
	return detail(200, "Password updated successfully!")
}
