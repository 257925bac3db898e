// Package ingesttest loads spec files in tests the way the CLI's commands
// do: Load as fuzz and inventory (the default file-size limit, the models
// built), LoadForLint as `specter lint` (no kin-openapi model).
package ingesttest

import (
	"context"
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/discover"
	"github.com/specterhq/specter/surface/ingest"
)

// Load discovers and ingests paths, failing the test on an error or any
// input problem.
func Load(tb testing.TB, paths ...string) *surface.Surface {
	tb.Helper()
	return load(tb, discover.Options{MaxFileBytes: discover.DefaultMaxFileBytes}, ingest.Options{Models: true}, paths)
}

// LoadForLint is Load the way the lint scanner's tests read documents:
// no file-size limit and ingest.Options.SkipOpenAPIModel.
func LoadForLint(tb testing.TB, paths ...string) *surface.Surface {
	tb.Helper()
	return load(tb, discover.Options{}, ingest.Options{Models: true, SkipOpenAPIModel: true}, paths)
}

func load(tb testing.TB, dopts discover.Options, iopts ingest.Options, paths []string) *surface.Surface {
	tb.Helper()
	ctx := context.Background()
	walked, err := discover.Walk(ctx, paths, dopts)
	if err != nil {
		tb.Fatalf("walking %v: %v", paths, err)
	}
	res, err := ingest.Load(ctx, walked.Files, iopts)
	if err != nil {
		tb.Fatalf("ingesting %v: %v", paths, err)
	}
	if len(res.Problems) > 0 {
		tb.Fatalf("ingest problems: %v", res.Problems)
	}
	return res.Surface
}
