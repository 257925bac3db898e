package mcp

import (
	"testing"

	"github.com/specterhq/specter/internal/fuzzseed"
	"github.com/specterhq/specter/surface/sourcemap"
)

// FuzzDetect runs detection and server listing on arbitrary parsed input;
// neither may panic. The fixtures in testdata seed it.
func FuzzDetect(f *testing.F) {
	fuzzseed.Files(f, "testdata")
	f.Add([]byte(`{"mcpServers":{"a":{"command":{"args":[1,{"x":2}],"env":[]}}}}`))
	f.Add([]byte("{\"tools\":[{\"name\":\"\xff\",\"inputSchema\":{}}]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := sourcemap.Parse(data)
		if err != nil {
			return
		}
		for _, s := range Servers(tree, Detect(tree)) {
			for _, v := range append(append([]Value{}, s.Args...), s.URLs...) {
				if v.Node == nil {
					t.Fatalf("server %q: value %q without a node", s.Name, v.Pointer)
				}
			}
		}
	})
}
