// Package generate turns the operations of a surface into the fuzzer's
// plan: cases phase by phase (Postman replays, spec examples, boundary
// values, random valid values, negative values, injection payloads),
// round-robin across operations within a phase so that every operation is
// exercised early under a small budget. Everything is derived from the
// seed: the same seed and surface give the same cases in the same order.
package generate

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"iter"
	"math/rand/v2"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
)

// Options tune generation.
type Options struct {
	Seed int64
	// Phases to run; nil runs every phase.
	Phases []plan.Phase
	// RandomCases is the number of random valid cases per operation
	// (default 8).
	RandomCases int
	// MaxPerPhase caps the boundary, negative and injection cases per
	// operation (default 24); injection always reaches every string field
	// at least once.
	MaxPerPhase int
	// AllowDestructive lets DELETE, PUT and PATCH operations on a path with
	// parameters vary their path parameters. Without it, those parameters
	// take the ids of objects the run created (State), and the engine's
	// safety policy skips the case when there is none.
	AllowDestructive bool
	// State is what the run learned: path parameters, id-like query
	// parameters and references in bodies take its values (the
	// identity's own objects, its account, ids other answers carried).
	// nil generates from the spec alone.
	State *learn.State
}

// Defaults.
const (
	DefaultRandomCases = 8
	DefaultMaxPerPhase = 24
)

// Generator builds cases.
type Generator struct {
	opts Options
}

// New returns a generator.
func New(opts Options) *Generator {
	if opts.RandomCases <= 0 {
		opts.RandomCases = DefaultRandomCases
	}
	if opts.MaxPerPhase <= 0 {
		opts.MaxPerPhase = DefaultMaxPerPhase
	}
	if opts.Phases == nil {
		opts.Phases = plan.Phases()
	}
	return &Generator{opts: opts}
}

// Targets lists the operations of a surface the fuzzer can exercise, in
// surface order: OpenAPI operations bound to their spec, Postman requests
// with their recording. Operations a filter rejects (--safe) are left out.
func Targets(s *surface.Surface, keep func(*surface.Operation) bool) []*plan.Target {
	var out []*plan.Target
	for _, api := range s.APIs {
		for _, op := range api.Operations {
			if keep != nil && !keep(op) {
				continue
			}
			t := &plan.Target{API: api, Op: op}
			if api.OpenAPI != nil && api.OpenAPI.Paths != nil {
				item := api.OpenAPI.Paths.Value(op.Path)
				if item == nil {
					continue
				}
				spec := item.GetOperation(op.Method)
				if spec == nil {
					continue
				}
				t.Spec, t.PathItem = spec, item
			} else if op.Request == nil {
				continue
			}
			t.Index = len(out)
			t.Seal()
			out = append(out, t)
		}
	}
	return out
}

// destructive reports whether a method changes or removes an existing
// object named by the path.
func destructive(t *plan.Target) bool {
	switch t.Op.Method {
	case "DELETE", "PUT", "PATCH":
		return strings.Contains(t.Op.Path, "{")
	}
	return false
}

// Budget counts the cases per phase and per operation, for --dry-run.
// Nothing is learned without a run, so the stateful phase is counted as
// it would be sent for the default identity alone.
func (g *Generator) Budget(targets []*plan.Target) (perPhase map[plan.Phase]int, perOp map[string]int) {
	perPhase, perOp = map[plan.Phase]int{}, map[string]int{}
	for c := range g.Cases(targets) {
		perPhase[c.Phase]++
		perOp[c.Target.Key()]++
	}
	return perPhase, perOp
}

// Example returns the case the examples phase sends for an operation: the
// values its spec writes, the plainest valid values elsewhere. Callers
// that build their own requests from an operation (sign-ups, logins)
// start from it.
func (g *Generator) Example(t *plan.Target) (*plan.Case, bool) {
	for c := range g.operationCases(t, plan.PhaseExamples, as{}) {
		return c, true
	}
	return nil, false
}

// rngFor derives the random source of one operation in one phase from the
// seed, so cases do not depend on which other operations are in the run.
func (g *Generator) rngFor(t *plan.Target, phase plan.Phase) *rand.Rand {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%d", t.Op.Location.File, t.Key(), phase)
	return rand.New(rand.NewPCG(uint64(g.opts.Seed), h.Sum64()))
}

