package lint

import (
	"fmt"
	"strings"

	"github.com/specterhq/specter/scanners/lint/engine"
)

// OAuth2 flows and tokens (RFC 9700).
func oauthChecks() []engine.Check {
	return []engine.Check{
		{Rule: "lint/oauth2-implicit-flow", Scheme: flowOfType("implicit", "the implicit flow returns tokens in the redirect URL; RFC 9700 says not to use it")},
		{Rule: "lint/oauth2-password-flow", Scheme: flowOfType("password", "the password flow hands users' passwords to clients; RFC 9700 says it MUST NOT be used")},
		{Rule: "lint/oauth2-pkce-not-declared", Scheme: pkceNotDeclared},
		{Rule: "lint/oauth2-no-refresh-url", Scheme: noRefreshURL},
		{Rule: "lint/token-ttl-undeclared", Scheme: ttlUndeclared},
		{Rule: "lint/token-ttl-too-long", Scheme: ttlTooLong},
		{Rule: "lint/deprecated-scheme-in-use", Scheme: deprecatedSchemeInUse},
	}
}

func flowOfType(typ, why string) func(*engine.Context, *engine.Scheme) {
	return func(c *engine.Context, s *engine.Scheme) {
		if f := s.Flow(typ); f != nil {
			c.Report(engine.Finding{At: f.Node, Evidence: s.Name, Message: fmt.Sprintf("security scheme %q offers the %s flow: %s", s.Name, typ, why)})
		}
	}
}

func pkceNotDeclared(c *engine.Context, s *engine.Scheme) {
	f := s.Flow("authorizationCode")
	if f == nil {
		return
	}
	pkce := f.Node.Member("x-pkce")
	if !pkce.Exists() {
		pkce = s.Def.Member("x-pkce")
	}
	switch v := pkce.Str(); {
	case strings.EqualFold(v, "S256"):
	case !pkce.Exists():
		c.Report(engine.Finding{At: f.Node, Evidence: s.Name, Message: fmt.Sprintf("the authorization code flow of %q does not declare PKCE (`x-pkce: S256`)", s.Name)})
	default:
		c.Report(engine.Finding{At: pkce, Evidence: v, Message: fmt.Sprintf("the authorization code flow of %q declares PKCE method %q; use S256", s.Name, v)})
	}
}

func noRefreshURL(c *engine.Context, s *engine.Scheme) {
	for _, f := range s.Flows {
		if (f.Type == "authorizationCode" || f.Type == "deviceAuthorization") && !f.RefreshURL.Exists() {
			c.Report(engine.Finding{At: f.Node, Evidence: s.Name, Key: f.Type, Message: fmt.Sprintf("the %s flow of %q declares no refreshUrl", f.Type, s.Name)})
		}
	}
}

// issuesTokens reports whether the scheme's credential is a token with a
// lifetime: oauth2, openIdConnect, http bearer.
func issuesTokens(s *engine.Scheme) bool {
	return s.IsOAuth() || (s.Type == "http" && s.HTTPScheme == "bearer")
}

// tokenTTL reads x-token-ttl from the scheme, else the document. ok is
// false when it is absent; valid is false when it is not a positive number
// of seconds.
func tokenTTL(d *engine.Document, s *engine.Scheme) (n engine.Node, ttl int64, ok, valid bool) {
	n = s.Def.Member("x-token-ttl")
	if !n.Exists() {
		n = d.Extension("x-token-ttl")
	}
	if !n.Exists() {
		return n, 0, false, false
	}
	ttl, valid = n.Int()
	return n, ttl, true, valid && ttl > 0
}

func ttlUndeclared(c *engine.Context, s *engine.Scheme) {
	if !issuesTokens(s) {
		return
	}
	if _, _, ok, _ := tokenTTL(c.Doc, s); !ok {
		c.Report(engine.Finding{At: s.Node, Evidence: s.Name, Message: fmt.Sprintf("token scheme %q does not declare the access-token lifetime (`x-token-ttl`, seconds)", s.Name)})
	}
}

func ttlTooLong(c *engine.Context, s *engine.Scheme) {
	if !issuesTokens(s) {
		return
	}
	n, ttl, ok, valid := tokenTTL(c.Doc, s)
	if ok && valid && ttl > c.Options.MaxTokenTTL {
		c.Report(engine.Finding{At: n, Evidence: n.Str(), Key: s.Name, Message: fmt.Sprintf("tokens of %q live %d s, above the %d s policy", s.Name, ttl, c.Options.MaxTokenTTL)})
	}
}

func deprecatedSchemeInUse(c *engine.Context, s *engine.Scheme) {
	if s.Def.Member("deprecated").Bool() && c.Doc.SchemeUsed(s) {
		c.Report(engine.Finding{At: s.Node, Evidence: s.Name, Message: fmt.Sprintf("security scheme %q is deprecated but requirements still name it", s.Name)})
	}
}
