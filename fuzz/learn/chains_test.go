package learn

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// recordedExchange is a replayed Postman request with test-script sets.
func recordedExchange(t *testing.T, method string, phase plan.Phase, status int, answer string, header http.Header, sets ...surface.VariableSet) (*execute.Exchange, any) {
	t.Helper()
	op := &surface.Operation{Method: method, Path: "/api/books", Request: &surface.Request{Name: "Add a book", Method: method, Sets: sets}}
	target := &plan.Target{Op: op}
	target.Seal()
	c := &plan.Case{Seq: 4, Phase: phase, Target: target, Method: method, RecordedURL: "https://staging.example.test/api/books"}
	req, err := c.Request(&url.URL{Scheme: "https", Host: "staging.example.test"})
	if err != nil {
		t.Fatal(err)
	}
	if header == nil {
		header = http.Header{}
	}
	header.Set("Content-Type", "application/json")
	return &execute.Exchange{Case: c, Request: req, Status: status, Header: header, Body: []byte(answer)}, decode(t, answer)
}

func TestLearnPostmanVariables(t *testing.T) {
	sets := []surface.VariableSet{
		{Name: "bookId", Source: surface.SetFromBody, Pointer: "/book/id"},
		{Name: "n", Source: surface.SetFromBody, Pointer: "/book/count"},
		{Name: "loc", Source: surface.SetFromHeader, Header: "Location"},
		{Name: "shelf", Source: surface.SetLiteral, Value: "A-3"},
		{Name: "access_token", Source: surface.SetFromBody, Pointer: "/token"},
		{Name: "missing", Source: surface.SetFromBody, Pointer: "/nope"},
		{Name: "computed", Source: "", Script: `pm.environment.set("computed", Date.now())`},
	}
	h := http.Header{"Location": {"/api/books/b-1"}}
	answer := `{"book":{"id":"b-1","count":3},"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"}`
	s := New()
	x, a := recordedExchange(t, "POST", plan.PhaseReplay, 201, answer, h, sets...)
	s.Learn(x, "alice", a)
	want := map[string]string{"bookId": "b-1", "n": "3", "loc": "/api/books/b-1", "shelf": "A-3", "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"}
	for name, v := range want {
		got, ok := s.Variable(name)
		if !ok || got.Value != v {
			t.Errorf("%s = %+v, want %q", name, got, v)
		}
	}
	for _, name := range []string{"missing", "computed"} {
		if _, ok := s.Variable(name); ok {
			t.Errorf("%s was set", name)
		}
	}
	id, _ := s.Variable("bookId")
	if !id.Created || id.Step == nil || id.Identity != "alice" {
		t.Errorf("bookId: created %v, step %v, identity %q", id.Created, id.Step, id.Identity)
	}
	if lit, _ := s.Variable("shelf"); lit.Step != nil {
		t.Error("a literal has a step")
	}
	var tokenYield *plan.Yield
	for i, y := range id.Step.Yields {
		if y.Secret {
			tokenYield = &id.Step.Yields[i]
		}
	}
	if tokenYield == nil || tokenYield.Name != "token" || tokenYield.From != "/token" {
		t.Errorf("the token is not a secret yield named token: %+v", id.Step.Yields)
	}

	// A GET's values are not created objects; a mutated request and a
	// failed answer set nothing.
	s = New()
	x, a = recordedExchange(t, "GET", plan.PhaseReplay, 200, answer, nil, sets[0])
	s.Learn(x, "alice", a)
	if v, _ := s.Variable("bookId"); v.Created {
		t.Error("a GET's value is marked created")
	}
	for _, tt := range []struct {
		phase  plan.Phase
		status int
	}{{plan.PhaseInjection, 201}, {plan.PhaseNegative, 200}, {plan.PhaseReplay, 400}, {plan.PhaseReplay, 500}} {
		s := New()
		x, a := recordedExchange(t, "POST", tt.phase, tt.status, answer, nil, sets[0])
		s.Learn(x, "alice", a)
		if _, ok := s.Variable("bookId"); ok {
			t.Errorf("phase %s, status %d: set a variable", tt.phase, tt.status)
		}
	}
	// The last set wins, as in Postman.
	s = New()
	s.SetVariable("v", Variable{Value: "1"})
	s.SetVariable("v", Variable{Value: "2"})
	if v, _ := s.Variable("v"); v.Value != "2" {
		t.Errorf("v = %q", v.Value)
	}
}

