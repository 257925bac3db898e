// Package learn holds what a fuzz run learns from the target and uses in
// later requests: the objects the run's identities created (the ownership
// ledger: who created what, and the request that did it), the identifiers
// of the run's own accounts (token claims, provisioned users), and the
// values seen in any answer (ids, usernames, e-mail addresses), indexed by
// normalised name so that a parameter {userId} finds the user_id of a list
// answer. The engine fills parameters from it; the safety guard asks it
// whether a write touches something the run owns.
//
// Memory is bounded: a fixed number of objects per collection and
// identity, of values per name and of names.
package learn

import (
	"sort"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/plan"
)

// Origin says how the run came to know a value.
type Origin int

// Origins, from the least to the most trusted.
const (
	// Observed: seen in an answer; nothing says whose it is.
	Observed Origin = iota
	// Created: the id of an object an identity of the run created.
	Created
	// Account: an identifier of one of the run's own accounts.
	Account
)

func (o Origin) String() string {
	switch o {
	case Created:
		return "created"
	case Account:
		return "account"
	}
	return "observed"
}

// Value is one learned value.
type Value struct {
	// Name is the normalised name (or scoped key) it was learned under.
	Name   string
	Raw    string
	Origin Origin
	// Identity created it, owns it (Account) or received the answer that
	// carried it (Observed); "" when unknown.
	Identity string
	// Source is the operation it was learned from ("GET /books"), or
	// "token claims", "sign-up".
	Source string
	// Step produced it; nil for the claims of a declared identity.
	Step *plan.Step
	// Seq is the case number of the exchange that produced it: lower is
	// preferred, so a choice does not depend on which worker ran first.
	Seq int
	// SeenBy lists the identities whose answers carried the value (at
	// most maxSeenBy).
	SeenBy []string
}

// seen reports whether identity's answers carried the value.
func (v *Value) seen(identity string) bool {
	for _, s := range v.SeenBy {
		if s == identity {
			return true
		}
	}
	return false
}

// Object is one object an identity of the run created.
type Object struct {
	// Collection is the path template it was created in ("/books/v1").
	Collection string
	// Keys are the values that name it, by normalised name: the answer's
	// id members, the Location header's last segment ("location"), and
	// the scalar fields the creating request sent ("booktitle").
	Keys map[string]string
	// Params are the path parameters of the creating request (a comment
	// created under /posts/{postId} keeps postId).
	Params map[string]string
	// Sent is the body the creating request sent, Answer the JSON object
	// it got back (nil when not JSON): read-back checks compare with them.
	Sent, Answer map[string]any
	Identity     string
	// Op is the creating operation ("POST /books/v1").
	Op      string
	Step    *plan.Step
	Seq     int
	Deleted bool
}

// KeyFor returns the value a path parameter takes to name the object:
// the key of the parameter's own name, else the object's id.
func (o *Object) KeyFor(param string) (string, bool) {
	n := Norm(param)
	if v, ok := o.Keys[n]; ok && v != "" {
		return v, true
	}
	res := Resource(o.Collection)
	if n == "id" || n == "uuid" || strings.HasSuffix(n, "id") || n == res {
		for _, k := range []string{"id", "uuid", "guid", res + "id", "location"} {
			if v, ok := o.Keys[k]; ok && v != "" {
				return v, true
			}
		}
	}
	return "", false
}

// AccountInfo is one of the run's accounts.
type AccountInfo struct {
	Identity string
	// Provisioned accounts were signed up by the run: writes and deletes
	// on them are allowed. Declared accounts (--identity, the config) are
	// test accounts: no deletes, no credential changes.
	Provisioned bool
	// IDs are the account's identifiers by normalised name ("username",
	// "email", "sub", "userid").
	IDs map[string]string
	// Steps created and logged in the account (sign-up, login).
	Steps []*plan.Step
}

// Limits keep memory flat.
const (
	maxObjectsPerOwner = 32
	maxValuesPerName   = 32
	maxNames           = 4096
	maxSeenBy          = 8
)

// State is what a run has learned. It is safe for concurrent use.
type State struct {
	mu       sync.Mutex
	objects  map[string][]*Object // collection -> objects, in creation order
	values   map[string][]*Value  // normalised name -> values, lowest Seq first
	accounts map[string]*AccountInfo
	order    []string // account identities in the order they were added
	// variables are the Postman variables test scripts set, by name.
	variables map[string]Variable
	// links are the values OpenAPI links gave, in the order learned.
	links []*Link
}

