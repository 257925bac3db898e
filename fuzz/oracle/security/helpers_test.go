package security

import (
	"net/http"
	"testing"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func target() *plan.Target {
	api := &surface.API{SecuritySchemes: map[string]*surface.SecurityScheme{
		"key": {Type: "apiKey", In: "query", ParamName: "api_key"},
		"hdr": {Type: "apiKey", In: "header", ParamName: "X-API-Key"},
	}}
	return &plan.Target{API: api, Op: &surface.Operation{Method: "GET", Path: "/items/{id}"}}
}

func TestWithoutCredentials(t *testing.T) {
	c := &plan.Case{Seq: 9, Target: target(), Method: "GET", Identity: "alice",
		Headers:     []plan.Param{{Name: "authorization", Value: "Bearer x"}, {Name: "X-API-Key", Value: "k"}, {Name: "X-Trace", Value: "t"}},
		Query:       []plan.Param{{Name: "api_key", Value: "k"}, {Name: "q", Value: "v"}},
		Cookies:     []plan.Param{{Name: "theme", Value: "dark"}},
		RecordedURL: "http://h/items/1?api_key=k&q=v",
	}
	out := withoutCredentials(c)
	if out.Identity != plan.NoCredentials || out.Seq != 9 {
		t.Errorf("identity %q seq %d", out.Identity, out.Seq)
	}
	if len(out.Headers) != 1 || out.Headers[0].Name != "X-Trace" {
		t.Errorf("headers %+v", out.Headers)
	}
	if len(out.Query) != 1 || out.Query[0].Name != "q" {
		t.Errorf("query %+v", out.Query)
	}
	if out.RecordedURL != "http://h/items/1?q=v" {
		t.Errorf("recorded URL %q", out.RecordedURL)
	}
	if len(c.Headers) != 3 || c.Identity != "alice" {
		t.Error("the original case was modified")
	}
	if got := asIdentity(c, "bob"); got.Identity != "bob" || len(got.Headers) != 1 {
		t.Errorf("asIdentity: %+v", got)
	}
}

func TestReplacePayload(t *testing.T) {
	p := `specter'"`
	c := &plan.Case{Target: target(), Method: "POST",
		Query:   []plan.Param{{Name: "q", Value: "x" + p}},
		Body:    []byte(`{"name":"specter'\""}`),
		Payload: &plan.Payload{Family: "sql", Value: p, Field: "body.name"},
	}
	out := replacePayload(c, p, "specter")
	if out.Query[0].Value != "xspecter" || string(out.Body) != `{"name":"specter"}` || out.Payload != nil {
		t.Errorf("twin: query %q body %s payload %v", out.Query[0].Value, out.Body, out.Payload)
	}
	if c.Payload == nil || string(c.Body) != `{"name":"specter'\""}` {
		t.Error("the original case was modified")
	}
}

func TestCreatedID(t *testing.T) {
	tests := []struct {
		body, location, want string
	}{
		{`{"id":"n1","text":"x"}`, "", "n1"},
		{`{"id":42}`, "", "42"},
		{`{"_id":"abc"}`, "", "abc"},
		{`{"name":"x"}`, "/notes/77/", "77"},
		{`{"id":"../etc"}`, "", ""},
		{`[1,2]`, "", ""},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.location != "" {
			h.Set("Location", tt.location)
		}
		if got := createdID(&execute.Exchange{Body: []byte(tt.body), Header: h}); got != tt.want {
			t.Errorf("createdID(%s, %q) = %q, want %q", tt.body, tt.location, got, tt.want)
		}
	}
}

func TestItemOf(t *testing.T) {
	for path, want := range map[string][2]string{
		"/notes/{id}":             {"/notes", "id"},
		"/users/{uid}/keys/{kid}": {"/users/{uid}/keys", "kid"},
		"/notes":                  {"", ""},
		"/notes/{id}/share":       {"", ""},
	} {
		col, p, _ := itemOf(path)
		if col != want[0] || p != want[1] {
			t.Errorf("itemOf(%s) = %q %q", path, col, p)
		}
	}
}
