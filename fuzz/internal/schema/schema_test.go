package schema

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// load reads an OpenAPI document from testdata and binds each operation
// to its spec the way generate.Targets does, by method and path.
func load(t *testing.T, name string) map[string]*plan.Target {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("%s is not a valid document: %v", name, err)
	}
	api := &surface.API{OpenAPI: doc}
	out := map[string]*plan.Target{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			t := &plan.Target{API: api, Op: &surface.Operation{Method: method, Path: path}, Spec: op, PathItem: item}
			t.Seal()
			out[t.Key()] = t
		}
	}
	return out
}

func names(p Props) []string { return p.Names() }

func trueKeys(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func obj(props map[string]*openapi3.Schema, required ...string) *openapi3.Schema {
	s := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{}, Required: required}
	for k, v := range props {
		s.Properties[k] = &openapi3.SchemaRef{Value: v}
	}
	return s
}

func refs(ss ...*openapi3.Schema) openapi3.SchemaRefs {
	var out openapi3.SchemaRefs
	for _, s := range ss {
		out = append(out, &openapi3.SchemaRef{Value: s})
	}
	return out
}

var str = openapi3.NewStringSchema()

func TestProperties(t *testing.T) {
	deep := obj(map[string]*openapi3.Schema{"p5": str})
	for i := 4; i >= 0; i-- {
		deep = &openapi3.Schema{Properties: openapi3.Schemas{"p" + string(rune('0'+i)): {Value: str}}, AllOf: refs(deep)}
	}
	for _, tt := range []struct {
		name     string
		s        *openapi3.Schema
		props    []string
		required []string
	}{
		{"nil", nil, nil, nil},
		{"plain object", obj(map[string]*openapi3.Schema{"a": str, "b": str}, "a"), []string{"a", "b"}, []string{"a"}},
		{"allOf merged", &openapi3.Schema{
			Properties: openapi3.Schemas{"own": {Value: str}},
			AllOf:      refs(obj(map[string]*openapi3.Schema{"a": str}, "a"), obj(map[string]*openapi3.Schema{"b": str}, "b"), nil),
		}, []string{"a", "b", "own"}, []string{"a", "b"}},
		{"nested allOf", &openapi3.Schema{AllOf: refs(&openapi3.Schema{AllOf: refs(obj(map[string]*openapi3.Schema{"inner": str}, "inner"))})}, []string{"inner"}, []string{"inner"}},
		{"allOf nests up to four levels", deep, []string{"p0", "p1", "p2", "p3", "p4"}, nil},
		{"anyOf when no properties of its own", &openapi3.Schema{AnyOf: refs(str, obj(map[string]*openapi3.Schema{"x": str}, "x"), obj(map[string]*openapi3.Schema{"y": str}))}, []string{"x"}, []string{"x"}},
		{"oneOf when no properties of its own", &openapi3.Schema{OneOf: refs(&openapi3.Schema{}, obj(map[string]*openapi3.Schema{"y": str}))}, []string{"y"}, nil},
		{"anyOf before oneOf", &openapi3.Schema{AnyOf: refs(obj(map[string]*openapi3.Schema{"x": str})), OneOf: refs(obj(map[string]*openapi3.Schema{"y": str}))}, []string{"x"}, nil},
		{"oneOf when anyOf has no properties", &openapi3.Schema{AnyOf: refs(str), OneOf: refs(obj(map[string]*openapi3.Schema{"y": str}))}, []string{"y"}, nil},
		{"own properties win over alternatives", &openapi3.Schema{Properties: openapi3.Schemas{"own": {Value: str}}, AnyOf: refs(obj(map[string]*openapi3.Schema{"x": str}))}, []string{"own"}, nil},
		{"alternatives alongside allOf", &openapi3.Schema{AllOf: refs(obj(map[string]*openapi3.Schema{"a": str})), OneOf: refs(obj(map[string]*openapi3.Schema{"y": str}))}, []string{"a", "y"}, nil},
		{"alternative inside an allOf part", &openapi3.Schema{AllOf: refs(&openapi3.Schema{OneOf: refs(obj(map[string]*openapi3.Schema{"y": str}))})}, []string{"y"}, nil},
		{"no alternative with properties", &openapi3.Schema{AnyOf: refs(str, openapi3.NewIntegerSchema())}, nil, nil},
		{"nil members skipped", &openapi3.Schema{Properties: openapi3.Schemas{"a": nil, "b": {}, "c": {Value: str}}}, []string{"c"}, nil},
		{"required without properties", &openapi3.Schema{Required: []string{"r"}}, nil, []string{"r"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			props, req := Properties(tt.s)
			if props == nil || req == nil {
				t.Fatal("nil maps")
			}
			if got := names(props); !slices.Equal(got, tt.props) && !(len(got) == 0 && len(tt.props) == 0) {
				t.Errorf("props = %v, want %v", got, tt.props)
			}
			if got := trueKeys(req); !slices.Equal(got, tt.required) && !(len(got) == 0 && len(tt.required) == 0) {
				t.Errorf("required = %v, want %v", got, tt.required)
			}
		})
	}
}

