package accounts

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/specterhq/specter/internal/testserver/fastapilike"
	"github.com/specterhq/specter/internal/testserver/flasklike"
	"github.com/specterhq/specter/internal/testserver/springlike"
)

func TestDetectTestServers(t *testing.T) {
	tests := []struct {
		name, file    string
		spec          []byte
		signUp, login string
		form, oauth2  bool
		// Roles of the sign-up's and the login's fields.
		signUpFields, loginFields fields
	}{
		{
			name: "flasklike (VAmPI)", file: "openapi3.yml", spec: flasklike.Spec(),
			signUp: "POST /users/v1/register", login: "POST /users/v1/login",
			signUpFields: fields{user: "username", email: "email", password: "password"},
			loginFields:  fields{user: "username", password: "password"},
		},
		{
			name: "fastapilike (RESTaurant)", file: "openapi.json", spec: fastapilike.Spec(),
			signUp: "POST /register", login: "POST /token", form: true, oauth2: true,
			signUpFields: fields{user: "username", password: "password", phone: "phone_number"},
			loginFields:  fields{user: "username", password: "password"},
		},
		{
			name: "springlike (crAPI)", file: "openapi.json", spec: springlike.Spec(),
			signUp: "POST /identity/api/auth/signup", login: "POST /identity/api/auth/login",
			// name is not the user name: the e-mail address is.
			signUpFields: fields{email: "email", password: "password", phone: "number"},
			loginFields:  fields{email: "email", password: "password"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, why := Detect(targetsOf(t, tt.file, tt.spec))
			if f == nil {
				t.Fatalf("Detect: nil (%s)", why)
			}
			if why != "" {
				t.Errorf("Detect found a flow and says %q", why)
			}
			if f.SignUp.Key() != tt.signUp || f.Login.Key() != tt.login {
				t.Errorf("sign-up %s, login %s; want %s, %s", f.SignUp.Key(), f.Login.Key(), tt.signUp, tt.login)
			}
			if f.loginForm != tt.form || f.oauth2 != tt.oauth2 {
				t.Errorf("form %v, oauth2 %v; want %v, %v", f.loginForm, f.oauth2, tt.form, tt.oauth2)
			}
			checkRoles(t, "sign-up", f.signUp, tt.signUpFields)
			checkRoles(t, "login", f.login, tt.loginFields)
		})
	}
}

func checkRoles(t *testing.T, what string, got, want fields) {
	t.Helper()
	if got.user != want.user || got.email != want.email || got.password != want.password || got.confirm != want.confirm || got.phone != want.phone {
		t.Errorf("%s fields: user %q email %q password %q confirm %q phone %q; want %q %q %q %q %q", what,
			got.user, got.email, got.password, got.confirm, got.phone,
			want.user, want.email, want.password, want.confirm, want.phone)
	}
}

// op is one operation of a hand-written spec.
type op struct {
	method, path         string
	id, summary, desc    string
	tags                 []string
	fields               []string // string members of the body
	form                 bool     // the body is a URL-encoded form
	security             []map[string][]string
	responseFields       []string
	enums                map[string][]string // enumerations of body and response members
	responseFieldsNested string              // put the response members under this member
}

