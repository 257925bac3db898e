package rules

// Authentication coverage: does every operation require a credential, and
// are the credentials sound?
func lintAuthRules() []Rule {
	return []Rule{
		{
			ID: "lint/write-without-auth", Title: "Write operation without authentication",
			Severity: SeverityHigh, OWASP: "API2:2023", CWE: []string{"CWE-306"}, Precision: PrecisionHigh,
			Help: `**Why it matters.** A POST, PUT, PATCH or DELETE whose effective security
(the operation's own ` + "`security`" + `, else the document's) is missing or
` + "`[]`" + ` lets anyone change data. This is the most common way an API ships an
unauthenticated write.

**How to fix.** Declare a security requirement on the operation or for the
whole document. If the operation is public on purpose, say so with
` + "`x-specter-ignore`" + ` and a reason.

` + "```yaml" + `
security:
  - oauth: [orders:write]
paths:
  /orders:
    post:
      security:
        - oauth: [orders:write]
` + "```",
		},
		{
			ID: "lint/http-basic-auth", Title: "HTTP Basic authentication",
			Severity: SeverityMedium, OWASP: "API2:2023", CWE: []string{"CWE-522"}, Precision: PrecisionVeryHigh,
			Help: `**Why it matters.** HTTP Basic sends a reusable password, only base64
encoded, with every request. It cannot be scoped, expires only when the
password changes, and any log or proxy that records headers keeps it.

**How to fix.** Use OAuth 2.0 (client credentials for machines,
authorization code with PKCE for users) or short-lived bearer tokens.

` + "```yaml" + `
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          scopes: {orders:read: Read orders}
` + "```",
		},
	}
}
