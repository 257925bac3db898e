package postman

import (
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
)

// maxFolderDepth bounds folder nesting whatever limits the tree was parsed
// with.
const maxFolderDepth = 256

// LoadCollection reads a Postman v2.0 or v2.1 collection: one operation per
// request, at any folder depth, with variables resolved against the
// collection, its folders and envs (the first environment that defines a
// name wins), and auth inherited from the collection and folders.
func LoadCollection(f *surface.File, envs []*surface.Environment) (*surface.API, error) {
	if f.Tree == nil || f.Tree.Root == nil {
		return nil, &Error{File: f.Path, Msg: "postman collection: file has no parsed document"}
	}
	root, base := collectionRoot(f.Tree.Root)
	if root == nil {
		return nil, shapeError(f, "", "not a Postman collection (info.schema does not name the v2.0.0 or v2.1.0 collection schema)")
	}
	format := schemaFormat(member(member(root, "info"), "schema"))
	info := member(root, "info")
	api := &surface.API{
		File:    f,
		Format:  format,
		Title:   text(member(info, "name")),
		Version: versionText(member(info, "version")),
	}
	l := &loader{f: f, api: api}

	vars, setVars, err := readVariables(f, member(root, "variable"), base+"/variable")
	if err != nil {
		return nil, err
	}
	api.Variables = vars
	sc := scope{env: mergeEnvironments(envs), budget: newBudget(len(f.Data))}.with(setVars)

	auth, err := parseAuth(f, member(root, "auth"), base+"/auth")
	if err != nil {
		return nil, err
	}
	items := member(root, "item")
	if items == nil {
		return nil, shapeError(f, base, "postman collection: missing \"item\"")
	}
	if names := setNames(items, 0); len(names) > 0 {
		l.runtime, l.defaults = names, map[string]string{}
		for n := range names {
			if v, ok := sc.lookup(n); ok {
				l.defaults[n] = sc.resolve(v)
			}
		}
	}
	if err := l.items(items, base+"/item", frame{scope: sc, auth: auth}, 0); err != nil {
		return nil, err
	}
	return api, nil
}

// setNames are the variables the test scripts of any item set, at any
// folder depth (folders' and items' own events).
func setNames(items *yaml.Node, depth int) map[string]bool {
	out := map[string]bool{}
	if items == nil || items.Kind != yaml.SequenceNode || depth > maxFolderDepth {
		return out
	}
	for _, it := range items.Content {
		if it.Kind != yaml.MappingNode {
			continue
		}
		for _, set := range readEvents(nil, member(it, "event"), "") {
			out[set.Name] = true
		}
		for n := range setNames(member(it, "item"), depth+1) {
			out[n] = true
		}
	}
	return out
}

// versionText reads info.version: a string or {major, minor, patch,
// identifier}.
func versionText(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.MappingNode {
		return text(n)
	}
	v := text(member(n, "major")) + "." + text(member(n, "minor")) + "." + text(member(n, "patch"))
	if id := text(member(n, "identifier")); id != "" {
		v += "-" + id
	}
	return v
}

// mergeEnvironments flattens environments into one layer: the first
// environment that defines an enabled name wins.
func mergeEnvironments(envs []*surface.Environment) varSet {
	merged := varSet{}
	for _, e := range envs {
		if e == nil {
			continue
		}
		for _, v := range e.Variables {
			if !v.Enabled {
				continue
			}
			if _, ok := merged[v.Key]; !ok {
				merged[v.Key] = v.Value
			}
		}
	}
	return merged
}

// readVariables reads a variable[] list of a collection, folder or item.
// It returns them all and a layer of the enabled ones (later definitions
// of a name win within one list).
func readVariables(f *surface.File, n *yaml.Node, ptr string) ([]surface.Variable, varSet, error) {
	if isNull(n) {
		return nil, nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, nil, shapeError(f, ptr, "postman: variable is %s, want an array", kindName(n))
	}
	var vars []surface.Variable
	set := varSet{}
	for i, v := range n.Content {
		p := index(ptr, i)
		if v.Kind != yaml.MappingNode {
			return nil, nil, shapeError(f, p, "postman: variable is %s, want an object", kindName(v))
		}
		key := text(member(v, "key"))
		if key == "" {
			key = text(member(v, "id"))
		}
		typ := text(member(v, "type"))
		if typ == "" {
			typ = "default"
		}
		sv := surface.Variable{
			Key:      key,
			Value:    text(member(v, "value")),
			Type:     typ,
			Enabled:  !truthy(member(v, "disabled")),
			Location: f.Locate(child(p, "value")),
		}
		vars = append(vars, sv)
		if sv.Enabled && key != "" {
			set[key] = sv.Value
		}
	}
	return vars, set, nil
}

