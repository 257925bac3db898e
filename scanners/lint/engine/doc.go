// Package engine is the lint scanner's engine: it indexes each OpenAPI
// document once and runs the lint checks over the index. It holds no rule;
// the rules and their checks live in package lint (scanners/lint).
//
// For each OpenAPI document of the surface the engine builds one Document
// (build.go): a single pass over the parse trees (surface.File.Tree) of
// the root file and the files its $refs reach, resolving $refs itself
// (resolve.go) across files, with a visited set so that circular schemas
// are visited once. The Document lists the servers, security schemes and
// their flows and scopes, the document's requirement list, every
// operation (effective security resolved: the operation's own, else the
// document's), its merged parameters, request body and responses, every
// schema (each once, with the usages that reach it; schema.go walks them)
// and every description/summary/title. Every element carries a Node: the
// file where it is written, its JSON pointer there, and the key node that
// gives the line and column. Nothing reads kin-openapi's model, so
// `specter lint` loads documents with ingest.Options.SkipOpenAPIModel.
//
// Swagger 2.0 documents are indexed into the same shape: securityDefinitions
// become Schemes (type basic is http/basic; flows application and accessCode
// are clientCredentials and authorizationCode), `in: body` parameters a
// RequestBody, a response's `schema` a Media, `schemes`+`host`+`basePath`
// Servers. The Nodes point into the 2.0 source, so every check runs on 2.0
// unchanged and its findings name the 2.0 keys.
//
// Then every Check runs over the index (scanner.go, Scanner.Lint): each
// hook once per element of its kind; no check walks the tree. Postman
// collections and MCP tools/list answers go to the Collection and Tools
// hooks; the Surface hook runs once per scan over every indexed document
// and tools/list answer, for rules that compare files. Context.Report turns what a check reports into a rules.Finding
// at the reported Node: its file, pointer and line are what x-specter-ignore
// matches, so inline suppression works on every rule (policy applies it).
// Findings with the same rule, file, pointer and key are reported once.
//
// The API (Document and its element types, Check, Context, Finding) only
// grows: new hooks or fields, never a changed meaning.
package engine
