package engine

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// index lints nothing: it builds the Document of the fixture's root file.
func index(t *testing.T, paths ...string) *Document {
	t.Helper()
	s := ingesttest.LoadForLint(t, paths...)
	for _, f := range s.Files {
		if f.Format.IsOpenAPI() {
			d, err := buildDocument(context.Background(), f, newResolver(s.Files))
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	t.Fatalf("no OpenAPI document in %v", paths)
	return nil
}

func TestIndexMultiFile(t *testing.T) {
	d := index(t, "testdata/index/multi/api.yaml")
	if len(d.Operations) != 2 {
		t.Fatalf("operations = %d, want 2", len(d.Operations))
	}
	get, post := d.Operations[0], d.Operations[1]
	for _, tt := range []struct {
		name      string
		got, want string
	}{
		{"get file", get.Node.File.Path, "testdata/index/multi/paths.yaml"},
		{"get pointer", get.Node.Ptr, "/pets/get"},
		{"post id", post.ID, "addPet"},
		{"get param", get.Parameters[0].Def.Ptr, "/params/limit"},
		{"get param file", get.Parameters[0].Def.File.Path, "testdata/index/multi/paths.yaml"},
		{"response schema file", get.Responses[0].Content[0].Schema.Node.File.Path, "testdata/index/multi/schemas/other.yaml"},
		{"response schema pointer", get.Responses[0].Content[0].Schema.Node.Ptr, "/Other"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if get.Node.Location().Line != 4 {
		t.Errorf("get line = %d, want 4", get.Node.Location().Line)
	}
	if get.Security == nil || !get.Security.Inherited || len(get.Security.Alternatives) != 1 {
		t.Errorf("get security = %+v, want the inherited document requirement", get.Security)
	}
	if post.Security == nil || post.Security.Inherited || len(post.Security.Alternatives) != 0 {
		t.Errorf("post security = %+v, want its own empty list", post.Security)
	}
	// Node and Other refer to each other and themselves: each is indexed
	// once, with the usages of every path that reaches it.
	count := map[string]int{}
	var node, other *Schema
	for _, s := range d.Schemas {
		count[s.Node.File.Path+"#"+s.Node.Ptr]++
		switch s.Node.Ptr {
		case "/components/schemas/Node":
			node = s
		case "/Other":
			other = s
		}
	}
	for k, n := range count {
		if n != 1 {
			t.Errorf("schema %s indexed %d times", k, n)
		}
	}
	if node == nil || other == nil {
		t.Fatalf("schemas not indexed: %v", count)
	}
	if node.Usage != UsedInRequest|UsedInResponse || other.Usage != UsedInRequest|UsedInResponse {
		t.Errorf("usages Node=%b Other=%b, want request|response for both (they reach each other)", node.Usage, other.Usage)
	}
	props := node.Properties()
	if len(props) != 2 || props[1].Schema != other {
		t.Errorf("Node properties = %+v", props)
	}
}

func TestIndexSwagger2(t *testing.T) {
	d := index(t, "testdata/index/swagger2.yaml")
	if len(d.Servers) != 2 || d.Servers[0].URL != "http://api.example.com/v1" {
		t.Errorf("servers = %+v", d.Servers)
	}
	s := d.Scheme("oauth")
	if s == nil || len(s.Flows) != 1 || s.Flows[0].Type != "authorizationCode" || s.Flows[0].TokenURL.Str() != "https://auth.example.com/token" {
		t.Fatalf("scheme = %+v", s)
	}
	if _, ok := s.Scope("pets:read"); !ok || !d.ScopeRequired(s, "pets:read") {
		t.Error("scope pets:read not declared or not seen as required")
	}
	op := d.Operations[0]
	if op.RequestBody == nil || op.RequestBody.Content[0].Schema == nil || op.RequestBody.Content[0].Schema.Node.Ptr != "/definitions/Pet" {
		t.Fatalf("body = %+v", op.RequestBody)
	}
	if len(op.Parameters) != 1 || op.Parameters[0].Name != "q" || op.Parameters[0].Schema == nil {
		t.Errorf("parameters = %+v", op.Parameters)
	}
	if r := op.Response("200"); r == nil || len(r.Content) != 1 || r.Content[0].Schema.Node.Ptr != "/definitions/Pet" {
		t.Errorf("response 200 = %+v", r)
	}
}

func TestIndexAliases(t *testing.T) {
	d := index(t, "testdata/index/aliases.yaml")
	if len(d.Operations) != 2 || len(d.Operations[1].Responses) != 1 {
		t.Fatalf("operations = %+v", d.Operations)
	}
}

func TestResolveUnresolvable(t *testing.T) {
	f := &surface.File{Path: "x.yaml", Abs: filepath.Join(t.TempDir(), "x.yaml")}
	r := newResolver([]*surface.File{f})
	for _, ref := range []string{"", "#/nope", "other.yaml#/a", "https://example.com/a.yaml", "#anchor", "%zz"} {
		if n, ok := r.target(f, ref); ok || n.Exists() {
			t.Errorf("target(%q) resolved to %+v", ref, n)
		}
	}
}

func TestIndexCallbackCycles(t *testing.T) {
	d := index(t, "testdata/index/callback-cycle.yaml")
	if len(d.Operations) != 2 || len(d.Callbacks) != 1 {
		t.Fatalf("operations %d, callbacks %d; want 2 and 1", len(d.Operations), len(d.Callbacks))
	}
}

func TestSchemaBounds(t *testing.T) {
	d := index(t, "testdata/index/bounds.yaml")
	byName := map[string]*Schema{}
	for _, s := range d.Schemas {
		if s.Node.Key != nil {
			byName[s.Node.Name()] = s
		}
	}
	for _, tt := range []struct {
		name           string
		str, num, seen bool
	}{
		{"Base", true, false, true},
		{"ViaAllOf", true, false, true},
		{"Enum", true, true, true},
		{"Const", true, true, true},
		{"Uuid", true, false, true},
		{"Free", false, false, true},
		{"Loop", false, false, true},
		{"Range", false, true, true},
		{"Half", false, false, true},
		{"Legacy", false, true, true},
		{"BoolOnly", false, false, true},
		{"MergedRange", false, true, true},
	} {
		s := byName[tt.name]
		if s == nil {
			t.Errorf("%s not indexed", tt.name)
			continue
		}
		if got := s.StringBounded(); got != tt.str {
			t.Errorf("%s.StringBounded() = %v, want %v", tt.name, got, tt.str)
		}
		if got := s.NumberBounded(); got != tt.num {
			t.Errorf("%s.NumberBounded() = %v, want %v", tt.name, got, tt.num)
		}
	}
}

func TestSchemaWalk(t *testing.T) {
	d := index(t, "testdata/index/multi/api.yaml")
	var node *Schema
	for _, s := range d.Schemas {
		if s.Node.Ptr == "/components/schemas/Node" {
			node = s
		}
	}
	var seen []string
	node.Walk(func(s *Schema) bool {
		seen = append(seen, s.Node.File.Path+"#"+s.Node.Ptr)
		return true
	})
	// Node -> child (Node again: skipped) and other -> Other -> back (Node),
	// self (Other): two schemas, each once.
	if len(seen) != 2 {
		t.Errorf("Walk visited %v, want Node and Other once each", seen)
	}
	var stopped int
	node.Walk(func(*Schema) bool { stopped++; return false })
	if stopped != 1 {
		t.Errorf("Walk went below a schema whose fn returned false (%d calls)", stopped)
	}
}

func TestCallbackParent(t *testing.T) {
	d := index(t, "testdata/index/callback-cycle.yaml")
	cb := d.Callbacks[0]
	if cb.Parent == nil || cb.Parent.Path != "/b" || cb.Callback != "hook" || cb.Method != "POST" {
		t.Errorf("callback = %+v, want POST under /b's hook", cb)
	}
}