// New returns an empty state.
func New() *State {
	return &State{objects: map[string][]*Object{}, values: map[string][]*Value{}, accounts: map[string]*AccountInfo{}, variables: map[string]Variable{}}
}

// AddAccount records (or extends) one of the run's accounts and indexes
// its identifiers as values of Origin Account.
func (s *State) AddAccount(identity string, provisioned bool, ids map[string]string, steps ...*plan.Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[identity]
	if a == nil {
		a = &AccountInfo{Identity: identity, IDs: map[string]string{}}
		s.accounts[identity] = a
		s.order = append(s.order, identity)
	}
	a.Provisioned = a.Provisioned || provisioned
	a.Steps = append(a.Steps, steps...)
	var last *plan.Step
	if len(a.Steps) > 0 {
		last = a.Steps[len(a.Steps)-1]
	}
	for k, v := range ids {
		if v == "" {
			continue
		}
		n := Norm(k)
		a.IDs[n] = v
		s.addValueLocked(n, &Value{Raw: v, Origin: Account, Identity: identity, Source: "account", Step: last, Seq: -1, SeenBy: []string{identity}})
	}
}

// Account returns a copy of an account's record, or nil.
func (s *State) Account(identity string) *AccountInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[identity]
	if a == nil {
		return nil
	}
	out := *a
	out.IDs = make(map[string]string, len(a.IDs))
	for k, v := range a.IDs {
		out.IDs[k] = v
	}
	out.Steps = append([]*plan.Step(nil), a.Steps...)
	return &out
}

// Accounts lists the accounts in the order they were added.
func (s *State) Accounts() []*AccountInfo {
	s.mu.Lock()
	names := append([]string(nil), s.order...)
	s.mu.Unlock()
	out := make([]*AccountInfo, 0, len(names))
	for _, n := range names {
		out = append(out, s.Account(n))
	}
	return out
}

// AccountOf returns the identity whose account a value identifies ("" when
// none of the run's accounts has it). Numeric values only count for names
// that say they identify a user, so an order number 7 is not user 7; a
// bare id ("id", "uuid") counts where the account holds the value under
// such a name (its "userid", its "sub").
func (s *State) AccountOf(name, value string) string {
	if value == "" {
		return ""
	}
	n := Norm(name)
	numeric := isInteger(value)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.order {
		for k, v := range s.accounts[id].IDs {
			if v != value {
				continue
			}
			if !numeric || userish(n) || (idMember(n) && userish(k)) {
				return id
			}
		}
	}
	return ""
}

