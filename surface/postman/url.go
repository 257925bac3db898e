package postman

import (
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
)

// requestURL is a request's URL as written, in parts.
type requestURL struct {
	raw      string
	segments []pathSegment
	query    []queryParam
	pathVars []pathVar
}

type pathSegment struct {
	text    string
	pointer string // where the segment is written; the url for string URLs
}

type queryParam struct {
	key, value string
	disabled   bool
	pointer    string
}

type pathVar struct {
	key, value string
	disabled   bool
	pointer    string
}

// parseURL reads a url member: a string or an object.
func parseURL(f *surface.File, n *yaml.Node, ptr string) (*requestURL, error) {
	u := &requestURL{}
	switch {
	case isNull(n):
		return u, nil
	case isString(n):
		u.raw = n.Value
		u.fromRaw(ptr)
		return u, nil
	case n.Kind != yaml.MappingNode:
		return nil, shapeError(f, ptr, "postman: url is %s, want a string or an object", kindName(n))
	}
	u.raw = text(member(n, "raw"))
	host, err := hostText(f, member(n, "host"), child(ptr, "host"))
	if err != nil {
		return nil, err
	}
	if err := u.readPath(f, member(n, "path"), child(ptr, "path")); err != nil {
		return nil, err
	}
	if err := u.readQuery(f, member(n, "query"), child(ptr, "query")); err != nil {
		return nil, err
	}
	if vars := member(n, "variable"); !isNull(vars) {
		vp := child(ptr, "variable")
		if vars.Kind != yaml.SequenceNode {
			return nil, shapeError(f, vp, "postman: url variable is %s, want an array", kindName(vars))
		}
		for i, v := range vars.Content {
			p := index(vp, i)
			if v.Kind != yaml.MappingNode {
				return nil, shapeError(f, p, "postman: url variable is %s, want an object", kindName(v))
			}
			key := text(member(v, "key"))
			if key == "" {
				key = text(member(v, "id"))
			}
			u.pathVars = append(u.pathVars, pathVar{key: key, value: text(member(v, "value")), disabled: truthy(member(v, "disabled")), pointer: p})
		}
	}
	if u.raw == "" && (host != "" || len(u.segments) > 0) {
		u.raw = u.build(text(member(n, "protocol")), host, text(member(n, "port")), text(member(n, "hash")))
	}
	if len(u.segments) == 0 && member(n, "path") == nil {
		// Only raw is written: take path and query from it.
		u.fromRawKeepQuery(ptr)
	}
	return u, nil
}

func hostText(f *surface.File, n *yaml.Node, ptr string) (string, error) {
	switch {
	case isNull(n):
		return "", nil
	case n.Kind == yaml.ScalarNode:
		return n.Value, nil
	case n.Kind == yaml.SequenceNode:
		parts := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			parts = append(parts, text(c))
		}
		return strings.Join(parts, "."), nil
	}
	return "", shapeError(f, ptr, "postman: url host is %s, want a string or an array", kindName(n))
}

func (u *requestURL) readPath(f *surface.File, n *yaml.Node, ptr string) error {
	switch {
	case isNull(n):
		return nil
	case n.Kind == yaml.ScalarNode:
		for _, s := range splitPath(n.Value) {
			u.segments = append(u.segments, pathSegment{text: s, pointer: ptr})
		}
		return nil
	case n.Kind == yaml.MappingNode: // {type, value}
		for _, s := range splitPath(text(member(n, "value"))) {
			u.segments = append(u.segments, pathSegment{text: s, pointer: ptr})
		}
		return nil
	case n.Kind == yaml.SequenceNode:
		for i, c := range n.Content {
			s := text(c)
			if c.Kind == yaml.MappingNode {
				s = text(member(c, "value"))
			}
			u.segments = append(u.segments, pathSegment{text: s, pointer: index(ptr, i)})
		}
		return nil
	}
	return shapeError(f, ptr, "postman: url path is %s, want a string, an array or an object", kindName(n))
}

func (u *requestURL) readQuery(f *surface.File, n *yaml.Node, ptr string) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return shapeError(f, ptr, "postman: url query is %s, want an array", kindName(n))
	}
	for i, q := range n.Content {
		p := index(ptr, i)
		if q.Kind != yaml.MappingNode {
			return shapeError(f, p, "postman: query parameter is %s, want an object", kindName(q))
		}
		u.query = append(u.query, queryParam{key: text(member(q, "key")), value: text(member(q, "value")), disabled: truthy(member(q, "disabled")), pointer: p})
	}
	return nil
}

