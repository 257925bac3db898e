package generate

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/plan"
)

// The examples phase sends what the spec writes, first the parameter's
// own example or examples (the first by name), then its schema's example,
// examples, default, const or first enum member; the request body's
// media-type example comes before its schema's. Path parameters and
// path-level parameters are no exception.
func TestSpecExamplesComeFirst(t *testing.T) {
	data, err := os.ReadFile("testdata/examples.yaml")
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]*plan.Target{}
	for _, tg := range loadTargets(t, "examples.yaml", string(data)) {
		targets[tg.Key()] = tg
	}
	g := New(Options{Seed: 1})
	example := func(key string) *plan.Case {
		t.Helper()
		tg := targets[key]
		if tg == nil {
			t.Fatalf("no %s in %v", key, targets)
		}
		c, ok := g.Example(tg)
		if !ok {
			t.Fatalf("no example case for %s", key)
		}
		return c
	}
	get := example("GET /items/{itemId}")
	for _, tt := range []struct {
		in, name, want string
	}{
		{"path", "itemId", "path-a"},
		{"query", "q", "param-ex"},
		{"query", "sort", "name"},
		{"query", "mode", "fast"},
		{"query", "level", "top"},
		{"query", "page", "3"},
		{"header", "X-Tenant", "tm"},
		{"query", "optional", "<absent>"},
		{"query", "needed", "specter"},
	} {
		ps := get.Query
		switch tt.in {
		case "path":
			ps = get.PathParams
		case "header":
			ps = get.Headers
		}
		if got := paramValue(ps, tt.name); got != tt.want {
			t.Errorf("GET %s %s = %q, want %q", tt.in, tt.name, got, tt.want)
		}
	}

	put := example("PUT /items/{itemId}")
	if got := paramValue(put.PathParams, "itemId"); got != "spect" {
		t.Errorf("PUT path itemId = %q: the operation's parameter overrides the path-level one (and its example)", got)
	}
	if string(put.Body) != `{"name":"f"}` {
		t.Errorf("PUT body %s: want the first media-type example by name", put.Body)
	}
	post := example("POST /items")
	if string(post.Body) != `{"name":"media"}` || post.ContentType != "application/json" {
		t.Errorf("POST /items body %s (%s): want the media-type example, as JSON", post.Body, post.ContentType)
	}
	things := example("POST /things")
	var body map[string]any
	if err := json.Unmarshal(things.Body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "widget", "size": float64(5), "color": "red", "kind": "k", "note": "n1", "tags": []any{"t"}, "plain": "specter"}
	if fmt.Sprint(body) != fmt.Sprint(want) {
		t.Errorf("POST /things body %v, want %v (no readOnly id)", body, want)
	}
}

func TestExampleOfOrder(t *testing.T) {
	str := &openapi3.Types{"string"}
	for _, tt := range []struct {
		name   string
		schema *openapi3.Schema
		want   any
		ok     bool
	}{
		{"example first", &openapi3.Schema{Type: str, Example: "e", Examples: []any{"x"}, Default: "d", Const: "c", Enum: []any{"n"}}, "e", true},
		{"then examples", &openapi3.Schema{Type: str, Examples: []any{"x", "y"}, Default: "d", Const: "c", Enum: []any{"n"}}, "x", true},
		{"then default", &openapi3.Schema{Type: str, Default: "d", Const: "c", Enum: []any{"n"}}, "d", true},
		{"then const", &openapi3.Schema{Type: str, Const: "c", Enum: []any{"n"}}, "c", true},
		{"then the first enum member", &openapi3.Schema{Type: str, Enum: []any{"n", "m"}}, "n", true},
		{"a false default is written", &openapi3.Schema{Type: &openapi3.Types{"boolean"}, Default: false}, false, true},
		{"a zero example is written", &openapi3.Schema{Type: &openapi3.Types{"integer"}, Example: 0}, 0, true},
		{"nothing written", &openapi3.Schema{Type: str}, nil, false},
		{"no schema", nil, nil, false},
	} {
		got, ok := exampleOf(tt.schema)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}
