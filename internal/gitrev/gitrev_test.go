package gitrev

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func tarOf(t *testing.T, entries map[string]string) *tar.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header", PAXRecords: map[string]string{"comment": "abc"}})
	for name, body := range entries {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(body)), Mode: 0o644})
		tw.Write([]byte(body))
	}
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "link", Linkname: "/etc/passwd"})
	tw.Close()
	return tar.NewReader(&buf)
}

func TestExtract(t *testing.T) {
	dest := t.TempDir()
	n, err := extract(tarOf(t, map[string]string{"api/x.yaml": "openapi: 3.0.0\n"}), dest)
	if err != nil || n != 1 {
		t.Fatalf("extract = %d, %v", n, err)
	}
	if data, _ := os.ReadFile(filepath.Join(dest, "api", "x.yaml")); string(data) != "openapi: 3.0.0\n" {
		t.Errorf("extracted %q", data)
	}
	if _, err := os.Lstat(filepath.Join(dest, "link")); !os.IsNotExist(err) {
		t.Error("a symbolic link was extracted")
	}
	for _, evil := range []string{"../escape.yaml", "/abs.yaml", "a/../../escape.yaml"} {
		if _, err := extract(tarOf(t, map[string]string{evil: "x"}), t.TempDir()); err == nil {
			t.Errorf("entry %q was extracted", evil)
		}
	}
}

func TestPathspecIsLiteral(t *testing.T) {
	if got := pathspec("api/[v1]*.yaml"); got != ":(literal)api/[v1]*.yaml" {
		t.Errorf("pathspec = %q", got)
	}
	if got := pathspec(""); got != ":(literal)." {
		t.Errorf("pathspec(\"\") = %q", got)
	}
}
