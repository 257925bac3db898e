package sourcemap

import (
	"go.yaml.in/yaml/v4"
	"strings"
	"testing"
)

const yamlDoc = `openapi: 3.0.3
paths:
  /users/{id}:
    get:
      parameters:
        - name: id
          in: path
  "/a~b":
    x: 1
`

const jsonDoc = `{
  "openapi": "3.0.3",
  "paths": {
    "/users/{id}": {
      "get": {"parameters": [{"name": "id", "in": "path"}]}
    },
    "/a~b": {"x": 1}
  },
  "s": "caf\u00e9 \"q\" \ud83d\ude00", "n": -1.5e3, "t": true, "z": null
}`

func TestPosition(t *testing.T) {
	tests := []struct {
		name, doc, pointer string
		line, col          int
	}{
		{"yaml root", yamlDoc, "", 1, 1},
		{"yaml member key", yamlDoc, "/openapi", 1, 1},
		{"yaml escaped path", yamlDoc, "/paths/~1users~1{id}/get", 4, 5},
		{"yaml sequence item", yamlDoc, "/paths/~1users~1{id}/get/parameters/0", 6, 11},
		{"yaml tilde escape", yamlDoc, "/paths/~1a~0b/x", 9, 5},
		{"yaml missing falls back to parent", yamlDoc, "/paths/~1users~1{id}/get/security", 4, 5},
		{"json member key", jsonDoc, "/paths/~1users~1{id}/get", 5, 7},
		{"json sequence item", jsonDoc, "/paths/~1users~1{id}/get/parameters/0/in", 5, 45},
		{"json tilde escape", jsonDoc, "/paths/~1a~0b/x", 7, 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			line, col := tree.Position(tt.pointer)
			if line != tt.line || col != tt.col {
				t.Errorf("Position(%q) = %d:%d, want %d:%d", tt.pointer, line, col, tt.line, tt.col)
			}
		})
	}
}

func TestJSONScalars(t *testing.T) {
	tree, err := Parse([]byte(jsonDoc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"/s": {"café \"q\" 😀", "!!str"},
		"/n": {"-1.5e3", "!!float"},
		"/t": {"true", "!!bool"},
		"/z": {"null", "!!null"},
	}
	for ptr, w := range want {
		v, _, ok := tree.Lookup(ptr)
		if !ok || v.Value != w[0] || v.Tag != w[1] {
			t.Errorf("Lookup(%q) = %+v, want %q %s", ptr, v, w[0], w[1])
		}
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, doc, wantErr string
	}{
		{"truncated json", `{"a": [1, 2`, "malformed JSON"},
		{"trailing garbage", `{"a": 1} x`, "after the document"},
		{"bad escape", `{"a": "\q"}`, "invalid escape"},
		{"bad number", `{"a": 01`, "invalid number"},
		{"bad yaml", "a: [1, 2\nb: }", "malformed YAML"},
		{"nul byte", "a: \x00", "not UTF-8 text"},
		{"invalid utf8", "a: \xff\xfe", "not UTF-8 text"},
		{"deep json", strings.Repeat("[", 600) + strings.Repeat("]", 600), "deeper than"},
		{"deep yaml", strings.Repeat("- ", 600) + "x", "deeper than"},
		{"empty yaml", "", "empty document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Parse error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestAliasBombIsNotExpanded(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString(name + ": &" + name + " [")
		for i := 0; i < 9; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = name
	}
	tree, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	nodes := 0
	tree.Walk(func(string, *yaml.Node, *yaml.Node) bool { nodes++; return true })
	if nodes > 200 {
		t.Fatalf("walk visited %d nodes: aliases were expanded", nodes)
	}
}

func TestPointerRoundTrip(t *testing.T) {
	for _, toks := range [][]string{{"paths", "/a/{b}", "get"}, {"x~y", "", "0"}} {
		p := JoinPointer("", toks...)
		got, err := SplitPointer(p)
		if err != nil || strings.Join(got, "|") != strings.Join(toks, "|") {
			t.Errorf("round trip of %q via %q gave %q, %v", toks, p, got, err)
		}
	}
	if _, err := SplitPointer("nope"); err == nil {
		t.Error("SplitPointer accepted a pointer without a leading slash")
	}
}

func TestFlowYAMLStartingWithBrace(t *testing.T) {
	tree, err := Parse([]byte("{openapi: 3.0.3, info: {title: x}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _, ok := tree.Lookup("/info/title"); !ok || v.Value != "x" {
		t.Fatalf("Lookup(/info/title) = %v, %v", v, ok)
	}
}
