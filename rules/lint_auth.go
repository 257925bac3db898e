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
		{
			ID: "lint/read-without-auth", Title: "Read operation without authentication",
			Severity: SeverityMedium, OWASP: "API2:2023", CWE: []string{"CWE-306"}, Precision: PrecisionMedium,
			Help: lintHelp("A GET or HEAD with no effective security (or `security: []`) returns its data to anyone. Public catalogues are fine; most other reads expose objects that belong to someone.",
				"Declare a security requirement, or mark a deliberately public operation with `x-public: true` (on the operation, its path item, or `info` for a public API).",
				"paths:\n  /status:\n    get:\n      x-public: true   # intentionally anonymous\n  /orders:\n    get:\n      security:\n        - oauth: [orders:read]"),
		},
		{
			ID: "lint/optional-auth", Title: "Anonymous alternative in a security requirement",
			Severity: SeverityMedium, OWASP: "API2:2023", CWE: []string{"CWE-306"}, Precision: PrecisionHigh,
			Help: lintHelp("An empty object `{}` among the alternatives of `security` means \"or no credentials at all\": the operation accepts anonymous calls even though it lists schemes. Spectral's OWASP rules miss this.",
				"Remove the `{}` alternative. If anonymous access is intended, make the operation explicitly public (`security: []` with `x-public: true`) so reviewers see it.",
				"security:\n  - oauth: [orders:read]\n  # no `- {}` alternative"),
		},
		{
			ID: "lint/undefined-security-scheme", Title: "Security requirement names an undeclared scheme",
			Severity: SeverityMedium, OWASP: "API8:2023", CWE: []string{"CWE-306"}, Precision: PrecisionVeryHigh,
			Help: lintHelp("A requirement naming a scheme that `components.securitySchemes` (or `securityDefinitions`) does not declare cannot be enforced: gateways and generated servers may skip it, leaving the operation unprotected.",
				"Declare the scheme, or fix the name in the requirement.",
				"components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      flows: {clientCredentials: {tokenUrl: https://auth.example.com/token, scopes: {}}}\nsecurity:\n  - oauth: []"),
		},
		{
			ID: "lint/weak-http-auth-scheme", Title: "Weak or unregistered HTTP authentication scheme",
			Severity: SeverityMedium, OWASP: "API2:2023", CWE: []string{"CWE-1390"}, Precision: PrecisionHigh,
			Help: lintHelp("`digest` relies on MD5 and a shared password, `negotiate` (Kerberos/NTLM) and `oauth` (OAuth 1.0) are legacy schemes with known weaknesses, and a scheme name outside the IANA HTTP Authentication Scheme registry is not something clients or gateways implement consistently.",
				"Use `bearer` tokens from OAuth 2.0 (ideally sender-constrained with `DPoP` or mTLS).",
				"components:\n  securitySchemes:\n    token: {type: http, scheme: bearer, bearerFormat: JWT}"),
		},
		{
			ID: "lint/api-key-in-query", Title: "API key sent in the query string",
			Severity: SeverityMedium, OWASP: "API2:2023", CWE: []string{"CWE-598"}, Precision: PrecisionVeryHigh,
			Help: lintHelp("A credential in the URL is written to access logs, proxy logs, browser history and `Referer` headers, where it outlives the request.",
				"Send the key in a header.",
				"components:\n  securitySchemes:\n    apiKey: {type: apiKey, in: header, name: X-API-Key}"),
		},
		{
			ID: "lint/api-key-in-cookie", Title: "API key sent in a cookie",
			Severity: SeverityLow, OWASP: "API2:2023", CWE: []string{"CWE-352"}, Precision: PrecisionHigh,
			Help: lintHelp("Browsers attach cookies to every request to the API's origin, including ones forged by other sites: a cookie credential needs CSRF protection that an API key in a header does not.",
				"Send the key in a header; if a cookie is required, document `SameSite` and a CSRF token.",
				"components:\n  securitySchemes:\n    apiKey: {type: apiKey, in: header, name: X-API-Key}"),
		},
		{
			ID: "lint/credential-in-url", Title: "Credential-named parameter in the URL",
			Severity: SeverityMedium, OWASP: "API2:2023", CWE: []string{"CWE-598"}, Precision: PrecisionMedium,
			Help: lintHelp("A query or path parameter named like a password, secret, token or API key puts a credential in the URL, which is logged by servers and proxies and kept in browser history. Pagination and CSRF tokens (`page_token`, `next_token`, `csrf_token`) are not flagged.",
				"Move the credential to a header or the request body, or to a security scheme.",
				"parameters:\n  - name: Authorization\n    in: header\n    required: true\n    schema: {type: string}"),
		},
		{
			ID: "lint/insecure-oauth-url", Title: "OAuth or OpenID Connect URL without TLS",
			Severity: SeverityHigh, OWASP: "API2:2023", CWE: []string{"CWE-319"}, Precision: PrecisionVeryHigh,
			Help: lintHelp("`authorizationUrl`, `tokenUrl`, `refreshUrl`, `openIdConnectUrl` and `oauth2MetadataUrl` carry authorization codes, client secrets and tokens; over plain `http` anyone on the path can read them. RFC 6749 and RFC 9700 require TLS. Loopback addresses are exempt.",
				"Use `https` URLs.",
				"flows:\n  authorizationCode:\n    authorizationUrl: https://auth.example.com/authorize\n    tokenUrl: https://auth.example.com/token\n    scopes: {}"),
		},
		{
			ID: "lint/missing-401-response", Title: "Secured operation does not declare 401",
			Severity: SeverityInfo, OWASP: "API8:2023", Precision: PrecisionHigh,
			Help: lintHelp("Clients, agents and tests learn from the responses what happens without valid credentials. An authenticated operation that does not declare `401` leaves that undocumented and untested.",
				"Declare a `401` (or a `4XX`) response.",
				"responses:\n  \"401\":\n    description: Missing or invalid credentials"),
		},
		{
			ID: "lint/missing-403-response", Title: "Scoped operation does not declare 403",
			Severity: SeverityInfo, OWASP: "API5:2023", Precision: PrecisionHigh,
			Help: lintHelp("An operation that requires scopes can refuse a valid token that lacks them; without a `403` response that refusal is undocumented and authorization tests have nothing to assert.",
				"Declare a `403` (or a `4XX`) response.",
				"responses:\n  \"403\":\n    description: The token lacks the required scope"),
		},
	}
}
