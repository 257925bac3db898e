package security

import (
	"context"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// What the checks for operations the spec does not list share
// (UndocumentedMethods, HiddenAdmin): the run's targets and a template
// per operation, the request for a shadow of an operation (another method
// or path), and the judgement whether the target routed it.

// shadowBase keeps the run's targets and, per operation, the request of
// its lowest-numbered 2xx answer, which the shadows start from.
type shadowBase struct {
	templates templates
	mu        sync.Mutex
	targets   []*plan.Target
}

// Prepare implements oracle.Preparer.
func (b *shadowBase) Prepare(_ context.Context, targets []*plan.Target, _ oracle.Env) {
	b.mu.Lock()
	b.targets = targets
	b.mu.Unlock()
}

// Check implements oracle.Oracle: it keeps a template per operation.
func (b *shadowBase) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	if obs.Status >= 200 && obs.Status <= 299 {
		b.templates.offer(obs.Case)
	}
}

// spec are the targets the spec documents (no Postman request, no older
// version the run found).
func (b *shadowBase) spec() []*plan.Target {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*plan.Target
	for _, t := range b.targets {
		if t.Spec != nil && t.OlderVersionOf == nil {
			out = append(out, t)
		}
	}
	return out
}

// shadowCase is t's template as method at path, sent as identity: a GET
// keeps the template's values; a write goes to an id that cannot exist
// (path must end in a parameter) with an empty JSON object as its body.
func (b *shadowBase) shadowCase(t *plan.Target, method, path, identity string, env oracle.Env) (*plan.Case, bool) {
	c := b.templates.get(t, env)
	if c == nil {
		return nil, false
	}
	op := *t.Op
	op.Method, op.Path = method, path
	shadow := &plan.Target{API: t.API, Op: &op, Index: t.Index}
	shadow.Seal()
	c.Target, c.Method, c.Identity, c.Steps = shadow, method, identity, nil
	c.Body, c.ContentType, c.Payload, c.Varied = nil, "", nil, ""
	if method == http.MethodGet {
		return c, true
	}
	last, ok := lastParamAtEnd(path)
	if !ok {
		return nil, false
	}
	var schema *openapi3.Schema
	for _, p := range t.Op.Parameters {
		if p.In == "path" && p.Name == last && p.Schema != nil {
			schema = p.Schema.Value
		}
	}
	c = withPath(c, map[string]string{last: sentinelValue(schema, env.Seed())})
	c.Sentinel = true
	if method != http.MethodDelete {
		c.Body, c.ContentType = []byte("{}"), "application/json"
	}
	return c, true
}

// routing sends shadows and judges whether the target routed them,
// against its answer to the same method at a path no route matches (a
// catch-all front end or gateway answers both alike), measured once per
// method. It counts what it sent.
type routing struct {
	controls map[string]oracle.Fingerprint
	sent     int
}

// send sends c and reports whether a handler answered it.
func (r *routing) send(ctx context.Context, env oracle.Env, c *plan.Case) (*execute.Exchange, bool, error) {
	if r.controls == nil {
		r.controls = map[string]oracle.Fingerprint{}
	}
	control, ok := r.controls[c.Method]
	if !ok {
		cx, err := env.Send(ctx, noRouteCase(c))
		if err != nil {
			return nil, false, err
		}
		r.sent++
		control = oracle.FingerprintOf(cx)
		r.controls[c.Method] = control
	}
	x, err := env.Send(ctx, c)
	if err != nil {
		return nil, false, err
	}
	r.sent++
	fp := oracle.FingerprintOf(x)
	if fp.Status == 0 || !routedAnswer(c.Method, fp.Status) || env.Unrouted(x) || fp == control || fp.Status < 300 && fp.Media == "text/html" {
		return x, false, nil
	}
	return x, true, nil
}

// noRouteCase is c sent to a path no API routes.
func noRouteCase(c *plan.Case) *plan.Case {
	t := c.Target
	op := surface.Operation{Method: c.Method, Path: "/specter-no-such-route/specter-no-such-route", Location: t.Op.Location}
	nt := &plan.Target{API: t.API, Op: &op, Index: t.Index}
	nt.Seal()
	out := c.Clone()
	out.Target, out.PathParams, out.Query = nt, nil, nil
	out.Mutation = "the method " + c.Method + " at a path no route matches, to know the framework's own answer"
	return out
}

// routedAnswer reports statuses a handler gives: success; for a write at
// an id that cannot exist also the lookup's not-found, conflict or gone
// and a validation error (a GET sent with the documented operations'
// values that a handler takes succeeds). 401 and 403 may come from a
// middleware in front of every path, 405 and 501 from the router.
func routedAnswer(method string, status int) bool {
	switch {
	case status >= 200 && status <= 299:
		return true
	case method == http.MethodGet:
		return false
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return true
	}
	return passedCheck(status)
}

// capturedBy reports whether a documented operation of the probe's
// method takes its concrete path ("GET /users/v1/login" is
// "GET /users/v1/{username}" at username=login): its answer is that
// operation's.
func capturedBy(targets []*plan.Target, c *plan.Case) bool {
	concrete := learn.Segments(c.Path())
	for _, t := range targets {
		if t.Op.Method != c.Method || t.Op.Path == c.Target.Op.Path {
			continue
		}
		tmpl := learn.Segments(t.Op.Path)
		if len(tmpl) != len(concrete) {
			continue
		}
		match := true
		for i, seg := range tmpl {
			if _, param := learn.IsParam(seg); !param && seg != concrete[i] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// lastParamAtEnd reports whether the path's last segment is a parameter
// (an item path: "/notes/{id}"), and its name.
func lastParamAtEnd(path string) (string, bool) {
	segs := learn.Segments(path)
	if len(segs) == 0 {
		return "", false
	}
	return learn.IsParam(segs[len(segs)-1])
}
