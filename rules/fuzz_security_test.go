package rules

import (
	"strings"
	"testing"
)

func TestFuzzSecurityRulesInCatalog(t *testing.T) {
	cat, err := NewCatalog(append(FuzzRules(), FuzzSecurityRules()...)...)
	if err != nil {
		t.Fatal(err)
	}
	rs := FuzzSecurityRules()
	if len(rs) < 19 {
		t.Fatalf("%d fuzz security rules", len(rs))
	}
	for _, r := range rs {
		got := cat.Lookup(r.ID)
		if got == nil {
			t.Errorf("%s is not in the catalog", r.ID)
			continue
		}
		if got.Family() != "fuzz" || got.OWASP == "" || len(got.CWE) == 0 || got.Precision == "" {
			t.Errorf("%s: incomplete metadata %+v", r.ID, got)
		}
		for _, section := range []string{"**Why it matters.**", "**How to fix.**", "Compliant example:"} {
			if !strings.Contains(got.Help, section) {
				t.Errorf("%s: help lacks %q", r.ID, section)
			}
		}
	}
}
