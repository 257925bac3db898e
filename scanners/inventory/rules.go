package inventory

import "github.com/specterhq/specter/rules"

// Inventory rules: the documented surface compared with recorded runtime
// traffic (scanners/inventory).
const (
	RuleInventoryShadow            = "inventory/shadow-endpoint"
	RuleInventoryZombie            = "inventory/zombie-endpoint"
	RuleInventoryOrphan            = "inventory/orphan-endpoint"
	RuleInventoryUnauthenticated2x = "inventory/unauthenticated-2xx"
	RuleInventorySensitiveResponse = "inventory/sensitive-data-in-response"
	RuleInventoryOverPrivileged    = "inventory/over-privileged-client"
	RuleInventoryLongLivedToken    = "inventory/long-lived-token"
	RuleInventoryAgentBurst        = "inventory/agent-burst"
	RuleInventorySharedCredential  = "inventory/credential-shared-by-clients"
)

const inventoryOWASP = "API9:2023"

// Rules returns the inventory scanner's rules, for the catalog.
func Rules() []rules.Rule {
	return []rules.Rule{
		{
			ID:        RuleInventoryShadow,
			Title:     "Undocumented endpoint answers in recorded traffic",
			Severity:  rules.SeverityMedium,
			OWASP:     inventoryOWASP,
			CWE:       []string{"CWE-1059"},
			Precision: rules.PrecisionMedium,
			Help: `**Shadow endpoint.** The recorded traffic reached an operation that no spec
documents and it answered with something other than 404/405 at least once: an
undocumented path, an undocumented method on a documented path, a path
segment that does not validate against the documented parameter's schema
(` + "`GET /orders/export`" + ` under ` + "`/orders/{orderId}`" + ` with an integer id), or a host
that no ` + "`servers`" + ` entry covers.

**Why it matters.** Nobody reviews, tests or protects an endpoint they do not
know about, yet anyone with a token reaches it.

**How to fix.** Document the operation (with its security requirement), or
remove the route from the service. Paths only ever answered 404 are probe
noise and are counted in the summary instead.
`,
		},
		{
			ID:        RuleInventoryZombie,
			Title:     "Retired or deprecated endpoint is still live",
			Severity:  rules.SeverityMedium,
			OWASP:     inventoryOWASP,
			CWE:       []string{"CWE-1059"},
			Precision: rules.PrecisionHigh,
			Help: `**Zombie endpoint.** An operation that should be gone still answers: it is
documented as ` + "`deprecated: true`" + `, or it was in the previous spec
(` + "`--previous-spec`" + `) and has been removed since, or it is served under an older
version prefix than the documented one (` + "`/api/v1/...`" + ` live while the spec
documents ` + "`/api/v2`" + `).

**Why it matters.** Old versions keep old bugs and weaker controls (OWASP
API9:2023 scenario: a legacy OTP check without the rate limit of its
successor).

**How to fix.** Move the remaining callers (the finding lists when the
endpoint was last seen) and switch the route off, or bring it back into the
spec and under the same controls as its successor.
`,
		},
		{
			ID:        RuleInventoryOrphan,
			Title:     "Documented endpoint never observed in the traffic window",
			Severity:  rules.SeverityInfo,
			OWASP:     inventoryOWASP,
			Precision: rules.PrecisionLow,
			Help: `**Orphan endpoint.** The spec documents the operation but no request in the
recorded traffic reached it. The message gives the window and the number of
requests read, so you can judge the confidence: absence in an hour of
sampled traces says little, absence in 30 days of full access logs says a
lot.

**How to fix.** If the operation is really unused, deprecate and remove it;
if it is used elsewhere, record traffic from there too.
`,
		},
		{
			ID:        RuleInventoryUnauthenticated2x,
			Title:     "Operation documented as secured answered 2xx without credentials",
			Severity:  rules.SeverityHigh,
			OWASP:     "API2:2023",
			CWE:       []string{"CWE-306"},
			Precision: rules.PrecisionMedium,
			Help: `**Unauthenticated success.** The spec declares a security requirement for the
operation, yet a recorded request without any credential (no
` + "`Authorization`" + `, cookie, API-key header or query parameter; no API Gateway
authorizer or API key) was answered with a 2xx status.

Only sources that carry the evidence produce this finding: HAR files,
OpenTelemetry spans with captured request headers and API Gateway logs with
authorizer fields. Sanitized HAR exports strip credentials, so check that
the capture kept them.

**How to fix.** Enforce the declared scheme in the service or gateway, or
document the operation as public (` + "`security: []`" + `).
`,
		},
		{
			ID:        RuleInventorySensitiveResponse,
			Title:     "Shadow or zombie endpoint returns sensitive data",
			Severity:  rules.SeverityHigh,
			OWASP:     "API3:2023",
			CWE:       []string{"CWE-200"},
			Precision: rules.PrecisionMedium,
			Help: `**Sensitive data from an unmanaged endpoint.** A recorded response of a shadow
or zombie endpoint contains email addresses, payment card numbers (Luhn
valid) or credentials (the secret scanner's detectors). Unmanaged endpoints
rarely get the field filtering their documented successors have.

**How to fix.** Switch the endpoint off or document it and filter its
response to what clients need.
`,
		},
		{
			ID:        RuleInventoryOverPrivileged,
			Title:     "Client holds scopes the operations it calls do not need",
			Severity:  rules.SeverityMedium,
			OWASP:     "API5:2023",
			CWE:       []string{"CWE-269"},
			Precision: rules.PrecisionMedium,
			Help: `**Over-privileged client.** The scopes in a client's tokens (the JWT's
` + "`scope`" + ` or ` + "`scp`" + ` claim, OpenTelemetry's ` + "`enduser.scope`" + `, an API Gateway
authorizer's scope) include scopes that none of the documented operations
it called requires: for each operation, the security alternative its scopes
satisfy with the fewest scopes counts. The finding lists the unused scopes
and the least-privilege set to grant instead. Tokens are decoded, never
verified, and never printed.

**Why it matters.** Scopes nobody reviews accumulate, above all on agents
and service accounts; a leaked or prompt-injected token can do everything
its scopes allow, not only what the client needs.

**How to fix.** Issue the client tokens with the listed scopes only. If it
needs the others for calls the traffic window did not show, document those
operations and their scopes.
`,
		},
		{
			ID:        RuleInventoryLongLivedToken,
			Title:     "Client uses tokens that live too long or never expire",
			Severity:  rules.SeverityMedium,
			OWASP:     "API2:2023",
			CWE:       []string{"CWE-613"},
			Precision: rules.PrecisionHigh,
			Help: `**Long-lived token.** A JWT the client sent lives longer (` + "`exp - iat`" + `) than
the policy allows, or has no ` + "`exp`" + ` at all. Agents may hold tokens for 24
hours by default (` + "`inventory.agent-max-token-lifetime`" + ` in ` + "`.specter.yaml`" + `); other
clients are checked only when ` + "`inventory.max-token-lifetime`" + ` is set.

**Why it matters.** Agents keep tokens in tool runtimes, logs and prompts;
the longer a stolen token lives, the longer it works for whoever holds it.

**How to fix.** Issue short-lived tokens (with refresh or token exchange)
and declare the lifetime in the spec (` + "`x-token-ttl`" + ` on the scheme).
`,
		},
		{
			ID:        RuleInventoryAgentBurst,
			Title:     "Agent's calls per minute far above its own median",
			Severity:  rules.SeverityLow,
			OWASP:     "API4:2023",
			CWE:       []string{"CWE-770"},
			Precision: rules.PrecisionLow,
			Help: `**Agent burst.** In its busiest minute a client marked as an agent called at
least ten times as often as in its median active minute (and at least 30
times, over at least ten active minutes; ` + "`inventory.burst-factor`" + ` in
` + "`.specter.yaml`" + `). It is a hint for runtime review, not proof of abuse.

**Why it matters.** An agent in a loop, retrying, or steered by an injected
prompt, fires calls at a volume that looks like normal automation in
aggregate dashboards.

**How to fix.** Look at what the agent did in that minute; enforce rate
limits per client (and declare them with 429 responses), and make retried
writes idempotent.
`,
		},
		{
			ID:        RuleInventorySharedCredential,
			Title:     "One token or API key used by several callers",
			Severity:  rules.SeverityMedium,
			OWASP:     "API2:2023",
			CWE:       []string{"CWE-522"},
			Precision: rules.PrecisionMedium,
			Help: `**Shared credential.** One token or API key was sent with several user
agents, or from three or more source hosts. The credential is known by a
hash and a short redacted prefix (` + "`sk_live_…`" + `); it is never printed.

**Why it matters.** A credential pasted into scripts, notebooks and agent
configs cannot be revoked without breaking all of them, its calls cannot
be told apart, and one leak exposes everything it grants.

**How to fix.** Give each client (each agent, each service) its own
credential, and rotate the shared one.
`,
		},
	}
}
