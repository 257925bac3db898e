package fastapilike

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(Spec())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	return doc
}

func TestSpecLoadsAndValidates(t *testing.T) {
	doc := loadSpec(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	for _, secure := range []bool{false, true} {
		s := New(Options{Secure: secure})
		for _, f := range append(s.Planted(), s.AlsoTrue()...) {
			if f.Operation == "" {
				continue
			}
			method, path, _ := strings.Cut(f.Operation, " ")
			item := doc.Paths.Find(path)
			if item == nil || item.GetOperation(method) == nil {
				t.Errorf("flaw %s: operation %q is not in the spec", f.ID, f.Operation)
			}
		}
	}
}

func TestPlantedListsEveryRuleOnce(t *testing.T) {
	s := New(Options{})
	ids := map[string]bool{}
	rules := map[string]bool{}
	for _, f := range s.Planted() {
		if ids[f.ID] {
			t.Errorf("duplicate flaw id %s", f.ID)
		}
		ids[f.ID] = true
		rules[f.Rule] = true
		if f.Summary == "" || !strings.HasPrefix(f.Rule, "fuzz/") {
			t.Errorf("flaw %+v is incomplete", f)
		}
	}
	for _, r := range []string{"fuzz/version-disclosure", "fuzz/auth-after-lookup", "fuzz/bfla", "fuzz/bola",
		"fuzz/privilege-escalation", "fuzz/ssrf", "fuzz/command-injection", "fuzz/weak-jwt-secret",
		"fuzz/cors-origin-bypass", "fuzz/inconsistent-authorization", "fuzz/otp-no-rate-limit",
		"fuzz/user-enumeration", "fuzz/mass-assignment", "fuzz/secret-in-response", "fuzz/redos",
		"fuzz/no-auth-rate-limit"} {
		if !rules[r] {
			t.Errorf("no planted flaw for %s", r)
		}
	}
	if p := New(Options{Secure: true}).Planted(); len(p) != 0 {
		t.Errorf("secure build plants %d flaws", len(p))
	}
}

// TestSpecLooksLikeFastAPI checks the details FastAPI's generator
// produces.
func TestSpecLooksLikeFastAPI(t *testing.T) {
	doc := loadSpec(t)
	op := func(method, path string) *openapi3.Operation {
		t.Helper()
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Fatalf("%s %s missing", method, path)
		}
		return item.GetOperation(method)
	}
	for _, c := range []struct{ method, path, id string }{
		{"GET", "/menu", "read_menu_menu_get"},
		{"PUT", "/menu/{item_id}", "update_menu_item_menu__item_id__put"},
		{"POST", "/token", "login_for_access_token_token_post"},
		{"POST", "/reset-password/new-password", "set_new_password_reset_password_new_password_post"},
		{"PUT", "/users/update_role", "update_user_role_users_update_role_put"},
	} {
		if got := op(c.method, c.path).OperationID; got != c.id {
			t.Errorf("%s %s operationId %q, want %q", c.method, c.path, got, c.id)
		}
	}
	if s := op("GET", "/menu").Summary; s != "Read Menu" {
		t.Errorf("summary %q", s)
	}
	// 422 wherever there is a parameter or a body, nowhere else.
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			_, has422 := o.Responses.Map()["422"]
			want := len(o.Parameters) > 0 || o.RequestBody != nil
			if has422 != want {
				t.Errorf("%s %s: 422 documented %v, want %v", method, path, has422, want)
			}
		}
	}
	// security on the operations that depend on the bearer token
	if op("GET", "/menu").Security != nil || op("POST", "/register").Security != nil {
		t.Error("public operations carry security")
	}
	if sec := op("GET", "/profile").Security; sec == nil || len(*sec) != 1 {
		t.Error("GET /profile has no security requirement")
	}
	ss := doc.Components.SecuritySchemes["OAuth2PasswordBearer"]
	if ss == nil || ss.Value.Type != "oauth2" || ss.Value.Flows.Password == nil || ss.Value.Flows.Password.TokenURL != "/token" {
		t.Errorf("security scheme %+v", ss)
	}
	// the form body of /token
	if _, ok := op("POST", "/token").RequestBody.Value.Content["application/x-www-form-urlencoded"]; !ok {
		t.Error("/token does not take a form")
	}
	// raw JSON details
	raw := string(Spec())
	for _, want := range []string{
		`"openapi":"3.1.0"`,
		`"first_name":{"anyOf":[{"type":"string"},{"type":"null"}],"title":"First Name"}`,
		`"phone_number":{"type":"string","maxLength":64,"pattern":"^(\\(?\\d+\\)?[\\s.-]?)+$","title":"Phone Number"}`,
		`"grant_type":{"anyOf":[{"type":"string","pattern":"password"},{"type":"null"}],"title":"Grant Type"}`,
		`"HTTPValidationError":{"properties":{"detail":{"items":{"$ref":"#/components/schemas/ValidationError"},"type":"array","title":"Detail"}},"type":"object","title":"HTTPValidationError"}`,
		`"title":"Response Read Menu Menu Get"`,
		`"status":{"$ref":"#/components/schemas/OrderStatus"}`,
		`"OrderCreate":{"properties":`,
		`"additionalProperties":true`,
		`"guests":{"type":"integer","maximum":12,"minimum":1,"title":"Guests"}`,
		`"204":{"description":"Successful Response"}`,
		`"securitySchemes":{"OAuth2PasswordBearer":{"type":"oauth2","flows":{"password":{"scopes":{},"tokenUrl":"/token"}}}}`,
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("spec lacks %s", want)
		}
	}
	if strings.Contains(raw, "reset-chef-password") || strings.Contains(raw, "openapi.json") {
		t.Error("hidden routes are in the spec")
	}
	if strings.Contains(raw, `"example`) {
		t.Error("the spec has examples; FastAPI's has none here")
	}
	// descriptions a developer wrote
	if d := op("DELETE", "/menu/{item_id}").Description; !strings.Contains(d, "employees and the chef") {
		t.Errorf("DELETE /menu/{item_id} description %q", d)
	}
	// component names sorted, as FastAPI writes them
	var top struct {
		Components struct {
			Schemas json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(Spec(), &top); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(top.Components.Schemas))
	dec.Token()
	prev := ""
	for dec.More() {
		k, _ := dec.Token()
		var skip json.RawMessage
		dec.Decode(&skip)
		if name := k.(string); name < prev {
			t.Errorf("schema %s after %s", name, prev)
		} else {
			prev = name
		}
	}
}

// TestRoutesMatchSpec: every operation of the spec is served, and the
// server serves nothing else but FastAPI's own pages and hidden routes.
func TestRoutesMatchSpec(t *testing.T) {
	doc := loadSpec(t)
	n := 0
	for _, rt := range allRoutes {
		if rt.hidden {
			continue
		}
		n++
		item := doc.Paths.Find(rt.path)
		if item == nil || item.GetOperation(rt.method) == nil {
			t.Errorf("%s %s is routed but not in the spec", rt.method, rt.path)
		}
	}
	count := 0
	for _, item := range doc.Paths.Map() {
		count += len(item.Operations())
	}
	if count != n {
		t.Errorf("spec has %d operations, router %d", count, n)
	}
}

func TestServedSpecIsSpec(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		res := a.expect(a.req("GET", "/openapi.json", "", nil), 200)
		if !bytes.Equal(res.body, Spec()) {
			t.Error("/openapi.json differs from Spec()")
		}
		if ct := res.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("content type %q", ct)
		}
	})
}
