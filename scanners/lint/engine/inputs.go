package engine

// Inputs lists what clients send an operation under paths: the
// schemas of request bodies and parameters and everything below them
// (properties, items, map values, anyOf/oneOf branches), each schema once.
// allOf members are not listed on their own: their constraints are read
// merged into the schema that composes them, which is what a validator
// enforces. readOnly properties are left out: servers ignore them in
// requests. Webhooks and callbacks are requests the API sends, not inputs.
type Inputs struct {
	Schemas    []InputSchema
	Properties []InputProperty
	seen       map[*Schema]bool
	seenProp   map[any]bool
	doc        *Document
}

// InputSchema is a schema clients send, with the first operation found to
// take it.
type InputSchema struct {
	Schema *Schema
	Op     *Operation
	// Param is set when the schema is a parameter's own schema.
	Param *Parameter
}

// InputProperty is a property of an input object.
type InputProperty struct {
	Property
	Op *Operation
}

// Inputs returns the document's input index, built on first use. Checks of
// one document run on one goroutine, so the lazy build needs no lock.
func (d *Document) Inputs() *Inputs {
	if d.inputIdx != nil {
		return d.inputIdx
	}
	ix := &Inputs{seen: map[*Schema]bool{}, seenProp: map[any]bool{}, doc: d}
	for _, op := range d.Operations {
		for _, p := range op.Parameters {
			if p.Schema != nil && !ix.seen[p.Schema] {
				ix.seen[p.Schema] = true
				ix.Schemas = append(ix.Schemas, InputSchema{Schema: p.Schema, Op: op, Param: p})
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

func (ix *Inputs) visit(s *Schema, op *Operation) {
	if s == nil || ix.seen[s] {
		return
	}
	ix.seen[s] = true
	ix.Schemas = append(ix.Schemas, InputSchema{Schema: s, Op: op})
	ix.below(s, op)
}

// below visits the schemas a schema holds.
func (ix *Inputs) below(s *Schema, op *Operation) {
	for _, p := range s.Properties() {
		if p.Schema == nil || p.ReadOnly() {
			continue
		}
		if !ix.seenProp[p.Node.Value] {
			ix.seenProp[p.Node.Value] = true
			ix.Properties = append(ix.Properties, InputProperty{Property: p, Op: op})
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

// ReadOnly reports whether a property is marked readOnly, on the
// property's own member (next to a $ref in 3.1) or in its schema.
func (p Property) ReadOnly() bool {
	if p.Node.Member("readOnly").Bool() {
		return true
	}
	return p.Schema != nil && p.Schema.Keyword("readOnly").Bool()
}

// WriteOnly is ReadOnly for writeOnly. Azure's x-ms-secret: true
// (the service never returns the value) counts as writeOnly.
func (p Property) WriteOnly() bool {
	if p.Node.Member("writeOnly").Bool() || p.Node.Member("x-ms-secret").Bool() {
		return true
	}
	return p.Schema != nil && (p.Schema.Keyword("writeOnly").Bool() || p.Schema.Keyword("x-ms-secret").Bool())
}

// HasType reports whether the schema's type (merged over allOf) is t or a
// 3.1 type list holding t.
func (s *Schema) HasType(t string) bool {
	for _, have := range s.Types() {
		if have == t {
			return true
		}
	}
	return false
}
