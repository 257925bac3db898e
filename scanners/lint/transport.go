package lint

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/specterhq/specter/scanners/lint/engine"
)

// Transport, CORS and error handling (OWASP API8:2023).
func transportChecks() []engine.Check {
	return []engine.Check{
		{Rule: "lint/server-http", Document: serverHTTP},
		{Rule: "lint/cors-wildcard-with-credentials", Operation: corsWildcardWithCredentials},
		{Rule: "lint/error-debug-fields", Document: errorDebugFields},
		{Rule: "lint/markdown-script", Text: markdownScript},
		{Rule: "lint/token-response-cacheable", Operation: tokenResponseCacheable},
	}
}

// serverURL substitutes a server's variables with their defaults.
func serverURL(server engine.Node) string {
	u := server.Member("url").Str()
	for _, v := range server.Member("variables").Members() {
		u = strings.ReplaceAll(u, "{"+v.Name()+"}", v.Member("default").Str())
	}
	return u
}

func serverHTTP(c *engine.Context, d *engine.Document) {
	check := func(at engine.Node, u string) {
		if host, ok := cleartextURL(u); ok {
			shown := displayURL(u)
			c.Report(engine.Finding{At: at, Evidence: shown, Message: fmt.Sprintf("server %s is plain http: traffic to %s is readable and changeable on the way", shown, host)})
		}
	}
	for _, s := range d.Servers {
		u := s.URL
		if !d.IsSwagger2() {
			u = serverURL(s.Node)
		}
		check(s.Node, u)
	}
	for _, op := range d.Operations {
		for _, list := range []engine.Node{op.PathItem.Member("servers"), op.Node.Member("servers")} {
			for _, s := range list.Items() {
				check(s, serverURL(s))
			}
		}
	}
}

// headerValues lists the values a response header is declared to take:
// its example(s), and its schema's enum, const, default and example.
func headerValues(h engine.Header) []string {
	var out []string
	add := func(n engine.Node) {
		out = append(out, n.Strings()...)
	}
	add(h.Def.Member("example"))
	for _, m := range h.Def.Member("examples").Members() {
		add(m.Member("value"))
	}
	if h.Schema != nil {
		for _, kw := range []string{"enum", "const", "default", "example", "examples"} {
			add(h.Schema.Keyword(kw))
		}
	}
	return out
}

func holds(values []string, want string) bool {
	for _, v := range values {
		if strings.EqualFold(strings.TrimSpace(v), want) {
			return true
		}
	}
	return false
}

func corsWildcardWithCredentials(c *engine.Context, op *engine.Operation) {
	for _, r := range op.Responses {
		origin, ok := r.Header("Access-Control-Allow-Origin")
		if !ok || !holds(headerValues(origin), "*") {
			continue
		}
		cred, ok := r.Header("Access-Control-Allow-Credentials")
		if !ok || !holds(headerValues(cred), "true") {
			continue
		}
		c.Report(engine.Finding{At: origin.Node, Operation: op, Message: fmt.Sprintf("response %s of %s %s allows any origin (*) together with credentials", r.Code, op.Method, op.Path)})
	}
}

// debugNames are error-body properties that carry internals. Correlation
// ids (trace_id, request_id) are not among them.
var debugNames = setOf("stack", "stacktrace", "backtrace", "exception", "exceptionclass", "exceptiontype",
	"exceptionmessage", "debug", "debuginfo", "debugmessage", "debugdetails", "innerexception", "stackframes")

// maxErrorDepth bounds how deep an error schema is searched.
const maxErrorDepth = 6

// errorDebugFields walks the error responses of every operation, each
// schema once per document: error schemas are shared by most operations.
func errorDebugFields(c *engine.Context, d *engine.Document) {
	seen := map[*engine.Schema]bool{}
	for _, op := range d.Operations {
		for _, r := range op.Responses {
			code := strings.ToUpper(r.Code)
			if code != "DEFAULT" && !strings.HasPrefix(code, "4") && !strings.HasPrefix(code, "5") {
				continue
			}
			for _, m := range r.Content {
				debugFieldsIn(c, op, m.Schema, seen, 0)
			}
		}
	}
}

