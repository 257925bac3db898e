package security

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSensitiveIn(t *testing.T) {
	tests := []struct {
		body string
		want string
	}{
		{`{"id":1,"name":"a","password":"x"}`, "password"},
		{`{"id":1,"user":{"dateOfBirth":"1990-01-01"}}`, "dateOfBirth"},
		{`{"items":[{"credit_card_number":"4111"}]}`, "credit_card_number"},
		{`{"apiKey":"k"}`, "apiKey"},
		{`{"userSSN":"078-05-1120"}`, "userSSN"},
		{`{"hashedpassword":"x"}`, "hashedpassword"}, // a compound written in one word
		{`{"accesstoken":"x"}`, "accesstoken"},
		{`{"id":1,"password":""}`, ""}, // empty: nothing disclosed
		{`{"id":1,"phone":null}`, ""},
		{`{"id":1,"name":"Widget","price":3}`, ""},
		{`not json`, ""},
		// Words that only contain a sensitive term are not it.
		{`{"businessName":"x"}`, ""}, // "ssn"
		{`{"savings":1}`, ""},        // "vin"
		{`{"footprint":1}`, ""},      // "otp"
		{`{"spotPrice":1}`, ""},      // "otp"
		{`{"adobeId":"x"}`, ""},      // "dob"
	}
	for _, tt := range tests {
		if got := sensitiveIn([]byte(tt.body)); got != tt.want {
			t.Errorf("sensitiveIn(%s) = %q, want %q", tt.body, got, tt.want)
		}
	}
	if got := sensitiveIn(fixture(t, "store-public.json")); got != "" {
		t.Errorf("a public store's answer holds no personal member, got %q", got)
	}
	if got := sensitiveIn(fixture(t, "account-private.json")); got != "homeAddress" && got != "phonenumber" && got != "VIN" {
		t.Errorf("an account's answer: got %q, want one of its personal members", got)
	}
}

func TestContainsID(t *testing.T) {
	tests := []struct {
		body, id string
		want     bool
	}{
		{`[{"id":"a1"},{"id":"b2"}]`, "b2", true},
		{`[{"id":7},{"id":8}]`, "8", true},
		{`[{"id":7, "name":"x"}]`, "7", true},
		{`{"items":[{"id": 7}]}`, "7", true},
		{"[\n  {\n    \"id\": 7\n  }\n]", "7", true}, // pretty-printed
		{`[{"id":"a12"}]`, "a1", false},
		{`[{"id":17}]`, "7", false},
		{`[{"id":71}]`, "7", false},
		{`[]`, "7", false},
	}
	for _, tt := range tests {
		if got := containsID([]byte(tt.body), tt.id); got != tt.want {
			t.Errorf("containsID(%q, %q) = %v, want %v", tt.body, tt.id, got, tt.want)
		}
	}
}

// TestSameObject pins what BOLA takes for the owner's object read back by
// another identity: the id and the owner's shape, so a 200 carrying an
// error, an empty list, or an HTML page is a refusal.
func TestSameObject(t *testing.T) {
	owner := []byte(`{"id":"n-1","title":"my note","body":"secret plans"}`)
	tests := []struct {
		name  string
		other string
		want  bool
	}{
		{"the object", `{"id":"n-1","title":"my note","body":"secret plans"}`, true},
		{"the object with members in another order", `{"body":"secret plans","id":"n-1","title":"my note"}`, true},
		{"a 200 error envelope naming the id", `{"error":"note n-1 is not yours"}`, false},
		{"an empty object", `{}`, false},
		{"another object", `{"id":"n-2","title":"x","body":"y"}`, false},
		{"an HTML error page naming the id", `<html><body>Forbidden: n-1</body></html>`, false},
		{"an empty list", `[]`, false},
	}
	for _, tt := range tests {
		if got := authz.SameObject(owner, []byte(tt.other), "n-1"); got != tt.want {
			t.Errorf("%s: SameObject = %v, want %v", tt.name, got, tt.want)
		}
	}
	if sameAnswer(owner, owner, []plan.Param{{Name: "id", Value: "n-1"}, {Name: "org", Value: "o-9"}}) {
		t.Error("sameAnswer: an answer that does not name every reference is not the same object")
	}
	if !sameAnswer(owner, owner, []plan.Param{{Name: "id", Value: "n-1"}}) {
		t.Error("sameAnswer: the owner's own answer")
	}
}

