package generate

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
)

func libraryTargets(t *testing.T) map[string]*plan.Target {
	t.Helper()
	data, err := os.ReadFile("testdata/library.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*plan.Target{}
	for _, tg := range loadTargets(t, "library.yaml", string(data)) {
		out[tg.Key()] = tg
	}
	return out
}

// filled is the base request of an operation for a phase, with what the
// run learned put in, as the generator builds it for who.
func filled(t *testing.T, g *Generator, tg *plan.Target, phase plan.Phase, who string) (*plan.Case, map[string]any) {
	t.Helper()
	if tg == nil {
		t.Fatal("no such target")
	}
	s := newShape(tg, g.opts.State)
	d := s.base(&values{rng: g.rngFor(tg, phase)})
	g.fillLearned(d, s, phase, as{name: who})
	c, err := d.render(tg)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if len(c.Body) > 0 {
		if err := json.Unmarshal(c.Body, &body); err != nil {
			t.Fatal(err)
		}
	}
	return c, body
}

func paramValue(ps []plan.Param, name string) string {
	for _, p := range ps {
		if p.Name == name {
			return p.Value
		}
	}
	return "<absent>"
}

// libraryState: alice and bob are accounts of the run (their token
// claims gave a user id, a name and an e-mail); each created a book;
// answers carried other values.
func libraryState() (*learn.State, map[string]*plan.Step) {
	st := learn.New()
	steps := map[string]*plan.Step{
		"alice": plan.NewStep("POST /books as alice", "alice", nil, nil, 201),
		"bob":   plan.NewStep("POST /books as bob", "bob", nil, nil, 201),
	}
	st.AddAccount("alice", false, map[string]string{"userid": "u-17", "username": "alice", "email": "alice@example.com"})
	st.AddAccount("bob", false, map[string]string{"userid": "u-18", "username": "bob", "email": "bob@example.com"})
	st.AddObject(&learn.Object{Collection: "/books", Keys: map[string]string{"id": "42"}, Identity: "alice", Op: "POST /books", Step: steps["alice"], Seq: 3})
	st.AddObject(&learn.Object{Collection: "/books", Keys: map[string]string{"id": "43"}, Identity: "bob", Op: "POST /books", Step: steps["bob"], Seq: 1})
	observed := func(name, raw string, seq int) {
		st.AddValue(name, learn.Value{Raw: raw, Origin: learn.Observed, Identity: "alice", Source: "GET /books", Seq: seq, SeenBy: []string{"alice"}})
	}
	observed("orderId", "not-a-uuid", 1)
	observed("orderId", "123e4567-e89b-42d3-a456-426614174000", 2)
	observed("tag", "toolong", 1)
	observed("tag", "go", 2)
	observed("authorId", "au-5", 1)
	observed("shelfId", "sh-2", 1)
	observed("limit", "99", 1)
	observed("reviewerId", "17", 1)
	observed("categoryId", "c2", 1)
	return st, steps
}

// How learned values are matched to parameters and body members, and
// which comes first: the spec's own example, a learned value, a
// generated one.
func TestFillLearned(t *testing.T) {
	targets := libraryTargets(t)
	st, steps := libraryState()
	g := New(Options{Seed: 1, State: st})
	for _, tt := range []struct {
		name  string
		op    string
		phase plan.Phase
		who   string
		in    string // path, query, body
		field string
		want  any
		step  *plan.Step
	}{
		// Path parameters.
		{"an examples-phase read keeps the spec's example", "GET /books/{bookId}", plan.PhaseExamples, "alice", "path", "bookId", "7", nil},
		{"other phases take the identity's object", "GET /books/{bookId}", plan.PhaseBoundary, "alice", "path", "bookId", "42", steps["alice"]},
		{"each identity its own object", "GET /books/{bookId}", plan.PhaseBoundary, "bob", "path", "bookId", "43", steps["bob"]},
		{"a write takes the identity's object, even in the examples phase", "PUT /books/{bookId}", plan.PhaseExamples, "alice", "path", "bookId", "42", steps["alice"]},
		{"a write never takes another identity's object", "PUT /books/{bookId}", plan.PhaseBoundary, "carol", "path", "bookId", "7", nil},
		{"without an example, a learned value beats a generated one", "GET /users/{userId}", plan.PhaseExamples, "alice", "path", "userId", "u-17", nil},
		{"the token claims of each identity", "GET /users/{userId}", plan.PhaseExamples, "bob", "path", "userId", "u-18", nil},
		{"the value must have the parameter's format", "GET /orders/{orderId}", plan.PhaseExamples, "alice", "path", "orderId", "123e4567-e89b-42d3-a456-426614174000", nil},
		{"the value must fit maxLength", "GET /tags/{tag}", plan.PhaseExamples, "alice", "path", "tag", "go", nil},
		// Query parameters: only references.
		{"an examples-phase query keeps the spec's example", "GET /books", plan.PhaseExamples, "alice", "query", "shelfId", "S-1", nil},
		{"a reference in the query takes a learned value", "GET /books", plan.PhaseBoundary, "alice", "query", "shelfId", "sh-2", nil},
		{"a query that references nothing keeps its value", "GET /books", plan.PhaseBoundary, "alice", "query", "limit", "specter", nil},
		// Body members.
		{"a create keeps the user name it was written with", "POST /books", plan.PhaseExamples, "alice", "body", "username", "writer", nil},
		{"a create's reference takes a learned value", "POST /books", plan.PhaseExamples, "alice", "body", "authorId", "au-5", nil},
		{"a create keeps the id of its own resource", "POST /books", plan.PhaseExamples, "alice", "body", "bookId", "b-0", nil},
		{"a create's other members keep their example", "POST /books", plan.PhaseExamples, "alice", "body", "title", "Dune", nil},
		{"an update takes the caller's user name", "PUT /books/{bookId}", plan.PhaseExamples, "alice", "body", "username", "alice", nil},
		{"an update takes the caller's e-mail", "PUT /books/{bookId}", plan.PhaseExamples, "bob", "body", "email", "bob@example.com", nil},
		{"an update takes no value someone's answer carried", "PUT /books/{bookId}", plan.PhaseExamples, "alice", "body", "reviewerId", float64(1), nil},
		{"an enum takes no learned value", "PUT /books/{bookId}", plan.PhaseExamples, "alice", "body", "categoryId", "c1", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, body := filled(t, g, targets[tt.op], tt.phase, tt.who)
			var got any
			switch tt.in {
			case "path":
				got = paramValue(c.PathParams, tt.field)
			case "query":
				got = paramValue(c.Query, tt.field)
			case "body":
				got = body[tt.field]
			}
			if got != tt.want {
				t.Errorf("%s %s = %#v, want %#v", tt.in, tt.field, got, tt.want)
			}
			if tt.step != nil {
				found := false
				for _, s := range c.Steps {
					found = found || s == tt.step
				}
				if !found {
					t.Errorf("the step that created the value is not among the case's steps %v", c.Steps)
				}
			}
		})
	}
	// Learned integers go in JSON as numbers.
	st.AddObject(&learn.Object{Collection: "/reviewers", Keys: map[string]string{"id": "17"}, Identity: "alice", Op: "POST /reviewers", Seq: 4})
	if _, body := filled(t, g, targets["PUT /books/{bookId}"], plan.PhaseExamples, "alice"); body["reviewerId"] != float64(17) {
		t.Errorf("reviewerId %#v: the identity's reviewer, as a JSON number", body["reviewerId"])
	}
	// No state: every value is the spec's or generated.
	plain := New(Options{Seed: 1})
	if c, _ := filled(t, plain, targets["GET /users/{userId}"], plan.PhaseExamples, "alice"); paramValue(c.PathParams, "userId") != "specter" {
		t.Errorf("userId %q without a state", paramValue(c.PathParams, "userId"))
	}
}