func debugFieldsIn(c *engine.Context, op *engine.Operation, s *engine.Schema, seen map[*engine.Schema]bool, depth int) {
	if s == nil || seen[s] || depth > maxErrorDepth {
		return
	}
	seen[s] = true
	for _, p := range s.Properties() {
		if debugNames[squashName(p.Name)] {
			c.Report(engine.Finding{At: p.Node, Operation: op, Evidence: p.Name, Message: fmt.Sprintf("error response property %q exposes internals", p.Name)})
			continue
		}
		debugFieldsIn(c, op, p.Schema, seen, depth+1)
	}
	for _, kw := range []string{"items", "anyOf", "oneOf"} {
		k := s.Keyword(kw)
		list := k.Items()
		if k.IsMap() {
			list = []engine.Node{k}
		}
		for _, it := range list {
			debugFieldsIn(c, op, s.Document().SchemaAt(it), seen, depth+1)
		}
	}
}

var (
	scriptTag    = regexp.MustCompile(`(?i)<script\b`)
	evalCall     = regexp.MustCompile(`\beval\s*\(`)
	fencedCode   = regexp.MustCompile("(?s)(```|~~~).*?(```|~~~)")
	inlineCode   = regexp.MustCompile("`[^`\n]*`")
	indentedCode = regexp.MustCompile(`(?m)^(    |\t).*$`)
)

func markdownScript(c *engine.Context, t engine.Text) {
	text := t.Node.Str()
	if !strings.Contains(text, "<") && !strings.Contains(text, "eval") {
		return
	}
	prose := indentedCode.ReplaceAllString(inlineCode.ReplaceAllString(fencedCode.ReplaceAllString(text, ""), ""), "")
	switch {
	case scriptTag.MatchString(prose):
		c.Report(engine.Finding{At: t.Node, Message: fmt.Sprintf("%s holds a <script> tag that documentation portals may run", t.Field)})
	case evalCall.MatchString(prose):
		c.Report(engine.Finding{At: t.Node, Message: fmt.Sprintf("%s holds an eval( call that documentation portals may run", t.Field)})
	}
}

// tokenPaths are the paths of the document's OAuth token endpoints.
func tokenPaths(d *engine.Document) map[string]bool {
	out := map[string]bool{}
	for _, s := range d.Schemes {
		for _, f := range s.Flows {
			if u, err := url.Parse(f.TokenURL.Str()); err == nil && u.Path != "" {
				out[strings.TrimSuffix(u.Path, "/")] = true
			}
		}
	}
	return out
}

// isTokenEndpoint reports whether op issues tokens: its path is a declared
// tokenUrl's path (or ends with one), or ends in /token, /oauth/token.
func isTokenEndpoint(op *engine.Operation) bool {
	if op.Method != "POST" {
		return false
	}
	p := strings.TrimSuffix(op.Path, "/")
	if p == "" {
		return false
	}
	if strings.HasSuffix(p, "/token") || strings.HasSuffix(p, "/oauth2/token") {
		return true
	}
	for tp := range tokenPaths(op.Doc) {
		if strings.HasSuffix(tp, p) || strings.HasSuffix(p, tp) {
			return true
		}
	}
	return false
}

// returnsToken reports whether a schema has an access or refresh token at
// its top level.
func returnsToken(s *engine.Schema) bool {
	if s == nil {
		return false
	}
	for _, p := range s.Properties() {
		switch squashName(p.Name) {
		case "accesstoken", "refreshtoken", "idtoken":
			return true
		}
	}
	return false
}

func tokenResponseCacheable(c *engine.Context, op *engine.Operation) {
	endpoint := isTokenEndpoint(op)
	for _, r := range op.Responses {
		if !strings.HasPrefix(r.Code, "2") {
			continue
		}
		issues := endpoint
		for _, m := range r.Content {
			issues = issues || returnsToken(m.Schema)
		}
		if !issues {
			continue
		}
		if h, ok := r.Header("Cache-Control"); ok {
			vals := headerValues(h)
			vals = append(vals, h.Def.Member("description").Str())
			if strings.Contains(strings.ToLower(strings.Join(vals, " ")), "no-store") {
				continue
			}
		}
		c.Report(engine.Finding{At: r.Node, Operation: op, Message: fmt.Sprintf("response %s of %s %s returns a token and does not declare Cache-Control: no-store", r.Code, op.Method, op.Path)})
	}
}
