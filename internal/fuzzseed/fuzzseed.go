// Package fuzzseed seeds native Go fuzz targets with fixture files, so a
// target's seed corpus is the same fixtures its table tests read.
package fuzzseed

import (
	"os"
	"path/filepath"
	"testing"
)

// Files adds the content of every file in dir (not its subfolders) to the
// fuzz target's seed corpus. A dir with no file fails the target: a seed
// corpus that silently went missing would let CI pass without fuzzing.
func Files(f *testing.F, dir string) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		f.Fatalf("seed fixtures in %s: %v", dir, err)
	}
	n := 0
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			f.Fatal(err)
		}
		if info.IsDir() {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		n++
	}
	if n == 0 {
		f.Fatalf("no seed fixtures in %s", dir)
	}
}
