package postman

import (
	"reflect"
	"testing"
)

func TestParseScript(t *testing.T) {
	type set struct{ name, scope, source, pointer, header, value string }
	tests := []struct {
		name  string
		lines []string
		want  []set
	}{
		{"pm.response.json() member", []string{`pm.environment.set("token", pm.response.json().access_token);`},
			[]set{{"token", "environment", "body", "/access_token", "", ""}}},
		{"an alias of the answer", []string{`var jsonData = pm.response.json();`, `pm.collectionVariables.set("id", jsonData.data.id);`},
			[]set{{"id", "collection", "body", "/data/id", "", ""}}},
		{"JSON.parse(responseBody) and the legacy setter", []string{`const body = JSON.parse(responseBody)`, `postman.setEnvironmentVariable("uid", body.user.uid)`},
			[]set{{"uid", "environment", "body", "/user/uid", "", ""}}},
		{"an alias of a member", []string{`let user = pm.response.json().user;`, `pm.globals.set('name', user["full name"]);`},
			[]set{{"name", "globals", "body", "/user/full name", "", ""}}},
		{"indexes and optional chaining", []string{`pm.variables.set("first", pm.response.json().items[0]?.id.toString())`},
			[]set{{"first", "local", "body", "/items/0/id", "", ""}}},
		{"pointer tokens are escaped", []string{`pm.environment.set("x", pm.response.json()["a/b~c"])`},
			[]set{{"x", "environment", "body", "/a~1b~0c", "", ""}}},
		{"a header", []string{`pm.environment.set("loc", pm.response.headers.get("Location"));`},
			[]set{{"loc", "environment", "header", "", "Location", ""}}},
		{"the legacy header read", []string{`postman.setGlobalVariable("csrf", postman.getResponseHeader('X-CSRF-Token'))`},
			[]set{{"csrf", "globals", "header", "", "X-CSRF-Token", ""}}},
		{"literals", []string{`pm.environment.set("shelf", "A-3"); pm.environment.set("n", 42) // two on a line`},
			[]set{{"shelf", "environment", "literal", "", "", "A-3"}, {"n", "environment", "literal", "", "", "42"}}},
		{"a computed value is kept, not read", []string{`pm.environment.set("later", Date.now() + 1000);`},
			[]set{{"later", "environment", "", "", "", ""}}},
		{"an alias that is re-assigned stops being the answer", []string{`var d = pm.response.json();`, `d = d.items.filter(x => x.ok);`, `pm.environment.set("id", d.id);`},
			[]set{{"id", "environment", "", "", "", ""}}},
		{"an unknown variable is not the answer", []string{`pm.environment.set("id", other.id);`},
			[]set{{"id", "environment", "", "", "", ""}}},
		{"a set inside a test callback", []string{`pm.test("ok", function () { pm.environment.set("id", pm.response.json().id); });`},
			[]set{{"id", "environment", "body", "/id", "", ""}}},
		{"reads, comments and gets are not sets", []string{`// pm.environment.set("x", 1)`, `var v = pm.environment.get("x");`, `pm.expect(v).to.eql(1);`}, nil},
		{"a name that is not a literal", []string{`pm.environment.set(name, 1);`}, nil},
		{"an unclosed call", []string{`pm.environment.set("id", pm.response.json().id`}, nil},
		{"a comparison is not an assignment", []string{`var d = pm.response.json();`, `if (d == null) {}`, `pm.environment.set("id", d.id);`},
			[]set{{"id", "environment", "body", "/id", "", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []set
			for _, s := range parseScript(tt.lines, nil) {
				got = append(got, set{s.Name, s.Scope, s.Source, s.Pointer, s.Header, s.Value})
				if s.Script == "" {
					t.Errorf("set %s has no script text", s.Name)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseScript =\n  %v\nwant\n  %v", got, tt.want)
			}
		})
	}
}

func TestChainedCollection(t *testing.T) {
	f := fixture(t, "chained.postman_collection.json")
	api := loadCollection(t, "chained.postman_collection.json")
	login := operation(t, api, "Log in")
	if len(login.Request.Sets) != 1 || login.Request.Sets[0].Pointer != "/access_token" {
		t.Fatalf("login sets %+v", login.Request.Sets)
	}
	if got, want := login.Request.Sets[0].Location.Line, lineOf(t, f, `pm.collectionVariables.set(\"token\"`); got != want {
		t.Errorf("set located at line %d, want %d", got, want)
	}
	add := operation(t, api, "Add a book")
	var names []string
	for _, s := range add.Request.Sets {
		names = append(names, s.Name+"="+s.Source)
	}
	if want := []string{"bookId=body", "bookUrl=header", "shelf=literal", "firstTag=body", "later="}; !reflect.DeepEqual(names, want) {
		t.Errorf("sets %v, want %v (pre-request scripts are not read)", names, want)
	}
	read := operation(t, api, "Read the book")
	r := read.Request
	// The resolved request keeps the files' values, as every other
	// scanner reads it.
	if r.URL != "http://127.0.0.1:8080/api/books/{{bookId}}?shelf={{shelf}}" {
		t.Errorf("URL %q", r.URL)
	}
	if h := header(t, read, "Authorization"); h.Value != "Bearer stale-token-from-last-week" {
		t.Errorf("resolved Authorization %q", h.Value)
	}
	if r.Runtime == nil {
		t.Fatal("no runtime form though scripts set variables")
	}
	if r.Runtime.URL != "http://127.0.0.1:8080/api/books/{{bookId}}?shelf={{shelf}}" || r.Runtime.Headers[0] != "Bearer {{token}}" {
		t.Errorf("runtime form %+v", r.Runtime)
	}
	if r.Runtime.Defaults["token"] != "stale-token-from-last-week" {
		t.Errorf("defaults %v", r.Runtime.Defaults)
	}
	if _, ok := r.Runtime.Defaults["bookId"]; ok {
		t.Error("bookId has a default though no file gives it one")
	}
	if b := operation(t, api, "Log in").Request.Runtime.Body; b != `{"username": "librarian", "password": "{{password}}"}` {
		t.Errorf("runtime body %q", b)
	}
}

func TestNoRuntimeFormWithoutSets(t *testing.T) {
	api := loadCollection(t, "v21_nested.postman_collection.json")
	for _, op := range api.Operations {
		if op.Request.Runtime != nil || len(op.Request.Sets) != 0 {
			t.Errorf("%s: runtime %+v, sets %+v", op.Summary, op.Request.Runtime, op.Request.Sets)
		}
	}
}
