// Package authz holds the decisions of the authentication and
// authorization oracles, apart from sending anything: which operations
// need credentials, what invalid credentials look like for a scheme, which
// operations are privileged or are logins and password resets, where the
// user and password fields of a login body are, whether two answers tell
// an unknown user from a wrong password, whether a CORS answer reflects an
// arbitrary origin with credentials, whether an answer is a rate limit,
// and whether another identity got the owner's object.
package authz

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/specterhq/specter/surface"
)

// Secured reports whether an operation declares that it needs
// credentials: a security list with no anonymous ({}) alternative, or a
// Postman auth other than noauth. An undeclared requirement is not
// secured (the oracle cannot know what the API intends).
func Secured(op *surface.Operation) bool { return op.RequiresCredentials() }

// Credential is one request part carrying a credential.
type Credential struct {
	In    string // header, query, cookie
	Name  string
	Value string
}

// invalidJWT is a well-formed JWT signed with a key no server has; a server
// that only checks the shape accepts it.
const invalidJWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzcGVjdGVyLWludmFsaWQiLCJleHAiOjQxMDI0NDQ4MDB9.c3BlY3Rlci1pbnZhbGlkLXNpZ25hdHVyZS0wMDAwMDA"

// InvalidCredentials returns, for the schemes of an operation's first
// security alternative, credentials that are well-formed but wrong: the
// request a secured operation must answer with 401. Schemes it cannot
// forge (mutual TLS) are skipped.
func InvalidCredentials(op *surface.Operation, api *surface.API) []Credential {
	var out []Credential
	if op.Auth != nil {
		switch op.Auth.Type {
		case "basic":
			out = append(out, Credential{"header", "Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("specter:invalid-password"))})
		case "apikey":
			name, in := op.Auth.Params["key"], op.Auth.Params["in"]
			if name == "" {
				name = "X-API-Key"
			}
			if in != "query" {
				in = "header"
			}
			out = append(out, Credential{in, name, "specter-invalid-key"})
		default:
			out = append(out, Credential{"header", "Authorization", "Bearer " + invalidJWT})
		}
		return out
	}
	if len(op.Security) == 0 || api == nil {
		return nil
	}
	names := make([]string, 0, len(op.Security[0]))
	for n := range op.Security[0] {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := api.SecuritySchemes[n]
		if s == nil {
			continue
		}
		switch strings.ToLower(s.Type) {
		case "http":
			if strings.EqualFold(s.Scheme, "basic") {
				out = append(out, Credential{"header", "Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("specter:invalid-password"))})
			} else {
				out = append(out, Credential{"header", "Authorization", "Bearer " + invalidJWT})
			}
		case "apikey":
			in := strings.ToLower(s.In)
			if in != "query" && in != "cookie" {
				in = "header"
			}
			if s.ParamName != "" {
				out = append(out, Credential{in, s.ParamName, "specter-invalid-key"})
			}
		case "oauth2", "openidconnect":
			out = append(out, Credential{"header", "Authorization", "Bearer " + invalidJWT})
		}
	}
	return out
}

// CredentialNames lists the request parts an operation's schemes read, to
// strip them from a replay sent without credentials.
func CredentialNames(api *surface.API) []Credential {
	out := []Credential{{"header", "Authorization", ""}, {"header", "Cookie", ""}}
	if api == nil {
		return out
	}
	names := make([]string, 0, len(api.SecuritySchemes))
	for n := range api.SecuritySchemes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := api.SecuritySchemes[n]
		if strings.EqualFold(s.Type, "apiKey") && s.ParamName != "" {
			out = append(out, Credential{strings.ToLower(s.In), s.ParamName, ""})
		}
	}
	return out
}

var privilegedSegments = map[string]bool{
	"admin": true, "admins": true, "administrator": true, "administration": true, "internal": true,
	"manage": true, "management": true, "staff": true, "superuser": true, "sudo": true, "backoffice": true,
	"moderation": true, "moderator": true, "ops": true, "root": true, "system": true, "sysadmin": true,
}

var wordSplit = regexp.MustCompile(`[^a-z0-9]+`)

func words(s string) []string {
	// camelCase to words: "deleteAdminUser" -> delete admin user
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' && i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return wordSplit.Split(strings.ToLower(b.String()), -1)
}

// Privileged reports whether an operation is meant for administrators and
// says why: a path segment, the operation id, a tag, or a required scope
// naming an administrative role.
func Privileged(op *surface.Operation) (string, bool) {
	for _, seg := range strings.Split(op.Path, "/") {
		if strings.HasPrefix(seg, "{") {
			continue
		}
		for _, w := range words(seg) {
			if privilegedSegments[w] {
				return "path segment " + seg, true
			}
		}
	}
	for _, w := range words(op.OperationID) {
		if w == "admin" || w == "superuser" || w == "internal" {
			return "operation id " + op.OperationID, true
		}
	}
	for _, tag := range op.Tags {
		for _, w := range words(tag) {
			if privilegedSegments[w] {
				return "tag " + tag, true
			}
		}
	}
	for _, req := range op.Security {
		for _, scopes := range req {
			for _, sc := range scopes {
				for _, w := range words(sc) {
					if w == "admin" || w == "superuser" || w == "root" {
						return "scope " + sc, true
					}
				}
			}
		}
	}
	return "", false
}

// extensionNames are the words of extension names that state who may
// call an operation (x-required-claims, x-roles, x-permissions,
// x-agent-access, x-required-scopes).
var extensionNames = []string{"role", "permission", "scope", "claim", "access", "audience", "privilege", "group"}

// PrivilegedExtension reports whether an operation's extensions reserve
// it to a privileged role: an extension about roles, permissions,
// scopes, claims or access whose values (strings, lists, objects of
// them) name admin, superuser, root, staff or internal
// (x-required-claims: {role: [admin]}, x-roles: [superuser],
// x-agent-access: admin-only).
func PrivilegedExtension(ext map[string]any) (string, bool) {
	names := make([]string, 0, len(ext))
	for k := range ext {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, "x-") {
			continue
		}
		about := false
		for _, w := range extensionNames {
			about = about || strings.Contains(lk, w)
		}
		if !about {
			continue
		}
		if v, ok := privilegedValue(ext[k], 0); ok {
			return "extension " + k + ": " + v, true
		}
	}
	return "", false
}

// privilegedValue finds a privileged word among a decoded extension's
// strings.
func privilegedValue(v any, depth int) (string, bool) {
	if depth > 4 {
		return "", false
	}
	switch x := v.(type) {
	case string:
		for _, w := range words(x) {
			switch w {
			case "admin", "admins", "administrator", "superuser", "root", "staff", "internal", "superadmin":
				return x, true
			}
		}
	case []any:
		for _, e := range x {
			if s, ok := privilegedValue(e, depth+1); ok {
				return s, true
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s, ok := privilegedValue(x[k], depth+1); ok {
				return s, true
			}
		}
	}
	return "", false
}

// roleWords name the roles an operation's documentation restricts it to.
var roleWords = `admins?|administrators?|superusers?|staff|employees?|managers?|moderators?|operators?|owners? of the (?:shop|store|restaurant|organi[sz]ation|tenant)|chefs?|internal (?:users|services)|privileged users`

var privilegedText = regexp.MustCompile(`(?i)\bonly (?:for |by |to )?(?:the )?(?:` + roleWords + `)\b|\b(?:` + roleWords + `)(?: (?:or|and) (?:` + roleWords + `))* only\b|\b(?:requires?|needs?) (?:an? |the )?(?:` + roleWords + `|admin) (?:role|privileges?|rights|permission)|\brestricted to (?:the )?(?:` + roleWords + `)\b|\((?:` + roleWords + `)(?:,? (?:or|and) (?:` + roleWords + `))*\)`)

// PrivilegedText reports whether an operation's summary or description
// says it is meant for administrators or another privileged role ("Only
// Admins may delete users", "employees or chefs only", "requires the
// admin role") and quotes what says so.
func PrivilegedText(summary, description string) (string, bool) {
	for _, text := range []string{summary, description} {
		if m := privilegedText.FindString(text); m != "" {
			return "documentation: \"" + strings.TrimSpace(m) + "\"", true
		}
	}
	return "", false
}

// AuthKind classifies authentication operations.
type AuthKind int

// Kinds.
const (
	NotAuth AuthKind = iota
	Login
	PasswordReset
)

func (k AuthKind) String() string {
	switch k {
	case Login:
		return "login"
	case PasswordReset:
		return "password reset"
	}
	return "other"
}

// Classify says whether an operation is a login or a password reset, from
// its method, path and operation id. Only POST (and PUT) operations
// count: a GET /login page is not the operation that checks passwords.
func Classify(op *surface.Operation) AuthKind {
	if op.Method != http.MethodPost && op.Method != http.MethodPut {
		return NotAuth
	}
	ws := append(words(op.Path), words(op.OperationID)...)
	joined := " " + strings.Join(ws, " ") + " "
	for _, w := range []string{" reset ", " forgot ", " forget ", " recover ", " recovery ", " lost "} {
		if strings.Contains(joined, w) {
			return PasswordReset
		}
	}
	for _, w := range []string{" login ", " signin ", " sign in ", " log in ", " authenticate ", " session ", " sessions "} {
		if strings.Contains(joined, w) {
			return Login
		}
	}
	if strings.Contains(joined, " auth ") && strings.Contains(joined, " token ") {
		return Login
	}
	return NotAuth
}

var (
	userFieldNames     = []string{"username", "user", "login", "email", "emailaddress", "mail", "userid", "account", "accountname", "name"}
	passwordFieldNames = []string{"password", "passwd", "pass", "pwd", "passphrase", "pin", "otp", "code"}
)

func normalize(name string) string {
	return strings.NewReplacer("_", "", "-", "", ".", "", " ", "").Replace(strings.ToLower(name))
}

// CredentialFields finds the user and password members of a login body
// (top level of a JSON object, or a URL-encoded form such as an OAuth2
// password grant), "" when absent. Preference follows the lists' order.
func CredentialFields(body []byte) (user, password string) {
	fields, _ := bodyStrings(body)
	pick := func(wanted []string) string {
		names := make([]string, 0, len(fields))
		for k := range fields {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, w := range wanted {
			for _, k := range names {
				if normalize(k) == w {
					return k
				}
			}
		}
		return ""
	}
	return pick(userFieldNames), pick(passwordFieldNames)
}

// bodyStrings reads the string members of a JSON object body, or the
// fields of a URL-encoded form; form says which it was.
func bodyStrings(body []byte) (fields map[string]string, form bool) {
	fields = map[string]string{}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) == nil {
		for k, v := range obj {
			var s string
			if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
				fields[k] = s
			}
		}
		return fields, false
	}
	text := string(body)
	if strings.ContainsAny(text, "{[\n") || !strings.Contains(text, "=") {
		return fields, false
	}
	vals, err := url.ParseQuery(text)
	if err != nil {
		return map[string]string{}, false
	}
	for k := range vals {
		fields[k] = vals.Get(k)
	}
	return fields, true
}

// SetFields returns a JSON object body, or a URL-encoded form, with
// top-level members replaced.
func SetFields(body []byte, values map[string]string) ([]byte, bool) {
	if _, form := bodyStrings(body); form {
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, false
		}
		for k, v := range values {
			vals.Set(k, v)
		}
		return []byte(vals.Encode()), true
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&obj) != nil || obj == nil {
		return nil, false
	}
	for k, v := range values {
		obj[k] = v
	}
	out, err := json.Marshal(obj)
	return out, err == nil
}

// Answer is the part of a response the enumeration check compares.
type Answer struct {
	Status int
	Body   []byte
}

var volatile = regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|\d{4}-\d{2}-\d{2}[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?|\d+`)

// shape is an answer with what legitimately varies removed: the probed
// user names, ids, timestamps and numbers.
func shape(a Answer, strip []string) string {
	b := string(a.Body)
	if len(b) > 4096 {
		b = b[:4096]
	}
	for _, s := range strip {
		if s != "" {
			b = strings.ReplaceAll(b, s, "<user>")
		}
	}
	return http.StatusText(a.Status) + "|" + volatile.ReplaceAllString(b, "#")
}

// Shape is an answer body with what legitimately varies between two
// answers to the same request masked: ids, hex strings, timestamps,
// numbers.
func Shape(body []byte) string {
	b := string(body)
	if len(b) > 4096 {
		b = b[:4096]
	}
	return volatile.ReplaceAllString(b, "#")
}

// Distinguishes reports whether the answers for an unknown user and for a
// known user with a wrong password differ in a stable way: each class
// answers identically across its repeats, and the classes differ. strip
// lists the user names sent (an answer that echoes them is not a tell).
// It says what differs.
func Distinguishes(unknown, known []Answer, strip ...string) (string, bool) {
	if len(unknown) == 0 || len(known) == 0 {
		return "", false
	}
	u, ok := stable(unknown, strip)
	if !ok {
		return "", false
	}
	k, ok := stable(known, strip)
	if !ok || u == k {
		return "", false
	}
	if unknown[0].Status != known[0].Status {
		return "status " + itoa(unknown[0].Status) + " for an unknown user, " + itoa(known[0].Status) + " for a wrong password", true
	}
	return "same status " + itoa(known[0].Status) + ", different bodies for an unknown user and a wrong password", true
}

func stable(as []Answer, strip []string) (string, bool) {
	first := shape(as[0], strip)
	for _, a := range as[1:] {
		if shape(a, strip) != first {
			return "", false
		}
	}
	return first, true
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// ProbeOrigin is the origin the CORS check sends: under .invalid, it
// can belong to no one (RFC 2606).
const ProbeOrigin = "https://specter-probe.invalid"

// ReflectsOrigin reports whether a CORS answer allows the probe origin
// with credentials. "*" with credentials is refused by browsers and is
// not reported.
func ReflectsOrigin(origin string, h http.Header) bool {
	allow := strings.TrimSpace(h.Get("Access-Control-Allow-Origin"))
	return allow != "" && allow == origin && strings.EqualFold(strings.TrimSpace(h.Get("Access-Control-Allow-Credentials")), "true")
}

// Limited reports whether an answer shows a rate limit or lockout: 429,
// 423 Locked, or 503 with Retry-After.
func Limited(status int, h http.Header) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusLocked:
		return true
	case http.StatusServiceUnavailable:
		return h.Get("Retry-After") != ""
	}
	return false
}

// SameObject reports whether another identity's 2xx answer shows the
// owner's object: it names the object's id and has the owner's answer's
// shape (the same top-level members), so an empty list or a "not yours"
// envelope with 200 is not taken for access.
func SameObject(owner, other []byte, id string) bool {
	if id == "" || !bytes.Contains(other, []byte(id)) {
		return false
	}
	var a, b map[string]json.RawMessage
	if json.Unmarshal(owner, &a) != nil || json.Unmarshal(other, &b) != nil {
		return bytes.Equal(bytes.TrimSpace(owner), bytes.TrimSpace(other))
	}
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}
