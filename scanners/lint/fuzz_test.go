package lint

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/openapi"
	"github.com/specterhq/specter/surface/sourcemap"
)

// FuzzLint feeds arbitrary documents to the index and every check: no
// panic (the engine turns one into an error, which fails here) and no
// hang. Seeds are the rule fixtures.
func FuzzLint(f *testing.F) {
	seeds, _ := filepath.Glob("rules/*/*.yaml")
	more, _ := filepath.Glob("engine/testdata/index/*.yaml")
	for _, p := range append(seeds, more...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"openapi":"3.1.0","paths":{"/a":{"$ref":"#/paths/~1a"}},"components":{"schemas":{"A":{"$ref":"#/components/schemas/A"}}}}`))
	f.Add([]byte("swagger: '2.0'\nsecurityDefinitions: {a: {type: oauth2, flow: implicit, scopes: [1]}}\nsecurity: [{a: {}}]\n"))
	f.Add([]byte("openapi: 3.0.0\npaths:\n  /a: &a\n    post:\n      callbacks: {cb: {'{$url}': *a}}\n  /b:\n    get:\n      callbacks: {cb: {'{$url}': {$ref: '#/paths/~1b'}}}\n"))
	s, err := New(withDetector(f, Options{Workers: 1}))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := sourcemap.Parse(data)
		if err != nil {
			return
		}
		format := openapi.Detect(tree)
		if !format.IsOpenAPI() {
			return
		}
		file := &surface.File{Path: "fuzz.yaml", Abs: "/fuzz/fuzz.yaml", Data: data, Format: format, Tree: tree}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err = s.Findings(ctx, &surface.Surface{Files: []*surface.File{file}})
		if err != nil && !strings.Contains(err.Error(), "not a mapping") {
			t.Fatalf("lint failed: %v", err)
		}
	})
}
