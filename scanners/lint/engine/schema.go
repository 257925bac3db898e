package engine

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

// Document is the document whose index holds the schema.
func (s *Schema) Document() *Document { return s.doc }

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
			out = append(out, Property{Name: m.Name(), Node: m, Schema: s.Document().SchemaAt(m)})
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

// childKind says how a keyword's value holds schemas.
type childKind uint8

const (
	childSchema childKind = iota // a schema
	childList                    // a list of schemas
	childMap                     // a map of names to schemas
)

// schemaKeywords are the keywords whose value holds schemas.
var schemaKeywords = map[string]childKind{
	"items": childSchema, "additionalProperties": childSchema, "unevaluatedProperties": childSchema,
	"unevaluatedItems": childSchema, "not": childSchema, "if": childSchema, "then": childSchema,
	"else": childSchema, "contains": childSchema, "propertyNames": childSchema, "additionalItems": childSchema,
	"allOf": childList, "anyOf": childList, "oneOf": childList, "prefixItems": childList,
	"properties": childMap, "patternProperties": childMap, "dependentSchemas": childMap,
	"$defs": childMap, "definitions": childMap,
}

// Walk calls fn for the schema and every schema below it (properties,
// items, allOf/anyOf/oneOf members, additionalProperties, ...), each once
// however many paths lead to it, so circular schemas end. Returning false
// from fn skips the schema's children.
func (s *Schema) Walk(fn func(*Schema) bool) {
	seen := map[*Schema]bool{}
	var visit func(*Schema)
	visit = func(x *Schema) {
		if x == nil || seen[x] {
			return
		}
		seen[x] = true
		if !fn(x) {
			return
		}
		c := x.Node.Value.Content
		for i := 0; i+1 < len(c); i += 2 {
			kind, ok := schemaKeywords[c[i].Value]
			if !ok {
				continue
			}
			child := x.Node.Member(c[i].Value)
			switch {
			case kind == childSchema && !child.IsSeq():
				visit(x.doc.SchemaAt(child))
			case kind == childSchema, kind == childList:
				for _, it := range child.Items() {
					visit(x.doc.SchemaAt(it))
				}
			default:
				for _, m := range child.Members() {
					visit(x.doc.SchemaAt(m))
				}
			}
		}
	}
	visit(s)
}

// lengthImplyingFormats are string formats whose values have a bounded
// length, so they bound a string like maxLength does.
var lengthImplyingFormats = map[string]bool{
	"date": true, "date-time": true, "time": true, "duration": true, "uuid": true,
	"ipv4": true, "ipv6": true, "email": true, "idn-email": true, "hostname": true,
	"idn-hostname": true, "int32": true, "int64": true,
	// numbers, codes and timestamps written as strings
	"guid": true, "full-date": true, "full-time": true, "decimal": true, "double": true, "float": true,
	"mac": true, "iso-country-code": true, "country-code": true, "currency": true, "language-code": true,
	"bcp47": true, "unix-time": true, "timestamp": true,
}

// StringBounded reports whether the schema bounds the length of its
// strings, allOf merged: maxLength, enum, const, or a length-implying
// format (date, date-time, uuid, ipv4, ipv6, email, hostname...).
func (s *Schema) StringBounded() bool {
	if s.Keyword("maxLength").Exists() || s.Keyword("enum").Exists() || s.Keyword("const").Exists() {
		return true
	}
	return lengthImplyingFormats[s.Keyword("format").Str()]
}

// NumberBounded reports whether the schema bounds its numbers on both
// sides, allOf merged: (exclusive)minimum and (exclusive)maximum, or enum
// or const.
func (s *Schema) NumberBounded() bool {
	if s.Keyword("enum").Exists() || s.Keyword("const").Exists() {
		return true
	}
	lower := s.Keyword("minimum").Exists() || s.Keyword("exclusiveMinimum").IsScalar() && s.Keyword("exclusiveMinimum").Str() != "true" && s.Keyword("exclusiveMinimum").Str() != "false"
	upper := s.Keyword("maximum").Exists() || s.Keyword("exclusiveMaximum").IsScalar() && s.Keyword("exclusiveMaximum").Str() != "true" && s.Keyword("exclusiveMaximum").Str() != "false"
	return lower && upper
}
