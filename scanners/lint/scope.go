package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/specterhq/specter/scanners/lint/engine"
	"github.com/specterhq/specter/surface"
)

// Scope hygiene: are OAuth2 scopes declared, used, narrow and matched to
// what the operations do?
func scopeChecks() []engine.Check {
	return []engine.Check{
		{Rule: "lint/undeclared-scope", Operation: opUses(undeclaredScope), Document: docUses(undeclaredScope)},
		{Rule: "lint/unused-scope", Scheme: unusedScope},
		{Rule: "lint/unused-security-scheme", Scheme: unusedScheme},
		{Rule: "lint/scopes-on-non-oauth-scheme", Operation: opUses(scopesOnNonOAuth), Document: docUses(scopesOnNonOAuth)},
		{Rule: "lint/empty-oauth-scopes", Operation: opUses(emptyOAuthScopes), Document: docUses(emptyOAuthScopes)},
		{Rule: "lint/broad-scope", Scheme: broadDeclaredScope},
		{Rule: "lint/write-with-read-scopes", Operation: writeWithReadScopes},
		{Rule: "lint/read-requires-write-scope", Operation: readRequiresWriteScope},
		{Rule: "lint/admin-shares-requirement", Document: adminSharesRequirement},
		{Rule: "lint/weaker-auth-alternative", Operation: weakerAlternative},
		{Rule: "lint/scope-name-grammar", Scheme: scopeNameGrammar},
		{Rule: "lint/scope-sprawl", Scheme: schemeScopeSprawl, Operation: operationScopeSprawl},
	}
}

// opUses runs fn on every scheme use of an operation's effective
// requirements; docUses on the document list and on webhooks and callbacks.
// Findings land on the use, so a document-level requirement is reported
// once whatever number of operations inherit it.
func opUses(fn func(*engine.Context, *engine.SchemeUse)) func(*engine.Context, *engine.Operation) {
	return func(c *engine.Context, op *engine.Operation) {
		if op.Security == nil {
			return
		}
		for _, a := range op.Security.Alternatives {
			for _, u := range a.Uses {
				fn(c, u)
			}
		}
	}
}

func docUses(fn func(*engine.Context, *engine.SchemeUse)) func(*engine.Context, *engine.Document) {
	return func(c *engine.Context, d *engine.Document) {
		lists := []*engine.Requirements{d.Security}
		for _, op := range append(append([]*engine.Operation(nil), d.Webhooks...), d.Callbacks...) {
			lists = append(lists, op.Security)
		}
		for _, rs := range lists {
			if rs == nil {
				continue
			}
			for _, a := range rs.Alternatives {
				for _, u := range a.Uses {
					fn(c, u)
				}
			}
		}
	}
}

func undeclaredScope(c *engine.Context, u *engine.SchemeUse) {
	if u.Scheme == nil || u.Scheme.Type != "oauth2" {
		return
	}
	for _, sc := range u.Scopes {
		if _, ok := u.Scheme.Scope(sc.Name); !ok {
			c.Report(engine.Finding{At: sc.Node, Evidence: sc.Name, Key: sc.Name, Message: fmt.Sprintf("scope %q is required but no flow of %q declares it", sc.Name, u.Name)})
		}
	}
}

// declaredScopes lists a scheme's scopes, each name once (the first flow
// declaring it).
func declaredScopes(s *engine.Scheme) []engine.Scope {
	var out []engine.Scope
	seen := map[string]bool{}
	for _, f := range s.Flows {
		for _, sc := range f.Scopes {
			if !seen[sc.Name] {
				seen[sc.Name] = true
				out = append(out, sc)
			}
		}
	}
	return out
}

func unusedScope(c *engine.Context, s *engine.Scheme) {
	if s.Type != "oauth2" || !c.Doc.RequiresScopes(s) {
		return
	}
	for _, f := range s.Flows {
		for _, sc := range f.Scopes {
			if !c.Doc.ScopeRequired(s, sc.Name) {
				c.Report(engine.Finding{At: sc.Node, Evidence: sc.Name, Message: fmt.Sprintf("scope %q of %q is declared but no operation requires it", sc.Name, s.Name)})
			}
		}
	}
}

