package generate

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func blogTargets(t *testing.T) []*plan.Target {
	t.Helper()
	data, err := os.ReadFile("testdata/blog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return loadTargets(t, "blog.yaml", string(data))
}

// stageCases drains the stages: per stage its name and "METHOD path" of
// every case, in order.
func stageCases(stages []Stage) (names []string, cases [][]*plan.Case) {
	for _, st := range stages {
		names = append(names, st.Name)
		var cs []*plan.Case
		for c := range st.Cases {
			cs = append(cs, c)
		}
		cases = append(cases, cs)
	}
	return names, cases
}

func ops(cs []*plan.Case) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Method+" "+c.Target.Op.Path)
	}
	return strings.Join(out, ", ")
}

func TestExampleLevel(t *testing.T) {
	for _, tt := range []struct {
		method, path string
		want         string
	}{
		{"POST", "/posts", "creates"},
		{"GET", "/posts", "lists"},
		{"HEAD", "/posts", "lists"},
		{"OPTIONS", "/posts", "lists"},
		{"POST", "/posts/{postId}/comments", "creates under an object"},
		{"GET", "/posts/{postId}", "item reads"},
		{"PUT", "/posts/{postId}", "updates"},
		{"PATCH", "/posts/{postId}", "updates"},
		{"DELETE", "/posts/{postId}", "deletes"},
		// A PUT or DELETE on the collection itself is still an update or
		// a delete: it must come after the creates and reads.
		{"PUT", "/settings", "updates"},
		{"DELETE", "/sessions", "deletes"},
	} {
		tg := &plan.Target{Op: &surface.Operation{Method: tt.method, Path: tt.path}}
		if got := exampleLevels[exampleLevel(tg)]; got != tt.want {
			t.Errorf("%s %s: level %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

// The examples phase sends producers before consumers, one stage per
// level, whatever order the spec lists the operations in.
func TestExampleStagesProducersFirst(t *testing.T) {
	g := New(Options{Seed: 1, Phases: []plan.Phase{plan.PhaseAccounts, plan.PhaseExamples}})
	names, cases := stageCases(g.Stages(blogTargets(t), nil))
	want := []struct{ name, ops string }{
		{"examples: creates", "POST /posts, POST /login"},
		{"examples: lists", "GET /posts"},
		{"examples: creates under an object", "POST /posts/{postId}/comments"},
		{"examples: item reads", "GET /posts/{postId}, GET /posts/{postId}/comments, GET /posts/{postId}/comments/{commentId}"},
		{"examples: updates", "PUT /posts/{postId}"},
		{"examples: deletes", "DELETE /posts/{postId}"},
	}
	if len(names) != len(want) {
		t.Fatalf("stages %q, want %d (the accounts phase is the engine's own)", names, len(want))
	}
	seq := 0
	for i, w := range want {
		if names[i] != w.name {
			t.Errorf("stage %d is %q, want %q", i, names[i], w.name)
		}
		got := strings.Split(ops(cases[i]), ", ")
		wantOps := strings.Split(w.ops, ", ")
		if !sameSet(got, wantOps) {
			t.Errorf("%s: %s, want %s", w.name, ops(cases[i]), w.ops)
		}
		for _, c := range cases[i] {
			if c.Phase != plan.PhaseExamples || c.Intent != plan.IntentValid || c.Mutation != "spec examples" {
				t.Errorf("%s: case %+v", w.name, c)
			}
			if c.Seq != seq {
				t.Errorf("%s: Seq %d, want %d (numbered across stages)", w.name, c.Seq, seq)
			}
			seq++
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

// In the other phases every operation gets its first case before any
// gets its second, and the destructive ones come last in each round.
func TestRoundRobinDestructiveLast(t *testing.T) {
	targets := blogTargets(t)
	g := New(Options{Seed: 1, Phases: []plan.Phase{plan.PhaseBoundary}, MaxPerPhase: 3})
	stages := g.Stages(targets, nil)
	if len(stages) != 1 || stages[0].Name != "boundary" {
		t.Fatalf("stages %+v", stages)
	}
	_, cases := stageCases(stages)
	cs := cases[0]
	// Operations with a field to vary; the DELETE has only its path
	// parameter, which a guarded delete never varies.
	var round []string
	seen := map[string]bool{}
	for _, c := range cs {
		k := c.Method + " " + c.Target.Op.Path
		if seen[k] {
			break
		}
		seen[k] = true
		round = append(round, k)
	}
	if len(round) < 4 {
		t.Fatalf("first round %v", round)
	}
	if last := round[len(round)-1]; last != "PUT /posts/{postId}" {
		t.Errorf("first round %v: the destructive PUT is not last", round)
	}
	for _, c := range cs {
		if c.Method == "DELETE" {
			t.Errorf("a guarded DELETE got a boundary case: %s", c.Mutation)
		}
	}
	for i, c := range cs {
		if c.Seq != i {
			t.Fatalf("case %d has Seq %d", i, c.Seq)
		}
	}
}

// The stateful phase: for each resource (parents first) and each of at
// most two identities, two creates with distinct names, a read, an update
// with changed values, a read back and a list; the second identity's
// cases carry its name, the default identity's carry "".
func TestStatefulStages(t *testing.T) {
	targets := blogTargets(t)
	g := New(Options{Seed: 4, Phases: []plan.Phase{plan.PhaseStateful}})
	names, cases := stageCases(g.Stages(targets, []string{"alice", "bob", "carol"}))
	if got := strings.Join(names, ","); got != "stateful: create,stateful: read,stateful: update,stateful: read back,stateful: list" {
		t.Fatalf("stages %s", got)
	}
	type row struct{ op, identity, mutation string }
	rows := func(cs []*plan.Case) []row {
		var out []row
		for _, c := range cs {
			if c.Phase != plan.PhaseStateful || c.Intent != plan.IntentValid {
				t.Errorf("case %d: phase %s intent %v", c.Seq, c.Phase, c.Intent)
			}
			out = append(out, row{c.Method + " " + c.Target.Op.Path, c.Identity, c.Mutation})
		}
		return out
	}
	want := [][]row{
		{ // create: /posts before /posts/{postId}/comments; no /login (it takes a password)
			{"POST /posts", "", "create an object as alice"}, {"POST /posts", "", "create an object as alice"},
			{"POST /posts", "bob", "create an object as bob"}, {"POST /posts", "bob", "create an object as bob"},
			{"POST /posts/{postId}/comments", "", "create an object as alice"}, {"POST /posts/{postId}/comments", "", "create an object as alice"},
			{"POST /posts/{postId}/comments", "bob", "create an object as bob"}, {"POST /posts/{postId}/comments", "bob", "create an object as bob"},
		},
		{
			{"GET /posts/{postId}", "", "read as alice"}, {"GET /posts/{postId}", "bob", "read as bob"},
			{"GET /posts/{postId}/comments/{commentId}", "", "read as alice"}, {"GET /posts/{postId}/comments/{commentId}", "bob", "read as bob"},
		},
		{{"PUT /posts/{postId}", "", "update the identity's object as alice"}, {"PUT /posts/{postId}", "bob", "update the identity's object as bob"}},
		{
			{"GET /posts/{postId}", "", "read back as alice"}, {"GET /posts/{postId}", "bob", "read back as bob"},
			{"GET /posts/{postId}/comments/{commentId}", "", "read back as alice"}, {"GET /posts/{postId}/comments/{commentId}", "bob", "read back as bob"},
		},
		{ // a nested collection's list too
			{"GET /posts", "", "list as alice"}, {"GET /posts", "bob", "list as bob"},
			{"GET /posts/{postId}/comments", "", "list as alice"}, {"GET /posts/{postId}/comments", "bob", "list as bob"},
		},
	}
	for i := range want {
		got := rows(cases[i])
		if fmt.Sprint(got) != fmt.Sprint(want[i]) {
			t.Errorf("%s:\n got %v\nwant %v", names[i], got, want[i])
		}
	}
	// The creates do not collide: each has its own title, and the enum,
	// pattern and format fields keep values the schema allows.
	titles := map[string]bool{}
	for _, c := range cases[0][:4] {
		var body map[string]any
		if err := json.Unmarshal(c.Body, &body); err != nil {
			t.Fatal(err)
		}
		title, _ := body["title"].(string)
		if titles[title] {
			t.Errorf("two creates sent the title %q", title)
		}
		titles[title] = true
		if len(title) > 12 {
			t.Errorf("title %q is longer than maxLength 12", title)
		}
		schema := c.Target.Spec.RequestBody.Value.Content["application/json"].Schema.Value
		if err := schema.VisitJSON(body); err != nil {
			t.Errorf("create body %s is invalid: %v", c.Body, err)
		}
	}
	var update map[string]any
	_ = json.Unmarshal(cases[2][0].Body, &update)
	if titles[update["title"].(string)] {
		t.Errorf("the update sent a title a create sent: %v", update["title"])
	}

	// Without identities: the default one, by that name.
	_, cases = stageCases(g.Stages(targets, nil))
	if len(cases[0]) != 4 || cases[0][0].Mutation != "create an object as the default identity" || cases[0][0].Identity != "" {
		t.Errorf("creates without identities: %v", rows(cases[0]))
	}
}

// Without a read of one object there is no resource to exercise.
func TestStatefulNeedsCreateAndRead(t *testing.T) {
	targets := blogTargets(t)
	var kept []*plan.Target
	for _, tg := range targets {
		if !(tg.Op.Method == "GET" && strings.Contains(tg.Op.Path, "{")) {
			kept = append(kept, tg)
		}
	}
	g := New(Options{Seed: 1, Phases: []plan.Phase{plan.PhaseStateful}})
	if st := g.Stages(kept, nil); len(st) != 0 {
		t.Errorf("%d stateful stages without item reads", len(st))
	}
}

func TestDistinct(t *testing.T) {
	ml := func(n uint64) *uint64 { return &n }
	schema := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{
		"title":    {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}},
		"short":    {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: ml(8)}},
		"small":    {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: ml(3)}},
		"tiny":     {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: ml(2)}},
		"status":   {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"a", "b"}}},
		"email":    {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "email"}},
		"code":     {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Pattern: "^[A-Z]+$"}},
		"count":    {Value: &openapi3.Schema{Type: &openapi3.Types{"integer"}}},
		"authorId": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}},
		"password": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}},
		"imageUrl": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}},
	}}
	in := map[string]any{"title": "Hello", "short": "abcdefgh", "small": "abc", "tiny": "ab", "status": "a", "email": "a@b.c", "code": "AB",
		"count": int64(3), "authorId": "u1", "password": "pw", "imageUrl": "https://x", "extra": "free"}
	out := distinct(in, schema, "k9").(map[string]any)
	want := map[string]any{
		// maxLength leaves room for the tag alone: the tag, still distinct;
		// no room at all: the value as it was.
		"title": "Hello-k9", "short": "abcde-k9", "small": "-k9", "tiny": "ab", "status": "a", "email": "a@b.c", "code": "AB",
		"count": int64(3), "authorId": "u1", "password": "pw", "imageUrl": "https://x", "extra": "free-k9",
	}
	for k, v := range want {
		if out[k] != v {
			t.Errorf("%s: %v, want %v", k, out[k], v)
		}
	}
	if in["title"] != "Hello" {
		t.Error("distinct changed its input")
	}
	if got := distinct([]any{"x"}, schema, "k9"); fmt.Sprint(got) != "[x]" {
		t.Errorf("a non-object body changed: %v", got)
	}
}

