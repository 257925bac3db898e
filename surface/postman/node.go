package postman

import (
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Error is a problem with the shape of a collection or environment, at a
// position in the file.
type Error struct {
	File    string
	Line    int
	Column  int
	Pointer string
	Msg     string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// shapeError builds an Error at a pointer of the file.
func shapeError(f *surface.File, pointer, format string, args ...any) error {
	loc := f.Locate(pointer)
	return &Error{File: f.Path, Line: loc.Line, Column: loc.Column, Pointer: pointer, Msg: fmt.Sprintf(format, args...)}
}

// member returns a mapping member's value, nil when absent or when n is not
// a mapping.
func member(n *yaml.Node, key string) *yaml.Node {
	_, v := sourcemap.Member(n, key)
	return v
}

func child(pointer, token string) string { return sourcemap.JoinPointer(pointer, token) }

func index(pointer string, i int) string { return fmt.Sprintf("%s/%d", pointer, i) }

// isNull reports whether n is absent or a null.
func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func isScalar(n *yaml.Node) bool { return n != nil && n.Kind == yaml.ScalarNode }

// kindName describes a node for error messages.
func kindName(n *yaml.Node) string {
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "an object"
	case n.Kind == yaml.SequenceNode:
		return "an array"
	case n.Kind == yaml.AliasNode:
		return "an alias"
	case n.Tag == "!!null":
		return "null"
	case n.Tag == "!!bool":
		return "a boolean"
	case n.Tag == "!!int" || n.Tag == "!!float":
		return "a number"
	default:
		return "a string"
	}
}

// text turns a value of any JSON type into a string: scalars keep their
// literal text, null and absent become "", objects and arrays become
// compact JSON. Aliases are never followed.
func text(n *yaml.Node) string {
	if isNull(n) {
		return ""
	}
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	var b strings.Builder
	writeJSON(&b, n)
	return b.String()
}

// truthy reports whether a flag such as "disabled" is set: true, or the
// string "true".
func truthy(n *yaml.Node) bool {
	return isScalar(n) && n.Tag != "!!null" && strings.EqualFold(n.Value, "true")
}

func writeJSON(b *strings.Builder, n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			writeQuoted(b, n.Content[i].Value)
			b.WriteByte(':')
			writeJSON(b, n.Content[i+1])
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, c)
		}
		b.WriteByte(']')
	case yaml.AliasNode:
		writeQuoted(b, "*"+n.Value)
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			b.WriteString("null")
		case "!!bool", "!!int", "!!float":
			b.WriteString(n.Value)
		default:
			writeQuoted(b, n.Value)
		}
	default:
		b.WriteString("null")
	}
}

func writeQuoted(b *strings.Builder, s string) {
	q, err := json.Marshal(s)
	if err != nil { // cannot happen for a string; keep the text
		b.WriteString(s)
		return
	}
	b.Write(q)
}
