package rules

// Resource limits (OWASP API4:2023). Input rules read request bodies and
// parameters only: a response string without maxLength costs the server
// nothing.
const (
	RuleLintStringUnbounded     = "lint/string-unbounded"
	RuleLintNumberUnbounded     = "lint/number-unbounded"
	RuleLintArrayUnbounded      = "lint/array-unbounded"
	RuleLintPaginationUnbounded = "lint/pagination-unbounded"
	RuleLintUploadUnbounded     = "lint/upload-unbounded"
	RuleLintCatchAllPattern     = "lint/catch-all-pattern"
	RuleLintNo429               = "lint/no-429-response"
	RuleLint429NoRetryAfter     = "lint/429-without-retry-after"
	RuleLintNoRateLimitHeaders  = "lint/no-rate-limit-headers"
)

func resourceLimitRules() []Rule {
	const api4 = "API4:2023"
	return []Rule{
		{
			ID: RuleLintStringUnbounded, Title: "Input string without a length bound",
			Severity: SeverityLow, OWASP: api4, CWE: []string{"CWE-770"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"A string in a request body or a query parameter has no `maxLength` (path segments and headers are bounded by the server's request-line and header limits). Servers that trust the description allocate, store and index whatever arrives. `enum`, `const`, a bounded `pattern` (anchored, no `*` or `+`) and length-implying formats (`uuid`, `date`, `date-time`, `email`, `ipv4`, `ipv6`, …) count as bounds, and constraints merged from `allOf` count.",
				"Add `maxLength` (or an `enum`, or a precise `format`).",
				"name:\n  type: string\n  maxLength: 200"),
		},
		{
			ID: RuleLintNumberUnbounded, Title: "Input number without minimum or maximum",
			Severity: SeverityLow, OWASP: api4, CWE: []string{"CWE-1284"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"An integer or number in a request body or parameter lacks a lower or an upper bound. Negative quantities, huge page sizes and overflowing amounts reach the business logic. Exclusive bounds, `enum` and `const` count, including those merged from `allOf`.",
				"Declare `minimum` and `maximum` (or their exclusive forms).",
				"quantity:\n  type: integer\n  format: int32\n  minimum: 1\n  maximum: 1000"),
		},
		{
			ID: RuleLintArrayUnbounded, Title: "Input array without maxItems",
			Severity: SeverityLow, OWASP: api4, CWE: []string{"CWE-770"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"An array in a request body or parameter has no `maxItems` (neither on itself nor in an `allOf` part), so one request can carry millions of elements that the server parses and processes.",
				"Set `maxItems` to what one request may reasonably hold.",
				"ids:\n  type: array\n  maxItems: 100\n  items: {type: string, format: uuid}"),
		},
		{
			ID: RuleLintPaginationUnbounded, Title: "Page size parameter without a maximum",
			Severity: SeverityMedium, OWASP: api4, CWE: []string{"CWE-770"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"A query parameter that sets a page size (`limit`, `page_size`, `per_page`, `pageSize`, `max_results`, `top`, …) has no `maximum` or `enum`. `?limit=10000000` turns one request into a full table scan and a huge response.",
				"Declare a `maximum` and enforce it server-side.",
				"- name: limit\n  in: query\n  schema:\n    type: integer\n    minimum: 1\n    maximum: 100\n    default: 20"),
		},
		{
			ID: RuleLintUploadUnbounded, Title: "Upload without a size bound",
			Severity: SeverityLow, OWASP: api4, CWE: []string{"CWE-400"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A request body takes a file (`format: binary` or `byte`, `contentEncoding`, `application/octet-stream`, `image/*`, a multipart part) with no `maxLength` and no `x-max-body-size` on the request body or operation. Uploads are the cheapest way to exhaust disk, memory and bandwidth.",
				"Set `maxLength` (bytes) on the file schema, or declare `x-max-body-size` (bytes) on the request body, and enforce it before reading the body.",
				"requestBody:\n  x-max-body-size: 10485760\n  content:\n    application/octet-stream:\n      schema: {type: string, format: binary}"),
		},
		{
			ID: RuleLintCatchAllPattern, Title: "Catch-all pattern",
			Severity: SeverityInfo, OWASP: api4, CWE: []string{"CWE-20"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"A `pattern` such as `.*`, `^.*$` or `[\\s\\S]*` accepts every string, the empty one included: it reads like validation but validates nothing. (`.+` says \"not empty\" and is not reported.)",
				"Write the pattern the values really follow, anchored with `^` and `$`, or drop it and bound the string with `maxLength`.",
				"sku:\n  type: string\n  pattern: '^[A-Z]{3}-[0-9]{6}$'"),
		},
		{
			ID: RuleLintNo429, Title: "Operation declares no 429 response",
			Severity: SeverityInfo, OWASP: api4, CWE: []string{"CWE-770"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"The operation lists no `429 Too Many Requests` (nor a `4XX` range). Clients, generated SDKs and agents do not learn that the API is rate limited or how to back off, and reviewers cannot see that it is.",
				"Declare the 429 response with a `Retry-After` header.",
				"'429':\n  description: Too many requests\n  headers:\n    Retry-After:\n      schema: {type: integer, minimum: 0, maximum: 86400}"),
		},
		{
			ID: RuleLint429NoRetryAfter, Title: "429 response without Retry-After",
			Severity: SeverityLow, OWASP: api4, Precision: PrecisionHigh,
			Help: lintHelp(
				"A 429 response declares no `Retry-After` header (or `RateLimit-Reset`/`X-RateLimit-Reset`), so clients retry immediately and turn throttling into a retry storm.",
				"Declare `Retry-After` on the 429 response (and send it).",
				"'429':\n  description: Too many requests\n  headers:\n    Retry-After:\n      schema: {type: integer, minimum: 0, maximum: 86400}"),
		},
		{
			ID: RuleLintNoRateLimitHeaders, Title: "Operation declares no rate-limit headers",
			Severity: SeverityInfo, OWASP: api4, Precision: PrecisionMedium,
			Help: lintHelp(
				"None of the operation's responses declares a rate-limit header (`RateLimit`, `RateLimit-Policy`, `RateLimit-Limit`, `X-RateLimit-Limit`, `X-Rate-Limit-Limit`), so clients cannot pace themselves. Reported once per operation, not per response; headers written through `$ref` count.",
				"Declare the headers on the successful response.",
				"'200':\n  headers:\n    RateLimit:\n      $ref: '#/components/headers/RateLimit'\n    RateLimit-Policy:\n      $ref: '#/components/headers/RateLimitPolicy'"),
		},
	}
}
