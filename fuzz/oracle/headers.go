package oracle

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/plan"
)

// ResponseHeaders reports an answer that lacks a header its documented
// response requires, or carries a documented header whose value does not
// match the header's schema (Schemathesis' response_headers_conformance).
// Headers use the simple style, the only one OpenAPI allows for them:
// an array is comma-separated; object-valued headers and headers described
// with content are not judged. Content-Type is the content-type oracle's.
type ResponseHeaders struct{}

// Name implements Oracle.
func (ResponseHeaders) Name() string { return "response-headers" }

// SpecBound implements SpecBound.
func (ResponseHeaders) SpecBound() {}

// Rules implements Oracle.
func (ResponseHeaders) Rules() []string { return []string{RuleResponseHeaderMismatch} }

// Prepare implements Preparer.
func (ResponseHeaders) Prepare(_ context.Context, targets []*plan.Target, env Env) {
	noteIfNoSpec(targets, env, RuleResponseHeaderMismatch)
}

// Check implements Oracle.
func (ResponseHeaders) Check(_ context.Context, obs *Observation, env Env) {
	t := obs.Target()
	if t.Spec == nil || obs.Unrouted || obs.Status == 0 || obs.Status >= 500 || obs.Status == http.StatusTooManyRequests {
		return
	}
	resp := documented(t, obs.Status)
	if resp == nil || len(resp.Headers) == 0 {
		return
	}
	names := make([]string, 0, len(resp.Headers))
	for name := range resp.Headers {
		if !strings.EqualFold(name, "Content-Type") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		ref := resp.Headers[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		if problem := headerProblem(ref.Value, obs.Header.Values(name), t); problem != "" {
			env.Report(Verdict{
				Rule: RuleResponseHeaderMismatch, Exchange: obs.Exchange, Key: name,
				Message: fmt.Sprintf("%s answered %d with the header %s %s", t.Key(), obs.Status, name, problem),
			})
		}
	}
}

// headerProblem says what is wrong with a documented header's values, ""
// when nothing is.
func headerProblem(h *openapi3.Header, values []string, t *plan.Target) string {
	if len(values) == 0 {
		if h.Required {
			return "missing, which the response documents as required"
		}
		return ""
	}
	if h.Schema == nil || h.Schema.Value == nil || h.Content != nil {
		return ""
	}
	s := h.Schema.Value
	value, ok := headerValue(s, strings.Join(values, ","))
	if !ok {
		return ""
	}
	if err := s.VisitJSON(value, responseVisitOptions(t)...); err != nil {
		problem := schemaProblem(err)
		if where, reason := schemaError(err); where == "/" {
			problem = reason // a header is one value: no location to give
		}
		return fmt.Sprintf("%q, which does not match its schema: %s", strings.Join(values, ", "), problem)
	}
	return ""
}

// headerValue turns a header's text into the JSON value its schema
// describes (simple style). ok is false for what is not judged (objects).
// A number that does not parse stays a string, so the schema reports the
// type.
func headerValue(s *openapi3.Schema, text string) (any, bool) {
	switch {
	case s.Type.Is("array"):
		var items *openapi3.Schema
		if s.Items != nil {
			items = s.Items.Value
		}
		parts := strings.Split(text, ",")
		out := make([]any, 0, len(parts))
		for _, p := range parts {
			v, ok := scalarValue(items, strings.TrimSpace(p))
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	case s.Type.Is("object"):
		return nil, false
	}
	return scalarValue(s, strings.TrimSpace(text))
}

func scalarValue(s *openapi3.Schema, text string) (any, bool) {
	if s == nil {
		return text, true
	}
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		if _, err := strconv.ParseFloat(text, 64); err == nil {
			return json.Number(text), true
		}
	case s.Type.Is("boolean"):
		if text == "true" || text == "false" {
			return text == "true", true
		}
	case s.Type.Is("object"), s.Type.Is("array"):
		return nil, false
	}
	return text, true
}
