package oracle

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/plan"
)

// documented returns the response the spec documents for a status (exact,
// then range like 4XX, then default), or nil.
func documented(t *plan.Target, status int) *openapi3.Response {
	if t.Spec == nil || t.Spec.Responses == nil {
		return nil
	}
	if r := t.Spec.Responses.Status(status); r != nil && r.Value != nil {
		return r.Value
	}
	if r := t.Spec.Responses.Default(); r != nil && r.Value != nil {
		return r.Value
	}
	return nil
}

// noteIfNoSpec says, once, that a schema-based check cannot run on
// recorded (Postman) requests.
func noteIfNoSpec(targets []*plan.Target, env Env, rule string) {
	for _, t := range targets {
		if t.Spec == nil {
			env.Note(rule, "cannot run on Postman requests (no documented responses or schemas); give an OpenAPI spec to check them")
			return
		}
	}
}

// bodyless reports whether an exchange has no body to judge.
func bodyless(obs *Observation) bool {
	return obs.Status == 0 || obs.Case.Method == http.MethodHead || obs.Status == http.StatusNoContent ||
		obs.Status == http.StatusNotModified || len(obs.Body) == 0
}

// UndocumentedStatus reports a status the operation does not document.
// 429 is left out (it answers the fuzzer's rate, not the input) and so are
// 5xx answers, which ServerError reports.
type UndocumentedStatus struct{}

// Name implements Oracle.
func (UndocumentedStatus) Name() string { return "undocumented-status" }

// SpecBound implements SpecBound.
func (UndocumentedStatus) SpecBound() {}

// Rules implements Oracle.
func (UndocumentedStatus) Rules() []string { return []string{RuleUndocumentedStatus} }

// Prepare implements Preparer.
func (UndocumentedStatus) Prepare(_ context.Context, targets []*plan.Target, env Env) {
	noteIfNoSpec(targets, env, RuleUndocumentedStatus)
}

// Check implements Oracle.
func (UndocumentedStatus) Check(_ context.Context, obs *Observation, env Env) {
	t := obs.Target()
	if t.Spec == nil || obs.Unrouted || obs.Status == 0 || obs.Status == http.StatusTooManyRequests || obs.Status >= 500 {
		return
	}
	if documented(t, obs.Status) != nil {
		return
	}
	env.Report(Verdict{
		Rule: RuleUndocumentedStatus, Exchange: obs.Exchange,
		Message: fmt.Sprintf("%s answered %d, which its responses do not document (documented: %s)",
			t.Key(), obs.Status, strings.Join(documentedStatuses(t), ", ")),
	})
}

