package postman

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/internal/corpora"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// TestCorpus loads every real collection and environment in the shared
// corpus: each must load or fail with a one-line error, none may panic.
func TestCorpus(t *testing.T) {
	root := filepath.Join(corpora.Dir(t), "postman")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("no postman corpus at %s", root)
	}
	var files []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".json") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	var collections, environments, other, failed, operations int
	var envs []*surface.Environment
	var colls []*surface.File
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		rel, _ := filepath.Rel(root, path)
		tree, err := sourcemap.Parse(data)
		if err != nil {
			other++
			continue
		}
		f := &surface.File{Path: filepath.ToSlash(rel), Abs: path, Data: data, Tree: tree, Format: Detect(tree)}
		switch {
		case f.Format == surface.FormatPostmanEnvironment:
			environments++
			env, err := LoadEnvironment(f)
			if err != nil {
				failed++
				checkOneLine(t, rel, err)
				continue
			}
			envs = append(envs, env)
		case f.Format.IsPostman():
			collections++
			colls = append(colls, f)
		default:
			other++
		}
	}
	for _, f := range colls {
		api, err := LoadCollection(f, envs)
		if err != nil {
			failed++
			checkOneLine(t, f.Path, err)
			continue
		}
		operations += len(api.Operations)
		for _, op := range api.Operations {
			if op.Location.Line == 0 || op.Request == nil || op.Method == "" || !strings.HasPrefix(op.Path, "/") {
				t.Errorf("%s: incomplete operation %+v", f.Path, op)
			}
		}
	}
	t.Logf("postman corpus: %d files, %d collections, %d environments, %d other, %d failed to load, %d operations",
		len(files), collections, environments, other, failed, operations)
	if collections == 0 {
		t.Errorf("no collection detected in %s", root)
	}
}

func checkOneLine(t *testing.T, name string, err error) {
	t.Helper()
	if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
		t.Errorf("%s: error is not one line: %q", name, msg)
	}
	t.Logf("%s: %v", name, err)
}