// userish reports names that identify a user or an account.
func userish(n string) bool {
	for _, w := range []string{"user", "account", "member", "customer", "profile", "owner", "login", "email", "sub"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// AddObject records an object an identity created.
func (s *State) AddObject(o *Object) {
	if o == nil || o.Collection == "" || len(o.Keys) == 0 {
		return
	}
	o.Collection = strings.TrimSuffix(o.Collection, "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	objs := s.objects[o.Collection]
	n := 0
	for _, have := range objs {
		if have.Identity == o.Identity {
			n++
		}
	}
	if n >= maxObjectsPerOwner {
		return
	}
	s.objects[o.Collection] = append(objs, o)
	for k, v := range o.Keys {
		val := func() *Value {
			return &Value{Raw: v, Origin: Created, Identity: o.Identity, Source: o.Op, Step: o.Step, Seq: o.Seq, SeenBy: []string{o.Identity}}
		}
		s.addValueLocked(k, val())
		if idMember(k) || k == "location" {
			// A value of its own: the index stores it and names it.
			s.addValueLocked(scopedID(o.Collection), val())
		}
	}
}

// Objects returns the live objects of a collection created by identity
// ("" for every identity), lowest case number first.
func (s *State) Objects(collection, identity string) []*Object {
	collection = strings.TrimSuffix(collection, "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Object
	for _, o := range s.objects[collection] {
		if !o.Deleted && (identity == "" || o.Identity == identity) {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// SentStrings lists the string values the run's creates sent (a book's
// secret, a note's text): an answer that shows them back to the run shows
// the run's own data.
func (s *State) SentStrings() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, objs := range s.objects {
		for _, o := range objs {
			for _, v := range o.Sent {
				if str, ok := v.(string); ok && str != "" {
					out = append(out, str)
				}
			}
		}
	}
	return out
}

// Collections lists the collections that hold objects, sorted.
func (s *State) Collections() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.objects))
	for c := range s.objects {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// ObjectFor returns the live object of collection that a value names, and
// whether there is one.
func (s *State) ObjectFor(collection, param, value string) (*Object, bool) {
	collection = strings.TrimSuffix(collection, "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.objects[collection] {
		if o.Deleted {
			continue
		}
		if v, ok := o.KeyFor(param); ok && v == value {
			return o, true
		}
	}
	return nil, false
}

// WasCreated reports whether a value names an object of the collection
// the run created, deleted since or not.
func (s *State) WasCreated(collection, param, value string) bool {
	collection = strings.TrimSuffix(collection, "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.objects[collection] {
		if v, ok := o.KeyFor(param); ok && v == value {
			return true
		}
	}
	return false
}

// MarkDeleted records that an object no longer exists.
func (s *State) MarkDeleted(collection, param, value string) {
	if o, ok := s.ObjectFor(collection, param, value); ok {
		s.mu.Lock()
		o.Deleted = true
		s.mu.Unlock()
	}
}

// addValueLocked indexes a value under a name; the same raw value under
// one name is kept once, with the most trusted origin and the lowest Seq.
// It reports whether v itself was stored (the value was new).
func (s *State) addValueLocked(name string, v *Value) bool {
	if name == "" || v.Raw == "" {
		return false
	}
	v.Name = name
	list, ok := s.values[name]
	if !ok && len(s.values) >= maxNames {
		return false
	}
	for _, have := range list {
		if have.Raw != v.Raw {
			continue
		}
		for _, id := range v.SeenBy {
			if !have.seen(id) && len(have.SeenBy) < maxSeenBy {
				have.SeenBy = append(have.SeenBy, id)
			}
		}
		if v.Origin > have.Origin || (v.Origin == have.Origin && v.Seq < have.Seq) {
			seen, step := have.SeenBy, have.Step
			*have = *v
			have.SeenBy = seen
			if have.Step == nil {
				have.Step = step
			}
			sort.SliceStable(list, func(i, j int) bool { return list[i].Seq < list[j].Seq })
		}
		return false
	}
	if len(list) >= maxValuesPerName {
		// A full name keeps room for what the run made or was given: a
		// more trusted value takes the place of the newest of the least
		// trusted ones, so one long list answer cannot crowd out the
		// objects the run's identities created.
		worst := -1
		for i, have := range list {
			if have.Origin < v.Origin && (worst < 0 || have.Origin < list[worst].Origin ||
				(have.Origin == list[worst].Origin && have.Seq > list[worst].Seq)) {
				worst = i
			}
		}
		if worst < 0 {
			return false
		}
		list[worst] = v
		sort.SliceStable(list, func(i, j int) bool { return list[i].Seq < list[j].Seq })
		s.values[name] = list
		return true
	}
	list = append(list, v)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Seq < list[j].Seq })
	s.values[name] = list
	return true
}

// AddValue indexes an observed value under a name.
func (s *State) AddValue(name string, v Value) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := v
	cp.SeenBy = append([]string(nil), v.SeenBy...)
	s.addValueLocked(Norm(name), &cp)
}

// Sightings returns copies of every value learned with this raw value,
// under any name: who carried it, and from which operation.
func (s *State) Sightings(raw string) []Value {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Value
	for _, list := range s.values {
		for _, v := range list {
			if v.Raw == raw {
				cp := *v
				cp.SeenBy = append([]string(nil), v.SeenBy...)
				out = append(out, cp)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Seq != out[j].Seq {
			return out[i].Seq < out[j].Seq
		}
		return out[i].Source < out[j].Source
	})
	return out
}

// Values returns copies of the values learned under a normalised name
// (or scoped key), lowest case number first.
func (s *State) Values(name string) []Value {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.values[name]
	out := make([]Value, len(list))
	for i, v := range list {
		out[i] = *v
		out[i].SeenBy = append([]string(nil), v.SeenBy...)
	}
	return out
}

func isInteger(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '-' && i == 0 && len(s) > 1 {
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