// operationCases yields one operation's cases for one phase, sent as
// who.
func (g *Generator) operationCases(t *plan.Target, phase plan.Phase, who as) iter.Seq[*plan.Case] {
	return func(yield func(*plan.Case) bool) {
		s := newShape(t, g.opts.State)
		if s == nil {
			return
		}
		guarded := destructive(t) && !g.opts.AllowDestructive
		if guarded {
			// The path names an object this run must own: its parameters
			// come from what the run created, never from a mutation.
			kept := s.fields[:0:0]
			for _, f := range s.fields {
				if f.in != "path" {
					kept = append(kept, f)
				}
			}
			s.fields = kept
		}
		vals := &values{rng: g.rngFor(t, phase)}
		emit := func(d *draft, mutation string, intent plan.Intent, payload *plan.Payload) bool {
			c, err := d.render(t)
			if err != nil {
				return true // a value that cannot be encoded is not sent
			}
			c.Phase, c.Mutation, c.Intent, c.Payload = phase, mutation, intent, payload
			c.Identity = who.identity
			if field, _, ok := strings.Cut(mutation, ": "); ok && (field == "body" || strings.Contains(field, ".")) {
				c.Varied = field
			}
			return yield(c)
		}
		base := s.base(vals)
		g.fillLearned(base, s, phase, who)
		switch phase {
		case plan.PhaseReplay:
			if s.recorded {
				emit(base, "recorded request", plan.IntentUnknown, nil)
			}
		case plan.PhaseExamples:
			if !s.recorded {
				emit(base, "spec examples", plan.IntentValid, nil)
			}
		case plan.PhaseBoundary:
			if s.recorded {
				return
			}
			n := 0
			for _, f := range s.fields {
				for _, b := range boundaries(f.schema) {
					if n >= g.opts.MaxPerPhase {
						return
					}
					d := base.clone()
					d.set(f, b.value)
					intent := plan.IntentValid
					if !b.valid {
						intent = plan.IntentInvalid
					}
					n++
					if !emit(d, f.label()+": "+b.label, intent, nil) {
						return
					}
				}
			}
		case plan.PhaseRandom:
			if s.recorded {
				return
			}
			for i := 0; i < g.opts.RandomCases; i++ {
				d := s.random(vals)
				g.fillLearned(d, s, phase, who)
				if !emit(d, "random valid values", plan.IntentValid, nil) {
					return
				}
			}
		case plan.PhaseNegative:
			g.negativeCases(s, base, emit)
		case plan.PhaseInjection:
			g.injectionCases(s, base, emit)
		}
	}
}

type emitFunc func(d *draft, mutation string, intent plan.Intent, payload *plan.Payload) bool

// negativeCases: for each field, wrong types and out-of-range values, and a
// missing required field; for the body, an unknown property, a wrong
// content type, malformed JSON and an oversized payload.
func (g *Generator) negativeCases(s *shape, base *draft, emit emitFunc) {
	type cand struct {
		d        *draft
		mutation string
		intent   plan.Intent
	}
	var cands []cand
	for _, f := range s.fields {
		for _, b := range negatives(f.schema) {
			if b.value == nil && f.in != "body" {
				continue // a null parameter serialises as empty: see "missing"
			}
			d := base.clone()
			d.set(f, b.value)
			intent := plan.IntentInvalid
			if b.valid {
				intent = plan.IntentUnknown
			}
			cands = append(cands, cand{d, f.label() + ": " + b.label, intent})
		}
		if f.required && f.in != "path" {
			d := base.clone()
			d.remove(f)
			cands = append(cands, cand{d, f.label() + ": required field missing", plan.IntentInvalid})
		}
	}
	if base.hasBody && base.raw == nil {
		if obj, ok := base.body.(map[string]any); ok && !s.openObject {
			d := base.clone()
			o := deepCopy(obj).(map[string]any)
			o["specterUnknownProperty"] = "specter"
			d.body = o
			// Unknown properties are valid unless the schema closes the object.
			cands = append(cands, cand{d, "body: unknown property specterUnknownProperty", plan.IntentUnknown})
		}
		d := base.clone()
		d.contentType = "text/plain"
		d.raw, _ = encodeBody(base.contentType, base.body)
		cands = append(cands, cand{d, "body: wrong content type text/plain", plan.IntentInvalid})
		if isJSON(base.contentType) {
			d = base.clone()
			good, _ := encodeBody(base.contentType, base.body)
			d.raw = append(append([]byte(nil), good[:len(good)/2]...), []byte(`,"`)...)
			cands = append(cands, cand{d, "body: malformed JSON (truncated)", plan.IntentInvalid})
			d = base.clone()
			d.raw = oversizedJSON()
			cands = append(cands, cand{d, "body: oversized JSON payload (1 MiB array)", plan.IntentInvalid})
		}
	}
	// Body-level cases first (they are few and find the most), then fields.
	sort.SliceStable(cands, func(i, j int) bool {
		return strings.HasPrefix(cands[i].mutation, "body: ") && !strings.HasPrefix(cands[j].mutation, "body: ")
	})
	for i, c := range cands {
		if i >= g.opts.MaxPerPhase {
			return
		}
		if !emit(c.d, c.mutation, c.intent, nil) {
			return
		}
	}
}

