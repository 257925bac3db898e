package lint

// Checks returns every lint check, one family per file. To add a family,
// write `func <family>Checks() []Check` in its own file and list it here.
func Checks() []Check {
	var all []Check
	for _, family := range [][]Check{
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