// miniSpec writes an OpenAPI 3.0 document with the operations and, when
// tokenURL is set, an OAuth2 password flow whose token URL it is.
func miniSpec(t *testing.T, tokenURL string, ops ...op) []byte {
	t.Helper()
	paths := map[string]map[string]any{}
	for _, o := range ops {
		m := map[string]any{"responses": map[string]any{"200": map[string]any{"description": "OK"}}}
		if o.id != "" {
			m["operationId"] = o.id
		}
		if o.summary != "" {
			m["summary"] = o.summary
		}
		if o.desc != "" {
			m["description"] = o.desc
		}
		if o.tags != nil {
			m["tags"] = o.tags
		}
		if o.security != nil {
			m["security"] = o.security
		}
		if o.fields != nil {
			props := map[string]any{}
			for _, f := range o.fields {
				s := map[string]any{"type": "string"}
				if e, ok := o.enums[f]; ok {
					s["enum"] = e
				}
				props[f] = s
			}
			ct := "application/json"
			if o.form {
				ct = "application/x-www-form-urlencoded"
			}
			m["requestBody"] = map[string]any{"required": true, "content": map[string]any{ct: map[string]any{"schema": map[string]any{"type": "object", "properties": props}}}}
		}
		if o.responseFields != nil {
			props := map[string]any{}
			for _, f := range o.responseFields {
				s := map[string]any{"type": "string"}
				if e, ok := o.enums[f]; ok {
					s["enum"] = e
				}
				props[f] = s
			}
			schema := map[string]any{"type": "object", "properties": props}
			if o.responseFieldsNested != "" {
				schema = map[string]any{"type": "object", "properties": map[string]any{o.responseFieldsNested: schema}}
			}
			m["responses"] = map[string]any{"200": map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": schema}}}}
		}
		if paths[o.path] == nil {
			paths[o.path] = map[string]any{}
		}
		paths[o.path][strings.ToLower(o.method)] = m
	}
	schemes := map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}
	if tokenURL != "" {
		schemes["oauth"] = map[string]any{"type": "oauth2", "flows": map[string]any{"password": map[string]any{"tokenUrl": tokenURL, "scopes": map[string]any{"users:admin": "administer users"}}}}
	}
	doc := map[string]any{
		"openapi":    "3.0.3",
		"info":       map[string]any{"title": "mini", "version": "1"},
		"paths":      paths,
		"components": map[string]any{"securitySchemes": schemes},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	reasonNoLogin  = "a sign-up operation but no login operation (login, signin, token, or an OAuth2 password flow's tokenUrl)"
	reasonNoSignUp = "a login operation but no sign-up operation (register, signup, POST /users with a password field)"
	reasonNothing  = "no sign-up operation (register, signup, POST /users with a password field) and no login operation found"
)

func TestDetect(t *testing.T) {
	login := op{method: "POST", path: "/auth/login", fields: []string{"username", "password"}}
	register := op{method: "POST", path: "/register", fields: []string{"username", "email", "password"}}
	tests := []struct {
		name     string
		tokenURL string
		ops      []op
		// signUp and login are the operations found, or reason is
		// what Detect says when it finds no flow.
		signUp, login, reason string
		form, oauth2          bool
	}{
		// Sign-ups.
		{name: "register", ops: []op{register, login}, signUp: "POST /register", login: "POST /auth/login"},
		{name: "signup by operation id", ops: []op{{method: "POST", path: "/api/v1/people", id: "signUp", fields: []string{"email", "password"}}, login},
			signUp: "POST /api/v1/people", login: "POST /auth/login"},
		{name: "create account by summary", ops: []op{{method: "POST", path: "/api/v1/people", summary: "Create account", fields: []string{"email", "password"}}, login},
			signUp: "POST /api/v1/people", login: "POST /auth/login"},
		{name: "a users collection with a password", ops: []op{{method: "POST", path: "/api/users", fields: []string{"username", "password"}}, login},
			signUp: "POST /api/users", login: "POST /auth/login"},
		{name: "a customers collection with a password", ops: []op{{method: "POST", path: "/customers/", fields: []string{"email", "passwd"}}, login},
			signUp: "POST /customers/", login: "POST /auth/login"},
		{name: "a users collection without a password is not a sign-up", ops: []op{{method: "POST", path: "/api/users", fields: []string{"username", "email"}}, login},
			reason: reasonNoSignUp},
		{name: "a sign-up without a user name or e-mail is not one", ops: []op{{method: "POST", path: "/register", fields: []string{"password"}}, login},
			reason: reasonNoSignUp},
		{name: "a PUT is not a sign-up", ops: []op{{method: "PUT", path: "/register", fields: []string{"username", "password"}}, login},
			reason: reasonNoSignUp},
		{name: "a collection of something else is not a sign-up", ops: []op{{method: "POST", path: "/vaults", fields: []string{"name", "password"}}, login},
			reason: reasonNoSignUp},

		// Admin-only create-user operations are not sign-ups.
		{name: "admin path", ops: []op{{method: "POST", path: "/admin/users", fields: []string{"username", "password"}}, login},
			reason: reasonNoSignUp},
		{name: "admin tag", ops: []op{{method: "POST", path: "/users", tags: []string{"Administration"}, fields: []string{"username", "password"}}, login},
			reason: reasonNoSignUp},
		{name: "admin operation id", ops: []op{{method: "POST", path: "/users", id: "adminCreateUser", fields: []string{"username", "password"}}, login},
			reason: reasonNoSignUp},
		{name: "admin scope", tokenURL: "/auth/token", ops: []op{{method: "POST", path: "/users", security: []map[string][]string{{"oauth": {"users:admin"}}}, fields: []string{"username", "password"}}, login},
			reason: reasonNoSignUp},
		{name: "admin documentation", ops: []op{{method: "POST", path: "/users", summary: "Create a user", desc: "Only admins may create users.", security: []map[string][]string{{"bearer": {}}}, fields: []string{"username", "password"}}, login},
			reason: reasonNoSignUp},
		{name: "admin create-user beside the sign-up", ops: []op{{method: "POST", path: "/admin/users", fields: []string{"username", "password", "role"}}, register, login},
			signUp: "POST /register", login: "POST /auth/login"},
		{name: "documented admin create-user before the sign-up", ops: []op{{method: "POST", path: "/accounts", desc: "Create an account for a user (admin only).", fields: []string{"email", "password"}}, {method: "POST", path: "/signup", fields: []string{"email", "password"}}, login},
			signUp: "POST /signup", login: "POST /auth/login"},

		// Logins.
		{name: "signin", ops: []op{register, {method: "POST", path: "/api/signin", fields: []string{"email", "password"}}}, signUp: "POST /register", login: "POST /api/signin"},
		{name: "sessions", ops: []op{register, {method: "POST", path: "/sessions", fields: []string{"login", "password"}}}, signUp: "POST /register", login: "POST /sessions"},
		{name: "login by operation id", ops: []op{register, {method: "POST", path: "/api/v1/credentials", id: "logIn", fields: []string{"email", "password"}}}, signUp: "POST /register", login: "POST /api/v1/credentials"},
		{name: "auth token", ops: []op{register, {method: "POST", path: "/auth/token", fields: []string{"username", "password"}}}, signUp: "POST /register", login: "POST /auth/token"},
		{name: "form login", ops: []op{register, {method: "POST", path: "/login", form: true, fields: []string{"username", "password"}}}, signUp: "POST /register", login: "POST /login", form: true},
		{name: "OAuth2 tokenUrl", tokenURL: "https://auth.example.com/oauth/token/", ops: []op{register, {method: "POST", path: "/oauth/token", form: true, fields: []string{"grant_type", "username", "password", "scope"}}},
			signUp: "POST /register", login: "POST /oauth/token", form: true, oauth2: true},
		{name: "relative OAuth2 tokenUrl", tokenURL: "api/token", ops: []op{register, {method: "POST", path: "/api/token", fields: []string{"username", "password"}}},
			signUp: "POST /register", login: "POST /api/token", oauth2: true},
		{name: "the OAuth2 tokenUrl is not an operation", tokenURL: "https://auth.example.com/oauth/token", ops: []op{register, {method: "POST", path: "/token-exchange", fields: []string{"username", "password"}}},
			reason: reasonNoLogin},
		{name: "the login closest to the sign-up", ops: []op{
			{method: "POST", path: "/v1/login", fields: []string{"username", "password"}},
			{method: "POST", path: "/v2/register", fields: []string{"username", "password"}},
			{method: "POST", path: "/v2/login", fields: []string{"username", "password"}},
		}, signUp: "POST /v2/register", login: "POST /v2/login"},

		// Near misses of a login.
		{name: "no login", ops: []op{register}, reason: reasonNoLogin},
		{name: "a login page", ops: []op{register, {method: "GET", path: "/login"}}, reason: reasonNoLogin},
		{name: "a login without a user name", ops: []op{register, {method: "POST", path: "/login", fields: []string{"password"}}}, reason: reasonNoLogin},
		{name: "a login without a password", ops: []op{register, {method: "POST", path: "/login", fields: []string{"username", "otp_channel"}}}, reason: reasonNoLogin},
		{name: "a password change is not a login", ops: []op{register, {method: "POST", path: "/auth/change-password", fields: []string{"email", "password", "new_password"}}}, reason: reasonNoLogin},
		{name: "a password change closer to the sign-up than the login", ops: []op{
			{method: "POST", path: "/users", fields: []string{"username", "email", "password"}},
			{method: "POST", path: "/users/password/change", fields: []string{"username", "password", "new_password"}},
			login,
		}, signUp: "POST /users", login: "POST /auth/login"},
		{name: "a password reset is not a login", ops: []op{register, {method: "POST", path: "/auth/login/reset-password", fields: []string{"email", "password", "code"}}}, reason: reasonNoLogin},
		{name: "forget-password is not a login", ops: []op{register, {method: "POST", path: "/identity/api/auth/forget-password", id: "forgetPassword", fields: []string{"email", "password"}}}, reason: reasonNoLogin},

		// Nothing at all.
		{name: "no sign-up and no login", ops: []op{{method: "GET", path: "/items"}, {method: "POST", path: "/items", fields: []string{"name"}}}, reason: reasonNothing},
		{name: "a login only", ops: []op{login}, reason: reasonNoSignUp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, why := Detect(targetsOf(t, "openapi.json", miniSpec(t, tt.tokenURL, tt.ops...)))
			if tt.reason != "" {
				if f != nil {
					t.Fatalf("Detect found sign-up %s and login %s, want none: %s", f.SignUp.Key(), f.Login.Key(), tt.reason)
				}
				if why != tt.reason {
					t.Errorf("Detect says %q, want %q", why, tt.reason)
				}
				return
			}
			if f == nil {
				t.Fatalf("Detect: nil (%s)", why)
			}
			if f.SignUp.Key() != tt.signUp || f.Login.Key() != tt.login || f.loginForm != tt.form || f.oauth2 != tt.oauth2 {
				t.Errorf("sign-up %s, login %s, form %v, oauth2 %v; want %s, %s, %v, %v",
					f.SignUp.Key(), f.Login.Key(), f.loginForm, f.oauth2, tt.signUp, tt.login, tt.form, tt.oauth2)
			}
		})
	}
}

