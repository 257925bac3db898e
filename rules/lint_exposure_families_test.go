package rules

import (
	"strings"
	"testing"
)

// TestExposureFamiliesMetadata holds every rule of the data exposure,
// resource limits, transport, SSRF, authorization hints, inventory and
// Postman families to the catalog's standard: an OWASP category, a help
// with the three parts, a precision, and high or critical only where the
// configuration is exploitable as written.
func TestExposureFamiliesMetadata(t *testing.T) {
	exploitable := map[string]bool{
		RuleLintClassifiedPublicResponse: true, RuleLintCardVerificationResponse: true,
		RuleLintCredentialLikeExample: true, RuleLintCORSWildcardCredential: true,
		RuleLintAdminPathPublic: true, RuleLintPostmanCredentialsHTTP: true,
		RuleLintPostmanHTTPTokenURL: true,
	}
	var all []Rule
	for _, family := range [][]Rule{dataExposureRules(), resourceLimitRules(), transportRules(), ssrfRules(), authorizationHintRules(), governanceRules(), postmanLintRules()} {
		all = append(all, family...)
	}
	if _, err := NewCatalog(all...); err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if !strings.HasPrefix(r.ID, "lint/") {
			t.Errorf("%s: not in the lint family", r.ID)
		}
		if r.OWASP == "" || r.Precision == "" {
			t.Errorf("%s: missing OWASP category or precision", r.ID)
		}
		for _, part := range []string{"**Why it matters.**", "**How to fix.**", "```yaml\n"} {
			if !strings.Contains(r.Help, part) {
				t.Errorf("%s: help lacks %q", r.ID, part)
			}
		}
		if high := r.Severity >= SeverityHigh; high != exploitable[r.ID] {
			t.Errorf("%s: severity %s, exploitable=%v", r.ID, r.Severity, exploitable[r.ID])
		}
	}
}
