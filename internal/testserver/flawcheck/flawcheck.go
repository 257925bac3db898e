// Package flawcheck holds the checks every framework-like test server's
// own tests make of its spec and of its list of flaws: the spec loads,
// validates and is OpenAPI 3.0; each flaw has a unique id, a rule of the
// fuzz family in the built-in catalog, a summary, and an operation of the
// spec ("" for the API as a whole). It is imported by tests only.
package flawcheck

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/catalog"
)

// Flaw is a test server's flaw, converted from its own type (every
// server declares the same fields).
type Flaw struct {
	ID, Rule, Operation, Summary string
}

// Spec loads spec, validates it and checks that it is OpenAPI 3.0.x.
func Spec(t testing.TB, spec []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Errorf("openapi %q, want 3.0.x", doc.OpenAPI)
	}
	return doc
}

// InSpec reports whether the spec has the operation "METHOD /path".
func InSpec(doc *openapi3.T, op string) bool {
	method, path, _ := strings.Cut(op, " ")
	item := doc.Paths.Find(path)
	return item != nil && item.GetOperation(method) != nil
}

// Flaws checks a list of flaws against the spec and the catalog and
// returns their ids. twin, when not nil, names the documented operation
// of an older version the server serves and the spec leaves out on
// purpose: such an operation must be absent from the spec, its twin
// listed.
func Flaws(t testing.TB, doc *openapi3.T, flaws []Flaw, twin func(op string) (string, bool)) map[string]bool {
	t.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range flaws {
		if seen[f.ID] {
			t.Errorf("duplicate id %s", f.ID)
		}
		seen[f.ID] = true
		if cat.Lookup(f.Rule) == nil || !strings.HasPrefix(f.Rule, "fuzz/") {
			t.Errorf("%s: unknown rule %s", f.ID, f.Rule)
		}
		if f.Summary == "" {
			t.Errorf("%s: no summary", f.ID)
		}
		if f.Operation == "" {
			continue
		}
		if twin != nil {
			if documented, older := twin(f.Operation); older {
				// The old version is the point: not in the spec, its twin is.
				if InSpec(doc, f.Operation) || !InSpec(doc, documented) {
					t.Errorf("%s: %s must be left out of the spec and %s listed", f.ID, f.Operation, documented)
				}
				continue
			}
		}
		if !InSpec(doc, f.Operation) {
			t.Errorf("%s: %s is not in the spec", f.ID, f.Operation)
		}
	}
	return seen
}