func TestDetectFieldRoles(t *testing.T) {
	tests := []struct {
		name   string
		fields []string
		want   fields
	}{
		{"confirmation", []string{"username", "password", "password_confirmation"}, fields{user: "username", password: "password", confirm: "password_confirmation"}},
		{"repeat", []string{"email", "pass", "repeatPassword"}, fields{email: "email", password: "pass", confirm: "repeatPassword"}},
		{"camelCase", []string{"userName", "emailAddress", "passWord", "phoneNumber"}, fields{user: "userName", email: "emailAddress", password: "passWord", phone: "phoneNumber"}},
		{"name is the user name where nothing else is", []string{"name", "password"}, fields{user: "name", password: "password"}},
		{"name is not the user name beside an e-mail", []string{"name", "email", "password"}, fields{email: "email", password: "password"}},
		{"a new password is not the password", []string{"login", "new_password", "pwd"}, fields{user: "login", password: "pwd"}},
		{"mobile", []string{"handle", "mobile", "passphrase"}, fields{user: "handle", password: "passphrase", phone: "mobile"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := targetsOf(t, "openapi.json", miniSpec(t, "", op{method: "POST", path: "/register", fields: tt.fields}))
			got, form := bodyFields(ts[0])
			if form {
				t.Error("a JSON body read as a form")
			}
			checkRoles(t, "sign-up", got, tt.want)
		})
	}
}

