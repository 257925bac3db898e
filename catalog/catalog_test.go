package catalog

import (
	"testing"

	"github.com/specterhq/specter/rules"
)

// TestBuiltin: every scanner's rules are in the catalog, with ids in their
// own family.
func TestBuiltin(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	families := map[string]int{}
	for _, r := range c.All() {
		families[r.Family()]++
	}
	for _, f := range []string{"secrets", "lint", "inventory", "fuzz"} {
		if families[f] == 0 {
			t.Errorf("no %s rules in the catalog (%v)", f, families)
		}
	}
	if families["secrets"] < 200 {
		t.Errorf("%d secrets rules, want gitleaks' 200 and more", families["secrets"])
	}
	if r := c.Lookup("secrets/postman-auth-credential"); r == nil || r.Severity != rules.SeverityHigh {
		t.Errorf("structural secret rule: %+v", r)
	}
}

// BenchmarkBuiltin is the catalog's cost, paid by every command.
func BenchmarkBuiltin(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Builtin(); err != nil {
			b.Fatal(err)
		}
	}
}
