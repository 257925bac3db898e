// Package safety decides which requests a fuzz run may send, so that
// writes can be tested without touching what the run does not own:
//
//   - reads (GET, HEAD, OPTIONS) are always sent;
//   - --safe sends nothing else;
//   - creates (a POST that names no existing object) are sent;
//   - POST, PUT and PATCH on objects the run created and on accounts it
//     provisioned are sent, and so are DELETEs of those;
//   - accounts given with --identity (or declared in the config) are test
//     accounts: writes on them are sent, except deletes and credential
//     changes (passwords, resets, one-time codes, keys);
//   - probes at an id that cannot exist are sent (they touch nothing);
//   - everything else that names an object or an account is skipped;
//   - --allow-destructive sends everything.
//
// Every decision carries the class of the call, which the run's summary
// prints for skipped calls. The engine asks before each generated request
// and before each oracle probe.
package safety

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
)

// Classes of calls. The first group is sent, the second skipped.
const (
	ClassRead            = "read"
	ClassCreate          = "create"
	ClassOwnObject       = "write on an object this run created"
	ClassOwnAccount      = "write on an account this run provisioned"
	ClassDeclaredAccount = "write on a declared test account"
	ClassAnything        = "any call (--allow-destructive)"
	ClassSentinel        = "probe at an id that cannot exist"

	ClassSafeOnly           = "not GET, HEAD or OPTIONS (--safe)"
	ClassResetsData         = "resets or reseeds the target's data"
	ClassForeignObject      = "write on an object this run did not create"
	ClassForeignDelete      = "delete of an object this run did not create"
	ClassForeignAccount     = "credential change on an account this run does not own"
	ClassDeclaredCredential = "credential change on a declared test account"
	ClassDeclaredDelete     = "delete of a declared test account"
)

// Decision is the verdict on one request.
type Decision struct {
	Allowed bool
	Class   string
}

// Policy is the run's safety policy.
type Policy struct {
	// Safe (--safe) sends only GET, HEAD and OPTIONS.
	Safe bool
	// AllowDestructive (--allow-destructive) sends everything.
	AllowDestructive bool
	// State knows the objects the run created and its accounts.
	State *learn.State
}

