package fuzz

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// libraryServer is the API testdata/library.postman_collection.json
// runs: a login whose token every other call needs, books created with
// ids no one can guess, and a read of a real book that fails with a 500
// (the flaw: only a run that follows the collection's chain reaches it).
type libraryServer struct {
	mu      sync.Mutex
	next    int
	token   string
	books   map[string]bool
	calls   []string // "METHOD path status"
	deleted []string
}

func newLibraryServer() *libraryServer {
	return &libraryServer{books: map[string]bool{}}
}

func (s *libraryServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	status := s.serve(w, r)
	s.calls = append(s.calls, fmt.Sprintf("%s %s %d", r.Method, r.URL.Path, status))
}

func (s *libraryServer) serve(w http.ResponseWriter, r *http.Request) int {
	reply := func(status int, v any) int {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
		return status
	}
	if r.Method == http.MethodPost && r.URL.Path == "/api/login" {
		var in struct{ Username, Password string }
		if json.NewDecoder(r.Body).Decode(&in) != nil || in.Username != "librarian" || in.Password != "correct-horse" {
			return reply(401, map[string]string{"error": "bad credentials"})
		}
		s.token = fmt.Sprintf("tok-%d", s.next+1000)
		return reply(200, map[string]string{"access_token": s.token, "token_type": "bearer"})
	}
	if s.token == "" || r.Header.Get("Authorization") != "Bearer "+s.token {
		return reply(401, map[string]string{"error": "not logged in"})
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/books":
		s.next++
		id := fmt.Sprintf("bk-%04x", s.next*7919)
		s.books[id] = true
		w.Header().Set("Location", "/api/books/"+id)
		return reply(201, map[string]any{"book": map[string]any{"id": id, "tags": []string{"scifi"}}})
	case strings.HasPrefix(r.URL.Path, "/api/books/"):
		id := strings.TrimPrefix(r.URL.Path, "/api/books/")
		if !s.books[id] {
			return reply(404, map[string]string{"error": "no such book"})
		}
		switch r.Method {
		case http.MethodGet:
			w.WriteHeader(500)
			fmt.Fprint(w, "internal error")
			return 500
		case http.MethodDelete:
			delete(s.books, id)
			s.deleted = append(s.deleted, id)
			w.WriteHeader(204)
			return 204
		}
	}
	return reply(404, map[string]string{"error": "not found"})
}

// TestPostmanFlow replays a collection as its runner would: the login's
// token and the create's id, which test scripts set, reach the requests
// after them (over the stale values the files hold), the DELETE of the
// book the flow created is sent, and the finding on the read has the
// whole chain as its reproducer.
func TestPostmanFlow(t *testing.T) {
	lib := newLibraryServer()
	srv := httptest.NewServer(lib)
	defer srv.Close()
	target, _ := url.Parse(srv.URL)
	s := ingesttest.Load(t, "testdata/library.postman_collection.json", "testdata/library.postman_environment.json")
	cfg := testConfig(t, target, 3)
	cfg.Generate.Phases = []plan.Phase{plan.PhaseReplay}
	var log strings.Builder
	cfg.RequestLog = &log
	res := runEngine(t, cfg, s)
	if strings.Contains(log.String(), "correct-horse") || !strings.Contains(log.String(), "/api/login") {
		t.Errorf("the request log shows the environment's password or lacks the login:\n%s", log.String())
	}

	lib.mu.Lock()
	var calls []string
	for _, c := range lib.calls {
		if !strings.Contains(c, "specter-no-such-route") { // the unrouted-path fingerprint
			calls = append(calls, c)
		}
	}
	deleted := append([]string(nil), lib.deleted...)
	lib.mu.Unlock()
	want := []string{"POST /api/login 200", "POST /api/books 201", "GET /api/books/bk-1eef 500", "DELETE /api/books/bk-1eef 204"}
	if strings.Join(calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant, in collection order:\n%s", strings.Join(calls, "\n"), strings.Join(want, "\n"))
	}
	if len(deleted) != 1 {
		t.Errorf("deleted %v: the flow's own book must be deleted", deleted)
	}
	noted := false
	for _, n := range res.Summary.Notes {
		noted = noted || (strings.Contains(n, "postman: 1 variable set of a test script") && strings.Contains(n, "later (") && strings.Contains(n, "library.postman_collection.json:"))
	}
	if !noted {
		t.Errorf("no note names the computed set; notes:\n%s", strings.Join(res.Summary.Notes, "\n"))
	}
	var found bool
	for _, f := range res.Findings {
		if f.RuleID != "fuzz/server-error" {
			continue
		}
		found = true
		ev := f.Evidence
		for _, w := range []string{
			"# 3 requests",
			`Postman request "Log in"`,
			`TOKEN_DEFAULT=$(curl`, "jq -r '.access_token'",
			`Postman request "Add a book"`, "bookId=bk-1eef (/book/id)",
			"/api/books/bk-1eef",
		} {
			if !strings.Contains(ev, w) {
				t.Errorf("reproducer lacks %q:\n%s", w, ev)
			}
		}
		if strings.Contains(ev, "tok-") || strings.Contains(ev, "correct-horse") {
			t.Errorf("reproducer shows a credential:\n%s", ev)
		}
	}
	if !found {
		t.Errorf("no server-error on the read; findings: %v", findingsByOperation(res.Findings))
	}
}

