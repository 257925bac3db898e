package postman

import (
	"fmt"
	"strings"
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// bigCollection writes a v2.1 collection of folders*perFolder requests,
// each with a path variable, a query, two headers, a body and inherited
// auth, all using variables.
func bigCollection(folders, perFolder int) []byte {
	var b strings.Builder
	b.WriteString(`{"info":{"name":"big","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},`)
	b.WriteString(`"auth":{"type":"bearer","bearer":[{"key":"token","value":"{{token}}"}]},`)
	b.WriteString(`"variable":[{"key":"baseUrl","value":"https://{{host}}/v1"},{"key":"host","value":"api.example.com"},{"key":"token","value":"t"}],"item":[`)
	for i := range folders {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"folder %d","variable":[{"key":"f","value":"%d"}],"item":[`, i, i)
		for j := range perFolder {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"name":"req %d","request":{"method":"post","url":{"raw":"{{baseUrl}}/things/:id?page={{f}}","host":["{{baseUrl}}"],"path":["things",":id"],"query":[{"key":"page","value":"{{f}}"}],"variable":[{"key":"id","value":"%d"}]},`, j, j)
			b.WriteString(`"header":[{"key":"Content-Type","value":"application/json"},{"key":"X-Folder","value":"{{f}}"}],"body":{"mode":"raw","raw":"{\"a\":\"{{token}}\"}"}}}`)
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func BenchmarkLoadCollection(b *testing.B) {
	data := bigCollection(100, 100)
	tree, err := sourcemap.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	f := &surface.File{Path: "big.json", Data: data, Tree: tree, Format: Detect(tree)}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		api, err := LoadCollection(f, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(api.Operations) != 10000 {
			b.Fatalf("%d operations", len(api.Operations))
		}
	}
}

func TestBigCollection(t *testing.T) {
	data := bigCollection(20, 50)
	tree, err := sourcemap.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	api, err := LoadCollection(&surface.File{Path: "big.json", Data: data, Tree: tree}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(api.Operations) != 1000 {
		t.Fatalf("%d operations, want 1000", len(api.Operations))
	}
	op := api.Operations[1000-1]
	if op.Request.URL != "https://api.example.com/v1/things/49?page=19" || op.Path != "/things/{id}" || op.Auth.Params["token"] != "t" {
		t.Errorf("last operation %s %s %v", op.Request.URL, op.Path, op.Auth.Params)
	}
}
