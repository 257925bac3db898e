package openapi

import (
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// fixedMethods are the path item members that are operations.
var fixedMethods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true, "options": true,
	"head": true, "patch": true, "trace": true, "connect": true, "query": true,
}

// source is a place in a loaded file: where something is written.
type source struct {
	file *surface.File
	ptr  string
}

func (s source) node() *yaml.Node {
	if s.file == nil || s.file.Tree == nil {
		return nil
	}
	v, _, ok := s.file.Tree.Lookup(s.ptr)
	if !ok {
		return nil
	}
	return v
}

func (s source) child(tokens ...string) source {
	return source{file: s.file, ptr: sourcemap.JoinPointer(s.ptr, tokens...)}
}

func (s source) locate() rules.Location { return s.file.Locate(s.ptr) }

// buildAPI fills the surface model from a loaded document. Operations,
// parameters and servers keep the order they are written in.
func buildAPI(root *surface.File, format surface.Format, doc *openapi3.T, refs *refReader) (*surface.API, error) {
	api := &surface.API{
		File:            root,
		Format:          format,
		OpenAPI:         doc,
		SecuritySchemes: map[string]*surface.SecurityScheme{},
	}
	if doc.Info != nil {
		api.Title, api.Version = doc.Info.Title, doc.Info.Version
	}
	top := source{file: root}
	api.Servers = servers(top, format, doc.Servers)
	if doc.Components != nil {
		for name, ref := range doc.Components.SecuritySchemes {
			if ref == nil || ref.Value == nil {
				continue
			}
			at := top.child("components", "securitySchemes", name)
			if format == surface.FormatSwagger20 {
				at = top.child("securityDefinitions", name)
			}
			api.SecuritySchemes[name] = securityScheme(name, ref.Value, at)
		}
	}
	if _, v := sourcemap.Member(root.Tree.Root, "security"); v != nil {
		api.Security = requirements(doc.Security)
	}
	ops, err := operations(top, doc, api.Security, refs)
	if err != nil {
		return nil, err
	}
	api.Operations = ops
	return api, nil
}

func servers(top source, format surface.Format, list openapi3.Servers) []surface.Server {
	var out []surface.Server
	for i, s := range list {
		if s == nil {
			continue
		}
		at := top.child("servers", strconv.Itoa(i))
		if format == surface.FormatSwagger20 {
			at = top.child("host")
			for _, k := range []string{"host", "basePath", "schemes"} {
				if _, v := sourcemap.Member(top.file.Tree.Root, k); v != nil {
					at = top.child(k)
					break
				}
			}
		}
		out = append(out, surface.Server{URL: s.URL, Description: s.Description, Location: at.locate()})
	}
	return out
}

func securityScheme(name string, s *openapi3.SecurityScheme, at source) *surface.SecurityScheme {
	out := &surface.SecurityScheme{
		Name: name, Type: s.Type, Scheme: s.Scheme, In: s.In, ParamName: s.Name,
		Location: at.locate(),
	}
	if f := s.Flows; f != nil {
		for _, fl := range []struct {
			typ  string
			flow *openapi3.OAuthFlow
		}{
			{"implicit", f.Implicit}, {"password", f.Password},
			{"clientCredentials", f.ClientCredentials}, {"authorizationCode", f.AuthorizationCode},
		} {
			if fl.flow == nil {
				continue
			}
			scopes := make(map[string]string, len(fl.flow.Scopes))
			for k, v := range fl.flow.Scopes {
				scopes[k] = v
			}
			out.Flows = append(out.Flows, surface.OAuthFlow{
				Type: fl.typ, AuthorizationURL: fl.flow.AuthorizationURL, TokenURL: fl.flow.TokenURL,
				RefreshURL: fl.flow.RefreshURL, Scopes: scopes,
			})
		}
	}
	return out
}

// requirements copies a requirement list; the result is never nil, so that a
// declared empty list stays distinguishable from no declaration.
func requirements(list openapi3.SecurityRequirements) []surface.SecurityRequirement {
	out := make([]surface.SecurityRequirement, 0, len(list))
	for _, req := range list {
		r := make(surface.SecurityRequirement, len(req))
		for name, scopes := range req {
			r[name] = append([]string{}, scopes...)
		}
		out = append(out, r)
	}
	return out
}

func operations(top source, doc *openapi3.T, docSecurity []surface.SecurityRequirement, refs *refReader) ([]*surface.Operation, error) {
	if doc.Paths == nil {
		return nil, nil
	}
	items := doc.Paths.Map()
	var keys []string
	seen := map[string]bool{}
	if pathsNode := top.child("paths").node(); pathsNode != nil && pathsNode.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(pathsNode.Content); i += 2 {
			k := pathsNode.Content[i].Value
			if _, ok := items[k]; ok && !seen[k] {
				keys, seen[k] = append(keys, k), true
			}
		}
	}
	var rest []string
	for k := range items {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	keys = append(keys, rest...)

	var out []*surface.Operation
	for _, p := range keys {
		item := items[p]
		if item == nil {
			continue
		}
		at := refs.follow(top.child("paths", p))
		for _, m := range methodsOf(item, at) {
			op := m.op
			o := &surface.Operation{
				Method:      strings.ToUpper(m.name),
				Path:        p,
				OperationID: op.OperationID,
				Summary:     op.Summary,
				Deprecated:  op.Deprecated,
				Tags:        append([]string(nil), op.Tags...),
				Location:    m.at.locate(),
				Security:    docSecurity,
			}
			if n := m.at.node(); n != nil {
				if _, v := sourcemap.Member(n, "security"); v != nil {
					var list openapi3.SecurityRequirements
					if op.Security != nil {
						list = *op.Security
					}
					o.Security = requirements(list)
				}
			}
			o.Parameters = parameters(item.Parameters, at.child("parameters"), op.Parameters, m.at.child("parameters"), refs)
			out = append(out, o)
		}
	}
	return out, nil
}

