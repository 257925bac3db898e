package rules

// Transport, CORS and error handling (OWASP API8:2023).
const (
	RuleLintServerHTTP             = "lint/server-http"
	RuleLintCORSWildcardCredential = "lint/cors-wildcard-with-credentials"
	RuleLintErrorDebugFields       = "lint/error-debug-fields"
	RuleLintMarkdownScript         = "lint/markdown-script"
	RuleLintTokenResponseCacheable = "lint/token-response-cacheable"
)

func transportRules() []Rule {
	const api8 = "API8:2023"
	return []Rule{
		{
			ID: RuleLintServerHTTP, Title: "Server URL uses plain http",
			Severity: SeverityMedium, OWASP: api8, CWE: []string{"CWE-319"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"A server URL (or a Swagger 2.0 `schemes` entry) is `http://`. Credentials, tokens and data cross the network in clear text and can be read or changed on the way. Loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`) are exempt; server variables are read with their default values.",
				"Serve the API over https only and list only https servers.",
				"servers:\n  - url: https://api.example.com/v1"),
		},
		{
			ID: RuleLintCORSWildcardCredential, Title: "CORS allows any origin with credentials",
			Severity: SeverityHigh, OWASP: api8, CWE: []string{"CWE-942"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"A response declares `Access-Control-Allow-Origin: *` (as its example, default, `const` or an `enum` value) together with `Access-Control-Allow-Credentials: true`. Browsers refuse that literal pair, so servers that mean it reflect the caller's `Origin` instead: any web site can then make credentialed requests and read the answers with the user's cookies.",
				"Allow credentials only for an explicit list of trusted origins, and never reflect arbitrary origins.",
				"headers:\n  Access-Control-Allow-Origin:\n    schema: {type: string, enum: ['https://app.example.com']}\n  Access-Control-Allow-Credentials:\n    schema: {type: boolean, enum: [true]}"),
		},
		{
			ID: RuleLintErrorDebugFields, Title: "Error response exposes stack traces or debug data",
			Severity: SeverityLow, OWASP: api8, CWE: []string{"CWE-209"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A 4xx, 5xx or default response schema has a `stack`, `stacktrace`, `backtrace`, `exception` or `debug` property. Stack traces and debug details reveal code paths, library versions, queries and file paths to attackers. Correlation ids (`trace_id`, `request_id`) are fine.",
				"Return a problem document (RFC 9457) with a type, title and correlation id; keep stack traces in server logs.",
				"Problem:\n  type: object\n  properties:\n    type: {type: string, format: uri}\n    title: {type: string, maxLength: 200}\n    trace_id: {type: string, maxLength: 64}"),
		},
		{
			ID: RuleLintMarkdownScript, Title: "Script or eval in a markdown description",
			Severity: SeverityMedium, OWASP: api8, CWE: []string{"CWE-79"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"A `description`, `summary` or `title` holds a `<script` tag or an `eval(` call outside code spans. Documentation portals render these fields as HTML; a script there runs in the browser of everyone who reads the documentation, often on a domain that holds their session.",
				"Remove the script. To document one, put it in a code span or a fenced code block.",
				"description: |\n  Embed the widget with `<script src=\"https://cdn.example.com/w.js\"></script>`."),
		},
		{
			ID: RuleLintTokenResponseCacheable, Title: "Token response without Cache-Control: no-store",
			Severity: SeverityInfo, OWASP: api8, CWE: []string{"CWE-524"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A successful response returns an access or refresh token (a token endpoint, or a body with `access_token`/`refresh_token`) and does not declare `Cache-Control: no-store`. RFC 6749 §5.1 requires it: otherwise shared caches and browsers may store the token.",
				"Declare a `Cache-Control` header whose schema, example or description says `no-store`, and send it.",
				"headers:\n  Cache-Control:\n    schema: {type: string, enum: [no-store]}"),
		},
	}
}
