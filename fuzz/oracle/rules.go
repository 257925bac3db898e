package oracle

import "github.com/specterhq/specter/rules"

// Rule ids of the conformance oracles, one per oracle of this package
// (ServerError, UndocumentedStatus, ...).
const (
	RuleServerError            = "fuzz/server-error"
	RuleUndocumentedStatus     = "fuzz/undocumented-status"
	RuleContentTypeMismatch    = "fuzz/content-type-mismatch"
	RuleResponseSchema         = "fuzz/response-schema-mismatch"
	RuleExcessDataExposure     = "fuzz/undocumented-response-property"
	RuleNegativeDataAccepted   = "fuzz/negative-data-accepted"
	RuleValidInputRejected     = "fuzz/valid-input-rejected"
	RuleResponseHeaderMismatch = "fuzz/response-header-mismatch"
	RuleUseAfterDelete         = "fuzz/use-after-delete"
)

const reproduceHelp = `
**Reproduce.** The finding's evidence has the seed, the case number and a
` + "`curl`" + ` command (credentials redacted: put yours back) with an excerpt of
the answer. ` + "`specter fuzz --seed N`" + ` regenerates the same requests.
`

// Rules are the metadata of the rules this package's oracles report (the
// conformance and robustness rules of family fuzz/); package fuzz joins
// them with the security oracles' and the account checks' for the catalog.
func Rules() []rules.Rule {
	return []rules.Rule{
		{
			ID:        RuleServerError,
			Title:     "Server error on a fuzzed request",
			Severity:  rules.SeverityMedium,
			OWASP:     "API8:2023",
			CWE:       []string{"CWE-755"},
			Precision: rules.PrecisionHigh,
			Help: `The operation answered a 5xx status to a request the fuzzer generated:
the server failed on the input instead of validating it.

**Why it matters.** Unhandled inputs are where crashes, data corruption,
denial of service and injection live; 5xx bodies often leak stack traces.

**How to fix.** Validate the input against the documented schema before
using it and answer 4xx with a problem description when it does not fit;
fix the code path the reproducer reaches.
` + reproduceHelp,
		},
		{
			ID:        RuleUndocumentedStatus,
			Title:     "Response status not documented for the operation",
			Severity:  rules.SeverityLow,
			OWASP:     "API9:2023",
			Precision: rules.PrecisionHigh,
			Help: `The operation answered a status code its ` + "`responses`" + ` do not list (and
there is no ` + "`default`" + ` or matching ` + "`4XX`" + `-style range).

**Why it matters.** Clients and gateways generated from the spec do not
handle the status; an undocumented behaviour is an unreviewed one.

**How to fix.** Document the status with its body schema, or change the
implementation to answer a documented one.

    responses:
      "422":
        description: The request body does not satisfy the schema.
` + reproduceHelp,
		},
		{
			ID:        RuleContentTypeMismatch,
			Title:     "Response content type not the documented one",
			Severity:  rules.SeverityLow,
			OWASP:     "API8:2023",
			CWE:       []string{"CWE-436"},
			Precision: rules.PrecisionHigh,
			Help: `The answer's ` + "`Content-Type`" + ` is not among the media types the spec
documents for that status (or is missing while a body is documented).

**Why it matters.** Clients parse by content type; an HTML error page
where JSON is promised breaks them, and a ` + "`text/html`" + ` answer
reflecting input is an XSS vector.

**How to fix.** Set the documented content type on every answer, error
answers included, or document what the operation really returns.
` + reproduceHelp,
		},
		{
			ID:        RuleResponseSchema,
			Title:     "Response body does not match the documented schema",
			Severity:  rules.SeverityMedium,
			OWASP:     "API8:2023",
			CWE:       []string{"CWE-1068"},
			Precision: rules.PrecisionHigh,
			Help: `The answer's body is not valid against the schema the spec documents for
its status and content type (a wrong type, a missing required property, a
value outside an enum, or a body that is not JSON at all).

**Why it matters.** Clients generated from the spec fail on it, and the
spec is what reviews and other scanners trust.

**How to fix.** Make the implementation produce what the spec says, or
correct the schema.
` + reproduceHelp,
		},
		{
			ID:        RuleResponseHeaderMismatch,
			Title:     "Response header missing or not matching its documentation",
			Severity:  rules.SeverityLow,
			OWASP:     "API8:2023",
			CWE:       []string{"CWE-1068"},
			Precision: rules.PrecisionHigh,
			Help: `The answer lacks a header its documented response marks ` + "`required`" + `, or
carries a documented header whose value does not match the header's schema
(a rate-limit counter that is not an integer, a value outside an enum).
Headers are read in the simple style OpenAPI prescribes for them; headers
described with ` + "`content`" + ` and object-valued headers are not judged, and
` + "`Content-Type`" + ` is left to ` + "`fuzz/content-type-mismatch`" + `.

**Why it matters.** Clients and agents act on documented headers: a
missing ` + "`Location`" + ` after a create, a ` + "`Retry-After`" + ` or
` + "`X-RateLimit-Remaining`" + ` they cannot parse makes them retry blindly.

**How to fix.** Send the header as documented on every answer of that
status, or correct the documentation (drop ` + "`required`" + `, widen the schema).
` + reproduceHelp,
		},
		{
			ID:        RuleUseAfterDelete,
			Title:     "Deleted object still readable",
			Severity:  rules.SeverityMedium,
			OWASP:     "API3:2023",
			CWE:       []string{"CWE-672"},
			Precision: rules.PrecisionHigh,
			Help: `A DELETE answered 2xx, and a GET of the same path with the same path
parameters and identity, sent right after, still answered 2xx: the API
says the object is gone but serves it (a soft delete it does not admit, a
stale cache, a delete that only removed an index entry). Only objects the
run created are deleted unless ` + "`--allow-destructive`" + `; the check sends one GET
per DELETE, at most three per operation, and only where the GET needs no
parameter besides the path's.

**Why it matters.** Users and agents that delete data (tokens, personal
data, shared documents) rely on it being gone; data kept readable after a
delete is exposed to anyone who still holds the id, and erasure requests
are not honoured.

**How to fix.** Make the read path honour the deletion (filter soft-deleted
rows, invalidate caches), or answer the DELETE with what really happens
(202 Accepted for an asynchronous delete).
` + reproduceHelp,
		},
		{
			ID:        RuleExcessDataExposure,
			Title:     "Response carries properties the schema does not document",
			Severity:  rules.SeverityMedium,
			OWASP:     "API3:2023",
			CWE:       []string{"CWE-213"},
			Precision: rules.PrecisionMedium,
			Help: `The answer's JSON body has properties that the documented response schema
does not declare (and the schema does not allow additional properties).

**Why it matters.** Excessive data exposure: serialising whole database
objects sends fields (password hashes, internal flags, other users' data)
that nobody reviewed because the spec does not show them.

**How to fix.** Serialise responses through an explicit view with the
documented fields only; if a property is meant to be there, document it.
Set ` + "`additionalProperties: true`" + ` only on objects that are open on purpose.
` + reproduceHelp,
		},
		{
			ID:        RuleNegativeDataAccepted,
			Title:     "Schema-invalid request accepted with 2xx",
			Severity:  rules.SeverityMedium,
			OWASP:     "API8:2023",
			CWE:       []string{"CWE-20"},
			Precision: rules.PrecisionMedium,
			Help: `The fuzzer sent a request that violates the documented request (checked
against the spec before sending: a wrong type, a value out of range, a
missing required field, an undeclared content type, malformed JSON) and
the operation answered 2xx.

**Why it matters.** Input the spec forbids reaches the business logic:
the source of mass assignment, injection and corrupted records.

**How to fix.** Validate requests against the schema at the edge (a
validating middleware generated from the spec) and answer 400 or 422.
` + reproduceHelp,
		},
		{
			ID:        RuleValidInputRejected,
			Title:     "Schema-valid request rejected",
			Severity:  rules.SeverityLow,
			Precision: rules.PrecisionMedium,
			Help: `The fuzzer sent a request that conforms to the documented request and the
operation rejected it with a 4xx other than 401, 403, 404, 409 or 429
(those depend on credentials, data and state, not on the schema).

**Why it matters.** The spec does not say what the server accepts: clients
built from it fail, and the constraints the server really enforces are
undocumented (so nobody reviews them).

**How to fix.** Document the real constraints (pattern, enum, bounds,
required fields) or relax the implementation.
` + reproduceHelp,
		},
	}
}
