package learn

import (
	"regexp"
	"strings"

	"github.com/specterhq/specter/fuzz/plan"
)

// Query asks for a value to put in one field of a request.
type Query struct {
	// Name is the parameter or property name ("userId", "book_title").
	Name string
	// In is where the value goes: path, query, header, body.
	In string
	// Collection is, for a path parameter, the collection it picks an
	// object from ("/books" for /books/{id}); "" elsewhere.
	Collection string
	// Identity is the identity the request is sent as (a resolved name).
	Identity string
	// Write marks a request that changes something: only the identity's
	// own objects and account identifiers are offered, never a value
	// someone else's answer carried.
	Write bool
	// Kind restricts the shape: "integer", "number", "uuid", "email", ""
	// for any string; any other kind ("enum", "none") takes no learned
	// value.
	Kind string
	// MaxLength bounds the value's length (0: no bound).
	MaxLength int
	// OperationID and OperationRef (OperationRefOf) name the operation
	// the value is for, so that the values OpenAPI links gave it come
	// first; empty for none.
	OperationID, OperationRef string
}

// Pick returns the best learned value for a field: a value an OpenAPI
// link of an earlier answer gave this parameter of this operation, an object the
// identity created in the field's collection, the identity's own account
// identifier of that name, and for reads any value an answer carried
// under a matching name (those the identity saw first), lowest case
// number first.
func (s *State) Pick(q Query) (Value, bool) {
	if v, ok := s.Linked(q); ok {
		return v, true
	}
	res := Resource(q.Collection)
	if q.Collection != "" {
		for _, o := range s.Objects(q.Collection, q.Identity) {
			if v, ok := o.KeyFor(q.Name); ok && fits(v, q) {
				return Value{Raw: v, Origin: Created, Identity: o.Identity, Source: o.Op, Step: o.Step, Seq: o.Seq}, true
			}
		}
	} else if q.In != "path" && strings.HasSuffix(Norm(q.Name), "id") && len(Norm(q.Name)) > 2 {
		// A reference in a query or body ("order_id") names an object of
		// the resource it is named after.
		want := strings.TrimSuffix(Norm(q.Name), "id")
		for _, c := range s.Collections() {
			if Resource(c) != want {
				continue
			}
			for _, o := range s.Objects(c, q.Identity) {
				if v, ok := o.KeyFor("id"); ok && fits(v, q) {
					return Value{Raw: v, Origin: Created, Identity: o.Identity, Source: o.Op, Step: o.Step, Seq: o.Seq}, true
				}
			}
		}
	}
	names := Candidates(q.Name, q.Collection)
	if acc := s.Account(q.Identity); acc != nil {
		for _, n := range names {
			if v, ok := acc.IDs[n]; ok && fits(v, q) && accountField(n, res) {
				return Value{Raw: v, Origin: Account, Identity: q.Identity, Source: "account", Step: lastStep(acc), Seq: -1}, true
			}
		}
	}
	if q.Write {
		return Value{}, false
	}
	var fallback *Value
	for _, n := range names {
		for _, v := range s.Values(n) {
			if !fits(v.Raw, q) {
				continue
			}
			switch {
			case v.Origin == Created && v.Identity != q.Identity:
				// Another identity's object: for the authorization
				// checks, not for ordinary requests.
				continue
			case v.Origin == Account && v.Identity != q.Identity:
				continue
			case v.seen(q.Identity) || v.Identity == q.Identity:
				return v, true
			case fallback == nil:
				cp := v
				fallback = &cp
			}
		}
	}
	if fallback != nil {
		return *fallback, true
	}
	return Value{}, false
}

// Owned returns a value of a name that is the identity's own: an id of an
// object it created, an identifier of its account, or an id one of its
// creates answered with (POST /contact_mechanic answering report_id).
func (s *State) Owned(name, identity string) (Value, bool) {
	for _, n := range Candidates(name, "") {
		for _, v := range s.Values(n) {
			method, _, _ := strings.Cut(v.Source, " ")
			switch {
			case v.Identity != identity:
			case v.Origin == Created || v.Origin == Account:
				return v, true
			case method == "POST" || method == "PUT":
				return v, true
			}
		}
	}
	return Value{}, false
}

// accountField reports whether an account identifier named n may fill a
// field of a resource: a user name or e-mail goes anywhere, a numeric
// user id only where the resource is users (an order {id} is not the
// caller's user id).
func accountField(n, resource string) bool {
	switch n {
	case "id", "uuid":
		return userish(resource)
	}
	return true
}

func lastStep(a *AccountInfo) *plan.Step {
	if len(a.Steps) == 0 {
		return nil
	}
	return a.Steps[len(a.Steps)-1]
}

var uuidShape = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// fits reports whether a value has the shape a field takes.
func fits(v string, q Query) bool {
	if v == "" || (q.MaxLength > 0 && len(v) > q.MaxLength) {
		return false
	}
	switch q.Kind {
	case "integer":
		return isInteger(v)
	case "number":
		return isNumber(v)
	case "uuid":
		return uuidShape.MatchString(v)
	case "email":
		return strings.Contains(v, "@")
	case "":
		return true
	}
	// Enumerations, booleans, objects: no learned value is one of those.
	return false
}

func isNumber(s string) bool {
	if isInteger(s) {
		return true
	}
	dot := false
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		case c == '-' && i == 0:
		default:
			return false
		}
	}
	return strings.ContainsAny(s, "0123456789")
}
