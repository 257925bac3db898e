// Package lint is specter's security lint of OpenAPI documents (OAS 2.0,
// 3.0, 3.1, 3.2), Postman collections and MCP tools/list answers: its
// rules. Each rule is a check in its family's file (auth.go, oauth.go,
// scope.go, ...; Checks lists the families) and a folder rules/<name>/
// holding its metadata (rule.yaml), its help (help.md) and its trigger and
// near-miss fixtures; Rules reads the metadata and help, embedded. The
// checks run on the engine (scanners/lint/engine), which indexes each
// document once; New assembles the two.
//
// # Adding a rule
//
//  1. Metadata: a folder rules/<name>/ (the id is lint/<name>) with
//     rule.yaml (id, title, severity, owasp, cwe, precision; every field
//     but cwe required, no other field) and help.md (**Why it matters.**,
//     **How to fix.**, a compliant example in a yaml block). Documentation-
//     grade rules are info; high and critical only for exploitable
//     configurations. Regenerate docs/rules.md with
//     `go generate ./internal/rulesdoc` (its TestRulesDocCurrent fails until
//     you do, in CI too).
//  2. Logic: add an engine.Check to its family's file in this package
//     (<family>.go, a func <family>Checks() []engine.Check listed in Checks
//     in checks.go): {Rule: "lint/<name>", Operation: fn} with the hook(s)
//     it needs: Document, Scheme, Operation, Schema, Text, Collection,
//     Tools, Surface. Read the index
//     (Operation.Security, Scheme.Flows, Schema.Keyword for allOf-merged
//     constraints, Schema.StringBounded/NumberBounded (enum, const and
//     length-implying formats count), Schema.Properties, Schema.Walk (every
//     schema below, each once), Operation.Extension for vendor
//     extensions with path-item and document defaults, Document.Resolve to
//     follow a $ref yourself, Document.Inputs for what clients send,
//     Document.Memo for what a check computes once per document); never
//     walk the tree.
//  3. Report with c.Report(engine.Finding{At: node, Operation: op, Message: ...,
//     Key: ...}). At must be the Node of the key where the problem is
//     written: the scheme entry for a scheme's problem, the `security`
//     member or requirement item for a requirement's, the scope's list item
//     for a scope, the operation Node for what the operation lacks. That
//     node's file, pointer and line are what the report shows and what
//     x-specter-ignore matches (an annotation on an object suppresses the
//     findings at and below its pointer), so inline suppression works on
//     every rule with no further work. Set Key when the rule can report
//     twice at one node (a scope name, an operation for a finding on a
//     shared requirement): it feeds the fingerprint, and findings with the
//     same rule, file, pointer and key are reported once. Evidence must
//     never hold a secret.
//  4. Fixtures: in the same folder rules/<name>/, trigger*.yaml whose
//     offending lines carry `# want: lint/<name>` (one marker per finding;
//     TestRuleFixtures checks the exact lines) and near-miss*.yaml that
//     must not trigger the rule (something close: the compliant variant).
//     A fixture may be a folder for multi-file documents. JSON fixtures
//     (collections) cannot carry comments: put the expected findings in a
//     sidecar <fixture>.want, one `LINE RULE-ID` per line. Swagger 2.0
//     fixtures where the rule applies to 2.0 too.
//
// Postman collections are not OpenAPI documents: a rule about them uses the
// Collection hook, which receives the surface.API ingest built (operations
// with Auth and Request, variables resolved), and reports with
// c.ReportAt(location, engine.Finding{...}) at the locations that model already
// holds (Auth.Location, Auth.ParamLocations, Request.Location). Its fixtures
// are collections in the same rules/<name>/ folders.
//
// TestChecksMatchCatalog fails when a rule has no check or a check no
// rule; TestRulesLoad when a folder's rule.yaml or help.md is missing or
// malformed.
package lint