// Read reports whether a method only reads.
func Read(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// Decide says whether a case may be sent as identity (a resolved name;
// plan.NoCredentials for none).
func (p Policy) Decide(c *plan.Case, identity string) Decision {
	switch {
	case !p.AllowDestructive && ResetsData(c.Target.Op.Path, c.Target.Op.OperationID, c.Target.Op.Summary):
		return Decision{false, ClassResetsData}
	case Read(c.Method):
		return Decision{true, ClassRead}
	case p.Safe:
		return Decision{false, ClassSafeOnly}
	case c.Sentinel:
		return Decision{true, ClassSentinel}
	case c.OwnSignUp:
		return Decision{true, ClassCreate}
	case p.AllowDestructive || c.RecordedURL != "":
		// A recorded (Postman) request is replayed as the user recorded
		// it against their own staging: its ids are theirs.
		if c.RecordedURL != "" && !p.AllowDestructive && c.Method == http.MethodDelete {
			// Unless the collection's own flow created what it deletes:
			// its path took a value a create's answer set.
			if c.RunObject {
				return Decision{true, ClassOwnObject}
			}
			return Decision{false, ClassForeignDelete}
		}
		return Decision{true, ClassAnything}
	}
	del := c.Method == http.MethodDelete
	cred := CredentialChange(c)
	refs := references(c)
	if len(refs) == 0 {
		// Nothing named in the path: a create, or a write on the caller
		// itself (PUT /me, PATCH /profile, POST /user/change-password).
		if cred && !p.onlyProvisionedNamed(c) {
			return Decision{false, ClassForeignAccount}
		}
		if identity == plan.NoCredentials || (c.Method == http.MethodPost && !cred) {
			return Decision{true, ClassCreate}
		}
		return p.onAccount(identity, del, cred)
	}
	class := ClassOwnObject
	for _, r := range refs {
		if p.State != nil {
			if p.ownObject(r) || p.State.LinkedFromCreate(c.Target.Op.OperationID, learn.OperationRefOf(c.Method, c.Target.Op.Path), r.name, r.value) {
				continue
			}
			if who := p.State.AccountOf(r.accountName(), r.value); who != "" {
				d := p.onAccount(who, del, cred)
				if !d.Allowed {
					return d
				}
				class = d.Class
				continue
			}
		}
		if del {
			return Decision{false, ClassForeignDelete}
		}
		if cred {
			return Decision{false, ClassForeignAccount}
		}
		return Decision{false, ClassForeignObject}
	}
	return Decision{true, class}
}

// ownObject reports whether a reference names a live object the run
// created: in its collection, or for a query reference ("order_id") in a
// collection of the resource it is named after, as learn.Pick fills it.
func (p Policy) ownObject(r reference) bool {
	if r.collection != "" {
		_, ok := p.State.ObjectFor(r.collection, r.name, r.value)
		return ok
	}
	want := strings.TrimSuffix(learn.Norm(r.name), "id")
	for _, col := range p.State.Collections() {
		if learn.Resource(col) != want {
			continue
		}
		if _, ok := p.State.ObjectFor(col, "id", r.value); ok {
			return true
		}
	}
	return false
}

// onAccount decides a write on one of the run's accounts.
func (p Policy) onAccount(identity string, del, cred bool) Decision {
	var acc *learn.AccountInfo
	if p.State != nil {
		acc = p.State.Account(identity)
	}
	if acc != nil && acc.Provisioned {
		return Decision{true, ClassOwnAccount}
	}
	switch {
	case del:
		return Decision{false, ClassDeclaredDelete}
	case cred:
		return Decision{false, ClassDeclaredCredential}
	}
	return Decision{true, ClassDeclaredAccount}
}

// onlyProvisionedNamed reports whether the accounts a credential change
// names in its body or query (user name, e-mail) are all accounts the run
// provisioned; a change that names none acts on the caller.
func (p Policy) onlyProvisionedNamed(c *plan.Case) bool {
	for _, v := range accountValues(c) {
		if p.State == nil {
			return false
		}
		who := p.State.AccountOf("user", v)
		if who == "" {
			return false
		}
		if acc := p.State.Account(who); acc == nil || !acc.Provisioned {
			return false
		}
	}
	return true
}

// accountValues are the values of a request's fields that name an
// account: user names, logins, e-mail addresses, phone numbers.
func accountValues(c *plan.Case) []string {
	var out []string
	add := func(name string, v any) {
		s, ok := v.(string)
		if !ok || s == "" {
			return
		}
		switch n := learn.Norm(name); {
		case n == "username", n == "user", n == "login", n == "email", n == "mail", n == "emailaddress",
			n == "phone", n == "phonenumber", n == "mobile", n == "number":
			out = append(out, s)
		}
	}
	for k, v := range learn.RequestFields(c) {
		add(k, v)
	}
	for _, q := range c.Query {
		add(q.Name, q.Value)
	}
	return out
}

// reference is an object or account a request names.
type reference struct {
	name, value, collection string
}

// accountName is the name a reference is looked up under among the run's
// accounts: a bare path {id} is the id of its collection's resource
// ("orderid" for /orders/{id}), so that order 7 is not user 7.
func (r reference) accountName() string {
	if n := learn.Norm(r.name); (n == "id" || n == "uuid") && r.collection != "" {
		if res := learn.Resource(r.collection); res != "" {
			return res + "id"
		}
	}
	return r.name
}

// references are the values of a write that name existing things: every
// path parameter, and query parameters named like ids.
func references(c *plan.Case) []reference {
	var out []reference
	path := c.Target.Op.Path
	for _, pp := range c.PathParams {
		col, _ := learn.ParamCollection(path, pp.Name)
		out = append(out, reference{pp.Name, pp.Value, col})
	}
	for _, q := range c.Query {
		if n := learn.Norm(q.Name); strings.HasSuffix(n, "id") && len(n) > 2 && q.Value != "" {
			out = append(out, reference{q.Name, q.Value, ""})
		}
	}
	return out
}

var (
	resetVerb = `(?:re)?(?:create|init|initiali[sz]e|reset|drop|seed|populate|repopulate|purge|wipe|clear|flush|truncate|restore|rebuild|recreate|setup)`
	// resetData names a reset of the data itself: createdb, reset-database, init_db.
	resetData = regexp.MustCompile(`(?i)^` + resetVerb + `[-_ ]?(?:the[-_ ])?(?:db|database|data|tables|schema|fixtures|demo[-_ ]?data|sample[-_ ]?data)$`)
	// resetBare is a bare verb, a reset when nothing but prefixes precede it: /reset, /api/v1/seed.
	resetBare = regexp.MustCompile(`(?i)^` + resetVerb + `$`)
	// Prefixes may also name the data (/api/database/reset, /db/seed), the
	// test data (/testData/seed) or start with underscores (WireMock's
	// /__admin/reset).
	resetPrefix = regexp.MustCompile(`(?i)^_*(?:api|rest|v\d+(?:\.\d+)*|admin|debug|dev|test|testing|test[-_]?data|internal|system|ops|db|database|data|fixtures)$`)
	// A summary that creates the database itself, not something in it
	// ("Creates a new user in the database" is a create).
	resetSummary = regexp.MustCompile(`(?i)\b(?:(?:re)?creates?(?:\s+(?:and|&)\s+\w+)?\s+(?:(?:the|a|all(?:\s+the)?)\s+)?(?:database|db|tables)\b|(?:populates?|resets?|drops?|wipes?|seeds?|reinitiali[sz]es?|truncates?|purges?)\b[^.]{0,40}\b(?:database|db|tables|all (?:the )?data)\b)`)
)

// ResetsData reports operations that reset, reseed or drop the target's
// data, whatever their method (VAmPI's GET /createdb drops every table
// and re-creates its demo users): calling one would wipe the accounts
// and objects the run made, and other people's test data. The last path
// segment or the operation id names a reset of the data (createdb,
// reset_database, init-db), or is a bare reset verb under nothing but
// prefixes (/reset, /api/v1/seed), or the summary says so ("Creates and
// populates the database").
func ResetsData(path, operationID, summary string) bool {
	segs := learn.Segments(path)
	if n := len(segs); n > 0 {
		last := segs[n-1]
		if resetData.MatchString(last) {
			return true
		}
		if resetBare.MatchString(last) {
			bare := true
			for _, s := range segs[:n-1] {
				if !resetPrefix.MatchString(s) {
					bare = false
				}
			}
			if bare {
				return true
			}
		}
	}
	id := operationID
	if i := strings.LastIndexAny(id, "."); i >= 0 {
		id = id[i+1:]
	}
	if id != "" && resetData.MatchString(strings.Join(splitCamel(id), "_")) {
		return true
	}
	return resetSummary.MatchString(summary)
}

// splitCamel splits resetDatabase into reset, Database.
func splitCamel(s string) []string {
	var out []string
	start := 0
	for i := 1; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' && s[i-1] >= 'a' && s[i-1] <= 'z' {
			out = append(out, s[start:i])
			start = i
		}
	}
	return append(out, s[start:])
}

var credentialPath = regexp.MustCompile(`(?i)password|passwd|passphrase|passcode|pass(\b|[^a-z])|credential|api[-_]?key|secret|mfa|2fa|totp`)

// CredentialChange reports whether a write changes how an account
// authenticates: its body sends a password (a new password, a password
// set with a reset code), or it updates or deletes something whose path
// names a password, a key, a secret or a second factor. A reset request
// that only names the account (it sends a code or a link) is not one,
// nor are logins and sign-ups.
func CredentialChange(c *plan.Case) bool {
	if Read(c.Method) {
		return false
	}
	op := c.Target.Op
	lower := strings.ToLower(op.Path + " " + op.OperationID)
	for _, w := range []string{"login", "signin", "sign-in", "signup", "sign-up", "register", "token"} {
		if strings.Contains(lower, w) {
			return false
		}
	}
	for k := range learn.RequestFields(c) {
		n := learn.Norm(k)
		if strings.Contains(n, "password") || n == "passwd" || n == "pwd" || n == "newpin" || n == "pin" {
			return true
		}
	}
	return c.Method != http.MethodPost && credentialPath.MatchString(op.Path+" "+op.OperationID)
}
