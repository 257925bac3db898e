package oracle

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

const headerSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    post:
      responses:
        "201":
          description: created
          headers:
            Location: {required: true, schema: {type: string}}
            X-RateLimit-Remaining: {schema: {type: integer, minimum: 0}}
            X-Flags: {schema: {type: array, items: {type: string, enum: [a, b]}}}
            X-Cached: {schema: {type: boolean}}
            X-Meta: {schema: {type: object}}
            Content-Type: {required: true, schema: {type: string, enum: [never/sent]}}
        "4XX":
          description: client error
          headers:
            X-Request-Id: {required: true, schema: {type: string, minLength: 8}}
`

func TestResponseHeaders(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(headerSpec))
	if err != nil {
		t.Fatal(err)
	}
	item := doc.Paths.Value("/things")
	target := &plan.Target{API: &surface.API{OpenAPI: doc}, Op: &surface.Operation{Method: "POST", Path: "/things"}, Spec: item.Post, PathItem: item}
	tests := []struct {
		name   string
		status int
		header http.Header
		want   []string // verdict keys (header names)
	}{
		{"all as documented", 201, http.Header{"Location": {"/things/1"}, "X-Ratelimit-Remaining": {"41"}, "X-Flags": {"a, b"}, "X-Cached": {"true"}, "X-Meta": {"k=v"}}, nil},
		{"only the required one", 201, http.Header{"Location": {"/things/1"}}, nil},
		{"required header missing", 201, http.Header{"X-Ratelimit-Remaining": {"41"}}, []string{"Location"}},
		{"integer that is not", 201, http.Header{"Location": {"/x"}, "X-Ratelimit-Remaining": {"lots"}}, []string{"X-RateLimit-Remaining"}},
		{"integer below its minimum", 201, http.Header{"Location": {"/x"}, "X-Ratelimit-Remaining": {"-1"}}, []string{"X-RateLimit-Remaining"}},
		{"array item outside the enum", 201, http.Header{"Location": {"/x"}, "X-Flags": {"a,c"}}, []string{"X-Flags"}},
		{"boolean spelled otherwise", 201, http.Header{"Location": {"/x"}, "X-Cached": {"yes"}}, []string{"X-Cached"}},
		{"two problems, two verdicts", 201, http.Header{"X-Cached": {"1"}}, []string{"Location", "X-Cached"}},
		{"range response", 404, http.Header{"X-Request-Id": {"abc"}}, []string{"X-Request-Id"}},
		{"range response, conforming", 404, http.Header{"X-Request-Id": {"abcdefgh12"}}, nil},
		{"5xx is the server-error oracle's", 503, http.Header{}, nil},
		{"undocumented status is another oracle's", 302, http.Header{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &recordingEnv{}
			obs := &Observation{Exchange: &execute.Exchange{Case: &plan.Case{Target: target, Method: "POST"}, Status: tt.status, Header: tt.header}}
			ResponseHeaders{}.Check(context.Background(), obs, env)
			var got []string
			for _, v := range env.verdicts {
				got = append(got, v.Key)
				if !strings.Contains(v.Message, v.Key) {
					t.Errorf("message %q does not name the header", v.Message)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("verdicts for %v, want %v (%+v)", got, tt.want, env.verdicts)
			}
		})
	}
}
