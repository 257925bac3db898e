package openapi

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// FuzzLoad feeds arbitrary documents to Load as a root file in a copy of the
// fixture folder, so that $refs to the other fixtures resolve. Load must
// return a result or an error, never panic or hang.
func FuzzLoad(f *testing.F) {
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, "golden") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f.Add(data)
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("openapi: 3.1.0\npaths:\n  /a:\n    $ref: '#/paths/~1a'\n"))
	f.Add([]byte(`{"swagger":"2.0","paths":{"/a":{"get":{"parameters":[{"$ref":"#/parameters/x"}]}}}}`))
	f.Add([]byte("openapi: 3.0.0\ncomponents:\n  schemas:\n    A: {$ref: 'multi/schemas/user.yaml#/User'}\n"))

	dir, err := filepath.Abs("testdata")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		root := &surface.File{Path: "testdata/fuzz.yaml", Abs: filepath.Join(dir, "fuzz.yaml"), Data: data}
		tree, err := sourcemap.Parse(data)
		if err != nil {
			return // ingest never hands Load a document it could not parse
		}
		root.Tree, root.Format = tree, Detect(tree)
		if !root.Format.IsOpenAPI() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := Load(ctx, root, Options{})
		if err != nil {
			if ctx.Err() != nil {
				t.Fatalf("Load hung: %v", err)
			}
			return
		}
		if res.API == nil || res.API.OpenAPI == nil {
			t.Fatal("Load returned no error and no API")
		}
	})
}
