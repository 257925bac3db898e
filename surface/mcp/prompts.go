package mcp

import (
	"strconv"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Prompt is one prompt of a prompts/list answer captured with the tools
// (a "prompts" member beside "tools"): the client shows its name and the
// model reads its description and its arguments' descriptions.
type Prompt struct {
	Name        string
	NamePointer string
	Description Value
	Args        []Arg
}

// Arg is one argument of a prompt.
type Arg struct {
	Name        string
	Pointer     string
	Description Value
}

// Resource is one resource or resource template of a resources/list or
// resources/templates/list answer captured with the tools ("resources" or
// "resourceTemplates" beside "tools"); its name and description reach the
// model as the tools' do.
type Resource struct {
	// Kind is "resource" or "resource template".
	Kind        string
	Name        string
	NamePointer string
	Description Value
}

// Prompts lists the prompts captured with a tools/list answer; other
// formats, and answers without a "prompts" list, have none.
func Prompts(t *sourcemap.Tree, format surface.Format) []Prompt {
	base, list := capturedList(t, format, "prompts")
	var out []Prompt
	for i, n := range list {
		ptr := base + "/" + strconv.Itoa(i)
		name := member(n, "name")
		if n.Kind != yaml.MappingNode || !isString(name) {
			continue
		}
		p := Prompt{Name: name.Value, NamePointer: ptr + "/name", Description: stringAt(n, "description", ptr)}
		if args := member(n, "arguments"); args != nil && args.Kind == yaml.SequenceNode {
			for j, a := range args.Content {
				ap := ptr + "/arguments/" + strconv.Itoa(j)
				if an := member(a, "name"); isString(an) {
					p.Args = append(p.Args, Arg{Name: an.Value, Pointer: ap + "/name", Description: stringAt(a, "description", ap)})
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// Resources lists the resources and resource templates captured with a
// tools/list answer, in file order of their lists.
func Resources(t *sourcemap.Tree, format surface.Format) []Resource {
	var out []Resource
	for _, l := range []struct{ key, kind string }{{"resources", "resource"}, {"resourceTemplates", "resource template"}} {
		base, list := capturedList(t, format, l.key)
		for i, n := range list {
			ptr := base + "/" + strconv.Itoa(i)
			name := member(n, "name")
			if n.Kind != yaml.MappingNode || !isString(name) {
				continue
			}
			out = append(out, Resource{Kind: l.kind, Name: name.Value, NamePointer: ptr + "/name", Description: stringAt(n, "description", ptr)})
		}
	}
	return out
}

// capturedList returns the entries of the list named key that sits beside
// a tools/list answer's "tools" (at the root, or in a JSON-RPC "result"),
// and its pointer.
func capturedList(t *sourcemap.Tree, format surface.Format, key string) (string, []*yaml.Node) {
	if t == nil || t.Root == nil || format != surface.FormatMCPTools {
		return "", nil
	}
	base, tools := toolsList(t.Root)
	if tools == nil {
		return "", nil
	}
	holder, ptr := t.Root, ""
	if base == "/result/tools" {
		holder, ptr = member(t.Root, "result"), "/result"
	}
	list := member(holder, key)
	if list == nil || list.Kind != yaml.SequenceNode {
		return "", nil
	}
	return ptr + "/" + key, list.Content
}
