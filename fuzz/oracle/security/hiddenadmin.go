package security

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// HiddenAdmin asks, at the end of the run and as the low-privilege
// identity, for the administrative twins of the spec's operations that
// the spec does not list: the path with its user segment turned into
// "admin" (/api/v2/user/videos/{id} -> /api/v2/admin/videos/{id}, crAPI's
// hidden video delete) or with "admin" after its version or api prefix
// (/api/v2/orders -> /api/v2/admin/orders). One that answers as a routed
// handler is a function-level authorization failure on an operation no
// review saw (fuzz/bfla). Writes go only at an id that cannot exist, so
// they touch nothing; GETs carry the documented operation's values.
type HiddenAdmin struct {
	cfg       Config
	templates templates
	mu        sync.Mutex
	targets   []*plan.Target
}

// NewHiddenAdmin returns the oracle.
func NewHiddenAdmin(cfg Config) *HiddenAdmin { return &HiddenAdmin{cfg: cfg} }

// Name implements oracle.Oracle.
func (*HiddenAdmin) Name() string { return "hidden-admin" }

// Rules implements oracle.Oracle.
func (*HiddenAdmin) Rules() []string { return []string{RuleBFLA} }

// Prepare implements oracle.Preparer.
func (o *HiddenAdmin) Prepare(_ context.Context, targets []*plan.Target, _ oracle.Env) {
	o.mu.Lock()
	o.targets = targets
	o.mu.Unlock()
}

// Check implements oracle.Oracle: it keeps a template per operation.
func (o *HiddenAdmin) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	if obs.Status >= 200 && obs.Status <= 299 {
		o.templates.offer(obs.Case)
	}
}

// Explores implements oracle.Explorer: its probes look for new problems.
func (*HiddenAdmin) Explores() {}

// maxAdminProbes bounds the requests of the check in a run.
const maxAdminProbes = 30

// userSegments are path segments that name the caller's own side of an
// API, whose administrative twin is the same path under "admin".
var userSegments = map[string]bool{"user": true, "users": true, "me": true, "my": true, "account": true, "accounts": true,
	"customer": true, "customers": true, "member": true, "members": true}

var prefixSegment = regexp.MustCompile(`^(?i:api|v[0-9]+(?:\.[0-9]+)?)$`)

// adminTwins are the undocumented administrative paths tried for a path:
// its first user segment replaced by "admin" (/user/videos/{id} ->
// /admin/videos/{id}), or "admin" put before it when a parameter follows
// (/users/{id} -> /admin/users/{id}); and "admin" inserted after its api or
// version prefix. A path that has an admin segment has none.
func adminTwins(path string) []string {
	segs := strings.Split(path, "/")
	for _, s := range segs {
		if strings.EqualFold(s, "admin") {
			return nil
		}
	}
	var out []string
	add := func(p string) {
		for _, have := range out {
			if have == p {
				return
			}
		}
		out = append(out, p)
	}
	for i, s := range segs {
		if !userSegments[strings.ToLower(s)] {
			continue
		}
		if i+1 < len(segs) && segs[i+1] != "" && !strings.HasPrefix(segs[i+1], "{") {
			// /user/videos/{id}: the caller's videos; admin/videos are all.
			q := append([]string(nil), segs...)
			q[i] = "admin"
			add(strings.Join(q, "/"))
		} else {
			// /users/{id}: the collection itself, under admin.
			add(strings.Join(append(append(append([]string(nil), segs[:i]...), "admin"), segs[i:]...), "/"))
		}
		break
	}
	at := 0
	for i := 1; i < len(segs) && i <= 3; i++ {
		if prefixSegment.MatchString(segs[i]) {
			at = i
		}
	}
	if at > 0 && at < len(segs)-1 {
		q := append(append(append([]string(nil), segs[:at+1]...), "admin"), segs[at+1:]...)
		add(strings.Join(q, "/"))
	}
	return out
}

