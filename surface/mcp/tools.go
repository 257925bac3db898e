package mcp

import (
	"strconv"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Tool is one tool of a tools/list answer.
type Tool struct {
	Name string
	// Pointer is the tool's object; NamePointer its name.
	Pointer     string
	NamePointer string
	// Description is the tool's description; Text is "" when absent.
	Description Value
	// Params are the inputSchema's top-level properties, in file order.
	Params []Param
	// Annotations are the tool's behaviour hints (MCP ToolAnnotations).
	Annotations Annotations
}

// Annotations are the hints of a tool's "annotations" member. Pointer is
// "" when the tool has none.
type Annotations struct {
	Pointer string
	// Title is the human-readable title; Text is "" when absent.
	Title       Value
	ReadOnly    Hint
	Destructive Hint
}

// Hint is one boolean annotation: Set tells whether the tool writes it;
// Pointer names its value when it does.
type Hint struct {
	Set     bool
	Value   bool
	Pointer string
}

// Param is one input property of a tool.
type Param struct {
	Name    string
	Pointer string
	// Type is "string" when the property's type is "string" or a list
	// holding it, else the written type name ("" when absent).
	Type        string
	Description Value
	// Bounds are the JSON Schema keywords that restrict a string's values
	// (enum, const, pattern, maxLength, format), in that order.
	Bounds []string
}

// Tools lists the tools of a tools/list answer; other formats have none.
func Tools(t *sourcemap.Tree, format surface.Format) []Tool {
	if t == nil || t.Root == nil || format != surface.FormatMCPTools {
		return nil
	}
	base, list := toolsList(t.Root)
	if list == nil {
		return nil
	}
	var out []Tool
	for i, n := range list.Content {
		ptr := base + "/" + strconv.Itoa(i)
		_, name := sourcemap.Member(n, "name")
		tool := Tool{Name: name.Value, Pointer: ptr, NamePointer: ptr + "/name", Description: stringAt(n, "description", ptr)}
		_, schema := sourcemap.Member(n, "inputSchema")
		if _, props := sourcemap.Member(schema, "properties"); props != nil && props.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(props.Content); j += 2 {
				pname, p := props.Content[j].Value, props.Content[j+1]
				pp := ptr + "/inputSchema/properties/" + sourcemap.EscapeToken(pname)
				tool.Params = append(tool.Params, Param{
					Name: pname, Pointer: pp, Type: typeName(p),
					Description: stringAt(p, "description", pp), Bounds: stringBounds(p),
				})
			}
		}
		if _, ann := sourcemap.Member(n, "annotations"); ann != nil && ann.Kind == yaml.MappingNode {
			ap := ptr + "/annotations"
			tool.Annotations = Annotations{
				Pointer:     ap,
				Title:       stringAt(ann, "title", ap),
				ReadOnly:    hintAt(ann, "readOnlyHint", ap),
				Destructive: hintAt(ann, "destructiveHint", ap),
			}
		}
		out = append(out, tool)
	}
	return out
}

// ServerName is the server's name a captured answer carries in a
// "serverInfo" member (at the root or in a JSON-RPC "result", as captures
// that join the initialize and tools/list answers write it); "" when none.
func ServerName(t *sourcemap.Tree) string {
	if t == nil || t.Root == nil {
		return ""
	}
	for _, holder := range []*yaml.Node{t.Root, member(t.Root, "result")} {
		if name := member(member(holder, "serverInfo"), "name"); isString(name) {
			return name.Value
		}
	}
	return ""
}

func member(n *yaml.Node, key string) *yaml.Node {
	_, v := sourcemap.Member(n, key)
	return v
}

func typeName(p *yaml.Node) string {
	typ := member(p, "type")
	switch {
	case isString(typ):
		return typ.Value
	case typ != nil && typ.Kind == yaml.SequenceNode:
		for _, t := range typ.Content {
			if isString(t) && t.Value == "string" {
				return "string"
			}
		}
	}
	return ""
}

// stringBounds lists the keywords of a property that restrict its values.
func stringBounds(p *yaml.Node) []string {
	var out []string
	for _, key := range []string{"enum", "const", "pattern", "maxLength", "format"} {
		if v := member(p, key); v != nil && !(v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
			out = append(out, key)
		}
	}
	return out
}

func hintAt(holder *yaml.Node, key, base string) Hint {
	v := member(holder, key)
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
		return Hint{}
	}
	b, err := strconv.ParseBool(v.Value)
	if err != nil {
		return Hint{}
	}
	return Hint{Set: true, Value: b, Pointer: base + "/" + key}
}

func stringAt(holder *yaml.Node, key, base string) Value {
	if holder == nil || holder.Kind != yaml.MappingNode {
		return Value{}
	}
	if _, v := sourcemap.Member(holder, key); isString(v) {
		return Value{Text: v.Value, Node: v, Pointer: base + "/" + key}
	}
	return Value{}
}
