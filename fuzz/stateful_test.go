package fuzz

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// deleteResource is one collection with create, read and delete; the
// spec documents two identical ones, /things and /ghosts.
const deleteResource = `  /NAME:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [name], properties: {name: {type: string, maxLength: 10}}}
      responses:
        "201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Obj"}}}}
        "400": {description: bad}
  /NAME/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      responses:
        "200": {description: found, content: {application/json: {schema: {$ref: "#/components/schemas/Obj"}}}}
        "404": {description: gone}
    delete:
      responses:
        "204": {description: deleted}
        "404": {description: gone}
`

var deleteSpec = "openapi: 3.0.3\ninfo: {title: deletes, version: \"1\"}\npaths:\n" +
	strings.ReplaceAll(deleteResource, "NAME", "things") + strings.ReplaceAll(deleteResource, "NAME", "ghosts") + `components:
  schemas:
    Obj:
      type: object
      required: [id, name]
      properties: {id: {type: integer}, name: {type: string}}
`

// deleteServer keeps /things honestly and /ghosts with a soft delete: the
// DELETE answers 204 but the GET still finds the object.
func deleteServer() http.Handler {
	var mu sync.Mutex
	next := 1
	objs := map[string]map[int]string{"things": {}, "ghosts": {}}
	deleted := map[int]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		coll, ok := objs[parts[0]]
		if !ok {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if len(parts) == 1 && r.Method == http.MethodPost {
			var in struct {
				Name *string `json:"name"`
			}
			dec := json.NewDecoder(r.Body)
			dec.DisallowUnknownFields()
			if r.Header.Get("Content-Type") != "application/json" || dec.Decode(&in) != nil || in.Name == nil || len(*in.Name) > 10 {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			id := next
			next++
			coll[id] = *in.Name
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":%d,"name":%q}`, id, *in.Name)
			return
		}
		if len(parts) != 2 {
			http.NotFound(w, r)
			return
		}
		id, err := strconv.Atoi(parts[1])
		if err != nil {
			http.NotFound(w, r)
			return
		}
		name, found := coll[id]
		if !found || (deleted[id] && parts[0] == "things") {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		switch r.Method {
		case http.MethodGet:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":%d,"name":%q}`, id, name)
		case http.MethodDelete:
			if parts[0] == "things" {
				delete(coll, id)
			}
			deleted[id] = true // ghosts: marked, still served
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	})
}

// TestUseAfterDelete: the soft delete is found on DELETE /ghosts/{id};
// the honest delete of /things/{id} is not reported.
func TestUseAfterDelete(t *testing.T) {
	srv := httptest.NewServer(deleteServer())
	defer srv.Close()
	target, _ := url.Parse(srv.URL)
	spec := filepath.Join(t.TempDir(), "deletes.yaml")
	if err := os.WriteFile(spec, []byte(deleteSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	s := ingesttest.Load(t, spec)
	for _, seed := range []int64{1, 5} {
		res := runEngine(t, testConfig(t, target, seed), s)
		got := findingsByOperation(res.Findings)
		for _, op := range []string{"DELETE /ghosts/{id}", "DELETE /things/{id}", "GET /things/{id}", "GET /ghosts/{id}", "POST /things", "POST /ghosts"} {
			want := ""
			if op == "DELETE /ghosts/{id}" {
				want = "fuzz/use-after-delete"
			}
			if g := strings.Join(got[op], ","); g != want {
				t.Errorf("seed %d, %s: findings [%s], want [%s]", seed, op, g, want)
			}
		}
		for _, f := range res.Findings {
			if f.RuleID == "fuzz/use-after-delete" && !strings.Contains(f.Message, "GET /ghosts/") {
				t.Errorf("message does not name the read: %s", f.Message)
			}
		}
	}
}
