package learn

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/specterhq/specter/fuzz/plan"
)

func TestOriginString(t *testing.T) {
	for o, want := range map[Origin]string{Observed: "observed", Created: "created", Account: "account", Origin(9): "observed"} {
		if got := o.String(); got != want {
			t.Errorf("Origin(%d).String() = %q, want %q", int(o), got, want)
		}
	}
	if !(Observed < Created && Created < Account) {
		t.Error("origins are not ordered from the least to the most trusted")
	}
}

func TestAddAccount(t *testing.T) {
	s := New()
	signUp := &plan.Step{Title: "sign up specter-a"}
	login := &plan.Step{Title: "log in specter-a"}
	s.AddAccount("specter-a", true, map[string]string{"user_name": "specter-a", "E-Mail": "a@example.test", "phone": ""}, signUp)
	s.AddAccount("alice", false, map[string]string{"sub": "alice"})
	// Extending keeps what was there, adds steps and identifiers, and a
	// later declared add does not take "provisioned" back.
	s.AddAccount("specter-a", false, map[string]string{"userId": "7"}, login)

	a := s.Account("specter-a")
	if a == nil {
		t.Fatal("Account(specter-a) = nil")
	}
	if !a.Provisioned {
		t.Error("specter-a is no longer provisioned after a declared add")
	}
	wantIDs := map[string]string{"username": "specter-a", "email": "a@example.test", "userid": "7"}
	if len(a.IDs) != len(wantIDs) {
		t.Errorf("IDs = %v, want %v (empty values are not identifiers)", a.IDs, wantIDs)
	}
	for k, v := range wantIDs {
		if a.IDs[k] != v {
			t.Errorf("IDs[%q] = %q, want %q", k, a.IDs[k], v)
		}
	}
	if len(a.Steps) != 2 || a.Steps[0] != signUp || a.Steps[1] != login {
		t.Errorf("Steps = %v, want sign-up then login", a.Steps)
	}
	if s.Account("nobody") != nil {
		t.Error("Account(nobody) != nil")
	}
	if b := s.Account("alice"); b == nil || b.Provisioned {
		t.Errorf("alice = %+v, want a declared account", b)
	}

	// The record is a copy.
	a.IDs["username"] = "changed"
	a.Steps[0] = nil
	if again := s.Account("specter-a"); again.IDs["username"] != "specter-a" || again.Steps[0] != signUp {
		t.Error("changing the returned record changed the state")
	}

	// Accounts come in the order they were first added.
	var order []string
	for _, acc := range s.Accounts() {
		order = append(order, acc.Identity)
	}
	if want := []string{"specter-a", "alice"}; !slices.Equal(order, want) {
		t.Errorf("Accounts() order = %v, want %v", order, want)
	}

	// Identifiers are values of origin Account, owned by their identity,
	// with the account's last step.
	vs := s.Values("userid")
	if len(vs) != 1 {
		t.Fatalf("Values(userid) = %+v, want one", vs)
	}
	v := vs[0]
	if v.Raw != "7" || v.Origin != Account || v.Identity != "specter-a" || v.Name != "userid" || v.Seq != -1 || v.Step != login || !slices.Equal(v.SeenBy, []string{"specter-a"}) {
		t.Errorf("userid value = %+v", v)
	}
	if vs := s.Values("username"); len(vs) != 1 || vs[0].Step != signUp {
		t.Errorf("username value = %+v, want the step of its own add", vs)
	}
	if vs := s.Values("sub"); len(vs) != 1 || vs[0].Step != nil {
		t.Errorf("sub value = %+v, want no step (a declared identity's claims)", vs)
	}
}

