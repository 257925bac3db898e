package versions

import "github.com/specterhq/specter/rules"

// RuleOlderVersion is the rule reported when an older version of a
// documented operation still answers.
const RuleOlderVersion = "fuzz/older-api-version-served"

// Rules are the metadata of the rules this package owns.
func Rules() []rules.Rule {
	return []rules.Rule{{
		ID:        RuleOlderVersion,
		Title:     "Undocumented older API version still served",
		Severity:  rules.SeverityMedium,
		OWASP:     "API9:2023",
		CWE:       []string{"CWE-1059", "CWE-672"},
		Precision: rules.PrecisionMedium,
		Help: "**Why it matters.** The spec documents an operation at one version (`/api/v3/check-otp`), and the target still answers the same request at an older one (`/api/v2/check-otp`) that the spec no longer lists. Old versions keep the flaws the new one fixed (no rate limit, no authentication, weaker validation), nobody reviews or monitors them, and attackers try them first: crAPI's one-time-code brute force and vAPI's API9 challenge both go through the older version.\n\n" +
			"The fuzzer sends the operation's example request to the two versions below the documented one and to a control version no deployment has (`v999`). It reports an older version only when it answers 2xx, 401, 403 or 422 (a handler refusing the example), or another status the operation documents (never 400, 404, 405, 410, 501 or a proxy's 502 and up), and neither the control nor a path no route matches answers the same status, content type and body shape; an HTML page where the operation answers JSON is a front end's fallback and does not count. Every confirmed older version is then fuzzed with the security checks as an operation of its own (its findings name the older path); the spec-conformance checks leave it alone, since the spec does not describe it.\n\n" +
			"**How to fix.** Retire the old version: remove its routes, or answer 410 Gone from the gateway. If it must stay for a while, document it (`deprecated: true` and a `Sunset` header), keep it behind the same authentication, rate limits and validation as the new one, and inventory it with `specter inventory`.\n\n" +
			"Compliant example:\n\n" +
			"    # the gateway answers every retired version before it reaches the app\n    location ~ ^/api/v[12]/ { return 410; }\n",
	}}
}