func TestNamedRefs(t *testing.T) {
	c := &plan.Case{PathParams: []plan.Param{{Name: "id", Value: "1"}},
		Query: []plan.Param{{Name: "order_id", Value: "9"}, {Name: "id", Value: "2"}, {Name: "q", Value: "x"}, {Name: "userId", Value: "u"}}}
	var got []string
	for _, p := range namedRefs(c) {
		got = append(got, p.Name)
	}
	// A bare "id" in the query is too short to say what it names.
	if want := []string{"id", "order_id", "userId"}; !slices.Equal(got, want) {
		t.Errorf("namedRefs = %q, want %q", got, want)
	}
}

func TestPasswordField(t *testing.T) {
	for body, want := range map[string]string{
		`{"name":"a","new_password":"x"}`: "new_password",
		`{"pwd":"x"}`:                     "pwd",
		`{"passwd":"x"}`:                  "passwd",
		`{"name":"a","passport":"x"}`:     "",
		`[1]`:                             "",
	} {
		if got := passwordField([]byte(body)); got != want {
			t.Errorf("passwordField(%s) = %q, want %q", body, got, want)
		}
	}
}

func TestSelfViews(t *testing.T) {
	tg := func(method, path string) *plan.Target {
		return &plan.Target{Op: &surface.Operation{Method: method, Path: path}, Spec: &openapi3.Operation{}}
	}
	targets := []*plan.Target{tg("GET", "/me"), tg("GET", "/users/me/profile"), tg("POST", "/profile"), tg("GET", "/users/{id}"),
		tg("GET", "/memes"), tg("GET", "/account"), tg("GET", "/accounts-report"), tg("GET", "/v1/current-user")}
	var got []string
	for _, t := range selfViews(targets) {
		got = append(got, t.Op.Path)
	}
	// At most three, in order; "/memes" is not "/me".
	if want := []string{"/me", "/users/me/profile", "/account"}; !slices.Equal(got, want) {
		t.Errorf("selfViews = %q, want %q", got, want)
	}
}

func TestMarkBodyAndShows(t *testing.T) {
	tests := []struct {
		body, field, value string
	}{
		{`{"title":"t","id":"1"}`, "title", marker},
		{`{"email":"a@example.com","zzz":"x"}`, "email", "specter.changed@example.com"},
		{`{"phone":"5551234","title":"t"}`, "phone", "5550100"},
		{`{"status":"open","role":"user","user_id":"u","password":"p","avatar_url":"http://x"}`, "", ""},
		{`{"count":3}`, "", ""},
		{`[1,2]`, "", ""},
	}
	for _, tt := range tests {
		body, field := markBody([]byte(tt.body))
		if field != tt.field {
			t.Errorf("markBody(%s) field %q, want %q", tt.body, field, tt.field)
			continue
		}
		if field == "" {
			if string(body) != tt.body {
				t.Errorf("markBody(%s) changed a body it did not mark: %s", tt.body, body)
			}
			continue
		}
		if jsonField(body, field) != tt.value {
			t.Errorf("markBody(%s) = %s, want %s=%q", tt.body, body, field, tt.value)
		}
		if !shows([]byte(`{"`+field+`":"`+tt.value+`"}`), field, body) || shows([]byte(tt.body), field, body) {
			t.Errorf("shows: the written value %q is not told from the old body", tt.value)
		}
	}
	if _, f := markBody([]byte(`{"title":"t","name":"n"}`), "title"); f != "name" {
		t.Errorf("markBody avoiding title marked %q", f)
	}
}

func TestPassedCheck(t *testing.T) {
	for status, want := range map[int]bool{200: true, 204: true, 404: true, 410: true, 409: true,
		401: false, 403: false, 400: false, 422: false, 405: false, 429: false, 500: false, 302: false} {
		if got := passedCheck(status); got != want {
			t.Errorf("passedCheck(%d) = %v, want %v", status, got, want)
		}
	}
}

func TestDestructiveItem(t *testing.T) {
	for _, tt := range []struct {
		method, path string
		want         bool
	}{
		{"DELETE", "/notes/{id}", true}, {"PUT", "/notes/{id}", true}, {"PATCH", "/u/{u}/keys/{k}", true},
		{"POST", "/notes/{id}", false}, {"DELETE", "/notes", false}, {"GET", "/notes/{id}", false},
	} {
		if got := destructiveItem(&plan.Target{Op: &surface.Operation{Method: tt.method, Path: tt.path}}); got != tt.want {
			t.Errorf("destructiveItem(%s %s) = %v", tt.method, tt.path, got)
		}
	}
}

