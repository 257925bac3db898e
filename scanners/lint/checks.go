package lint

import "github.com/specterhq/specter/scanners/lint/engine"

// Checks returns every lint check, one family per file. To add a family,
// write `func <family>Checks() []engine.Check` in its own file and list it
// here.
func Checks() []engine.Check {
	var all []engine.Check
	for _, family := range [][]engine.Check{
		authChecks(),
		oauthChecks(),
		scopeChecks(),
		agentChecks(),
		dataExposureChecks(), resourceLimitChecks(), transportChecks(), ssrfChecks(), authorizationHintChecks(), governanceChecks(), postmanChecks(), mcpToolChecks(),
	} {
		all = append(all, family...)
	}
	return all
}
