package reporters

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJSONFieldsDocumented checks that docs/json-report.md names every key
// the JSON report writes, so a new field cannot ship undocumented.
func TestJSONFieldsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "json-report.md"))
	if err != nil {
		t.Fatal(err)
	}
	keys := make(map[string]bool)
	for _, fixture := range []string{"full", "inventory"} {
		var report any
		if err := json.Unmarshal(render(t, renderCase{fixture: fixture, format: "json"}), &report); err != nil {
			t.Fatal(err)
		}
		collectKeys(report, "", keys)
	}
	if len(keys) < 30 {
		t.Fatalf("found only %d keys; the fixture should exercise every field", len(keys))
	}
	for key := range keys {
		if !documents(string(doc), key) {
			t.Errorf("docs/json-report.md does not document %s", key)
		}
	}
}

// collectKeys records the dotted path of every object key, without the
// array levels ("findings.location.file").
func collectKeys(v any, prefix string, keys map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			path := k
			if prefix != "" {
				path = prefix + "." + k
			}
			keys[path] = true
			collectKeys(child, path, keys)
		}
	case []any:
		for _, child := range v {
			collectKeys(child, prefix, keys)
		}
	}
}

// documents reports whether the doc names the key by its dotted path or
// by a suffix of it ("operation.method" in the findings table).
func documents(doc, key string) bool {
	parts := strings.Split(key, ".")
	for i := range parts {
		if strings.Contains(doc, "`"+strings.Join(parts[i:], ".")+"`") {
			return true
		}
	}
	return false
}
