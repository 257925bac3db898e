package rules

// Inventory rules: the documented surface compared with recorded runtime
// traffic (scanners/inventory).
const (
	RuleInventoryShadow            = "inventory/shadow-endpoint"
	RuleInventoryZombie            = "inventory/zombie-endpoint"
	RuleInventoryOrphan            = "inventory/orphan-endpoint"
	RuleInventoryUnauthenticated2x = "inventory/unauthenticated-2xx"
	RuleInventorySensitiveResponse = "inventory/sensitive-data-in-response"
)

const inventoryOWASP = "API9:2023"

func inventoryRules() []Rule {
	return []Rule{
		{
			ID:        RuleInventoryShadow,
			Title:     "Undocumented endpoint answers in recorded traffic",
			Severity:  SeverityMedium,
			OWASP:     inventoryOWASP,
			CWE:       []string{"CWE-1059"},
			Precision: PrecisionMedium,
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
			Severity:  SeverityMedium,
			OWASP:     inventoryOWASP,
			CWE:       []string{"CWE-1059"},
			Precision: PrecisionHigh,
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
			Severity:  SeverityInfo,
			OWASP:     inventoryOWASP,
			Precision: PrecisionLow,
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
			Severity:  SeverityHigh,
			OWASP:     "API2:2023",
			CWE:       []string{"CWE-306"},
			Precision: PrecisionMedium,
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
			Severity:  SeverityHigh,
			OWASP:     "API3:2023",
			CWE:       []string{"CWE-200"},
			Precision: PrecisionMedium,
			Help: `**Sensitive data from an unmanaged endpoint.** A recorded response of a shadow
or zombie endpoint contains email addresses, payment card numbers (Luhn
valid) or credentials (the secret scanner's detectors). Unmanaged endpoints
rarely get the field filtering their documented successors have.

**How to fix.** Switch the endpoint off or document it and filter its
response to what clients need.
`,
		},
	}
}
