package learn

import (
	"testing"

	"github.com/specterhq/specter/fuzz/plan"
)

// pickState is a run with three identities: alice and bob created
// books, alice an order; carol created nothing. Answers showed other
// values to some of them.
func pickState(t testing.TB) *State {
	s := New()
	s.AddAccount("alice", true, map[string]string{"username": "alice", "email": "alice@example.test", "userid": "7"}, &plan.Step{Title: "sign up alice"})
	s.AddAccount("bob", false, map[string]string{"username": "bob", "id": "8"})
	s.AddAccount("carol", false, nil)
	s.AddObject(&Object{Collection: "/books", Keys: map[string]string{"id": "101", "booktitle": "alice-book"}, Identity: "alice", Op: "POST /books", Seq: 20, Step: &plan.Step{Title: "alice's book"}})
	s.AddObject(&Object{Collection: "/books", Keys: map[string]string{"id": "100"}, Identity: "alice", Op: "POST /books", Seq: 30})
	s.AddObject(&Object{Collection: "/books", Keys: map[string]string{"id": "201", "booktitle": "bob-book"}, Identity: "bob", Op: "POST /books", Seq: 10})
	s.AddObject(&Object{Collection: "/orders", Keys: map[string]string{"id": "o-1"}, Identity: "alice", Op: "POST /orders", Seq: 40})
	s.AddObject(&Object{Collection: "/orders", Keys: map[string]string{"id": "o-dead"}, Identity: "alice", Op: "POST /orders", Seq: 1})
	s.MarkDeleted("/orders", "id", "o-dead")
	// Observed values: some authors, seen by bob first, then by alice.
	learnAll(t, s, "bob", exch{method: "GET", path: "/authors", status: 200, answer: `[{"id":"a-1"}]`, seq: 3})
	learnAll(t, s, "alice", exch{method: "GET", path: "/authors", status: 200, answer: `[{"id":"a-2"}]`, seq: 5})
	s.AddValue("authorid", Value{Raw: "a-3", Identity: "bob", Source: "GET /shelves", Seq: 1, SeenBy: []string{"bob"}})
	// A user name the default listing showed.
	s.AddValue("username", Value{Raw: "dave", Identity: "bob", Source: "GET /users", Seq: 2, SeenBy: []string{"bob"}})
	// Values of several shapes.
	s.AddValue("ref", Value{Raw: "abc", Seq: 1})
	s.AddValue("ref", Value{Raw: "12", Seq: 2})
	s.AddValue("ref", Value{Raw: "3.25", Seq: 3})
	s.AddValue("ref", Value{Raw: "0b5f7c1e-1d2e-4f3a-8b9c-0d1e2f3a4b5c", Seq: 4})
	s.AddValue("ref", Value{Raw: "x@example.test", Seq: 5})
	s.AddValue("ref", Value{Raw: "-.", Seq: 6})
	return s
}

