package security

import "github.com/specterhq/specter/rules"

// Rule ids of the security oracles (family fuzz/): the checks that need
// credentials, payloads or several identities. RuleMassAssignment is also
// reported by the account checks (fuzz/internal/accounts), when a sign-up
// or self-update binds a server-owned field: they import it from here, the
// package of the oracle that owns the rule.
const (
	RuleAuthNotEnforced    = "fuzz/auth-not-enforced"
	RuleTokenTampering     = "fuzz/token-tampering-accepted"
	RuleWeakJWTSecret      = "fuzz/weak-jwt-secret"
	RuleErrorLeak          = "fuzz/error-leak"
	RuleVersionDisclosure  = "fuzz/version-disclosure"
	RuleSQLInjection       = "fuzz/sql-injection"
	RulePathTraversal      = "fuzz/path-traversal"
	RuleReflectedXSS       = "fuzz/reflected-xss"
	RuleCommandInjection   = "fuzz/command-injection"
	RuleTemplateInjection  = "fuzz/template-injection"
	RuleTimeBasedInjection = "fuzz/time-based-injection"
	RuleCORSCredentials    = "fuzz/cors-reflected-origin-with-credentials"
	RuleNoAuthRateLimit    = "fuzz/no-auth-rate-limit"
	RuleUserEnumeration    = "fuzz/user-enumeration"
	RuleLatencyOutlier     = "fuzz/latency-outlier"
	RuleSecretInResponse   = "fuzz/secret-in-response"
	RulePIIInResponse      = "fuzz/pii-in-response"
	RuleBOLA               = "fuzz/bola"
	RuleBFLA               = "fuzz/bfla"

	RuleMassAssignment     = "fuzz/mass-assignment"
	RuleInconsistentAuthz  = "fuzz/inconsistent-authorization"
	RuleAuthAfterLookup    = "fuzz/auth-after-lookup"
	RuleSSRF               = "fuzz/ssrf"
	RuleReDoS              = "fuzz/redos"
	RuleCORSOriginBypass   = "fuzz/cors-origin-bypass"
	RuleOTPNoRateLimit     = "fuzz/otp-no-rate-limit"
	RuleNoSQLInjection     = "fuzz/nosql-injection"
	RuleInternalEndpoint   = "fuzz/internal-endpoint-exposed"
	RuleResetCodeLeak      = "fuzz/reset-secret-in-response"
	RuleUndocumentedMethod = "fuzz/undocumented-method"
	RuleOpenRedirect       = "fuzz/open-redirect"
	RuleLongLivedToken     = "fuzz/long-lived-token"
)

// rule writes a security rule's help in the one style they share: why it
// matters, how to fix, a compliant example.
func rule(id, title string, sev rules.Severity, owasp string, cwe []string, precision rules.Precision, why, fix, example string) rules.Rule {
	return rules.Rule{
		ID: id, Title: title, Severity: sev, OWASP: owasp, CWE: cwe, Precision: precision,
		Help: "**Why it matters.** " + why + "\n\n**How to fix.** " + fix + "\n\nCompliant example:\n\n" + example + "\n",
	}
}

