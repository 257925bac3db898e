package lint

import (
	"context"
	"testing"

	"github.com/specterhq/specter/policy"
)

// TestInlineSuppressionOfFamilies: x-specter-ignore on a server, a path
// item (family wildcard) and a component schema suppresses the findings
// these families report at and below it, and no other.
func TestInlineSuppressionOfFamilies(t *testing.T) {
	surf := load(t, "testdata/suppress/families.yaml")
	s, err := New(withDetector(t, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	found, err := s.Findings(context.Background(), surf)
	if err != nil {
		t.Fatal(err)
	}
	res := policy.Apply(found, policy.Inputs{Ignores: surf.Ignores})
	suppressed := map[string]bool{}
	kept := map[string]bool{}
	for _, f := range res.Findings {
		if f.Suppressed() {
			suppressed[f.RuleID] = true
		} else {
			kept[f.RuleID] = true
		}
	}
	for _, id := range []string{"lint/server-http", "lint/guessable-id-unscoped", "lint/pagination-unbounded", "lint/pii-unclassified"} {
		if !suppressed[id] || kept[id] {
			t.Errorf("%s: suppressed=%v kept=%v, want only suppressed", id, suppressed[id], kept[id])
		}
	}
	// The schema's ignore names one rule: the password is still reported.
	if !kept["lint/secret-not-write-only"] {
		t.Errorf("%s under the schema was suppressed by an ignore naming another rule", "lint/secret-not-write-only")
	}
}
