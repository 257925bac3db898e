package secrets

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/internal/corpora"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/mcp"
	"github.com/specterhq/specter/surface/sourcemap"
)

// detectFormat mirrors the discovery package's rules by content.
func detectFormat(tree *sourcemap.Tree) surface.Format {
	root := tree.Root
	if _, v := sourcemap.Member(root, "swagger"); v != nil {
		return surface.FormatSwagger20
	}
	if _, v := sourcemap.Member(root, "openapi"); v != nil {
		if strings.HasPrefix(v.Value, "3.1") {
			return surface.FormatOpenAPI31
		}
		return surface.FormatOpenAPI30
	}
	if _, info := sourcemap.Member(root, "info"); info != nil {
		if _, schema := sourcemap.Member(info, "schema"); schema != nil {
			if strings.Contains(schema.Value, "v2.0") {
				return surface.FormatPostman20
			}
			return surface.FormatPostman21
		}
	}
	if _, scope := sourcemap.Member(root, "_postman_variable_scope"); scope != nil && scope.Value == "environment" {
		return surface.FormatPostmanEnvironment
	}
	return mcp.Detect(tree)
}

// loadFile reads a file the way ingest will: JSON and YAML are parsed and
// their format recognised; everything else is text only.
func loadFile(t testing.TB, path, report string) *surface.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := &surface.File{Path: report, Abs: path, Data: data}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json", ".yaml", ".yml":
		if tree, err := sourcemap.Parse(data); err == nil {
			f.Tree = tree
			f.Format = detectFormat(tree)
		}
	}
	return f
}

// loadSurface loads every regular file under the given paths.
func loadSurface(t testing.TB, paths ...string) *surface.Surface {
	t.Helper()
	s := &surface.Surface{}
	for _, root := range paths {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(filepath.Dir(root), p)
			s.Files = append(s.Files, loadFile(t, p, filepath.ToSlash(rel)))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// corporaDir finds the shared corpora, or skips the test.
func corporaDir(t testing.TB) string { return corpora.Dir(t) }
