package authz

import (
	"net/http"
	"strings"
	"testing"

	"github.com/specterhq/specter/surface"
)

func TestSecured(t *testing.T) {
	bearer := surface.SecurityRequirement{"bearer": nil}
	tests := []struct {
		name string
		op   surface.Operation
		want bool
	}{
		{"declared", surface.Operation{Security: []surface.SecurityRequirement{bearer}}, true},
		{"undeclared", surface.Operation{}, false},
		{"explicitly public", surface.Operation{Security: []surface.SecurityRequirement{}}, false},
		{"optional auth", surface.Operation{Security: []surface.SecurityRequirement{bearer, {}}}, false},
		{"postman bearer", surface.Operation{Auth: &surface.Auth{Type: "bearer"}}, true},
		{"postman noauth", surface.Operation{Auth: &surface.Auth{Type: "noauth"}}, false},
	}
	for _, tt := range tests {
		if got := Secured(&tt.op); got != tt.want {
			t.Errorf("%s: Secured = %v", tt.name, got)
		}
	}
}

func TestInvalidCredentials(t *testing.T) {
	api := &surface.API{SecuritySchemes: map[string]*surface.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer"},
		"basic":  {Type: "http", Scheme: "basic"},
		"key":    {Type: "apiKey", In: "query", ParamName: "api_key"},
		"oidc":   {Type: "openIdConnect"},
		"mtls":   {Type: "mutualTLS"},
	}}
	tests := []struct {
		req  surface.SecurityRequirement
		want string
	}{
		{surface.SecurityRequirement{"bearer": nil}, "header:Authorization:Bearer eyJ"},
		{surface.SecurityRequirement{"basic": nil}, "header:Authorization:Basic "},
		{surface.SecurityRequirement{"key": nil}, "query:api_key:specter-invalid-key"},
		{surface.SecurityRequirement{"oidc": nil}, "header:Authorization:Bearer eyJ"},
		{surface.SecurityRequirement{"mtls": nil}, ""},
	}
	for _, tt := range tests {
		op := &surface.Operation{Security: []surface.SecurityRequirement{tt.req}}
		got := InvalidCredentials(op, api)
		if tt.want == "" {
			if len(got) != 0 {
				t.Errorf("%v: %+v", tt.req, got)
			}
			continue
		}
		if len(got) != 1 || !strings.HasPrefix(got[0].In+":"+got[0].Name+":"+got[0].Value, tt.want) {
			t.Errorf("%v: %+v, want %s…", tt.req, got, tt.want)
		}
	}
}

