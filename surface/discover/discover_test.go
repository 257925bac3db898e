package discover

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestWalk(t *testing.T) {
	root := writeTree(t, map[string]string{
		"api/openapi.yaml":           "openapi: 3.0.3\n",
		"api/notes.txt":              "hello",
		"node_modules/pkg/spec.json": `{"openapi":"3.0.3"}`,
		".git/config":                "[core]",
		"vendor/x/y.yaml":            "swagger: '2.0'",
		"generated/big.yaml":         "openapi: 3.1.0",
		"img.png":                    "\x89PNG\x00\x00",
		"huge.json":                  strings.Repeat("x", 2048),
	})
	tests := []struct {
		name        string
		opts        Options
		wantFiles   []string
		wantSkipped []string
	}{
		{
			name:        "defaults skip vcs, dependencies, binaries",
			opts:        Options{WorkDir: root},
			wantFiles:   []string{"api/notes.txt", "api/openapi.yaml", "generated/big.yaml", "huge.json"},
			wantSkipped: []string{"img.png"},
		},
		{
			name: "exclude and size limit",
			opts: Options{WorkDir: root, MaxFileBytes: 1024, Excluded: func(p string) bool {
				return p == "generated/" || strings.HasSuffix(p, ".txt")
			}},
			wantFiles:   []string{"api/openapi.yaml"},
			wantSkipped: []string{"huge.json", "img.png"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Walk(context.Background(), []string{root}, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got, skipped []string
			for _, f := range res.Files {
				got = append(got, f.Path)
				if f.Data == nil || !filepath.IsAbs(f.Abs) {
					t.Errorf("%s: data or abs path missing", f.Path)
				}
			}
			for _, s := range res.Skipped {
				skipped = append(skipped, s.Path)
			}
			if !reflect.DeepEqual(got, tt.wantFiles) {
				t.Errorf("files = %v, want %v", got, tt.wantFiles)
			}
			if !reflect.DeepEqual(skipped, tt.wantSkipped) {
				t.Errorf("skipped = %v, want %v", skipped, tt.wantSkipped)
			}
		})
	}
}

func TestWalkNamedPaths(t *testing.T) {
	root := writeTree(t, map[string]string{"a.yaml": "openapi: 3.0.3\n", "big.yaml": strings.Repeat("y", 100)})
	res, err := Walk(context.Background(), []string{filepath.Join(root, "a.yaml"), filepath.Join(root, "a.yaml")}, Options{WorkDir: root})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || res.Files[0].Path != "a.yaml" {
		t.Fatalf("files = %+v, want a.yaml once", res.Files)
	}
	for _, tt := range []struct {
		name, path string
		opts       Options
		want       string
	}{
		{"missing", filepath.Join(root, "nope.yaml"), Options{}, "no such file"},
		{"named file over limit", filepath.Join(root, "big.yaml"), Options{MaxFileBytes: 10}, "over the 10 byte limit"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Walk(context.Background(), []string{tt.path}, tt.opts)
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want InputError containing %q", err, tt.want)
			}
		})
	}
}

func TestWalkOutsideWorkDirKeepsAbsolutePaths(t *testing.T) {
	root := writeTree(t, map[string]string{"x.json": "{}"})
	res, err := Walk(context.Background(), []string{root}, Options{WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || !strings.HasSuffix(res.Files[0].Path, "/x.json") || !strings.HasPrefix(res.Files[0].Path, "/") {
		t.Fatalf("files = %+v", res.Files)
	}
}

func TestWalkCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Walk(ctx, []string{t.TempDir()}, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