// An API with a sign-up per section (vAPI) has a flow per sign-up, each
// with the login nearest to it, the first sign-up's first; Detect is the
// first of them.
func TestDetectAll(t *testing.T) {
	op := func(path string) string {
		return `  ` + path + `:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {username: {type: string}, password: {type: string}}}
      responses: {"200": {description: ok}}
`
	}
	spec := "openapi: 3.0.3\ninfo: {title: vapi, version: \"1\"}\npaths:\n" +
		op("/vapi/api1/user/register") + op("/vapi/api1/user/login") + op("/vapi/api6/user/register") + op("/vapi/api6/user/login")
	flows, why := DetectAll(targetsOf(t, "vapi.yaml", []byte(spec)))
	if len(flows) != 2 {
		t.Fatalf("%d flows (%s), want 2", len(flows), why)
	}
	for i, want := range [][2]string{{"POST /vapi/api1/user/register", "POST /vapi/api1/user/login"}, {"POST /vapi/api6/user/register", "POST /vapi/api6/user/login"}} {
		if got := [2]string{flows[i].SignUp.Key(), flows[i].Login.Key()}; got != want {
			t.Errorf("flow %d: %v, want %v", i, got, want)
		}
	}
	if f, _ := Detect(targetsOf(t, "vapi.yaml", []byte(spec))); f == nil || f.SignUp.Key() != flows[0].SignUp.Key() {
		t.Errorf("Detect: %+v", f)
	}
}
