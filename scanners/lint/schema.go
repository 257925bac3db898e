package lint

import "github.com/specterhq/specter/surface"

// Usage says where a schema is used; a schema reachable from several
// places has several bits.
type Usage uint8

// Usages.
const (
	UsedInRequest   Usage = 1 << iota // a request body, or a parameter
	UsedInResponse                    // a response body or header
	UsedInParameter                   // a parameter (also UsedInRequest)
)

// Schema is one schema object, indexed once however many places name it.
type Schema struct {
	// Node is where the schema is written (after $ref resolution); it is
	// the node findings about the schema are reported at.
	Node  Node
	Usage Usage
	doc   *Document
}

type schemaKey struct {
	file  *surface.File
	value any
}

// Types lists the schema's `type` (a string, or a 3.1 list).
func (s *Schema) Types() []string { return s.Keyword("type").Strings() }

// Keyword returns the schema's member called name, or the first one found
// in its allOf members (depth first, each schema once): constraints of an
// allOf are constraints of the schema.
func (s *Schema) Keyword(name string) Node {
	var found Node
	s.eachAllOf(func(n Node) bool {
		if m := n.Member(name); m.Exists() {
			found = m
			return false
		}
		return true
	})
	return found
}

// Property is a member of a schema's properties, merged over allOf.
type Property struct {
	Name string
	// Node is the member under `properties` where the property is written.
	Node Node
	// Schema is the property's schema, nil when it does not resolve to an
	// object (a boolean schema, a broken $ref).
	Schema *Schema
}

// Properties lists the schema's properties, its own first, then those its
// allOf members add; a name is listed once.
func (s *Schema) Properties() []Property {
	var out []Property
	seen := map[string]bool{}
	s.eachAllOf(func(n Node) bool {
		for _, m := range n.Member("properties").Members() {
			if seen[m.Name()] {
				continue
			}
			seen[m.Name()] = true
			out = append(out, Property{Name: m.Name(), Node: m, Schema: s.doc.SchemaAt(m)})
		}
		return true
	})
	return out
}

// eachAllOf calls fn with the schema's node and then with every schema
// its allOf members resolve to, recursively, each once, until fn returns
// false.
func (s *Schema) eachAllOf(fn func(Node) bool) {
	seen := map[any]bool{}
	var walk func(n Node) bool
	walk = func(n Node) bool {
		n, ok := s.doc.Resolve(n)
		if !ok || !n.IsMap() || seen[n.Value] {
			return true
		}
		seen[n.Value] = true
		if !fn(n) {
			return false
		}
		for _, m := range n.Member("allOf").Items() {
			if !walk(m) {
				return false
			}
		}
		return true
	}
	walk(s.Node)
}

// schemaChildren are the keywords whose value is a schema, and those whose
// value is a list or a map of schemas.
var (
	schemaChild     = []string{"items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "not", "if", "then", "else", "contains", "propertyNames", "additionalItems"}
	schemaChildList = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
	schemaChildMap  = []string{"properties", "patternProperties", "dependentSchemas", "$defs", "definitions"}
)
