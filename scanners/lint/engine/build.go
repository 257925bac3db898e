package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// methods are the path item members that are operations, in OAS order.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"}

// builder fills a Document in one pass over its trees.
type builder struct {
	ctx      context.Context
	d        *Document
	textSeen map[any]bool
	consumes string // Swagger 2.0 default request media type
	produces string // Swagger 2.0 default response media type
	// items are the path items being indexed, against a callback whose
	// path item is (an alias or $ref of) one of its ancestors.
	items map[any]bool
}

// buildDocument indexes the OpenAPI document written in root. res resolves
// $refs between the files the scan loaded.
func buildDocument(ctx context.Context, root *surface.File, res *resolver) (*Document, error) {
	if root.Tree == nil || root.Tree.Root == nil {
		return nil, fmt.Errorf("%s: no parse tree", root.Path)
	}
	d := &Document{
		File:     root,
		Format:   root.Format,
		Root:     Node{File: root, Value: deref(root.Tree.Root)},
		res:      res,
		schemes:  map[string]*Scheme{},
		schemas:  map[schemaKey]*Schema{},
		scopeUse: map[*Scheme]map[string]bool{},
	}
	if !d.Root.IsMap() {
		return nil, fmt.Errorf("%s: the document is not a mapping", root.Path)
	}
	b := &builder{ctx: ctx, d: d, textSeen: map[any]bool{}, consumes: "application/json", produces: "application/json", items: map[any]bool{}}
	if d.IsSwagger2() {
		if c := d.Root.Member("consumes").Strings(); len(c) > 0 {
			b.consumes = c[0]
		}
		if p := d.Root.Member("produces").Strings(); len(p) > 0 {
			b.produces = p[0]
		}
	}
	info := d.Root.Member("info")
	b.texts(info)
	for _, t := range d.Root.Member("tags").Items() {
		b.texts(t)
	}
	b.servers()
	b.schemes()
	if sec := d.Root.Member("security"); sec.Exists() {
		d.Security = b.requirements(sec, false)
	}
	for _, p := range d.Root.Member("paths").Members() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if strings.HasPrefix(p.Name(), "x-") {
			continue
		}
		d.Operations = append(d.Operations, b.pathItem(p.Name(), p, &d.Callbacks)...)
	}
	for _, w := range d.Root.Member("webhooks").Members() {
		d.Webhooks = append(d.Webhooks, b.pathItem(w.Name(), w, &d.Callbacks)...)
	}
	b.components()
	return d, ctx.Err()
}

func (b *builder) texts(n Node) {
	if !n.IsMap() || b.textSeen[n.Value] {
		return
	}
	b.textSeen[n.Value] = true
	for _, f := range []string{"title", "summary", "description"} {
		if t := n.Member(f); t.IsScalar() && t.Str() != "" {
			b.d.Texts = append(b.d.Texts, Text{Node: t, Field: f})
		}
	}
}

func (b *builder) servers() {
	d := b.d
	if d.IsSwagger2() {
		host := d.Root.Member("host").Str()
		base := d.Root.Member("basePath").Str()
		for _, s := range d.Root.Member("schemes").Items() {
			url := s.Str() + "://" + host + base
			d.Servers = append(d.Servers, &Server{Node: s, URL: url})
		}
		return
	}
	for _, s := range d.Root.Member("servers").Items() {
		b.texts(s)
		d.Servers = append(d.Servers, &Server{Node: s, URL: s.Member("url").Str(), Description: s.Member("description").Str()})
	}
}

// swagger2Flows maps Swagger 2.0 flow names to OAS 3's.
var swagger2Flows = map[string]string{
	"implicit": "implicit", "password": "password",
	"application": "clientCredentials", "accessCode": "authorizationCode",
}

func (b *builder) schemes() {
	d := b.d
	list := d.Root.Member("components").Member("securitySchemes")
	if d.IsSwagger2() {
		list = d.Root.Member("securityDefinitions")
	}
	for _, entry := range list.Members() {
		def, _ := d.Resolve(entry)
		s := &Scheme{Name: entry.Name(), Node: entry, Def: def}
		b.texts(def)
		s.Type = def.Member("type").Str()
		s.In = def.Member("in").Str()
		s.ParamName = def.Member("name").Str()
		s.HTTPScheme = strings.ToLower(def.Member("scheme").Str())
		if d.IsSwagger2() {
			if s.Type == "basic" {
				s.Type, s.HTTPScheme = "http", "basic"
			}
			if s.Type == "oauth2" {
				flow := def.Member("flow")
				f := &Flow{
					Type: swagger2Flows[flow.Str()], Node: flow,
					AuthorizationURL: def.Member("authorizationUrl"), TokenURL: def.Member("tokenUrl"),
					RefreshURL: def.Member("refreshUrl"),
				}
				if f.Type == "" {
					f.Type = flow.Str()
				}
				f.Scopes = scopes(def.Member("scopes"))
				s.Flows = append(s.Flows, f)
			}
		} else {
			for _, fl := range def.Member("flows").Members() {
				if strings.HasPrefix(fl.Name(), "x-") {
					continue
				}
				f := &Flow{
					Type: fl.Name(), Node: fl,
					AuthorizationURL: fl.Member("authorizationUrl"), TokenURL: fl.Member("tokenUrl"),
					RefreshURL: fl.Member("refreshUrl"),
				}
				if f.AuthorizationURL.Exists() == false && fl.Name() == "deviceAuthorization" {
					f.AuthorizationURL = fl.Member("deviceAuthorizationUrl")
				}
				f.Scopes = scopes(fl.Member("scopes"))
				s.Flows = append(s.Flows, f)
			}
		}
		if _, dup := d.schemes[s.Name]; !dup {
			d.schemes[s.Name] = s
		}
		d.Schemes = append(d.Schemes, s)
	}
}