// Finish implements oracle.Finisher.
func (o *HiddenAdmin) Finish(ctx context.Context, env oracle.Env) {
	low := lowPrivilege(o.cfg, env.Roster())
	if low == "" {
		env.Note(RuleBFLA, "hidden administrative paths not tried: no low-privilege identity (--low-privilege, or a sign-up operation for the run's own accounts)")
		return
	}
	o.mu.Lock()
	targets := append([]*plan.Target(nil), o.targets...)
	o.mu.Unlock()
	sort.SliceStable(targets, func(i, j int) bool { return targets[i].Index < targets[j].Index })
	paths := map[string]bool{}
	for _, t := range targets {
		paths[t.Op.Path] = true
	}
	controls := map[string]shape{}
	tried := map[string]bool{}
	sent := 0
	for _, t := range targets {
		if t.Spec == nil || t.OlderVersionOf != nil {
			continue
		}
		_, item := lastParamAtEnd(t.Op.Path)
		write := t.Op.Method != http.MethodGet
		if write && (!item || o.cfg.Safe) {
			continue // a write names no object there, or --safe
		}
		for _, path := range adminTwins(t.Op.Path) {
			key := t.Op.Method + " " + path
			if paths[path] || tried[key] {
				continue // documented (any method), or already asked
			}
			tried[key] = true
			if sent >= maxAdminProbes {
				env.Note(RuleBFLA, fmt.Sprintf("hidden administrative paths were tried for the first operations only (at most %d requests)", maxAdminProbes))
				return
			}
			c, ok := o.twinCase(t, path, low, env)
			if !ok || capturedBy(targets, c) {
				continue
			}
			control, ok := controls[c.Method]
			if !ok {
				cx, err := env.Send(ctx, noRouteCase(t, c, c.Method))
				if err != nil {
					return
				}
				sent++
				control = answerShape(cx)
				controls[c.Method] = control
			}
			x, err := env.Send(ctx, c)
			if err != nil {
				return
			}
			sent++
			if x == nil || x.Status == 0 || !routedAnswer(c.Method, x.Status) || env.Unrouted(x) || answerShape(x) == control || x.Status < 300 && mediaOf(x) == "text/html" {
				continue
			}
			at := "with the values of " + t.Key()
			if write {
				at = "at an id that cannot exist (the lookup ran, so no role check stopped it first)"
			}
			env.Report(oracle.Verdict{Rule: RuleBFLA, Exchange: x, At: c.Target, Key: "hidden",
				Message: fmt.Sprintf("%s %s, an administrative twin of %s that the spec does not list, answered %d to the low-privilege identity %s %s: a hidden privileged operation without a role check",
					c.Method, path, t.Key(), x.Status, low, at)})
		}
	}
}

// twinCase is t's template at path, as identity: a write at an id that
// cannot exist with an empty JSON object for a body.
func (o *HiddenAdmin) twinCase(t *plan.Target, path, identity string, env oracle.Env) (*plan.Case, bool) {
	c := o.templates.get(t, env)
	if c == nil {
		return nil, false
	}
	op := *t.Op
	op.Path = path
	twin := &plan.Target{API: t.API, Op: &op, Index: t.Index}
	twin.Seal()
	c.Target, c.Identity, c.Steps, c.Payload, c.Varied = twin, identity, nil, nil, ""
	c.Mutation = "the administrative twin " + path + " of " + t.Key() + ", as " + identity
	if t.Op.Method == http.MethodGet {
		return c, true
	}
	last, _ := lastParamAtEnd(path)
	var schema *openapi3.Schema
	for _, p := range t.Op.Parameters {
		if p.In == "path" && p.Name == last && p.Schema != nil {
			schema = p.Schema.Value
		}
	}
	c = withPath(c, map[string]string{last: sentinelValue(schema, env.Seed())})
	c.Sentinel = true
	c.Mutation += ", at an id that cannot exist"
	if t.Op.Method != http.MethodDelete {
		c.Body, c.ContentType = []byte("{}"), "application/json"
	}
	return c, true
}
