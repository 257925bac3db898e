package postman

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Test scripts are JavaScript; this file reads the one idiom collections
// chain requests with, a variable set from the answer:
//
//	var data = pm.response.json();              // or JSON.parse(responseBody)
//	pm.environment.set("bookId", data.book.id); // collectionVariables, globals, variables
//	pm.collectionVariables.set("token", pm.response.json().access_token);
//	postman.setEnvironmentVariable("loc", postman.getResponseHeader("Location"));
//	pm.environment.set("first", data.items[0]["id"]);
//
// Anything else (computed values, conditionals around the set, helper
// functions) is kept with its source text and Source "" so the fuzzer can
// say it did not follow it; nothing is ever evaluated.

// maxScriptLines bounds how much of one script is read.
const maxScriptLines = 2000

// setCalls are the calls that set a variable, with the scope they set.
var setCalls = []struct{ call, scope string }{
	{"pm.environment.set(", "environment"},
	{"pm.collectionVariables.set(", "collection"},
	{"pm.globals.set(", "globals"},
	{"pm.variables.set(", "local"},
	{"postman.setEnvironmentVariable(", "environment"},
	{"postman.setGlobalVariable(", "globals"},
}

// answerRoots are the expressions that are the answer's parsed JSON body.
var answerRoots = []string{"pm.response.json()", "JSON.parse(responseBody)", "JSON.parse(pm.response.text())"}

// headerCalls read a response header by name.
var headerCalls = []string{"pm.response.headers.get(", "postman.getResponseHeader(", "pm.response.headers.one("}

// readEvents returns the variables the test scripts of an item's event
// list set from the answer, in script order (f nil: no locations).
func readEvents(f *surface.File, n *yaml.Node, ptr string) []surface.VariableSet {
	if isNull(n) || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []surface.VariableSet
	for i, ev := range n.Content {
		if ev.Kind != yaml.MappingNode || text(member(ev, "listen")) != "test" {
			continue
		}
		ep := child(index(ptr, i), "script")
		lines, locs := scriptLines(f, member(member(ev, "script"), "exec"), child(ep, "exec"))
		out = append(out, parseScript(lines, locs)...)
	}
	return out
}

// scriptLines returns a script's lines and where each is written.
func scriptLines(f *surface.File, n *yaml.Node, ptr string) ([]string, []rules.Location) {
	var lines []string
	var locs []rules.Location
	locate := func(p string) rules.Location {
		if f == nil {
			return rules.Location{}
		}
		return f.Locate(p)
	}
	add := func(s string, loc rules.Location) {
		for _, l := range strings.Split(s, "\n") {
			if len(lines) >= maxScriptLines {
				return
			}
			lines, locs = append(lines, l), append(locs, loc)
		}
	}
	switch {
	case isNull(n):
	case n.Kind == yaml.ScalarNode:
		add(n.Value, locate(ptr))
	case n.Kind == yaml.SequenceNode:
		for i, l := range n.Content {
			if l.Kind == yaml.ScalarNode {
				add(l.Value, locate(index(ptr, i)))
			}
		}
	}
	return lines, locs
}

// parseScript reads the variable sets of a script's lines. aliases are
// the variables that hold the answer (or a member of it) so far.
func parseScript(lines []string, locs []rules.Location) []surface.VariableSet {
	aliases := map[string]string{} // name -> JSON pointer it holds
	var out []surface.VariableSet
	for i, line := range lines {
		for _, stmt := range statements(line) {
			if name, expr, ok := declaration(stmt); ok {
				if p, ok := answerPointer(expr, aliases); ok {
					aliases[name] = p
				} else {
					delete(aliases, name)
				}
				continue
			}
			for _, sc := range setCalls {
				at := strings.Index(stmt, sc.call)
				if at < 0 {
					continue
				}
				args, ok := callArgs(stmt[at+len(sc.call)-1:])
				if !ok || len(args) != 2 {
					break
				}
				name, ok := stringLiteral(args[0])
				if !ok || name == "" {
					break
				}
				set := surface.VariableSet{Name: name, Scope: sc.scope, Script: strings.TrimSpace(stmt)}
				if i < len(locs) {
					set.Location = locs[i]
				}
				expr := strings.TrimSpace(args[1])
				switch p, ok := answerPointer(expr, aliases); {
				case ok:
					set.Source, set.Pointer = surface.SetFromBody, p
				default:
					if h, ok := headerRead(expr); ok {
						set.Source, set.Header = surface.SetFromHeader, h
					} else if v, ok := literal(expr); ok {
						set.Source, set.Value = surface.SetLiteral, v
					}
				}
				out = append(out, set)
				break
			}
		}
	}
	return out
}

// jsWalk walks JavaScript source byte by byte, skipping string literals
// (with their escapes) and counting bracket depth; at calls visit for each
// byte outside strings after the depth is updated for it, and stops when
// visit returns false.
func jsWalk(s string, visit func(i, depth int) bool) {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == '\\' {
				i++
			} else if ch == quote {
				quote = 0
			}
			continue
		case ch == '"' || ch == '\'' || ch == '`':
			quote = ch
			continue
		case ch == '(' || ch == '[' || ch == '{':
			depth++
		case ch == ')' || ch == ']' || ch == '}':
			depth--
		}
		if !visit(i, depth) {
			return
		}
	}
}

