package corpora

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFindWalksUpToTheRepositoryRoot(t *testing.T) {
	c, err := Find()
	if err != nil {
		t.Skipf("corpora absent: %v", err)
	}
	if _, err := os.Stat(filepath.Join(c, "..", "..", "main", "go.mod")); err != nil && !filepath.IsAbs(c) {
		t.Errorf("Find() = %q, not next to the repository", c)
	}
	if Dir(t) != c {
		t.Error("Dir and Find disagree")
	}
}

func TestFindFailsOutsideARepository(t *testing.T) {
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	if err := os.Chdir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if _, err := Find(); err == nil {
		t.Error("Find succeeded with no go.mod above the working directory")
	}
}

func TestSpecsListsOnlySpecFilesOfTheSpecFolders(t *testing.T) {
	base, paths := Specs(t)
	if len(paths) == 0 {
		t.Skip("no spec files in the corpora")
	}
	for _, p := range paths {
		rel, err := filepath.Rel(base, p)
		if err != nil {
			t.Fatal(err)
		}
		folder := strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]
		if !slices.Contains(SpecFolders, folder) {
			t.Errorf("%s: outside the spec folders", rel)
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".json", ".yaml", ".yml":
		default:
			t.Errorf("%s: not a .json, .yaml or .yml file", rel)
		}
	}
}
