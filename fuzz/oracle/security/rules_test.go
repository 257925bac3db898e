package security

import (
	"sort"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
)

// noCredentials is a CredentialDetector that finds nothing: enough to make
// Oracles include the secret-in-response oracle.
type noCredentials struct{}

func (noCredentials) LooksLikeCredential(string, string) (string, bool) { return "", false }

func TestRulesMetadata(t *testing.T) {
	rs := Rules()
	if _, err := rules.NewCatalog(rs...); err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Family() != "fuzz" || r.OWASP == "" || len(r.CWE) == 0 || r.Precision == "" {
			t.Errorf("%s: incomplete metadata %+v", r.ID, r)
		}
		for _, section := range []string{"**Why it matters.**", "**How to fix.**", "Compliant example:"} {
			if !strings.Contains(r.Help, section) {
				t.Errorf("%s: help lacks %q", r.ID, section)
			}
		}
	}
}

// TestRulesAreTheOraclesRules checks that the metadata here and the
// oracles agree: every rule an oracle reports is described, and every
// rule described is reported by an oracle.
func TestRulesAreTheOraclesRules(t *testing.T) {
	reported := map[string]bool{}
	for _, o := range Oracles(Config{Classifier: noCredentials{}}) {
		for _, id := range o.Rules() {
			reported[id] = true
		}
	}
	described := map[string]bool{}
	for _, r := range Rules() {
		described[r.ID] = true
	}
	var missing, unused []string
	for id := range reported {
		if !described[id] {
			missing = append(missing, id)
		}
	}
	for id := range described {
		if !reported[id] {
			unused = append(unused, id)
		}
	}
	sort.Strings(missing)
	sort.Strings(unused)
	if len(missing) > 0 {
		t.Errorf("reported by an oracle but not in Rules: %v", missing)
	}
	if len(unused) > 0 {
		t.Errorf("in Rules but reported by no oracle: %v", unused)
	}
}
