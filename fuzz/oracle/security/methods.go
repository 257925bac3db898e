package security

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// UndocumentedMethods asks, at the end of the run, every path of the spec
// for the methods it does not document, as the default identity, and
// reports those the target routes to a handler: shadow operations that
// frameworks add on their own (a generated CRUD controller, a REST
// resource, a viewset) and that no review of the spec sees. DELETE, PUT,
// PATCH and POST are only asked for at an id that cannot exist (the path
// must end in a parameter), so they touch nothing; GET anywhere, with the
// values the run used for the path's documented operations.
//
// A method is routed when it answers 2xx (not an HTML page), or, for a
// write at an id that cannot exist, the lookup's 404, 409 or 410 or a
// validation 400 or 422, in a shape that is neither the framework's
// answer to a path no route matches nor its answer to the same method at
// such a path; 401, 403, 405 and 501 never count, nor a concrete path a
// documented operation of the method takes ("GET /users/v1/login" is
// "GET /users/v1/{username}").
type UndocumentedMethods struct {
	cfg       Config
	templates templates
	mu        sync.Mutex
	targets   []*plan.Target
}

// NewUndocumentedMethods returns the oracle.
func NewUndocumentedMethods(cfg Config) *UndocumentedMethods { return &UndocumentedMethods{cfg: cfg} }

// Name implements oracle.Oracle.
func (*UndocumentedMethods) Name() string { return "undocumented-methods" }

// Rules implements oracle.Oracle.
func (*UndocumentedMethods) Rules() []string { return []string{RuleUndocumentedMethod} }

// Prepare implements oracle.Preparer.
func (o *UndocumentedMethods) Prepare(_ context.Context, targets []*plan.Target, _ oracle.Env) {
	o.mu.Lock()
	o.targets = targets
	o.mu.Unlock()
}

// Check implements oracle.Oracle: it keeps a template per operation.
func (o *UndocumentedMethods) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	if obs.Status >= 200 && obs.Status <= 299 {
		o.templates.offer(obs.Case)
	}
}

// maxMethodProbes bounds the requests of the check in a run.
const maxMethodProbes = 40

// probedMethods are the methods asked for, in order.
var probedMethods = []string{http.MethodGet, http.MethodDelete, http.MethodPut, http.MethodPatch, http.MethodPost}

// Explores implements oracle.Explorer: its probes look for new problems.
func (*UndocumentedMethods) Explores() {}

// Finish implements oracle.Finisher.
func (o *UndocumentedMethods) Finish(ctx context.Context, env oracle.Env) {
	o.mu.Lock()
	targets := o.targets
	o.mu.Unlock()
	type pathItem struct {
		path    string
		methods map[string]*plan.Target
		first   *plan.Target
	}
	byPath := map[string]*pathItem{}
	var paths []string
	for _, t := range targets {
		if t.Spec == nil || t.OlderVersionOf != nil {
			continue // Postman requests have no path item; older versions are not the spec's
		}
		p := byPath[t.Op.Path]
		if p == nil {
			p = &pathItem{path: t.Op.Path, methods: map[string]*plan.Target{}}
			byPath[t.Op.Path] = p
			paths = append(paths, t.Op.Path)
		}
		p.methods[t.Op.Method] = t
		if p.first == nil || t.Index < p.first.Index {
			p.first = t
		}
	}
	sort.Strings(paths)
	sent := 0
	// controls are the target's answers to each method at a path no
	// route matches: a catch-all that answers every path (a front end's
	// page, a gateway's JSON) answers the probes the same.
	controls := map[string]shape{}
	for _, path := range paths {
		p := byPath[path]
		_, item := lastParamAtEnd(path)
		documented := make([]string, 0, len(p.methods))
		for m := range p.methods {
			documented = append(documented, m)
		}
		sort.Strings(documented)
		for _, m := range probedMethods {
			if p.methods[m] != nil || m != http.MethodGet && (!item || o.cfg.Safe) {
				continue
			}
			if sent >= maxMethodProbes {
				env.Note(RuleUndocumentedMethod, fmt.Sprintf("undocumented methods were asked for on the first paths only (at most %d requests)", maxMethodProbes))
				return
			}
			c, ok := o.probe(p.first, m, env)
			if !ok || capturedBy(targets, c) {
				continue
			}
			control, ok := controls[m]
			if !ok {
				cx, err := env.Send(ctx, noRouteCase(p.first, c, m))
				if err != nil {
					return
				}
				sent++
				control = answerShape(cx)
				controls[m] = control
			}
			x, err := env.Send(ctx, c)
			if err != nil {
				return
			}
			sent++
			if x == nil || x.Status == 0 || !routedAnswer(m, x.Status) || env.Unrouted(x) || answerShape(x) == control || x.Status < 300 && mediaOf(x) == "text/html" {
				continue
			}
			at := "at an id that cannot exist"
			if m == http.MethodGet {
				at = "with the values of the documented operations"
			}
			env.Report(oracle.Verdict{Rule: RuleUndocumentedMethod, Exchange: x, At: c.Target,
				Message: fmt.Sprintf("%s %s answered %d %s, not as the framework answers a request it does not route, though the spec documents only %s there: a shadow operation",
					m, path, x.Status, at, strings.Join(documented, ", "))})
		}
	}
}

