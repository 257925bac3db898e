// Package accounts gives a fuzz run test accounts of its own: it finds
// the API's sign-up operation (register, signup, POST /users with a
// password field) and its login (a JSON or form login, an OAuth2 password
// flow's tokenUrl), signs up fresh users with values that fit the schema,
// logs them in, and keeps them logged in (again on 401, and signed up
// again when the target forgot them). It also tries to escalate one
// account: server-owned fields (role, admin, verified...) sent on sign-up
// and on updates of the account, read back to see whether they were
// honoured. Everything goes through the run's sender, so budget, rate
// limit, host policy and the oracles apply.
package accounts

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/specterhq/specter/fuzz/authz"
	fzschema "github.com/specterhq/specter/fuzz/internal/schema"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
)

// Flow is how an API lets the run create users and log them in.
type Flow struct {
	SignUp *plan.Target
	// Login is the login or token operation.
	Login *plan.Target
	// Fields of the sign-up body, by role ("" when absent).
	signUp fields
	// Fields of the login body.
	login fields
	// loginForm: the login takes application/x-www-form-urlencoded (an
	// OAuth2 password grant).
	loginForm bool
	// oauth2: the login is a password flow's token endpoint.
	oauth2 bool
}

// fields are the members of a sign-up or login body by role.
type fields struct {
	user, email, password, confirm, phone string
	props                                 fzschema.Props
	required                              map[string]bool
}

// Detect finds the sign-up and login operations among the run's targets;
// it says why when there are none.
func Detect(targets []*plan.Target) (*Flow, string) {
	flows, why := DetectAll(targets)
	if len(flows) == 0 {
		return nil, why
	}
	return flows[0], ""
}

// DetectAll is Detect for every sign-up operation of the API (vAPI has
// one per challenge), each with the login closest to it, the first
// sign-up's flow first.
func DetectAll(targets []*plan.Target) ([]*Flow, string) {
	var signUps, logins []*plan.Target
	tokenURLs := tokenPaths(targets)
	for _, t := range targets {
		if t.Spec == nil || t.Op.Method != http.MethodPost {
			continue
		}
		f, _ := bodyFields(t)
		if f.password == "" {
			continue
		}
		isToken := tokenURLs[strings.TrimSuffix(t.Op.Path, "/")]
		switch {
		case isToken || authz.Classify(t.Op) == authz.Login:
			if f.user != "" || f.email != "" {
				logins = append(logins, t)
			}
		case signUpOp(t.Op.Path, t.Op.OperationID, t.Op.Summary) && (f.user != "" || f.email != ""):
			_, admin := authz.Privileged(t.Op)
			if _, doc := authz.PrivilegedText(t.Spec.Summary, t.Spec.Description); doc {
				admin = true // "Only admins may create users"
			}
			if !admin {
				signUps = append(signUps, t)
			}
		}
	}
	switch {
	case len(signUps) == 0 && len(logins) == 0:
		return nil, "no sign-up operation (register, signup, POST /users with a password field) and no login operation found"
	case len(signUps) == 0:
		return nil, "a login operation but no sign-up operation (register, signup, POST /users with a password field)"
	case len(logins) == 0:
		return nil, "a sign-up operation but no login operation (login, signin, token, or an OAuth2 password flow's tokenUrl)"
	}
	flows := make([]*Flow, 0, len(signUps))
	for _, su := range signUps {
		// The login closest to the sign-up (the same prefix) wins:
		// /v2/login next to /v2/register, not the legacy /v1/login.
		ls := append([]*plan.Target(nil), logins...)
		sort.SliceStable(ls, func(i, j int) bool {
			return commonPrefix(ls[i].Op.Path, su.Op.Path) > commonPrefix(ls[j].Op.Path, su.Op.Path)
		})
		lg := ls[0]
		f := &Flow{SignUp: su, Login: lg}
		f.signUp, _ = bodyFields(su)
		f.login, f.loginForm = bodyFields(lg)
		f.oauth2 = tokenURLs[strings.TrimSuffix(lg.Op.Path, "/")]
		flows = append(flows, f)
	}
	return flows, ""
}

// signUpOp reports whether an operation's path, id or summary says it
// registers users: register, signup, sign up, create user or account, or
// a POST to a users/accounts collection.
func signUpOp(path, id, summary string) bool {
	text := " " + strings.Join(wordsOf(path+" "+id+" "+summary), " ") + " "
	for _, w := range []string{" register ", " registration ", " signup ", " sign up ", " create user ", " create account ", " new user ", " new account ", " add user ", " enroll "} {
		if strings.Contains(text, w) {
			return true
		}
	}
	segs := learn.Segments(path)
	if len(segs) == 0 {
		return false
	}
	switch learn.Norm(segs[len(segs)-1]) {
	case "users", "user", "accounts", "account", "members", "customers":
		return true
	}
	return false
}

// wordsOf splits camelCase, snake_case, kebab-case and paths into lower-case words.
func wordsOf(s string) []string {
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			if prevLower {
				b.WriteByte(' ')
			}
			b.WriteRune(r + 'a' - 'A')
			prevLower = false
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			prevLower = true
		default:
			b.WriteByte(' ')
			prevLower = false
		}
	}
	return strings.Fields(b.String())
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// tokenPaths are the paths of the OAuth2 password flows' token URLs.
func tokenPaths(targets []*plan.Target) map[string]bool {
	out := map[string]bool{}
	for _, t := range targets {
		if t.API == nil {
			continue
		}
		for _, s := range t.API.SecuritySchemes {
			for _, fl := range s.Flows {
				if fl.Type != "password" || fl.TokenURL == "" {
					continue
				}
				u, err := url.Parse(fl.TokenURL)
				if err != nil {
					continue
				}
				p := u.Path
				if !strings.HasPrefix(p, "/") {
					p = "/" + p
				}
				out[strings.TrimSuffix(p, "/")] = true
			}
		}
	}
	return out
}

// bodyFields reads the properties of an operation's JSON or form body and
// assigns them roles.
func bodyFields(t *plan.Target) (fields, bool) {
	var f fields
	schema, form := fzschema.Request(t)
	if schema == nil {
		return f, false
	}
	f.props, f.required = fzschema.Properties(schema)
	names := make([]string, 0, len(f.props))
	for k := range f.props {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		n := learn.Norm(k)
		p := f.props[k]
		switch {
		case (strings.Contains(n, "confirm") || strings.Contains(n, "repeat") || strings.Contains(n, "verify")) && strings.Contains(n, "pass"):
			if f.confirm == "" {
				f.confirm = k
			}
		case n == "password" || n == "passwd" || n == "pass" || n == "pwd" || n == "passphrase" || n == "userpassword":
			if f.password == "" {
				f.password = k
			}
		case strings.Contains(n, "email") || n == "mail" || (p != nil && p.Format == "email"):
			if f.email == "" {
				f.email = k
			}
		case n == "username" || n == "user" || n == "login" || n == "userid" || n == "nickname" || n == "handle" || n == "accountname":
			if f.user == "" {
				f.user = k
			}
		case n == "phone" || n == "phonenumber" || n == "mobile" || n == "number" || n == "mobilenumber" || n == "tel" || n == "telephone":
			if f.phone == "" {
				f.phone = k
			}
		}
	}
	if f.user == "" {
		// A plain "name" is the user name where nothing else is.
		for _, k := range names {
			if learn.Norm(k) == "name" && f.email == "" {
				f.user = k
			}
		}
	}
	return f, form
}
