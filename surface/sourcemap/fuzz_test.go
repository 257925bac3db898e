package sourcemap

import (
	"go.yaml.in/yaml/v4"
	"strings"
	"testing"
)

// FuzzParse checks that no input makes Parse panic or hang, and that every
// pointer Walk produces resolves back to the node it was produced for.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		yamlDoc, jsonDoc, `{}`, `[]`, `"x"`, `{"a":{"b":[1,2,{"c~/":null}]}}`,
		"a: &x [1]\nb: *x\n", "- a\n- b: [c, {d: e}]\n", "key: |\n  multi\n  line\n",
		`{"a": "\ud83d"}`, `{"a": 1e999}`, "\xef\xbb\xbf{\"bom\": true}",
		strings.Repeat("[", 50) + strings.Repeat("]", 50),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := ParseWithLimits(data, Limits{MaxDepth: 64})
		if err != nil || hasDuplicateKeys(tree.Root, 0) {
			return // pointers cannot tell duplicate keys apart; Lookup takes the first
		}
		tree.Walk(func(ptr string, key, value *yaml.Node) bool {
			got, _, ok := tree.Lookup(ptr)
			if !ok {
				t.Fatalf("pointer %q from Walk does not resolve", ptr)
			}
			if key == nil && got != value {
				t.Fatalf("pointer %q resolves to another node", ptr)
			}
			return true
		})
	})
}

func hasDuplicateKeys(n *yaml.Node, depth int) bool {
	if depth > 64 {
		return false
	}
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if seen[n.Content[i].Value] {
				return true
			}
			seen[n.Content[i].Value] = true
		}
	}
	for _, c := range n.Content {
		if hasDuplicateKeys(c, depth+1) {
			return true
		}
	}
	return false
}
