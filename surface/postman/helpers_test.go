package postman

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// fixture reads and parses a file under testdata into a surface.File the
// way ingest builds one.
func fixture(t testing.TB, name string) *surface.File {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(name))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	tree, err := sourcemap.Parse(data)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return &surface.File{Path: "testdata/" + name, Abs: path, Data: data, Tree: tree, Format: Detect(tree)}
}

// lineOf is the 1-based line of the first occurrence of s in the file.
func lineOf(t testing.TB, f *surface.File, s string) int {
	t.Helper()
	i := bytes.Index(f.Data, []byte(s))
	if i < 0 {
		t.Fatalf("%q not in %s", s, f.Path)
	}
	return bytes.Count(f.Data[:i], []byte("\n")) + 1
}

func loadEnv(t testing.TB, name string) *surface.Environment {
	t.Helper()
	env, err := LoadEnvironment(fixture(t, name))
	if err != nil {
		t.Fatalf("LoadEnvironment(%s): %v", name, err)
	}
	return env
}

func loadCollection(t testing.TB, name string, envs ...*surface.Environment) *surface.API {
	t.Helper()
	api, err := LoadCollection(fixture(t, name), envs)
	if err != nil {
		t.Fatalf("LoadCollection(%s): %v", name, err)
	}
	return api
}

func operation(t testing.TB, api *surface.API, summary string) *surface.Operation {
	t.Helper()
	for _, op := range api.Operations {
		if op.Summary == summary {
			return op
		}
	}
	t.Fatalf("no operation %q in %s", summary, api.File.Path)
	return nil
}

func header(t testing.TB, op *surface.Operation, name string) surface.Header {
	t.Helper()
	for _, h := range op.Request.Headers {
		if h.Name == name {
			return h
		}
	}
	t.Fatalf("%s: no header %q", op.Summary, name)
	return surface.Header{}
}

// paramList renders parameters as "in:name" for comparison.
func paramList(op *surface.Operation) []string {
	var out []string
	for _, p := range op.Parameters {
		out = append(out, p.In+":"+p.Name)
	}
	return out
}

func reparse(t testing.TB, data []byte) *sourcemap.Tree {
	t.Helper()
	tree, err := sourcemap.Parse(data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return tree
}

func asError(err error, target **Error) bool { return errors.As(err, target) }