func TestPropsNames(t *testing.T) {
	p := Props{"b": str, "a": str, "C": str}
	if got, want := p.Names(), []string{"C", "a", "b"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	if got := (Props{}).Names(); len(got) != 0 {
		t.Errorf("empty Names() = %v", got)
	}
}

func TestRequest(t *testing.T) {
	targets := load(t, "shop.yaml")
	for _, tt := range []struct {
		key      string
		form     bool
		props    []string // nil: no body schema
		required []string
	}{
		// JSON preferred over a form.
		{"POST /users", false, []string{"email", "password", "role", "username"}, []string{"password", "role", "username"}},
		// A +json type, even when the form sorts first.
		{"PATCH /users/{id}", false, []string{"nickname"}, nil},
		// A form when there is nothing else.
		{"PUT /users/{id}", true, []string{"email", "name"}, []string{"name"}},
		{"POST /pets", false, []string{"meow"}, nil},
		// Neither JSON nor a form.
		{"POST /upload", false, nil, nil},
		{"GET /orders", false, nil, nil},
		{"DELETE /empty", false, nil, nil},
	} {
		t.Run(tt.key, func(t *testing.T) {
			target := targets[tt.key]
			if target == nil {
				t.Fatalf("no operation %s", tt.key)
			}
			s, form := Request(target)
			if (s != nil) != (tt.props != nil) || form != tt.form {
				t.Fatalf("Request = %v, form %v; want a schema %v, form %v", s != nil, form, tt.props != nil, tt.form)
			}
			props, req := RequestProps(target)
			if props == nil || req == nil {
				t.Fatal("RequestProps returned nil maps")
			}
			if got := props.Names(); !slices.Equal(got, tt.props) && !(len(got) == 0 && len(tt.props) == 0) {
				t.Errorf("RequestProps = %v, want %v", got, tt.props)
			}
			if got := trueKeys(req); !slices.Equal(got, tt.required) && !(len(got) == 0 && len(tt.required) == 0) {
				t.Errorf("required = %v, want %v", got, tt.required)
			}
		})
	}
}

func TestRequestMediaTypes(t *testing.T) {
	schemaOf := func(prop string) *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Value: obj(map[string]*openapi3.Schema{prop: str})}
	}
	for _, tt := range []struct {
		name    string
		content openapi3.Content
		want    string // the one property of the schema chosen; "" none
		form    bool
	}{
		{"json", openapi3.Content{"application/json": {Schema: schemaOf("j")}}, "j", false},
		{"json with parameters", openapi3.Content{"application/json; charset=utf-8": {Schema: schemaOf("j")}}, "j", false},
		{"upper-case json", openapi3.Content{"Application/JSON": {Schema: schemaOf("j")}}, "j", false},
		{"vendor json", openapi3.Content{"application/vnd.api+json": {Schema: schemaOf("j")}}, "j", false},
		{"form", openapi3.Content{"application/x-www-form-urlencoded": {Schema: schemaOf("f")}}, "f", true},
		{"form with charset", openapi3.Content{"application/x-www-form-urlencoded; charset=UTF-8": {Schema: schemaOf("f")}}, "f", true},
		{"json and form", openapi3.Content{"application/x-www-form-urlencoded": {Schema: schemaOf("f")}, "application/json": {Schema: schemaOf("j")}}, "j", false},
		{"json without a schema, form", openapi3.Content{"application/json": {}, "application/x-www-form-urlencoded": {Schema: schemaOf("f")}}, "f", true},
		{"json with an unresolved schema", openapi3.Content{"application/json": {Schema: &openapi3.SchemaRef{Ref: "#/x"}}}, "", false},
		{"nil media type", openapi3.Content{"application/json": nil}, "", false},
		{"text", openapi3.Content{"text/plain": {Schema: schemaOf("t")}}, "", false},
		{"xml", openapi3.Content{"application/xml": {Schema: schemaOf("x")}}, "", false},
		{"ndjson is not json", openapi3.Content{"application/x-ndjson": {Schema: schemaOf("n")}}, "", false},
		{"any", openapi3.Content{"*/*": {Schema: schemaOf("a")}}, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			target := &plan.Target{Op: &surface.Operation{Method: "POST", Path: "/x"}, Spec: &openapi3.Operation{
				RequestBody: &openapi3.RequestBodyRef{Value: &openapi3.RequestBody{Content: tt.content}},
			}}
			s, form := Request(target)
			got := ""
			if s != nil {
				got = propNames(s)
			}
			if got != tt.want || form != tt.form {
				t.Errorf("Request = %q, form %v; want %q, form %v", got, form, tt.want, tt.form)
			}
		})
	}
	// No spec (a Postman request), no body, an unresolved body.
	for _, target := range []*plan.Target{
		{Op: &surface.Operation{Method: "POST", Path: "/x"}},
		{Op: &surface.Operation{Method: "POST", Path: "/x"}, Spec: &openapi3.Operation{}},
		{Op: &surface.Operation{Method: "POST", Path: "/x"}, Spec: &openapi3.Operation{RequestBody: &openapi3.RequestBodyRef{Ref: "#/x"}}},
	} {
		if s, form := Request(target); s != nil || form {
			t.Errorf("Request(%+v) = %v, %v", target.Spec, s, form)
		}
		if props, req := RequestProps(target); props == nil || req == nil || len(props) != 0 || len(req) != 0 {
			t.Errorf("RequestProps(%+v) = %v, %v", target.Spec, props, req)
		}
	}
}

