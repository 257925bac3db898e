package generate

import (
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/internal/safety"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
)

// fillLearned puts values the run learned into a draft: every path
// parameter, query parameters named like ids or accounts, and body members
// that reference another object (product_id) or, in a write, the caller's
// account (username, email). A write only takes the identity's own
// objects and account identifiers. In the examples phase a read keeps the
// values the spec writes: they come first.
func (g *Generator) fillLearned(d *draft, s *shape, phase plan.Phase, who as) {
	st := g.opts.State
	if st == nil || s.recorded {
		return
	}
	t := s.t
	write := !safety.Read(t.Op.Method)
	create := t.Op.Method == "POST"
	for i := range d.params {
		p := &d.params[i]
		f := s.fieldOf(p.in, p.name)
		if f == nil {
			continue
		}
		q := learn.Query{Name: p.name, In: p.in, Identity: who.name, Write: write, Kind: kindOf(f.schema), MaxLength: maxLen(f.schema),
			OperationID: t.Op.OperationID, OperationRef: learn.OperationRefOf(t.Op.Method, t.Op.Path)}
		// A value an OpenAPI link gave this parameter is what the spec
		// says goes here: it beats examples and guesses, in any location.
		if v, ok := st.Linked(q); ok {
			p.value = v.Raw
			d.addStep(v.Step)
			continue
		}
		switch p.in {
		case "path":
			if phase == plan.PhaseExamples && !write && f.written {
				continue
			}
			q.Collection, _ = learn.ParamCollection(t.Op.Path, p.name)
		case "query":
			if !referenceName(p.name) || (phase == plan.PhaseExamples && f.written) {
				continue
			}
		default:
			continue
		}
		if v, ok := st.Pick(q); ok {
			p.value = v.Raw
			d.addStep(v.Step)
		}
	}
	obj, ok := d.body.(map[string]any)
	if !ok || d.raw != nil {
		return
	}
	own := learn.Resource(learn.CollectionOfCreate(t.Op.Path)) + "id"
	for _, f := range s.fields {
		if f.in != "body" || len(f.keys) != 1 {
			continue
		}
		name := f.keys[0]
		if _, present := obj[name]; !present {
			continue
		}
		n := learn.Norm(name)
		account := n == "username" || n == "email" || n == "user" || n == "login"
		switch {
		case account:
			// The caller's own account in an update; a create (a sign-up,
			// a login) keeps the values it was written with.
			if !write || create {
				continue
			}
		case !referenceName(name) || (create && n == own):
			continue
		}
		v, ok := st.Pick(learn.Query{Name: name, In: "body", Identity: who.name, Write: write && !create, Kind: kindOf(f.schema), MaxLength: maxLen(f.schema)})
		if !ok {
			continue
		}
		obj[name] = typed(v.Raw, f.schema)
		d.addStep(v.Step)
	}
}

func (d *draft) addStep(s *plan.Step) {
	if s == nil {
		return
	}
	for _, have := range d.steps {
		if have == s {
			return
		}
	}
	d.steps = append(d.steps, s)
}

// fieldOf returns the shape's parameter field of a name and location.
func (s *shape) fieldOf(in, name string) *field {
	for _, f := range s.params {
		if f.in == in && f.name == name {
			return f
		}
	}
	return nil
}

// referenceName reports names that reference an object or an account:
// ending in id (not id itself), or a user name or e-mail.
func referenceName(name string) bool {
	n := learn.Norm(name)
	switch n {
	case "id", "uuid":
		return false
	case "username", "user", "email", "login", "uid":
		return true
	}
	return len(n) > 2 && (strings.HasSuffix(n, "id") || strings.HasSuffix(n, "uuid"))
}

// kindOf is the shape a learned value must have to fill a field.
func kindOf(s *openapi3.Schema) string {
	s = pick(s)
	if s == nil {
		return ""
	}
	switch typeOf(s) {
	case "integer":
		return "integer"
	case "number":
		return "number"
	case "string":
		switch s.Format {
		case "uuid", "email":
			return s.Format
		}
		if len(s.Enum) > 0 {
			return "enum"
		}
		return ""
	case "boolean", "object", "array":
		return "none"
	}
	return ""
}

func maxLen(s *openapi3.Schema) int {
	s = pick(s)
	if s == nil || s.MaxLength == nil {
		return 0
	}
	return int(*s.MaxLength)
}

// typed converts a learned value to its schema's JSON type.
func typed(raw string, s *openapi3.Schema) any {
	switch typeOf(pick(s)) {
	case "integer":
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return n
		}
	case "number":
		if f, err := strconv.ParseFloat(raw, 64); err == nil {
			return f
		}
	}
	return raw
}
