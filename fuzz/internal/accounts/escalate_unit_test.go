package accounts

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/plan"
)

func keysOf(ts []*plan.Target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Key())
	}
	return out
}

func TestSelfViewsAndUpdates(t *testing.T) {
	targets := targetsOf(t, "openapi.json", miniSpec(t, "",
		op{method: "POST", path: "/register", fields: []string{"username", "password"}},
		op{method: "POST", path: "/login", fields: []string{"username", "password"}},
		op{method: "GET", path: "/users/me"},
		op{method: "GET", path: "/account/settings"},
		op{method: "GET", path: "/users/{id}"},
		op{method: "GET", path: "/users/{id}/profile"},
		op{method: "GET", path: "/dashboard"},
		op{method: "GET", path: "/whoami"},
		op{method: "GET", path: "/items"},
		op{method: "PATCH", path: "/me", fields: []string{"bio"}},
		op{method: "PUT", path: "/me/password", fields: []string{"password", "new_password"}},
		op{method: "POST", path: "/admin/roles", fields: []string{"username", "role"}},
		op{method: "PUT", path: "/users/{id}", fields: []string{"role"}},
		op{method: "POST", path: "/items", fields: []string{"name"}},
		op{method: "DELETE", path: "/me"},
	))
	// Best first: /me before /whoami before /account before /dashboard;
	// three at most; none with a path parameter.
	if got, want := keysOf(selfViews(targets)), []string{"GET /users/me", "GET /whoami", "GET /account/settings"}; !reflect.DeepEqual(got, want) {
		t.Errorf("selfViews = %v, want %v", got, want)
	}
	f, why := Detect(targets)
	if f == nil {
		t.Fatal(why)
	}
	// A profile write, and a write whose body has a role beside the
	// user; not the password change, not the sign-up or login, not a
	// write on another object.
	if got, want := keysOf(selfUpdates(targets, f)), []string{"POST /admin/roles", "PATCH /me"}; !reflect.DeepEqual(got, want) {
		t.Errorf("selfUpdates = %v, want %v", got, want)
	}
}

func TestRoleValues(t *testing.T) {
	roles := []string{"chef", "employee", "admin"}
	enum := openapi3.NewStringSchema()
	enum.Enum = []any{"customer", "chef", "employee", "admin"}
	tests := []struct {
		name   string
		field  string
		schema *openapi3.Schema
		want   []any
	}{
		{"a flag", "role", openapi3.NewBoolSchema(), []any{true}},
		{"admin without a schema", "is_admin", nil, []any{true}},
		{"a role", "role", openapi3.NewStringSchema(), []any{"chef", "employee", "admin"}},
		{"a role without a schema", "user_type", nil, []any{"chef", "employee", "admin"}},
		{"a list", "roles", nil, []any{[]any{"chef"}, []any{"employee"}, []any{"admin"}}},
		{"an array schema", "groups", openapi3.NewArraySchema(), []any{[]any{"chef"}, []any{"employee"}, []any{"admin"}}},
		// Its own enumeration, privileged-looking members first and
		// ordinary ones left out.
		{"an enumeration", "role", enum, []any{"employee", "admin", "chef"}},
	}
	for _, tt := range tests {
		if got := roleValues(tt.field, tt.schema, roles); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: roleValues = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPrivilegedEnumAndInjectValue(t *testing.T) {
	if v, ok := privilegedEnum([]any{"user", "moderator", "guest"}, nil); !ok || v != "moderator" {
		t.Errorf("privilegedEnum = %v, %v", v, ok)
	}
	if v, ok := privilegedEnum([]any{"bronze", "silver", "gold"}, nil); !ok || v != "gold" {
		t.Errorf("privilegedEnum without a privileged word = %v, %v; want the last", v, ok)
	}
	if v, ok := privilegedEnum([]any{"user", "admin"}, map[string]bool{"admin": true}); !ok || v != "user" {
		t.Errorf("privilegedEnum skipping admin = %v, %v", v, ok)
	}
	if _, ok := privilegedEnum([]any{1, 2}, nil); ok {
		t.Error("privilegedEnum picked a number")
	}
	level := openapi3.NewIntegerSchema()
	tier := openapi3.NewStringSchema()
	tier.Enum = []any{"free", "pro", "enterprise"}
	tests := []struct {
		name   string
		schema *openapi3.Schema
		want   any
	}{
		{"is_admin", nil, true},
		{"verified", openapi3.NewBoolSchema(), true},
		{"role", nil, "admin"},
		{"roles", nil, []any{"admin"}},
		{"permissions", openapi3.NewArraySchema(), []any{"admin"}},
		{"balance", nil, 1000000},
		{"level", level, 1000000},
		{"tier", tier, "enterprise"},
		{"status", nil, "active"},
	}
	for _, tt := range tests {
		if got, ok := injectValue(tt.name, tt.schema); !ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("injectValue(%s) = %#v, %v; want %#v", tt.name, got, ok, tt.want)
		}
	}
}

func TestSameValueAndPrivileged(t *testing.T) {
	tests := []struct {
		got, sent any
		want      bool
	}{
		{true, true, true},
		{"true", true, true},
		{"Admin", "admin", true},
		{json.Number("1000000"), 1000000, true},
		{[]any{"user", "admin"}, []any{"admin"}, true},
		{[]any{"user"}, []any{"admin"}, false},
		{false, true, false},
		{nil, true, false},
		{"Customer", "Chef", false},
	}
	for _, tt := range tests {
		if got := sameValue(tt.got, tt.sent); got != tt.want {
			t.Errorf("sameValue(%#v, %#v) = %v", tt.got, tt.sent, got)
		}
	}
	for v, want := range map[any]bool{true: true, false: false, "ROLE_ADMIN": true, "Chef": false, "Employee": true, "user": false, "yes": true, "0": false} {
		if got := privileged(v); got != want {
			t.Errorf("privileged(%#v) = %v", v, got)
		}
	}
	if !privileged([]any{"user", "superuser"}) || privileged([]any{"user"}) || !privileged(json.Number("1")) || privileged(json.Number("0")) {
		t.Error("privileged on lists and numbers")
	}
}

func TestAccountIDs(t *testing.T) {
	acc := &Account{Username: "spectera", Email: "a@example.com", Claims: map[string]any{
		"sub": "spectera", "user_id": json.Number("42"), "uid": 7.0, "exp": json.Number("1796310368"), "role": "user", "id": 1.5, "name": "",
	}}
	want := map[string]string{"username": "spectera", "email": "a@example.com", "sub": "spectera", "userid": "42", "uid": "7"}
	if got := acc.IDs(); !reflect.DeepEqual(got, want) {
		t.Errorf("IDs() = %v, want %v", got, want)
	}
}
