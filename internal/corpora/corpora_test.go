package corpora

import (
	"os"
	"path/filepath"
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
