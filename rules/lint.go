package rules

// LintRules returns the rules of the lint scanner (scanners/lint), one
// family per file (lint_auth.go, lint_oauth.go, ...). Every rule here has a
// check in scanners/lint and fixtures in scanners/lint/testdata/rules.
func LintRules() []Rule {
	var all []Rule
	for _, family := range [][]Rule{
		lintAuthRules(),
		lintOAuthRules(),
		lintScopeRules(),
		lintAgentRules(),
		dataExposureRules(), resourceLimitRules(), transportRules(), ssrfRules(), authorizationHintRules(), governanceRules(), postmanLintRules(), mcpLintRules(),
	} {
		all = append(all, family...)
	}
	return all
}
