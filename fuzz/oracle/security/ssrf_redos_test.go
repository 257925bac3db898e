package security

import (
	"slices"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func TestURLField(t *testing.T) {
	tests := []struct {
		name, format string
		value        any
		want         bool
	}{
		{"avatar_url", "", "x", true},
		{"callback", "", nil, true},
		{"webhookEndpoint", "", nil, true},
		{"imageUri", "", nil, true},
		{"mechanic_api", "", nil, true},
		{"next", "", "https://example.com/a", true}, // the value says so
		{"link", "", 3, true},
		{"homepage", "uri", nil, true},
		{"ref", "uri-reference", nil, true},
		{"avatar_id", "", nil, false},
		{"image_type", "", nil, false},
		{"image_size", "", nil, false},
		{"email", "", nil, false},
		{"contact_email", "", nil, false},
		{"name", "", "ftp-like but not a URL", false},
		{"title", "", nil, false},
	}
	for _, tt := range tests {
		if got := urlField(tt.name, tt.format, tt.value); got != tt.want {
			t.Errorf("urlField(%q, %q, %v) = %v, want %v", tt.name, tt.format, tt.value, got, tt.want)
		}
	}
}

func TestURLInputsAndWithInput(t *testing.T) {
	tg := &plan.Target{Op: &surface.Operation{Method: "POST", Path: "/import"}}
	c := &plan.Case{Target: tg, Method: "POST", ContentType: "application/json", Body: []byte(`{"source_url":"http://a.example","title":"t","n":1}`),
		Query: []plan.Param{{Name: "callback", Value: "http://b.example"}, {Name: "q", Value: "x"}}}
	got := urlInputs(c)
	if want := []string{"body.source_url", "query.callback"}; !slices.Equal(got, want) {
		t.Fatalf("urlInputs = %q, want %q", got, want)
	}
	out, ok := withInput(c, "body.source_url", "http://canary.example/t")
	if !ok || jsonField(out.Body, "source_url") != "http://canary.example/t" || jsonField(out.Body, "title") != "t" {
		t.Errorf("withInput body: %s %v", out.Body, ok)
	}
	out, ok = withInput(c, "query.callback", "http://canary.example/t")
	if !ok || out.Query[0].Value != "http://canary.example/t" || out.Query[1].Value != "x" || c.Query[0].Value != "http://b.example" {
		t.Errorf("withInput query: %+v (original %+v)", out.Query, c.Query)
	}
	form := &plan.Case{Target: tg, Method: "POST", ContentType: "application/x-www-form-urlencoded", Body: []byte(`url=http%3A%2F%2Fa.example&x=1`)}
	out, ok = withInput(form, "body.url", "http://canary.example/t")
	if !ok || jsonField(out.Body, "url") != "http://canary.example/t" || jsonField(out.Body, "x") != "1" {
		t.Errorf("withInput form: %s %v", out.Body, ok)
	}
	if _, ok := withInput(&plan.Case{Target: tg, Body: []byte(`[1]`)}, "body.url", "u"); ok {
		t.Error("withInput on an array body")
	}
}

func TestSlowRung(t *testing.T) {
	s := time.Second
	tests := []struct {
		d, control, baseline time.Duration
		want                 bool
	}{
		{3 * s, 50 * time.Millisecond, 100 * time.Millisecond, true},
		{900 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond, false}, // 90 times, but less than a second more
		{3 * s, 50 * time.Millisecond, 400 * time.Millisecond, false},                 // under ten times a slow baseline
		{3 * s, 2 * s, 10 * time.Millisecond, false},                                  // the control is slow too: the length, not the pattern
		{12 * s, s, 10 * time.Millisecond, true},
	}
	for _, tt := range tests {
		if got := slowRung(tt.d, tt.control, tt.baseline); got != tt.want {
			t.Errorf("slowRung(%v, %v, %v) = %v, want %v", tt.d, tt.control, tt.baseline, got, tt.want)
		}
	}
}

func TestReDoSInputs(t *testing.T) {
	str := &openapi3.Types{"string"}
	body := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{
		"code":    {Value: &openapi3.Schema{Type: str, Pattern: `^(a+)+$`}},
		"site":    {Value: &openapi3.Schema{Type: str, Format: "hostname"}},
		"title":   {Value: &openapi3.Schema{Type: str}},
		"contact": {Value: &openapi3.Schema{Type: str, Format: "email"}},
		"count":   {Value: &openapi3.Schema{Type: &openapi3.Types{"integer"}, Pattern: `^\d+$`}},
	}}
	spec := &openapi3.Operation{RequestBody: &openapi3.RequestBodyRef{Value: &openapi3.RequestBody{
		Content: openapi3.Content{"application/json": {Schema: &openapi3.SchemaRef{Value: body}}}}}}
	tg := &plan.Target{Op: &surface.Operation{Method: "POST", Path: "/signup", Parameters: []surface.Parameter{
		{Name: "mobile", In: "query"}, {Name: "page", In: "query"}}}, Spec: spec}
	c := &plan.Case{Target: tg, Method: "POST", ContentType: "application/json",
		Body:  []byte(`{"code":"aaa","site":"a.example","title":"t","contact":"a@example.com","user_email":"b@example.com","count":"1"}`),
		Query: []plan.Param{{Name: "mobile", Value: "555"}, {Name: "page", Value: "1"}}}
	var got []string
	for _, in := range redosInputs(c) {
		got = append(got, in.in+"."+in.name)
		if in.name == "user_email" && in.schema.Format != "email" {
			t.Errorf("an undocumented e-mail member is attacked as an e-mail: %+v", in.schema)
		}
		if in.name == "code" && in.schema.Pattern != `^(a+)+$` {
			t.Errorf("the pattern is not passed on: %+v", in.schema)
		}
	}
	want := []string{"body.code", "body.contact", "body.site", "body.user_email", "query.mobile"}
	if !slices.Equal(got, want) {
		t.Errorf("redosInputs = %q, want %q", got, want)
	}
	in := redosInput{in: "query", name: "mobile"}
	if seed0(c, in) != "555" || seed0(c, redosInput{in: "body", name: "site"}) != "a.example" {
		t.Errorf("seed0: %q", seed0(c, in))
	}
	if out, ok := setInput(c, redosInput{in: "body", name: "code"}, "aaaa!"); !ok || jsonField(out.Body, "code") != "aaaa!" {
		t.Errorf("setInput: %s", out.Body)
	}
}
