package inventory

import (
	"testing"

	"github.com/specterhq/specter/rules"
)

func TestInventoryRulesInCatalog(t *testing.T) {
	c, err := rules.NewCatalog(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	for id, sev := range map[string]rules.Severity{
		RuleInventoryShadow:            rules.SeverityMedium,
		RuleInventoryZombie:            rules.SeverityMedium,
		RuleInventoryOrphan:            rules.SeverityInfo,
		RuleInventoryUnauthenticated2x: rules.SeverityHigh,
		RuleInventorySensitiveResponse: rules.SeverityHigh,
		RuleInventoryOverPrivileged:    rules.SeverityMedium,
		RuleInventoryLongLivedToken:    rules.SeverityMedium,
		RuleInventoryAgentBurst:        rules.SeverityLow,
		RuleInventorySharedCredential:  rules.SeverityMedium,
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