type method struct {
	name string // as written
	op   *openapi3.Operation
	at   source
}

// methodsOf lists a path item's operations in the order they are written,
// then any the source does not show (a remote path item) sorted.
func methodsOf(item *openapi3.PathItem, at source) []method {
	var out []method
	done := map[*openapi3.Operation]bool{}
	if n := at.node(); n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if fixedMethods[k] {
				if op := item.GetOperation(strings.ToUpper(k)); op != nil && !done[op] {
					out, done[op] = append(out, method{k, op, at.child(k)}), true
				}
			}
		}
		if _, add := sourcemap.Member(n, "additionalOperations"); add != nil && add.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(add.Content); i += 2 {
				k := add.Content[i].Value
				if op := item.AdditionalOperations[k]; op != nil && !done[op] {
					out, done[op] = append(out, method{k, op, at.child("additionalOperations", k)}), true
				}
			}
		}
	}
	all := item.Operations()
	var rest []string
	for name, op := range all {
		if op != nil && !done[op] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range rest {
		out = append(out, method{name, all[name], at})
	}
	return out
}

// parameters merges path-item and operation parameters: an operation
// parameter replaces the path item's with the same name and location.
func parameters(pathLevel openapi3.Parameters, pathAt source, opLevel openapi3.Parameters, opAt source, refs *refReader) []surface.Parameter {
	key := func(p *openapi3.Parameter) string { return p.In + "\x00" + p.Name }
	overridden := map[string]bool{}
	for _, p := range opLevel {
		if p != nil && p.Value != nil {
			overridden[key(p.Value)] = true
		}
	}
	var out []surface.Parameter
	emit := func(list openapi3.Parameters, at source, skip map[string]bool) {
		where := refs.paramSources(at)
		for i, p := range list {
			if p == nil || p.Value == nil || skip[key(p.Value)] {
				continue
			}
			loc, ok := where[key(p.Value)]
			if !ok {
				loc = at.child(strconv.Itoa(i))
			}
			out = append(out, surface.Parameter{
				Name: p.Value.Name, In: p.Value.In, Required: p.Value.Required,
				Location: loc.locate(), Schema: p.Value.Schema,
			})
		}
	}
	emit(pathLevel, pathAt, overridden)
	emit(opLevel, opAt, nil)
	return out
}

// paramSources maps "in\x00name" to where each entry of a written
// parameter list is, following $refs to read name and in. Matching by name
// and location rather than by index keeps Swagger 2.0 right, whose body and
// formData parameters the conversion moves out of the list.
func (r *refReader) paramSources(list source) map[string]source {
	out := map[string]source{}
	n := list.node()
	if n == nil || n.Kind != yaml.SequenceNode {
		return out
	}
	for i := range n.Content {
		at := list.child(strconv.Itoa(i))
		def := r.follow(at).node()
		if def == nil {
			continue
		}
		_, name := sourcemap.Member(def, "name")
		_, in := sourcemap.Member(def, "in")
		if name == nil || in == nil {
			continue
		}
		k := in.Value + "\x00" + name.Value
		if _, dup := out[k]; !dup {
			out[k] = at
		}
	}
	return out
}

// maxRefHops bounds how many $refs follow chases, against ref cycles.
const maxRefHops = 16

// follow returns where the object at s is defined: s itself, or what its
// $ref names when that is in a loaded file. It stops at the last place it
// could resolve.
func (r *refReader) follow(s source) source {
	for hop := 0; hop < maxRefHops; hop++ {
		n := s.node()
		if n == nil {
			return s
		}
		_, ref := sourcemap.Member(n, "$ref")
		if ref == nil || ref.Kind != yaml.ScalarNode {
			return s
		}
		next, ok := r.resolveSource(s.file, ref.Value)
		if !ok {
			return s
		}
		s = next
	}
	return s
}

// resolveSource turns a $ref written in file f into a place in a loaded
// file.
func (r *refReader) resolveSource(f *surface.File, ref string) (source, bool) {
	u, err := url.Parse(ref)
	if err != nil {
		return source{}, false
	}
	frag := u.Fragment
	target := f
	if u.Path != "" || u.Scheme != "" || u.Host != "" {
		if !isFileURL(u) {
			return source{}, false
		}
		p := u.Path
		if !path.IsAbs(p) {
			p = path.Join(path.Dir(filepath.ToSlash(f.Abs)), p)
		}
		target = r.files[filepath.Clean(filepath.FromSlash(p))]
		if target == nil {
			return source{}, false
		}
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return source{}, false // a named anchor, not a pointer
	}
	return source{file: target, ptr: frag}, true
}
