package postman

import (
	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
)

// LoadEnvironment reads a Postman environment export: its name and its
// variables, each located at its value.
func LoadEnvironment(f *surface.File) (*surface.Environment, error) {
	if f.Tree == nil || f.Tree.Root == nil {
		return nil, &Error{File: f.Path, Msg: "postman environment: file has no parsed document"}
	}
	if f.Tree.Root.Kind != yaml.MappingNode {
		return nil, shapeError(f, "", "postman environment: document is %s, want an object", kindName(f.Tree.Root))
	}
	root, base := environmentRoot(f.Tree.Root)
	if root == nil {
		return nil, shapeError(f, "", "not a Postman environment (want \"values\" as an array of {key, value} objects and \"_postman_variable_scope\": \"environment\")")
	}
	env := &surface.Environment{File: f, Name: text(member(root, "name"))}
	values := member(root, "values")
	for i, v := range values.Content {
		p := index(base+"/values", i)
		enabled := true
		if e := member(v, "enabled"); e != nil && !isNull(e) {
			if !isScalar(e) {
				return nil, shapeError(f, child(p, "enabled"), "postman environment: \"enabled\" is %s, want a boolean", kindName(e))
			}
			enabled = truthy(e)
		}
		typ := text(member(v, "type"))
		if typ == "" {
			typ = "default"
		}
		env.Variables = append(env.Variables, surface.Variable{
			Key:      text(member(v, "key")),
			Value:    text(member(v, "value")),
			Type:     typ,
			Enabled:  enabled,
			Location: f.Locate(child(p, "value")),
		})
	}
	return env, nil
}
