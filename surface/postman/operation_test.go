package postman

import (
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

func TestOperationAtMatchesLoadCollection(t *testing.T) {
	doc := `{
  "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "item": [
    {"name": "Admin", "item": [
      {"name": "Delete", "request": {"method": "delete", "url": "{{base}}/admin/products/:productId?x=1",
        "header": [{"key": "X-API-Key", "value": "k"}]}},
      {"name": "Get", "id": "req-7", "request": {"url": {"raw": "{{base}}/a/{{b}}", "host": ["{{base}}"], "path": ["a", "{{b}}"]}}}
    ]},
    {"name": "Plain", "request": "https://example.com/health"}
  ]
}`
	tree, err := sourcemap.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	f := &surface.File{Path: "c.json", Data: []byte(doc), Format: surface.FormatPostman21, Tree: tree}
	api, err := LoadCollection(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		pointer string
		opIndex int
	}{
		{"/item/0/item/0/request/header/0/value", 0},
		{"/item/0/item/0", 0},
		{"/item/0/item/1/request/url/path/1", 1},
		{"/item/1/request", 2},
	} {
		got := OperationAt(f, tt.pointer)
		want := api.Operations[tt.opIndex]
		if got == nil || got.Method != want.Method || got.Path != want.Path || got.OperationID != want.OperationID {
			t.Errorf("OperationAt(%s) = %+v, want %s %s %s", tt.pointer, got, want.Method, want.Path, want.OperationID)
		}
	}
	for _, outside := range []string{"", "/info/name", "/item/0", "/item/0/name", "/nope/1"} {
		if got := OperationAt(f, outside); got != nil {
			t.Errorf("OperationAt(%q) = %+v, want nil", outside, got)
		}
	}
}
