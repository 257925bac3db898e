package security

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func target() *plan.Target {
	api := &surface.API{SecuritySchemes: map[string]*surface.SecurityScheme{
		"key": {Type: "apiKey", In: "query", ParamName: "api_key"},
		"hdr": {Type: "apiKey", In: "header", ParamName: "X-API-Key"},
	}}
	return &plan.Target{API: api, Op: &surface.Operation{Method: "GET", Path: "/items/{id}"}}
}

func TestWithoutCredentials(t *testing.T) {
	c := &plan.Case{Seq: 9, Target: target(), Method: "GET", Identity: "alice",
		Headers:     []plan.Param{{Name: "authorization", Value: "Bearer x"}, {Name: "X-API-Key", Value: "k"}, {Name: "X-Trace", Value: "t"}},
		Query:       []plan.Param{{Name: "api_key", Value: "k"}, {Name: "q", Value: "v"}},
		Cookies:     []plan.Param{{Name: "theme", Value: "dark"}},
		RecordedURL: "http://h/items/1?api_key=k&q=v",
	}
	out := withoutCredentials(c)
	if out.Identity != plan.NoCredentials || out.Seq != 9 {
		t.Errorf("identity %q seq %d", out.Identity, out.Seq)
	}
	if len(out.Headers) != 1 || out.Headers[0].Name != "X-Trace" {
		t.Errorf("headers %+v", out.Headers)
	}
	if len(out.Query) != 1 || out.Query[0].Name != "q" {
		t.Errorf("query %+v", out.Query)
	}
	if out.RecordedURL != "http://h/items/1?q=v" {
		t.Errorf("recorded URL %q", out.RecordedURL)
	}
	if len(c.Headers) != 3 || c.Identity != "alice" {
		t.Error("the original case was modified")
	}
	if got := asIdentity(c, "bob"); got.Identity != "bob" || len(got.Headers) != 1 {
		t.Errorf("asIdentity: %+v", got)
	}
}

func TestReplacePayload(t *testing.T) {
	p := `specter'"`
	c := &plan.Case{Target: target(), Method: "POST",
		Query:   []plan.Param{{Name: "q", Value: "x" + p}},
		Body:    []byte(`{"name":"specter'\""}`),
		Payload: &plan.Payload{Family: "sql", Value: p, Field: "body.name"},
	}
	out := replacePayload(c, p, "specter")
	if out.Query[0].Value != "xspecter" || string(out.Body) != `{"name":"specter"}` || out.Payload != nil {
		t.Errorf("twin: query %q body %s payload %v", out.Query[0].Value, out.Body, out.Payload)
	}
	if c.Payload == nil || string(c.Body) != `{"name":"specter'\""}` {
		t.Error("the original case was modified")
	}
}

func TestGroupObjectOps(t *testing.T) {
	target := func(method, path string) *plan.Target {
		return &plan.Target{Op: &surface.Operation{Method: method, Path: path}, Spec: &openapi3.Operation{}}
	}
	targets := []*plan.Target{
		target("GET", "/notes"), target("POST", "/notes"), target("GET", "/notes/{id}"), target("PUT", "/notes/{id}"),
		target("DELETE", "/notes/{id}"), target("PUT", "/notes/{id}/share"),
		target("GET", "/users/{uid}/keys/{kid}"), target("DELETE", "/users/{uid}/keys/{kid}"),
	}
	for i, tt := range targets {
		tt.Index = i
	}
	got := map[string]string{}
	for _, g := range groupObjectOps(targets) {
		var writes []string
		for _, w := range g.writes {
			writes = append(writes, w.Key())
		}
		desc := fmt.Sprintf("read=%v del=%v list=%v writes=%v", g.read != nil, g.del != nil, g.list != nil, writes)
		got[g.collection+" "+g.param] = desc
	}
	want := map[string]string{
		"/notes id":             "read=true del=true list=true writes=[PUT /notes/{id} PUT /notes/{id}/share]",
		"/users/{uid}/keys kid": "read=true del=true list=false writes=[]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups:\n got %v\nwant %v", got, want)
	}
}
