// Package fuzz is specter's dynamic scanner: it sends schema-driven
// requests to a staging deployment and reports what the answers reveal.
//
// # Layout
//
//   - fuzz/plan: what is sent. A Case is one request (operation, phase,
//     parameters, body, the mutation it carries, the identity to send it
//     as); a Target is an operation bound to its spec or recording.
//   - fuzz/generate: the plan. Phases in order (Postman replay, spec
//     examples, boundary values, random valid values, negative values,
//     injection payloads), round-robin across operations within a phase,
//     every random choice derived from the seed.
//   - fuzz/execute: the safety envelope and the HTTP client. Allowed hosts
//     (loopback and private ranges unless --allow-host; re-checked on every
//     dial), no redirects followed, TLS verified unless --insecure, a
//     per-request timeout that covers the body, capped body reads, one rate
//     limiter for every sender, a request budget, 429/Retry-After pauses,
//     a circuit breaker, credentials applied per identity.
//   - fuzz/oracle: the oracles. Each checks one property of every exchange
//     and reports Verdicts; the engine turns a verdict into a finding.
//   - fuzz/jwt: JWT parsing and forgeries for the token oracles (alg
//     none, kid injection, jku/x5u/jwk key injection, RS/ES-to-HS256
//     confusion), offline secret guessing (dictionary and every numeric
//     key of up to 6 digits), JWKS and discovery parsing. No network.
//   - fuzz/canary: the out-of-band listener, started per run: unguessable
//     URLs (with a marker body or a registered document such as a JWKS)
//     whose fetches by the target are recorded.
//   - fuzz/oracle/security: the security oracles (authorization across
//     identities, injection, SSRF, mass assignment, ReDoS, ...), with the
//     detectors only they use below them: evidence (what a response
//     reveals), latency (slow-input statistics), redos (attack strings
//     derived from a schema's pattern, with the pump-count ladder).
//   - fuzz/internal: what the stages share but is not API: accounts (the
//     run's own sign-ups and logins), jsonpointer, schema (what a spec says
//     about bodies), safety (which requests a run may send) and versions
//     (which older API versions to try, and whether one is served).
//   - internal/testserver: the test servers with planted flaws (staging,
//     securitystaging, and the framework-like flasklike, fastapilike,
//     springlike); their binaries are cmd/specter-staging and
//     cmd/specter-testserver.
//   - fuzz (this package): the Engine that wires them, the ledger of
//     objects the run created (destructive calls only touch those), the
//     finding set (one finding per operation and rule, the reproducer of
//     the lowest case number), the summary, progress, and Scanner, the
//     scanners.Scanner adapter `specter scan --target` runs.
//
// # Adding an oracle
//
//  1. Add its rule(s) beside it: the id constant and the metadata in the
//     emitting package's rules.go (fuzz/oracle/rules.go for conformance,
//     fuzz/oracle/security/rules.go for security; family fuzz/, one rule
//     per property, with help that says why it matters and how to fix
//     it). Rules, in this package, joins them for the catalog.
//  2. Implement oracle.Oracle in fuzz/oracle: Name, Rules, and
//     Check(ctx, obs, env). obs embeds the execute.Exchange (the case, the
//     request as sent with credentials, status, headers, a capped body,
//     duration, transport error) and carries Validity: whether the request
//     conformed to the spec, as checked with openapi3filter before sending.
//     Call env.Report(oracle.Verdict{Rule, Exchange, Message, Key}) for a
//     violation; the engine locates it at the operation in the spec, adds
//     the seed, a curl reproducer with credentials redacted and a response
//     excerpt, and deduplicates per operation, rule and Key.
//  3. Check runs concurrently on every exchange: keep shared state behind a
//     mutex and keep counters, not exchanges (memory must stay flat).
//  4. To send extra requests (a replay without credentials, a tampered
//     token, a burst of logins, a confirmation of a slow answer), build a
//     plan.Case (Clone the observed one and change it) and call
//     env.Send(ctx, c): it goes through the same budget, rate limit and
//     circuit breaker, and its exchange is not shown to other oracles.
//  5. Optional hooks: oracle.Preparer (look at the targets before the run,
//     e.g. to say with env.Note that a check cannot run without
//     credentials), oracle.Extender (take the targets the run adds once it
//     has started: older API versions still served), oracle.Finisher
//     (decide at the end, e.g. latency outliers against a median; it may
//     still Send), oracle.Explorer (a Finisher whose probes look for new
//     problems: skipped when the run stopped on its budget or deadline)
//     and oracle.SpecBound (an oracle that judges answers against the spec
//     is not shown the targets the spec does not describe).
//  6. A check that cannot run says so: env.Note(rule, "why"), printed in
//     the summary, never a guessed finding.
//  7. Register it in DefaultOracles (or pass Config.Oracles) and plant its
//     flaw in internal/testserver/staging with a clean counterpart; the staging test
//     asserts the planted flaw is found and nothing else.
//
// # Identities and credentials
//
// The executor asks an execute.Credentials to decorate every request:
//
//	type Credentials interface {
//		Apply(ctx context.Context, identity string, req *http.Request) error
//	}
//
// identity is plan.Case.Identity: "" is the default identity (the first
// --identity), plan.NoCredentials means "send nothing" and never reaches
// Apply, any other name is a declared identity. Implementations set
// headers, cookies or query parameters for that identity, and must be safe
// for concurrent use. If they also implement execute.Refresher, a 401 makes
// the executor call Refresh(ctx, identity) once and resend the request
// (logins and OAuth2 tokens that expire mid-run). Oracles that compare
// identities (authentication not enforced, BOLA/BFLA) send Clones of a
// case with another Identity through env.Send. Reproducers redact
// credential headers and credential-named query parameters.
//
// # Determinism
//
// The seed (printed in every report and sent as X-Specter-Seed) fixes every
// generated case and its number. Findings keep the exchange with the lowest
// case number, so with a deterministic server two runs with the same seed
// report the same findings and reproducers, whatever the concurrency.
package fuzz