func scopes(n Node) []Scope {
	var out []Scope
	for _, m := range n.Members() {
		out = append(out, Scope{Name: m.Name(), Description: m.Str(), Node: m})
	}
	return out
}

// requirements reads a security requirement list and records which schemes
// and scopes are used.
func (b *builder) requirements(sec Node, inherited bool) *Requirements {
	rs := &Requirements{Node: sec, Inherited: inherited}
	for _, item := range sec.Items() {
		r := &Requirement{Node: item}
		for _, m := range item.Members() {
			u := &SchemeUse{Name: m.Name(), Node: m, Scheme: b.d.schemes[m.Name()]}
			for _, sc := range m.Items() {
				if name := sc.Str(); name != "" {
					u.Scopes = append(u.Scopes, ScopeUse{Name: name, Node: sc})
				}
			}
			if u.Scheme != nil {
				used := b.d.scopeUse[u.Scheme]
				if used == nil {
					used = map[string]bool{}
					b.d.scopeUse[u.Scheme] = used
				}
				for _, sc := range u.Scopes {
					used[sc.Name] = true
				}
			}
			r.Uses = append(r.Uses, u)
		}
		rs.Alternatives = append(rs.Alternatives, r)
	}
	return rs
}

// pathItem indexes the operations of a path item (and their callbacks,
// appended to callbacks).
func (b *builder) pathItem(path string, entry Node, callbacks *[]*Operation) []*Operation {
	item, _ := b.d.Resolve(entry)
	if !item.IsMap() || b.items[item.Value] {
		return nil
	}
	b.items[item.Value] = true
	defer delete(b.items, item.Value)
	b.texts(item)
	shared := b.parameters(nil, item.Member("parameters"))
	var out []*Operation
	add := func(method string, opNode Node) {
		if !opNode.IsMap() {
			return
		}
		op := &Operation{Doc: b.d, Method: strings.ToUpper(method), Path: path, Node: opNode, PathItem: item, ID: opNode.Member("operationId").Str()}
		b.texts(opNode)
		if sec := opNode.Member("security"); sec.Exists() {
			op.Security = b.requirements(sec, false)
		} else if b.d.Security != nil {
			op.Security = &Requirements{Node: b.d.Security.Node, Inherited: true, Alternatives: b.d.Security.Alternatives}
		}
		op.Parameters = b.parameters(shared, opNode.Member("parameters"))
		if b.d.IsSwagger2() {
			op.RequestBody = b.swagger2Body(opNode)
		} else if rb := opNode.Member("requestBody"); rb.Exists() {
			def, _ := b.d.Resolve(rb)
			b.texts(def)
			op.RequestBody = &Body{Node: rb, Def: def, Required: def.Member("required").Bool(), Content: b.content(def.Member("content"), UsedInRequest)}
		}
		for _, r := range opNode.Member("responses").Members() {
			if strings.HasPrefix(r.Name(), "x-") {
				continue
			}
			op.Responses = append(op.Responses, b.response(r))
		}
		for _, cb := range opNode.Member("callbacks").Members() {
			def, _ := b.d.Resolve(cb)
			for _, expr := range def.Members() {
				if strings.HasPrefix(expr.Name(), "x-") {
					continue
				}
				for _, cbOp := range b.pathItem(expr.Name(), expr, callbacks) {
					cbOp.Parent, cbOp.Callback = op, cb.Name()
					*callbacks = append(*callbacks, cbOp)
				}
			}
		}
		out = append(out, op)
	}
	for _, m := range methods {
		if op := item.Member(m); op.Exists() {
			add(m, op)
		}
	}
	for _, m := range item.Member("additionalOperations").Members() {
		add(m.Name(), m)
	}
	return out
}

// parameters merges a written parameter list over inherited ones: a
// parameter replaces an inherited one of the same name and location.
// Swagger 2.0 body parameters are left out (see swagger2Body).
func (b *builder) parameters(inherited []*Parameter, list Node) []*Parameter {
	var own []*Parameter
	for _, item := range list.Items() {
		def, _ := b.d.Resolve(item)
		if !def.IsMap() {
			continue
		}
		p := &Parameter{Node: item, Def: def, Name: def.Member("name").Str(), In: def.Member("in").Str(), Required: def.Member("required").Bool()}
		if p.In == "body" {
			continue
		}
		b.texts(def)
		p.Schema = b.paramSchema(def)
		own = append(own, p)
	}
	if len(inherited) == 0 {
		return own
	}
	out := make([]*Parameter, 0, len(inherited)+len(own))
	for _, p := range inherited {
		replaced := false
		for _, o := range own {
			if o.In == p.In && o.Name == p.Name {
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, p)
		}
	}
	return append(out, own...)
}

