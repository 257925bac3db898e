// Package corpora locates the shared corpora of real-world API specs and
// Postman collections (../shared/corpora next to the repository) for tests
// and benchmarks, which must skip cleanly when the corpora are absent.
package corpora

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Find returns the corpora directory, found by walking up from the working
// directory to the repository root (the folder holding go.mod).
func Find() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
	c := filepath.Join(dir, "..", "shared", "corpora")
	info, err := os.Stat(c)
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return "", errors.New(c + " is not a directory")
	}
	return c, nil
}

// Dir returns the corpora directory, or skips the test or benchmark.
func Dir(tb testing.TB) string {
	tb.Helper()
	c, err := Find()
	if err != nil {
		tb.Skipf("shared corpora not available: %v", err)
	}
	return c
}

// SpecFolders are the corpora holding OpenAPI documents.
var SpecFolders = []string{"stripe", "github", "apisguru", "vulnapps"}

// Specs returns the corpora directory and the .json, .yaml and .yml files
// below its SpecFolders: folder by folder in that order, each walked in
// lexical order; a missing folder is passed over. It skips the test or
// benchmark when the corpora are absent and fails it when a walk fails.
func Specs(tb testing.TB) (base string, paths []string) {
	tb.Helper()
	base = Dir(tb)
	for _, folder := range SpecFolders {
		err := filepath.WalkDir(filepath.Join(base, folder), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".json", ".yaml", ".yml":
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return base, paths
}