func TestPick(t *testing.T) {
	s := pickState(t)
	for _, tt := range []struct {
		name   string
		q      Query
		raw    string // "" for no value
		origin Origin
	}{
		// Writes: the identity's own objects, lowest case first.
		{"write own object", Query{Name: "id", In: "path", Collection: "/books", Identity: "alice", Write: true}, "101", Created},
		{"write own object of another", Query{Name: "id", In: "path", Collection: "/books", Identity: "bob", Write: true}, "201", Created},
		{"write by natural key", Query{Name: "book_title", In: "path", Collection: "/books", Identity: "bob", Write: true}, "bob-book", Created},
		{"write without own objects", Query{Name: "id", In: "path", Collection: "/books", Identity: "carol", Write: true}, "", 0},
		{"write never takes observed values", Query{Name: "id", In: "path", Collection: "/authors", Identity: "alice", Write: true}, "", 0},
		{"write skips deleted objects", Query{Name: "orderId", In: "path", Collection: "/orders", Identity: "alice", Write: true}, "o-1", Created},
		{"write takes the account's identifiers", Query{Name: "username", In: "body", Identity: "alice", Write: true}, "alice", Account},
		{"write takes a synonym of them", Query{Name: "user", In: "path", Collection: "/users/v1", Identity: "bob", Write: true}, "bob", Account},
		{"write never another account's", Query{Name: "email", In: "body", Identity: "bob", Write: true}, "", 0},
		{"account user id on users", Query{Name: "userId", In: "path", Collection: "/users", Identity: "alice", Write: true}, "7", Account},
		{"account id on users", Query{Name: "id", In: "path", Collection: "/users", Identity: "bob", Write: true}, "8", Account},
		{"account id is no order id", Query{Name: "id", In: "path", Collection: "/invoices", Identity: "bob", Write: true}, "", 0},
		// A query or body reference names an object of its resource.
		{"query reference to own object", Query{Name: "book_id", In: "query", Identity: "alice", Write: true}, "101", Created},
		{"body reference to own object", Query{Name: "orderId", In: "body", Identity: "alice", Write: true}, "o-1", Created},
		{"reference without own objects", Query{Name: "book_id", In: "query", Identity: "carol", Write: true}, "", 0},
		{"reference without a resource name", Query{Name: "id", In: "query", Identity: "alice", Write: true}, "", 0},

		// Reads: own objects first.
		{"read own object", Query{Name: "id", In: "path", Collection: "/books", Identity: "alice"}, "101", Created},
		// Another identity's objects are never offered, read or not:
		// carol gets an id an answer showed under the name "id" (an
		// author's), not one of alice's or bob's books.
		{"read without own objects", Query{Name: "id", In: "path", Collection: "/books", Identity: "carol"}, "a-1", Observed},
		{"read without own objects, by natural key", Query{Name: "book_title", In: "path", Collection: "/books", Identity: "carol"}, "", 0},
		// Observed values: those the identity saw first (under any of
		// the field's names), then any, lowest case first.
		{"read observed seen by the identity", Query{Name: "authorId", In: "path", Collection: "/authors", Identity: "alice"}, "a-2", Observed},
		{"read observed the identity saw first", Query{Name: "authorId", In: "path", Collection: "/authors", Identity: "bob"}, "a-3", Observed},
		{"read observed seen by none of the query's", Query{Name: "authorId", In: "path", Collection: "/authors", Identity: "carol"}, "a-3", Observed},
		{"read generic id of a collection", Query{Name: "id", In: "path", Collection: "/authors", Identity: "carol"}, "a-1", Observed},
		{"read observed under the resource id", Query{Name: "authorId", In: "query", Identity: "carol"}, "a-3", Observed},
		{"read own account before observed", Query{Name: "username", In: "query", Identity: "alice"}, "alice", Account},
		{"read observed, never another account", Query{Name: "username", In: "query", Identity: "carol"}, "dave", Observed},
		{"read nothing learned", Query{Name: "zzz", In: "query", Identity: "alice"}, "", 0},

		// Kinds and lengths.
		{"kind any", Query{Name: "ref", In: "query", Identity: "alice"}, "abc", Observed},
		{"kind integer", Query{Name: "ref", In: "query", Identity: "alice", Kind: "integer"}, "12", Observed},
		{"kind number", Query{Name: "ref", In: "query", Identity: "alice", Kind: "number"}, "12", Observed},
		{"kind uuid", Query{Name: "ref", In: "query", Identity: "alice", Kind: "uuid"}, "0b5f7c1e-1d2e-4f3a-8b9c-0d1e2f3a4b5c", Observed},
		{"kind email", Query{Name: "ref", In: "query", Identity: "alice", Kind: "email"}, "x@example.test", Observed},
		{"kind enum", Query{Name: "ref", In: "query", Identity: "alice", Kind: "enum"}, "", 0},
		{"kind none", Query{Name: "ref", In: "query", Identity: "alice", Kind: "none"}, "", 0},
		{"kind boolean", Query{Name: "ref", In: "query", Identity: "alice", Kind: "boolean"}, "", 0},
		{"max length", Query{Name: "ref", In: "query", Identity: "alice", MaxLength: 2}, "12", Observed},
		{"max length too short for all", Query{Name: "ref", In: "query", Identity: "alice", MaxLength: 1}, "", 0},
		{"kind integer skips own objects of other shapes", Query{Name: "id", In: "path", Collection: "/orders", Identity: "alice", Kind: "integer", Write: true}, "", 0},
		{"kind email takes the account's e-mail", Query{Name: "email", In: "body", Identity: "alice", Kind: "email", Write: true}, "alice@example.test", Account},
		{"kind integer skips a user name", Query{Name: "username", In: "body", Identity: "alice", Kind: "integer", Write: true}, "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := s.Pick(tt.q)
			if tt.raw == "" {
				if ok {
					t.Errorf("Pick(%+v) = %+v, want nothing", tt.q, v)
				}
				return
			}
			if !ok || v.Raw != tt.raw || v.Origin != tt.origin {
				t.Errorf("Pick(%+v) = %q (%v), %v, want %q (%v)", tt.q, v.Raw, v.Origin, ok, tt.raw, tt.origin)
			}
		})
	}
}