// propNames is a schema's own property names, joined.
func propNames(s *openapi3.Schema) string {
	var out []string
	for k := range s.Properties {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestResponseProps(t *testing.T) {
	targets := load(t, "shop.yaml")
	for _, tt := range []struct {
		key  string
		want []string
	}{
		// The 201's members and those of the object it wraps ($ref to an
		// allOf schema); not the 400's.
		{"POST /users", []string{"admin", "data", "email", "id", "message", "password", "username"}},
		// */* content, an allOf root.
		{"PATCH /users/{id}", []string{"admin", "email", "id", "password", "username"}},
		// JSON with parameters; an allOf wrapper is unwrapped too; not
		// the default response.
		{"GET /users/{id}", []string{"admin", "email", "id", "meta", "page", "password", "user", "username"}},
		// A 2XX range, a problem+json type, an anyOf root.
		{"POST /pets", []string{"meow"}},
		// Items of a top-level array, one level down of them; not two.
		{"GET /orders", []string{"address", "customer", "id", "name", "total"}},
		// application/*; one wrapping level, not the items of a nested
		// array, not two levels down; not the 302.
		{"GET /orders/{id}", []string{"customer", "id", "lines", "order", "total"}},
		// Not JSON.
		{"POST /upload", nil},
		// No content.
		{"PUT /users/{id}", nil},
		{"DELETE /empty", nil},
	} {
		t.Run(tt.key, func(t *testing.T) {
			target := targets[tt.key]
			if target == nil {
				t.Fatalf("no operation %s", tt.key)
			}
			props := ResponseProps(target)
			if props == nil {
				t.Fatal("nil Props")
			}
			if got := props.Names(); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("ResponseProps = %v, want %v", got, tt.want)
			}
		})
	}
	// A member of the answer itself wins over one of the object it wraps.
	if id := ResponseProps(targets["GET /orders/{id}"])["id"]; id == nil || id.Description != "the wrapper's own id" {
		t.Errorf("id = %+v, want the wrapper's own", id)
	}
	// Schemas come from the document: readOnly survives.
	if admin := ResponseProps(targets["POST /users"])["admin"]; admin == nil || !admin.ReadOnly {
		t.Errorf("admin = %+v, want the readOnly member", admin)
	}
	// No spec, no responses.
	for _, target := range []*plan.Target{
		{Op: &surface.Operation{Method: "GET", Path: "/x"}},
		{Op: &surface.Operation{Method: "GET", Path: "/x"}, Spec: &openapi3.Operation{}},
	} {
		if props := ResponseProps(target); props == nil || len(props) != 0 {
			t.Errorf("ResponseProps(%+v) = %v", target.Spec, props)
		}
	}
}