func unusedScheme(c *engine.Context, s *engine.Scheme) {
	if !c.Doc.SchemeUsed(s) {
		c.Report(engine.Finding{At: s.Node, Evidence: s.Name, Message: fmt.Sprintf("security scheme %q is declared but no requirement uses it", s.Name)})
	}
}

func scopesOnNonOAuth(c *engine.Context, u *engine.SchemeUse) {
	if u.Scheme == nil || u.Scheme.IsOAuth() || len(u.Scopes) == 0 || c.Doc.Format == surface.FormatOpenAPI31 {
		return
	}
	c.Report(engine.Finding{At: u.Node, Evidence: u.Name, Message: fmt.Sprintf("requirement lists scopes for %q, a %s scheme; OpenAPI 2.0/3.0 require an empty list and tools ignore it", u.Name, u.Scheme.Type)})
}

func emptyOAuthScopes(c *engine.Context, u *engine.SchemeUse) {
	if u.Scheme == nil || u.Scheme.Type != "oauth2" || len(u.Scopes) > 0 || len(declaredScopes(u.Scheme)) == 0 {
		return
	}
	c.Report(engine.Finding{At: u.Node, Evidence: u.Name, Message: fmt.Sprintf("requirement of %q lists no scopes: any token from it passes", u.Name)})
}

func broadDeclaredScope(c *engine.Context, s *engine.Scheme) {
	if !s.IsOAuth() {
		return
	}
	for _, f := range s.Flows {
		for _, sc := range f.Scopes {
			if why, broad := broadScope(sc.Name, sc.Description); broad {
				c.Report(engine.Finding{At: sc.Node, Evidence: sc.Name, Message: fmt.Sprintf("scope %q of %q is over-broad: %s", sc.Name, s.Name, why)})
			}
		}
	}
}