// TestPostmanFlowWithoutScripts: the same requests with no script set
// nothing, so the stale values are sent and the DELETE of an object the
// run did not create is skipped.
func TestPostmanFlowWithoutScripts(t *testing.T) {
	data, err := os.ReadFile("testdata/library.postman_collection.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, it := range doc["item"].([]any) {
		delete(it.(map[string]any), "event")
	}
	out, _ := json.Marshal(doc)
	dir := t.TempDir()
	p := filepath.Join(dir, "library.postman_collection.json")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	lib := newLibraryServer()
	srv := httptest.NewServer(lib)
	defer srv.Close()
	target, _ := url.Parse(srv.URL)
	cfg := testConfig(t, target, 3)
	cfg.Generate.Phases = []plan.Phase{plan.PhaseReplay}
	runEngine(t, cfg, ingesttest.Load(t, p, "testdata/library.postman_environment.json"))
	lib.mu.Lock()
	defer lib.mu.Unlock()
	for _, c := range lib.calls {
		if strings.HasPrefix(c, "DELETE") {
			t.Errorf("sent %s: a recorded DELETE of an object the run did not create", c)
		}
		if strings.HasPrefix(c, "GET /api/books/") && !strings.HasPrefix(c, "GET /api/books/bk-from-an-old-run 401") {
			t.Errorf("sent %s; want the stale id and token of the files", c)
		}
	}
}

// linksSpec documents its chain only with OpenAPI links: the create
// answers {"widget": {"key": ...}} and an X-Version header, which no
// name-based guess connects to the {ref} and version parameters.
const linksSpec = `openapi: 3.0.3
info: {title: widgets, version: "1"}
paths:
  /widgets:
    post:
      operationId: createWidget
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [label], properties: {label: {type: string, maxLength: 12}}}
      responses:
        "201":
          description: created
          headers:
            X-Version: {schema: {type: integer}}
          content:
            application/json:
              schema:
                type: object
                properties:
                  widget: {type: object, properties: {key: {type: string}, label: {type: string}}}
          links:
            GetWidget:
              operationId: getWidget
              parameters: {ref: '$response.body#/widget/key'}
            UpdateWidget:
              operationRef: '#/paths/~1widgets~1%7Bref%7D/put'
              parameters:
                path.ref: '$response.body#/widget/key'
                query.version: '$response.header.X-Version'
        "400": {description: bad}
  /widgets/{ref}:
    parameters:
      - {name: ref, in: path, required: true, schema: {type: string, pattern: '^w-[0-9]+$'}}
    get:
      operationId: getWidget
      responses:
        "200": {description: found, content: {application/json: {schema: {type: object}}}}
        "404": {description: missing}
    put:
      parameters:
        - {name: version, in: query, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [label], properties: {label: {type: string, maxLength: 12}}}
      responses:
        "200": {description: updated}
        "404": {description: missing}
        "409": {description: stale version}
`

// widgetServer keeps widgets under unguessable keys; an update with the
// right version fails with a 500.
type widgetServer struct {
	mu     sync.Mutex
	n      int
	keys   map[string]int // key -> version
	reads  int            // 200 reads
	stales int            // 409 updates
}

func (s *widgetServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/widgets" && r.Method == http.MethodPost {
		var in struct{ Label string }
		if json.NewDecoder(r.Body).Decode(&in) != nil || in.Label == "" || len(in.Label) > 12 {
			w.WriteHeader(400)
			return
		}
		s.n++
		key := fmt.Sprintf("w-%d", 1000003*s.n)
		s.keys[key] = 7 * s.n
		w.Header().Set("X-Version", fmt.Sprint(7*s.n))
		w.WriteHeader(201)
		_ = json.NewEncoder(w).Encode(map[string]any{"widget": map[string]string{"key": key, "label": in.Label}})
		return
	}
	key, ok := strings.CutPrefix(r.URL.Path, "/widgets/")
	version, exists := s.keys[key]
	if !ok || !exists {
		w.WriteHeader(404)
		fmt.Fprint(w, `{"error":"no such widget"}`)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.reads++
		fmt.Fprintf(w, `{"key":%q}`, key)
	case http.MethodPut:
		if r.URL.Query().Get("version") != fmt.Sprint(version) {
			s.stales++
			w.WriteHeader(409)
			fmt.Fprint(w, `{"error":"stale"}`)
			return
		}
		w.WriteHeader(500)
		fmt.Fprint(w, `{"error":"internal"}`)
	default:
		w.WriteHeader(405)
	}
}

// TestOpenAPILinks: the values links name reach the operations they
// name, the update of a widget the run created is sent (the link makes it
// the run's), and the finding's reproducer starts with the create.
func TestOpenAPILinks(t *testing.T) {
	ws := &widgetServer{keys: map[string]int{}}
	srv := httptest.NewServer(ws)
	defer srv.Close()
	target, _ := url.Parse(srv.URL)
	spec := filepath.Join(t.TempDir(), "widgets.yaml")
	if err := os.WriteFile(spec, []byte(linksSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, target, 2)
	cfg.Generate.Phases = []plan.Phase{plan.PhaseExamples, plan.PhaseStateful}
	res := runEngine(t, cfg, ingesttest.Load(t, spec))
	ws.mu.Lock()
	reads := ws.reads
	ws.mu.Unlock()
	if reads == 0 {
		t.Error("no GET /widgets/{ref} found a widget: the GetWidget link was not followed")
	}
	var found bool
	for _, f := range res.Findings {
		if f.RuleID != "fuzz/server-error" || f.Operation.Method != "PUT" {
			continue
		}
		found = true
		for _, w := range []string{"POST /widgets (links GetWidget, UpdateWidget)", "ref=w-", "(/widget/key)", "version=7 (X-Version)", "?version=7"} {
			if !strings.Contains(f.Evidence, w) {
				t.Errorf("reproducer lacks %q:\n%s", w, f.Evidence)
			}
		}
	}
	if !found {
		t.Errorf("the PUT at a linked widget was not sent or not reported; findings %v", findingsByOperation(res.Findings))
	}
}