// statements splits a line at semicolons outside strings and brackets,
// and drops a trailing // comment.
func statements(line string) []string {
	var out []string
	start, end := 0, len(line)
	jsWalk(line, func(i, depth int) bool {
		switch {
		case line[i] == '/' && i+1 < len(line) && line[i+1] == '/':
			end = i
			return false
		case line[i] == ';' && depth <= 0:
			out = append(out, line[start:i])
			start = i + 1
		}
		return true
	})
	return nonEmpty(append(out, line[start:end]))
}

func nonEmpty(in []string) []string {
	out := in[:0]
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// declaration reads `var|let|const NAME = EXPR` (or `NAME = EXPR`).
func declaration(stmt string) (name, expr string, ok bool) {
	s := stmt
	for _, kw := range []string{"var ", "let ", "const "} {
		if rest, found := strings.CutPrefix(s, kw); found {
			s = rest
			break
		}
	}
	lhs, rhs, found := strings.Cut(s, "=")
	if !found || strings.HasPrefix(rhs, "=") || strings.HasSuffix(lhs, "!") || strings.HasSuffix(lhs, "<") || strings.HasSuffix(lhs, ">") {
		return "", "", false
	}
	lhs = strings.TrimSpace(lhs)
	if !isIdent(lhs) {
		return "", "", false
	}
	return lhs, strings.TrimSpace(rhs), true
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || r == '$' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// answerPointer turns an expression that reads the answer's JSON body
// (a root or an alias, then .member, ["member"] and [0] accessors) into a
// JSON pointer.
func answerPointer(expr string, aliases map[string]string) (string, bool) {
	expr = strings.TrimSpace(expr)
	for _, suffix := range []string{".toString()", ".valueOf()"} {
		expr = strings.TrimSuffix(expr, suffix)
	}
	base, rest := "", ""
	found := false
	for _, root := range answerRoots {
		if r, ok := strings.CutPrefix(expr, root); ok {
			base, rest, found = "", r, true
			break
		}
	}
	if !found {
		end := 0
		for end < len(expr) && (expr[end] == '_' || expr[end] == '$' || isAlnum(expr[end])) {
			end++
		}
		p, ok := aliases[expr[:end]]
		if !ok {
			return "", false
		}
		base, rest = p, expr[end:]
	}
	ptr := base
	for rest != "" {
		switch {
		case rest[0] == '.' || strings.HasPrefix(rest, "?."):
			rest = strings.TrimPrefix(strings.TrimPrefix(rest, "?"), ".")
			end := 0
			for end < len(rest) && (rest[end] == '_' || rest[end] == '$' || isAlnum(rest[end])) {
				end++
			}
			if end == 0 {
				return "", false
			}
			ptr += "/" + sourcemap.EscapeToken(rest[:end])
			rest = rest[end:]
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return "", false
			}
			key := strings.TrimSpace(rest[1:end])
			if s, ok := stringLiteral(key); ok {
				ptr += "/" + sourcemap.EscapeToken(s)
			} else if _, err := strconv.Atoi(key); err == nil {
				ptr += "/" + key
			} else {
				return "", false
			}
			rest = rest[end+1:]
		default:
			return "", false
		}
	}
	return ptr, true
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// headerRead reads pm.response.headers.get("Name") and its aliases.
func headerRead(expr string) (string, bool) {
	for _, call := range headerCalls {
		if rest, ok := strings.CutPrefix(expr, call); ok {
			args, ok := callArgs("(" + rest)
			if !ok || len(args) != 1 {
				return "", false
			}
			h, ok := stringLiteral(args[0])
			return h, ok && strings.TrimSpace(h) != ""
		}
	}
	return "", false
}

// literal reads a string or number literal.
func literal(expr string) (string, bool) {
	if s, ok := stringLiteral(expr); ok {
		return s, true
	}
	if _, err := strconv.ParseFloat(expr, 64); err == nil {
		return expr, true
	}
	return "", false
}

// stringLiteral reads a single- or double-quoted JavaScript string with
// no concatenation.
func stringLiteral(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || (s[0] != '"' && s[0] != '\'') || s[len(s)-1] != s[0] {
		return "", false
	}
	body := s[1 : len(s)-1]
	if strings.ContainsRune(body, rune(s[0])) && !strings.Contains(body, `\`) {
		return "", false
	}
	if s[0] == '"' {
		if v, err := strconv.Unquote(s); err == nil {
			return v, true
		}
		return "", false
	}
	return strings.ReplaceAll(body, `\'`, "'"), true
}

// callArgs splits the argument list of a call, s starting at its "(",
// at top-level commas; ok is false when the parenthesis does not close.
func callArgs(s string) ([]string, bool) {
	if s == "" || s[0] != '(' {
		return nil, false
	}
	start := 1
	var args []string
	closed := false
	jsWalk(s, func(i, depth int) bool {
		switch {
		case (s[i] == ')' || s[i] == ']' || s[i] == '}') && depth == 0:
			if a := strings.TrimSpace(s[start:i]); a != "" || len(args) > 0 {
				args = append(args, a)
			}
			closed = true
			return false
		case s[i] == ',' && depth == 1:
			args = append(args, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
		return true
	})
	if !closed {
		return nil, false
	}
	return args, true
}
