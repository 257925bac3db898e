package postman

import (
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// OperationAt names the request a JSON pointer lies in the way
// LoadCollection names its operations (method, path template, item id or
// folder/name path) without loading the collection. It returns nil when the
// pointer is not inside a request item. Scanners that only have the parse
// tree use it to attach operations to findings.
func OperationAt(f *surface.File, pointer string) *rules.Operation {
	if f.Tree == nil {
		return nil
	}
	toks, err := sourcemap.SplitPointer(pointer)
	if err != nil {
		return nil
	}
	var names []string
	var item *yaml.Node
	itemPtr := ""
	for n := 2; n <= len(toks); n++ {
		if toks[n-2] != "item" {
			continue
		}
		p := sourcemap.JoinPointer("", toks[:n]...)
		node, _, ok := f.Tree.Lookup(p)
		if !ok || node.Kind != yaml.MappingNode {
			return nil
		}
		names = append(names, text(member(node, "name")))
		if member(node, "request") != nil {
			item, itemPtr = node, p
			break
		}
	}
	if item == nil {
		return nil
	}
	op := &rules.Operation{Method: "GET", OperationID: text(member(item, "id"))}
	if op.OperationID == "" {
		op.OperationID = strings.Join(names, "/")
	}
	req, reqPtr := member(item, "request"), child(itemPtr, "request")
	urlNode, urlPtr := req, reqPtr
	if req.Kind == yaml.MappingNode {
		if m := strings.ToUpper(strings.TrimSpace(text(member(req, "method")))); m != "" {
			op.Method = m
		}
		urlNode, urlPtr = member(req, "url"), child(reqPtr, "url")
	}
	if u, err := parseURL(f, urlNode, urlPtr); err == nil {
		op.Path = u.template()
	}
	return op
}
