package openapi

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/specterhq/specter/internal/corpora"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

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
// over 8 MB (GitHub's), SPECTER_CORPUS_MATCH=<substring> to load only the
// paths containing it.
func TestCorpus(t *testing.T) {
	base, paths := corpora.Specs(t)
	big := os.Getenv("SPECTER_CORPUS_BIG") != ""
	report := os.Getenv("SPECTER_CORPUS_REPORT") != ""

	sort.Strings(paths)

	var skippedBig []string
	var jobs []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := os.Getenv("SPECTER_CORPUS_MATCH"); m != "" && !strings.Contains(filepath.ToSlash(p), m) {
			continue
		}
		if st.Size() > bigSpecBytes && !big {
			rel, _ := filepath.Rel(base, p)
			skippedBig = append(skippedBig, rel)
			continue
		}
		jobs = append(jobs, p)
	}

	// Load on every core: kin-openapi is single-threaded.
	outcomes := make([]corpusOutcome, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outcomes[i] = loadCorpusFile(base, jobs[i])
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()

	type tally struct{ loaded, failed int }
	counts := map[surface.Format]*tally{}
	classes := map[string][]string{}
	for _, o := range outcomes {
		if o.skip {
			continue
		}
		if counts[o.format] == nil {
			counts[o.format] = &tally{}
		}
		if o.size > 2<<20 && report {
			t.Logf("%s: %d bytes in %v", o.rel, o.size, o.elapsed.Round(time.Millisecond))
		}
		switch err := o.err; {
		case errors.Is(err, context.DeadlineExceeded):
			t.Errorf("%s: did not load within %v", o.rel, corpusTimeout)
		case err != nil:
			counts[o.format].failed++
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("%s: error spans several lines: %q", o.rel, msg)
			}
			if !strings.HasPrefix(msg, o.rel) {
				t.Errorf("%s: error does not name the file: %q", o.rel, msg)
			}
			if report {
				t.Logf("refused: %s", msg)
			}
			c := errorClass(msg)
			classes[c] = append(classes[c], msg)
		default:
			counts[o.format].loaded++
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

// corpusOutcome is what loading one corpus file gave.
type corpusOutcome struct {
	rel     string
	format  surface.Format
	size    int64
	elapsed time.Duration
	err     error
	skip    bool // not an OpenAPI document
}

func loadCorpusFile(base, p string) corpusOutcome {
	rel, _ := filepath.Rel(base, p)
	rel = filepath.ToSlash(rel)
	o := corpusOutcome{rel: rel}
	data, err := os.ReadFile(p)
	if err != nil {
		o.err = err
		return o
	}
	o.size = int64(len(data))
	root := &surface.File{Path: rel, Abs: p, Data: data}
	if tree, err := sourcemap.Parse(data); err == nil {
		root.Tree, root.Format = tree, Detect(tree)
		if !root.Format.IsOpenAPI() {
			o.skip = true
			return o
		}
	}
	o.format = root.Format
	ctx, cancel := context.WithTimeout(context.Background(), corpusTimeout)
	defer cancel()
	start := time.Now()
	res, err := Load(ctx, root, Options{})
	o.elapsed = time.Since(start)
	if err == nil && (res.API == nil || res.API.OpenAPI == nil) {
		err = errors.New("loaded without an API")
	}
	o.err = err
	return o
}
