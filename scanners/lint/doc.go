// Package lint is specter's security linter for OpenAPI documents (OAS 2.0,
// 3.0, 3.1, 3.2): authentication coverage, OAuth2 flows, scope hygiene,
// agent access and the other families of issue 3.
//
// # How it works
//
// For each OpenAPI document of the surface the engine builds one Document
// (build.go): a single pass over the parse trees (surface.File.Tree) of
// the root file and the files its $refs reach, resolving $refs itself
// (resolve.go) across files, with a visited set so that circular schemas
// are visited once. The Document lists the servers, security schemes and
// their flows and scopes, the document's requirement list, every
// operation (effective security resolved: the operation's own, else the
// document's), its merged parameters, request body and responses, every
// schema (each once, with the usages that reach it) and every
// description/summary/title. Every element carries a Node: the file where
// it is written, its JSON pointer there, and the key node that gives the
// line and column. Nothing reads kin-openapi's model, so `specter lint`
// loads documents with ingest.Options.SkipOpenAPIModel.
//
// Swagger 2.0 documents are indexed into the same shape: securityDefinitions
// become Schemes (type basic is http/basic; flows application and accessCode
// are clientCredentials and authorizationCode), `in: body` parameters a
// RequestBody, a response's `schema` a Media, `schemes`+`host`+`basePath`
// Servers. The Nodes point into the 2.0 source, so every check runs on 2.0
// unchanged and its findings name the 2.0 keys.
//
// Then every Check runs over the index (scanner.go, Scanner.Lint): each
// hook once per element of its kind. No check walks the tree.
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
//  2. Logic: add a Check to its family's file in this package
//     (<family>.go, a func <family>Checks() []Check listed in Checks in
//     checks.go): {Rule: "lint/<name>", Operation: fn} with the hook(s) it
//     needs: Document, Scheme, Operation, Schema, Text, Collection. Read the index
//     (Operation.Security, Scheme.Flows, Schema.Keyword for allOf-merged
//     constraints, Schema.StringBounded/NumberBounded (enum, const and
//     length-implying formats count), Schema.Properties, Schema.Walk (every
//     schema below, each once), Operation.Extension for vendor
//     extensions with path-item and document defaults, Document.Resolve to
//     follow a $ref yourself); never walk the tree.
//  3. Report with c.Report(Finding{At: node, Operation: op, Message: ...,
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
// c.ReportAt(location, Finding{...}) at the locations that model already
// holds (Auth.Location, Auth.ParamLocations, Request.Location). Its fixtures
// are collections in the same rules/<name>/ folders.
//
// The engine's API (Document and its element types, Check, Context,
// Finding) only grows: new hooks or fields, never a changed meaning.
//
// TestChecksMatchCatalog fails when a rule has no check or a check no rule.
package lint
