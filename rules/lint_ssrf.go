package rules

// SSRF and unsafe consumption of APIs (OWASP API7:2023, API10:2023).
const (
	RuleLintURLInput            = "lint/url-input"
	RuleLintRedirectParameter   = "lint/redirect-parameter"
	RuleLintCallbackUnauthentic = "lint/callback-without-signature"
	RuleLintCallbackHTTP        = "lint/callback-http"
)

func ssrfRules() []Rule {
	return []Rule{
		{
			ID: RuleLintURLInput, Title: "Input accepts a URL the server may fetch",
			Severity: SeverityInfo, OWASP: "API7:2023", CWE: []string{"CWE-918"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A request parameter or body property takes a URL (`format: uri`/`url`/`iri`, or a name ending in `url`, `uri`, `href`, `callback` or `webhook`). If the server fetches it, an attacker can make the server reach internal hosts and cloud metadata endpoints. URLs in responses are not inputs and are not reported.",
				"Fetch only allow-listed hosts and schemes, resolve and check the address before connecting (no private, loopback or link-local ranges), and disable redirects. Say so in the description and mark the check reviewed with `x-specter-ignore` and a reason.",
				"avatar_url:\n  type: string\n  format: uri\n  maxLength: 2048\n  pattern: '^https://'\n  description: Fetched only from allow-listed image hosts."),
		},
		{
			ID: RuleLintRedirectParameter, Title: "Redirect target taken from the request",
			Severity: SeverityLow, OWASP: "API7:2023", CWE: []string{"CWE-601"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A query parameter or body property names where to send the user next (`redirect_uri`, `redirect`, `return_to`, `returnUrl`, `goto`; `next` and `continue` only when they hold a URL). Unless the server checks it against registered values, the API is an open redirect, the first step of phishing and OAuth code theft.",
				"Match redirect targets exactly against values registered in advance, or accept an opaque key that maps to one.",
				"- name: return_to\n  in: query\n  schema:\n    type: string\n    enum: [dashboard, settings]"),
		},
		{
			ID: RuleLintCallbackUnauthentic, Title: "Callback or webhook without authentication or signature",
			Severity: SeverityLow, OWASP: "API10:2023", CWE: []string{"CWE-345"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A callback or webhook operation declares no security requirement and no signature header (`X-Signature`, `Webhook-Signature`, `X-Hub-Signature-256`, …). Receivers cannot tell the API's calls from forged ones, and will act on whatever arrives at their endpoint.",
				"Sign callback requests (HMAC over the body and a timestamp, e.g. Standard Webhooks) and declare the signature header, or declare the security scheme the API uses towards the receiver.",
				"parameters:\n  - name: Webhook-Signature\n    in: header\n    required: true\n    schema: {type: string, maxLength: 512}"),
		},
		{
			ID: RuleLintCallbackHTTP, Title: "Callback or webhook URL over plain http",
			Severity: SeverityMedium, OWASP: "API10:2023", CWE: []string{"CWE-319"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"A callback URL expression, or the example or default of a callback/webhook URL input, is `http://` on a non-loopback host. The API would send event data, and often a signature or token, in clear text.",
				"Require https callback URLs and reject http ones when they are registered.",
				"callbacks:\n  onEvent:\n    'https://{$request.body#/host}/events':\n      post: {}"),
		},
	}
}
