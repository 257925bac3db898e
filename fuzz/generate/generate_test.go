package generate

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface/discover"
	"github.com/specterhq/specter/surface/ingest"
)

const testSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /users:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 50}}
        - {name: X-Trace, in: header, schema: {type: string}}
      responses: {"200": {description: ok}}
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string, minLength: 2, maxLength: 8}
                website: {type: string, format: uri}
                role: {type: string, enum: [user, admin]}
                age: {type: integer}
                code: {type: string, pattern: '^[A-Z]{3}-\d{4}$'}
                slug: {type: string, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 12, maxLength: 16}
      responses: {"201": {description: ok}}
  /users/{id}:
    delete:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses: {"204": {description: ok}}
`

func loadTargets(t *testing.T, name, content string) []*plan.Target {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	walked, err := discover.Walk(ctx, []string{dir}, discover.Options{MaxFileBytes: discover.DefaultMaxFileBytes})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Load(ctx, walked.Files, ingest.Options{Models: true})
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("ingest: %v %v", err, res.Problems)
	}
	return Targets(res.Surface, nil)
}

func collect(g *Generator, targets []*plan.Target) []*plan.Case {
	var out []*plan.Case
	for c := range g.Cases(targets) {
		out = append(out, c)
	}
	return out
}

// fingerprintCases renders cases comparably (everything but the target pointer).
func fingerprintCases(cs []*plan.Case) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%d %s %s %s %v %v %v %q %s %s\n", c.Seq, c.Phase, c.Method, c.Target.Op.Path, c.PathParams, c.Query, c.Headers, c.Body, c.Mutation, c.Varied)
	}
	return b.String()
}

func TestSameSeedSameCases(t *testing.T) {
	targets := loadTargets(t, "api.yaml", testSpec)
	a := fingerprintCases(collect(New(Options{Seed: 5}), targets))
	b := fingerprintCases(collect(New(Options{Seed: 5}), targets))
	c := fingerprintCases(collect(New(Options{Seed: 6}), targets))
	if a != b {
		t.Error("the same seed generated different cases")
	}
	if a == c {
		t.Error("different seeds generated the same cases")
	}
}

func TestPhasesInOrderAndNumbered(t *testing.T) {
	cases := collect(New(Options{Seed: 1}), loadTargets(t, "api.yaml", testSpec))
	seen := map[plan.Phase]int{}
	for i, c := range cases {
		if c.Seq != i {
			t.Fatalf("case %d has Seq %d", i, c.Seq)
		}
		if i > 0 && c.Phase < cases[i-1].Phase {
			t.Fatalf("case %d: phase %s after %s", i, c.Phase, cases[i-1].Phase)
		}
		seen[c.Phase]++
	}
	for _, p := range []plan.Phase{plan.PhaseExamples, plan.PhaseBoundary, plan.PhaseRandom, plan.PhaseNegative, plan.PhaseInjection} {
		if seen[p] == 0 {
			t.Errorf("no %s cases", p)
		}
	}
	if seen[plan.PhaseReplay] != 0 {
		t.Errorf("%d replay cases from an OpenAPI spec", seen[plan.PhaseReplay])
	}
}

// The path of a destructive call names an object the run must own: its
// parameters are never mutated unless --allow-destructive.
func TestDestructiveCallsKeepTheirPath(t *testing.T) {
	targets := loadTargets(t, "api.yaml", testSpec)
	for _, allow := range []bool{false, true} {
		mutated := 0
		for _, c := range collect(New(Options{Seed: 1, AllowDestructive: allow}), targets) {
			if c.Method == "DELETE" && strings.HasPrefix(c.Varied, "path.") {
				mutated++
			}
		}
		if (mutated > 0) != allow {
			t.Errorf("AllowDestructive=%v: %d DELETE cases vary a path parameter", allow, mutated)
		}
	}
}

func TestInjectionPlacement(t *testing.T) {
	cases := collect(New(Options{Seed: 1, Phases: []plan.Phase{plan.PhaseInjection}, MaxPerPhase: 200}), loadTargets(t, "api.yaml", testSpec))
	fields := map[string]map[string]bool{}
	for _, c := range cases {
		if c.Payload == nil {
			t.Fatalf("injection case without payload: %s", c.Mutation)
		}
		if fields[c.Payload.Field] == nil {
			fields[c.Payload.Field] = map[string]bool{}
		}
		fields[c.Payload.Field][c.Payload.Family] = true
		for _, h := range c.Headers {
			if strings.ContainsAny(h.Value, "\r\n") {
				t.Errorf("raw CR/LF in header %s", h.Name)
			}
		}
		if c.Payload.Family == "ssrf" && c.Payload.Field != "body.website" {
			t.Errorf("SSRF payload in non-URL field %s", c.Payload.Field)
		}
	}
	for _, f := range []string{"header.X-Trace", "body.name", "body.website", "body.role"} {
		if len(fields[f]) == 0 {
			t.Errorf("no payload placed in %s (got %v)", f, fields)
		}
	}
	if !fields["body.website"]["ssrf"] {
		t.Error("no SSRF payload in the URL-typed field body.website")
	}
	if len(fields["body.name"]) < 6 {
		t.Errorf("body.name got only families %v", fields["body.name"])
	}
	if fields["body.age"] != nil || fields["query.limit"] != nil {
		t.Error("string payloads placed in integer fields")
	}
}

func TestBoundaries(t *testing.T) {
	i64 := func(v float64) *float64 { return &v }
	u64 := func(v uint64) *uint64 { return &v }
	tests := []struct {
		name   string
		schema *openapi3.Schema
		want   []string // "value valid"
	}{
		{"integer range", &openapi3.Schema{Type: &openapi3.Types{"integer"}, Min: i64(1), Max: i64(50)},
			[]string{"1 true", "0 false", "50 true", "51 false"}},
		{"unbounded integer", &openapi3.Schema{Type: &openapi3.Types{"integer"}},
			[]string{"0 true", "-1 true", "2147483647 true"}},
		{"string lengths", &openapi3.Schema{Type: &openapi3.Types{"string"}, MinLength: 2, MaxLength: u64(4)},
			[]string{"aa true", "a false", "aaaa true", "aaaaa false"}},
		{"enum", &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"a", "b"}},
			[]string{"a true", "b true", "specter-not-in-enum false"}},
		{"pattern", &openapi3.Schema{Type: &openapi3.Types{"string"}, Pattern: `^[A-Z]{2}\d$`},
			[]string{"AA0 true", " false"}},
		{"pattern and format", &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "email", Pattern: `@example\.com$`},
			[]string{"user1@example.com true", "not-a-email false", "@example.com true", " false"}},
		{"uuid", &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "uuid"},
			[]string{"00000000-0000-4000-8000-000000000001 true", "not-a-uuid false", " true"}},
	}
	for _, tt := range tests {
		var got []string
		for _, b := range boundaries(tt.schema) {
			got = append(got, fmt.Sprintf("%v %v", b.value, b.valid))
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: boundaries %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestRandomValuesAreValid: random values satisfy their schema (checked
// with kin-openapi), over many draws.
func TestRandomValuesAreValid(t *testing.T) {
	targets := loadTargets(t, "api.yaml", testSpec)
	var post *plan.Target
	for _, tg := range targets {
		if tg.Op.Method == "POST" {
			post = tg
		}
	}
	schema := post.Spec.RequestBody.Value.Content["application/json"].Schema.Value
	g := New(Options{Seed: 9, Phases: []plan.Phase{plan.PhaseRandom}, RandomCases: 300})
	n := 0
	for c := range g.Cases([]*plan.Target{post}) {
		var v any
		if err := json.Unmarshal(c.Body, &v); err != nil {
			t.Fatal(err)
		}
		if err := schema.VisitJSON(v); err != nil {
			t.Fatalf("random body %s is invalid: %v", c.Body, err)
		}
		n++
	}
	if n != 300 {
		t.Errorf("%d random cases, want 300", n)
	}
}

func TestNegativeCasesIncludeBodyLevelMutations(t *testing.T) {
	targets := loadTargets(t, "api.yaml", testSpec)
	var mutations []string
	for c := range New(Options{Seed: 1, Phases: []plan.Phase{plan.PhaseNegative}, MaxPerPhase: 100}).Cases(targets) {
		if c.Method == "POST" {
			mutations = append(mutations, c.Mutation)
		}
	}
	all := strings.Join(mutations, "\n")
	for _, want := range []string{
		"body: unknown property", "body: wrong content type", "body: malformed JSON", "body: oversized JSON payload",
		"body.name: required field missing", "body.age: string instead of integer", "body.name: number instead of string",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no negative case %q in:\n%s", want, all)
		}
	}
}

func TestPostmanReplayThenMutations(t *testing.T) {
	collection := `{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [{"name": "make", "request": {"method": "POST", "url": "https://api.example.com/v1/things?verbose=true",
   "header": [{"key": "Content-Type", "value": "application/json"}, {"key": "Authorization", "value": "Bearer abc"}],
   "body": {"mode": "raw", "raw": "{\"title\": \"x\", \"count\": 2}"}}}]}`
	targets := loadTargets(t, "c.postman_collection.json", collection)
	if len(targets) != 1 || targets[0].Spec != nil {
		t.Fatalf("targets: %+v", targets)
	}
	cases := collect(New(Options{Seed: 1}), targets)
	if len(cases) < 3 || cases[0].Phase != plan.PhaseReplay || string(cases[0].Body) != `{"count":2,"title":"x"}` {
		t.Fatalf("first case is not the recorded request: %+v", cases[0])
	}
	var fields []string
	for _, c := range cases[1:] {
		if c.Phase == plan.PhaseReplay || c.Phase == plan.PhaseExamples || c.Phase == plan.PhaseRandom {
			t.Errorf("recorded request produced a %s case", c.Phase)
		}
		if c.Payload != nil {
			fields = append(fields, c.Payload.Field)
		}
		for _, h := range c.Headers {
			if h.Name == "Authorization" && h.Value != "Bearer abc" {
				t.Errorf("the recorded credential header was mutated: %q", h.Value)
			}
		}
	}
	joined := strings.Join(fields, ",")
	for _, f := range []string{"query.verbose", "body.title"} {
		if !strings.Contains(joined, f) {
			t.Errorf("no payload placed in %s (%s)", f, joined)
		}
	}
}

const multipartSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /uploads:
    post:
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [title]
              properties:
                title: {type: string, maxLength: 20}
                tags: {type: array, items: {type: string, enum: [a, b]}}
                pages: {type: integer, minimum: 1}
      responses: {"201": {description: ok}}
`

