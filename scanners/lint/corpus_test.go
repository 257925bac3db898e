package lint

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/specterhq/specter/internal/corpora"
	"github.com/specterhq/specter/surface/discover"
	"github.com/specterhq/specter/surface/ingest"
)

// bigSpecBytes marks specs linted only with SPECTER_CORPUS_BIG set (GitHub's
// 13 MB spec), to keep CI short.
const bigSpecBytes = 8 << 20

// corpusTimeout is the per-document limit: slower counts as a hang.
const corpusTimeout = 60 * time.Second

// TestLintCorpus lints every OpenAPI document of the shared corpora, each
// on its own with a timeout: none may panic (the engine turns a panic into
// an error, which fails here) or hang. Documents that do not load (ingest
// problems: malformed, unsupported version, refused $ref) are counted, not
// failed. SPECTER_CORPUS_REPORT=1 logs the figures of docs/compatibility.md.
func TestLintCorpus(t *testing.T) {
	_, specs := corpora.Specs(t)
	big := os.Getenv("SPECTER_CORPUS_BIG") != ""
	var paths []string
	for _, p := range specs {
		if info, err := os.Lstat(p); err == nil && info.Size() > bigSpecBytes && !big {
			continue
		}
		paths = append(paths, p)
	}
	s, err := New(withDetector(t, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var linted, notLoaded, notSpecs, findings int
	perRule := map[string]int{}
	for _, p := range paths {
		ctx, cancel := context.WithTimeout(context.Background(), corpusTimeout)
		walked, err := discover.Walk(ctx, []string{p}, discover.Options{})
		if err != nil {
			cancel()
			t.Fatalf("%s: %v", p, err)
		}
		res, err := ingest.Load(ctx, walked.Files, ingest.Options{Models: true, SkipOpenAPIModel: true})
		if err != nil {
			cancel()
			t.Fatalf("%s: %v", p, err)
		}
		isSpec := false
		for _, f := range res.Surface.Files {
			if f.Format.IsOpenAPI() {
				isSpec = true
			}
		}
		switch {
		case len(res.Problems) > 0:
			notLoaded++
			cancel()
			continue
		case !isSpec:
			notSpecs++
			cancel()
			continue
		}
		got, err := s.Findings(ctx, res.Surface)
		cancel()
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		linted++
		findings += len(got)
		for _, f := range got {
			perRule[f.RuleID]++
			if f.Location.Line < 1 || f.Location.File == "" {
				t.Errorf("%s: finding without a position: %+v", p, f)
			}
		}
	}
	if linted == 0 {
		t.Fatal("no document linted")
	}
	if os.Getenv("SPECTER_CORPUS_REPORT") != "" {
		t.Logf("%d files: %d documents linted, %d did not load, %d not OpenAPI; %d findings in %s", len(paths), linted, notLoaded, notSpecs, findings, time.Since(start).Round(time.Millisecond))
		ids := make([]string, 0, len(perRule))
		for id := range perRule {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool {
			if perRule[ids[i]] != perRule[ids[j]] {
				return perRule[ids[i]] > perRule[ids[j]]
			}
			return ids[i] < ids[j]
		})
		for _, id := range ids {
			t.Logf("%6d %s", perRule[id], id)
		}
	}
}
