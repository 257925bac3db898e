// Package ingesttest loads spec files in tests the way the CLI's fuzz and
// inventory commands do: discover with the default file-size limit, then
// ingest with the models built.
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
	ctx := context.Background()
	walked, err := discover.Walk(ctx, paths, discover.Options{MaxFileBytes: discover.DefaultMaxFileBytes})
	if err != nil {
		tb.Fatal(err)
	}
	res, err := ingest.Load(ctx, walked.Files, ingest.Options{Models: true})
	if err != nil {
		tb.Fatal(err)
	}
	if len(res.Problems) > 0 {
		tb.Fatalf("ingest problems: %v", res.Problems)
	}
	return res.Surface
}