// A value an OpenAPI link gave a parameter is what the spec says goes
// there: it beats the spec's example, in the examples phase too; it is
// the linking identity's, not another's.
func TestFillLearnedLinkFirst(t *testing.T) {
	targets := libraryTargets(t)
	st := learn.New()
	create := targets["POST /books"]
	c := &plan.Case{Seq: 5, Target: create, Method: "POST", Phase: plan.PhaseExamples}
	req, err := c.Request(&url.URL{Scheme: "http", Host: "api.test"})
	if err != nil {
		t.Fatal(err)
	}
	st.Learn(&execute.Exchange{Case: c, Request: req, Status: 201, Header: http.Header{"Content-Type": {"application/json"}}}, "alice", map[string]any{"id": json.Number("99")})
	g := New(Options{Seed: 1, State: st})
	read := targets["GET /books/{bookId}"]
	for _, tt := range []struct {
		phase plan.Phase
		who   string
		want  string
	}{
		{plan.PhaseExamples, "alice", "99"},
		{plan.PhaseBoundary, "alice", "99"},
		{plan.PhaseExamples, "bob", "7"},
	} {
		c, _ := filled(t, g, read, tt.phase, tt.who)
		if got := paramValue(c.PathParams, "bookId"); got != tt.want {
			t.Errorf("%s as %s: bookId %q, want %q", tt.phase, tt.who, got, tt.want)
		}
		if tt.want == "99" && len(c.Steps) == 0 {
			t.Errorf("%s as %s: the linking create is not a step", tt.phase, tt.who)
		}
	}
}

func TestReferenceNameAndKind(t *testing.T) {
	for name, want := range map[string]bool{
		"id": false, "uuid": false, "ID": false, "userId": true, "user_id": true, "author-uuid": true,
		"username": true, "email": true, "login": true, "uid": true, "user": true,
		"paid": true, "valid": true, // ends in "id": a known over-match, harmless (the value must fit)
		"name": false, "limit": false, "ad": false,
	} {
		if got := referenceName(name); got != want {
			t.Errorf("referenceName(%q) = %v, want %v", name, got, want)
		}
	}
	targets := libraryTargets(t)
	s := newShape(targets["PUT /books/{bookId}"], nil)
	kinds := map[string]string{}
	for _, f := range s.fields {
		kinds[f.name] = kindOf(f.schema)
	}
	want := map[string]string{"bookId": "integer", "title": "", "username": "", "email": "email", "reviewerId": "integer", "categoryId": "enum", "flagged": "none"}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
}