func documentedStatuses(t *plan.Target) []string {
	if t.Spec.Responses == nil {
		return nil
	}
	keys := make([]string, 0, t.Spec.Responses.Len())
	for k := range t.Spec.Responses.Map() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ContentTypeMismatch reports an answer whose Content-Type is not among
// the media types documented for its status.
type ContentTypeMismatch struct{}

// Name implements Oracle.
func (ContentTypeMismatch) Name() string { return "content-type" }

// SpecBound implements SpecBound.
func (ContentTypeMismatch) SpecBound() {}

// Rules implements Oracle.
func (ContentTypeMismatch) Rules() []string { return []string{RuleContentTypeMismatch} }

// Prepare implements Preparer.
func (ContentTypeMismatch) Prepare(_ context.Context, targets []*plan.Target, env Env) {
	noteIfNoSpec(targets, env, RuleContentTypeMismatch)
}

// Check implements Oracle.
func (ContentTypeMismatch) Check(_ context.Context, obs *Observation, env Env) {
	t := obs.Target()
	if t.Spec == nil || obs.Unrouted || bodyless(obs) {
		return
	}
	resp := documented(t, obs.Status)
	if resp == nil || len(resp.Content) == 0 {
		return
	}
	ct := obs.Header.Get("Content-Type")
	if ct != "" && resp.Content.Get(ct) != nil {
		return
	}
	shown := ct
	if shown == "" {
		shown = "no Content-Type"
	}
	env.Report(Verdict{
		Rule: RuleContentTypeMismatch, Exchange: obs.Exchange,
		Message: fmt.Sprintf("%s answered %d with %s; documented: %s", t.Key(), obs.Status, shown, strings.Join(mediaTypes(resp.Content), ", ")),
	})
}

func mediaTypes(c openapi3.Content) []string {
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// documentedJSON returns the documented schema and the decoded JSON body of
// an answer when both exist; ok is false when there is nothing to check.
// A body that is not JSON where JSON is documented comes back as decodeErr.
func documentedJSON(obs *Observation) (schema *openapi3.Schema, body any, decodeErr error, ok bool) {
	t := obs.Target()
	if t.Spec == nil || bodyless(obs) || obs.Truncated {
		return nil, nil, nil, false
	}
	resp := documented(t, obs.Status)
	if resp == nil {
		return nil, nil, nil, false
	}
	ct := obs.Header.Get("Content-Type")
	mt := resp.Content.Get(ct)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || !isJSONType(ct) {
		return nil, nil, nil, false
	}
	body, err := obs.JSON()
	if err != nil {
		return mt.Schema.Value, nil, err, true
	}
	return mt.Schema.Value, body, nil, true
}

func isJSONType(ct string) bool {
	base, _, _ := strings.Cut(strings.ToLower(ct), ";")
	base = strings.TrimSpace(base)
	return base == "application/json" || strings.HasSuffix(base, "+json")
}

// ResponseSchema reports a JSON answer that is not valid against the
// schema documented for its status and content type.
type ResponseSchema struct{}

// Name implements Oracle.
func (ResponseSchema) Name() string { return "response-schema" }

// SpecBound implements SpecBound.
func (ResponseSchema) SpecBound() {}

// Rules implements Oracle.
func (ResponseSchema) Rules() []string { return []string{RuleResponseSchema} }

// Prepare implements Preparer.
func (ResponseSchema) Prepare(_ context.Context, targets []*plan.Target, env Env) {
	noteIfNoSpec(targets, env, RuleResponseSchema)
}

// Check implements Oracle.
func (ResponseSchema) Check(_ context.Context, obs *Observation, env Env) {
	if obs.Unrouted {
		return
	}
	if obs.Truncated {
		env.Note(RuleResponseSchema, "answers larger than the read limit are not checked against their schema")
		return
	}
	schema, body, decodeErr, ok := documentedJSON(obs)
	if !ok {
		return
	}
	t := obs.Target()
	if decodeErr != nil {
		env.Report(Verdict{
			Rule: RuleResponseSchema, Exchange: obs.Exchange,
			Message: fmt.Sprintf("%s answered %d with a body that is not valid JSON (%v)", t.Key(), obs.Status, decodeErr),
		})
		return
	}
	err := schema.VisitJSON(body, responseVisitOptions(t)...)
	if err == nil {
		return
	}
	env.Report(Verdict{
		Rule: RuleResponseSchema, Exchange: obs.Exchange,
		Message: fmt.Sprintf("%s answered %d with a body that does not match the documented schema: %s", t.Key(), obs.Status, schemaProblem(err)),
	})
}

// responseVisitOptions validate an answer's values against the spec's
// schemas (JSON Schema 2020-12 for 3.1 documents).
func responseVisitOptions(t *plan.Target) []openapi3.SchemaValidationOption {
	opts := []openapi3.SchemaValidationOption{openapi3.VisitAsResponse(), openapi3.DisableWriteOnlyValidation()}
	if t.API != nil && t.API.OpenAPI != nil && t.API.OpenAPI.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	return opts
}

// schemaProblem is the first schema error, with where it is ("at /: "
// for the whole value).
func schemaProblem(err error) string {
	where, reason := schemaError(err)
	if where == "" {
		return reason
	}
	return fmt.Sprintf("at %s: %s", where, reason)
}

// schemaError splits the first schema error into its JSON pointer ("" when
// the error is not a schema error) and its reason.
func schemaError(err error) (where, reason string) {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return "/" + strings.Join(se.JSONPointer(), "/"), se.Reason
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return "", msg
}

// UndocumentedProperties reports JSON answers carrying properties the
// documented schema does not declare, where the schema does not allow
// additional ones: excess data exposure.
type UndocumentedProperties struct {
	// declared caches declaredProperties per schema: the spec does not
	// change during a run, and merging allOf/oneOf/anyOf on every answer
	// costs more than the check.
	declared sync.Map // *openapi3.Schema -> declaredSet
}

type declaredSet struct {
	props map[string]*openapi3.Schema
	open  bool
}

// Name implements Oracle.
func (*UndocumentedProperties) Name() string { return "undocumented-properties" }

// SpecBound implements SpecBound.
func (*UndocumentedProperties) SpecBound() {}

// Rules implements Oracle.
func (*UndocumentedProperties) Rules() []string { return []string{RuleExcessDataExposure} }

// Prepare implements Preparer.
func (*UndocumentedProperties) Prepare(_ context.Context, targets []*plan.Target, env Env) {
	noteIfNoSpec(targets, env, RuleExcessDataExposure)
}

// Check implements Oracle.
func (o *UndocumentedProperties) Check(_ context.Context, obs *Observation, env Env) {
	if obs.Unrouted {
		return
	}
	schema, body, decodeErr, ok := documentedJSON(obs)
	if !ok || decodeErr != nil {
		return
	}
	var extra []string
	o.excessProperties(schema, body, "", 0, &extra)
	if len(extra) == 0 {
		return
	}
	sort.Strings(extra)
	shown := extra
	if len(shown) > 5 {
		shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(extra)-5))
	}
	env.Report(Verdict{
		Rule: RuleExcessDataExposure, Exchange: obs.Exchange,
		Message: fmt.Sprintf("%s answered %d with properties its schema does not document: %s", obs.Target().Key(), obs.Status, strings.Join(shown, ", ")),
	})
}

