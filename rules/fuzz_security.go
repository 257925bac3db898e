package rules

// Rule ids of the fuzzer's security oracles (family fuzz/). The conformance
// oracles' rules live next to the engine's; these are the ones that need
// credentials, payloads or several identities.
const (
	RuleFuzzAuthNotEnforced    = "fuzz/auth-not-enforced"
	RuleFuzzTokenTampering     = "fuzz/token-tampering-accepted"
	RuleFuzzWeakJWTSecret      = "fuzz/weak-jwt-secret"
	RuleFuzzErrorLeak          = "fuzz/error-leak"
	RuleFuzzVersionDisclosure  = "fuzz/version-disclosure"
	RuleFuzzSQLInjection       = "fuzz/sql-injection"
	RuleFuzzPathTraversal      = "fuzz/path-traversal"
	RuleFuzzReflectedXSS       = "fuzz/reflected-xss"
	RuleFuzzCommandInjection   = "fuzz/command-injection"
	RuleFuzzTemplateInjection  = "fuzz/template-injection"
	RuleFuzzTimeBasedInjection = "fuzz/time-based-injection"
	RuleFuzzCORSCredentials    = "fuzz/cors-reflected-origin-with-credentials"
	RuleFuzzNoAuthRateLimit    = "fuzz/no-auth-rate-limit"
	RuleFuzzUserEnumeration    = "fuzz/user-enumeration"
	RuleFuzzLatencyOutlier     = "fuzz/latency-outlier"
	RuleFuzzSecretInResponse   = "fuzz/secret-in-response"
	RuleFuzzPIIInResponse      = "fuzz/pii-in-response"
	RuleFuzzBOLA               = "fuzz/bola"
	RuleFuzzBFLA               = "fuzz/bfla"

	RuleFuzzMassAssignment      = "fuzz/mass-assignment"
	RuleFuzzPrivilegeEscalation = "fuzz/privilege-escalation"
	RuleFuzzInconsistentAuthz   = "fuzz/inconsistent-authorization"
	RuleFuzzAuthAfterLookup     = "fuzz/auth-after-lookup"
	RuleFuzzSSRF                = "fuzz/ssrf"
	RuleFuzzReDoS               = "fuzz/redos"
	RuleFuzzCORSOriginBypass    = "fuzz/cors-origin-bypass"
	RuleFuzzOTPNoRateLimit      = "fuzz/otp-no-rate-limit"
	RuleFuzzNoSQLInjection      = "fuzz/nosql-injection"
)

func fuzzRule(id, title string, sev Severity, owasp string, cwe []string, precision Precision, why, fix, example string) Rule {
	return Rule{
		ID: id, Title: title, Severity: sev, OWASP: owasp, CWE: cwe, Precision: precision,
		Help: "**Why it matters.** " + why + "\n\n**How to fix.** " + fix + "\n\nCompliant example:\n\n" + example + "\n",
	}
}

