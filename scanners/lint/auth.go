package lint

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/specterhq/specter/scanners/lint/engine"
)

// Authentication coverage: does every operation require a credential, and
// are the credentials sound?
func authChecks() []engine.Check {
	return []engine.Check{
		{Rule: "lint/write-without-auth", Operation: writeWithoutAuth},
		{Rule: "lint/read-without-auth", Operation: readWithoutAuth},
		{Rule: "lint/optional-auth", Operation: optionalAuth},
		{Rule: "lint/undefined-security-scheme", Operation: undefinedScheme, Document: undefinedSchemeElsewhere},
		{Rule: "lint/http-basic-auth", Scheme: httpBasicAuth},
		{Rule: "lint/weak-http-auth-scheme", Scheme: weakHTTPScheme},
		{Rule: "lint/api-key-in-query", Scheme: apiKeyIn("query")},
		{Rule: "lint/api-key-in-cookie", Scheme: apiKeyIn("cookie")},
		{Rule: "lint/credential-in-url", Operation: credentialInURL},
		{Rule: "lint/insecure-oauth-url", Scheme: insecureOAuthURL},
		{Rule: "lint/missing-401-response", Operation: missing401},
		{Rule: "lint/missing-403-response", Operation: missing403},
	}
}

// unprotected says why an operation's effective security lets anyone in,
// and the node where that is written; ok is false when it does not.
func unprotected(op *engine.Operation) (why string, at engine.Node, ok bool) {
	sec := op.Security
	switch {
	case sec == nil:
		return "declares no security requirement (neither on the operation nor for the document)", op.Node, true
	case len(sec.Alternatives) == 0:
		return "has `security: []`: anyone may call it", declaredAt(op), true
	}
	for _, a := range sec.Alternatives {
		if !a.Anonymous() {
			return "", engine.Node{}, false
		}
	}
	return "accepts only the anonymous requirement `{}`", declaredAt(op), true
}

// declaredAt is where an operation's effective security is written: its own
// `security` member, else the operation (the document's list is shared by
// every operation, and what is missing is the operation's own).
func declaredAt(op *engine.Operation) engine.Node {
	if op.Security != nil && !op.Security.Inherited {
		return op.Security.Node
	}
	return op.Node
}

// isPublic reports whether an operation is marked public on purpose with
// x-public (on the operation, its path item, or the document).
func isPublic(op *engine.Operation) bool {
	n := op.Extension("x-public")
	return n.Bool() || (n.IsMap() && n.Member("reason").Str() != "")
}

func writeWithoutAuth(c *engine.Context, op *engine.Operation) {
	if !op.IsWrite() {
		return
	}
	if why, at, ok := unprotected(op); ok {
		c.Report(engine.Finding{At: at, Operation: op, Message: fmt.Sprintf("%s %s changes data and %s", op.Method, op.Path, why)})
	}
}

func readWithoutAuth(c *engine.Context, op *engine.Operation) {
	if !op.IsRead() || isPublic(op) {
		return
	}
	if why, at, ok := unprotected(op); ok {
		c.Report(engine.Finding{At: at, Operation: op, Message: fmt.Sprintf("%s %s %s; mark it `x-public: true` if that is intended", op.Method, op.Path, why)})
	}
}

func optionalAuth(c *engine.Context, op *engine.Operation) {
	sec := op.Security
	if sec == nil || isPublic(op) {
		return
	}
	var anon *engine.Requirement
	real := false
	for _, a := range sec.Alternatives {
		if a.Anonymous() {
			if anon == nil {
				anon = a
			}
		} else {
			real = true
		}
	}
	if anon == nil || !real {
		return
	}
	c.Report(engine.Finding{At: anon.Node, Operation: op,
		Message: fmt.Sprintf("the `{}` alternative makes authentication optional (for %s %s and any other operation using this list)", op.Method, op.Path)})
}

func undefinedScheme(c *engine.Context, op *engine.Operation) {
	if op.Security == nil {
		return
	}
	reportUndefined(c, op.Security)
}

