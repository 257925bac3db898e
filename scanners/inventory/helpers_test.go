package inventory

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/discover"
	"github.com/specterhq/specter/surface/ingest"
	"github.com/specterhq/specter/surface/traffic"
)

const fixtures = "../../testdata/traffic"

// load ingests spec files (paths or inline documents written to a temp dir).
func load(t *testing.T, paths ...string) *surface.Surface {
	t.Helper()
	walked, err := discover.Walk(context.Background(), paths, discover.Options{MaxFileBytes: discover.DefaultMaxFileBytes})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Load(context.Background(), walked.Files, ingest.Options{Models: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("loading %v: %v", paths, res.Problems)
	}
	if len(res.Surface.APIs) == 0 {
		t.Fatalf("no API in %v", paths)
	}
	return res.Surface
}

// inlineSpec writes a spec to a temp dir and loads it.
func inlineSpec(t *testing.T, name, body string) *surface.Surface {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return load(t, p)
}

func fileSource(path string) Source {
	return Source{Name: filepath.Base(path), Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

func stringSource(name, data string, format traffic.Format) Source {
	return Source{Name: name, Format: format, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(data)), nil }}
}

func scan(t *testing.T, surf *surface.Surface, opts Options) ([]rules.Finding, Summary) {
	t.Helper()
	s := New(opts)
	res, err := s.Scan(context.Background(), surf)
	fs := res.Findings
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Fingerprint == "" {
			t.Errorf("finding without fingerprint: %+v", f)
		}
	}
	return fs, s.Summary()
}

// brief renders a finding as "rule METHOD path" for comparisons.
func brief(f rules.Finding) string {
	op := ""
	if f.Operation != nil {
		op = " " + f.Operation.Method + " " + f.Operation.Path
	}
	return strings.TrimPrefix(f.RuleID, "inventory/") + op
}

func briefs(fs []rules.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = brief(f)
	}
	sort.Strings(out)
	return out
}

// comparable drops what legitimately differs between formats: the traffic
// file's name and line in related locations.
func comparable(fs []rules.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = strings.Join([]string{f.RuleID, brief(f), f.Message, f.Evidence, f.Location.File, f.Location.Pointer, f.Fingerprint}, " | ")
	}
	sort.Strings(out)
	return out
}

func has(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
