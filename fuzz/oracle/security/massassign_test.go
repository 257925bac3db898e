package security

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func ordersTargets(t *testing.T) (create, read *plan.Target) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join("testdata", "orders.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	create = &plan.Target{Op: &surface.Operation{Method: "POST", Path: "/orders"}, Spec: doc.Paths.Find("/orders").Post}
	read = &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/orders/{id}"}, Spec: doc.Paths.Find("/orders/{id}").Get}
	return create, read
}

// TestMassAssignmentCandidates: the members sent are the read's members
// the write does not take that name server state, or that the spec marks
// readOnly; never the id, timestamps, an owner's id or what the write
// documents.
func TestMassAssignmentCandidates(t *testing.T) {
	create, read := ordersTargets(t)
	current := map[string]any{"status": "pending", "total": json.Number("12.5"), "paid": false}
	got := map[string]any{}
	var names []string
	for _, a := range NewMassAssignment(Config{}).candidates(create, read, current) {
		got[a.name] = a.value
		names = append(names, a.name)
	}
	want := map[string]any{"status": "shipped", "total": 0.01, "paid": true, "reference": "specter-assigned", "trackingCode": "specter-assigned"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("candidate %s = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
	for _, k := range []string{"id", "item", "quantity", "note", "ownerId", "createdAt", "updatedAt", "color"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s is sent, but it is not server state the write lacks (all: %v)", k, got)
		}
	}
	if len(names) > 6 {
		t.Errorf("%d candidates, at most 6", len(names))
	}
}

func TestAssignValue(t *testing.T) {
	typ := func(s string) *openapi3.Types { return &openapi3.Types{s} }
	tests := []struct {
		name    string
		n       string
		s       *openapi3.Schema
		current any
		want    any
		ok      bool
	}{
		{"another enum member", "status", &openapi3.Schema{Enum: []any{"draft", "published", "archived"}}, "draft", "archived", true},
		{"the last enum member is current", "status", &openapi3.Schema{Enum: []any{"draft", "published", "archived"}}, "archived", "published", true},
		{"the only enum member is current", "status", &openapi3.Schema{Enum: []any{"draft"}}, "draft", nil, false},
		{"a flag that is false", "verified", &openapi3.Schema{Type: typ("boolean")}, false, true, true},
		{"a flag that is true", "locked", &openapi3.Schema{Type: typ("boolean")}, true, false, true},
		{"an integer price", "price", &openapi3.Schema{Type: typ("integer")}, json.Number("300"), 1, true},
		{"a decimal total", "totalprice", &openapi3.Schema{Type: typ("number")}, json.Number("12.5"), 0.01, true},
		{"points", "points", &openapi3.Schema{Type: typ("integer")}, json.Number("3"), 987654, true},
		{"an owner's numeric id", "ownerid", &openapi3.Schema{Type: typ("integer")}, nil, nil, false},
		{"an owner's id", "userid", &openapi3.Schema{Type: typ("string")}, nil, nil, false},
		{"a formatted string", "tier", &openapi3.Schema{Type: typ("string"), Format: "date"}, nil, nil, false},
		{"a free string", "tier", &openapi3.Schema{Type: typ("string")}, "gold", "specter-assigned", true},
		{"no type", "status", &openapi3.Schema{}, nil, nil, false},
		// The value sent must differ from the object's: a read that shows
		// a value the object already had proves nothing.
		{"an integer price already 1", "price", &openapi3.Schema{Type: typ("integer")}, json.Number("1"), nil, true},
		{"a decimal fee already 0.01", "fee", &openapi3.Schema{Type: typ("number")}, json.Number("0.01"), nil, true},
		{"a score already the marker", "score", &openapi3.Schema{Type: typ("integer")}, json.Number("987654"), nil, true},
	}
	for _, tt := range tests {
		got, ok := assignValue(tt.n, tt.s, tt.current)
		if ok != tt.ok {
			t.Errorf("%s: ok = %v, want %v", tt.name, ok, tt.ok)
			continue
		}
		if tt.want == nil && ok {
			if numEqual(got, tt.current) {
				t.Errorf("%s: sends %v, the value the object has", tt.name, got)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("%s: assignValue = %v (%T), want %v (%T)", tt.name, got, got, tt.want, tt.want)
		}
	}
}

func TestHonoured(t *testing.T) {
	var flat map[string]any
	var doc any
	if err := jsonUnmarshal([]byte(`{"Status":"shipped","total":"0.010","pricing":{"total":5},"paid":true,"points":987654.0,"tier":"gold"}`), &doc); err != nil {
		t.Fatal(err)
	}
	flat = map[string]any{}
	flattenMembers(doc, flat, 0)
	as := []assignment{{"status", "shipped"}, {"total", 0.01}, {"paid", true}, {"points", 987654}, {"tier", "specter-assigned"}, {"verified", true}}
	got := honoured(flat, as)
	want := []string{"status=shipped", "total=0.01", "paid=true", "points=987654"}
	if !slices.Equal(got, want) {
		t.Errorf("honoured = %q, want %q", got, want)
	}
}

func TestFlattenMembers(t *testing.T) {
	var doc any
	_ = jsonUnmarshal([]byte(`{"data":{"status":"deep","a":{"b":{"c":{"d":{"hidden":1}}}}},"status":"top"}`), &doc)
	flat := map[string]any{}
	flattenMembers(doc, flat, 0)
	if flat["status"] != "top" {
		t.Errorf("status = %v, want the shallowest", flat["status"])
	}
	if _, ok := flat["hidden"]; ok {
		t.Error("members deeper than the limit are flattened")
	}
}

func TestWithMembers(t *testing.T) {
	as := []assignment{{"status", "paid"}}
	for body, want := range map[string]string{
		``:                            `{"status":"paid"}`,
		`{"id":12345678901234567890}`: `{"id":12345678901234567890,"status":"paid"}`,
		`{"status":"pending"}`:        `{"status":"paid"}`,
	} {
		got, ok := withMembers([]byte(body), as)
		if !ok || string(got) != want {
			t.Errorf("withMembers(%s) = %s %v, want %s", body, got, ok, want)
		}
	}
	if _, ok := withMembers([]byte(`[1]`), as); ok {
		t.Error("withMembers on an array body")
	}
}