// undefinedSchemeElsewhere covers requirements no path operation inherits
// (a document list when no operation uses it, webhooks, callbacks).
func undefinedSchemeElsewhere(c *engine.Context, d *engine.Document) {
	if d.Security != nil {
		reportUndefined(c, d.Security)
	}
	for _, op := range append(append([]*engine.Operation(nil), d.Webhooks...), d.Callbacks...) {
		if op.Security != nil && !op.Security.Inherited {
			reportUndefined(c, op.Security)
		}
	}
}

func reportUndefined(c *engine.Context, rs *engine.Requirements) {
	for _, a := range rs.Alternatives {
		for _, u := range a.Uses {
			if u.Scheme == nil {
				c.Report(engine.Finding{At: u.Node, Evidence: u.Name, Message: fmt.Sprintf("security requirement names %q, which no security scheme declares", u.Name)})
			}
		}
	}
}

func httpBasicAuth(c *engine.Context, s *engine.Scheme) {
	if s.Type == "http" && s.HTTPScheme == "basic" {
		c.Report(engine.Finding{At: s.Node, Message: fmt.Sprintf("security scheme %q is HTTP Basic: a reusable password on every request", s.Name), Evidence: s.Name})
	}
}

// ianaHTTPSchemes is the IANA HTTP Authentication Scheme Registry
// (lower case), without the weak ones reported by name.
var ianaHTTPSchemes = map[string]bool{
	"basic": true, "bearer": true, "concealed": true, "dpop": true, "gnap": true, "hoba": true,
	"mutual": true, "privatetoken": true, "scram-sha-1": true, "scram-sha-256": true, "vapid": true,
	"aws4-hmac-sha256": true, // not registered, but what AWS Signature v4 specs declare
}

var weakHTTPSchemes = map[string]string{
	"digest":    "relies on MD5 and a shared password",
	"negotiate": "is Kerberos/NTLM negotiation, with known relay and downgrade weaknesses",
	"oauth":     "is OAuth 1.0, superseded by OAuth 2.0",
	"ntlm":      "is NTLM, with known relay and cracking weaknesses",
}

func weakHTTPScheme(c *engine.Context, s *engine.Scheme) {
	if s.Type != "http" || s.HTTPScheme == "" {
		return
	}
	at := s.Def.Member("scheme")
	if at.File == nil || !at.Exists() {
		at = s.Node
	}
	if why, weak := weakHTTPSchemes[s.HTTPScheme]; weak {
		c.Report(engine.Finding{At: at, Evidence: s.HTTPScheme, Message: fmt.Sprintf("security scheme %q uses HTTP %q, which %s", s.Name, s.HTTPScheme, why)})
		return
	}
	if !ianaHTTPSchemes[s.HTTPScheme] {
		c.Report(engine.Finding{At: at, Evidence: s.HTTPScheme, Message: fmt.Sprintf("security scheme %q uses HTTP scheme %q, which the IANA HTTP Authentication Scheme registry does not list", s.Name, s.HTTPScheme)})
	}
}

func apiKeyIn(where string) func(*engine.Context, *engine.Scheme) {
	return func(c *engine.Context, s *engine.Scheme) {
		if s.Type != "apiKey" || s.In != where {
			return
		}
		at := s.Def.Member("in")
		if at.File == nil {
			at = s.Node
		}
		c.Report(engine.Finding{At: at, Evidence: s.ParamName, Message: fmt.Sprintf("API key scheme %q sends the key %q in the %s", s.Name, s.ParamName, map[string]string{"query": "query string, where logs and browser history keep it", "cookie": "a cookie, which browsers attach to cross-site requests"}[where])})
	}
}

// credentialWords are normalised parameter names (lower case, without
// `-`, `_`, `.`) that hold a credential; a name matches when it equals one
// or ends with one.
var credentialWords = []string{
	"password", "passwd", "secret", "clientsecret", "accesstoken", "refreshtoken", "idtoken",
	"apikey", "apitoken", "authtoken", "sessiontoken", "bearertoken", "privatekey", "secretkey", "accesskey",
}

