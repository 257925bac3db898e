package engine

import "strings"

// Scheme is a declared security scheme (OAS 3 components.securitySchemes,
// Swagger 2.0 securityDefinitions).
type Scheme struct {
	Name string
	// Node is the entry under securitySchemes/securityDefinitions; Def is
	// its definition (the same node unless the entry is a $ref).
	Node, Def Node
	// Type is the OAS 3 type: apiKey, http, oauth2, openIdConnect,
	// mutualTLS. A Swagger 2.0 `basic` scheme is http with HTTPScheme basic.
	Type string
	// HTTPScheme is the lower-cased `scheme` of an http scheme.
	HTTPScheme string
	// In and ParamName are an apiKey's location and name.
	In, ParamName string
	Flows         []*Flow
}

// Flow is one OAuth2 flow. Swagger 2.0 flow names are mapped to OAS 3's:
// application is clientCredentials, accessCode is authorizationCode.
type Flow struct {
	// Type: implicit, password, clientCredentials, authorizationCode,
	// deviceAuthorization (OAS 3.2).
	Type string
	// Node is the flow object (OAS 3) or the scheme's `flow` member (2.0).
	Node Node
	// AuthorizationURL, TokenURL and RefreshURL are the members, when
	// written (for 2.0, members of the scheme).
	AuthorizationURL, TokenURL, RefreshURL Node
	Scopes                                 []Scope
}

// Scope is a declared OAuth2 scope.
type Scope struct {
	Name        string
	Description string
	Node        Node // the member under scopes
}

// IsOAuth reports whether the scheme issues scoped tokens: oauth2 or
// openIdConnect.
func (s *Scheme) IsOAuth() bool { return s.Type == "oauth2" || s.Type == "openIdConnect" }

// Scope returns the declared scope with the name in any flow.
func (s *Scheme) Scope(name string) (Scope, bool) {
	for _, f := range s.Flows {
		for _, sc := range f.Scopes {
			if sc.Name == name {
				return sc, true
			}
		}
	}
	return Scope{}, false
}

// Flow returns the flow of the type, or nil.
func (s *Scheme) Flow(typ string) *Flow {
	for _, f := range s.Flows {
		if f.Type == typ {
			return f
		}
	}
	return nil
}

// TokenBinding is how the scheme's credentials are bound to the client:
// "mtls" for mutualTLS, "dpop" for the http DPoP scheme (RFC 9449), else
// the scheme's `x-token-binding` extension (dpop or mtls), else "".
func (s *Scheme) TokenBinding() string {
	switch {
	case s.Type == "mutualTLS":
		return "mtls"
	case s.Type == "http" && s.HTTPScheme == "dpop":
		return "dpop"
	}
	switch b := strings.ToLower(s.Def.Member("x-token-binding").Str()); b {
	case "dpop", "mtls":
		return b
	}
	return ""
}

// IsBearer reports whether the scheme's credential is a bearer token
// usable by whoever holds it: oauth2, openIdConnect, http bearer, apiKey,
// with no token binding.
func (s *Scheme) IsBearer() bool {
	if s.TokenBinding() != "" {
		return false
	}
	switch s.Type {
	case "oauth2", "openIdConnect", "apiKey":
		return true
	case "http":
		return s.HTTPScheme == "bearer"
	}
	return false
}

// Requirements is a security requirement list: alternatives, any one of
// which grants access.
type Requirements struct {
	// Node is the `security` member (of the operation, or of the document
	// when Inherited).
	Node         Node
	Inherited    bool
	Alternatives []*Requirement
}

// Requirement is one alternative: every named scheme must be satisfied.
// An empty requirement ({}) allows anonymous access.
type Requirement struct {
	Node Node // the list item
	Uses []*SchemeUse
}

// Anonymous reports whether the alternative is `{}`.
func (r *Requirement) Anonymous() bool { return len(r.Uses) == 0 }

// SenderConstrained reports whether the alternative binds the token to the
// client: one of its schemes is mutualTLS, http DPoP or carries
// x-token-binding.
func (r *Requirement) SenderConstrained() bool {
	for _, u := range r.Uses {
		if u.Scheme != nil && u.Scheme.TokenBinding() != "" {
			return true
		}
	}
	return false
}

// Scopes lists every scope the alternative requires, over its schemes.
func (r *Requirement) Scopes() []ScopeUse {
	var out []ScopeUse
	for _, u := range r.Uses {
		out = append(out, u.Scopes...)
	}
	return out
}

// Open reports whether the list lets anyone in: it is declared empty, or
// one alternative is `{}`.
func (rs *Requirements) Open() bool {
	if rs == nil {
		return false
	}
	if len(rs.Alternatives) == 0 {
		return true
	}
	for _, a := range rs.Alternatives {
		if a.Anonymous() {
			return true
		}
	}
	return false
}

// SchemeUse is one scheme named in a requirement, with its scopes.
type SchemeUse struct {
	Name   string
	Node   Node    // the member in the requirement object
	Scheme *Scheme // nil when no scheme of that name is declared
	Scopes []ScopeUse
}

// ScopeUse is a scope named in a requirement.
type ScopeUse struct {
	Name string
	Node Node // the list item
}
