package security_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/oracle/security"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/scanners/secrets"
	"github.com/specterhq/specter/surface"
)

const benchSpec = `openapi: 3.0.3
info: {title: bench, version: "1"}
paths:
  /hello:
    get:
      parameters:
        - {name: name, in: query, schema: {type: string, maxLength: 32}}
      responses:
        "200":
          description: A greeting.
          content:
            application/json:
              schema:
                type: object
                required: [message]
                properties:
                  message: {type: string}
  /items:
    get:
      parameters:
        - {name: q, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items:
                    type: array
                    items:
                      type: object
                      properties:
                        id: {type: string}
                        name: {type: string}
                        owner: {type: string}
                        created: {type: string}
                        description: {type: string}
                        price: {type: number}
`

// BenchmarkOracles runs every oracle of a default run (conformance and
// security) on one answer, as the engine does on every exchange: a
// 19-byte greeting (bench/hello) and a 50-record list. ns/op is the
// oracles' cost per request of `specter fuzz`.
func BenchmarkOracles(b *testing.B) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(benchSpec))
	if err != nil {
		b.Fatal(err)
	}
	targetOf := func(path string) *plan.Target {
		item := doc.Paths.Value(path)
		return &plan.Target{API: &surface.API{OpenAPI: doc}, Op: &surface.Operation{Method: "GET", Path: path}, Spec: item.Get, PathItem: item}
	}
	classifier, err := secrets.New(secrets.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var recs []string
	for i := 0; i < 50; i++ {
		recs = append(recs, fmt.Sprintf(`{"id":"3f2a9c1e-%04d-4e5f-8a6b-0c1d2e3f4a5b","name":"Item %d","owner":"user%d@example.com","created":"2026-11-26T12:00:%02dZ","description":"A lamp with a warm light and a long cable","price":%d.99}`, i, i, i, i%60, i))
	}
	bodies := map[string]string{
		"greeting": `{"message":"hello"}`,
		"list-50":  `{"items":[` + strings.Join(recs, ",") + `]}`,
	}
	for _, name := range []string{"greeting", "list-50"} {
		path := map[string]string{"greeting": "/hello", "list-50": "/items"}[name]
		target := targetOf(path)
		body := []byte(bodies[name])
		c := &plan.Case{Target: target, Method: "GET", Phase: plan.PhaseRandom, Intent: plan.IntentValid,
			Query: []plan.Param{{Name: "q", Value: "lamp"}}}
		req, err := http.NewRequest("GET", "http://127.0.0.1:8080"+path+"?q=lamp", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("User-Agent", "specter-fuzz")
		x := &execute.Exchange{Case: c, Request: req, Status: 200, Body: body,
			Header: http.Header{"Content-Type": {"application/json"}, "Date": {"Thu, 26 Nov 2026 12:00:00 GMT"}, "Content-Length": {fmt.Sprint(len(body))}}}
		all := append(fuzz.DefaultOracles(), security.Oracles(security.Config{Classifier: classifier})...)
		env := security.NewFakeEnv(func(*plan.Case) *execute.Exchange { return x })
		for _, o := range all {
			if p, ok := o.(oracle.Preparer); ok {
				p.Prepare(context.Background(), []*plan.Target{target}, env)
			}
		}
		b.Run(name+"/all", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				obs := &oracle.Observation{Exchange: x, Validity: oracle.Valid}
				for _, o := range all {
					o.Check(context.Background(), obs, env)
				}
			}
		})
		for _, o := range all {
			b.Run(name+"/"+o.Name(), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					o.Check(context.Background(), &oracle.Observation{Exchange: x, Validity: oracle.Valid}, env)
				}
			})
		}
		if vs := env.Verdicts(); len(vs) > 0 {
			b.Fatalf("%s: a clean answer produced %d verdicts, first %+v", name, len(vs), vs[0])
		}
	}
}
