package rules

// Governance (OWASP API9:2023 Improper Inventory Management): what a spec
// must declare so that the API can be inventoried and retired.
const (
	RuleLintNoOwner             = "lint/no-owner"
	RuleLintServerEnvironment   = "lint/server-environment-undeclared"
	RuleLintAudienceUndeclared  = "lint/audience-undeclared"
	RuleLintDeprecatedNoSunset  = "lint/deprecated-without-sunset"
	RuleLintNonProductionServer = "lint/non-production-server"
	RuleLintAmbiguousPaths      = "lint/ambiguous-paths"
)

func governanceRules() []Rule {
	const api9 = "API9:2023"
	return []Rule{
		{
			ID: RuleLintNoOwner, Title: "API without an owner",
			Severity: SeverityLow, OWASP: api9, Precision: PrecisionHigh,
			Help: lintHelp(
				"Neither `info` nor the document declares `x-owner` (or `x-team`), and not every operation does. Unowned APIs are the ones nobody patches, rotates credentials for or retires: they become zombie endpoints.",
				"Declare the owning team in `info.x-owner` (operations may override it).",
				"info:\n  title: Orders\n  version: '2.1'\n  x-owner: team-payments"),
		},
		{
			ID: RuleLintServerEnvironment, Title: "Server without a declared environment",
			Severity: SeverityInfo, OWASP: api9, Precision: PrecisionHigh,
			Help: lintHelp(
				"A server has no `x-environment` and its description names no environment (production, staging, sandbox, test, development, local…). Inventories built from the document cannot tell production endpoints from the rest.",
				"Set `x-environment` on each server, or name the environment in its description.",
				"servers:\n  - url: https://api.example.com\n    x-environment: production"),
		},
		{
			ID: RuleLintAudienceUndeclared, Title: "API without a declared audience",
			Severity: SeverityInfo, OWASP: api9, Precision: PrecisionHigh,
			Help: lintHelp(
				"The document does not say who may call the API: no `x-api-audience`, no `x-audience` with an audience value (`public`, `partner`, `internal`, Zalando's `company-internal`, `external-public`…; a URL there is the token audience the agent rules read), and no `x-internal` on the document or a server. Whether the API is public, partner-only or internal decides how it must be exposed and reviewed; without it, internal APIs end up on public gateways.",
				"Set `info.x-api-audience` (or `info.x-audience`) to `public`, `partner` or `internal`, or `x-internal` on servers.",
				"info:\n  x-audience: internal"),
		},
		{
			ID: RuleLintDeprecatedNoSunset, Title: "Deprecated operation without a sunset",
			Severity: SeverityLow, OWASP: api9, Precision: PrecisionHigh,
			Help: lintHelp(
				"An operation is `deprecated: true` but declares no `x-sunset` date and no `Sunset` response header (RFC 8594). Deprecated endpoints without a removal date stay up forever, unmaintained, with their old bugs.",
				"Declare when it goes away: `x-sunset` (an RFC 3339 date) on the operation, and the `Sunset` header on its responses.",
				"get:\n  deprecated: true\n  x-sunset: '2027-06-30'"),
		},
		{
			ID: RuleLintNonProductionServer, Title: "Non-production server in a production document",
			Severity: SeverityLow, OWASP: api9, Precision: PrecisionHigh,
			Help: lintHelp(
				"The document says it describes production (`info.x-environment: production`) but lists a server that is loopback, `*.local`, or named or marked staging, test, development, QA, UAT or sandbox. Clients pick it up, and the non-production host, usually less protected and holding copies of real data, becomes part of the public surface.",
				"Publish one document per environment, or keep non-production servers out of the production document.",
				"info:\n  x-environment: production\nservers:\n  - url: https://api.example.com"),
		},
		{
			ID: RuleLintAmbiguousPaths, Title: "Ambiguous path templates",
			Severity: SeverityLow, OWASP: api9, Precision: PrecisionHigh,
			Help: lintHelp(
				"Two paths differ only in the names of their template parameters (`/users/{id}` and `/users/{name}`). Which one a request reaches depends on the router, so security declared on one may silently apply to the other's requests. A literal segment next to a template (`/users/me` and `/users/{id}`) is not ambiguous.",
				"Merge the paths, or make them differ by a literal segment.",
				"/users/{user_id}:\n  get: {}\n/users/by-name/{name}:\n  get: {}"),
		},
	}
}