// build writes a URL from its parts, for objects without raw.
func (u *requestURL) build(protocol, host, port, hash string) string {
	var b strings.Builder
	if protocol != "" {
		b.WriteString(strings.TrimSuffix(protocol, "://"))
		b.WriteString("://")
	}
	b.WriteString(host)
	if port != "" {
		b.WriteString(":")
		b.WriteString(port)
	}
	for _, s := range u.segments {
		b.WriteString("/")
		b.WriteString(s.text)
	}
	sep := "?"
	for _, q := range u.query {
		if q.disabled {
			continue
		}
		b.WriteString(sep)
		b.WriteString(q.key)
		if q.value != "" {
			b.WriteString("=")
			b.WriteString(q.value)
		}
		sep = "&"
	}
	if hash != "" {
		b.WriteString("#")
		b.WriteString(hash)
	}
	return b.String()
}

// fromRaw takes path segments and query parameters from the raw URL.
func (u *requestURL) fromRaw(ptr string) {
	_, path, query := splitRaw(u.raw)
	for _, s := range splitPath(path) {
		u.segments = append(u.segments, pathSegment{text: s, pointer: ptr})
	}
	u.query = append(u.query, parseQuery(query, ptr)...)
}

// fromRawKeepQuery is fromRaw for an object URL that may list its query.
func (u *requestURL) fromRawKeepQuery(ptr string) {
	q := u.query
	u.query = nil
	u.fromRaw(child(ptr, "raw"))
	if len(q) > 0 {
		u.query = q
	}
}

func parseQuery(query, ptr string) []queryParam {
	if query == "" {
		return nil
	}
	var out []queryParam
	for _, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, queryParam{key: k, value: v, pointer: ptr})
	}
	return out
}

// splitRaw splits a URL as written into everything before the path
// (scheme and host), the path and the query. Separators inside {{...}} do
// not count, so {{a/b}} stays one name.
func splitRaw(raw string) (prefix, path, query string) {
	s := raw
	if i := indexOutsideVars(s, '#'); i >= 0 {
		s = s[:i]
	}
	if i := indexOutsideVars(s, '?'); i >= 0 {
		s, query = s[:i], s[i+1:]
	}
	hostStart := 0
	if i := strings.Index(s, "://"); i >= 0 && indexOutsideVars(s[:i], '/') < 0 {
		hostStart = i + 3
	}
	if i := indexOutsideVars(s[hostStart:], '/'); i >= 0 {
		return s[:hostStart+i], s[hostStart+i:], query
	}
	return s, "", query
}

// indexOutsideVars is strings.IndexByte skipping {{...}} references.
func indexOutsideVars(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '{' && i+1 < len(s) && s[i+1] == '{' {
			if end := strings.Index(s[i+2:], "}}"); end >= 0 {
				i += 2 + end + 1
				continue
			}
		}
		if s[i] == c {
			return i
		}
	}
	return -1
}

// splitPath splits "/a/b" or "a/b" into segments, keeping a trailing empty
// segment for a trailing slash.
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// template is the operation path: ":id" becomes "{id}", {{var}} becomes
// "{var}".
func (u *requestURL) template() string {
	if len(u.segments) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, s := range u.segments {
		b.WriteByte('/')
		if name, ok := strings.CutPrefix(s.text, ":"); ok && name != "" {
			b.WriteString("{" + name + "}")
			continue
		}
		b.WriteString(braceVars(s.text))
	}
	return b.String()
}

// braceVars turns each {{name}} into {name}.
func braceVars(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteString("{" + s[i+2:i+2+j] + "}")
		s = s[i+2+j+2:]
	}
	b.WriteString(s)
	return b.String()
}

// withPathVars replaces ":name" path segments of the raw URL with the
// URL's enabled, non-empty path variables.
func (u *requestURL) withPathVars() string {
	vals := map[string]string{}
	for _, v := range u.pathVars {
		if !v.disabled && v.value != "" {
			vals[v.key] = v.value
		}
	}
	if len(vals) == 0 {
		return u.raw
	}
	prefix, path, _ := splitRaw(u.raw)
	if path == "" {
		return u.raw
	}
	rest := u.raw[len(prefix)+len(path):]
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			if v, ok := vals[name]; ok {
				segs[i] = v
			}
		}
	}
	return prefix + strings.Join(segs, "/") + rest
}

// parameters lists the enabled query parameters and the path parameters.
func (u *requestURL) parameters(f *surface.File) []surface.Parameter {
	var out []surface.Parameter
	declared := make(map[string]string, len(u.pathVars))
	for _, v := range u.pathVars {
		if _, seen := declared[v.key]; !seen {
			declared[v.key] = v.pointer
		}
	}
	for _, s := range u.segments {
		name, ok := strings.CutPrefix(s.text, ":")
		if !ok || name == "" {
			continue
		}
		loc := f.Locate(s.pointer)
		if p, ok := declared[name]; ok {
			loc = f.Locate(p)
		}
		out = append(out, surface.Parameter{Name: name, In: "path", Required: true, Location: loc})
	}
	for _, q := range u.query {
		if q.disabled || q.key == "" {
			continue
		}
		out = append(out, surface.Parameter{Name: q.key, In: "query", Location: f.Locate(q.pointer)})
	}
	return out
}