type loader struct {
	f   *surface.File
	api *surface.API
	// runtime are the variables some test script sets, with the values
	// the files give them; nil when no script sets one.
	runtime  map[string]bool
	defaults map[string]string
}

// frame is what a folder passes down to its items.
type frame struct {
	scope scope
	// auth is the nearest declared auth above, nil when none.
	auth  *declaredAuth
	names []string
}

func (l *loader) items(n *yaml.Node, ptr string, fr frame, depth int) error {
	if n.Kind != yaml.SequenceNode {
		return shapeError(l.f, ptr, "postman: item is %s, want an array", kindName(n))
	}
	if depth > maxFolderDepth {
		return shapeError(l.f, ptr, "postman: folders nest deeper than %d levels", maxFolderDepth)
	}
	for i, it := range n.Content {
		p := index(ptr, i)
		if it.Kind != yaml.MappingNode {
			return shapeError(l.f, p, "postman: item is %s, want an object", kindName(it))
		}
		nameNode := member(it, "name")
		if nameNode != nil && !isScalar(nameNode) {
			return shapeError(l.f, child(p, "name"), "postman: item name is %s, want a string", kindName(nameNode))
		}
		name := text(nameNode)
		_, vars, err := readVariables(l.f, member(it, "variable"), child(p, "variable"))
		if err != nil {
			return err
		}
		sub := frame{scope: fr.scope.with(vars), auth: fr.auth, names: append(fr.names[:len(fr.names):len(fr.names)], name)}
		if children := member(it, "item"); !isNull(children) {
			auth, err := parseAuth(l.f, member(it, "auth"), child(p, "auth"))
			if err != nil {
				return err
			}
			if auth != nil {
				sub.auth = auth
			}
			if err := l.items(children, child(p, "item"), sub, depth+1); err != nil {
				return err
			}
			continue
		}
		op, err := l.operation(it, p, sub)
		if err != nil {
			return err
		}
		l.api.Operations = append(l.api.Operations, op)
	}
	return nil
}

// operation turns a request item into an operation.
func (l *loader) operation(it *yaml.Node, ptr string, fr frame) (*surface.Operation, error) {
	f := l.f
	name := fr.names[len(fr.names)-1]
	rp := child(ptr, "request")
	rn := member(it, "request")
	if rn == nil {
		return nil, shapeError(f, ptr, "postman: item %q has neither \"item\" nor \"request\"", name)
	}
	req := &surface.Request{Name: name, Location: f.Locate(rp)}
	var (
		u        *requestURL
		declared *declaredAuth
		rawBody  string
		err      error
	)
	switch {
	case rn.Kind == yaml.ScalarNode && rn.Tag == "!!str": // a GET URL
		req.Method = "GET"
		if u, err = parseURL(f, rn, rp); err != nil {
			return nil, err
		}
	case rn.Kind == yaml.MappingNode:
		m := member(rn, "method")
		if m != nil && !isScalar(m) {
			return nil, shapeError(f, child(rp, "method"), "postman: method is %s, want a string", kindName(m))
		}
		req.Method = strings.ToUpper(strings.TrimSpace(text(m)))
		if req.Method == "" {
			req.Method = "GET"
		}
		if u, err = parseURL(f, member(rn, "url"), child(rp, "url")); err != nil {
			return nil, err
		}
		if req.Headers, err = readHeaders(f, member(rn, "header"), child(rp, "header"), fr.scope); err != nil {
			return nil, err
		}
		if req.BodyMode, rawBody, err = readBody(f, member(rn, "body"), child(rp, "body")); err != nil {
			return nil, err
		}
		req.Body = fr.scope.resolve(rawBody)
		if declared, err = parseAuth(f, member(rn, "auth"), child(rp, "auth")); err != nil {
			return nil, err
		}
	default:
		return nil, shapeError(f, rp, "postman: request is %s, want a string or an object", kindName(rn))
	}
	req.RawURL = u.raw
	req.URL = fr.scope.resolve(u.withPathVars())
	req.Sets = readEvents(f, member(it, "event"), child(ptr, "event"))
	if l.runtime != nil {
		rt := fr.scope.masking(l.runtime)
		req.Runtime = &surface.RuntimeRequest{URL: rt.resolve(u.withPathVars()), Body: rt.resolve(rawBody), Defaults: l.defaults}
		for _, h := range req.Headers {
			req.Runtime.Headers = append(req.Runtime.Headers, rt.resolve(h.RawValue))
		}
	}

	op := &surface.Operation{
		Method:      req.Method,
		Path:        u.template(),
		OperationID: text(member(it, "id")),
		Summary:     name,
		Location:    f.Locate(ptr),
		Parameters:  u.parameters(f),
		Request:     req,
	}
	if op.OperationID == "" {
		op.OperationID = strings.Join(fr.names, "/")
	}
	for _, h := range req.Headers {
		if !h.Disabled && h.Name != "" {
			op.Parameters = append(op.Parameters, surface.Parameter{Name: h.Name, In: "header", Location: h.Location})
		}
	}
	switch {
	case declared != nil:
		op.Auth = declared.resolve(fr.scope, false)
	case fr.auth != nil:
		op.Auth = fr.auth.resolve(fr.scope, true)
	}
	return op, nil
}

