package security_test

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/specterhq/specter/fuzz/oracle/security"
)

const notesSpec = `openapi: 3.0.3
info: {title: notes, version: "1"}
paths:
  /notes:
    get:
      responses:
        "200": {description: the notes, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Note"}}}}}
    post:
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/NoteIn"}}}}
      responses:
        "201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
  /notes/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      responses:
        "200": {description: the note, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
        "404": {description: no such note}
    put:
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/NoteIn"}}}}
      responses:
        "200": {description: updated, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
        "404": {description: no such note}
  /reports:
    post:
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/NoteIn"}}}}
      responses:
        "202": {description: accepted}
components:
  schemas:
    NoteIn: {type: object, required: [title], properties: {title: {type: string, example: groceries}}}
    Note: {type: object, properties: {id: {type: integer}, title: {type: string}}}
`

// notesApp serves the documented operations, the extra routes of a
// scenario, and the framework's answers elsewhere.
type notesApp struct {
	extra map[string]bool // "DELETE item", "PATCH item", "GET reports"
	// unsupported answers a method the path does not route (nil: as
	// unrouted); unrouted answers a path no route matches.
	unsupported, unrouted func(w http.ResponseWriter, r *http.Request)
	mu                    sync.Mutex
	notes                 map[string]string
	next                  int
}

func (a *notesApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var kind, id string
	switch {
	case r.URL.Path == "/notes":
		kind = "notes"
	case strings.HasPrefix(r.URL.Path, "/notes/") && !strings.Contains(r.URL.Path[len("/notes/"):], "/"):
		kind, id = "item", r.URL.Path[len("/notes/"):]
	case r.URL.Path == "/reports":
		kind = "reports"
	default:
		a.unrouted(w, r)
		return
	}
	routes := map[string]bool{"GET notes": true, "POST notes": true, "GET item": true, "PUT item": true, "POST reports": true}
	key := r.Method + " " + kind
	if !routes[key] && !a.extra[key] {
		if a.unsupported != nil {
			a.unsupported(w, r)
		} else {
			a.unrouted(w, r)
		}
		return
	}
	json := func(status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
	switch key {
	case "GET notes":
		json(200, `[{"id":1,"title":"groceries"}]`)
	case "POST notes":
		a.next++
		a.notes[fmt.Sprint(a.next)] = "groceries"
		json(201, fmt.Sprintf(`{"id":%d,"title":"groceries"}`, a.next))
	case "POST reports":
		json(202, `{"queued":true}`)
	case "GET reports":
		json(200, `[{"id":7,"owner":"bob","title":"salaries"}]`)
	default: // item operations
		if _, ok := a.notes[id]; !ok {
			json(404, `{"error":"Note not found"}`)
			return
		}
		if r.Method == http.MethodDelete {
			delete(a.notes, id)
			w.WriteHeader(204)
			return
		}
		json(200, `{"id":`+id+`,"title":"groceries"}`)
	}
}

func expressUnrouted(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(404)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot %s %s</pre>\n</body>\n</html>\n", r.Method, r.URL.Path)
}

// TestUndocumentedMethods runs the check at the end of a run against
// routers that add methods on their own, and against ones that must give
// nothing: strict routers (405, Express's 404 page), a front end or a
// gateway answering every path, authentication in front of everything.
func TestUndocumentedMethods(t *testing.T) {
	djangoNotAllowed := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Allow", "GET, PUT, HEAD, OPTIONS")
		w.WriteHeader(405)
		fmt.Fprintf(w, `{"detail":"Method \"%s\" not allowed."}`, r.Method)
	}
	djangoUnrouted := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(404)
		fmt.Fprint(w, "<!doctype html><html><head><title>Not Found</title></head><body><h1>Not Found</h1><p>The requested resource was not found on this server.</p></body></html>")
	}
	cases := []struct {
		name                  string
		extra                 []string
		unsupported, unrouted func(http.ResponseWriter, *http.Request)
		want                  []string
	}{
		{"express generated CRUD", []string{"DELETE item", "PATCH item"}, nil, expressUnrouted,
			[]string{"DELETE /notes/{id}", "PATCH /notes/{id}"}},
		{"django viewset with destroy", []string{"DELETE item"}, djangoNotAllowed, djangoUnrouted,
			[]string{"DELETE /notes/{id}"}},
		{"a list nobody documented", []string{"GET reports"}, djangoNotAllowed, djangoUnrouted,
			[]string{"GET /reports"}},
		{"secure: strict router (405)", nil, djangoNotAllowed, djangoUnrouted, nil},
		{"secure: express without extra routes", nil, nil, expressUnrouted, nil},
		{"secure: front end answering every path", nil, nil, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html><body><div id="app"></div></body></html>`)
		}, nil},
		{"secure: gateway answering every path", nil, nil, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			fmt.Fprintf(w, `{"error":"no route","path":"%s"}`, r.URL.Path)
		}, nil},
		{"secure: authentication before routing", nil, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			fmt.Fprint(w, `{"message":"Unauthorized"}`)
		}, expressUnrouted, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			extra := map[string]bool{}
			for _, e := range tc.extra {
				extra[e] = true
			}
			app := &notesApp{extra: extra, unsupported: tc.unsupported, unrouted: tc.unrouted, notes: map[string]string{}}
			got, found := runOneOracle(t, notesSpec, app, security.NewUndocumentedMethods(security.Config{}), security.RuleUndocumentedMethod, nil)
			for _, f := range found {
				if f.Location.Line == 0 {
					t.Errorf("%s: no spec location", f.Message)
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings on %v, want %v", got, tc.want)
			}
		})
	}
}
