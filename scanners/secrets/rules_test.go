package secrets

import (
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
)

func TestBuiltinSecrets(t *testing.T) {
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	c, err := rules.NewCatalog(rs...)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := GitleaksConfig()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rules) < 200 {
		t.Fatalf("gitleaks default config has %d rules", len(cfg.Rules))
	}
	for id := range cfg.Rules {
		if c.Lookup(GitleaksRulePrefix+id) == nil {
			t.Errorf("catalog lacks %s", id)
		}
	}
	for _, id := range []string{RuleSecretsPostmanAuth, RuleSecretsHeader, RuleSecretsQueryParameter, RuleSecretsEnvironment,
		RuleSecretsPostmanVariable, RuleSecretsSpecExample, RuleSecretsURLUserinfo, RuleSecretsHardcodedCredential} {
		if c.Lookup(id) == nil {
			t.Errorf("catalog lacks %s", id)
		}
	}
	for _, r := range c.All() {
		if r.Family() != "secrets" {
			continue
		}
		if r.OWASP != "API8:2023" || len(r.CWE) != 1 || r.CWE[0] != "CWE-798" || r.Precision == "" {
			t.Errorf("%s: owasp %q cwe %v precision %q", r.ID, r.OWASP, r.CWE, r.Precision)
		}
		if !strings.Contains(r.Help, "Rotate") && !strings.Contains(r.Help, "rotate") {
			t.Errorf("%s: help does not say to rotate", r.ID)
		}
	}
	for id, want := range map[string]rules.Severity{
		"secrets/private-key": rules.SeverityCritical, "secrets/aws-access-token": rules.SeverityCritical,
		"secrets/gcp-api-key": rules.SeverityCritical, "secrets/github-pat": rules.SeverityHigh, RuleSecretsHeader: rules.SeverityHigh,
	} {
		if r := c.Lookup(id); r == nil || r.Severity != want {
			t.Errorf("%s severity = %v, want %v", id, r, want)
		}
	}
}