func TestPrivileged(t *testing.T) {
	tests := []struct {
		op   surface.Operation
		want bool
	}{
		{surface.Operation{Path: "/admin/users"}, true},
		{surface.Operation{Path: "/api/v1/internal/metrics"}, true},
		{surface.Operation{Path: "/users/{id}", OperationID: "deleteUserAsAdmin"}, true},
		{surface.Operation{Path: "/users", Tags: []string{"Administration"}}, true},
		{surface.Operation{Path: "/users", Security: []surface.SecurityRequirement{{"oauth": {"users:admin"}}}}, true},
		// clean twins
		{surface.Operation{Path: "/users/{admin}"}, false},
		{surface.Operation{Path: "/administrative-regions"}, false},
		{surface.Operation{Path: "/users", OperationID: "listUsers", Tags: []string{"users"}}, false},
		{surface.Operation{Path: "/systems-of-record"}, false},
	}
	for _, tt := range tests {
		if why, got := Privileged(&tt.op); got != tt.want {
			t.Errorf("Privileged(%+v) = %v (%s)", tt.op, got, why)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		method, path, id string
		want             AuthKind
	}{
		{"POST", "/auth/login", "", Login},
		{"POST", "/users/v1/login", "", Login},
		{"POST", "/sessions", "", Login},
		{"POST", "/api/signIn", "", Login},
		{"POST", "/auth/token", "", Login},
		{"POST", "/password/forgot", "", PasswordReset},
		{"POST", "/users/reset-password", "", PasswordReset},
		{"POST", "/x", "requestPasswordReset", PasswordReset},
		{"GET", "/login", "", NotAuth},
		{"POST", "/tokens/{id}/revoke", "", NotAuth},
		{"POST", "/blogs", "", NotAuth},
		{"POST", "/catalog/items", "", NotAuth},
	}
	for _, tt := range tests {
		if got := Classify(&surface.Operation{Method: tt.method, Path: tt.path, OperationID: tt.id}); got != tt.want {
			t.Errorf("Classify(%s %s %s) = %v, want %v", tt.method, tt.path, tt.id, got, tt.want)
		}
	}
}

func TestCredentialFieldsAndSetFields(t *testing.T) {
	u, p := CredentialFields([]byte(`{"user_name":"bob","Password":"x","remember":true}`))
	if u != "user_name" || p != "Password" {
		t.Errorf("fields %q %q", u, p)
	}
	if u, p := CredentialFields([]byte(`[1,2]`)); u != "" || p != "" {
		t.Errorf("non-object: %q %q", u, p)
	}
	out, ok := SetFields([]byte(`{"email":"a@b","password":"x","n":12345678901234567890}`), map[string]string{"password": "wrong"})
	if !ok || !strings.Contains(string(out), `"password":"wrong"`) || !strings.Contains(string(out), "12345678901234567890") {
		t.Errorf("SetFields = %s", out)
	}
}

func TestDistinguishes(t *testing.T) {
	a := func(status int, body string) Answer { return Answer{status, []byte(body)} }
	tests := []struct {
		name           string
		unknown, known []Answer
		want           bool
	}{
		{"different messages",
			[]Answer{a(401, `{"error":"no such user"}`), a(401, `{"error":"no such user"}`)},
			[]Answer{a(401, `{"error":"wrong password"}`), a(401, `{"error":"wrong password"}`)}, true},
		{"different status",
			[]Answer{a(404, `{"error":"invalid credentials"}`)}, []Answer{a(401, `{"error":"invalid credentials"}`)}, true},
		// clean twins
		{"identical",
			[]Answer{a(401, `{"error":"invalid username or password","request_id":"7f3a9c2e-1b4d-4e5f-8a6b-0c1d2e3f4a5b"}`)},
			[]Answer{a(401, `{"error":"invalid username or password","request_id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}`)}, false},
		{"echoes the user name",
			[]Answer{a(401, `{"error":"login failed for specter-nobody-1"}`)},
			[]Answer{a(401, `{"error":"login failed for bob"}`)}, false},
		{"unstable server",
			[]Answer{a(401, `{"error":"a"}`), a(500, `oops`)},
			[]Answer{a(401, `{"error":"b"}`), a(401, `{"error":"b"}`)}, false},
		{"timestamps differ",
			[]Answer{a(401, `{"error":"denied","at":"2026-11-26T12:00:01Z"}`)},
			[]Answer{a(401, `{"error":"denied","at":"2026-11-26T12:00:02.123Z"}`)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why, got := Distinguishes(tt.unknown, tt.known, "specter-nobody-1", "bob")
			if got != tt.want {
				t.Errorf("Distinguishes = %v (%s)", got, why)
			}
		})
	}
}

func TestReflectsOriginAndLimited(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	if !ReflectsOrigin(ProbeOrigin, h("Access-Control-Allow-Origin", ProbeOrigin, "Access-Control-Allow-Credentials", "true")) {
		t.Error("reflection with credentials not seen")
	}
	for _, clean := range []http.Header{
		h("Access-Control-Allow-Origin", ProbeOrigin),
		h("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true"),
		h("Access-Control-Allow-Origin", "https://app.example.com", "Access-Control-Allow-Credentials", "true"),
		h(),
	} {
		if ReflectsOrigin(ProbeOrigin, clean) {
			t.Errorf("false positive on %v", clean)
		}
	}
	if !Limited(429, h()) || !Limited(423, h()) || !Limited(503, h("Retry-After", "5")) || Limited(503, h()) || Limited(401, h()) {
		t.Error("Limited misjudged")
	}
}

func TestSameObject(t *testing.T) {
	owner := []byte(`{"id":"o-77","owner":"alice","note":"secret"}`)
	tests := []struct {
		name, other string
		want        bool
	}{
		{"same object", `{"id":"o-77","owner":"alice","note":"secret"}`, true},
		{"error envelope naming the id", `{"error":"o-77 is not yours"}`, false},
		{"empty list", `[]`, false},
		{"other object", `{"id":"o-78","owner":"bob","note":"x"}`, false},
	}
	for _, tt := range tests {
		if got := SameObject(owner, []byte(tt.other), "o-77"); got != tt.want {
			t.Errorf("%s: SameObject = %v", tt.name, got)
		}
	}
}