// fuzzSecurityRules are the rules of the fuzzer's security oracles.
// FuzzSecurityRules are the security oracles' rules (see FuzzRules for why
// they are here).
func FuzzSecurityRules() []Rule {
	return []Rule{
		fuzzRule(RuleFuzzAuthNotEnforced, "Secured operation answers without valid credentials",
			SeverityCritical, "API2:2023", []string{"CWE-306", "CWE-287"}, PrecisionHigh,
			"The operation declares a security requirement, yet it answered 2xx to a request sent with no credentials or with invalid ones (a garbage bearer token, a wrong API key). Anyone who can reach the API can call it.",
			"Enforce authentication in a middleware that runs before every handler the spec marks as secured, and fail closed: a missing or unverifiable credential gets `401` with `WWW-Authenticate`. Test the unauthenticated path in CI.",
			"    GET /orders/42            (no Authorization header)\n    HTTP/1.1 401 Unauthorized\n    WWW-Authenticate: Bearer realm=\"api\""),
		fuzzRule(RuleFuzzTokenTampering, "Forged or expired JWT accepted",
			SeverityCritical, "API2:2023", []string{"CWE-347", "CWE-345"}, PrecisionHigh,
			"The operation accepted a JWT that a correct verifier rejects: `alg` set to `none`, the signature removed or altered, or `exp` in the past. Whoever holds any token, or none, can mint tokens for any user and any role.",
			"Verify tokens with a maintained library, pin the accepted algorithms (`algorithms=[\"RS256\"]`), never take the algorithm from the token header, require and check `exp` (and `nbf`, `aud`, `iss`), and reject tokens with an empty signature.",
			"    jwt.decode(token, public_key, algorithms=[\"RS256\"], audience=\"orders-api\",\n               options={\"require\": [\"exp\", \"iat\"]})"),
		fuzzRule(RuleFuzzWeakJWTSecret, "JWT signed with a guessable secret",
			SeverityCritical, "API2:2023", []string{"CWE-1391", "CWE-798"}, PrecisionVeryHigh,
			"A HS256/384/512 token seen during the run verifies against a dictionary of default and common secrets (checked offline, without extra requests). Anyone can sign tokens for any user with the same secret.",
			"Rotate the secret now and invalidate issued tokens. Use a random secret of at least 256 bits from a secret store, or switch to an asymmetric algorithm (RS256, ES256, EdDSA) so the API only holds the public key.",
			"    JWT_SECRET=$(openssl rand -base64 48)   # from the secret store, never a default"),
		fuzzRule(RuleFuzzErrorLeak, "Error response leaks internals",
			SeverityMedium, "API8:2023", []string{"CWE-209", "CWE-497"}, PrecisionHigh,
			"A response body carries a stack trace, a database error message, a framework debug page or a server file-system path that a harmless request to the same operation did not show. It tells an attacker the stack, the code layout and often the query that failed.",
			"Catch errors at the edge and answer with a generic problem document (RFC 9457) and a correlation id; log the details server-side. Turn off debug modes (`DEBUG=False`, `server.error.include-stacktrace=never`, `app.UseDeveloperExceptionPage()` only in development).",
			"    HTTP/1.1 500 Internal Server Error\n    Content-Type: application/problem+json\n\n    {\"type\": \"about:blank\", \"title\": \"Internal error\", \"status\": 500, \"correlation_id\": \"4f1c…\"}"),
		fuzzRule(RuleFuzzVersionDisclosure, "Response headers disclose product versions",
			SeverityLow, "API8:2023", []string{"CWE-200"}, PrecisionVeryHigh,
			"`Server`, `X-Powered-By`, `X-AspNet-Version` or a similar header names a product and its version, which lets an attacker pick known exploits without probing.",
			"Remove the headers or strip the version: `server_tokens off;` (nginx), `ServerTokens Prod` (Apache), `app.disable('x-powered-by')` (Express), `<httpRuntime enableVersionHeader=\"false\"/>` (ASP.NET).",
			"    Server: nginx"),
		fuzzRule(RuleFuzzSQLInjection, "SQL error after an injection payload",
			SeverityHigh, "API8:2023", []string{"CWE-89"}, PrecisionHigh,
			"A request whose parameter held a SQL metacharacter payload (a lone quote) made the server answer with a database error that the same operation without the payload did not produce: the input reaches a SQL statement unparameterised.",
			"Use parameterised queries or an ORM's bound parameters for every value; never build SQL by concatenation. Validate input against the documented schema and hide database errors from clients.",
			"    db.QueryContext(ctx, \"SELECT * FROM users WHERE name = $1\", name)"),
		fuzzRule(RuleFuzzPathTraversal, "Path traversal payload returned a system file",
			SeverityCritical, "API8:2023", []string{"CWE-22"}, PrecisionVeryHigh,
			"A parameter holding a traversal payload (`../../etc/passwd`) made the server return the content of that file (`root:x:0:0:`). The API reads arbitrary files with its own privileges.",
			"Never build file paths from request values. Map ids to files server-side, or resolve the path and check it stays under the intended directory (`filepath.Rel`, `os.Root`/`openat2` with `RESOLVE_BENEATH`).",
			"    root, _ := os.OpenRoot(\"/srv/reports\")\n    f, err := root.Open(name) // fails for ../../etc/passwd"),
		fuzzRule(RuleFuzzReflectedXSS, "Payload reflected unescaped into HTML",
			SeverityMedium, "API8:2023", []string{"CWE-79"}, PrecisionHigh,
			"An active-content payload sent in a parameter came back verbatim in a response served as HTML (or without a content type, which browsers sniff). A link to the API runs script in the victim's browser on the API's origin. JSON responses that echo input are not reported.",
			"Serve API responses as `application/json` with `X-Content-Type-Options: nosniff`; when HTML is rendered, escape by context with the template engine's auto-escaping.",
			"    Content-Type: application/json\n    X-Content-Type-Options: nosniff"),
		fuzzRule(RuleFuzzCommandInjection, "OS command payload executed",
			SeverityCritical, "API8:2023", []string{"CWE-78"}, PrecisionVeryHigh,
			"A parameter holding a shell payload (`;id;`, `$(cat /etc/passwd)`) made the server answer with the command's output (`uid=33(www-data) gid=…`, `root:x:0:0:`) that the same request without the payload did not show. Anyone can run commands on the server.",
			"Never pass request values to a shell. Call programs directly with an argument list, validate values against an allow-list, and run the service with least privilege.",
			"    exec.CommandContext(ctx, \"/usr/bin/convert\", \"--\", in, out) // no sh -c, values after --"),
		fuzzRule(RuleFuzzTemplateInjection, "Template payload evaluated by the server",
			SeverityHigh, "API8:2023", []string{"CWE-1336", "CWE-94"}, PrecisionVeryHigh,
			"A parameter holding a template expression (`{{7*7}}specter`) came back evaluated (`49specter`): request values are rendered as templates, which in most engines leads to code execution.",
			"Pass request values to templates as data, never as template source; use sandboxed engines for user-authored templates.",
			"    tmpl.Execute(w, map[string]string{\"name\": name}) // name is data, not template text"),
		fuzzRule(RuleFuzzTimeBasedInjection, "Time-based injection payload delayed the answer",
			SeverityHigh, "API8:2023", []string{"CWE-89", "CWE-78"}, PrecisionMedium,
			"A sleep payload (`' AND SLEEP(5)--`, `; sleep 5`) made the operation answer at least the requested delay slower than its usual time, twice, while the same request without the payload stayed fast: the input is executed by a database or a shell. Only sent with --time-based.",
			"Parameterise queries, never pass request values to a shell (`exec.Command(name, args...)` without `sh -c`), and validate input against the documented schema.",
			"    exec.CommandContext(ctx, \"convert\", inputPath, outputPath) // no shell"),
		fuzzRule(RuleFuzzCORSCredentials, "Arbitrary Origin reflected with credentials allowed",
			SeverityHigh, "API8:2023", []string{"CWE-942", "CWE-346"}, PrecisionVeryHigh,
			"The API answered a request from an origin it cannot know (`https://specter-probe.invalid`) with `Access-Control-Allow-Origin` set to that origin and `Access-Control-Allow-Credentials: true`. Any web page can call the API with the visitor's cookies and read the answers.",
			"Allow-list the exact origins of your front ends; never echo the `Origin` header. Only send `Access-Control-Allow-Credentials: true` to allow-listed origins, and add `Vary: Origin`.",
			"    Access-Control-Allow-Origin: https://app.example.com\n    Access-Control-Allow-Credentials: true\n    Vary: Origin"),
		fuzzRule(RuleFuzzNoAuthRateLimit, "No rate limiting on an authentication operation",
			SeverityMedium, "API4:2023", []string{"CWE-307", "CWE-770"}, PrecisionMedium,
			"A bounded burst of failed logins (30 by default) to an authentication operation got no `429` and no lockout: passwords, OTPs and reset codes can be brute-forced.",
			"Limit attempts per account and per client (a token bucket keyed by user and by IP), answer `429` with `Retry-After`, add exponential back-off or a CAPTCHA after repeated failures, and alert on spikes.",
			"    HTTP/1.1 429 Too Many Requests\n    Retry-After: 60"),
		fuzzRule(RuleFuzzUserEnumeration, "Login or password reset tells unknown users from known ones",
			SeverityMedium, "API2:2023", []string{"CWE-204", "CWE-203"}, PrecisionMedium,
			"For an unknown user and for a known user with a wrong password, the operation answered differently (status, message, or body shape), consistently over repeats. An attacker can list valid accounts and focus guessing on them.",
			"Answer both cases identically: same status, same body (\"invalid username or password\"), same headers; for password resets always answer \"if the account exists, we sent an e-mail\". Keep response times similar (hash a dummy password for unknown users).",
			"    HTTP/1.1 401 Unauthorized\n    {\"error\": \"invalid username or password\"}"),
		fuzzRule(RuleFuzzLatencyOutlier, "Input makes an operation answer far slower than usual",
			SeverityMedium, "API4:2023", []string{"CWE-400", "CWE-1333"}, PrecisionMedium,
			"One input made the operation answer many times slower than its median, and did so again when repeated: a regular expression with catastrophic backtracking (ReDoS), an unbounded query or loop. A few such requests tie up the service.",
			"Bound the work per request: limit input lengths in the schema (`maxLength`, `maxItems`), use linear-time regular expressions (RE2, Go's regexp), paginate, and set timeouts on queries.",
			"    name:\n      type: string\n      maxLength: 64\n      pattern: '^[a-z0-9-]+$'"),
		fuzzRule(RuleFuzzSecretInResponse, "Credential in a response body",
			SeverityHigh, "API3:2023", []string{"CWE-200", "CWE-522"}, PrecisionMedium,
			"A response holds a value the secret scanner recognises as a credential (a provider key, a password or secret field with a literal value) that the request did not send. API clients, logs and caches now hold it.",
			"Never serialise credential fields: use response DTOs listing the fields to expose, mark secrets write-only (`writeOnly: true` in the schema) and store only hashes of passwords.",
			"    password:\n      type: string\n      writeOnly: true"),
		fuzzRule(RuleFuzzPIIInResponse, "Personal data in a response body",
			SeverityMedium, "API3:2023", []string{"CWE-359"}, PrecisionMedium,
			"A response holds a payment card number (Luhn-valid) or a national identifier (US SSN) that the request did not send: data that should be masked or never leave the service.",
			"Return only what the client needs: mask card numbers (`**** 4242`), keep identifiers server-side, and list exposed fields explicitly in response schemas.",
			"    {\"card\": {\"brand\": \"visa\", \"last4\": \"4242\"}}"),
		fuzzRule(RuleFuzzBOLA, "Another identity can read or change an object",
			SeverityHigh, "API1:2023", []string{"CWE-639", "CWE-284"}, PrecisionMedium,
			"An object created by one identity was read, changed or deleted with 2xx by a second identity that does not own it. Any user can reach any other user's data by changing an id.",
			"Check object ownership in every handler that takes an id (`WHERE id = $1 AND owner_id = $2`), answer `404` for objects the caller may not see, and prefer unguessable ids as defence in depth, not as the control.",
			"    SELECT * FROM orders WHERE id = $1 AND owner_id = $2   -- 404 when no row"),
		fuzzRule(RuleFuzzBFLA, "Low-privilege identity can call a privileged operation",
			SeverityHigh, "API5:2023", []string{"CWE-285"}, PrecisionMedium,
			"An operation for administrators (an admin path, tag or scope) answered 2xx to the identity declared as low-privilege, as it did to the privileged identity.",
			"Deny by default: check the caller's role or scope in a policy layer that every privileged route goes through, and test each privileged operation with a low-privilege token in CI.",
			"    r.With(requireScope(\"admin\")).Delete(\"/users/{id}\", deleteUser)"),
		fuzzRule(RuleFuzzMassAssignment, "Server-owned field accepted from the client",
			SeverityHigh, "API3:2023", []string{"CWE-915"}, PrecisionHigh,
			"A create or update sent a field the server owns (a `readOnly` or undocumented member such as `status`, `verified`, `balance`, `owner_id`, a reset code) next to the documented ones, and reading the object or the account back showed the client's value: the API binds request bodies straight onto its models.",
			"Bind requests to input models that list only what a client may set (Pydantic models without `extra=allow`, DTOs instead of entities, `@JsonIgnoreProperties`, strong parameters), set server-owned fields in code, and mark them `readOnly` in the spec.",
			"    class OrderCreate(BaseModel):          # no status, no price: the server sets them\n        model_config = ConfigDict(extra=\"forbid\")\n        product_id: int\n        quantity: int = Field(gt=0)"),
		fuzzRule(RuleFuzzPrivilegeEscalation, "Client-chosen role or admin flag honoured",
			SeverityCritical, "API5:2023", []string{"CWE-269", "CWE-915"}, PrecisionHigh,
			"A fresh account sent a role or admin flag (`admin: true`, `role: admin`, a higher enum member) on sign-up or on an update of itself, and the API's own view of the account then showed it, while an ordinary account's did not. Anyone can sign up or update themselves into an administrator.",
			"Never take roles, permissions or admin flags from the request that creates or updates an account; grant them through a separate administrative operation that checks the caller's own role first, and ignore (or reject) unknown members.",
			"    def register(data: UserCreate):          # UserCreate has no role and no admin\n        user = User(**data.model_dump(), role=Role.CUSTOMER)"),
		fuzzRule(RuleFuzzInconsistentAuthz, "Sibling operations disagree on who may touch a resource",
			SeverityHigh, "API1:2023", []string{"CWE-863", "CWE-285"}, PrecisionMedium,
			"One operation on a resource refused an identity with 403 while a sibling write on the same resource (another method on the same path, or a write next to it) let the same identity through. The check exists, so the resource is meant to be protected, but it was forgotten on one route.",
			"Put the authorization check where every route of the resource goes through it (a dependency, a policy, a router middleware) instead of in each handler, and test every method of a resource with a foreign identity.",
			"    router = APIRouter(dependencies=[Depends(require_owner)])   # every /orders/{id} route"),
		fuzzRule(RuleFuzzAuthAfterLookup, "Destructive operation checks the caller after the lookup, or not at all",
			SeverityMedium, "API5:2023", []string{"CWE-862", "CWE-285"}, PrecisionMedium,
			"Called at an id that cannot exist, without credentials or as an ordinary user, a destructive operation answered something other than 401 or 403 (usually 404): it looked the object up before deciding whether the caller may act, or it never decides. With an existing id the same call would have changed or deleted it.",
			"Authenticate and authorize before touching the data: a caller without credentials gets 401, a caller without the role gets 403, whether or not the object exists.",
			"    @router.delete(\"/menu/{id}\", dependencies=[Depends(require_role(\"chef\"))])"),
		fuzzRule(RuleFuzzSSRF, "Server fetches a URL the client chose",
			SeverityHigh, "API7:2023", []string{"CWE-918"}, PrecisionVeryHigh,
			"A URL-valued field (`url`, `image_url`, `callback`, `webhook`, `format: uri`) was given a canary URL on a listener the fuzzer opened, and the server fetched it (or echoed the canary's content). An attacker can make the server reach internal services and cloud metadata endpoints.",
			"Fetch only from an allow-list of hosts, resolve the name and refuse private, loopback and link-local addresses (after redirects too), or take the file itself instead of a URL.",
			"    if urlparse(u).hostname not in ALLOWED_IMAGE_HOSTS: raise HTTPException(422)"),
		fuzzRule(RuleFuzzReDoS, "Regular expression backtracks catastrophically on crafted input",
			SeverityMedium, "API4:2023", []string{"CWE-1333", "CWE-400"}, PrecisionMedium,
			"A field validated by a regular expression (`pattern`, an e-mail or phone check) got inputs built to make a backtracking engine explore every split of an ambiguous group, and the answer time grew steeply with the input's length against the operation's own baseline. A few such requests keep a worker busy for seconds each.",
			"Rewrite the expression without nested or overlapping quantifiers, bound the input length before matching, or use a linear-time engine (RE2, Go's regexp, Rust's regex, `re2` bindings).",
			"    EMAIL = re.compile(r\"^[^@\\s]{1,64}@[^@\\s]{1,255}$\")   # and len(value) <= 320 first"),
		fuzzRule(RuleFuzzCORSOriginBypass, "CORS allow-list lets a crafted origin through with credentials",
			SeverityHigh, "API8:2023", []string{"CWE-942", "CWE-346"}, PrecisionVeryHigh,
			"The API answers a fixed origin as it should, yet a crafted origin that only resembles an allowed one (`https://allowed.example.attacker.example`, `https://evilallowed.example`, `null`) was allowed with `Access-Control-Allow-Credentials: true`: the allow-list is matched by prefix, suffix or an unanchored regular expression. A page on the attacker's origin can read the user's data.",
			"Compare the Origin header with a list of exact origins, or anchor the regular expression (`^https://([a-z0-9-]+\\.)?example\\.com$`, `fullmatch`), and never allow `null`.",
			"    ALLOWED = {\"https://app.example.com\", \"https://admin.example.com\"}"),
		fuzzRule(RuleFuzzOTPNoRateLimit, "One-time code can be guessed: no limit on wrong tries",
			SeverityHigh, "API2:2023", []string{"CWE-307", "CWE-799"}, PrecisionMedium,
			"An operation that checks a short code (a one-time password, a PIN, a password-reset or verification code) took a burst of wrong codes for one account without a 429, a lockout or a delay. A 4- or 6-digit code falls to a script in minutes, and with it the account.",
			"Limit wrong tries per account and per code (for example 5, then invalidate the code), add a delay, expire codes quickly, and use long codes or links for resets.",
			"    if attempts[account] >= 5: invalidate(code); raise HTTPException(429)"),
		fuzzRule(RuleFuzzNoSQLInjection, "Operator object accepted in place of a value",
			SeverityHigh, "API8:2023", []string{"CWE-943"}, PrecisionHigh,
			"A JSON member documented as a plain value was sent an operator object (`{\"$ne\": null}`, `{\"$gt\": \"\"}`) and the operation answered 2xx with data, where the same request with an ordinary wrong value was refused: the value reaches a document-database query as an operator.",
			"Validate types before querying (a string must be a string), cast values (`String(code)`), or use a query builder that never interprets client values as operators (`mongo-sanitize`, `$eq`).",
			"    coupon = db.coupons.find_one({\"code\": {\"$eq\": str(body.code)}})"),
	}
}
