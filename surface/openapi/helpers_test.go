package openapi

import (
	"os"
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// readSpec builds the root file the way ingest hands it over: Path relative
// (slash-separated), Abs, Data, Tree and Format set.
func readSpec(tb testing.TB, abs, reportPath string) *surface.File {
	tb.Helper()
	data, err := os.ReadFile(abs)
	if err != nil {
		tb.Fatal(err)
	}
	f := &surface.File{Path: reportPath, Abs: abs, Data: data}
	tree, err := sourcemap.Parse(data)
	if err != nil {
		return f // Load parses and reports it
	}
	f.Tree = tree
	f.Format = Detect(tree)
	return f
}
