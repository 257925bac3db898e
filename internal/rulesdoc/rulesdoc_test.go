package rulesdoc

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/catalog"
	"github.com/specterhq/specter/rules"
)

var update = flag.Bool("update", false, "rewrite docs/rules.md from the catalog")

var docPath = filepath.Join("..", "..", "docs", "rules.md")

// TestRulesDocCurrent fails when docs/rules.md is not what the catalog
// renders; `go generate ./internal/rulesdoc` rewrites it.
func TestRulesDocCurrent(t *testing.T) {
	c, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := Render(c)
	if *update {
		if err := os.WriteFile(docPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("%v (run `go generate ./internal/rulesdoc`)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/rules.md is out of date with the rule catalog: run `go generate ./internal/rulesdoc`")
	}
}

// TestRenderCoversEveryRule: every rule id of the catalog appears in the
// page, secrets included.
func TestRenderCoversEveryRule(t *testing.T) {
	c, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	page := string(Render(c))
	for _, r := range c.All() {
		if !strings.Contains(page, "`"+r.ID+"`") {
			t.Errorf("%s is not in the page", r.ID)
		}
	}
	extra, err := rules.NewCatalog(rules.Rule{ID: "zz/new", Title: "New", Help: "Help text."})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(Render(extra)), "### zz/new") {
		t.Error("a family without a title is left out")
	}
}