// Rules are the metadata of the rules the security oracles report;
// package fuzz joins them with the conformance oracles' and the account
// checks' for the catalog.
func Rules() []rules.Rule {
	return []rules.Rule{
		rule(RuleAuthNotEnforced, "Secured operation answers without valid credentials",
			rules.SeverityCritical, "API2:2023", []string{"CWE-306", "CWE-287"}, rules.PrecisionHigh,
			"The operation declares a security requirement, yet it answered 2xx to a request sent with no credentials or with invalid ones (a garbage bearer token, a wrong API key). Anyone who can reach the API can call it.",
			"Enforce authentication in a middleware that runs before every handler the spec marks as secured, and fail closed: a missing or unverifiable credential gets `401` with `WWW-Authenticate`. Test the unauthenticated path in CI.",
			"    GET /orders/42            (no Authorization header)\n    HTTP/1.1 401 Unauthorized\n    WWW-Authenticate: Bearer realm=\"api\""),
		rule(RuleTokenTampering, "Forged or expired JWT accepted",
			rules.SeverityCritical, "API2:2023", []string{"CWE-347", "CWE-345"}, rules.PrecisionHigh,
			"The operation accepted a JWT that a correct verifier rejects: `alg` set to `none`, the signature removed or altered, or `exp` in the past. Whoever holds any token, or none, can mint tokens for any user and any role.",
			"Verify tokens with a maintained library, pin the accepted algorithms (`algorithms=[\"RS256\"]`), never take the algorithm from the token header, require and check `exp` (and `nbf`, `aud`, `iss`), and reject tokens with an empty signature.",
			"    jwt.decode(token, public_key, algorithms=[\"RS256\"], audience=\"orders-api\",\n               options={\"require\": [\"exp\", \"iat\"]})"),
		rule(RuleWeakJWTSecret, "JWT signed with a guessable secret",
			rules.SeverityCritical, "API2:2023", []string{"CWE-1391", "CWE-798"}, rules.PrecisionVeryHigh,
			"A HS256/384/512 token seen during the run verifies against a dictionary of default and common secrets (checked offline, without extra requests). Anyone can sign tokens for any user with the same secret.",
			"Rotate the secret now and invalidate issued tokens. Use a random secret of at least 256 bits from a secret store, or switch to an asymmetric algorithm (RS256, ES256, EdDSA) so the API only holds the public key.",
			"    JWT_SECRET=$(openssl rand -base64 48)   # from the secret store, never a default"),
		rule(RuleErrorLeak, "Error response leaks internals",
			rules.SeverityMedium, "API8:2023", []string{"CWE-209", "CWE-497"}, rules.PrecisionHigh,
			"A response body carries a stack trace, a database error message, a framework debug page or a server file-system path that a harmless request to the same operation did not show. It tells an attacker the stack, the code layout and often the query that failed.",
			"Catch errors at the edge and answer with a generic problem document (RFC 9457) and a correlation id; log the details server-side. Turn off debug modes (`DEBUG=False`, `server.error.include-stacktrace=never`, `app.UseDeveloperExceptionPage()` only in development).",
			"    HTTP/1.1 500 Internal Server Error\n    Content-Type: application/problem+json\n\n    {\"type\": \"about:blank\", \"title\": \"Internal error\", \"status\": 500, \"correlation_id\": \"4f1c…\"}"),
		rule(RuleVersionDisclosure, "Response headers disclose product versions",
			rules.SeverityLow, "API8:2023", []string{"CWE-200"}, rules.PrecisionVeryHigh,
			"`Server`, `X-Powered-By`, `X-AspNet-Version` or a similar header names a product and its version, which lets an attacker pick known exploits without probing.",
			"Remove the headers or strip the version: `server_tokens off;` (nginx), `ServerTokens Prod` (Apache), `app.disable('x-powered-by')` (Express), `<httpRuntime enableVersionHeader=\"false\"/>` (ASP.NET).",
			"    Server: nginx"),
		rule(RuleInternalEndpoint, "Management, debug or source-control endpoint reachable without credentials",
			rules.SeverityHigh, "API8:2023", []string{"CWE-215", "CWE-538", "CWE-200"}, rules.PrecisionVeryHigh,
			"The deployment answers, to anyone, a path that frameworks and web servers expose when misconfigured: Spring Boot Actuator's sensitive endpoints (`env`, `heapdump`, `configprops`, `mappings`, `shutdown`…), a deployed `.env`, `.git/config` or `.aws/credentials`, Go's `/debug/pprof/` and `/debug/vars`, the Werkzeug debugger console, Apache's `server-status`, `phpinfo()`, Laravel Ignition, ELMAH, a Java `web.xml`. They hand out secrets, memory, source code and sometimes code execution, and none of them is in the spec, so no spec review sees them. The fuzzer asks for each once, at the end of the run, without credentials and relative to the target's base URL, and reports only a 200 whose body has the content's own signature (the Actuator's `_links` naming a sensitive endpoint, `propertySources`, `[core]` with `repositoryformatversion`, `KEY=value` lines…); a front end that answers every path with its page, or an error page that quotes the path, is not a finding. Heavy endpoints (a heap dump) are never requested. Values in the answer that look like secrets are masked in the evidence.",
			"Expose management endpoints on a separate port or behind authentication (`management.server.port`, `management.endpoints.web.exposure.include=health,info`), never deploy `.env`, `.git` or credentials files into the web root (build the image from an allow-list), turn debug servers off in production (`FLASK_DEBUG=0`, `APP_DEBUG=false`, no `net/http/pprof` import on the public listener), and block the paths at the gateway.",
			"    # application.properties\n    management.endpoints.web.exposure.include=health,info\n    management.server.port=9001   # not routed from the internet"),
		rule(RuleResetCodeLeak, "Password reset answer hands out the reset code, token or link",
			rules.SeverityCritical, "API2:2023", []string{"CWE-640", "CWE-200"}, rules.PrecisionHigh,
			"Asked to start a password reset for an account (the run's own spare account), the operation answered with the secret it should only have sent to the account's owner: the one-time code (`\"otp\": \"4821\"`, \"your code is 4821\"), the reset token or the reset link. Whoever can name an account, an e-mail address found anywhere, can reset its password and take it over. The fuzzer sends one reset request per reset operation at the end of the run, for its own account only, and reports a code-named member holding 4 to 8 digits (a bare `code` only as a string: APIs number their statuses), a token-named member of 16 characters or more, a link carrying a token, or a code quoted in a message, that the request did not send. The secret is masked in the evidence.",
			"Send the code or link only through the channel that proves ownership (the account's e-mail or phone) and answer the request with the same neutral message whether or not the account exists. Store only a hash of the token, make it single-use and short-lived, and limit the attempts at the operation that takes it.",
			"    POST /auth/forgot-password {\"email\": \"alice@example.com\"}\n    HTTP/1.1 202 Accepted\n\n    {\"message\": \"If the account exists, we sent it a link.\"}"),
		rule(RuleUndocumentedMethod, "Undocumented method routed on a documented path",
			rules.SeverityMedium, "API9:2023", []string{"CWE-1059", "CWE-749"}, rules.PrecisionMedium,
			"The target routes a method the spec does not document on one of its paths (`DELETE /notes/{id}` where only GET and PUT are documented): a shadow operation that a generated CRUD controller, a REST resource or a viewset added on its own. Nobody reviewed its authorization, and clients that trust the spec do not know it exists. At the end of the run the fuzzer asks each path, as the default identity, for the methods it lacks: GET with the values the documented operations used, DELETE, PUT, PATCH and POST only at an id that cannot exist (on paths ending in a parameter), so they touch nothing. A method counts as routed when it answers 2xx (not an HTML page), the lookup's 404, 409 or 410, or a validation 400 or 422, in a shape that is neither the framework's answer to a path no route matches nor its answer to the same method at such a path; 401, 403, 405 and 501 never count. At most 40 requests.",
			"Remove the routes the API does not mean to offer (`http_method_names` on a Django view, `only:` on a Rails resource, `@RequestMapping(method=…)`), or document them in the spec with their security so that they are reviewed and tested; answer other methods with `405` and an `Allow` header.",
			"    # urls.py: the viewset offers only what the spec documents\n    class NoteViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet): ..."),
		rule(RuleOpenRedirect, "Redirect to any site the link names",
			rules.SeverityMedium, "API8:2023", []string{"CWE-601"}, rules.PrecisionVeryHigh,
			"A GET operation takes where to send the browser next from a query parameter (`next`, `redirect_uri`, `returnTo`, `continue`, `goto`…) and answers a 3xx whose `Location` is whatever host the link names. A link on the API's own domain then lands on an attacker's page: the phishing step of a login or OAuth flow, and with `redirect_uri` the theft of authorization codes. The fuzzer replays the operation's answered GET with the parameter set to `https://specter-redirect.invalid/landing`, then to `//specter-redirect.invalid/landing` (protocol-relative, which \"starts with /\" checks let through), and reports a `Location` on that host (backslashes read as browsers read them); a Location that only quotes it in a path or a query is not a finding.",
			"Redirect only to paths of your own site (parse the value, refuse a scheme, a host or a leading `//` or `/\\`) or to an allow-list of exact URLs; for OAuth, compare `redirect_uri` with the registered ones exactly.",
			"    u, err := url.Parse(next)\n    if err != nil || u.IsAbs() || u.Host != \"\" || !strings.HasPrefix(u.Path, \"/\") || strings.HasPrefix(next, \"//\") {\n        next = \"/\"\n    }"),
		rule(RuleLongLivedToken, "Login hands out JWTs that never expire or live for months",
			rules.SeverityMedium, "API2:2023", []string{"CWE-613"}, rules.PrecisionVeryHigh,
			"A login or token operation answered with a JWT that has no `exp` claim, or whose `exp` is more than 90 days after its `iat` (or after the answer, without `iat`). A token leaks in many ways (a proxy or application log, a browser's storage, a CI variable, an agent's MCP config) and, bearer as it is, works for whoever holds it until it expires; without revocation lists, which JWT APIs rarely keep, nothing else ends it. The fuzzer reads the tokens its own logins receive (body or `Set-Cookie`) and sends nothing for this check.",
			"Issue short-lived access tokens (minutes to hours: `jwt.sign(claims, key, { expiresIn: '15m' })`, `ACCESS_TOKEN_EXPIRE_MINUTES = 15`) with a refresh token that is stored server-side, rotated on use and revocable; reject tokens without `exp` in the verifier.",
			"    {\"sub\": \"42\", \"iat\": 1767225600, \"exp\": 1767226500}   # 15 minutes"),
		rule(RuleSQLInjection, "SQL error after an injection payload",
			rules.SeverityHigh, "API8:2023", []string{"CWE-89"}, rules.PrecisionHigh,
			"A request whose parameter held a SQL metacharacter payload (a lone quote) made the server answer with a database error that the same operation without the payload did not produce: the input reaches a SQL statement unparameterised.",
			"Use parameterised queries or an ORM's bound parameters for every value; never build SQL by concatenation. Validate input against the documented schema and hide database errors from clients.",
			"    db.QueryContext(ctx, \"SELECT * FROM users WHERE name = $1\", name)"),
		rule(RulePathTraversal, "Path traversal payload returned a system file",
			rules.SeverityCritical, "API8:2023", []string{"CWE-22"}, rules.PrecisionVeryHigh,
			"A parameter holding a traversal payload (`../../etc/passwd`) made the server return the content of that file (`root:x:0:0:`). The API reads arbitrary files with its own privileges.",
			"Never build file paths from request values. Map ids to files server-side, or resolve the path and check it stays under the intended directory (`filepath.Rel`, `os.Root`/`openat2` with `RESOLVE_BENEATH`).",
			"    root, _ := os.OpenRoot(\"/srv/reports\")\n    f, err := root.Open(name) // fails for ../../etc/passwd"),
		rule(RuleReflectedXSS, "Payload reflected unescaped into HTML",
			rules.SeverityMedium, "API8:2023", []string{"CWE-79"}, rules.PrecisionHigh,
			"An active-content payload sent in a parameter came back verbatim in a response served as HTML (or without a content type, which browsers sniff). A link to the API runs script in the victim's browser on the API's origin. JSON responses that echo input are not reported.",
			"Serve API responses as `application/json` with `X-Content-Type-Options: nosniff`; when HTML is rendered, escape by context with the template engine's auto-escaping.",
			"    Content-Type: application/json\n    X-Content-Type-Options: nosniff"),
		rule(RuleCommandInjection, "OS command payload executed",
			rules.SeverityCritical, "API8:2023", []string{"CWE-78"}, rules.PrecisionVeryHigh,
			"A parameter holding a shell payload (`;id;`, `$(cat /etc/passwd)`) made the server answer with the command's output (`uid=33(www-data) gid=…`, `root:x:0:0:`) that the same request without the payload did not show. Anyone can run commands on the server.",
			"Never pass request values to a shell. Call programs directly with an argument list, validate values against an allow-list, and run the service with least privilege.",
			"    exec.CommandContext(ctx, \"/usr/bin/convert\", \"--\", in, out) // no sh -c, values after --"),
		rule(RuleTemplateInjection, "Template payload evaluated by the server",
			rules.SeverityHigh, "API8:2023", []string{"CWE-1336", "CWE-94"}, rules.PrecisionVeryHigh,
			"A parameter holding a template expression (`{{7*7}}specter`) came back evaluated (`49specter`): request values are rendered as templates, which in most engines leads to code execution.",
			"Pass request values to templates as data, never as template source; use sandboxed engines for user-authored templates.",
			"    tmpl.Execute(w, map[string]string{\"name\": name}) // name is data, not template text"),
		rule(RuleTimeBasedInjection, "Time-based injection payload delayed the answer",
			rules.SeverityHigh, "API8:2023", []string{"CWE-89", "CWE-78"}, rules.PrecisionMedium,
			"A sleep payload (`' AND SLEEP(5)--`, `; sleep 5`) made the operation answer at least the requested delay slower than its usual time, twice, while the same request without the payload stayed fast: the input is executed by a database or a shell. Only sent with --time-based.",
			"Parameterise queries, never pass request values to a shell (`exec.Command(name, args...)` without `sh -c`), and validate input against the documented schema.",
			"    exec.CommandContext(ctx, \"convert\", inputPath, outputPath) // no shell"),
		rule(RuleCORSCredentials, "Arbitrary Origin reflected with credentials allowed",
			rules.SeverityHigh, "API8:2023", []string{"CWE-942", "CWE-346"}, rules.PrecisionVeryHigh,
			"The API answered a request from an origin it cannot know (`https://specter-probe.invalid`) with `Access-Control-Allow-Origin` set to that origin and `Access-Control-Allow-Credentials: true`. Any web page can call the API with the visitor's cookies and read the answers.",
			"Allow-list the exact origins of your front ends; never echo the `Origin` header. Only send `Access-Control-Allow-Credentials: true` to allow-listed origins, and add `Vary: Origin`.",
			"    Access-Control-Allow-Origin: https://app.example.com\n    Access-Control-Allow-Credentials: true\n    Vary: Origin"),
		rule(RuleNoAuthRateLimit, "No rate limiting on an authentication operation",
			rules.SeverityMedium, "API4:2023", []string{"CWE-307", "CWE-770"}, rules.PrecisionMedium,
			"A bounded burst of failed logins (30 by default) to an authentication operation got no `429` and no lockout: passwords, OTPs and reset codes can be brute-forced.",
			"Limit attempts per account and per client (a token bucket keyed by user and by IP), answer `429` with `Retry-After`, add exponential back-off or a CAPTCHA after repeated failures, and alert on spikes.",
			"    HTTP/1.1 429 Too Many Requests\n    Retry-After: 60"),
		rule(RuleUserEnumeration, "Login or password reset tells unknown users from known ones",
			rules.SeverityMedium, "API2:2023", []string{"CWE-204", "CWE-203"}, rules.PrecisionMedium,
			"For an unknown user and for a known user with a wrong password, the operation answered differently (status, message, or body shape), consistently over repeats. An attacker can list valid accounts and focus guessing on them.",
			"Answer both cases identically: same status, same body (\"invalid username or password\"), same headers; for password resets always answer \"if the account exists, we sent an e-mail\". Keep response times similar (hash a dummy password for unknown users).",
			"    HTTP/1.1 401 Unauthorized\n    {\"error\": \"invalid username or password\"}"),
		rule(RuleLatencyOutlier, "Input makes an operation answer far slower than usual",
			rules.SeverityMedium, "API4:2023", []string{"CWE-400", "CWE-1333"}, rules.PrecisionMedium,
			"One input made the operation answer many times slower than its median, and did so again when repeated: a regular expression with catastrophic backtracking (ReDoS), an unbounded query or loop. A few such requests tie up the service.",
			"Bound the work per request: limit input lengths in the schema (`maxLength`, `maxItems`), use linear-time regular expressions (RE2, Go's regexp), paginate, and set timeouts on queries.",
			"    name:\n      type: string\n      maxLength: 64\n      pattern: '^[a-z0-9-]+$'"),
		rule(RuleSecretInResponse, "Credential in a response body",
			rules.SeverityHigh, "API3:2023", []string{"CWE-200", "CWE-522"}, rules.PrecisionMedium,
			"A response holds a value the secret scanner recognises as a credential (a provider key, a password or secret field with a literal value) that the request did not send. API clients, logs and caches now hold it.",
			"Never serialise credential fields: use response DTOs listing the fields to expose, mark secrets write-only (`writeOnly: true` in the schema) and store only hashes of passwords.",
			"    password:\n      type: string\n      writeOnly: true"),
		rule(RulePIIInResponse, "Personal data in a response body",
			rules.SeverityMedium, "API3:2023", []string{"CWE-359"}, rules.PrecisionMedium,
			"A response holds a payment card number (Luhn-valid) or a national identifier (US SSN) that the request did not send: data that should be masked or never leave the service.",
			"Return only what the client needs: mask card numbers (`**** 4242`), keep identifiers server-side, and list exposed fields explicitly in response schemas.",
			"    {\"card\": {\"brand\": \"visa\", \"last4\": \"4242\"}}"),
		rule(RuleBOLA, "Another identity can read or change an object",
			rules.SeverityHigh, "API1:2023", []string{"CWE-639", "CWE-284"}, rules.PrecisionMedium,
			"An object created by one identity was read, changed or deleted with 2xx by a second identity that does not own it. Any user can reach any other user's data by changing an id.",
			"Check object ownership in every handler that takes an id (`WHERE id = $1 AND owner_id = $2`), answer `404` for objects the caller may not see, and prefer unguessable ids as defence in depth, not as the control.",
			"    SELECT * FROM orders WHERE id = $1 AND owner_id = $2   -- 404 when no row"),
		rule(RuleBFLA, "Low-privilege identity can call a privileged operation",
			rules.SeverityHigh, "API5:2023", []string{"CWE-285"}, rules.PrecisionMedium,
			"An operation for administrators (an admin path, tag or scope) answered 2xx to the identity declared as low-privilege, as it did to the privileged identity.",
			"Deny by default: check the caller's role or scope in a policy layer that every privileged route goes through, and test each privileged operation with a low-privilege token in CI.",
			"    r.With(requireScope(\"admin\")).Delete(\"/users/{id}\", deleteUser)"),
		rule(RuleMassAssignment, "Server-owned field accepted from the client",
			rules.SeverityHigh, "API3:2023", []string{"CWE-915"}, rules.PrecisionHigh,
			"A create or update sent a field the server owns (a `readOnly` or undocumented member such as `status`, `verified`, `balance`, `owner_id`, a reset code) next to the documented ones, and reading the object or the account back showed the client's value: the API binds request bodies straight onto its models.",
			"Bind requests to input models that list only what a client may set (Pydantic models without `extra=allow`, DTOs instead of entities, `@JsonIgnoreProperties`, strong parameters), set server-owned fields in code, and mark them `readOnly` in the spec.",
			"    class OrderCreate(BaseModel):          # no status, no price: the server sets them\n        model_config = ConfigDict(extra=\"forbid\")\n        product_id: int\n        quantity: int = Field(gt=0)"),
		rule(RuleInconsistentAuthz, "Sibling operations disagree on who may touch a resource",
			rules.SeverityHigh, "API1:2023", []string{"CWE-863", "CWE-285"}, rules.PrecisionMedium,
			"One operation on a resource refused an identity with 403 while a sibling write on the same resource (another method on the same path, or a write next to it) let the same identity through. The check exists, so the resource is meant to be protected, but it was forgotten on one route.",
			"Put the authorization check where every route of the resource goes through it (a dependency, a policy, a router middleware) instead of in each handler, and test every method of a resource with a foreign identity.",
			"    router = APIRouter(dependencies=[Depends(require_owner)])   # every /orders/{id} route"),
		rule(RuleAuthAfterLookup, "Destructive operation checks the caller after the lookup, or not at all",
			rules.SeverityMedium, "API5:2023", []string{"CWE-862", "CWE-285"}, rules.PrecisionMedium,
			"Called at an id that cannot exist, without credentials or as an ordinary user, a destructive operation answered something other than 401 or 403 (usually 404): it looked the object up before deciding whether the caller may act, or it never decides. With an existing id the same call would have changed or deleted it.",
			"Authenticate and authorize before touching the data: a caller without credentials gets 401, a caller without the role gets 403, whether or not the object exists.",
			"    @router.delete(\"/menu/{id}\", dependencies=[Depends(require_role(\"chef\"))])"),
		rule(RuleSSRF, "Server fetches a URL the client chose",
			rules.SeverityHigh, "API7:2023", []string{"CWE-918"}, rules.PrecisionVeryHigh,
			"A URL-valued field (`url`, `image_url`, `callback`, `webhook`, `format: uri`) was given a canary URL on a listener the fuzzer opened, and the server fetched it (or echoed the canary's content). An attacker can make the server reach internal services and cloud metadata endpoints.",
			"Fetch only from an allow-list of hosts, resolve the name and refuse private, loopback and link-local addresses (after redirects too), or take the file itself instead of a URL.",
			"    if urlparse(u).hostname not in ALLOWED_IMAGE_HOSTS: raise HTTPException(422)"),
		rule(RuleReDoS, "Regular expression backtracks catastrophically on crafted input",
			rules.SeverityMedium, "API4:2023", []string{"CWE-1333", "CWE-400"}, rules.PrecisionMedium,
			"A field validated by a regular expression (`pattern`, an e-mail or phone check) got inputs built to make a backtracking engine explore every split of an ambiguous group, and the answer time grew steeply with the input's length against the operation's own baseline. A few such requests keep a worker busy for seconds each.",
			"Rewrite the expression without nested or overlapping quantifiers, bound the input length before matching, or use a linear-time engine (RE2, Go's regexp, Rust's regex, `re2` bindings).",
			"    EMAIL = re.compile(r\"^[^@\\s]{1,64}@[^@\\s]{1,255}$\")   # and len(value) <= 320 first"),
		rule(RuleCORSOriginBypass, "CORS allow-list lets a crafted origin through with credentials",
			rules.SeverityHigh, "API8:2023", []string{"CWE-942", "CWE-346"}, rules.PrecisionVeryHigh,
			"The API answers a fixed origin as it should, yet a crafted origin that only resembles an allowed one (`https://allowed.example.attacker.example`, `https://evilallowed.example`, `null`) was allowed with `Access-Control-Allow-Credentials: true`: the allow-list is matched by prefix, suffix or an unanchored regular expression. A page on the attacker's origin can read the user's data.",
			"Compare the Origin header with a list of exact origins, or anchor the regular expression (`^https://([a-z0-9-]+\\.)?example\\.com$`, `fullmatch`), and never allow `null`.",
			"    ALLOWED = {\"https://app.example.com\", \"https://admin.example.com\"}"),
		rule(RuleOTPNoRateLimit, "One-time code can be guessed: no limit on wrong tries",
			rules.SeverityHigh, "API2:2023", []string{"CWE-307", "CWE-799"}, rules.PrecisionMedium,
			"An operation that checks a short code (a one-time password, a PIN, a password-reset or verification code) took a burst of wrong codes for one account without a 429, a lockout or a delay. A 4- or 6-digit code falls to a script in minutes, and with it the account.",
			"Limit wrong tries per account and per code (for example 5, then invalidate the code), add a delay, expire codes quickly, and use long codes or links for resets.",
			"    if attempts[account] >= 5: invalidate(code); raise HTTPException(429)"),
		rule(RuleNoSQLInjection, "Operator object accepted in place of a value",
			rules.SeverityHigh, "API8:2023", []string{"CWE-943"}, rules.PrecisionHigh,
			"A JSON member documented as a plain value was sent an operator object (`{\"$ne\": null}`, `{\"$gt\": \"\"}`) and the operation answered 2xx with data, where the same request with an ordinary wrong value was refused: the value reaches a document-database query as an operator.",
			"Validate types before querying (a string must be a string), cast values (`String(code)`), or use a query builder that never interprets client values as operators (`mongo-sanitize`, `$eq`).",
			"    coupon = db.coupons.find_one({\"code\": {\"$eq\": str(body.code)}})"),
	}
}