// excessProperties collects the paths of properties in v that schema s
// does not declare. Objects open to additional properties, free-form
// objects (no properties declared) and values a oneOf/anyOf leaves
// ambiguous are not judged beyond the union of their branches.
func (o *UndocumentedProperties) excessProperties(s *openapi3.Schema, v any, path string, depth int, out *[]string) {
	if s == nil || depth > 8 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		d := o.declaredOf(s)
		for k, e := range x {
			p, ok := d.props[k]
			if !ok && !d.open {
				*out = append(*out, "$"+path+"."+k)
				continue
			}
			if p != nil && nested(e) {
				o.excessProperties(p, e, path+"."+k, depth+1, out)
			}
		}
	case []any:
		items := itemsOf(s)
		for i, e := range x {
			if i >= 20 {
				break
			}
			if nested(e) {
				o.excessProperties(items, e, fmt.Sprintf("%s[%d]", path, i), depth+1, out)
			}
		}
	}
}

// nested reports whether a JSON value is an object or an array: only they
// can hold undocumented properties.
func nested(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

func (o *UndocumentedProperties) declaredOf(s *openapi3.Schema) declaredSet {
	if d, ok := o.declared.Load(s); ok {
		return d.(declaredSet)
	}
	props, open := declaredProperties(s)
	d := declaredSet{props: props, open: open}
	o.declared.Store(s, d)
	return d
}

// declaredProperties merges the properties of a schema and its
// allOf/oneOf/anyOf branches; open is true when additional properties are
// allowed explicitly or nothing is declared (a free-form object).
func declaredProperties(s *openapi3.Schema) (map[string]*openapi3.Schema, bool) {
	props := map[string]*openapi3.Schema{}
	open := false
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 6 {
			return
		}
		for k, p := range s.Properties {
			if p != nil && p.Value != nil {
				props[k] = p.Value
			}
		}
		if (s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has) || s.AdditionalProperties.Schema != nil || len(s.PatternProperties) > 0 {
			open = true
		}
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, r := range group {
				if r != nil {
					walk(r.Value, depth+1)
				}
			}
		}
	}
	walk(s, 0)
	if len(props) == 0 {
		open = true
	}
	return props, open
}

func itemsOf(s *openapi3.Schema) *openapi3.Schema {
	if s.Items != nil && s.Items.Value != nil {
		return s.Items.Value
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, r := range group {
			if r != nil && r.Value != nil && r.Value.Items != nil {
				return r.Value.Items.Value
			}
		}
	}
	return nil
}

// NegativeDataAccepted reports a request the spec forbids (checked before
// sending) that the operation answered 2xx. Violations only in header or
// cookie parameters are left out: servers commonly ignore headers they do
// not use, and that is not input reaching the logic.
type NegativeDataAccepted struct{}

// Name implements Oracle.
func (NegativeDataAccepted) Name() string { return "negative-data" }

// SpecBound implements SpecBound.
func (NegativeDataAccepted) SpecBound() {}

// Rules implements Oracle.
func (NegativeDataAccepted) Rules() []string { return []string{RuleNegativeDataAccepted} }

// Prepare implements Preparer.
func (NegativeDataAccepted) Prepare(_ context.Context, targets []*plan.Target, env Env) {
	noteIfNoSpec(targets, env, RuleNegativeDataAccepted)
}

// Check implements Oracle.
func (NegativeDataAccepted) Check(_ context.Context, obs *Observation, env Env) {
	if obs.Validity != Invalid || obs.Status < 200 || obs.Status > 299 {
		return
	}
	if m := obs.Case.Mutation; strings.HasPrefix(m, "header.") || strings.HasPrefix(m, "cookie.") {
		return
	}
	env.Report(Verdict{
		Rule: RuleNegativeDataAccepted, Exchange: obs.Exchange,
		Message: fmt.Sprintf("%s accepted with %d a request the spec forbids (%s: %s)", obs.Target().Key(), obs.Status, obs.Case.Mutation, obs.Violation),
	})
}

// ValidInputRejected reports a schema-valid request of the examples,
// boundary or random phase rejected with a 4xx other than 401, 403, 404,
// 409 and 429, which depend on credentials, data and state.
type ValidInputRejected struct{}

// Name implements Oracle.
func (ValidInputRejected) Name() string { return "valid-input" }

// SpecBound implements SpecBound.
func (ValidInputRejected) SpecBound() {}

// Rules implements Oracle.
func (ValidInputRejected) Rules() []string { return []string{RuleValidInputRejected} }

// Prepare implements Preparer.
func (ValidInputRejected) Prepare(_ context.Context, targets []*plan.Target, env Env) {
	noteIfNoSpec(targets, env, RuleValidInputRejected)
}

// Check implements Oracle.
func (ValidInputRejected) Check(_ context.Context, obs *Observation, env Env) {
	if obs.Unrouted || obs.Validity != Valid || obs.Status < 400 || obs.Status > 499 {
		return
	}
	switch obs.Case.Phase {
	case plan.PhaseExamples, plan.PhaseBoundary, plan.PhaseRandom:
	default:
		return
	}
	switch obs.Status {
	case 401, 403, 404, 409, 429:
		return
	}
	env.Report(Verdict{
		Rule: RuleValidInputRejected, Exchange: obs.Exchange,
		Message: fmt.Sprintf("%s rejected with %d a request that conforms to the spec (%s)", obs.Target().Key(), obs.Status, obs.Case.Mutation),
	})
}
