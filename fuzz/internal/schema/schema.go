// Package schema reads what an operation's spec says about its bodies:
// the members of its JSON (or form) request body and of its 2xx JSON
// answers, allOf parts merged and one wrapping level unwrapped. The
// accounts, the mass-assignment and the authorization checks ask it which
// members a client may send and which only the server writes.
package schema

import (
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/plan"
)

// Props are an object's members by name.
type Props map[string]*openapi3.Schema

// Names returns the members' names, sorted.
func (p Props) Names() []string {
	out := make([]string, 0, len(p))
	for k := range p {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Properties merges an object schema's properties, allOf parts included,
// and the first anyOf/oneOf alternative that has properties when the
// schema has none itself. required lists the required members.
func Properties(s *openapi3.Schema) (Props, map[string]bool) {
	props, req := Props{}, map[string]bool{}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 4 {
			return
		}
		for k, p := range s.Properties {
			if p != nil && p.Value != nil {
				props[k] = p.Value
			}
		}
		for _, r := range s.Required {
			req[r] = true
		}
		for _, part := range s.AllOf {
			if part != nil {
				walk(part.Value, depth+1)
			}
		}
		if len(s.Properties) == 0 {
			for _, part := range append(append([]*openapi3.SchemaRef(nil), s.AnyOf...), s.OneOf...) {
				if part != nil && part.Value != nil && len(part.Value.Properties) > 0 {
					walk(part.Value, depth+1)
					break
				}
			}
		}
	}
	walk(s, 0)
	return props, req
}

// Request is an operation's request body schema: JSON first, else a
// URL-encoded form (form says which); nil when it has none.
func Request(t *plan.Target) (s *openapi3.Schema, form bool) {
	if t.Spec == nil || t.Spec.RequestBody == nil || t.Spec.RequestBody.Value == nil {
		return nil, false
	}
	content := t.Spec.RequestBody.Value.Content
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		mt := content[k]
		base := strings.ToLower(strings.TrimSpace(strings.Split(k, ";")[0]))
		if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
			continue
		}
		if base == "application/json" || strings.HasSuffix(base, "+json") {
			return mt.Schema.Value, false
		}
		if base == "application/x-www-form-urlencoded" && s == nil {
			s, form = mt.Schema.Value, true
		}
	}
	return s, form
}

// RequestProps are the members of an operation's request body.
func RequestProps(t *plan.Target) (Props, map[string]bool) {
	s, _ := Request(t)
	if s == nil {
		return Props{}, map[string]bool{}
	}
	return Properties(s)
}

// ResponseProps are the members an operation's 2xx JSON answers
// document, the members of objects one level down too ({"data": {...}},
// {"orders": {...}}) and of the items of a top-level array.
func ResponseProps(t *plan.Target) Props {
	out := Props{}
	if t.Spec == nil || t.Spec.Responses == nil {
		return out
	}
	for code, r := range t.Spec.Responses.Map() {
		if !strings.HasPrefix(code, "2") || r == nil || r.Value == nil {
			continue
		}
		for ct, mt := range r.Value.Content {
			if !(strings.Contains(ct, "json") || ct == "*/*" || ct == "application/*") || mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			root := mt.Schema.Value
			if root.Items != nil && root.Items.Value != nil {
				root = root.Items.Value
			}
			props, _ := Properties(root)
			for k, s := range props {
				out[k] = s
				// The wrapped object's members, its allOf parts
				// included ({"data": {"$ref": User}} with User an allOf).
				if s != nil {
					inner, _ := Properties(s)
					for ik, is := range inner {
						if _, have := out[ik]; !have {
							out[ik] = is
						}
					}
				}
			}
		}
	}
	return out
}
