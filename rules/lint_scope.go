package rules

// Scope hygiene: are OAuth2 scopes declared, used, narrow and matched to
// what the operations do?
func lintScopeRules() []Rule {
	return []Rule{
		{
			ID: "lint/undeclared-scope", Title: "Required scope is not declared by the scheme",
			Severity: SeverityMedium, OWASP: "API5:2023", CWE: []string{"CWE-285"}, Precision: PrecisionVeryHigh,
			Help: lintHelp("A requirement that names a scope no flow of the oauth2 scheme declares is a broken contract: the authorization server never issues it (nobody can call the operation) or the gateway ignores it (anyone can). openIdConnect schemes are skipped: their scopes live in the discovery document.",
				"Declare the scope in the scheme's flows, or fix its name in the requirement.",
				"components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      flows:\n        clientCredentials:\n          tokenUrl: https://auth.example.com/token\n          scopes: {orders:write: Create and change orders}\npaths:\n  /orders:\n    post:\n      security: [{oauth: [orders:write]}]"),
		},
		{
			ID: "lint/unused-scope", Title: "Declared scope is never required",
			Severity: SeverityLow, OWASP: "API5:2023", CWE: []string{"CWE-250"}, Precision: PrecisionMedium,
			Help: lintHelp("A scope that no operation requires still gets requested, consented to and issued: dead privilege that a later change may silently start honouring. Reported only for schemes whose requirements use scopes at all.",
				"Remove the scope, or require it where it is meant to apply.",
				"scopes:\n  orders:read: Read orders   # required by GET /orders"),
		},
		{
			ID: "lint/unused-security-scheme", Title: "Security scheme is never used",
			Severity: SeverityInfo, OWASP: "API9:2023", Precision: PrecisionHigh,
			Help: lintHelp("A declared scheme that no requirement names is either dead configuration or, worse, the scheme the authors meant to require and forgot.",
				"Require it where intended, or remove it.",
				"security:\n  - oauth: [orders:read]\ncomponents:\n  securitySchemes:\n    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: https://auth.example.com/token, scopes: {orders:read: Read}}}}"),
		},
		{
			ID: "lint/scopes-on-non-oauth-scheme", Title: "Scopes listed for a scheme that has none",
			Severity: SeverityLow, OWASP: "API8:2023", Precision: PrecisionVeryHigh,
			Help: lintHelp("In OpenAPI 2.0 and 3.0 the scope list of an apiKey, http or mutualTLS requirement MUST be empty: tools ignore it, so the authors' intended restriction is not enforced. (OpenAPI 3.1 allows role names there, so 3.1 documents are not flagged.)",
				"Move the restriction to an oauth2 scheme's scopes, or enforce roles in the API and document them elsewhere.",
				"security:\n  - apiKey: []"),
		},
		{
			ID: "lint/empty-oauth-scopes", Title: "OAuth2 requirement with no scopes",
			Severity: SeverityLow, OWASP: "API5:2023", CWE: []string{"CWE-285"}, Precision: PrecisionMedium,
			Help: lintHelp("`oauth: []` accepts any token the authorization server issued, for any purpose, when the scheme declares scopes that could have narrowed it. Reported only when the scheme declares scopes.",
				"Require the narrowest scope that covers the operation.",
				"security:\n  - oauth: [orders:read]"),
		},
		{
			ID: "lint/broad-scope", Title: "Over-broad scope",
			Severity: SeverityLow, OWASP: "API5:2023", CWE: []string{"CWE-269"}, Precision: PrecisionMedium,
			Help: lintHelp("Scopes like `admin`, `*`, `all`, `full`, `*:write` or ones described as \"full access\" grant everything at once: a token leaked from one integration opens the whole API, and consent screens cannot tell users what they grant.",
				"Split the scope by resource and action (`orders:read`, `orders:write`).",
				"scopes:\n  orders:read: Read orders\n  orders:write: Create and change orders"),
		},
		{
			ID: "lint/write-with-read-scopes", Title: "Write operation guarded only by read scopes",
			Severity: SeverityMedium, OWASP: "API5:2023", CWE: []string{"CWE-863"}, Precision: PrecisionMedium,
			Help: lintHelp("When every alternative of a POST, PUT, PATCH or DELETE requires only read-class scopes (`read`, `view`, `list`, `get`, `readonly`), a read-only token can change data. Search-like operations (`/search`, `/query`, `/graphql`, operation ids starting with search/list/get/query) are not flagged.",
				"Require a write-class scope.",
				"paths:\n  /orders:\n    post:\n      security: [{oauth: [orders:write]}]"),
		},
		{
			ID: "lint/read-requires-write-scope", Title: "Read operation requires a write or admin scope",
			Severity: SeverityInfo, OWASP: "API5:2023", CWE: []string{"CWE-250"}, Precision: PrecisionMedium,
			Help: lintHelp("When every alternative of a GET or HEAD requires a write- or admin-class scope, clients that only read must hold tokens that can write: over-privileged tokens everywhere.",
				"Offer an alternative with a read scope.",
				"security:\n  - oauth: [orders:read]\n  - oauth: [orders:write]"),
		},
		{
			ID: "lint/admin-shares-requirement", Title: "Privileged operation shares its security requirement with ordinary ones",
			Severity: SeverityMedium, OWASP: "API5:2023", CWE: []string{"CWE-285"}, Precision: PrecisionMedium,
			Help: lintHelp("An operation under an `/admin` path (or marked `x-privileged: true`) whose effective security (its own, or the inherited document default) is identical to an ordinary operation's can be called with any ordinary user's token: broken function level authorization.",
				"Require an admin-only scope or scheme on privileged operations.",
				"paths:\n  /admin/users:\n    delete:\n      security: [{oauth: [admin:users]}]\n  /users:\n    get:\n      security: [{oauth: [users:read]}]"),
		},
		{
			ID: "lint/weaker-auth-alternative", Title: "Unscoped alternative next to a scoped one",
			Severity: SeverityMedium, OWASP: "API5:2023", CWE: []string{"CWE-1390"}, Precision: PrecisionMedium,
			Help: lintHelp("`security` alternatives are ORed: when one alternative requires OAuth2 scopes and another only an API key or a bearer token with no scopes, callers take the weaker one and the scope check protects nothing.",
				"Remove the unscoped alternative, or give it an equivalent restriction.",
				"security:\n  - oauth: [orders:write]"),
		},
		{
			ID: "lint/scope-name-grammar", Title: "Scope name does not follow the naming grammar",
			Severity: SeverityInfo, OWASP: "API5:2023", Precision: PrecisionHigh,
			Help: lintHelp("Consistent scope names (`resource:action`, `resource.action`) let reviewers and agents see at a glance what a scope grants and spot broad or misplaced ones. The default grammar accepts lower-case words joined by `:` `.` `_` `-` `/`, and https URLs; spaces, upper case and punctuation are flagged. Set your own grammar with `lint.scope-pattern` in `.specter.yaml`.",
				"Rename the scope to the grammar.",
				"scopes:\n  orders:read: Read orders"),
		},
		{
			ID: "lint/scope-sprawl", Title: "Too many scopes",
			Severity: SeverityInfo, OWASP: "API5:2023", Precision: PrecisionMedium,
			Help: lintHelp("An alternative that requires more than 5 scopes at once, or a scheme that declares more than 50, makes consent meaningless and least privilege hard to review. The limits are `lint.max-scopes-per-operation` and `lint.max-scopes-per-scheme` in `.specter.yaml`.",
				"Group scopes by resource and action; require one or two per operation.",
				"security:\n  - oauth: [orders:write]"),
		},
	}
}