func TestPickNumberShape(t *testing.T) {
	s := New()
	for i, raw := range []string{"-.", ".", "-", "1.2.3", "1e5", "+4"} {
		s.AddValue("n", Value{Raw: raw, Seq: i})
	}
	if v, ok := s.Pick(Query{Name: "n", In: "query", Kind: "number"}); ok {
		t.Errorf("Pick(number) = %q, want none of %v", v.Raw, raws(s.Values("n")))
	}
	for _, raw := range []string{"-4", "0.5", ".5", "-1.25", "7"} {
		s := New()
		s.AddValue("n", Value{Raw: raw})
		if v, ok := s.Pick(Query{Name: "n", In: "query", Kind: "number"}); !ok || v.Raw != raw {
			t.Errorf("Pick(number) = %q, %v, want %q", v.Raw, ok, raw)
		}
	}
}

func TestPickDetails(t *testing.T) {
	s := pickState(t)
	v, ok := s.Pick(Query{Name: "id", In: "path", Collection: "/books/", Identity: "alice", Write: true})
	if !ok || v.Identity != "alice" || v.Source != "POST /books" || v.Seq != 20 || v.Step == nil || v.Step.Title != "alice's book" {
		t.Errorf("own object value = %+v", v)
	}
	v, ok = s.Pick(Query{Name: "username", In: "body", Identity: "alice", Write: true})
	if !ok || v.Identity != "alice" || v.Source != "account" || v.Seq != -1 || v.Step == nil || v.Step.Title != "sign up alice" {
		t.Errorf("account value = %+v", v)
	}
	// Another identity's created values are not offered through the
	// value index either (the book title alice created is a Created
	// value under "booktitle").
	if v, ok := s.Pick(Query{Name: "book_title", In: "body", Identity: "carol"}); ok {
		t.Errorf("carol got %+v, another identity's created value", v)
	}
	if v, ok := s.Pick(Query{Name: "book_title", In: "body", Identity: "bob"}); !ok || v.Raw != "bob-book" {
		t.Errorf("bob got %+v, %v, want his own book's title", v, ok)
	}
	// A value bob saw later beats one nobody of his saw earlier, under
	// any of the names the field takes.
	s.AddValue("userid", Value{Raw: "u-x", Identity: "alice", Source: "GET /users", Seq: 1, SeenBy: []string{"alice"}})
	s.AddValue("uid", Value{Raw: "u-y", Identity: "bob", Source: "GET /members", Seq: 50, SeenBy: []string{"bob"}})
	if v, ok := s.Pick(Query{Name: "user_id", In: "query", Identity: "bob"}); !ok || v.Raw != "u-y" {
		t.Errorf("bob's user_id = %+v, %v, want the one he saw", v, ok)
	}
	if v, ok := s.Pick(Query{Name: "user_id", In: "query", Identity: "carol"}); !ok || v.Raw != "u-x" {
		t.Errorf("carol's user_id = %+v, %v, want the first seen", v, ok)
	}
}

