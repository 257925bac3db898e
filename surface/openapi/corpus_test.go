package openapi

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/surface"
)

// corpusFolders are the corpora holding OpenAPI documents.
var corpusFolders = []string{"stripe", "github", "apisguru", "vulnapps"}

// bigSpecBytes marks specs that are only loaded when SPECTER_CORPUS_BIG is
// set: they take seconds each, which every CI run need not pay.
const bigSpecBytes = 8 << 20

// corpusTimeout is the per-file limit: a spec that has not loaded by then
// counts as a hang.
const corpusTimeout = 60 * time.Second

// TestCorpus loads every OpenAPI document of the shared corpora: each must
// load or fail with a one-line error, never panic or hang. Set
// SPECTER_CORPUS_REPORT=1 to log per-format counts and error classes (the
// figures in docs/compatibility.md), SPECTER_CORPUS_BIG=1 to include specs
// over 8 MB (GitHub's).
func TestCorpus(t *testing.T) {
	base := filepath.Join(filepath.Dir(repoRoot(t)), "shared", "corpora")
	if _, err := os.Stat(base); err != nil {
		t.Skipf("corpora not present at %s", base)
	}
	big := os.Getenv("SPECTER_CORPUS_BIG") != ""
	report := os.Getenv("SPECTER_CORPUS_REPORT") != ""

	var paths []string
	for _, folder := range corpusFolders {
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
			t.Fatal(err)
		}
	}
	sort.Strings(paths)

	type tally struct{ loaded, failed int }
	counts := map[surface.Format]*tally{}
	classes := map[string][]string{}
	var skippedBig []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(base, p)
		if st.Size() > bigSpecBytes && !big {
			skippedBig = append(skippedBig, rel)
			continue
		}
		root := readSpec(t, p, filepath.ToSlash(rel))
		if root.Tree != nil && !root.Format.IsOpenAPI() {
			continue // not an OpenAPI document
		}
		ctx, cancel := context.WithTimeout(context.Background(), corpusTimeout)
		start := time.Now()
		res, err := Load(ctx, root, Options{})
		elapsed := time.Since(start)
		cancel()
		if counts[root.Format] == nil {
			counts[root.Format] = &tally{}
		}
		if st.Size() > 2<<20 && report {
			t.Logf("%s: %d bytes in %v", rel, st.Size(), elapsed.Round(time.Millisecond))
		}
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			t.Errorf("%s: did not load within %v", rel, corpusTimeout)
		case err != nil:
			counts[root.Format].failed++
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("%s: error spans several lines: %q", rel, msg)
			}
			if !strings.HasPrefix(msg, root.Path) {
				t.Errorf("%s: error does not name the file: %q", rel, msg)
			}
			c := errorClass(msg)
			classes[c] = append(classes[c], msg)
		default:
			counts[root.Format].loaded++
			if res.API == nil || res.API.OpenAPI == nil {
				t.Errorf("%s: loaded without an API", rel)
			}
		}
	}
	if !report {
		return
	}
	formats := []surface.Format{surface.FormatSwagger20, surface.FormatOpenAPI30, surface.FormatOpenAPI31, surface.FormatOther}
	for _, f := range formats {
		if c := counts[f]; c != nil {
			t.Logf("format %-12q loaded %3d, refused %3d", f, c.loaded, c.failed)
		}
	}
	var names []string
	for c := range classes {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		t.Logf("class %q: %d, e.g. %s", c, len(classes[c]), classes[c][0])
	}
	if len(skippedBig) > 0 {
		t.Logf("skipped (over %d bytes, set SPECTER_CORPUS_BIG=1): %v", bigSpecBytes, skippedBig)
	}
}

// errorClass names what kind of failure an error message reports, for the
// compatibility figures.
func errorClass(msg string) string {
	for _, c := range []struct{ needle, class string }{
		{"$ref", "refused or broken $ref"},
		{"unsupported", "unsupported version"},
		{"malformed", "malformed YAML/JSON"},
		{"failed to unmarshal", "kin-openapi could not decode"},
		{"crashed", "kin-openapi panic"},
		{"converting Swagger", "Swagger 2.0 conversion"},
		{"reading Swagger", "Swagger 2.0 decoding"},
	} {
		if strings.Contains(msg, c.needle) {
			return c.class
		}
	}
	return "other"
}
