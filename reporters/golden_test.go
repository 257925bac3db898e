package reporters

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// renderCase is one fixture rendered in one format.
type renderCase struct {
	fixture string
	format  string
	opts    Options
	golden  string
}

func renderCases() []renderCase {
	var cases []renderCase
	for _, fixture := range []string{"full", "empty", "inventory"} {
		cases = append(cases,
			renderCase{fixture, "text", Options{Color: false}, fixture + ".text.plain.golden"},
			renderCase{fixture, "text", Options{Color: true}, fixture + ".text.color.golden"},
			renderCase{fixture, "text", Options{Quiet: true}, fixture + ".text.quiet.golden"},
			renderCase{fixture, "json", Options{}, fixture + ".json.golden"},
			renderCase{fixture, "sarif", Options{}, fixture + ".sarif.golden"},
			renderCase{fixture, "github", Options{}, fixture + ".github.golden"},
			renderCase{fixture, "markdown", Options{}, fixture + ".md.golden"},
			renderCase{fixture, "gitlab-sast", Options{}, fixture + ".gitlab-sast.golden"},
			renderCase{fixture, "codequality", Options{}, fixture + ".codequality.golden"},
			renderCase{fixture, "junit", Options{}, fixture + ".junit.golden"},
			renderCase{fixture, "html", Options{}, fixture + ".html.golden"},
		)
	}
	// A report with more findings than DefaultMaxListed: grouped text,
	// and every finding listed with --details.
	cases = append(cases,
		renderCase{"many", "text", Options{Color: false}, "many.text.plain.golden"},
		renderCase{"many", "text", Options{Color: true}, "many.text.color.golden"},
		renderCase{"many", "text", Options{Quiet: true}, "many.text.quiet.golden"},
		renderCase{"many", "text", Options{Details: true}, "many.text.details.golden"},
	)
	return cases
}

func render(t *testing.T, c renderCase) []byte {
	t.Helper()
	rep, err := New(c.format, c.opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.Render(&buf, loadReport(t, c.fixture)); err != nil {
		t.Fatalf("render %s as %s: %v", c.fixture, c.format, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, c := range renderCases() {
		t.Run(c.golden, func(t *testing.T) {
			got := render(t, c)
			path := filepath.Join("testdata", c.golden)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./reporters -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test ./reporters -update after checking the change)\n--- got\n%s\n--- want\n%s", path, got, want)
			}
			if again := render(t, c); !bytes.Equal(got, again) {
				t.Error("rendering the same report twice gave different output")
			}
		})
	}
}

// TestNoSecretLeaks checks that no finding Key (a secret's hash, a
// parameter name) appears in any format.
func TestNoSecretLeaks(t *testing.T) {
	keys := fixtureKeys(loadReport(t, "full"))
	if len(keys) == 0 {
		t.Fatal("fixture has no keys to look for")
	}
	for _, c := range renderCases() {
		out := render(t, c)
		for _, key := range keys {
			if bytes.Contains(out, []byte(key)) {
				t.Errorf("%s: output contains finding key %q", c.golden, key)
			}
		}
		// Every key in the fixture starts with this marker, so a partial
		// leak (a key cut short or wrapped) is caught too.
		if bytes.Contains(out, []byte("SECRETKEY")) {
			t.Errorf("%s: output contains part of a finding key", c.golden)
		}
	}
}
