package authz

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestPrivilegedText(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"Deletes user by username (Only Admins)", true},
		{"Only Admins may delete users!", true},
		{"Delete a menu item. Employees or chefs only.", true},
		{"Requires the admin role.", true},
		{"Restricted to staff.", true},
		{"Remove a menu item (employees or chefs)", true},
		{"Available to administrators only", true},
		{"Returns the users of the shop", false},
		{"Only the owner may retrieve it", false},
		{"Update the caller's profile", false},
		{"List every admin-managed category", false},
		{"Lists administrators", false},
	} {
		_, got := PrivilegedText("", tt.text)
		if got != tt.want {
			t.Errorf("%q: privileged %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestPrivilegedExtension(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      x-required-claims: {role: [admin, owner]}
      responses: {"200": {description: ok}}
  /b:
    get:
      x-roles: [superuser]
      responses: {"200": {description: ok}}
  /c:
    get:
      x-agent-access: admin-only
      responses: {"200": {description: ok}}
  /d:
    get:
      x-agent-access: allow
      x-required-claims: {client_type: [ai-agent]}
      x-logo: {url: https://admin.example.test/logo.png}
      responses: {"200": {description: ok}}
  /e:
    get:
      x-permissions: {any: [{scope: "orders:read"}, {scope: "root"}]}
      responses: {"200": {description: ok}}
  /f:
    get:
      x-required-scopes: [badminton.read]
      responses: {"200": {description: ok}}
`))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/a": "extension x-required-claims: admin",
		"/b": "extension x-roles: superuser",
		"/c": "extension x-agent-access: admin-only",
		"/d": "",
		"/e": "extension x-permissions: root",
		"/f": "", // a word that contains "admin" is not the role
	} {
		got, ok := PrivilegedExtension(doc.Paths.Value(path).Get.Extensions)
		if got != want || ok != (want != "") {
			t.Errorf("%s: %q, %v; want %q", path, got, ok, want)
		}
	}
}
