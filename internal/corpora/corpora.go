// Package corpora locates the shared corpora of real-world API specs and
// Postman collections (../shared/corpora next to the repository) for tests
// and benchmarks, which must skip cleanly when the corpora are absent.
package corpora

import (
	"errors"
	"os"
	"path/filepath"
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
