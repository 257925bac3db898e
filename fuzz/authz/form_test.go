package authz

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/specterhq/specter/surface"
)

func TestCredentialFields(t *testing.T) {
	tests := []struct {
		name, body     string
		user, password string
	}{
		// JSON objects.
		{"VAmPI", `{"username":"name1","password":"pass1"}`, "username", "password"},
		{"crAPI", `{"email":"test@example.com","password":"Test!123"}`, "email", "password"},
		{"user before email", `{"email":"a@b.c","user":"bob","pwd":"x"}`, "user", "pwd"},
		{"email before name", `{"name":"Bob","email":"a@b.c","password":"x"}`, "email", "password"},
		{"password before pin", `{"login":"bob","pin":"1234","password":"x"}`, "login", "password"},
		{"normalised names", `{"User-Name":"bob","Pass_Word":"x"}`, "User-Name", "Pass_Word"},
		{"string members only", `{"username":42,"login":"bob","password":true,"passwd":"x"}`, "login", "passwd"},
		{"none", `{"title":"x","content":"y"}`, "", ""},
		{"not an object", `["username","password"]`, "", ""},
		{"empty", ``, "", ""},

		// URL-encoded forms: OAuth2 password grants.
		{"FastAPI OAuth2PasswordRequestForm", `grant_type=password&username=johndoe&password=secret&scope=&client_id=&client_secret=`, "username", "password"},
		{"form with e-mail", `email=alice%40example.com&pass=s3cret`, "email", "pass"},
		{"form with an encoded name", `user%5Fname=bob&pass%2Dword=x`, "user_name", "pass-word"},
		{"form without credentials", `grant_type=client_credentials&client_id=app&client_secret=s`, "", ""},
		{"text is not a form", `username password`, "", ""},
		{"JSON-looking text is not a form", `{username=bob&password=x`, "", ""},
		{"several lines are not a form", "username=bob\npassword=x", "", ""},
		{"a bad escape is not a form", `username=%zz&password=x`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, p := CredentialFields([]byte(tt.body))
			if u != tt.user || p != tt.password {
				t.Errorf("CredentialFields(%q) = %q, %q; want %q, %q", tt.body, u, p, tt.user, tt.password)
			}
		})
	}
}

func TestSetFields(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		values map[string]string
		// want is the JSON (compared as text) or, for forms, the
		// decoded form; "" when SetFields refuses.
		want     string
		wantForm url.Values
	}{
		{name: "JSON", body: `{"username":"name1","password":"pass1"}`, values: map[string]string{"password": "wrong"},
			want: `{"password":"wrong","username":"name1"}`},
		{name: "JSON member added", body: `{"username":"name1"}`, values: map[string]string{"password": "x"},
			want: `{"password":"x","username":"name1"}`},
		{name: "JSON keeps other members exactly", body: `{"email":"a@b","password":"x","n":12345678901234567890,"f":1.50,"nested":{"a":[1,2]}}`, values: map[string]string{"email": "c@d"},
			want: `{"email":"c@d","f":1.50,"n":12345678901234567890,"nested":{"a":[1,2]},"password":"x"}`},
		{name: "JSON null is not an object", body: `null`, values: map[string]string{"a": "b"}},
		{name: "JSON list is not an object", body: `[1]`, values: map[string]string{"a": "b"}},
		{name: "text is neither", body: `hello`, values: map[string]string{"a": "b"}},
		{name: "form", body: `grant_type=password&username=johndoe&password=secret&scope=`, values: map[string]string{"password": "wrong", "username": "alice"},
			wantForm: url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"wrong"}, "scope": {""}}},
		{name: "form member added and escaped", body: `username=johndoe&password=secret`, values: map[string]string{"client_id": "a b&c=d"},
			wantForm: url.Values{"username": {"johndoe"}, "password": {"secret"}, "client_id": {"a b&c=d"}}},
		{name: "form with a repeated member", body: `scope=read&scope=write&username=bob&password=x`, values: map[string]string{"scope": "admin"},
			wantForm: url.Values{"scope": {"admin"}, "username": {"bob"}, "password": {"x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ok := SetFields([]byte(tt.body), tt.values)
			switch {
			case tt.want == "" && tt.wantForm == nil:
				if ok {
					t.Fatalf("SetFields(%q) = %s, want a refusal", tt.body, out)
				}
			case tt.wantForm != nil:
				if !ok {
					t.Fatalf("SetFields(%q) refused", tt.body)
				}
				got, err := url.ParseQuery(string(out))
				if err != nil {
					t.Fatalf("SetFields(%q) = %q, not a form: %v", tt.body, out, err)
				}
				if !reflect.DeepEqual(got, tt.wantForm) {
					t.Errorf("SetFields(%q) = %q, want %q", tt.body, out, tt.wantForm.Encode())
				}
				// Still a form for the next login attempt.
				if u, p := CredentialFields(out); u == "" && p == "" && (tt.wantForm.Has("username") || tt.wantForm.Has("password")) {
					t.Errorf("SetFields(%q) = %q: no longer read as a form", tt.body, out)
				}
			default:
				if !ok || string(out) != tt.want {
					t.Errorf("SetFields(%q) = %s, %v; want %s", tt.body, out, ok, tt.want)
				}
			}
		})
	}
}

func TestClassifyForgetPassword(t *testing.T) {
	tests := []struct {
		method, path, id string
		want             AuthKind
	}{
		// crAPI's reset.
		{"POST", "/identity/api/auth/forget-password", "forgetPassword", PasswordReset},
		{"POST", "/identity/api/auth/forget-password", "", PasswordReset},
		{"POST", "/x", "forgetPassword", PasswordReset},
		{"POST", "/forget_password", "", PasswordReset},
		{"PUT", "/auth/forget-password", "", PasswordReset},
		{"POST", "/api/ForgetPassword", "", PasswordReset},
		// Only POST and PUT check anything.
		{"GET", "/identity/api/auth/forget-password", "", NotAuth},
		// A reset under /auth is a reset, not a login.
		{"POST", "/auth/login/forget-password", "", PasswordReset},
		// "forget" must be a word of its own.
		{"POST", "/forgetful/items", "", NotAuth},
		{"POST", "/identity/api/auth/login", "authenticateUser", Login},
	}
	for _, tt := range tests {
		if got := Classify(&surface.Operation{Method: tt.method, Path: tt.path, OperationID: tt.id}); got != tt.want {
			t.Errorf("Classify(%s %s %s) = %v, want %v", tt.method, tt.path, tt.id, got, tt.want)
		}
	}
}
