package postman

import (
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Detect tells a Postman collection (v2.0 or v2.1) or a Postman environment
// by its content; anything else is FormatOther. The rules are in the
// package documentation.
func Detect(t *sourcemap.Tree) surface.Format {
	if t == nil || t.Root == nil || t.Root.Kind != yaml.MappingNode {
		return surface.FormatOther
	}
	if c, _ := collectionRoot(t.Root); c != nil {
		return schemaFormat(member(member(c, "info"), "schema"))
	}
	if e, _ := environmentRoot(t.Root); e != nil {
		return surface.FormatPostmanEnvironment
	}
	return surface.FormatOther
}

// collectionRoot finds the collection object: the document itself, or its
// "collection" member as the Postman API returns it. It returns nil when
// neither names a v2 collection schema.
func collectionRoot(root *yaml.Node) (*yaml.Node, string) {
	if schemaFormat(member(member(root, "info"), "schema")) != surface.FormatOther {
		return root, ""
	}
	if member(root, "info") == nil {
		if c := member(root, "collection"); schemaFormat(member(member(c, "info"), "schema")) != surface.FormatOther {
			return c, "/collection"
		}
	}
	return nil, ""
}

// environmentRoot finds the environment object: the document itself, or
// its "environment" member as the Postman API returns it.
func environmentRoot(root *yaml.Node) (*yaml.Node, string) {
	if isEnvironment(root) {
		return root, ""
	}
	if member(root, "values") == nil {
		if e := member(root, "environment"); e != nil && e.Kind == yaml.MappingNode && isEnvironment(e) {
			return e, "/environment"
		}
	}
	return nil, ""
}

// schemaFormat maps a collection schema URL to its format.
func schemaFormat(n *yaml.Node) surface.Format {
	if !isScalar(n) {
		return surface.FormatOther
	}
	u := strings.TrimSpace(n.Value)
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(u, "http://"); !ok {
			return surface.FormatOther
		}
	}
	host, path, _ := strings.Cut(rest, "/")
	if host != "schema.getpostman.com" && host != "schema.postman.com" {
		return surface.FormatOther
	}
	collection, format := false, surface.FormatOther
	for _, seg := range strings.Split(path, "/") {
		switch seg {
		case "collection":
			collection = true
		case "v2.0.0":
			format = surface.FormatPostman20
		case "v2.1.0":
			format = surface.FormatPostman21
		}
	}
	if !collection {
		return surface.FormatOther
	}
	return format
}

// isEnvironment applies the conservative environment rule.
func isEnvironment(root *yaml.Node) bool {
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	values := member(root, "values")
	if values == nil || values.Kind != yaml.SequenceNode {
		return false
	}
	for _, v := range values.Content {
		if v.Kind != yaml.MappingNode || !isScalar(member(v, "key")) || member(v, "value") == nil {
			return false
		}
	}
	if scope := member(root, "_postman_variable_scope"); scope != nil {
		return isScalar(scope) && scope.Value == "environment"
	}
	id, name := member(root, "id"), member(root, "name")
	return isString(id) && isString(name) && member(root, "info") == nil && member(root, "item") == nil
}

func isString(n *yaml.Node) bool { return isScalar(n) && n.Tag == "!!str" }
