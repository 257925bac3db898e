package rules

// Agent access: operations that AI agents may call, described with
// specter's extensions (docs/extensions.md) and spec-native signals
// (OAS 3.1 mutualTLS, the http DPoP scheme, clientCredentials).
func lintAgentRules() []Rule {
	return []Rule{
		{
			ID: "lint/agent-write-not-sender-constrained", Title: "Sensitive or agent-allowed write without sender-constrained tokens",
			Severity: SeverityMedium, OWASP: "API2:2023", CWE: []string{"CWE-294"}, Precision: PrecisionHigh,
			Help: lintHelp("A bearer token works for whoever holds it. Agents pass tokens through tool runtimes, logs and prompts; for a write that agents may call (`x-agent-access: allow` or `approval-required`) or a sensitive operation (`x-sensitivity: high`, `x-business-flow: sensitive`), a copied token should be useless. Sender-constrained tokens (mTLS, RFC 8705; DPoP, RFC 9449) are.",
				"Offer the operation only through a sender-constrained scheme: `type: mutualTLS`, `type: http, scheme: DPoP`, or a scheme with `x-token-binding: dpop|mtls`.",
				"components:\n  securitySchemes:\n    dpop: {type: http, scheme: DPoP}\npaths:\n  /payments:\n    post:\n      x-agent-access: approval-required\n      security: [{dpop: []}]"),
		},
		{
			ID: "lint/sender-constraint-downgrade", Title: "Sender-constrained operation also accepts a plain bearer token",
			Severity: SeverityHigh, OWASP: "API2:2023", CWE: []string{"CWE-294"}, Precision: PrecisionHigh,
			Help: lintHelp("`security` alternatives are ORed: when an operation accepts a DPoP- or mTLS-bound token or, alternatively, a plain bearer token or API key, an attacker with a stolen token simply takes the unbound path. The binding protects nothing.",
				"Remove the unbound alternative.",
				"security:\n  - dpop: []"),
		},
		{
			ID: "lint/agent-missing-required-claims", Title: "Agent-allowed operation without required claims",
			Severity: SeverityMedium, OWASP: "API5:2023", CWE: []string{"CWE-285"}, Precision: PrecisionHigh,
			Help: lintHelp("When agents may call an operation, the API should be able to tell an agent's token from a human's and restrict it: `x-required-claims` states the claims the token must carry (for example `client_type: ai-agent`, or an `act` claim for delegation).",
				"Declare `x-required-claims` on the operation (or its path item, or the document).",
				"paths:\n  /orders:\n    get:\n      x-agent-access: allow\n      x-required-claims: {client_type: [ai-agent]}"),
		},
		{
			ID: "lint/agent-no-machine-flow", Title: "Agent-allowed operation reachable only through user flows",
			Severity: SeverityLow, OWASP: "API2:2023", Precision: PrecisionMedium,
			Help: lintHelp("An agent acting on its own needs a machine credential. When every alternative is an OAuth2 scheme with only user flows (authorization code, implicit, password, device), the agent ends up holding a user's long-lived refresh token or password.",
				"Offer a `clientCredentials` flow (or token exchange, listed in the scheme's `x-grant-types`), or mutual TLS.",
				"flows:\n  clientCredentials:\n    tokenUrl: https://auth.example.com/token\n    scopes: {orders:read: Read orders}"),
		},
		{
			ID: "lint/agent-broad-scope", Title: "Agent-allowed operation requires an over-broad scope",
			Severity: SeverityHigh, OWASP: "API5:2023", CWE: []string{"CWE-269"}, Precision: PrecisionMedium,
			Help: lintHelp("An agent that needs `admin`, `*` or a full-access scope to call an operation holds a token that opens everything; one prompt injection turns it against the whole API.",
				"Require a narrow scope for the operation.",
				"paths:\n  /orders:\n    get:\n      x-agent-access: allow\n      security: [{oauth: [orders:read]}]"),
		},
		{
			ID: "lint/agent-token-ttl-too-long", Title: "Token lifetime for agents above policy, or undeclared",
			Severity: SeverityMedium, OWASP: "API2:2023", CWE: []string{"CWE-613"}, Precision: PrecisionHigh,
			Help: lintHelp("Agent tokens travel through tool runtimes and logs; the agent policy caps their lifetime at 15 minutes (900 s; `lint.agent-max-token-ttl` in `.specter.yaml`). A scheme agent-allowed operations use must declare `x-token-ttl` within it (mTLS and DPoP-bound schemes are exempt).",
				"Issue short-lived tokens to agents and declare `x-token-ttl`.",
				"components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      x-token-ttl: 600\n      flows: {clientCredentials: {tokenUrl: https://auth.example.com/token, scopes: {}}}"),
		},
		{
			ID: "lint/agent-missing-audience", Title: "Token scheme for agents without an audience",
			Severity: SeverityLow, OWASP: "API2:2023", CWE: []string{"CWE-441"}, Precision: PrecisionHigh,
			Help: lintHelp("A token without an audience restriction is accepted by every API that trusts the issuer: an agent's token for one tool can be replayed against another (confused deputy). RFC 8707 resource indicators and the `aud` claim prevent it.",
				"Declare the audience tokens must carry with `x-audience` on the scheme (or the document).",
				"components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      x-audience: https://api.example.com\n      flows: {clientCredentials: {tokenUrl: https://auth.example.com/token, scopes: {}}}"),
		},
		{
			ID: "lint/agent-missing-rate-limit", Title: "Agent-allowed operation without 429 and rate-limit declarations",
			Severity: SeverityMedium, OWASP: "API4:2023", CWE: []string{"CWE-770"}, Precision: PrecisionHigh,
			Help: lintHelp("Agents call in loops and retry on failure. An agent-allowed operation must tell them when to stop: a `429` response with `Retry-After` (or `RateLimit`/`X-RateLimit-*` headers), so well-behaved agents back off instead of hammering the API.",
				"Declare `429` with a `Retry-After` header.",
				"responses:\n  \"429\":\n    description: Too many requests\n    headers:\n      Retry-After: {schema: {type: integer}}"),
		},
		{
			ID: "lint/agent-missing-idempotency-key", Title: "Agent-allowed POST or PATCH without an Idempotency-Key",
			Severity: SeverityMedium, OWASP: "API6:2023", Precision: PrecisionHigh,
			Help: lintHelp("Agents retry after timeouts and may repeat a tool call they already made. Without an `Idempotency-Key` header a retried POST or PATCH creates a second order or payment.",
				"Accept an `Idempotency-Key` header and deduplicate on it.",
				"parameters:\n  - name: Idempotency-Key\n    in: header\n    required: true\n    schema: {type: string, maxLength: 64}"),
		},
		{
			ID: "lint/agent-destructive-without-approval", Title: "Destructive or money-moving operation open to agents without approval",
			Severity: SeverityHigh, OWASP: "API6:2023", Precision: PrecisionMedium,
			Help: lintHelp("With `x-agent-access: allow` an agent may call the operation on its own. For a DELETE, a money-moving operation (pay, refund, transfer, withdraw, charge, payout...) or one marked `x-business-flow: sensitive`, a prompt injection or a hallucinated tool call then does irreversible damage.",
				"Require a human in the loop: `x-agent-access: approval-required` (or `deny`).",
				"paths:\n  /payments:\n    post:\n      x-agent-access: approval-required"),
		},
		{
			ID: "lint/prompt-injection-marker", Title: "Prompt-injection marker in a description",
			Severity: SeverityMedium, OWASP: "API10:2023", CWE: []string{"CWE-1427"}, Precision: PrecisionHigh,
			Help: lintHelp("Descriptions, summaries and titles become tool descriptions that agents read as instructions. Hidden Unicode (zero-width characters, tag characters), bidirectional controls that reorder what a reviewer sees, HTML comments and phrases like \"ignore previous instructions\" are how injected instructions hide there.",
				"Remove the marker; keep descriptions plain text that says what the operation does.",
				"summary: List orders\ndescription: Returns the caller's orders, newest first."),
		},
		{
			ID: "lint/agent-access-undeclared", Title: "Operation without x-agent-access in a document that uses it",
			Severity: SeverityLow, OWASP: "API9:2023", Precision: PrecisionHigh,
			Help: lintHelp("Once a document decides per operation whether agents may call it, an operation without `x-agent-access` (and no default on its path item or the document) is an undecided case that tooling will treat inconsistently.",
				"Declare `x-agent-access: allow | deny | approval-required` on the operation, or a default in `info`.",
				"info:\n  x-agent-access: deny     # default\npaths:\n  /orders:\n    get:\n      x-agent-access: allow"),
		},
		{
			ID: "lint/invalid-agent-extension", Title: "Malformed agent or token extension",
			Severity: SeverityLow, OWASP: "API8:2023", Precision: PrecisionVeryHigh,
			Help: lintHelp("A misspelt value of `x-agent-access` (allow, deny, approval-required), `x-token-binding` (dpop, mtls), `x-token-ttl` (positive seconds), `x-required-claims` (a mapping), `x-audience` (a string or list) or `x-pkce` (S256 or plain) is silently ignored by every tool, so the policy it states is not applied.",
				"Use the documented values (docs/extensions.md).",
				"x-agent-access: approval-required\nx-token-binding: dpop\nx-token-ttl: 900\nx-required-claims: {client_type: [ai-agent]}\nx-audience: https://api.example.com"),
		},
	}
}
