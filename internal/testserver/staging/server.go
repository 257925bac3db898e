// Package staging is the fuzzer's test server: a small HTTP API described
// by the embedded openapi.yaml, with one planted flaw per conformance
// oracle (the operation's x-planted names the rule) and clean operations
// that validate their input against the spec, answer only documented
// statuses and content types, and must produce no finding. Tests start it
// with httptest; it never listens on anything but loopback.
package staging

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Spec is the server's OpenAPI document.
//
//go:embed openapi.yaml
var Spec []byte

// Planted maps each flawed operation ("GET /crash") to the rule that must
// find it. Every other operation of the spec is clean.
var Planted = map[string]string{
	"GET /crash":    "fuzz/server-error",
	"GET /reports":  "fuzz/undocumented-status",
	"GET /profile":  "fuzz/content-type-mismatch",
	"GET /stats":    "fuzz/response-schema-mismatch",
	"GET /users/me": "fuzz/undocumented-response-property",
	"POST /notes":   "fuzz/negative-data-accepted",
	"GET /search":   "fuzz/valid-input-rejected",
	"GET /version":  "fuzz/response-header-mismatch",
}

// maxRequestBody is what the server reads of a body; more is a 400.
const maxRequestBody = 64 << 10

// Server is the staging API. It is safe for concurrent use.
type Server struct {
	doc   *openapi3.T
	mux   *http.ServeMux
	mu    sync.Mutex
	items map[int]item
	next  int
	// Requests counts the requests served.
	requests int
}

type item struct {
	ID    int      `json:"id"`
	Name  string   `json:"name"`
	Price float64  `json:"price"`
	Tags  []string `json:"tags,omitempty"`
}

// New loads the spec and builds the server.
func New() (*Server, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(Spec)
	if err != nil {
		return nil, fmt.Errorf("staging: loading the spec: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("staging: the spec is invalid: %w", err)
	}
	s := &Server{doc: doc, mux: http.NewServeMux(), items: map[int]item{}, next: 1}
	s.routes()
	return s, nil
}

// Requests is the number of requests served so far.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
	s.mux.ServeHTTP(w, r)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// valid checks a request against the spec the way a validating middleware
// generated from it would; it answers 400 and returns false on a problem.
// The body is read (capped) and put back for the handler.
func (s *Server) valid(w http.ResponseWriter, r *http.Request, path string) bool {
	if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
		if err != nil || len(body) > maxRequestBody {
			// Drain what the client still sends (bounded) so the connection
			// closes cleanly instead of being reset mid-write.
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 8<<20))
			fail(w, http.StatusBadRequest, "request body too large or unreadable")
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		defer func() { r.Body = io.NopCloser(bytes.NewReader(body)) }()
	}
	item := s.doc.Paths.Value(path)
	op := item.GetOperation(r.Method)
	params := map[string]string{}
	if strings.Contains(path, "{id}") {
		params["id"] = r.PathValue("id")
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	opts.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string { return err.Reason })
	in := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params,
		Route:   &routers.Route{Spec: s.doc, Path: path, PathItem: item, Method: r.Method, Operation: op},
		Options: opts,
	}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		msg, _, _ := strings.Cut(err.Error(), "\n")
		fail(w, http.StatusBadRequest, msg)
		return false
	}
	return true
}

