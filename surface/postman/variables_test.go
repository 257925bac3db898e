package postman

import (
	"strings"
	"testing"

	"github.com/specterhq/specter/surface"
)

func TestResolve(t *testing.T) {
	sc := scope{env: varSet{"host": "env.example", "shadow": "env"}}.
		with(varSet{"shadow": "collection", "coll": "c", "host": "coll.example", "ref": "{{coll}}-{{host}}"}).
		with(varSet{"shadow": "folder", "folder": "f"})
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"{{host}}", "env.example"},          // environment beats collection
		{"{{shadow}}", "env"},                // environment beats folder
		{"{{folder}}/{{coll}}", "f/c"},       // both layers visible
		{"{{ref}}", "c-env.example"},         // nested references resolve
		{"{{missing}}", "{{missing}}"},       // unknown stays
		{"{{$guid}}", "{{$guid}}"},           // dynamic stays
		{"{{{coll}}}", "{c}"},                // extra braces around a reference
		{"{{co{ll}}", "{{co{ll}}"},           // braces inside are no reference
		{"{{coll", "{{coll"},                 // unterminated
		{"a{{}}b", "a{{}}b"},                 // empty name
		{"{{coll}}{{coll}}{{x}}", "cc{{x}}"}, // several per string
	}
	for _, tt := range tests {
		if got := sc.resolve(tt.in); got != tt.want {
			t.Errorf("resolve(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Layers added with with() do not leak into the parent scope.
	parent := scope{}.with(varSet{"a": "1"})
	_ = parent.with(varSet{"a": "2"})
	sibling := parent.with(varSet{"b": "3"})
	if got := sibling.resolve("{{a}}{{b}}"); got != "13" {
		t.Errorf("sibling scope sees %q, want 13", got)
	}
}

func TestResolveBounded(t *testing.T) {
	sc := scope{}.with(varSet{"self": "{{self}}", "grow": "{{grow}}{{grow}}", "pad": strings.Repeat("x", 1000) + "{{pad}}"})
	if got := sc.resolve("{{self}}"); got != "{{self}}" {
		t.Errorf("self reference = %q", got)
	}
	if got := sc.resolve("{{grow}}"); len(got) > maxResolvedGrowth+len("{{grow}}") {
		t.Errorf("doubling reference grew to %d bytes", len(got))
	}
	got := sc.resolve("{{pad}}")
	if n := strings.Count(got, "x"); n != maxResolveRounds*1000 {
		t.Errorf("padding reference expanded %d times, want %d rounds", n/1000, maxResolveRounds)
	}
}

// TestResolveBudget: thousands of values that each grow to the per-value
// bound stop growing once the load's budget is spent.
func TestResolveBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"info":{"name":"bomb","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},`)
	b.WriteString(`"variable":[{"key":"d","value":"{{d}}{{d}}"}],"item":[{"name":"r","request":{"url":"https://x","header":[`)
	const headers = 3000
	for i := range headers {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"key":"h","value":"{{d}}"}`)
	}
	b.WriteString(`]}}]}`)
	data := []byte(b.String())
	f := &surface.File{Path: "bomb.json", Data: data, Tree: reparse(t, data)}
	api, err := LoadCollection(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, h := range api.Operations[0].Request.Headers {
		total += len(h.Value)
	}
	if budget := 16<<20 + 16*len(data); total > budget+maxResolvedGrowth {
		t.Errorf("headers resolved to %d bytes, over the %d byte budget", total, budget)
	}
	if first := api.Operations[0].Request.Headers[0].Value; len(first) < maxResolvedGrowth/2 {
		t.Errorf("first header only grew to %d bytes; the budget should not starve it", len(first))
	}
}
