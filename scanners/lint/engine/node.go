package engine

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Node is a place in a loaded file: a value, the member key it is written
// under (nil for sequence items and document roots), the file and its RFC
// 6901 JSON pointer. Findings are reported at a Node, so they name the file
// where the offending key is written, its line and column, and a pointer
// that x-specter-ignore annotations match. The zero Node is "absent".
type Node struct {
	File  *surface.File
	Ptr   string
	Key   *yaml.Node
	Value *yaml.Node
}

// maxAliasHops bounds how many YAML aliases deref follows (alias cycles).
const maxAliasHops = 8

// deref follows YAML aliases to the node they name.
func deref(v *yaml.Node) *yaml.Node {
	for i := 0; v != nil && v.Kind == yaml.AliasNode && i < maxAliasHops; i++ {
		v = v.Alias
	}
	if v != nil && v.Kind == yaml.AliasNode {
		return nil
	}
	return v
}

// Exists reports whether the node is present.
func (n Node) Exists() bool { return n.Value != nil }

// IsMap reports whether the node is a mapping.
func (n Node) IsMap() bool { return n.Value != nil && n.Value.Kind == yaml.MappingNode }

// IsSeq reports whether the node is a sequence.
func (n Node) IsSeq() bool { return n.Value != nil && n.Value.Kind == yaml.SequenceNode }

// IsScalar reports whether the node is a scalar (null included).
func (n Node) IsScalar() bool { return n.Value != nil && n.Value.Kind == yaml.ScalarNode }

// Member returns the member called name of a mapping, or the zero Node. It
// does not follow $ref: see Document.Resolve.
func (n Node) Member(name string) Node {
	if !n.IsMap() {
		return Node{}
	}
	c := n.Value.Content
	for i := 0; i+1 < len(c); i += 2 {
		if c[i].Value == name {
			v := deref(c[i+1])
			if v == nil {
				return Node{}
			}
			return Node{File: n.File, Ptr: n.Ptr + "/" + sourcemap.EscapeToken(name), Key: c[i], Value: v}
		}
	}
	return Node{}
}

// Has reports whether a mapping has the member.
func (n Node) Has(name string) bool { return n.Member(name).Exists() }

// Members lists a mapping's members in written order, each as a Node whose
// Key is the member's key (so Name() is the key text).
func (n Node) Members() []Node {
	if !n.IsMap() {
		return nil
	}
	c := n.Value.Content
	out := make([]Node, 0, len(c)/2)
	for i := 0; i+1 < len(c); i += 2 {
		v := deref(c[i+1])
		if v == nil {
			continue
		}
		out = append(out, Node{File: n.File, Ptr: n.Ptr + "/" + sourcemap.EscapeToken(c[i].Value), Key: c[i], Value: v})
	}
	return out
}

// Items lists a sequence's items.
func (n Node) Items() []Node {
	if !n.IsSeq() {
		return nil
	}
	out := make([]Node, 0, len(n.Value.Content))
	for i, c := range n.Value.Content {
		v := deref(c)
		if v == nil {
			continue
		}
		out = append(out, Node{File: n.File, Ptr: n.Ptr + "/" + strconv.Itoa(i), Value: v})
	}
	return out
}

// Name is the member key's text, or "" for items and roots.
func (n Node) Name() string {
	if n.Key == nil {
		return ""
	}
	return n.Key.Value
}

// Str is a scalar's text, or "" for anything else.
func (n Node) Str() string {
	if !n.IsScalar() || n.Value.Tag == "!!null" {
		return ""
	}
	return n.Value.Value
}

// Bool reports whether the node is the scalar true.
func (n Node) Bool() bool { return n.IsScalar() && n.Value.Value == "true" }

// Int reads an integer scalar.
func (n Node) Int() (int64, bool) {
	if !n.IsScalar() {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(n.Value.Value), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(strings.TrimSpace(n.Value.Value), 64)
		if ferr != nil {
			return 0, false
		}
		return int64(f), true
	}
	return v, true
}

// Strings reads a scalar or a sequence of scalars as strings.
func (n Node) Strings() []string {
	if n.IsScalar() {
		if s := n.Str(); s != "" {
			return []string{s}
		}
		return nil
	}
	var out []string
	for _, it := range n.Items() {
		if s := it.Str(); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Location is where a finding at this node is reported: the member's key
// when there is one (the line a reader looks at), else the value.
func (n Node) Location() rules.Location {
	if n.File == nil {
		return rules.Location{}
	}
	loc := rules.Location{File: n.File.Path, Pointer: n.Ptr}
	at := n.Key
	if at == nil {
		at = n.Value
	}
	if at != nil {
		loc.Line, loc.Column = at.Line, at.Column
	}
	return loc
}

// same reports whether two nodes are the same written value.
// Same reports whether both nodes hold the same parse-tree value.
func (n Node) Same(o Node) bool { return n.Value != nil && n.Value == o.Value }