func TestAccountOf(t *testing.T) {
	s := New()
	s.AddAccount("specter-a", true, map[string]string{"username": "specter-a", "email": "a@example.test", "userid": "7", "phone": "5550100"})
	s.AddAccount("alice", false, map[string]string{"sub": "12", "id": "31", "username": "alice"})
	s.AddAccount("bob", false, map[string]string{"id": "44"})
	for _, tt := range []struct {
		name, value, want string
	}{
		{"username", "specter-a", "specter-a"},
		// Strings identify an account whatever the name.
		{"book_title", "specter-a", "specter-a"},
		{"owner", "a@example.test", "specter-a"},
		{"user", "alice", "alice"},
		// Numbers only under a name that says it is a user's.
		{"userId", "7", "specter-a"},
		{"user_id", "12", "alice"},
		{"accountId", "31", "alice"},
		{"customer_id", "44", "bob"},
		{"owner", "31", "alice"},
		{"sub", "12", "alice"},
		{"profileId", "44", "bob"},
		{"memberId", "44", "bob"},
		{"orderId", "31", ""},
		{"order_number", "44", ""},
		{"quantity", "7", ""},
		// ... and a number the account holds under a user's name is no
		// more the user when the request names something else.
		{"orderId", "7", ""},
		{"order_number", "12", ""},
		// A generic id may be the user's id the account holds as such.
		{"id", "7", "specter-a"},
		{"id", "12", "alice"},
		{"id", "44", ""},
		// Phone numbers are numbers too.
		{"phone", "5550100", ""},
		{"user_phone", "5550100", "specter-a"},
		{"-5", "-5", ""},
		{"username", "nobody", ""},
		{"username", "", ""},
	} {
		if got := s.AccountOf(tt.name, tt.value); got != tt.want {
			t.Errorf("AccountOf(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

func book(identity string, seq int, keys map[string]string) *Object {
	return &Object{Collection: "/books", Keys: keys, Identity: identity, Op: "POST /books", Seq: seq}
}

func TestObjects(t *testing.T) {
	s := New()
	s.AddObject(nil)
	s.AddObject(&Object{Keys: map[string]string{"id": "1"}, Identity: "a"})
	s.AddObject(&Object{Collection: "/books", Identity: "a"})
	if got := s.Collections(); len(got) != 0 {
		t.Fatalf("objects without a collection or keys were kept: %v", got)
	}

	s.AddObject(&Object{Collection: "/books/", Keys: map[string]string{"id": "3"}, Identity: "bob", Op: "POST /books/", Seq: 30})
	s.AddObject(book("alice", 20, map[string]string{"id": "2", "title": "B"}))
	s.AddObject(book("alice", 10, map[string]string{"id": "1", "title": "A"}))
	s.AddObject(&Object{Collection: "/authors", Keys: map[string]string{"id": "9"}, Identity: "alice", Seq: 5})

	ids := func(objs []*Object) []string {
		var out []string
		for _, o := range objs {
			out = append(out, o.Keys["id"])
		}
		return out
	}
	for _, tt := range []struct {
		collection, identity string
		want                 []string
	}{
		{"/books", "", []string{"1", "2", "3"}},
		{"/books/", "", []string{"1", "2", "3"}},
		{"/books", "alice", []string{"1", "2"}},
		{"/books", "bob", []string{"3"}},
		{"/books", "carol", nil},
		{"/authors", "alice", []string{"9"}},
		{"/nothing", "", nil},
	} {
		if got := ids(s.Objects(tt.collection, tt.identity)); !slices.Equal(got, tt.want) {
			t.Errorf("Objects(%q, %q) = %v, want %v", tt.collection, tt.identity, got, tt.want)
		}
	}
	if got, want := s.Collections(), []string{"/authors", "/books"}; !slices.Equal(got, want) {
		t.Errorf("Collections() = %v, want %v", got, want)
	}

	// ObjectFor and WasCreated find objects by the value a parameter names.
	if o, ok := s.ObjectFor("/books", "id", "2"); !ok || o.Keys["title"] != "B" {
		t.Errorf("ObjectFor(/books, id, 2) = %v, %v", o, ok)
	}
	if o, ok := s.ObjectFor("/books/", "bookId", "3"); !ok || o.Identity != "bob" {
		t.Errorf("ObjectFor(/books/, bookId, 3) = %v, %v", o, ok)
	}
	if _, ok := s.ObjectFor("/books", "title", "A"); !ok {
		t.Error("ObjectFor(/books, title, A): an object is named by its other keys too")
	}
	for _, tt := range []struct{ col, param, value string }{
		{"/books", "id", "9"},   // an author's id
		{"/authors", "id", "1"}, // a book's id
		{"/books", "id", "4"},
		{"/books", "page", "1"},
	} {
		if o, ok := s.ObjectFor(tt.col, tt.param, tt.value); ok {
			t.Errorf("ObjectFor(%q, %q, %q) = %+v, want none", tt.col, tt.param, tt.value, o)
		}
		if s.WasCreated(tt.col, tt.param, tt.value) {
			t.Errorf("WasCreated(%q, %q, %q) = true", tt.col, tt.param, tt.value)
		}
	}

	// A deleted object is no longer live, but was created.
	s.MarkDeleted("/books/", "id", "2")
	s.MarkDeleted("/books", "id", "404") // nothing to mark
	if got, want := ids(s.Objects("/books", "")), []string{"1", "3"}; !slices.Equal(got, want) {
		t.Errorf("after MarkDeleted: Objects = %v, want %v", got, want)
	}
	if _, ok := s.ObjectFor("/books", "id", "2"); ok {
		t.Error("ObjectFor finds a deleted object")
	}
	if !s.WasCreated("/books", "id", "2") || !s.WasCreated("/books/", "id", "2") {
		t.Error("WasCreated forgets a deleted object")
	}
	if !s.WasCreated("/books", "id", "1") {
		t.Error("WasCreated(/books, id, 1) = false")
	}
	// The collection still lists.
	if got := s.Collections(); len(got) != 2 {
		t.Errorf("Collections() = %v after a delete", got)
	}
}

func TestAddObjectIndexesValues(t *testing.T) {
	s := New()
	step := &plan.Step{Title: "create an object (POST /books)"}
	s.AddObject(&Object{Collection: "/books/", Keys: map[string]string{"id": "42", "booktitle": "Dune", "location": "42"}, Identity: "alice", Op: "POST /books", Step: step, Seq: 3})
	s.AddObject(&Object{Collection: "/vehicles", Keys: map[string]string{"uuid": "u-1", "location": "u-2"}, Identity: "bob", Op: "POST /vehicles", Seq: 4})

	for _, tt := range []struct {
		name string
		raws []string
	}{
		{"id", []string{"42"}},
		{"booktitle", []string{"Dune"}},
		{"location", []string{"42", "u-2"}},
		{"uuid", []string{"u-1"}},
		// Ids and the Location's id are indexed under the collection.
		{"id@/books", []string{"42"}},
		{"id@/vehicles", []string{"u-1", "u-2"}},
	} {
		vs := s.Values(tt.name)
		var raws []string
		for _, v := range vs {
			raws = append(raws, v.Raw)
			if v.Name != tt.name {
				t.Errorf("Values(%q) holds a value named %q", tt.name, v.Name)
			}
			if v.Origin != Created || v.Source == "" || v.Identity == "" || !slices.Equal(v.SeenBy, []string{v.Identity}) {
				t.Errorf("Values(%q): %+v, want a created value of its creator", tt.name, v)
			}
		}
		slices.Sort(raws)
		if !slices.Equal(raws, tt.raws) {
			t.Errorf("Values(%q) = %v, want %v", tt.name, raws, tt.raws)
		}
	}
	if vs := s.Values("id@/books"); len(vs) != 1 || vs[0].Step != step || vs[0].Seq != 3 || vs[0].Identity != "alice" || vs[0].Source != "POST /books" {
		t.Errorf("id@/books = %+v", vs)
	}
	if vs := s.Values("title"); len(vs) != 0 {
		t.Errorf("Values(title) = %+v, want none", vs)
	}

	// The two indexes are separate values: seeing one does not change the other.
	s.AddValue("id", Value{Raw: "42", Identity: "carol", SeenBy: []string{"carol"}, Seq: 9})
	if vs := s.Values("id@/books"); len(vs) != 1 || slices.Contains(vs[0].SeenBy, "carol") {
		t.Errorf("id@/books = %+v after carol saw id 42", vs)
	}
	if vs := s.Values("id"); len(vs) != 1 || !slices.Equal(vs[0].SeenBy, []string{"alice", "carol"}) {
		t.Errorf("id = %+v after carol saw it, want it seen by alice and carol", vs)
	}
}

func TestSentStrings(t *testing.T) {
	s := New()
	s.AddObject(&Object{Collection: "/books", Keys: map[string]string{"id": "1"}, Identity: "a",
		Sent: map[string]any{"title": "Dune", "secret": "s3cret", "pages": 412, "draft": false, "empty": "", "tags": []any{"x"}}})
	s.AddObject(&Object{Collection: "/notes", Keys: map[string]string{"id": "2"}, Identity: "b", Sent: map[string]any{"text": "hello"}})
	s.AddObject(&Object{Collection: "/nosent", Keys: map[string]string{"id": "3"}, Identity: "b"})
	got := s.SentStrings()
	slices.Sort(got)
	if want := []string{"Dune", "hello", "s3cret"}; !slices.Equal(got, want) {
		t.Errorf("SentStrings() = %v, want %v", got, want)
	}
	if got := New().SentStrings(); len(got) != 0 {
		t.Errorf("empty state: SentStrings() = %v", got)
	}
}

func TestValuesDedup(t *testing.T) {
	stepA := &plan.Step{Title: "a"}
	stepB := &plan.Step{Title: "b"}
	for _, tt := range []struct {
		name string
		adds []Value
		// want is the one value kept (SeenBy sorted for the comparison).
		want Value
	}{
		{
			name: "lowest seq wins among observed",
			adds: []Value{
				{Raw: "1", Identity: "a", Source: "GET /x", Seq: 5, SeenBy: []string{"a"}, Step: stepA},
				{Raw: "1", Identity: "b", Source: "GET /y", Seq: 2, SeenBy: []string{"b"}, Step: stepB},
			},
			want: Value{Name: "id", Raw: "1", Identity: "b", Source: "GET /y", Seq: 2, SeenBy: []string{"a", "b"}, Step: stepB},
		},
		{
			name: "a higher seq does not replace",
			adds: []Value{
				{Raw: "1", Identity: "a", Source: "GET /x", Seq: 2, SeenBy: []string{"a"}},
				{Raw: "1", Identity: "b", Source: "GET /y", Seq: 5, SeenBy: []string{"b"}},
			},
			want: Value{Name: "id", Raw: "1", Identity: "a", Source: "GET /x", Seq: 2, SeenBy: []string{"a", "b"}},
		},
		{
			name: "a more trusted origin wins over a lower seq",
			adds: []Value{
				{Raw: "1", Identity: "a", Source: "GET /x", Seq: 1, SeenBy: []string{"a"}, Step: stepA},
				{Raw: "1", Origin: Created, Identity: "b", Source: "POST /x", Seq: 9, SeenBy: []string{"b"}},
			},
			// The new value has no step: the old one's is kept.
			want: Value{Name: "id", Raw: "1", Origin: Created, Identity: "b", Source: "POST /x", Seq: 9, SeenBy: []string{"a", "b"}, Step: stepA},
		},
		{
			name: "a less trusted origin does not replace",
			adds: []Value{
				{Raw: "1", Origin: Account, Identity: "a", Source: "account", Seq: -1, SeenBy: []string{"a"}},
				{Raw: "1", Origin: Created, Identity: "b", Source: "POST /x", Seq: -5, SeenBy: []string{"b"}},
				{Raw: "1", Identity: "c", Source: "GET /x", Seq: -9, SeenBy: []string{"c"}},
			},
			want: Value{Name: "id", Raw: "1", Origin: Account, Identity: "a", Source: "account", Seq: -1, SeenBy: []string{"a", "b", "c"}},
		},
		{
			name: "seen by is merged once",
			adds: []Value{
				{Raw: "1", Identity: "a", Seq: 1, SeenBy: []string{"a"}},
				{Raw: "1", Identity: "a", Seq: 2, SeenBy: []string{"a", "b"}},
				{Raw: "1", Identity: "b", Seq: 3, SeenBy: []string{"b", "a"}},
			},
			want: Value{Name: "id", Raw: "1", Identity: "a", Seq: 1, SeenBy: []string{"a", "b"}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			for _, v := range tt.adds {
				s.AddValue("ID", v)
			}
			vs := s.Values("id")
			if len(vs) != 1 {
				t.Fatalf("Values(id) = %+v, want one value", vs)
			}
			got := vs[0]
			slices.Sort(got.SeenBy)
			if got.Name != tt.want.Name || got.Raw != tt.want.Raw || got.Origin != tt.want.Origin || got.Identity != tt.want.Identity ||
				got.Source != tt.want.Source || got.Seq != tt.want.Seq || got.Step != tt.want.Step || !slices.Equal(got.SeenBy, tt.want.SeenBy) {
				t.Errorf("kept %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestValuesOrder(t *testing.T) {
	s := New()
	s.AddValue("id", Value{Raw: "a", Seq: 5})
	s.AddValue("id", Value{Raw: "b", Seq: 3})
	s.AddValue("id", Value{Raw: "c", Seq: 4})
	raws := func() []string {
		var out []string
		for _, v := range s.Values("id") {
			out = append(out, v.Raw)
		}
		return out
	}
	if got, want := raws(), []string{"b", "c", "a"}; !slices.Equal(got, want) {
		t.Fatalf("Values(id) = %v, want %v (lowest seq first)", got, want)
	}
	// A second sighting from an earlier case moves the value up.
	s.AddValue("id", Value{Raw: "a", Seq: 1})
	if got, want := raws(), []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("after an earlier sighting of a: Values(id) = %v, want %v", got, want)
	}
	// A more trusted origin with a later case moves it down.
	s.AddValue("id", Value{Raw: "a", Seq: 8, Origin: Created, Identity: "x"})
	if got, want := raws(), []string{"b", "c", "a"}; !slices.Equal(got, want) {
		t.Errorf("after a later create of a: Values(id) = %v, want %v", got, want)
	}
}

func TestAddValue(t *testing.T) {
	s := New()
	seen := []string{"a"}
	s.AddValue("User_Name", Value{Raw: "alice", Identity: "a", SeenBy: seen})
	s.AddValue("username", Value{Raw: "", Identity: "a"})
	s.AddValue("--", Value{Raw: "x"})
	seen[0] = "changed"
	vs := s.Values("username")
	if len(vs) != 1 || vs[0].Raw != "alice" || vs[0].Name != "username" || !slices.Equal(vs[0].SeenBy, []string{"a"}) {
		t.Errorf("Values(username) = %+v", vs)
	}
	if vs := s.Values(""); len(vs) != 0 {
		t.Errorf("a name that normalises to nothing was indexed: %+v", vs)
	}
	// Values are copies.
	vs[0].SeenBy[0] = "changed"
	vs[0].Raw = "changed"
	if again := s.Values("username"); again[0].Raw != "alice" || again[0].SeenBy[0] != "a" {
		t.Error("changing a returned value changed the state")
	}
	if vs := s.Values("nothing"); len(vs) != 0 {
		t.Errorf("Values(nothing) = %+v", vs)
	}
}

func TestSightings(t *testing.T) {
	s := New()
	s.AddAccount("alice", false, map[string]string{"userid": "7"})
	s.AddValue("owner_id", Value{Raw: "7", Identity: "bob", Source: "GET /orders", Seq: 4, SeenBy: []string{"bob"}})
	s.AddValue("id", Value{Raw: "7", Identity: "bob", Source: "GET /b", Seq: 2, SeenBy: []string{"bob"}})
	s.AddValue("authorid", Value{Raw: "7", Identity: "carol", Source: "GET /a", Seq: 2, SeenBy: []string{"carol"}})
	s.AddValue("id", Value{Raw: "8", Identity: "bob", Source: "GET /b", Seq: 1})
	got := s.Sightings("7")
	var names []string
	for _, v := range got {
		names = append(names, v.Name+" "+v.Source)
	}
	want := []string{"userid account", "authorid GET /a", "id GET /b", "ownerid GET /orders"}
	if !slices.Equal(names, want) {
		t.Errorf("Sightings(7) = %v, want %v", names, want)
	}
	// Copies.
	got[0].SeenBy[0] = "changed"
	if s.Sightings("7")[0].SeenBy[0] != "alice" {
		t.Error("changing a sighting changed the state")
	}
	if got := s.Sightings("nothing"); len(got) != 0 {
		t.Errorf("Sightings(nothing) = %+v", got)
	}
}

func TestLimits(t *testing.T) {
	t.Run("objects per owner and collection", func(t *testing.T) {
		s := New()
		for i := 0; i < maxObjectsPerOwner+5; i++ {
			s.AddObject(book("alice", i, map[string]string{"id": fmt.Sprint(i)}))
		}
		s.AddObject(book("bob", 100, map[string]string{"id": "b"}))
		s.AddObject(&Object{Collection: "/authors", Keys: map[string]string{"id": "x"}, Identity: "alice"})
		if got := len(s.Objects("/books", "alice")); got != maxObjectsPerOwner {
			t.Errorf("alice has %d books, want %d", got, maxObjectsPerOwner)
		}
		if got := len(s.Objects("/books", "bob")); got != 1 {
			t.Errorf("bob has %d books, want 1: the limit is per owner", got)
		}
		if got := len(s.Objects("/authors", "alice")); got != 1 {
			t.Errorf("alice has %d authors, want 1: the limit is per collection", got)
		}
		if s.WasCreated("/books", "id", fmt.Sprint(maxObjectsPerOwner)) {
			t.Error("an object past the limit was recorded")
		}
		if !s.WasCreated("/books", "id", fmt.Sprint(maxObjectsPerOwner-1)) {
			t.Error("the last object within the limit was not recorded")
		}
	})
	t.Run("values per name", func(t *testing.T) {
		s := New()
		for i := 0; i < maxValuesPerName+5; i++ {
			s.AddValue("id", Value{Raw: fmt.Sprint(i), Seq: i})
		}
		vs := s.Values("id")
		if len(vs) != maxValuesPerName {
			t.Fatalf("%d values, want %d", len(vs), maxValuesPerName)
		}
		if vs[len(vs)-1].Raw != fmt.Sprint(maxValuesPerName-1) {
			t.Errorf("last value kept = %q, want the first %d", vs[len(vs)-1].Raw, maxValuesPerName)
		}
		// A value already held is still merged when the name is full.
		s.AddValue("id", Value{Raw: "0", Seq: 0, SeenBy: []string{"z"}})
		if vs := s.Values("id"); !slices.Contains(vs[0].SeenBy, "z") {
			t.Errorf("full name: a known value was not merged: %+v", vs[0])
		}
	})
	t.Run("a full name makes room for a more trusted value", func(t *testing.T) {
		s := New()
		for i := 0; i < maxValuesPerName; i++ {
			s.AddValue("id", Value{Raw: fmt.Sprint(i), Seq: i, Origin: Observed})
		}
		s.AddValue("id", Value{Raw: "mine", Seq: 100, Origin: Created, Identity: "alice"})
		vs := s.Values("id")
		if len(vs) != maxValuesPerName {
			t.Fatalf("%d values, want %d", len(vs), maxValuesPerName)
		}
		raws := make([]string, len(vs))
		for i, v := range vs {
			raws[i] = v.Raw
		}
		if !slices.Contains(raws, "mine") {
			t.Errorf("the created value was dropped: %v", raws)
		}
		if slices.Contains(raws, fmt.Sprint(maxValuesPerName-1)) || !slices.Contains(raws, "0") {
			t.Errorf("the newest observed value should make room, the oldest stay: %v", raws)
		}
		// An observed value never takes a created one's place.
		for i := 0; i < maxValuesPerName; i++ {
			s.AddValue("own", Value{Raw: fmt.Sprint(i), Seq: i, Origin: Created})
		}
		s.AddValue("own", Value{Raw: "seen", Seq: 200, Origin: Observed})
		for _, v := range s.Values("own") {
			if v.Raw == "seen" {
				t.Error("an observed value replaced a created one")
			}
		}
	})
	t.Run("names", func(t *testing.T) {
		s := New()
		for i := 0; i < maxNames+10; i++ {
			s.AddValue(fmt.Sprintf("n%d", i), Value{Raw: "v"})
		}
		s.mu.Lock()
		n := len(s.values)
		s.mu.Unlock()
		if n != maxNames {
			t.Errorf("%d names, want %d", n, maxNames)
		}
		if vs := s.Values(fmt.Sprintf("n%d", maxNames)); len(vs) != 0 {
			t.Error("a name past the limit was indexed")
		}
		// Known names still take new values.
		s.AddValue("n0", Value{Raw: "w"})
		if vs := s.Values("n0"); len(vs) != 2 {
			t.Errorf("n0 = %+v, want a second value", vs)
		}
		// Nor do objects or accounts add names past the limit.
		s.AddObject(book("alice", 1, map[string]string{"id": "1"}))
		s.AddAccount("alice", true, map[string]string{"username": "alice"})
		s.mu.Lock()
		n = len(s.values)
		s.mu.Unlock()
		if n != maxNames {
			t.Errorf("%d names after an object and an account, want %d", n, maxNames)
		}
		// The object itself is still recorded: ownership is not a value.
		if !s.WasCreated("/books", "id", "1") {
			t.Error("the object was dropped with its values")
		}
	})
	t.Run("seen by", func(t *testing.T) {
		s := New()
		for i := 0; i < maxSeenBy+4; i++ {
			id := fmt.Sprintf("who%d", i)
			s.AddValue("id", Value{Raw: "1", Identity: id, SeenBy: []string{id}, Seq: 1})
		}
		vs := s.Values("id")
		if len(vs) != 1 || len(vs[0].SeenBy) != maxSeenBy {
			t.Fatalf("Values(id) = %+v, want one value seen by %d", vs, maxSeenBy)
		}
		if !slices.Contains(vs[0].SeenBy, "who0") || slices.Contains(vs[0].SeenBy, fmt.Sprintf("who%d", maxSeenBy)) {
			t.Errorf("SeenBy = %v, want the first %d", vs[0].SeenBy, maxSeenBy)
		}
		// A better value with more identities than room is bounded too.
		many := make([]string, 0, 20)
		for i := 0; i < 20; i++ {
			many = append(many, fmt.Sprintf("x%d", i))
		}
		s.AddValue("id", Value{Raw: "1", Origin: Created, Identity: "x0", SeenBy: many})
		if vs := s.Values("id"); len(vs[0].SeenBy) != maxSeenBy {
			t.Errorf("SeenBy has %d entries, want %d", len(vs[0].SeenBy), maxSeenBy)
		}
	})
}

func TestConcurrentUse(t *testing.T) {
	s := New()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			who := fmt.Sprintf("id%d", w)
			s.AddAccount(who, w%2 == 0, map[string]string{"username": who})
			for i := 0; i < 50; i++ {
				s.AddObject(book(who, i, map[string]string{"id": fmt.Sprintf("%d-%d", w, i)}))
				s.AddValue("id", Value{Raw: fmt.Sprint(i), Identity: who, SeenBy: []string{who}, Seq: i})
				s.Pick(Query{Name: "id", In: "path", Collection: "/books", Identity: who})
				s.MarkDeleted("/books", "id", fmt.Sprintf("%d-%d", w, i/2))
				s.AccountOf("username", who)
				s.Sightings(fmt.Sprint(i))
				s.SentStrings()
				s.Accounts()
			}
		}(w)
	}
	wg.Wait()
	if got := len(s.Accounts()); got != 4 {
		t.Errorf("%d accounts, want 4", got)
	}
}
