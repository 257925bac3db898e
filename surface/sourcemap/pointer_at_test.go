package sourcemap

import "testing"

func TestPointerAt(t *testing.T) {
	yamlDoc := "a:\n  b: 1\n  c:\n    - x\n    - key: secret-value\nd: end\n"
	jsonDoc := "{\n  \"a\": {\"b\": 1, \"c\": [\"x\", {\"key\": \"secret-value\"}]},\n  \"d\": \"end\"\n}\n"
	for _, tt := range []struct {
		name      string
		doc       string
		line, col int
		want      string
	}{
		{"yaml root before content", yamlDoc, 1, 1, "/a"},
		{"yaml scalar", yamlDoc, 2, 6, "/a/b"},
		{"yaml key of member", yamlDoc, 5, 9, "/a/c/1/key"},
		{"yaml inside value", yamlDoc, 5, 15, "/a/c/1/key"},
		{"yaml sequence item", yamlDoc, 4, 7, "/a/c/0"},
		{"yaml last member", yamlDoc, 6, 4, "/d"},
		{"json before everything", jsonDoc, 1, 1, ""},
		{"json sequence item", jsonDoc, 2, 24, "/a/c/0"},
		{"json nested secret", jsonDoc, 2, 43, "/a/c/1/key"},
		{"json second member", jsonDoc, 3, 9, "/d"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := tree.PointerAt(tt.line, tt.col); got != tt.want {
				t.Errorf("PointerAt(%d, %d) = %q, want %q", tt.line, tt.col, got, tt.want)
			}
		})
	}
}
