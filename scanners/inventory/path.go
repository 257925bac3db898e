package inventory

import (
	"net/url"
	"strings"
)

// requestPath is a request target split for matching: segments are split
// on "/" before percent-decoding, so an encoded slash stays inside its
// segment; the query, fragment and ;matrix parameters are dropped; empty
// segments from "//" collapse.
type requestPath struct {
	segs     []string
	trailing bool // the path ended with "/"
}

func parsePath(target string) requestPath {
	if i := strings.IndexAny(target, "?#"); i >= 0 {
		target = target[:i]
	}
	var p requestPath
	p.trailing = len(target) > 1 && strings.HasSuffix(target, "/")
	for _, raw := range strings.Split(target, "/") {
		if i := strings.IndexByte(raw, ';'); i >= 0 {
			raw = raw[:i]
		}
		if raw == "" {
			continue
		}
		if strings.IndexByte(raw, '%') >= 0 {
			if dec, err := url.PathUnescape(raw); err == nil {
				raw = dec
			}
		}
		p.segs = append(p.segs, raw)
	}
	return p
}

// joinPath renders segments as a path.
func joinPath(segs []string) string {
	if len(segs) == 0 {
		return "/"
	}
	return "/" + strings.Join(segs, "/")
}

// splitTemplate splits a spec path template into segments.
func splitTemplate(path string) []string {
	var out []string
	for _, s := range strings.Split(path, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// isCatchAll reports whether a route a log names is a catch-all that says
// nothing about the endpoint ({proxy+}, $default, /*).
func isCatchAll(route string) bool {
	return route == "" || route == "$default" || strings.Contains(route, "+}") ||
		strings.Contains(route, "*") || route == "/" || strings.Contains(route, "{proxy}")
}

// structureKey replaces every {name} in a template with {} so templates
// that differ only in parameter names compare equal.
func structureKey(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		for {
			open := strings.IndexByte(s, '{')
			if open < 0 {
				b.WriteString(s)
				break
			}
			end := strings.IndexByte(s[open:], '}')
			if end < 0 {
				b.WriteString(s)
				break
			}
			b.WriteString(s[:open])
			b.WriteString("{}")
			s = s[open+end+1:]
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// routeSegments turns a route template from a log into spec-style
// segments: ":id" (Express, Postman) becomes "{id}".
func routeSegments(route string) []string {
	segs := splitTemplate(route)
	for i, s := range segs {
		if strings.HasPrefix(s, ":") && len(s) > 1 {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return segs
}
