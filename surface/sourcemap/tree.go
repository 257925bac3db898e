// Package sourcemap parses JSON and YAML documents into a node tree that keeps
// 1-based line and column positions, and resolves RFC 6901 JSON pointers
// against it. Every format specter reads (OpenAPI, Postman, environments)
// goes through it so that findings can point at file, line and column.
package sourcemap

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// Limits bound the work Parse does on hostile input.
type Limits struct {
	MaxBytes int // refuse larger documents; 0 means DefaultMaxBytes
	MaxDepth int // refuse deeper nesting; 0 means DefaultMaxDepth
}

// Defaults for Limits.
const (
	DefaultMaxBytes = 64 << 20
	DefaultMaxDepth = 512
)

// ErrNotText is returned for input that is not UTF-8 text.
var ErrNotText = errors.New("not UTF-8 text")

// Tree is a parsed document. Root is a mapping, sequence or scalar node;
// aliases are kept as yaml.AliasNode and never expanded.
type Tree struct {
	Root *yaml.Node
}

// Parse reads a JSON or YAML document (JSON is parsed as YAML's subset) with
// default limits.
func Parse(data []byte) (*Tree, error) { return ParseWithLimits(data, Limits{}) }

// ParseWithLimits reads a JSON or YAML document, refusing input over the
// limits, invalid UTF-8 and NUL bytes with an error instead of a panic.
func ParseWithLimits(data []byte, lim Limits) (t *Tree, err error) {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultMaxBytes
	}
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultMaxDepth
	}
	if len(data) > lim.MaxBytes {
		return nil, fmt.Errorf("document is %d bytes, over the %d byte limit", len(data), lim.MaxBytes)
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return nil, ErrNotText
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if looksLikeJSON(data) {
		root, err := parseJSON(data, lim.MaxDepth)
		if err == nil {
			return &Tree{Root: root}, nil
		}
		var deep *depthError
		if errors.As(err, &deep) {
			return nil, err
		}
		// YAML flow style also starts with { or [: give it a chance, but
		// report the JSON error when it is not YAML either.
		if t, yerr := parseYAML(data, lim); yerr == nil {
			return t, nil
		}
		return nil, err
	}
	return parseYAML(data, lim)
}

// depthError reports a document nested deeper than the limit.
type depthError struct{ limit int }

func (e *depthError) Error() string {
	return fmt.Sprintf("document nests deeper than %d levels", e.limit)
}

func parseYAML(data []byte, lim Limits) (t *Tree, err error) {
	defer func() {
		if r := recover(); r != nil { // the YAML parser panics on a few malformed inputs
			t, err = nil, fmt.Errorf("malformed YAML: %v", r)
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("malformed YAML: %w", err)
	}
	root := &doc
	if doc.Kind == 0 {
		return nil, errors.New("empty document")
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, errors.New("empty document")
		}
		root = doc.Content[0]
	}
	if d := depth(root, 0, lim.MaxDepth); d > lim.MaxDepth {
		return nil, &depthError{limit: lim.MaxDepth}
	}
	return &Tree{Root: root}, nil
}

func looksLikeJSON(data []byte) bool {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	return len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
}

func depth(n *yaml.Node, d, limit int) int {
	if d > limit {
		return d
	}
	max := d
	for _, c := range n.Content {
		if cd := depth(c, d+1, limit); cd > max {
			max = cd
			if max > limit {
				return max
			}
		}
	}
	return max
}

// Member returns the key and value nodes of a mapping's member, or nils.
func Member(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// Lookup resolves a JSON pointer ("" is the root). It returns the value node
// and the node a finding should point at: the member's key for mapping
// members, the element itself for sequence items.
func (t *Tree) Lookup(pointer string) (value, anchor *yaml.Node, ok bool) {
	tokens, err := SplitPointer(pointer)
	if err != nil {
		return nil, nil, false
	}
	cur, at := t.Root, t.Root
	for _, tok := range tokens {
		switch cur.Kind {
		case yaml.MappingNode:
			k, v := Member(cur, tok)
			if k == nil {
				return nil, nil, false
			}
			cur, at = v, k
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(cur.Content) {
				return nil, nil, false
			}
			cur = cur.Content[i]
			at = cur
		default:
			return nil, nil, false
		}
	}
	return cur, at, true
}

// Position returns the 1-based line and column a pointer names. When the
// pointer does not resolve, it returns the position of the deepest ancestor
// that does, so a finding about a missing member points at its parent.
func (t *Tree) Position(pointer string) (line, col int) {
	tokens, err := SplitPointer(pointer)
	if err != nil {
		return t.Root.Line, t.Root.Column
	}
	for n := len(tokens); n >= 0; n-- {
		if _, at, ok := t.Lookup(JoinPointer("", tokens[:n]...)); ok {
			return at.Line, at.Column
		}
	}
	return t.Root.Line, t.Root.Column
}

// VisitFunc is called for every node in document order with its pointer;
// key is the member's key node for mapping members and nil otherwise.
// Returning false skips the node's children.
type VisitFunc func(pointer string, key, value *yaml.Node) bool

// Walk visits every node below the root. Aliases are visited as leaves and
// never followed, so alias bombs cost nothing.
func (t *Tree) Walk(fn VisitFunc) { walk("", nil, t.Root, fn) }

func walk(ptr string, key, n *yaml.Node, fn VisitFunc) {
	if !fn(ptr, key, n) {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			walk(ptr+"/"+EscapeToken(k.Value), k, n.Content[i+1], fn)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			walk(ptr+"/"+strconv.Itoa(i), nil, c, fn)
		}
	}
}

var (
	escaper   = strings.NewReplacer("~", "~0", "/", "~1")
	unescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

// EscapeToken escapes one reference token for use in a JSON pointer.
func EscapeToken(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return escaper.Replace(tok)
}

// JoinPointer appends unescaped tokens to a pointer.
func JoinPointer(base string, tokens ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, tok := range tokens {
		b.WriteByte('/')
		b.WriteString(EscapeToken(tok))
	}
	return b.String()
}

// SplitPointer splits a pointer into unescaped tokens.
func SplitPointer(pointer string) ([]string, error) {
	if pointer == "" {
		return nil, nil
	}
	if pointer[0] != '/' {
		return nil, fmt.Errorf("JSON pointer %q does not start with /", pointer)
	}
	parts := strings.Split(pointer[1:], "/")
	if strings.IndexByte(pointer, '~') < 0 {
		return parts, nil
	}
	for i, p := range parts {
		parts[i] = unescaper.Replace(p)
	}
	return parts, nil
}
