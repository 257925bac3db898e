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
}

// Param is one input property of a tool.
type Param struct {
	Name        string
	Pointer     string
	Type        string
	Description Value
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
				param := Param{Name: pname, Pointer: pp, Description: stringAt(p, "description", pp)}
				if _, typ := sourcemap.Member(p, "type"); isString(typ) {
					param.Type = typ.Value
				}
				tool.Params = append(tool.Params, param)
			}
		}
		out = append(out, tool)
	}
	return out
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