func TestSentinelValue(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		schema *openapi3.Schema
		want   string
	}{
		{"integer", &openapi3.Schema{Type: &openapi3.Types{"integer"}}, "2147480001"},
		{"integer under a maximum", &openapi3.Schema{Type: &openapi3.Types{"integer"}, Max: f(99999.5)}, "99999"},
		{"number", &openapi3.Schema{Type: &openapi3.Types{"number"}}, "2147480001"},
		{"string", &openapi3.Schema{Type: &openapi3.Types{"string"}}, "specter-missing-7"},
		{"no schema", nil, "specter-missing-7"},
	}
	for _, tt := range tests {
		if got := sentinelValue(tt.schema, 7); got != tt.want {
			t.Errorf("%s: sentinelValue = %q, want %q", tt.name, got, tt.want)
		}
	}
	uuid := sentinelValue(&openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "uuid"}, 7)
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(uuid) || uuid != sentinelValue(&openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "uuid"}, 7) {
		t.Errorf("uuid sentinel %q is not a stable version-4 UUID", uuid)
	}
}

func TestLowPrivilege(t *testing.T) {
	r := oracle.Roster{Default: "admin", LowPrivilege: "bob", Provisioned: []string{"specter-u"}}
	if got := lowPrivilege(Config{LowPrivilege: "carol"}, r); got != "carol" {
		t.Errorf("configured: %q", got)
	}
	if got := lowPrivilege(Config{}, r); got != "bob" {
		t.Errorf("roster: %q", got)
	}
	if got := lowPrivilege(Config{}, oracle.Roster{Default: "admin"}); got != "" {
		t.Errorf("a declared default identity is never guessed low-privilege: %q", got)
	}
	if got := lowPrivilege(Config{}, oracle.Roster{Default: "specter-u", Provisioned: []string{"specter-u"}}); got != "specter-u" {
		t.Errorf("a signed-up default identity: %q", got)
	}
}

func TestCollectionOf(t *testing.T) {
	for _, tt := range []struct{ method, path, want string }{
		{"DELETE", "/menu/{id}", "/menu"},
		{"POST", "/menu", "/menu"},
		{"GET", "/menu/", "/menu"},
		{"PUT", "/users/{uid}/keys/{kid}", "/users/{uid}/keys"},
	} {
		if got := collectionOf(&plan.Target{Op: &surface.Operation{Method: tt.method, Path: tt.path}}); got != tt.want {
			t.Errorf("collectionOf(%s %s) = %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

func TestNameWords(t *testing.T) {
	for name, want := range map[string][]string{
		"dateOfBirth":        {"date", "of", "birth"},
		"credit_card_number": {"credit", "card", "number"},
		"APIKey":             {"api", "key"},
		"userSSN":            {"user", "ssn"},
		"ssnLast4":           {"ssn", "last", "4"},
		"x-api-key":          {"x", "api", "key"},
		"hashedpassword":     {"hashedpassword"},
		"":                   nil,
	} {
		if got := nameWords(name); !slices.Equal(got, want) {
			t.Errorf("nameWords(%q) = %q, want %q", name, got, want)
		}
	}
}

// A bare id names an account only on an account collection: the notes of
// an API whose tokens carry the account's id in an "id" claim are notes.
func TestAccountValue(t *testing.T) {
	st := learn.New()
	st.AddAccount("specter-v", true, map[string]string{"id": "65f0c0ffee0000000000000a", "username": "specter0ca71cv", "email": "v@example.com"})
	tests := []struct {
		collection, param string
		want              string
	}{
		{"/api/v2/notes", "id", ""},
		{"/api/v2/users", "id", "65f0c0ffee0000000000000a"},
		{"/users/v1", "username", "specter0ca71cv"},
		{"/api/v2/notes", "username", "specter0ca71cv"},
		{"/accounts", "uuid", ""}, // the account has no uuid
	}
	for _, tt := range tests {
		got, _ := accountValue(st, "specter-v", &objectOps{collection: tt.collection, param: tt.param})
		if got != tt.want {
			t.Errorf("%s/{%s}: %q, want %q", tt.collection, tt.param, got, tt.want)
		}
	}
}