// TestMultipartBodies: multipart/form-data bodies are generated with the
// boundary in their Content-Type, and the valid ones pass kin-openapi's
// request validation (which decodes the parts).
func TestMultipartBodies(t *testing.T) {
	targets := loadTargets(t, "upload.yaml", multipartSpec)
	g := New(Options{Seed: 3, Phases: []plan.Phase{plan.PhaseExamples, plan.PhaseRandom}, RandomCases: 40})
	base, _ := url.Parse("http://127.0.0.1:8080")
	n := 0
	for c := range g.Cases(targets) {
		if !strings.HasPrefix(c.ContentType, "multipart/form-data; boundary=") {
			t.Fatalf("content type %q", c.ContentType)
		}
		req, err := c.Request(base)
		if err != nil {
			t.Fatal(err)
		}
		tg := c.Target
		in := &openapi3filter.RequestValidationInput{Request: req,
			Route:   &routers.Route{Spec: tg.API.OpenAPI, Path: tg.Op.Path, PathItem: tg.PathItem, Method: tg.Op.Method, Operation: tg.Spec},
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Fatalf("%s case %q: %v\nbody:\n%s", c.Phase, c.Mutation, err, c.Body)
		}
		n++
	}
	if n < 20 {
		t.Errorf("%d cases", n)
	}
}