// shape is what compares an answer with the control's: status, media
// type and the body's structure, the path and method it quotes left out.
type shape struct {
	status      int
	media, body string
}

func mediaOf(x *execute.Exchange) string {
	m, _, _ := mime.ParseMediaType(x.Header.Get("Content-Type"))
	return strings.ToLower(m)
}

func answerShape(x *execute.Exchange) shape {
	if x == nil || x.Status == 0 {
		return shape{}
	}
	body := string(x.Body)
	if x.Request != nil {
		body = strings.ReplaceAll(body, x.Request.URL.EscapedPath(), "<path>")
		body = strings.ReplaceAll(body, x.Request.URL.Path, "<path>")
		body = strings.ReplaceAll(body, x.Request.Method+" <path>", "<method> <path>")
	}
	return shape{x.Status, mediaOf(x), authz.Shape([]byte(body))}
}

// noRouteCase is probe c sent to a path no API routes.
func noRouteCase(t *plan.Target, c *plan.Case, method string) *plan.Case {
	op := surface.Operation{Method: method, Path: "/specter-no-such-route/specter-no-such-route", Location: t.Op.Location}
	nt := &plan.Target{API: t.API, Op: &op, Index: t.Index}
	nt.Seal()
	out := c.Clone()
	out.Target, out.PathParams, out.Query = nt, nil, nil
	out.Mutation = "the method " + method + " at a path no route matches, to know the framework's own answer"
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
	concrete := strings.Split(strings.TrimSuffix(c.Path(), "/"), "/")
	for _, t := range targets {
		if t.Op.Method != c.Method || t.Op.Path == c.Target.Op.Path {
			continue
		}
		tmpl := strings.Split(strings.TrimSuffix(t.Op.Path, "/"), "/")
		if len(tmpl) != len(concrete) {
			continue
		}
		match := true
		for i, seg := range tmpl {
			if seg != concrete[i] && !(strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}")) {
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
// (an item path: "/notes/{id}").
func lastParamAtEnd(path string) (string, bool) {
	segs := strings.Split(strings.TrimSuffix(path, "/"), "/")
	last := segs[len(segs)-1]
	if strings.HasPrefix(last, "{") && strings.HasSuffix(last, "}") {
		return strings.Trim(last, "{}"), true
	}
	return "", false
}

// probe is the request for method at the path of t: t's template (its
// path values, query and credentials), the method changed, as the
// default identity; writes at an id that cannot exist with an empty JSON
// object, GET with the template's own values.
func (o *UndocumentedMethods) probe(t *plan.Target, method string, env oracle.Env) (*plan.Case, bool) {
	c := o.templates.get(t, env)
	if c == nil {
		return nil, false
	}
	op := *t.Op
	op.Method = method
	shadow := &plan.Target{API: t.API, Op: &op, Index: t.Index}
	shadow.Seal()
	c.Target, c.Method, c.Identity, c.Steps = shadow, method, "", nil
	c.Body, c.ContentType, c.Payload, c.Varied = nil, "", nil, ""
	c.Mutation = "the undocumented method " + method + ", to learn whether the target routes it"
	if method == http.MethodGet {
		return c, true
	}
	last, _ := lastParamAtEnd(t.Op.Path)
	var schema *openapi3.Schema
	for _, p := range t.Op.Parameters {
		if p.In == "path" && p.Name == last && p.Schema != nil {
			schema = p.Schema.Value
		}
	}
	c = withPath(c, map[string]string{last: sentinelValue(schema, env.Seed())})
	c.Sentinel = true
	c.Mutation = "the undocumented method " + method + " at an id that cannot exist, to learn whether the target routes it"
	if method != http.MethodDelete {
		c.Body, c.ContentType = []byte("{}"), "application/json"
	}
	return c, true
}
