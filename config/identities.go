package config

import (
	"fmt"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/fuzz/identity"
)

// identities parses the fuzzer's section: a list of identities, each with
// a name and exactly one of headers, login and oauth2. The entries are
// checked here, with their positions, so a bad one fails every command
// that reads the file; environment variables are expanded later, by the
// fuzzer, when it builds the identities.
func (p *configParser) identities(v *yaml.Node) {
	first := map[string]int{}
	for i, item := range p.sequence(v, "identities") {
		what := fmt.Sprintf("identities[%d]", i)
		before := len(p.errs)
		fields := p.members(item, what, []string{"name", "headers", "login", "oauth2"})
		if item.Kind != yaml.MappingNode {
			if isNull(item) {
				p.errorf(item, "%s is empty", what)
			}
			continue
		}
		var d identity.Declared
		ok := true
		for _, f := range fields {
			switch f[0].Value {
			case "name":
				d.Name, ok = p.scalarInto(f[1], what+": name", ok)
			case "headers":
				d.Headers = map[string]string{}
				for _, h := range p.members(f[1], what+": headers", nil) {
					d.Headers[h[0].Value], ok = p.scalarInto(h[1], what+": headers: "+h[0].Value, ok)
				}
			case "login":
				d.Login = &identity.Login{}
				ok = p.identityLogin(f[1], what+": login", d.Login) && ok
			case "oauth2":
				d.OAuth2 = &identity.OAuth2{}
				ok = p.identityOAuth2(f[1], what+": oauth2", d.OAuth2) && ok
			}
		}
		if !ok || len(p.errs) > before { // one error per entry: what is wrong in it, not what follows
			continue
		}
		if err := d.Validate(); err != nil {
			p.errorf(item, "%v", err)
			continue
		}
		if line, dup := first[d.Name]; dup {
			p.errorf(item, "identity %s is declared twice (first at line %d)", d.Name, line)
			continue
		}
		first[d.Name] = item.Line
		p.cfg.Identities = append(p.cfg.Identities, d)
	}
}

// scalarInto is scalar for a run of fields: it returns the value and ok
// and-ed with whether the node was a value.
func (p *configParser) scalarInto(n *yaml.Node, what string, ok bool) (string, bool) {
	s, isScalar := p.scalar(n, what)
	return s, ok && isScalar
}

func (p *configParser) identityLogin(v *yaml.Node, what string, l *identity.Login) bool {
	fields, isMapping := p.mapping(v, what, []string{"method", "path", "body", "content_type", "token", "cookie", "header", "prefix", "expires_in"})
	if !isMapping {
		return false
	}
	ok := true
	for _, f := range fields {
		into := map[string]*string{
			"method": &l.Method, "path": &l.Path, "body": &l.Body, "content_type": &l.ContentType,
			"token": &l.Token, "cookie": &l.Cookie, "header": &l.Header, "prefix": &l.Prefix, "expires_in": &l.ExpiresIn,
		}[f[0].Value]
		*into, ok = p.scalarInto(f[1], what+": "+f[0].Value, ok)
	}
	return ok
}

func (p *configParser) identityOAuth2(v *yaml.Node, what string, o *identity.OAuth2) bool {
	fields, isMapping := p.mapping(v, what, []string{"token_url", "client_id", "client_secret", "scopes", "audience", "credentials_in_body"})
	if !isMapping {
		return false
	}
	ok := true
	for _, f := range fields {
		switch key := f[0].Value; key {
		case "scopes":
			for _, s := range p.sequence(f[1], what+": scopes") {
				var scope string
				scope, ok = p.scalarInto(s, what+": scopes", ok)
				o.Scopes = append(o.Scopes, scope)
			}
		case "credentials_in_body":
			s, isScalar := p.scalar(f[1], what+": "+key)
			on, err := parseSwitch(s)
			if isScalar && err != nil {
				p.errorf(f[1], "%s: %s: %v", what, key, err)
			}
			o.CredentialsInBody, ok = on, ok && isScalar && err == nil
		default:
			into := map[string]*string{"token_url": &o.TokenURL, "client_id": &o.ClientID, "client_secret": &o.ClientSecret, "audience": &o.Audience}[key]
			*into, ok = p.scalarInto(f[1], what+": "+key, ok)
		}
	}
	return ok
}

// mapping is members for a value that must be a mapping: it reports null
// too, and says whether v was one.
func (p *configParser) mapping(v *yaml.Node, what string, allowed []string) ([][2]*yaml.Node, bool) {
	fields := p.members(v, what, allowed)
	if v.Kind != yaml.MappingNode {
		if isNull(v) {
			p.errorf(v, "%s: want a mapping, found nothing", what)
		}
		return nil, false
	}
	return fields, true
}