func TestOwned(t *testing.T) {
	s := New()
	s.AddAccount("alice", true, map[string]string{"username": "alice"})
	s.AddObject(&Object{Collection: "/books", Keys: map[string]string{"id": "101"}, Identity: "alice", Op: "POST /books", Seq: 5})
	s.AddValue("reportid", Value{Raw: "r-1", Identity: "alice", Source: "POST /contact_mechanic", Seq: 6, SeenBy: []string{"alice"}})
	s.AddValue("reportid", Value{Raw: "r-0", Identity: "bob", Source: "POST /contact_mechanic", Seq: 1, SeenBy: []string{"bob"}})
	s.AddValue("orderid", Value{Raw: "o-1", Identity: "alice", Source: "PUT /orders", Seq: 7, SeenBy: []string{"alice"}})
	s.AddValue("postid", Value{Raw: "p-1", Identity: "alice", Source: "GET /posts", Seq: 8, SeenBy: []string{"alice"}})
	s.AddValue("userid", Value{Raw: "u-1", Identity: "alice", Source: "POST /users/search", Seq: 2, SeenBy: []string{"alice"}})
	for _, tt := range []struct {
		name, identity, raw string
	}{
		{"id", "alice", "101"},
		{"id", "bob", ""},
		{"username", "alice", "alice"},
		{"user", "alice", "alice"},
		{"report_id", "alice", "r-1"},
		{"report_id", "bob", "r-0"},
		{"orderId", "alice", "o-1"},
		// A read's answer is not the identity's own.
		{"postId", "alice", ""},
		{"uid", "alice", "u-1"},
		{"nothing", "alice", ""},
	} {
		v, ok := s.Owned(tt.name, tt.identity)
		if tt.raw == "" {
			if ok {
				t.Errorf("Owned(%q, %q) = %+v, want nothing", tt.name, tt.identity, v)
			}
			continue
		}
		if !ok || v.Raw != tt.raw || v.Identity != tt.identity {
			t.Errorf("Owned(%q, %q) = %q, %v, want %q", tt.name, tt.identity, v.Raw, ok, tt.raw)
		}
	}
}

// Learned end to end: what the run created through Learn is what Pick
// gives back for a write on it.
func TestPickAfterLearn(t *testing.T) {
	s := New()
	learnAll(t, s, "alice",
		exch{method: "POST", path: "/books/v1", status: 200, body: `{"book_title":"specter-book-1","secret":"x"}`, answer: `{"message":"Book has been added."}`, seq: 3},
		exch{method: "GET", path: "/books/v1", status: 200, answer: `{"Books":[{"book_title":"other-book","user":"name1"}]}`, seq: 4},
	)
	learnAll(t, s, "bob", exch{method: "POST", path: "/books/v1", status: 200, body: `{"book_title":"bob-book"}`, seq: 5})
	for _, tt := range []struct {
		identity string
		write    bool
		want     string
	}{
		{"alice", true, "specter-book-1"},
		{"alice", false, "specter-book-1"},
		{"bob", true, "bob-book"},
		{"carol", true, ""},
		// carol may read the book the listing showed, not what alice or
		// bob created.
		{"carol", false, "other-book"},
	} {
		v, ok := s.Pick(Query{Name: "book_title", In: "path", Collection: "/books/v1", Identity: tt.identity, Write: tt.write})
		if got := v.Raw; (tt.want == "" && ok) || got != tt.want {
			t.Errorf("Pick(book_title as %s, write %v) = %q, %v, want %q", tt.identity, tt.write, got, ok, tt.want)
		}
	}
	// A DELETE leaves the write nothing to pick.
	learnAll(t, s, "alice", exch{method: "DELETE", path: "/books/v1/{book_title}", params: []plan.Param{{Name: "book_title", Value: "specter-book-1"}}, status: 200})
	if v, ok := s.Pick(Query{Name: "book_title", In: "path", Collection: "/books/v1", Identity: "alice", Write: true}); ok {
		t.Errorf("after the DELETE, alice's write got %+v", v)
	}
}
