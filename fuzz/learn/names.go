package learn

import (
	"strings"
)

// Norm is the key values are indexed under: the name in lower case with
// everything but letters and digits removed, so "user_id", "userId" and
// "User-ID" meet.
func Norm(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	return b.String()
}

// Singular is a plural English resource name made singular, the way API
// paths name collections ("books" -> "book", "categories" -> "category",
// "addresses" -> "address"); other words come back as they are.
func Singular(w string) string {
	if s, ok := irregular[w]; ok {
		return s
	}
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && (strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes")):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:len(w)-1]
	}
	return w
}

// irregular are plurals the suffix rules get wrong ("movies" is not
// "movy", "menus" not singular).
var irregular = map[string]string{
	"movies": "movie", "cookies": "cookie", "zombies": "zombie", "selfies": "selfie", "calories": "calorie",
	"series": "series", "species": "species", "menus": "menu", "skus": "sku", "caches": "cache",
	"statuses": "status", "aliases": "alias", "buses": "bus", "viruses": "virus", "bonuses": "bonus", "campuses": "campus",
}

// Segments splits a path template into its segments.
func Segments(path string) []string {
	return strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
}

// IsParam reports whether a path segment is a template parameter
// ("{id}"), and returns its name.
func IsParam(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

// versionSegment reports segments that name an API version or prefix, not
// a resource: v1, v2.7, v4.0, api, rest.
func versionSegment(seg string) bool {
	s := strings.ToLower(seg)
	if s == "api" || s == "rest" {
		return true
	}
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= '0' && c <= '9' || c == '.') {
			return false
		}
	}
	return true
}

// Resource names the resource a collection path holds: its last segment
// that is neither a parameter nor a version, singular and normalised
// ("/books/v1" -> "book", "/identity/api/v2/vehicle" -> "vehicle").
func Resource(collection string) string {
	segs := Segments(collection)
	for i := len(segs) - 1; i >= 0; i-- {
		if _, ok := IsParam(segs[i]); ok || versionSegment(segs[i]) {
			continue
		}
		return Singular(Norm(segs[i]))
	}
	return ""
}

// createActions are last segments of create operations that are not a
// collection of their own: POST /vehicle/add_vehicle adds to /vehicle,
// POST /users/v1/register to /users/v1.
var createActions = []string{"add", "create", "new", "register", "signup", "insert", "upload"}

// CollectionOfCreate is the collection a POST adds to: its path, or its
// parent when the last segment is a create action ("add_vehicle",
// "register", "new-coupon").
func CollectionOfCreate(path string) string {
	p := strings.TrimSuffix(path, "/")
	i := strings.LastIndex(p, "/")
	if i < 0 {
		return p
	}
	if createAction(p[i+1:], Resource(p[:i])) {
		return p[:i]
	}
	return p
}

// createAction reports whether a path segment is a create action: the
// action alone or as its first word ("register", "add_vehicle",
// "newCoupon", "sign-up"), or glued to the resource of the collection it
// adds to ("addvehicle" under /vehicle, "addtocart" under /cart). A
// collection whose name merely begins like one ("addresses",
// "newsletters", "uploads") is not.
func createAction(seg, resource string) bool {
	last := Norm(seg)
	words := splitWords(seg)
	for _, a := range createActions {
		if !strings.HasPrefix(last, a) {
			continue
		}
		if rest := last[len(a):]; rest == "" || (resource != "" && strings.HasSuffix(Singular(rest), resource)) {
			return true
		}
		joined := ""
		for _, w := range words {
			joined += w
			if len(joined) >= len(a) {
				if joined == a {
					return true
				}
				break
			}
		}
	}
	return false
}

// splitWords splits a path segment into lower-case words at separators
// and at camelCase humps ("add_vehicle", "newCoupon" -> "new", "coupon").
func splitWords(seg string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case c >= 'A' && c <= 'Z':
			if i > 0 && (seg[i-1] >= 'a' && seg[i-1] <= 'z' || seg[i-1] >= '0' && seg[i-1] <= '9') {
				flush()
			}
			b.WriteByte(c + 'a' - 'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		default:
			flush()
		}
	}
	flush()
	return out
}

// ParamCollection is the collection a path parameter picks an object
// from: the path before the parameter's segment ("/posts/{postId}/comments/{id}",
// "id" -> "/posts/{postId}/comments"). ok is false when the path has no
// such parameter.
func ParamCollection(path, param string) (string, bool) {
	want := "{" + param + "}"
	i := strings.Index(path, want)
	if i < 0 {
		return "", false
	}
	return strings.TrimSuffix(path[:i], "/"), true
}

// synonyms are names that hold the same kind of value: a {user} parameter
// takes a username, an {emailAddress} an email.
var synonyms = map[string][]string{
	"user":         {"username", "login", "userid"},
	"username":     {"user", "login", "name"},
	"login":        {"username", "user"},
	"useremail":    {"email"},
	"emailaddress": {"email"},
	"mail":         {"email"},
	"email":        {"mail", "emailaddress"},
	"uid":          {"userid", "id"},
	"userid":       {"uid", "user"},
	"accountid":    {"userid"},
	"customerid":   {"userid"},
	"memberid":     {"userid"},
}

// Candidates lists the names a parameter may take values from, most
// specific first: its own name, then, for an id-like name on a path,
// the ids of objects of its collection ("id@/books"), the resource-named
// id ("bookid"), and synonyms.
func Candidates(param, collection string) []string {
	n := Norm(param)
	out := []string{n}
	add := func(k string) {
		for _, have := range out {
			if have == k {
				return
			}
		}
		out = append(out, k)
	}
	res := Resource(collection)
	idLike := n == "id" || n == "uuid" || (res != "" && (n == res+"id" || n == res)) || strings.HasSuffix(n, "id")
	if collection != "" && idLike {
		add(scopedID(collection))
	}
	if res != "" && (n == "id" || n == "uuid") {
		add(res + "id")
	}
	for _, s := range synonyms[n] {
		add(s)
	}
	return out
}

// scopedID is the key of the ids of objects in one collection.
func scopedID(collection string) string { return "id@" + strings.TrimSuffix(collection, "/") }

// idMember reports members that hold an object's own id.
func idMember(n string) bool { return n == "id" || n == "uuid" || n == "guid" }

// skippedMembers are members whose values are never identifiers: messages
// and status words a later request must not be filled with.
var skippedMembers = map[string]bool{
	"message": true, "msg": true, "detail": true, "details": true, "error": true, "errors": true,
	"status": true, "description": true, "help": true, "type": true, "title": true, "code": true,
	"timestamp": true, "createdat": true, "updatedat": true, "date": true, "time": true,
}