func (s *Server) routes() {
	m := s.mux
	// Clean operations.
	m.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]string{"status": "ok"})
	})
	m.HandleFunc("GET /version", func(w http.ResponseWriter, _ *http.Request) {
		// fuzz/response-header-mismatch: the build number documented as
		// an integer is a git hash.
		w.Header().Set("X-Build-Number", "9f2c1e7")
		writeJSON(w, 200, map[string]string{"version": "1.0.0"})
	})
	m.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) {
		if !s.valid(w, r, "/items") {
			return
		}
		limit := 100
		if v := r.URL.Query().Get("limit"); v != "" {
			limit, _ = strconv.Atoi(v)
		}
		s.mu.Lock()
		out := make([]item, 0, len(s.items))
		for id := 1; id < s.next && len(out) < limit; id++ {
			if it, ok := s.items[id]; ok {
				out = append(out, it)
			}
		}
		total := len(s.items)
		s.mu.Unlock()
		w.Header().Set("X-Total-Count", strconv.Itoa(total))
		writeJSON(w, 200, out)
	})
	m.HandleFunc("POST /items", func(w http.ResponseWriter, r *http.Request) {
		if !s.valid(w, r, "/items") {
			return
		}
		var it item
		if err := json.NewDecoder(r.Body).Decode(&it); err != nil {
			fail(w, 400, "body: "+err.Error())
			return
		}
		s.mu.Lock()
		it.ID = s.next
		s.next++
		s.items[it.ID] = it
		s.mu.Unlock()
		writeJSON(w, 201, it)
	})
	m.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !s.valid(w, r, "/items/{id}") {
			return
		}
		id, _ := strconv.Atoi(r.PathValue("id"))
		s.mu.Lock()
		it, ok := s.items[id]
		s.mu.Unlock()
		if !ok {
			fail(w, 404, "no such item")
			return
		}
		writeJSON(w, 200, it)
	})
	m.HandleFunc("PUT /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !s.valid(w, r, "/items/{id}") {
			return
		}
		id, _ := strconv.Atoi(r.PathValue("id"))
		var it item
		if err := json.NewDecoder(r.Body).Decode(&it); err != nil {
			fail(w, 400, "body: "+err.Error())
			return
		}
		s.mu.Lock()
		_, ok := s.items[id]
		if ok {
			it.ID = id
			s.items[id] = it
		}
		s.mu.Unlock()
		if !ok {
			fail(w, 404, "no such item")
			return
		}
		writeJSON(w, 200, it)
	})
	m.HandleFunc("DELETE /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !s.valid(w, r, "/items/{id}") {
			return
		}
		id, _ := strconv.Atoi(r.PathValue("id"))
		s.mu.Lock()
		_, ok := s.items[id]
		delete(s.items, id)
		s.mu.Unlock()
		if !ok {
			fail(w, 404, "no such item")
			return
		}
		w.WriteHeader(204)
	})
	m.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		if !s.valid(w, r, "/echo") {
			return
		}
		var in struct {
			Message string `json:"message"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			fail(w, 400, "body: "+err.Error())
			return
		}
		writeJSON(w, 200, in)
	})

	// Planted flaws, one per conformance oracle.
	m.HandleFunc("GET /crash", func(w http.ResponseWriter, r *http.Request) {
		if !s.valid(w, r, "/crash") {
			return
		}
		// fuzz/server-error: a quote in q reaches a query builder that panics.
		q := r.URL.Query().Get("q")
		if strings.ContainsAny(q, `'"`) {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, "internal error")
			return
		}
		writeJSON(w, 200, map[string]string{"q": q})
	})
	m.HandleFunc("GET /reports", func(w http.ResponseWriter, _ *http.Request) {
		// fuzz/undocumented-status: 202 is not in the spec.
		writeJSON(w, http.StatusAccepted, map[string]string{"state": "queued"})
	})
	m.HandleFunc("GET /profile", func(w http.ResponseWriter, _ *http.Request) {
		// fuzz/content-type-mismatch: HTML where JSON is documented.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<html><body>profile</body></html>")
	})
	m.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		// fuzz/response-schema-mismatch: count is a string.
		writeJSON(w, 200, map[string]any{"count": "12"})
	})
	m.HandleFunc("GET /users/me", func(w http.ResponseWriter, _ *http.Request) {
		// fuzz/undocumented-response-property: the whole record is serialised.
		writeJSON(w, 200, map[string]any{"id": 1, "name": "ada", "internal_notes": "vip customer, waive fees", "is_admin": false})
	})
	m.HandleFunc("POST /notes", func(w http.ResponseWriter, r *http.Request) {
		// fuzz/negative-data-accepted: no validation at all.
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxRequestBody))
		writeJSON(w, 201, map[string]int{"id": 1})
	})
	m.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		if !s.valid(w, r, "/search") {
			return
		}
		// fuzz/valid-input-rejected: an undocumented minimum length of 3.
		if len(r.URL.Query().Get("q")) < 3 {
			fail(w, 400, "q must have at least 3 characters")
			return
		}
		writeJSON(w, 200, map[string]int{"hits": 0})
	})
}
