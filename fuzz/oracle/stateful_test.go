package oracle

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// TestUseAfterDeleteNeedsAPlainReader: a GET that needs a query parameter
// is not used to read deleted objects back, and the run says so.
func TestUseAfterDeleteNeedsAPlainReader(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      parameters:
        - {name: tenant, in: query, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
    delete:
      responses: {"204": {description: ok}}
`))
	if err != nil {
		t.Fatal(err)
	}
	item := doc.Paths.Value("/things/{id}")
	get := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/things/{id}"}, Spec: item.Get, PathItem: item}
	del := &plan.Target{Op: &surface.Operation{Method: "DELETE", Path: "/things/{id}"}, Spec: item.Delete, PathItem: item}
	env := &recordingEnv{}
	o := &UseAfterDelete{}
	o.Prepare(context.Background(), []*plan.Target{get, del}, env)
	if len(env.notes) != 1 || !strings.Contains(env.notes[0], "not read back") {
		t.Errorf("notes %q, want one saying deleted objects are not read back", env.notes)
	}
	if len(o.readers) != 0 {
		t.Errorf("readers %v: a GET with a required query parameter was taken", o.readers)
	}
	obs := &Observation{Exchange: &execute.Exchange{Case: &plan.Case{Target: del, Method: "DELETE", PathParams: []plan.Param{{Name: "id", Value: "1"}}}, Status: 204}}
	o.Check(context.Background(), obs, env)
	if len(env.verdicts) != 0 {
		t.Errorf("verdicts %+v", env.verdicts)
	}
}
