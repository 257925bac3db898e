package rules

// Data exposure and classification (OWASP API3:2023).
const (
	RuleLintPIIUnclassified             = "lint/pii-unclassified"
	RuleLintClassifiedPublicResponse    = "lint/classified-data-public-response"
	RuleLintClassifiedUnscopedResponse  = "lint/classified-data-unscoped-response"
	RuleLintCardVerificationResponse    = "lint/card-verification-in-response"
	RuleLintSecretNotWriteOnly          = "lint/secret-not-write-only"
	RuleLintClassifiedInURL             = "lint/classified-data-in-url"
	RuleLintOpenRequestObject           = "lint/request-object-open"
	RuleLintServerOwnedFieldWritable    = "lint/server-owned-field-writable"
	RuleLintSuccessResponseWithoutShape = "lint/success-response-without-schema"
	RuleLintCredentialLikeExample       = "lint/credential-like-example"
)

func dataExposureRules() []Rule {
	const api3 = "API3:2023"
	return []Rule{
		{
			ID: RuleLintPIIUnclassified, Title: "Personal, card or health data without x-data-classification",
			Severity: SeverityLow, OWASP: api3, CWE: []string{"CWE-359"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A property is named like personal (email, phone, date of birth, address, national id), card (card number, IBAN) or health (diagnosis, medical record number) data but says nothing about it. Without a classification nobody can tell which operations must be scoped, logged carefully or kept out of caches, and the other data rules cannot protect it.",
				"Mark the property (or its schema) with `x-data-classification` set to `pii`, `pci`, `phi`, `secret` or `public` (a list is accepted). `public` records a deliberate decision that the data is not sensitive.",
				"email:\n  type: string\n  format: email\n  x-data-classification: pii"),
		},
		{
			ID: RuleLintClassifiedPublicResponse, Title: "Classified data in the response of an unauthenticated operation",
			Severity: SeverityHigh, OWASP: api3, CWE: []string{"CWE-359"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"A response carries data classified `pii`, `pci`, `phi` or `secret`, and the operation can be called without credentials: it declares no security, `security: []`, or an empty `{}` alternative. Anyone on the network can read the data.",
				"Require authentication on the operation (and a scope that names the data), or remove the classified properties from the response.",
				"security:\n  - oauth2: [customers:read-pii]"),
		},
		{
			ID: RuleLintClassifiedUnscopedResponse, Title: "Classified data in the response of an operation with an unscoped OAuth2 alternative",
			Severity: SeverityMedium, OWASP: api3, CWE: []string{"CWE-359"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A response carries data classified `pii`, `pci`, `phi` or `secret`, and one of the operation's security alternatives is OAuth2 or OpenID Connect with an empty scope list: any token the server accepts, whatever it was issued for, reads the data.",
				"Require a scope that covers the classified data on every OAuth2 alternative.",
				"security:\n  - oauth2: [patients:read]"),
		},
		{
			ID: RuleLintCardVerificationResponse, Title: "Card verification data in a response",
			Severity: SeverityCritical, OWASP: api3, CWE: []string{"CWE-359"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"A response schema has a card verification code (CVV, CVC, CVV2), a PIN or magnetic-stripe track data. PCI DSS forbids storing this data after authorization; an API that returns it either stores it or echoes it, and anyone who can read the response can use the card.",
				"Accept card verification data only in requests and mark it `writeOnly: true`; never return it. Fields that report a verification *result* (`cvc_check: pass`) are fine.",
				"card:\n  type: object\n  properties:\n    cvc:\n      type: string\n      pattern: '^[0-9]{3,4}$'\n      writeOnly: true"),
		},
		{
			ID: RuleLintSecretNotWriteOnly, Title: "Password or private key returned in responses",
			Severity: SeverityMedium, OWASP: api3, CWE: []string{"CWE-200"}, Precision: PrecisionHigh,
			Help: lintHelp(
				"A property named like a password, passphrase or private key appears in a response schema and is not `writeOnly`. Clients choose and send these values; a server that returns them (or their hashes) exposes them to every reader of the response, its logs and caches. Credentials the server issues (an OAuth token response's `access_token`, a webhook signing secret shown once) are not this problem, and neither are flags such as `has_password`.",
				"Mark the property `writeOnly: true`, or use separate request and response schemas and leave it out of the response.",
				"password:\n  type: string\n  format: password\n  maxLength: 128\n  writeOnly: true"),
		},
		{
			ID: RuleLintClassifiedInURL, Title: "Classified data in a query or path parameter",
			Severity: SeverityMedium, OWASP: api3, CWE: []string{"CWE-598"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A query or path parameter is classified `pii`, `pci` or `phi`, or named like such data (`ssn`, `card_number`, `date_of_birth`, `email`). URLs are written to access logs, proxy logs, browser history and `Referer` headers, where the data outlives every retention rule.",
				"Move the value into the request body (a `POST .../search` for lookups) or replace it with an opaque identifier.",
				"post:\n  operationId: searchCustomers\n  requestBody:\n    content:\n      application/json:\n        schema:\n          $ref: '#/components/schemas/CustomerQuery'"),
		},
		{
			ID: RuleLintOpenRequestObject, Title: "Request body object accepts undeclared properties",
			Severity: SeverityLow, OWASP: api3, CWE: []string{"CWE-915"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A request body object with declared `properties` leaves `additionalProperties` absent or `true` (OpenAPI 3.1: and `unevaluatedProperties` is not `false`), or accepts a map of any size. Servers that bind the body onto their model then accept fields the API never meant to expose (`is_admin`, `price`): mass assignment.",
				"Set `additionalProperties: false` on request objects (in OpenAPI 3.1 with `allOf`, `unevaluatedProperties: false` on the composed schema); give maps a `maxProperties`. Response-only schemas are not checked.",
				"CreateUser:\n  type: object\n  additionalProperties: false\n  properties:\n    name: {type: string, maxLength: 100}"),
		},
		{
			ID: RuleLintServerOwnedFieldWritable, Title: "Server-owned field writable in a request",
			Severity: SeverityMedium, OWASP: api3, CWE: []string{"CWE-915"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"A request body reuses a schema that responses also return (the resource model), and a field the server should own in it (`id`, `role`, `is_admin`, `owner_id`, `tenant_id`, `balance` and similar) is not `readOnly`. Servers that bind the request onto the model let a client set it, and take over another object, tenant or privilege. Request-only schemas that list such a field on purpose (an invitation's `role`, a client-chosen `id`) are not reported.",
				"Mark the property `readOnly: true` (it then stays in responses only), or drop it from the request schema.",
				"id:\n  type: string\n  format: uuid\n  readOnly: true"),
		},
		{
			ID: RuleLintSuccessResponseWithoutShape, Title: "Successful response without a schema",
			Severity: SeverityInfo, OWASP: api3, Precision: PrecisionMedium,
			Help: lintHelp(
				"A 2xx response declares a media type without a schema, or a GET's 200 declares no content at all. What the operation returns cannot be reviewed, so over-exposure cannot be ruled out, and no tool can check the implementation against it. 204 and 304 responses are not checked.",
				"Describe the body with a schema listing the properties returned.",
				"'200':\n  content:\n    application/json:\n      schema:\n        $ref: '#/components/schemas/Order'"),
		},
		{
			ID: RuleLintCredentialLikeExample, Title: "Credential-like value in an example or default",
			Severity: SeverityHigh, OWASP: "API8:2023", CWE: []string{"CWE-798"}, Precision: PrecisionMedium,
			Help: lintHelp(
				"An `example`, `examples`, `x-example` or `default` holds a value the secret scanner's detectors recognise as a credential (a provider key, a JWT, a literal in a credential-named field that mixes letters and digits, so that `key: jira-software` is not one). Published API descriptions are public, and a default is sent by generated clients. `specter scan` reports these values under the `secrets/` rule that matched and leaves this rule quiet; this rule is how `specter lint`, which runs without the secret scanner, reports them.",
				"Rotate the credential if it is real, and write a placeholder instead.",
				"api_key:\n  type: string\n  example: <your-api-key>"),
		},
	}
}
