package rules

// Object and function level authorization hints (OWASP API1:2023,
// API5:2023).
const (
	RuleLintGuessableIDUnscoped = "lint/guessable-id-unscoped"
	RuleLintAdminPathPublic     = "lint/admin-path-public"
)

func authorizationHintRules() []Rule {
	return []Rule{
		{
			ID: RuleLintGuessableIDUnscoped, Title: "Guessable integer id on an object path without scopes",
			Severity: SeverityMedium, OWASP: "API1:2023", CWE: []string{"CWE-639"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A path parameter named like an identifier (`id`, `*_id`, `*Id`) is an integer, and no security alternative of the operation requires a scope: it is unauthenticated, anonymous-optional, API key or HTTP only, or OAuth2 without scopes. Sequential ids let a caller enumerate objects by counting; without scoped authorization nothing in the description says the server checks that the object belongs to the caller (BOLA).",
				"Check ownership of every object server-side; expose unguessable identifiers (UUIDs) and require scoped tokens.",
				"- name: order_id\n  in: path\n  required: true\n  schema: {type: string, format: uuid}"),
		},
		{
			ID: RuleLintAdminPathPublic, Title: "Administrative path callable without authentication",
			Severity: SeverityHigh, OWASP: "API5:2023", CWE: []string{"CWE-285"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"An operation under an administrative path segment (`admin`, `admin-*`, `administrator`, `superuser`, `sudo`) can be called anonymously: it declares no security, `security: []`, or an empty `{}` alternative. Administrative functions open to everyone are broken function level authorization.",
				"Require authentication with a privileged scope that ordinary clients are never issued.",
				"/admin/users/{user_id}:\n  delete:\n    security:\n      - oauth2: [admin:users]"),
		},
	}
}