// notCredentialWords mark tokens that are not credentials: pagination
// cursors, CSRF and one-time verification tokens, and names that only
// talk about a credential.
var notCredentialWords = []string{"page", "next", "prev", "cursor", "continuation", "sync", "csrf", "xsrf", "captcha", "verification", "reset", "invite", "confirm", "type", "hint", "expires", "length", "name", "policy", "count"}

func credentialName(name string) bool {
	n := strings.NewReplacer("-", "", "_", "", ".", "", "[", "", "]", "").Replace(strings.ToLower(name))
	for _, w := range notCredentialWords {
		if strings.Contains(n, w) {
			return false
		}
	}
	if n == "token" {
		return true
	}
	for _, w := range credentialWords {
		if strings.HasSuffix(n, w) {
			return true
		}
	}
	return false
}

func credentialInURL(c *engine.Context, op *engine.Operation) {
	for _, p := range op.Parameters {
		if (p.In == "query" || p.In == "path") && credentialName(p.Name) && !nonString(p.Schema) {
			c.Report(engine.Finding{At: p.Node, Operation: op, Evidence: p.Name, Key: p.In + ":" + p.Name,
				Message: fmt.Sprintf("%s parameter %q of %s %s carries a credential in the URL", p.In, p.Name, op.Method, op.Path)})
		}
	}
}

// nonString reports whether a schema is typed and none of its types is a
// string: a boolean `hide_secret` flag is not a credential.
func nonString(s *engine.Schema) bool {
	if s == nil {
		return false
	}
	types := s.Types()
	if len(types) == 0 {
		return false
	}
	for _, t := range types {
		if t == "string" {
			return false
		}
	}
	return true
}

// insecureURL reports why a URL from a security scheme is not acceptable:
// a non-https absolute URL that is not loopback. Relative URLs (resolved
// against the server) are left alone.
func insecureURL(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" {
		return "", false
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "", false
	}
	if isLoopback(u.Hostname()) {
		return "", false
	}
	return u.Scheme, true
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func insecureOAuthURL(c *engine.Context, s *engine.Scheme) {
	check := func(n engine.Node, what string) {
		if !n.Exists() {
			return
		}
		if scheme, bad := insecureURL(n.Str()); bad {
			c.Report(engine.Finding{At: n, Evidence: n.Str(), Message: fmt.Sprintf("%s of security scheme %q uses %s, not https", what, s.Name, scheme)})
		}
	}
	for _, f := range s.Flows {
		check(f.AuthorizationURL, f.Type+" "+f.AuthorizationURL.Name())
		check(f.TokenURL, f.Type+" tokenUrl")
		check(f.RefreshURL, f.Type+" refreshUrl")
	}
	check(s.Def.Member("openIdConnectUrl"), "openIdConnectUrl")
	check(s.Def.Member("oauth2MetadataUrl"), "oauth2MetadataUrl")
}

// authenticated reports whether every way into the operation needs a
// credential.
func authenticated(op *engine.Operation) bool {
	return op.Security != nil && len(op.Security.Alternatives) > 0 && !op.Security.Open()
}

// declaresStatus reports whether the operation declares the status or its
// class (4XX).
func declaresStatus(op *engine.Operation, code string) bool {
	return op.Response(code) != nil || op.Response(code[:1]+"XX") != nil
}

func missing401(c *engine.Context, op *engine.Operation) {
	if authenticated(op) && !declaresStatus(op, "401") {
		c.Report(engine.Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("%s %s requires credentials but declares no 401 response", op.Method, op.Path)})
	}
}

func missing403(c *engine.Context, op *engine.Operation) {
	if !authenticated(op) || declaresStatus(op, "403") {
		return
	}
	for _, a := range op.Security.Alternatives {
		if len(a.Scopes()) > 0 {
			c.Report(engine.Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("%s %s requires scopes but declares no 403 response", op.Method, op.Path)})
			return
		}
	}
}
