package rules

import "testing"

func TestInventoryRulesInCatalog(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for id, sev := range map[string]Severity{
		RuleInventoryShadow:            SeverityMedium,
		RuleInventoryZombie:            SeverityMedium,
		RuleInventoryOrphan:            SeverityInfo,
		RuleInventoryUnauthenticated2x: SeverityHigh,
		RuleInventorySensitiveResponse: SeverityHigh,
		RuleInventoryOverPrivileged:    SeverityMedium,
		RuleInventoryLongLivedToken:    SeverityMedium,
		RuleInventoryAgentBurst:        SeverityLow,
		RuleInventorySharedCredential:  SeverityMedium,
	} {
		r := c.Lookup(id)
		if r == nil {
			t.Errorf("%s missing from the catalog", id)
			continue
		}
		if r.Severity != sev {
			t.Errorf("%s severity %s, want %s", id, r.Severity, sev)
		}
		if r.OWASP == "" {
			t.Errorf("%s has no OWASP category", id)
		}
	}
	for _, id := range []string{RuleInventoryShadow, RuleInventoryZombie, RuleInventoryOrphan} {
		if c.Lookup(id).OWASP != "API9:2023" {
			t.Errorf("%s is not API9:2023", id)
		}
	}
}
