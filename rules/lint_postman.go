package rules

// Postman collections: transport and placement of credentials. Literal
// credentials in collections are the secrets scanner's findings
// (secrets/postman-auth-credential, secrets/credential-header,
// secrets/credential-query-parameter); these rules report where and how
// credentials travel, whatever their value.
const (
	RuleLintPostmanCredentialsHTTP = "lint/postman-credentials-over-http"
	RuleLintPostmanAPIKeyInQuery   = "lint/postman-api-key-in-query"
	RuleLintPostmanHTTPTokenURL    = "lint/postman-http-token-url"
)

func postmanLintRules() []Rule {
	return []Rule{
		{
			ID: RuleLintPostmanCredentialsHTTP, Title: "Postman request sends credentials over plain http",
			Severity: SeverityHigh, OWASP: "API2:2023", CWE: []string{"CWE-319", "CWE-522"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"A request whose resolved URL is `http://` on a non-loopback host carries credentials: basic, digest, bearer, API key, OAuth or another auth block (own or inherited), or an `Authorization`, API key or `Cookie` header. Anyone on the path reads them; basic auth sends the password itself. Literal credential values are also reported by the secret scanner (`secrets/postman-auth-credential`, `secrets/credential-header`).",
				"Use https URLs (in the `{{baseUrl}}` variable too).",
				"\"url\": {\"raw\": \"https://{{host}}/v1/orders\"}"),
		},
		{
			ID: RuleLintPostmanAPIKeyInQuery, Title: "Postman request puts an API key in the query string",
			Severity: SeverityMedium, OWASP: "API2:2023", CWE: []string{"CWE-598"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"An `apikey` auth block adds the key to the query string (`in: query`), or the URL has a credential-named query parameter (`api_key`, `token`, `access_token`…), even as a `{{variable}}`. Query strings are logged by servers, proxies and browsers. The secret scanner reports literal values (`secrets/credential-query-parameter`); this rule reports the placement.",
				"Send the key in a header (`in: header`), or use a bearer token.",
				"\"auth\": {\"type\": \"apikey\", \"apikey\": [{\"key\": \"in\", \"value\": \"header\"}, {\"key\": \"key\", \"value\": \"X-API-Key\"}, {\"key\": \"value\", \"value\": \"{{apiKey}}\"}]}"),
		},
		{
			ID: RuleLintPostmanHTTPTokenURL, Title: "Postman OAuth token or authorization URL over plain http",
			Severity: SeverityHigh, OWASP: "API2:2023", CWE: []string{"CWE-319"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"An OAuth 2.0 auth block's `accessTokenUrl`, `authUrl` or `refreshTokenUrl` (or an OAuth 1.0 token URL) is `http://` on a non-loopback host. Client secrets, authorization codes, passwords and the issued tokens cross the network in clear text.",
				"Use the identity provider's https endpoints.",
				"{\"key\": \"accessTokenUrl\", \"value\": \"https://auth.example.com/oauth/token\"}"),
		},
	}
}
