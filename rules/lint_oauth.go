package rules

// OAuth2 flows and tokens, after the OAuth 2.0 Security Best Current
// Practice (RFC 9700).
func lintOAuthRules() []Rule {
	return []Rule{
		{
			ID: "lint/oauth2-implicit-flow", Title: "OAuth2 implicit flow",
			Severity: SeverityHigh, OWASP: "API2:2023", CWE: []string{"CWE-1390"}, Precision: PrecisionVeryHigh,
			Help: lintHelp("The implicit flow returns the access token in the redirect URL's fragment, where browser history, extensions and open redirectors can take it, and it cannot be sender-constrained. RFC 9700 (section 2.1.2) says clients SHOULD NOT use it.",
				"Use the authorization code flow with PKCE.",
				"flows:\n  authorizationCode:\n    authorizationUrl: https://auth.example.com/authorize\n    tokenUrl: https://auth.example.com/token\n    x-pkce: S256\n    scopes: {orders:read: Read orders}"),
		},
		{
			ID: "lint/oauth2-password-flow", Title: "OAuth2 resource owner password flow",
			Severity: SeverityHigh, OWASP: "API2:2023", CWE: []string{"CWE-1390"}, Precision: PrecisionVeryHigh,
			Help: lintHelp("The password grant hands the user's password to the client, trains users to type it into third-party apps, and cannot support multi-factor authentication. RFC 9700 (section 2.4) says it MUST NOT be used.",
				"Use the authorization code flow with PKCE for users and client credentials for machines.",
				"flows:\n  clientCredentials:\n    tokenUrl: https://auth.example.com/token\n    scopes: {orders:read: Read orders}"),
		},
		{
			ID: "lint/oauth2-pkce-not-declared", Title: "Authorization code flow without PKCE S256",
			Severity: SeverityInfo, OWASP: "API2:2023", CWE: []string{"CWE-352"}, Precision: PrecisionMedium,
			Help: lintHelp("PKCE binds the authorization code to the client that asked for it; without it a stolen or injected code can be redeemed. RFC 9700 requires it for public clients and recommends it for all, with the S256 method. OpenAPI has no field for it, so specter reads `x-pkce: S256` on the flow or the scheme.",
				"Require PKCE with S256 at the authorization server and say so with `x-pkce: S256`.",
				"flows:\n  authorizationCode:\n    authorizationUrl: https://auth.example.com/authorize\n    tokenUrl: https://auth.example.com/token\n    x-pkce: S256\n    scopes: {}"),
		},
		{
			ID: "lint/oauth2-no-refresh-url", Title: "User-facing OAuth2 flow without a refresh URL",
			Severity: SeverityInfo, OWASP: "API2:2023", CWE: []string{"CWE-613"}, Precision: PrecisionMedium,
			Help: lintHelp("Short-lived access tokens are practical only when clients can refresh them; a user-facing flow (authorization code, device authorization) without `refreshUrl` pushes integrators toward long-lived tokens. Client credentials are exempt: machines just ask again.",
				"Declare `refreshUrl` (it may equal `tokenUrl`) and keep access tokens short-lived.",
				"flows:\n  authorizationCode:\n    authorizationUrl: https://auth.example.com/authorize\n    tokenUrl: https://auth.example.com/token\n    refreshUrl: https://auth.example.com/token\n    scopes: {}"),
		},
		{
			ID: "lint/token-ttl-undeclared", Title: "Token scheme without a declared lifetime",
			Severity: SeverityInfo, OWASP: "API2:2023", CWE: []string{"CWE-613"}, Precision: PrecisionMedium,
			Help: lintHelp("How long a stolen token stays useful is a security property of the API, but OpenAPI has no field for it. An oauth2, openIdConnect or bearer scheme without `x-token-ttl` (seconds) cannot be checked against policy, by specter or by reviewers.",
				"Declare the access-token lifetime in seconds with `x-token-ttl` on the scheme (or at the document level in `info`).",
				"components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      x-token-ttl: 900\n      flows: {clientCredentials: {tokenUrl: https://auth.example.com/token, scopes: {}}}"),
		},
		{
			ID: "lint/token-ttl-too-long", Title: "Access-token lifetime above policy",
			Severity: SeverityLow, OWASP: "API2:2023", CWE: []string{"CWE-613"}, Precision: PrecisionHigh,
			Help: lintHelp("A long-lived bearer token is a long-lived credential: whoever copies it from a log or a device keeps access until it expires. The default policy is one hour (3600 s); set `lint.max-token-ttl` in `.specter.yaml` to change it.",
				"Shorten the lifetime and use refresh tokens, or sender-constrain the tokens (DPoP, mTLS).",
				"components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      x-token-ttl: 900\n      flows: {clientCredentials: {tokenUrl: https://auth.example.com/token, scopes: {}}}"),
		},
		{
			ID: "lint/deprecated-scheme-in-use", Title: "Deprecated security scheme still required",
			Severity: SeverityLow, OWASP: "API9:2023", Precision: PrecisionVeryHigh,
			Help: lintHelp("A scheme marked `deprecated: true` (OAS 3.2) is on its way out, but every requirement that still names it keeps clients on it and keeps it alive at the gateway.",
				"Move the requirements to the replacement scheme, then remove the deprecated one.",
				"security:\n  - oauth: [orders:read]   # not the deprecated legacyKey"),
		},
	}
}
