package plan

import (
	"net/url"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/surface"
)

func TestCaseURL(t *testing.T) {
	tests := []struct {
		name, base, path string
		c                Case
		want             string
	}{
		{"path params escaped", "http://127.0.0.1:8080", "/users/{id}/files/{name}",
			Case{PathParams: []Param{{"id", "7"}, {"name", "../etc/passwd"}}}, "http://127.0.0.1:8080/users/7/files/..%2Fetc%2Fpasswd"},
		{"base path kept, query in order", "http://10.0.0.1/api/", "/items",
			Case{Query: []Param{{"z", "1"}, {"a", "x y&"}}}, "http://10.0.0.1/api/items?z=1&a=x+y%26"},
		{"recorded URL rebased onto the target", "http://127.0.0.1:9000/base", "/x",
			Case{RecordedURL: "https://staging.example.com/v1/things?verbose=true"}, "http://127.0.0.1:9000/base/v1/things?verbose=true"},
		{"recorded URL with mutated query", "http://127.0.0.1:9000", "/x",
			Case{RecordedURL: "https://staging.example.com/v1/things", Query: []Param{{"verbose", "' OR 1=1"}}}, "http://127.0.0.1:9000/v1/things?verbose=%27+OR+1%3D1"},
	}
	for _, tt := range tests {
		base, err := url.Parse(tt.base)
		if err != nil {
			t.Fatal(err)
		}
		c := tt.c
		c.Target = &Target{Op: &surface.Operation{Method: "GET", Path: tt.path}}
		u, err := c.URL(base)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if u.String() != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, u, tt.want)
		}
	}
}

func TestParsePhase(t *testing.T) {
	for _, p := range Phases() {
		got, err := ParsePhase(" " + p.String() + " ")
		if err != nil || got != p {
			t.Errorf("ParsePhase(%s) = %v, %v", p, got, err)
		}
	}
	if _, err := ParsePhase("chaos"); err == nil {
		t.Error("ParsePhase accepted an unknown phase")
	}
}

// A copy of the run's own sign-up is not one: the probes oracles derive
// from it go through the safety policy as any request.
func TestCloneDropsOwnSignUp(t *testing.T) {
	c := &Case{Method: "POST", OwnSignUp: true, Sentinel: true}
	if d := c.Clone(); d.OwnSignUp || !d.Sentinel {
		t.Errorf("clone: OwnSignUp %v, Sentinel %v", d.OwnSignUp, d.Sentinel)
	}
}

// Requests ask for JSON where the operation documents JSON answers, as a
// generated client does; a case's own Accept header wins.
func TestRequestAccept(t *testing.T) {
	withContent := func(media string) *openapi3.Operation {
		op := openapi3.NewOperation()
		op.Responses = openapi3.NewResponses()
		resp := openapi3.NewResponse().WithDescription("ok")
		if media != "" {
			resp.Content = openapi3.NewContentWithSchema(openapi3.NewObjectSchema(), []string{media})
		}
		op.Responses.Set("200", &openapi3.ResponseRef{Value: resp})
		return op
	}
	withBody := func(op *openapi3.Operation) *openapi3.Operation {
		op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithJSONSchema(openapi3.NewObjectSchema())}
		return op
	}
	base, _ := url.Parse("http://127.0.0.1:8080")
	for _, tt := range []struct {
		spec    *openapi3.Operation
		headers []Param
		want    string
	}{
		{withContent("application/json"), nil, "application/json"},
		{withContent("application/problem+json"), nil, "application/json"},
		{withContent("text/csv"), nil, ""},
		{withContent(""), nil, ""},
		{withBody(withContent("")), nil, "application/json"}, // takes JSON, documents no body
		{withBody(withContent("text/csv")), nil, ""},         // documents CSV answers
		{nil, nil, ""}, // a Postman request sends what was recorded
		{withContent("application/json"), []Param{{Name: "Accept", Value: "text/html"}}, "text/html"},
	} {
		tg := &Target{Op: &surface.Operation{Method: "GET", Path: "/items"}, Spec: tt.spec}
		tg.Seal()
		req, err := (&Case{Target: tg, Method: "GET", Headers: tt.headers}).Request(base)
		if err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get("Accept"); got != tt.want {
			t.Errorf("Accept %q, want %q", got, tt.want)
		}
	}
}