func TestLinkExpressions(t *testing.T) {
	c := &plan.Case{Method: "POST", PathParams: []plan.Param{{Name: "org", Value: "acme"}}}
	req, _ := http.NewRequest("POST", "https://staging.example.test/orgs/acme/users?team=red", nil)
	req.Header.Set("X-Request-Id", "r-9")
	x := &execute.Exchange{Case: c, Request: req, RequestBody: []byte(`{"name":"ann","tags":["a","b"]}`), Status: 201,
		Header: http.Header{"Location": {"/users/42"}}}
	answer := decode(t, `{"id":42,"owner":{"uuid":"u-1"},"list":[{"k":"x"}],"ok":true,"none":null}`)
	tests := []struct {
		expr       any
		value      string
		ok         bool
		fromSubstr string
	}{
		{"$response.body#/id", "42", true, "/id"},
		{"$response.body#/owner/uuid", "u-1", true, "/owner/uuid"},
		{"$response.body#/list/0/k", "x", true, "/list/0/k"},
		{"$response.body#/ok", "true", true, "/ok"},
		{"$response.body#/none", "", false, ""},
		{"$response.body#/owner", "", false, ""}, // an object
		{"$response.body#/missing", "", false, ""},
		{"$response.body", "", false, ""}, // the whole body is an object
		{"$response.header.Location", "/users/42", true, "Location"},
		{"$response.header.X-Missing", "", false, ""},
		{"$request.path.org", "acme", true, "path org"},
		{"$request.path.nope", "", false, ""},
		{"$request.query.team", "red", true, "query team"},
		{"$request.header.X-Request-Id", "r-9", true, "header X-Request-Id"},
		{"$request.body#/tags/1", "b", true, "request /tags/1"},
		{"$statusCode", "201", true, "status"},
		{"$method", "POST", true, "method"},
		{"$url", "https://staging.example.test/orgs/acme/users?team=red", true, "URL"},
		{"users/{$response.body#/id}/avatar", "users/42/avatar", true, "/id"},
		{"{$request.path.org}-{$response.body#/id}", "acme-42", true, "path org, /id"},
		{"{$response.body#/missing}", "", false, ""},
		{"{$response.body#/id", "", false, ""}, // unclosed
		{"plain", "plain", true, "constant"},
		{7, "7", true, "constant"},
		{nil, "", false, ""},
		{"$response.body/id", "", false, ""}, // no '#'
		{"$unknown", "", false, ""},
	}
	for _, tt := range tests {
		v, from, ok := evaluate(tt.expr, x, answer)
		if v != tt.value || ok != tt.ok || (ok && !strings.Contains(from, tt.fromSubstr)) {
			t.Errorf("evaluate(%v) = %q, %q, %v; want %q, ~%q, %v", tt.expr, v, from, ok, tt.value, tt.fromSubstr, tt.ok)
		}
	}
}

// linkedTarget is an OpenAPI operation whose 201 answer links to others.
func linkedTarget(method, path string, links openapi3.Links) *plan.Target {
	resp := openapi3.NewResponse().WithDescription("created")
	resp.Links = links
	op := openapi3.NewOperation()
	op.Responses = openapi3.NewResponses(openapi3.WithStatus(201, &openapi3.ResponseRef{Value: resp}))
	t := &plan.Target{Op: &surface.Operation{Method: method, Path: path}, Spec: op}
	t.Seal()
	return t
}

