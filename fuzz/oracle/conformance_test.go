package oracle

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/canary"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

const oracleSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /thing:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                allOf:
                  - type: object
                    properties: {id: {type: integer}}
                  - type: object
                    properties:
                      meta:
                        type: object
                        additionalProperties: true
                      owner:
                        type: object
                        properties: {name: {type: string}}
                      items:
                        type: array
                        items: {type: object, properties: {sku: {type: string}}}
        "4XX":
          description: client error
          content:
            application/problem+json:
              schema: {type: object, properties: {title: {type: string}}}
        "204": {description: none}
`

type recordingEnv struct {
	mu       sync.Mutex
	verdicts []Verdict
	notes    []string
}

func (e *recordingEnv) Report(v Verdict) {
	e.mu.Lock()
	e.verdicts = append(e.verdicts, v)
	e.mu.Unlock()
}
func (e *recordingEnv) Send(context.Context, *plan.Case) (*execute.Exchange, error) {
	return nil, nil
}
func (e *recordingEnv) Note(rule, text string)                  { e.notes = append(e.notes, rule+": "+text) }
func (e *recordingEnv) Seed() int64                             { return 1 }
func (e *recordingEnv) Roster() Roster                          { return Roster{} }
func (e *recordingEnv) State() *learn.State                     { return learn.New() }
func (e *recordingEnv) Unrouted(*execute.Exchange) bool         { return false }
func (e *recordingEnv) Canary() *canary.Listener                { return nil }
func (e *recordingEnv) Example(*plan.Target) (*plan.Case, bool) { return nil, false }

func TestConformanceOracles(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(oracleSpec))
	if err != nil {
		t.Fatal(err)
	}
	item := doc.Paths.Value("/thing")
	target := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/thing"}, Spec: item.Get, PathItem: item}
	tests := []struct {
		name     string
		status   int
		ct       string
		body     string
		validity Validity
		phase    plan.Phase
		want     string // rule ids reported, comma-joined, in oracle order
	}{
		{"conforming", 200, "application/json", `{"id":1,"meta":{"x":1},"owner":{"name":"a"},"items":[{"sku":"a"}]}`, Valid, plan.PhaseRandom, ""},
		{"charset parameter is fine", 200, "application/json; charset=utf-8", `{"id":1}`, Valid, plan.PhaseRandom, ""},
		{"range 4XX documents 418", 418, "application/problem+json", `{"title":"x"}`, Invalid, plan.PhaseNegative, ""},
		{"undocumented 302", 302, "", "", Valid, plan.PhaseRandom, "fuzz/undocumented-status"},
		{"5xx left to server-error", 503, "text/plain", "down", Valid, plan.PhaseRandom, "fuzz/server-error"},
		{"wrong content type", 200, "text/html", "<p>", Valid, plan.PhaseRandom, "fuzz/content-type-mismatch"},
		{"missing content type", 200, "", `{"id":1}`, Valid, plan.PhaseRandom, "fuzz/content-type-mismatch"},
		{"not JSON", 200, "application/json", `{"id":`, Valid, plan.PhaseRandom, "fuzz/response-schema-mismatch"},
		{"wrong type", 200, "application/json", `{"id":"1"}`, Valid, plan.PhaseRandom, "fuzz/response-schema-mismatch"},
		{"excess nested in array", 200, "application/json", `{"id":1,"items":[{"sku":"a","cost":3}]}`, Valid, plan.PhaseRandom, "fuzz/undocumented-response-property"},
		{"excess at top, open meta ignored", 200, "application/json", `{"id":1,"meta":{"anything":true},"password":"x"}`, Valid, plan.PhaseRandom, "fuzz/undocumented-response-property"},
		{"204 without body", 204, "", "", Valid, plan.PhaseRandom, ""},
		{"invalid accepted", 200, "application/json", `{"id":1}`, Invalid, plan.PhaseNegative, "fuzz/negative-data-accepted"},
		{"valid rejected 400", 400, "application/problem+json", `{"title":"x"}`, Valid, plan.PhaseBoundary, "fuzz/valid-input-rejected"},
		{"valid 404 not counted", 404, "application/problem+json", `{"title":"x"}`, Valid, plan.PhaseRandom, ""},
		{"valid 409 not counted", 409, "application/problem+json", `{"title":"x"}`, Valid, plan.PhaseRandom, ""},
		{"valid rejected in injection phase not counted", 400, "application/problem+json", `{"title":"x"}`, Valid, plan.PhaseInjection, ""},
		{"unchecked accepted is not negative", 200, "application/json", `{"id":1}`, Unchecked, plan.PhaseNegative, ""},
	}
	oracles := []Oracle{ServerError{}, UndocumentedStatus{}, ContentTypeMismatch{}, ResponseSchema{}, &UndocumentedProperties{}, NegativeDataAccepted{}, ValidInputRejected{}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.ct != "" {
				h.Set("Content-Type", tt.ct)
			}
			x := &execute.Exchange{
				Case:   &plan.Case{Target: target, Method: "GET", Phase: tt.phase, Mutation: "m"},
				Status: tt.status, Header: h, Body: []byte(tt.body),
			}
			env := &recordingEnv{}
			for _, o := range oracles {
				o.Check(context.Background(), &Observation{Exchange: x, Validity: tt.validity, Violation: "v"}, env)
			}
			var got []string
			for _, v := range env.verdicts {
				got = append(got, v.Rule)
				if v.Message == "" || v.Exchange != x {
					t.Errorf("verdict without message or exchange: %+v", v)
				}
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("reported [%s], want [%s]", strings.Join(got, ","), tt.want)
			}
		})
	}
}

func TestChecksThatCannotRunSaySo(t *testing.T) {
	postman := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/x", Request: &surface.Request{URL: "http://h/x"}}}
	env := &recordingEnv{}
	for _, o := range []Oracle{UndocumentedStatus{}, ResponseSchema{}, NegativeDataAccepted{}} {
		o.(Preparer).Prepare(context.Background(), []*plan.Target{postman}, env)
	}
	if len(env.notes) != 3 || !strings.Contains(env.notes[0], "cannot run on Postman requests") {
		t.Errorf("notes: %v", env.notes)
	}
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		body    string
		want    any
		wantErr bool
	}{
		{`{"id": 12345678901234567890}`, map[string]any{"id": json.Number("12345678901234567890")}, false},
		{" [1, \"a\"] \n\t", []any{json.Number("1"), "a"}, false},
		{`{"a": 1} {"b": 2}`, nil, true},
		{`{"a": 1}x`, nil, true},
		{`{"a": `, nil, true},
		{``, nil, true},
	}
	for _, tt := range tests {
		got, err := DecodeJSON([]byte(tt.body))
		if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DecodeJSON(%q) = %#v, %v", tt.body, got, err)
		}
	}
}
