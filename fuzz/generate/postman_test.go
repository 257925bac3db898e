package generate

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func chainedTargets(t *testing.T) []*plan.Target {
	t.Helper()
	data, err := os.ReadFile("../../surface/postman/testdata/chained.postman_collection.json")
	if err != nil {
		t.Fatal(err)
	}
	return loadTargets(t, "chained.postman_collection.json", string(data))
}

// A collection whose scripts set variables is replayed one request per
// stage, in collection order (the DELETE is not moved after the others).
func TestReplayStagesOfAFlow(t *testing.T) {
	targets := chainedTargets(t)
	g := New(Options{Seed: 1, Phases: []plan.Phase{plan.PhaseReplay}})
	var names []string
	for _, st := range g.Stages(targets, nil) {
		n := 0
		for range st.Cases {
			n++
		}
		names = append(names, st.Name)
		if n != 1 {
			t.Errorf("stage %s has %d cases, want 1", st.Name, n)
		}
	}
	want := "replay: Log in,replay: Add a book,replay: Read the book,replay: Delete the book"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("stages %s\nwant %s", got, want)
	}
}

// Runtime variables take what the run learned, then the files' values;
// a path value from a create's answer marks the case as the run's object.
func TestRuntimeVariables(t *testing.T) {
	targets := chainedTargets(t)
	byName := map[string]*plan.Target{}
	for _, tg := range targets {
		byName[tg.Op.Request.Name] = tg
	}
	st := learn.New()
	g := New(Options{Seed: 1, Phases: []plan.Phase{plan.PhaseReplay}, State: st})
	first := func(name string) *plan.Case {
		for c := range g.operationCases(byName[name], plan.PhaseReplay, as{}) {
			return c
		}
		t.Fatalf("no case for %s", name)
		return nil
	}
	header := func(c *plan.Case, name string) string {
		for _, h := range c.Headers {
			if h.Name == name {
				return h.Value
			}
		}
		return ""
	}
	// Before any answer: the files' stale token, {{bookId}} as written.
	c := first("Read the book")
	if got := header(c, "Authorization"); got != "Bearer stale-token-from-last-week" {
		t.Errorf("Authorization %q", got)
	}
	if !strings.Contains(c.RecordedURL, "/api/books/%7B%7BbookId%7D%7D") && !strings.Contains(c.RecordedURL, "/api/books/{{bookId}}") {
		t.Errorf("URL %q", c.RecordedURL)
	}
	if c.RunObject || len(c.Steps) != 0 {
		t.Errorf("run object %v, steps %d before anything was learned", c.RunObject, len(c.Steps))
	}
	login := plan.NewStep("login", "", nil, nil, 200)
	create := plan.NewStep("create", "", nil, nil, 201)
	st.SetVariable("token", learn.Variable{Value: "fresh", Step: login})
	st.SetVariable("bookId", learn.Variable{Value: "bk-9", Step: create, Created: true})
	st.SetVariable("shelf", learn.Variable{Value: "A-3"})
	c = first("Read the book")
	if got := header(c, "Authorization"); got != "Bearer fresh" {
		t.Errorf("Authorization %q, want the token the login set", got)
	}
	if !strings.HasSuffix(c.RecordedURL, "/api/books/bk-9") {
		t.Errorf("URL %q", c.RecordedURL)
	}
	var shelf string
	for _, q := range c.Query {
		if q.Name == "shelf" {
			shelf = q.Value
		}
	}
	if shelf != "A-3" {
		t.Errorf("shelf %q", shelf)
	}
	if !c.RunObject || len(c.Steps) != 2 || !slices.Contains(c.Steps, login) || !slices.Contains(c.Steps, create) {
		t.Errorf("run object %v, steps %v", c.RunObject, c.Steps)
	}
	// A created value in the query, not the path, is no run object.
	st.SetVariable("bookId", learn.Variable{Value: "bk-9", Step: create})
	st.SetVariable("shelf", learn.Variable{Value: "A-3", Created: true})
	if c := first("Read the book"); c.RunObject {
		t.Error("a created value in the query made the read a run object")
	}
}

func TestRuntimeRequestFill(t *testing.T) {
	create := plan.NewStep("create", "", nil, nil, 201)
	st := learn.New()
	st.SetVariable("id", learn.Variable{Value: "7", Step: create, Created: true})
	st.SetVariable("token", learn.Variable{Value: "fresh"})
	defaults := map[string]string{"host": "api.test", "id": "stale", "page": "1"}
	for _, tt := range []struct {
		name, url       string
		st              *learn.State
		wantURL         string
		wantRunObject   bool
		wantSteps       int
		header, wantHdr string
	}{
		{"a learned value, in the path", "https://{{host}}/books/{{id}}", st, "https://api.test/books/7", true, 1, "Bearer {{token}}", "Bearer fresh"},
		{"in the query it names no object of the run", "https://{{host}}/books?id={{id}}", st, "https://api.test/books?id=7", false, 1, "", ""},
		{"after a query written before it", "https://{{host}}/b?x=1&page={{page}}&id={{id}}", st, "https://api.test/b?x=1&page=1&id=7", false, 1, "", ""},
		{"the collection's value before any answer", "https://{{host}}/books/{{id}}", learn.New(), "https://api.test/books/stale", false, 0, "{{token}}", "{{token}}"},
		{"no state at all", "https://{{host}}/books/{{id}}", nil, "https://api.test/books/stale", false, 0, "", ""},
		{"a name nothing gives stays as written", "https://{{host}}/{{nowhere}}/x", st, "https://api.test/{{nowhere}}/x", false, 0, "", ""},
		{"an unclosed brace is left alone", "https://{{host}}/a{{id", st, "https://api.test/a{{id", false, 0, "", ""},
		{"the same step is listed once", "https://{{host}}/books/{{id}}/copies/{{id}}", st, "https://api.test/books/7/copies/7", true, 1, "", ""},
	} {
		r := &surface.Request{URL: "resolved", Headers: []surface.Header{{Name: "Authorization", Value: "resolved"}},
			Runtime: &surface.RuntimeRequest{URL: tt.url, Headers: []string{tt.header}, Defaults: defaults}}
		got := runtimeRequest(r, tt.st)
		if got.url != tt.wantURL || got.runObject != tt.wantRunObject || len(got.steps) != tt.wantSteps || got.headers[0] != tt.wantHdr {
			t.Errorf("%s: url %q run object %v steps %d header %q; want %q %v %d %q", tt.name, got.url, got.runObject, len(got.steps), got.headers[0],
				tt.wantURL, tt.wantRunObject, tt.wantSteps, tt.wantHdr)
		}
	}
	// Without runtime variables the request is the resolved one.
	r := &surface.Request{URL: "https://api.test/x", Body: "b", Headers: []surface.Header{{Name: "A", Value: "v"}}}
	if got := runtimeRequest(r, st); got.url != r.URL || got.body != "b" || !slices.Equal(got.headers, []string{"v"}) || got.runObject {
		t.Errorf("resolved request changed: %+v", got)
	}
}