// Django REST framework writes its paths with a trailing slash: the
// stateful phase finds the resources all the same.
func TestStatefulTrailingSlashes(t *testing.T) {
	spec := `openapi: 3.0.3
info: {title: drf, version: "1"}
paths:
  /api/posts/:
    get: {responses: {"200": {description: ok}}}
    post:
      requestBody: {content: {application/json: {schema: {type: object, properties: {title: {type: string}}}}}}
      responses: {"201": {description: ok}}
  /api/posts/{id}/:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get: {responses: {"200": {description: ok}}}
    patch:
      requestBody: {content: {application/json: {schema: {type: object, properties: {title: {type: string}}}}}}
      responses: {"200": {description: ok}}
`
	g := New(Options{Seed: 1, Phases: []plan.Phase{plan.PhaseStateful}})
	names, cases := stageCases(g.Stages(loadTargets(t, "drf.yaml", spec), nil))
	var got []string
	for i, cs := range cases {
		got = append(got, names[i]+": "+ops(cs))
	}
	want := []string{
		"stateful: create: POST /api/posts/, POST /api/posts/",
		"stateful: read: GET /api/posts/{id}/",
		"stateful: update: PATCH /api/posts/{id}/",
		"stateful: read back: GET /api/posts/{id}/",
		"stateful: list: GET /api/posts/",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