// oversizedJSON is a 1 MiB JSON array of numbers.
func oversizedJSON() []byte {
	const size = 1 << 20
	b := make([]byte, 0, size+2)
	b = append(b, '[')
	for len(b) < size {
		b = append(b, "1,"...)
	}
	b[len(b)-1] = ']'
	return b
}

// injectionCases places each payload family in every string field: the
// first round gives every field a different family, later rounds rotate,
// until MaxPerPhase (but every field gets at least one payload).
func (g *Generator) injectionCases(s *shape, base *draft, emit emitFunc) {
	var fields []*field
	for _, f := range s.fields {
		if t := typeOf(pick(f.schema)); t == "string" || t == "" {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return
	}
	limit := max(g.opts.MaxPerPhase, len(fields))
	n := 0
	rounds := 0
	for _, fam := range injectionFamilies {
		rounds = max(rounds, len(fam.payloads))
	}
	rounds *= len(injectionFamilies)
	for r := 0; r < rounds; r++ {
		for fi, f := range fields {
			fam := injectionFamilies[(r+fi)%len(injectionFamilies)]
			if fam.urlOnly && !f.urlish {
				continue
			}
			pi := (r / len(injectionFamilies)) % len(fam.payloads)
			if r/len(injectionFamilies) >= len(fam.payloads) {
				continue
			}
			value := fam.payloads[pi]
			if f.in == "header" || f.in == "cookie" {
				var ok bool
				if value, ok = headerSafe(value); !ok {
					continue
				}
			}
			if n >= limit {
				return
			}
			d := base.clone()
			var placed any = value
			if fam.family == "nosql" && f.in == "body" && strings.HasPrefix(value, "{") {
				var obj any
				if json.Unmarshal([]byte(value), &obj) == nil {
					placed = obj // an operator object where a string belongs
				}
			}
			d.set(f, placed)
			n++
			p := &plan.Payload{Family: fam.family, Value: value, Field: f.label()}
			if !emit(d, f.label()+": "+fam.family+" payload", plan.IntentUnknown, p) {
				return
			}
		}
	}
}

// shape is what generation knows about one operation: its fields and how
// to build a base request.
type shape struct {
	t        *plan.Target
	fields   []*field
	params   []*field
	recorded bool
	rec      *draft
	// body
	bodySchema  *openapi3.Schema
	contentType string
	bodyNeeded  bool
	// openObject: the body schema allows additional properties explicitly.
	openObject bool
}

// skippedHeaders are parameters the HTTP layer or the credentials own.
var skippedHeaders = map[string]bool{"accept": true, "content-type": true, "authorization": true, "content-length": true, "host": true}

func newShape(t *plan.Target, st *learn.State) *shape {
	s := &shape{t: t}
	if t.Spec == nil {
		return recordedShape(t, st)
	}
	for _, p := range t.Op.Parameters {
		if p.In == "header" && skippedHeaders[strings.ToLower(p.Name)] {
			continue
		}
		var schema *openapi3.Schema
		if p.Schema != nil {
			schema = p.Schema.Value
		}
		f := &field{in: p.In, name: p.Name, schema: schema, required: p.Required || p.In == "path"}
		f.urlish = isURLish(p.Name, schema)
		f.example, f.written = paramExample(t, p.In, p.Name)
		if !f.written {
			f.example, f.written = exampleOf(pick(schema))
		}
		s.params = append(s.params, f)
		s.fields = append(s.fields, f)
	}
	if rb := t.Spec.RequestBody; rb != nil && rb.Value != nil {
		ct, mt := chooseMedia(rb.Value.Content)
		if mt != nil {
			s.contentType, s.bodyNeeded = ct, true
			if mt.Schema != nil {
				s.bodySchema = mt.Schema.Value
			}
			bs := pick(s.bodySchema)
			if bs != nil && bs.AdditionalProperties.Has != nil && *bs.AdditionalProperties.Has {
				s.openObject = true
			}
			if bs != nil && bs.AdditionalProperties.Schema != nil {
				s.openObject = true
			}
			s.fields = append(s.fields, bodyFields(s.bodySchema, nil, 0)...)
		}
	}
	return s
}

// chooseMedia picks the request body media type the fuzzer can write:
// JSON first, then URL-encoded form, then multipart form, then text.
func chooseMedia(content openapi3.Content) (string, *openapi3.MediaType) {
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, want := range []func(string) bool{isJSON, isForm, isMultipart, func(ct string) bool { return strings.HasPrefix(mediaBase(ct), "text/") }} {
		for _, k := range keys {
			if want(k) {
				return k, content[k]
			}
		}
	}
	return "", nil
}

// bodyFields lists the properties of a body schema, nested objects to
// depth 2, as fields.
func bodyFields(s *openapi3.Schema, prefix []string, depth int) []*field {
	s = pick(s)
	if s == nil || typeOf(s) != "object" || depth > 2 {
		return nil
	}
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	var out []*field
	for _, k := range sortedKeys(s.Properties) {
		p := s.Properties[k]
		if p == nil || p.Value == nil || p.Value.ReadOnly {
			continue
		}
		keys := append(append([]string(nil), prefix...), k)
		f := &field{in: "body", name: strings.Join(keys, "."), keys: keys, schema: p.Value, required: required[k]}
		f.urlish = isURLish(k, p.Value)
		out = append(out, f)
		out = append(out, bodyFields(p.Value, keys, depth+1)...)
	}
	return out
}

func isURLish(name string, s *openapi3.Schema) bool {
	if s != nil && (s.Format == "uri" || s.Format == "url" || s.Format == "uri-reference") {
		return true
	}
	n := strings.ToLower(name)
	for _, w := range []string{"url", "uri", "callback", "webhook", "redirect", "link", "endpoint"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// base is the case built from the spec's examples (or the recording).
func (s *shape) base(vals *values) *draft {
	if s.recorded {
		return s.rec.clone()
	}
	d := &draft{contentType: s.contentType}
	for _, f := range s.params {
		switch {
		case f.written:
			d.params = append(d.params, param{in: f.in, name: f.name, value: f.example})
		case f.required:
			d.params = append(d.params, param{in: f.in, name: f.name, value: vals.example(f.schema, 0)})
		}
	}
	if s.bodyNeeded {
		d.hasBody = true
		if v, ok := mediaExample(s.t.Spec.RequestBody.Value.Content[s.contentType]); ok {
			d.body = v
		} else {
			d.body = vals.example(s.bodySchema, 0)
		}
	}
	return d
}

// random is a case with random valid values; optional parameters appear
// half of the time.
func (s *shape) random(vals *values) *draft {
	d := &draft{contentType: s.contentType}
	for _, f := range s.params {
		if !f.required && vals.rng.IntN(2) == 0 {
			continue
		}
		d.params = append(d.params, param{in: f.in, name: f.name, value: vals.valid(f.schema, 0, true)})
	}
	if s.bodyNeeded {
		d.hasBody = true
		d.body = vals.valid(s.bodySchema, 0, true)
	}
	return d
}

// paramExample is the example a parameter declares itself (OpenAPI 3
// `example`, or the first of its `examples` by name), which comes before
// its schema's.
func paramExample(t *plan.Target, in, name string) (any, bool) {
	var lists []openapi3.Parameters
	if t.Spec != nil {
		lists = append(lists, t.Spec.Parameters)
	}
	if t.PathItem != nil {
		lists = append(lists, t.PathItem.Parameters)
	}
	for _, list := range lists {
		for _, ref := range list {
			if ref == nil || ref.Value == nil || ref.Value.In != in || ref.Value.Name != name {
				continue
			}
			p := ref.Value
			if p.Example != nil {
				return p.Example, true
			}
			keys := make([]string, 0, len(p.Examples))
			for k := range p.Examples {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if ex := p.Examples[k]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
					return ex.Value.Value, true
				}
			}
			return nil, false
		}
	}
	return nil, false
}

func mediaExample(mt *openapi3.MediaType) (any, bool) {
	if mt == nil {
		return nil, false
	}
	if mt.Example != nil {
		return mt.Example, true
	}
	keys := make([]string, 0, len(mt.Examples))
	for k := range mt.Examples {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if ex := mt.Examples[k]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return ex.Value.Value, true
		}
	}
	return nil, false
}

// recordedShape reads a Postman request: its query parameters, headers and
// JSON body become fields with schemas inferred from the recorded values.
func recordedShape(t *plan.Target, st *learn.State) *shape {
	r := t.Op.Request
	if r == nil {
		return nil
	}
	s := &shape{t: t, recorded: true}
	rt := runtimeRequest(r, st)
	u, err := url.Parse(rt.url)
	if err != nil {
		return nil
	}
	d := &draft{steps: rt.steps, runObject: rt.runObject}
	q := u.Query()
	u.RawQuery = ""
	d.recordedURL = u.String()
	qkeys := make([]string, 0, len(q))
	for k := range q {
		qkeys = append(qkeys, k)
	}
	sort.Strings(qkeys)
	for _, k := range qkeys {
		v := q.Get(k)
		f := &field{in: "query", name: k, schema: inferSchema(v), urlish: isURLish(k, nil)}
		s.fields = append(s.fields, f)
		d.params = append(d.params, param{in: "query", name: k, value: v})
	}
	for i, h := range r.Headers {
		if h.Disabled || h.Name == "" {
			continue
		}
		h.Value = rt.headers[i]
		lower := strings.ToLower(h.Name)
		if lower == "content-type" {
			d.contentType = h.Value
			continue
		}
		if skippedHeaders[lower] || sensitive.IsCredentialName(h.Name) {
			d.headers = append(d.headers, plan.Param{Name: h.Name, Value: h.Value})
			continue
		}
		f := &field{in: "header", name: h.Name, schema: inferSchema(h.Value), urlish: isURLish(h.Name, nil)}
		s.fields = append(s.fields, f)
		d.params = append(d.params, param{in: "header", name: h.Name, value: h.Value})
	}
	if rt.body != "" {
		var body any
		switch {
		case r.BodyMode == "raw" && json.Unmarshal([]byte(rt.body), &body) == nil:
			d.hasBody, d.body = true, body
			if d.contentType == "" {
				d.contentType = "application/json"
			}
			s.fields = append(s.fields, recordedBodyFields(body, nil, 0)...)
		case r.BodyMode == "urlencoded":
			vals, _ := url.ParseQuery(rt.body)
			obj := map[string]any{}
			for k := range vals {
				obj[k] = vals.Get(k)
			}
			d.hasBody, d.body, d.contentType = true, obj, "application/x-www-form-urlencoded"
			s.fields = append(s.fields, recordedBodyFields(obj, nil, 0)...)
		default:
			d.raw = []byte(rt.body)
			if d.contentType == "" {
				d.contentType = "text/plain"
			}
		}
	}
	s.rec = d
	return s
}

// inferSchema guesses a schema from a recorded value.
func inferSchema(v any) *openapi3.Schema {
	switch x := v.(type) {
	case bool:
		return openapi3.NewBoolSchema()
	case float64:
		if x == float64(int64(x)) {
			return openapi3.NewIntegerSchema()
		}
		return openapi3.NewFloat64Schema()
	case map[string]any:
		return openapi3.NewObjectSchema()
	case []any:
		return openapi3.NewArraySchema()
	case nil:
		return &openapi3.Schema{}
	}
	return openapi3.NewStringSchema()
}

func recordedBodyFields(v any, prefix []string, depth int) []*field {
	obj, ok := v.(map[string]any)
	if !ok || depth > 2 {
		return nil
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []*field
	for _, k := range keys {
		path := append(append([]string(nil), prefix...), k)
		f := &field{in: "body", name: strings.Join(path, "."), keys: path, schema: inferSchema(obj[k]), urlish: isURLish(k, nil)}
		out = append(out, f)
		out = append(out, recordedBodyFields(obj[k], path, depth+1)...)
	}
	return out
}