// readHeaders reads a header member: an array of {key, value, disabled} or
// a raw "Name: value" string, one per line, "//" marking a disabled line.
func readHeaders(f *surface.File, n *yaml.Node, ptr string, s scope) ([]surface.Header, error) {
	switch {
	case isNull(n):
		return nil, nil
	case isString(n):
		loc := f.Locate(ptr)
		var out []surface.Header
		for _, line := range strings.Split(n.Value, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			disabled := false
			if rest, ok := strings.CutPrefix(line, "//"); ok {
				disabled, line = true, strings.TrimSpace(rest)
			}
			k, v, _ := strings.Cut(line, ":")
			v = strings.TrimSpace(v)
			out = append(out, surface.Header{Name: strings.TrimSpace(k), Value: s.resolve(v), RawValue: v, Disabled: disabled, Location: loc})
		}
		return out, nil
	case n.Kind == yaml.SequenceNode:
		out := make([]surface.Header, 0, len(n.Content))
		for i, h := range n.Content {
			p := index(ptr, i)
			if h.Kind != yaml.MappingNode {
				return nil, shapeError(f, p, "postman: header is %s, want an object", kindName(h))
			}
			loc := f.Locate(p)
			if member(h, "value") != nil {
				loc = f.Locate(child(p, "value"))
			}
			v := text(member(h, "value"))
			out = append(out, surface.Header{Name: text(member(h, "key")), Value: s.resolve(v), RawValue: v, Disabled: truthy(member(h, "disabled")), Location: loc})
		}
		return out, nil
	}
	return nil, shapeError(f, ptr, "postman: header is %s, want an array or a string", kindName(n))
}

// readBody returns the body mode and the body as written: raw text,
// urlencoded and formdata as k=v&k=v (enabled fields only, files as
// k=@src), a file's src or content, a GraphQL query and its variables.
func readBody(f *surface.File, n *yaml.Node, ptr string) (mode, body string, err error) {
	if isNull(n) {
		return "", "", nil
	}
	if n.Kind != yaml.MappingNode {
		return "", "", shapeError(f, ptr, "postman: body is %s, want an object", kindName(n))
	}
	mode = text(member(n, "mode"))
	switch mode {
	case "raw":
		return mode, text(member(n, "raw")), nil
	case "urlencoded", "formdata":
		fields := member(n, mode)
		if isNull(fields) {
			return mode, "", nil
		}
		fp := child(ptr, mode)
		if fields.Kind != yaml.SequenceNode {
			return "", "", shapeError(f, fp, "postman: %s body is %s, want an array", mode, kindName(fields))
		}
		var parts []string
		for i, e := range fields.Content {
			if e.Kind != yaml.MappingNode {
				return "", "", shapeError(f, index(fp, i), "postman: %s field is %s, want an object", mode, kindName(e))
			}
			if truthy(member(e, "disabled")) {
				continue
			}
			v := text(member(e, "value"))
			if text(member(e, "type")) == "file" {
				v = "@" + text(member(e, "src"))
			}
			parts = append(parts, text(member(e, "key"))+"="+v)
		}
		return mode, strings.Join(parts, "&"), nil
	case "file":
		file := member(n, "file")
		if file != nil && file.Kind == yaml.MappingNode {
			if c := text(member(file, "content")); c != "" {
				return mode, c, nil
			}
			return mode, text(member(file, "src")), nil
		}
		return mode, text(file), nil
	case "graphql":
		g := member(n, "graphql")
		if g == nil || g.Kind != yaml.MappingNode {
			return mode, text(g), nil
		}
		body = text(member(g, "query"))
		if vars := text(member(g, "variables")); vars != "" {
			body += "\n" + vars
		}
		return mode, body, nil
	case "":
		return "", "", nil
	default:
		// An unknown mode: keep whatever is written under its name.
		return mode, text(member(n, mode)), nil
	}
}