// paramSchema is a parameter's schema: `schema`, or the schema of its
// first `content` entry; for Swagger 2.0 non-body parameters the parameter
// object itself, which carries type, format and bounds.
func (b *builder) paramSchema(def Node) *Schema {
	if s := def.Member("schema"); s.Exists() {
		return b.schema(s, UsedInRequest|UsedInParameter)
	}
	for _, m := range def.Member("content").Members() {
		return b.schema(m.Member("schema"), UsedInRequest|UsedInParameter)
	}
	if b.d.IsSwagger2() && def.Has("type") {
		return b.schema(def, UsedInRequest|UsedInParameter)
	}
	return nil
}

// swagger2Body turns a Swagger 2.0 `in: body` parameter (operation level,
// else path level) into a request body.
func (b *builder) swagger2Body(opNode Node) *Body {
	for _, list := range []Node{opNode.Member("parameters")} {
		for _, item := range list.Items() {
			def, _ := b.d.Resolve(item)
			if def.Member("in").Str() != "body" {
				continue
			}
			b.texts(def)
			typ := b.consumes
			if c := opNode.Member("consumes").Strings(); len(c) > 0 {
				typ = c[0]
			}
			body := &Body{Node: item, Def: def, Required: def.Member("required").Bool()}
			if s := def.Member("schema"); s.Exists() {
				body.Content = []*Media{{Type: typ, Node: s, Schema: b.schema(s, UsedInRequest)}}
			}
			return body
		}
	}
	return nil
}

func (b *builder) content(c Node, u Usage) []*Media {
	var out []*Media
	for _, m := range c.Members() {
		med := &Media{Type: m.Name(), Node: m}
		if s := m.Member("schema"); s.Exists() {
			med.Schema = b.schema(s, u)
		}
		out = append(out, med)
	}
	return out
}

func (b *builder) response(entry Node) *Response {
	def, _ := b.d.Resolve(entry)
	b.texts(def)
	r := &Response{Code: entry.Name(), Node: entry, Def: def}
	for _, h := range def.Member("headers").Members() {
		hd, _ := b.d.Resolve(h)
		b.texts(hd)
		var s *Schema
		if sn := hd.Member("schema"); sn.Exists() {
			s = b.schema(sn, UsedInResponse)
		} else if b.d.IsSwagger2() && hd.Has("type") {
			s = b.schema(hd, UsedInResponse)
		}
		r.Headers = append(r.Headers, Header{Name: h.Name(), Node: h, Def: hd, Schema: s})
	}
	if b.d.IsSwagger2() {
		if s := def.Member("schema"); s.Exists() {
			r.Content = []*Media{{Type: b.produces, Node: s, Schema: b.schema(s, UsedInResponse)}}
		}
		return r
	}
	r.Content = b.content(def.Member("content"), UsedInResponse)
	return r
}

// components indexes the schemas declared for reuse, so that schemas no
// operation names are linted too (with no usage bits).
func (b *builder) components() {
	d := b.d
	if d.IsSwagger2() {
		for _, s := range d.Root.Member("definitions").Members() {
			b.schema(s, 0)
		}
		return
	}
	c := d.Root.Member("components")
	for _, s := range c.Member("schemas").Members() {
		b.schema(s, 0)
	}
}

// schema indexes the schema at n and everything below it. A schema already
// indexed with every bit of u is not visited again, so circular schemas
// are visited once per usage and the walk always ends.
func (b *builder) schema(n Node, u Usage) *Schema {
	def, ok := b.d.Resolve(n)
	if !ok || !def.IsMap() {
		return nil
	}
	k := schemaKey{def.File, def.Value}
	s := b.d.schemas[k]
	if s != nil {
		if s.Usage&u == u {
			return s
		}
		s.Usage |= u
	} else {
		s = &Schema{Node: def, Usage: u, doc: b.d}
		b.d.schemas[k] = s
		b.d.Schemas = append(b.d.Schemas, s)
		b.texts(def)
	}
	// One pass over the schema's members (not one lookup per keyword).
	c := def.Value.Content
	for i := 0; i+1 < len(c); i += 2 {
		kind, ok := schemaKeywords[c[i].Value]
		if !ok {
			continue
		}
		v := deref(c[i+1])
		if v == nil {
			continue
		}
		child := Node{File: def.File, Ptr: def.Ptr + "/" + sourcemap.EscapeToken(c[i].Value), Key: c[i], Value: v}
		switch {
		case kind == childSchema && !child.IsSeq():
			b.schema(child, u)
		case kind == childSchema, kind == childList: // a draft-4 tuple `items: [...]`, or allOf...
			for _, it := range child.Items() {
				b.schema(it, u)
			}
		case kind == childMap:
			for _, m := range child.Members() {
				b.schema(m, u)
			}
		}
	}
	return s
}