func TestLearnLinksAndLinked(t *testing.T) {
	links := openapi3.Links{
		"GetUser": {Value: &openapi3.Link{OperationID: "getUser", Parameters: map[string]any{"userId": "$response.body#/id"}}},
		"ListPets": {Value: &openapi3.Link{OperationRef: "https://example.test/openapi.yaml#/paths/~1users~1%7BuserId%7D~1pets/get",
			Parameters: map[string]any{"path.userId": "$response.body#/id", "query.limit": 5}}},
		"NoTarget": {Value: &openapi3.Link{Parameters: map[string]any{"x": "1"}}},
	}
	create := linkedTarget("POST", "/users", links)
	learnCreate := func(s *State, who string, id string, seq int) {
		c := &plan.Case{Seq: seq, Target: create, Method: "POST"}
		req, _ := c.Request(&url.URL{Scheme: "https", Host: "staging.example.test"})
		x := &execute.Exchange{Case: c, Request: req, Status: 201, Header: http.Header{}}
		s.Learn(x, who, decode(t, `{"id":"`+id+`"}`))
	}
	s := New()
	learnCreate(s, "alice", "u-1", 1)
	learnCreate(s, "bob", "u-2", 2)

	petsRef := OperationRefOf("GET", "/users/{userId}/pets")
	for _, tt := range []struct {
		name string
		q    Query
		want string
		ok   bool
	}{
		{"by operationId, own", Query{Name: "userId", In: "path", Identity: "alice", OperationID: "getUser"}, "u-1", true},
		{"by operationId, bob's own", Query{Name: "userId", In: "path", Identity: "bob", OperationID: "getUser"}, "u-2", true},
		{"by operationRef, qualified name", Query{Name: "userId", In: "path", Identity: "alice", OperationRef: petsRef}, "u-1", true},
		{"a qualified name is only for its location", Query{Name: "userId", In: "query", Identity: "alice", OperationRef: petsRef}, "", false},
		{"a constant", Query{Name: "limit", In: "query", Identity: "alice", OperationRef: petsRef}, "5", true},
		{"another identity's create is not offered", Query{Name: "userId", In: "path", Identity: "carol", OperationID: "getUser"}, "", false},
		{"a write takes only the identity's own", Query{Name: "userId", In: "path", Identity: "carol", Write: true, OperationID: "getUser"}, "", false},
		{"another operation", Query{Name: "userId", In: "path", Identity: "alice", OperationID: "deleteUser"}, "", false},
		{"another parameter", Query{Name: "id", In: "path", Identity: "alice", OperationID: "getUser"}, "", false},
		{"no operation named", Query{Name: "userId", In: "path", Identity: "alice"}, "", false},
		{"the kind must fit", Query{Name: "userId", In: "path", Identity: "alice", OperationID: "getUser", Kind: "integer"}, "", false},
		{"body fields are not parameters", Query{Name: "userId", In: "body", Identity: "alice", OperationID: "getUser"}, "", false},
	} {
		v, ok := s.Linked(tt.q)
		if ok != tt.ok || v.Raw != tt.want {
			t.Errorf("%s: Linked = %q, %v; want %q, %v", tt.name, v.Raw, ok, tt.want, tt.ok)
		}
		if ok && (v.Step == nil || v.Origin != Created) {
			t.Errorf("%s: step %v, origin %v", tt.name, v.Step, v.Origin)
		}
	}
	// Pick prefers the link over every guess.
	if v, ok := s.Pick(Query{Name: "userId", In: "path", Collection: "/users", Identity: "alice", OperationID: "getUser"}); !ok || v.Raw != "u-1" || v.Source != "link GetUser" {
		t.Errorf("Pick = %+v", v)
	}
	if !s.LinkedFromCreate("getUser", "", "userId", "u-2") || !s.LinkedFromCreate("", petsRef, "userId", "u-1") {
		t.Error("LinkedFromCreate misses a created link value")
	}
	if s.LinkedFromCreate("getUser", "", "userId", "u-3") || s.LinkedFromCreate("getUser", "", "limit", "5") {
		t.Error("LinkedFromCreate reports a value no create linked")
	}

	// A read's links are observed values, not created ones; a status
	// with no documented links gives nothing.
	read := linkedTarget("GET", "/users/me", links)
	s = New()
	c := &plan.Case{Seq: 1, Target: read, Method: "GET"}
	req, _ := c.Request(&url.URL{Scheme: "https", Host: "staging.example.test"})
	s.Learn(&execute.Exchange{Case: c, Request: req, Status: 201, Header: http.Header{}}, "alice", decode(t, `{"id":"u-9"}`))
	if v, ok := s.Linked(Query{Name: "userId", In: "path", Identity: "bob", OperationID: "getUser"}); !ok || v.Origin != Observed {
		t.Errorf("a read's link: %+v %v", v, ok)
	}
	if s.LinkedFromCreate("getUser", "", "userId", "u-9") {
		t.Error("a read's link counts as a create")
	}
	s = New()
	s.Learn(&execute.Exchange{Case: c, Request: req, Status: 200, Header: http.Header{}}, "alice", decode(t, `{"id":"u-9"}`))
	if _, ok := s.Linked(Query{Name: "userId", In: "path", Identity: "alice", OperationID: "getUser"}); ok {
		t.Error("a 200 took the links of the 201")
	}
}
