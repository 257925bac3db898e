package lint

// inputIndex lists what clients send an operation under paths: the
// schemas of request bodies and parameters and everything below them
// (properties, items, map values, anyOf/oneOf branches), each schema once.
// allOf members are not listed on their own: their constraints are read
// merged into the schema that composes them, which is what a validator
// enforces. readOnly properties are left out: servers ignore them in
// requests. Webhooks and callbacks are requests the API sends, not inputs.
type inputIndex struct {
	Schemas    []inputSchema
	Properties []inputProperty
	seen       map[*Schema]bool
	seenProp   map[any]bool
	doc        *Document
}

// inputSchema is a schema clients send, with the first operation found to
// take it.
type inputSchema struct {
	Schema *Schema
	Op     *Operation
	// Param is set when the schema is a parameter's own schema.
	Param *Parameter
}

// inputProperty is a property of an input object.
type inputProperty struct {
	Property
	Op *Operation
}

// inputs returns the document's input index, built on first use. Checks of
// one document run on one goroutine, so the lazy build needs no lock.
func (d *Document) inputs() *inputIndex {
	if d.inputIdx != nil {
		return d.inputIdx
	}
	ix := &inputIndex{seen: map[*Schema]bool{}, seenProp: map[any]bool{}, doc: d}
	for _, op := range d.Operations {
		for _, p := range op.Parameters {
			if p.Schema != nil && !ix.seen[p.Schema] {
				ix.seen[p.Schema] = true
				ix.Schemas = append(ix.Schemas, inputSchema{Schema: p.Schema, Op: op, Param: p})
				ix.below(p.Schema, op)
			}
		}
		if op.RequestBody != nil {
			for _, m := range op.RequestBody.Content {
				ix.visit(m.Schema, op)
			}
		}
	}
	d.inputIdx = ix
	return ix
}

func (ix *inputIndex) visit(s *Schema, op *Operation) {
	if s == nil || ix.seen[s] {
		return
	}
	ix.seen[s] = true
	ix.Schemas = append(ix.Schemas, inputSchema{Schema: s, Op: op})
	ix.below(s, op)
}

// below visits the schemas a schema holds.
func (ix *inputIndex) below(s *Schema, op *Operation) {
	for _, p := range s.Properties() {
		if p.Schema == nil || isReadOnly(p) {
			continue
		}
		if !ix.seenProp[p.Node.Value] {
			ix.seenProp[p.Node.Value] = true
			ix.Properties = append(ix.Properties, inputProperty{Property: p, Op: op})
		}
		ix.visit(p.Schema, op)
	}
	for _, kw := range []string{"items", "additionalProperties", "unevaluatedProperties"} {
		if c := s.Keyword(kw); c.IsMap() {
			ix.visit(ix.doc.SchemaAt(c), op)
		}
	}
	for _, kw := range []string{"anyOf", "oneOf", "prefixItems"} {
		for _, it := range s.Keyword(kw).Items() {
			ix.visit(ix.doc.SchemaAt(it), op)
		}
	}
}

// isReadOnly reports whether a property is marked readOnly, on the
// property's own member (next to a $ref in 3.1) or in its schema.
func isReadOnly(p Property) bool {
	if p.Node.Member("readOnly").Bool() {
		return true
	}
	return p.Schema != nil && p.Schema.Keyword("readOnly").Bool()
}

// isWriteOnly is isReadOnly for writeOnly. Azure's x-ms-secret: true
// (the service never returns the value) counts as writeOnly.
func isWriteOnly(p Property) bool {
	if p.Node.Member("writeOnly").Bool() || p.Node.Member("x-ms-secret").Bool() {
		return true
	}
	return p.Schema != nil && (p.Schema.Keyword("writeOnly").Bool() || p.Schema.Keyword("x-ms-secret").Bool())
}

// hasType reports whether the schema's type (merged over allOf) is t or a
// 3.1 type list holding t.
func (s *Schema) hasType(t string) bool {
	for _, have := range s.Types() {
		if have == t {
			return true
		}
	}
	return false
}