// searchLike tells POST operations that only read (search, query,
// GraphQL) from real writes.
func searchLike(op *engine.Operation) bool {
	ws := append(words(op.Path), words(op.ID)...)
	for _, w := range ws {
		switch w {
		case "search", "query", "graphql", "lookup", "find", "filter", "validate", "verify", "preview", "estimate", "count", "batchget":
			return true
		}
	}
	id := strings.ToLower(op.ID)
	for _, p := range []string{"search", "list", "get", "query", "find"} {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

func writeWithReadScopes(c *engine.Context, op *engine.Operation) {
	if !op.IsWrite() || !authenticated(op) || searchLike(op) {
		return
	}
	var names []string
	for _, a := range op.Security.Alternatives {
		scopes := a.Scopes()
		if len(scopes) == 0 {
			return
		}
		for _, sc := range scopes {
			if !readClassScope(sc.Name) {
				return
			}
			names = append(names, sc.Name)
		}
	}
	c.Report(engine.Finding{At: declaredAt(op), Operation: op, Evidence: strings.Join(names, ", "), Key: op.Method + " " + op.Path,
		Message: fmt.Sprintf("%s %s changes data but every alternative requires only read scopes (%s)", op.Method, op.Path, strings.Join(names, ", "))})
}

func readRequiresWriteScope(c *engine.Context, op *engine.Operation) {
	if !op.IsRead() || !authenticated(op) {
		return
	}
	var names []string
	for _, a := range op.Security.Alternatives {
		found := ""
		for _, sc := range a.Scopes() {
			if writeClassScope(sc.Name) {
				found = sc.Name
				break
			}
		}
		if found == "" {
			return
		}
		names = append(names, found)
	}
	c.Report(engine.Finding{At: declaredAt(op), Operation: op, Evidence: strings.Join(names, ", "), Key: op.Method + " " + op.Path,
		Message: fmt.Sprintf("%s %s only reads but every alternative requires a write or admin scope (%s)", op.Method, op.Path, strings.Join(names, ", "))})
}

// canonical renders a requirement list so that equal lists compare equal:
// alternatives and scopes sorted.
func canonical(rs *engine.Requirements) string {
	var alts []string
	for _, a := range rs.Alternatives {
		var uses []string
		for _, u := range a.Uses {
			var scopes []string
			for _, sc := range u.Scopes {
				scopes = append(scopes, sc.Name)
			}
			sort.Strings(scopes)
			uses = append(uses, u.Name+"["+strings.Join(scopes, ",")+"]")
		}
		sort.Strings(uses)
		alts = append(alts, strings.Join(uses, "&"))
	}
	sort.Strings(alts)
	return strings.Join(alts, " | ")
}

// privileged reports whether an operation is administrative: a path
// segment starting with "admin", or x-privileged: true.
func privileged(op *engine.Operation) bool {
	if op.Extension("x-privileged").Bool() {
		return true
	}
	for _, seg := range strings.Split(strings.ToLower(op.Path), "/") {
		if seg == "admin" || strings.HasPrefix(seg, "admin-") || strings.HasPrefix(seg, "admin_") || seg == "administration" {
			return true
		}
	}
	return false
}

func adminSharesRequirement(c *engine.Context, d *engine.Document) {
	ordinary := map[string]*engine.Operation{}
	for _, op := range d.Operations {
		if authenticated(op) && !privileged(op) {
			k := canonical(op.Security)
			if _, ok := ordinary[k]; !ok {
				ordinary[k] = op
			}
		}
	}
	for _, op := range d.Operations {
		if !authenticated(op) || !privileged(op) {
			continue
		}
		if other, ok := ordinary[canonical(op.Security)]; ok {
			c.Report(engine.Finding{At: op.Node, Operation: op, Evidence: canonical(op.Security),
				Message: fmt.Sprintf("privileged %s %s accepts exactly what ordinary %s %s accepts (%s)", op.Method, op.Path, other.Method, other.Path, canonical(op.Security))})
		}
	}
}

func weakerAlternative(c *engine.Context, op *engine.Operation) {
	if op.Security == nil {
		return
	}
	scoped := false
	for _, a := range op.Security.Alternatives {
		for _, u := range a.Uses {
			if u.Scheme != nil && u.Scheme.IsOAuth() && len(u.Scopes) > 0 {
				scoped = true
			}
		}
	}
	if !scoped {
		return
	}
	for _, a := range op.Security.Alternatives {
		if a.Anonymous() || len(a.Scopes()) > 0 || a.SenderConstrained() {
			continue
		}
		var names []string
		for _, u := range a.Uses {
			names = append(names, u.Name)
		}
		c.Report(engine.Finding{At: a.Node, Operation: op, Evidence: strings.Join(names, " & "),
			Message: fmt.Sprintf("alternative %s needs no scope, so it bypasses the scopes another alternative requires", strings.Join(names, " & "))})
	}
}

func scopeNameGrammar(c *engine.Context, s *engine.Scheme) {
	for _, f := range s.Flows {
		for _, sc := range f.Scopes {
			if !c.Options.ScopePattern.MatchString(sc.Name) {
				c.Report(engine.Finding{At: sc.Node, Evidence: sc.Name, Message: fmt.Sprintf("scope %q does not match the naming grammar %s", sc.Name, c.Options.ScopePattern)})
			}
		}
	}
}

func schemeScopeSprawl(c *engine.Context, s *engine.Scheme) {
	if n := len(declaredScopes(s)); n > c.Options.MaxScopesPerScheme {
		c.Report(engine.Finding{At: s.Node, Evidence: s.Name, Message: fmt.Sprintf("security scheme %q declares %d scopes (more than %d)", s.Name, n, c.Options.MaxScopesPerScheme)})
	}
}

func operationScopeSprawl(c *engine.Context, op *engine.Operation) {
	if op.Security == nil {
		return
	}
	for _, a := range op.Security.Alternatives {
		if n := len(a.Scopes()); n > c.Options.MaxScopesPerOperation {
			c.Report(engine.Finding{At: a.Node, Operation: op, Message: fmt.Sprintf("one alternative requires %d scopes at once (more than %d)", n, c.Options.MaxScopesPerOperation)})
		}
	}
}
