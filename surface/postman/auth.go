package postman

import (
	"sort"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

// declaredAuth is an auth block as written at the collection, a folder or
// a request; it is resolved per request, in the request's scope.
type declaredAuth struct {
	typ      string
	location rules.Location
	params   []authParam
}

type authParam struct {
	key, value string
	location   rules.Location
}

// parseAuth reads an auth block. It returns nil when the block inherits
// (absent, null, no type or type "inherit").
func parseAuth(f *surface.File, n *yaml.Node, ptr string) (*declaredAuth, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, shapeError(f, ptr, "postman: auth is %s, want an object", kindName(n))
	}
	tn := member(n, "type")
	if isNull(tn) {
		return nil, nil
	}
	if !isScalar(tn) {
		return nil, shapeError(f, child(ptr, "type"), "postman: auth type is %s, want a string", kindName(tn))
	}
	if tn.Value == "" || tn.Value == "inherit" {
		return nil, nil
	}
	a := &declaredAuth{typ: tn.Value, location: f.Locate(ptr)}
	pp := child(ptr, tn.Value)
	params := member(n, tn.Value)
	switch {
	case isNull(params):
	case params.Kind == yaml.SequenceNode: // v2.1: [{key, value, type}]
		for i, e := range params.Content {
			ep := index(pp, i)
			if e.Kind != yaml.MappingNode {
				return nil, shapeError(f, ep, "postman: %s auth parameter is %s, want an object", tn.Value, kindName(e))
			}
			key := member(e, "key")
			if isNull(key) {
				continue
			}
			loc := f.Locate(ep)
			if member(e, "value") != nil {
				loc = f.Locate(child(ep, "value"))
			}
			a.params = append(a.params, authParam{key: text(key), value: text(member(e, "value")), location: loc})
		}
	case params.Kind == yaml.MappingNode: // v2.0: {key: value}
		for i := 0; i+1 < len(params.Content); i += 2 {
			k := params.Content[i].Value
			a.params = append(a.params, authParam{key: k, value: text(params.Content[i+1]), location: f.Locate(child(pp, k))})
		}
	default:
		return nil, shapeError(f, pp, "postman: %s auth parameters are %s, want an array or an object", tn.Value, kindName(params))
	}
	return a, nil
}

// resolve makes the surface Auth for one request.
func (a *declaredAuth) resolve(s scope, inherited bool) *surface.Auth {
	out := &surface.Auth{
		Type:           a.typ,
		Params:         make(map[string]string, len(a.params)),
		Raw:            make(map[string]string, len(a.params)),
		Location:       a.location,
		ParamLocations: make(map[string]rules.Location, len(a.params)),
		Inherited:      inherited,
	}
	for _, p := range a.params {
		out.Raw[p.key] = p.value
		out.Params[p.key] = s.resolve(p.value)
		out.ParamLocations[p.key] = p.location
	}
	return out
}

// paramKeys lists an Auth's parameter names in order, for tests and
// stable output.
func paramKeys(a *surface.Auth) []string {
	keys := make([]string, 0, len(a.Raw))
	for k := range a.Raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
