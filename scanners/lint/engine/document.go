package engine

import (
	"strings"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Document is the index of one OpenAPI or Swagger document that every
// check reads: built in one pass over the parse trees of the root file and
// the files its $refs reach, with $refs resolved and every schema visited
// once. Swagger 2.0 documents are indexed into the same shape
// (securityDefinitions become Schemes, `in: body` parameters a RequestBody,
// response `schema`s a Media) with every Node still pointing into the 2.0
// source, so findings name the 2.0 keys.
type Document struct {
	File   *surface.File
	Format surface.Format
	Root   Node
	// Servers are the base URLs: OAS 3 `servers` (document level), or one
	// per Swagger 2.0 `schemes` entry (URL scheme://host/basePath).
	Servers []*Server
	// Schemes are the declared security schemes in written order.
	Schemes []*Scheme
	// Security is the document-wide requirement list; nil when the
	// document declares none.
	Security *Requirements
	// Operations are the operations under `paths`, in written order.
	Operations []*Operation
	// Webhooks (3.1 `webhooks`) and Callbacks (operations under an
	// operation's `callbacks`) are requests the API sends, not endpoints it
	// serves: the auth-coverage checks do not apply to them.
	Webhooks  []*Operation
	Callbacks []*Operation
	// Schemas lists every schema reachable from the document (components
	// or definitions, parameters, bodies, responses, headers), each once.
	Schemas []*Schema
	// Texts are the human-readable strings (description, summary, title)
	// of every indexed object; agents read them as tool text.
	Texts []Text

	res      *resolver
	schemes  map[string]*Scheme
	schemas  map[schemaKey]*Schema
	scopeUse map[*Scheme]map[string]bool
	// inputIdx is built on first use (Inputs); memos holds what checks
	// compute once per document (Memo).
	inputIdx *Inputs
	memos    map[any]any
}

// Server is one base URL.
type Server struct {
	Node        Node // the servers item, or the Swagger 2.0 schemes item
	URL         string
	Description string
}

// Text is a description, summary or title member.
type Text struct {
	Node Node
	// Field is the member's name: description, summary or title.
	Field string
}

// IsSwagger2 reports whether the document is Swagger 2.0.
func (d *Document) IsSwagger2() bool { return d.Format == surface.FormatSwagger20 }

// Resolve follows n's $ref chain (across files) to what it names; n
// itself when it has no $ref. ok is false when a $ref cannot be followed.
func (d *Document) Resolve(n Node) (Node, bool) { return d.res.resolve(n) }

// Scheme returns the declared security scheme with the name, or nil.
func (d *Document) Scheme(name string) *Scheme { return d.schemes[name] }

// ScopeRequired reports whether any requirement anywhere in the document
// (document level, operations, webhooks, callbacks) names the scope of
// the scheme.
func (d *Document) ScopeRequired(s *Scheme, scope string) bool { return d.scopeUse[s][scope] }

// SchemeUsed reports whether any requirement names the scheme.
func (d *Document) SchemeUsed(s *Scheme) bool { _, ok := d.scopeUse[s]; return ok }

// RequiresScopes reports whether some requirement names a scope of the
// scheme.
func (d *Document) RequiresScopes(s *Scheme) bool { return len(d.scopeUse[s]) > 0 }

// Memo returns the value stored for key in this document, made by build on
// first use: what a check computes once per document (a memo table, an
// index of its own). Checks of one document run on one goroutine, so it
// needs no lock. Keys are values of a type the check's package declares.
func (d *Document) Memo(key any, build func() any) any {
	if v, ok := d.memos[key]; ok {
		return v
	}
	if d.memos == nil {
		d.memos = map[any]any{}
	}
	v := build()
	d.memos[key] = v
	return v
}

// PropertyOwner is the indexed schema whose `properties` the property is
// written in, or nil.
func (d *Document) PropertyOwner(p Property) *Schema {
	toks, err := sourcemap.SplitPointer(p.Node.Ptr)
	if err != nil || len(toks) < 2 || p.Node.File == nil || p.Node.File.Tree == nil {
		return nil
	}
	ptr := sourcemap.JoinPointer("", toks[:len(toks)-2]...)
	v, at, ok := p.Node.File.Tree.Lookup(ptr)
	if !ok {
		return nil
	}
	n := Node{File: p.Node.File, Ptr: ptr, Value: deref(v)}
	if at != v {
		n.Key = at
	}
	return d.SchemaAt(n)
}

// SchemaAt returns the indexed schema written at n (after $ref
// resolution), or nil.
func (d *Document) SchemaAt(n Node) *Schema {
	n, ok := d.Resolve(n)
	if !ok {
		return nil
	}
	return d.schemas[schemaKey{n.File, n.Value}]
}

// Extension reads a document-level extension: in `info` first, then at
// the root.
func (d *Document) Extension(name string) Node {
	if n := d.Root.Member("info").Member(name); n.Exists() {
		return n
	}
	return d.Root.Member(name)
}

// Operation is one method on one path (or of a webhook or callback).
type Operation struct {
	Doc    *Document
	Method string // upper case
	Path   string // the path template, webhook name or callback expression
	// Node is the operation object; its Key is the method.
	Node Node
	// PathItem is the path item the operation belongs to (after $ref).
	PathItem Node
	ID       string
	// Security is the effective requirement list: the operation's own
	// `security` when written, else the document's; nil when neither
	// declares one. Security.Inherited tells which.
	Security *Requirements
	// Parameters are the path item's and the operation's, resolved, the
	// operation's replacing the path item's of the same name and location.
	Parameters  []*Parameter
	RequestBody *Body
	Responses   []*Response
	// Parent and Callback are set on callback operations: the operation
	// that declares the callback and the callback's name.
	Parent   *Operation
	Callback string
}

// Ref is the operation's identity as findings carry it.
func (o *Operation) Ref() *rules.Operation {
	return &rules.Operation{Method: o.Method, Path: o.Path, OperationID: o.ID}
}

// IsWrite reports whether the method changes state: POST, PUT, PATCH,
// DELETE.
func (o *Operation) IsWrite() bool {
	switch o.Method {
	case "POST", "PUT", "PATCH", "DELETE":
		return true
	}
	return false
}

// IsRead reports whether the method only reads: GET, HEAD (and QUERY, the
// OAS 3.2 safe method with a body).
func (o *Operation) IsRead() bool {
	switch o.Method {
	case "GET", "HEAD", "QUERY":
		return true
	}
	return false
}

// Extension reads a vendor extension that may be written on the
// operation, its path item, or the document (info or root) as a default,
// in that order of precedence.
func (o *Operation) Extension(name string) Node {
	if n := o.Node.Member(name); n.Exists() {
		return n
	}
	if n := o.PathItem.Member(name); n.Exists() {
		return n
	}
	return o.Doc.Extension(name)
}

// Parameter returns the operation's parameter with the name (compared
// case-insensitively for headers) in the location, or nil.
func (o *Operation) Parameter(in, name string) *Parameter {
	for _, p := range o.Parameters {
		if p.In != in {
			continue
		}
		if p.Name == name || (in == "header" && strings.EqualFold(p.Name, name)) {
			return p
		}
	}
	return nil
}

// Response returns the response with the status code ("401", "4XX",
// "default") exactly as written, or nil.
func (o *Operation) Response(code string) *Response {
	for _, r := range o.Responses {
		if strings.EqualFold(r.Code, code) {
			return r
		}
	}
	return nil
}

// Parameter is one parameter of an operation.
type Parameter struct {
	// Node is where the parameter is listed (the list item); Def is what it
	// resolves to (the same node unless it is a $ref).
	Node, Def Node
	Name, In  string // In: path, query, header, cookie (formData in 2.0)
	Required  bool
	Schema    *Schema // nil when there is none
}

// Body is a request body.
type Body struct {
	Node, Def Node
	Required  bool
	Content   []*Media
}

// Response is one response of an operation.
type Response struct {
	Code      string
	Node, Def Node
	// Headers maps header names as written to their (resolved) definitions.
	Headers []Header
	Content []*Media
}

// Header is a response header.
type Header struct {
	Name      string
	Node, Def Node
	Schema    *Schema
}

// Header returns the response header with the name (case-insensitive).
func (r *Response) Header(name string) (Header, bool) {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h, true
		}
	}
	return Header{}, false
}

// Media is one media type of a body or response.
type Media struct {
	Type   string
	Node   Node
	Schema *Schema // nil when there is none
}
