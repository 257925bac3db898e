package postman

import (
	"reflect"
	"strings"
	"testing"

	"github.com/specterhq/specter/surface"
)

// wantOp is what a test expects of one operation; empty fields are not
// checked.
type wantOp struct {
	summary, method, path, id, url, rawURL string
	params                                 []string
	bodyMode, body                         string
	authType                               string
	authInherited                          bool
	authParams                             map[string]string
	noAuth                                 bool // Operation.Auth must be nil
}

func checkOps(t *testing.T, api *surface.API, wants []wantOp) {
	t.Helper()
	if len(api.Operations) != len(wants) {
		t.Fatalf("%d operations, want %d", len(api.Operations), len(wants))
	}
	for _, w := range wants {
		t.Run(w.summary, func(t *testing.T) {
			op := operation(t, api, w.summary)
			check := func(field, got, want string) {
				if want != "" && got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			check("Method", op.Method, w.method)
			check("Request.Method", op.Request.Method, w.method)
			check("Path", op.Path, w.path)
			check("OperationID", op.OperationID, w.id)
			check("URL", op.Request.URL, w.url)
			check("RawURL", op.Request.RawURL, w.rawURL)
			check("BodyMode", op.Request.BodyMode, w.bodyMode)
			check("Body", op.Request.Body, w.body)
			if w.params != nil && !reflect.DeepEqual(paramList(op), w.params) {
				t.Errorf("parameters %v, want %v", paramList(op), w.params)
			}
			if op.Location.Line == 0 || op.Request.Location.Line == 0 {
				t.Errorf("operation without a position: %+v / %+v", op.Location, op.Request.Location)
			}
			switch {
			case w.noAuth:
				if op.Auth != nil {
					t.Errorf("auth %+v, want none", op.Auth)
				}
			case w.authType != "":
				if op.Auth == nil {
					t.Fatalf("no auth, want %s", w.authType)
				}
				check("Auth.Type", op.Auth.Type, w.authType)
				if op.Auth.Inherited != w.authInherited {
					t.Errorf("Auth.Inherited = %v, want %v", op.Auth.Inherited, w.authInherited)
				}
				for k, v := range w.authParams {
					if got, ok := op.Auth.Params[k]; !ok || got != v {
						t.Errorf("Auth.Params[%s] = %q (%v), want %q", k, got, ok, v)
					}
				}
			}
		})
	}
}

func TestLoadCollectionV20(t *testing.T) {
	api := loadCollection(t, "v20_map_auth.postman_collection.json")
	if api.Format != surface.FormatPostman20 || api.Title != "Petstore v2.0" || api.Version != "1.2.3-beta" {
		t.Errorf("api = %q %q %q", api.Format, api.Title, api.Version)
	}
	gotVars := map[string]string{}
	for _, v := range api.Variables {
		gotVars[v.Key] = v.Value
	}
	wantVars := map[string]string{"baseUrl": "https://api.example.com", "retries": "5", "verbose": "true", "nothing": "", "user": "admin", "legacy": "by-id"}
	if !reflect.DeepEqual(gotVars, wantVars) {
		t.Errorf("variables %v, want %v", gotVars, wantVars)
	}
	checkOps(t, api, []wantOp{
		{
			summary: "List pets", method: "GET", path: "/pets", id: "List pets",
			url: "https://api.example.com/pets?limit=5&debug=true", rawURL: "{{baseUrl}}/pets?limit={{retries}}&debug={{verbose}}",
			params:   []string{"query:limit", "query:debug"},
			authType: "basic", authInherited: true, authParams: map[string]string{"username": "admin", "password": "hunter2", "saveHelperData": "true"},
		},
		{
			summary: "Get pet", method: "GET", path: "/pets/{petId}/{legacy}", id: "Get pet",
			url:    "https://api.example.com/pets/:petId/by-id",
			params: []string{"path:petId", "header:Accept"}, authType: "basic", authInherited: true,
		},
		{
			summary: "Delete pet", method: "DELETE", path: "/pets/1", id: "delete-pet",
			authType: "apikey", authParams: map[string]string{"key": "X-Api-Key", "value": "{{apiKey}}", "in": "header"},
		},
	})

	basic := operation(t, api, "List pets").Auth
	if basic.Raw["username"] != "{{user}}" {
		t.Errorf("Raw username = %q", basic.Raw["username"])
	}
	f := api.File
	if loc := basic.ParamLocations["password"]; loc.Pointer != "/auth/basic/password" || loc.Line != lineOf(t, f, `"hunter2"`) {
		t.Errorf("password location %+v", loc)
	}
	if basic.Location.Pointer != "/auth" || basic.Location.Line != lineOf(t, f, `"auth"`) {
		t.Errorf("auth location %+v", basic.Location)
	}
	del := operation(t, api, "Delete pet")
	if del.Location.Pointer != "/item/2" || del.Request.Location.Pointer != "/item/2/request" {
		t.Errorf("locations %+v %+v", del.Location, del.Request.Location)
	}
}

func TestLoadCollectionV20WithEnvironment(t *testing.T) {
	env := loadEnv(t, "secret.postman_environment.json")
	api := loadCollection(t, "v20_map_auth.postman_collection.json", env)
	del := operation(t, api, "Delete pet")
	if got := del.Auth.Params["value"]; got != "sk_live_abcdef123456" {
		t.Errorf("apikey value = %q, want the environment's secret", got)
	}
	if got := del.Auth.Raw["value"]; got != "{{apiKey}}" {
		t.Errorf("apikey raw = %q", got)
	}
}

func TestLoadCollectionV21Nested(t *testing.T) {
	envs := []*surface.Environment{loadEnv(t, "secret.postman_environment.json"), loadEnv(t, "second.postman_environment.json")}
	api := loadCollection(t, "v21_nested.postman_collection.json", envs...)
	if api.Format != surface.FormatPostman21 || api.Title != "Shop v2.1" || api.Version != "2.1.0" {
		t.Errorf("api = %q %q %q", api.Format, api.Title, api.Version)
	}
	checkOps(t, api, []wantOp{
		{
			summary: "Get user", method: "GET", path: "/admin/users/{userId}", id: "get-user",
			url:    "https://shop.example.com/admin/users/42?expand=true&debug=1",
			params: []string{"path:userId", "query:expand", "header:X-Scope", "header:Accept"},
			// Inherited from the Admin folder; adminKey comes from the second environment.
			authType: "apikey", authInherited: true, authParams: map[string]string{"key": "X-Admin-Key", "value": "admin-from-second"},
		},
		{
			summary: "Create user", method: "POST", path: "/admin/users", id: "Admin/Users/Create user",
			// Built from parts; the disabled variable stays as written.
			url:    "https://api.example.com:8443/admin/users?notify={{off}}",
			params: []string{"query:notify", "header:Content-Type"}, bodyMode: "urlencoded", body: "name=users-folder",
			authType: "apikey", authInherited: true,
		},
		{
			summary: "Health", method: "GET", path: "/health", id: "Admin/Public/Health", url: "https://shop.example.com/health",
			authType: "noauth", authInherited: true,
		},
		{
			summary: "Upload", method: "PUT", path: "/files/{fileId}", url: "https://shop.example.com/files/{{fileId}}",
			bodyMode: "formdata", body: "file=@/tmp/a.txt&note=hi",
			authType: "basic", authParams: map[string]string{"username": "u", "password": "p"},
		},
		{
			summary: "Raw body", method: "PATCH", path: "/items/{itemId}", bodyMode: "raw", body: `{"owner": "collection"}`,
			// The environment's collectionToken beats the collection's.
			authType: "bearer", authInherited: true, authParams: map[string]string{"token": "env-token"},
		},
		{summary: "File body", bodyMode: "file", body: "/data/blob.bin", authType: "bearer", authInherited: true},
		{summary: "GraphQL", bodyMode: "graphql", body: "{ me { id } }\n{\"a\": 1}"},
	})

	get := operation(t, api, "Get user")
	if h := header(t, get, "X-Scope"); h.Value != "users-folder" || h.RawValue != "{{scopeName}}" || h.Disabled {
		t.Errorf("X-Scope = %+v, want the innermost folder's value", h)
	}
	if h := header(t, get, "X-Old"); !h.Disabled || h.Value != "gone" {
		t.Errorf("X-Old = %+v, want disabled", h)
	}
	if h := header(t, get, "Accept"); h.Location.Pointer != "/item/0/item/0/item/0/request/header" {
		t.Errorf("raw header location %+v", h.Location)
	}
	if p := get.Parameters[0]; p.Location.Pointer != "/item/0/item/0/item/0/request/url/variable/0" || !p.Required {
		t.Errorf("path parameter %+v", p)
	}
	if get.Auth.Location.Pointer != "/item/0/auth" {
		t.Errorf("inherited auth location %+v, want the folder's block", get.Auth.Location)
	}
	create := operation(t, api, "Create user")
	if h := header(t, create, "X-Debug"); !h.Disabled || h.Location.Pointer != "/item/0/item/0/item/1/request/header/1/value" {
		t.Errorf("X-Debug = %+v", h)
	}
	if h := header(t, create, "X-Debug"); h.Location.Line != lineOf(t, api.File, `"X-Debug"`) {
		t.Errorf("X-Debug line %d", h.Location.Line)
	}
}

func TestAuthTypes(t *testing.T) {
	api := loadCollection(t, "auth_types.postman_collection.json")
	checkOps(t, api, []wantOp{
		{summary: "apikey", authType: "apikey", authParams: map[string]string{"key": "X-Key", "value": "s3cr3t", "in": "query"}},
		{summary: "awsv4", authType: "awsv4", authParams: map[string]string{"accessKey": "AKIAEXAMPLE", "secretKey": "s3cr3t", "region": "eu-west-1"}},
		{summary: "basic", authType: "basic", authParams: map[string]string{"username": "u", "password": "s3cr3t"}},
		{summary: "bearer", authType: "bearer", authParams: map[string]string{"token": "s3cr3t"}},
		{summary: "digest", authType: "digest", authParams: map[string]string{"password": "s3cr3t", "nonce": "12345"}},
		{summary: "edgegrid", authType: "edgegrid", authParams: map[string]string{"accessToken": "akab-access", "clientToken": "akab-client", "clientSecret": "s3cr3t"}},
		{summary: "hawk", authType: "hawk", authParams: map[string]string{"authKey": "s3cr3t", "includePayloadHash": "false"}},
		{summary: "noauth", authType: "noauth"},
		{summary: "oauth1", authType: "oauth1", authParams: map[string]string{"consumerSecret": "s3cr3t", "timestamp": "1461319769"}},
		{summary: "oauth2", authType: "oauth2", authParams: map[string]string{"accessToken": "s3cr3t", "grant_type": "client_credentials", "refreshRequestParams": `[{"key":"a","value":"b"}]`}},
		{summary: "ntlm", authType: "ntlm", authParams: map[string]string{"password": "s3cr3t", "domain": "CORP"}},
		{summary: "jwt", authType: "jwt", authParams: map[string]string{"secret": "s3cr3t", "payload": `{"sub":"1","admin":true}`}},
		{summary: "asap", authType: "asap", authParams: map[string]string{"privateKey": "s3cr3t", "kid": "k1"}},
		{summary: "map form in v2.1", authType: "bearer", authParams: map[string]string{"token": "s3cr3t"}},
		{summary: "no params", authType: "bearer"},
		{summary: "inherit, nothing above", noAuth: true},
		{summary: "null auth", noAuth: true},
	})
	for _, op := range api.Operations {
		if op.Auth == nil {
			continue
		}
		keys := paramKeys(op.Auth)
		if len(keys) != len(op.Auth.Params) || len(keys) != len(op.Auth.ParamLocations) {
			t.Errorf("%s: params, raw and locations differ: %v", op.Summary, keys)
		}
		for _, k := range keys {
			if loc := op.Auth.ParamLocations[k]; loc.Line == 0 || !strings.HasPrefix(loc.Pointer, op.Location.Pointer+"/request/auth/") {
				t.Errorf("%s: %s location %+v", op.Summary, k, loc)
			}
		}
	}
	jwt := operation(t, api, "jwt").Auth
	if loc := jwt.ParamLocations["secret"]; !strings.HasSuffix(loc.Pointer, "/auth/jwt/0/value") {
		t.Errorf("jwt secret location %+v", loc)
	}
}

func TestCyclicVariablesTerminate(t *testing.T) {
	api := loadCollection(t, "cyclic.postman_collection.json")
	op := operation(t, api, "Loops")
	url := op.Request.URL
	for _, want := range []string{"https://x/{{self}}/", "c=end", "g={{$guid}}", "u={{unknown}}", "t={end}"} {
		if !strings.Contains(url, want) {
			t.Errorf("URL %q lacks %q", url, want)
		}
	}
	if !strings.HasPrefix(url, "https://x/{{self}}/xyxy") || len(url) > 1000 {
		t.Errorf("URL %q: mutual reference not expanded a bounded number of times", url)
	}
	bomb := header(t, op, "X-Bomb").Value
	if len(bomb) > len("{{d0}}")+maxResolvedGrowth {
		t.Errorf("doubling variables grew to %d bytes", len(bomb))
	}
	if op.Path != "/{self}/{a}" {
		t.Errorf("path %q", op.Path)
	}
}

func TestLoadCollectionWrapped(t *testing.T) {
	api := loadCollection(t, "api_wrapped.json")
	checkOps(t, api, []wantOp{{summary: "Ping", method: "HEAD", path: "/ping", url: "https://x/ping", noAuth: true}})
	if p := api.Operations[0].Location.Pointer; p != "/collection/item/0" {
		t.Errorf("pointer %q", p)
	}
}

func TestLoadCollectionErrors(t *testing.T) {
	tests := []struct {
		file, msg string
		line      int
	}{
		{"invalid/item_not_array.json", "item is an object, want an array", 3},
		{"invalid/request_number.json", "request is a number, want a string or an object", 4},
		{"invalid/folder_item_string.json", "item is a string, want an array", 5},
		{"invalid/missing_request.json", `item "empty" has neither "item" nor "request"`, 4},
		{"invalid/missing_item.json", `missing "item"`, 1},
		{"invalid/url_bool.json", "url is a boolean", 4},
		{"invalid/header_object.json", "header is an object, want an array or a string", 4},
		{"invalid/auth_params_string.json", "bearer auth parameters are a string", 3},
		{"invalid/variable_object.json", "variable is an object, want an array", 3},
		{"invalid/method_array.json", "method is an array", 4},
		{"invalid/body_string.json", "body is a string, want an object", 5},
		{"invalid/query_object.json", "url query is an object, want an array", 4},
		{"invalid/item_element_string.json", "item is a string, want an object", 3},
		{"openapi.json", "not a Postman collection", 1},
		{"secret.postman_environment.json", "not a Postman collection", 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := fixture(t, tt.file)
			api, err := LoadCollection(f, nil)
			if err == nil {
				t.Fatalf("loaded %d operations, want an error", len(api.Operations))
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.msg) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line with %q", msg, tt.msg)
			}
			var perr *Error
			if !asError(err, &perr) || perr.File != f.Path || perr.Line != tt.line {
				t.Errorf("error %q: want a *Error at %s line %d", msg, f.Path, tt.line)
			}
		})
	}
	if _, err := LoadCollection(&surface.File{Path: "x.json"}, nil); err == nil {
		t.Error("a file without a tree loaded")
	}
}
