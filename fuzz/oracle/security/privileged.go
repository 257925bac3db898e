package security

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// privilegedOp says why an operation is meant for administrators: its
// path, operation id, tags or scopes (authz.Privileged), or its summary
// and description ("Only Admins may delete users").
func privilegedOp(t *plan.Target) (string, bool) {
	if why, ok := authz.Privileged(t.Op); ok {
		return why, true
	}
	if t.Spec != nil {
		if why, ok := authz.PrivilegedExtension(t.Spec.Extensions); ok {
			return why, true
		}
		if t.PathItem != nil {
			if why, ok := authz.PrivilegedExtension(t.PathItem.Extensions); ok {
				return why, true
			}
		}
		return authz.PrivilegedText(t.Spec.Summary, t.Spec.Description)
	}
	return authz.PrivilegedText(t.Op.Summary, "")
}

// lowPrivilege is the identity that must not call privileged operations:
// the configured one, else the roster's, else the default identity when
// it is an account the run signed up (a fresh sign-up has no privileges).
func lowPrivilege(cfg Config, r oracle.Roster) string {
	switch {
	case cfg.LowPrivilege != "":
		return cfg.LowPrivilege
	case r.LowPrivilege != "":
		return r.LowPrivilege
	case r.Default != "" && r.IsProvisioned(r.Default):
		return r.Default
	}
	return ""
}

// BFLA checks function-level authorization: a privileged operation (an
// admin path, tag, operation id or scope, or documentation that reserves
// it to a role) that answers 2xx to the low-privilege identity. With a
// privileged default identity, the lowest-numbered request it got 2xx
// for is replayed as the low-privilege identity at the end of the run;
// when the low-privilege identity is the default one (an account the run
// signed up), its own 2xx answers are the finding. Writes only touch what
// the safety policy allows: objects the run created.
type BFLA struct {
	cfg       Config
	cands     candidates
	templates templates
	mu        sync.Mutex
	targets   []*plan.Target
}

// NewBFLA returns the oracle.
func NewBFLA(cfg Config) *BFLA { return &BFLA{cfg: cfg} }

// Name implements oracle.Oracle.
func (*BFLA) Name() string { return "bfla" }

// Rules implements oracle.Oracle.
func (*BFLA) Rules() []string { return []string{RuleBFLA} }

// Prepare implements oracle.Preparer.
func (o *BFLA) Prepare(_ context.Context, targets []*plan.Target, env oracle.Env) {
	o.mu.Lock()
	o.targets = targets
	o.mu.Unlock()
	for _, t := range targets {
		if _, ok := privilegedOp(t); ok {
			return
		}
	}
	env.Note(RuleBFLA, "not run: no operation looks privileged (admin path, tag, operation id, scope or documentation)")
}

// Extend implements oracle.Extender.
func (o *BFLA) Extend(targets []*plan.Target) {
	o.mu.Lock()
	o.targets = withTargets(o.targets, targets)
	o.mu.Unlock()
}

// Check implements oracle.Oracle.
func (o *BFLA) Check(_ context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	if x.Status != 0 {
		o.templates.offer(x.Case)
	}
	if !ok2xx(x) || obs.Validity == oracle.Invalid || x.Case.Payload != nil || (o.cfg.Safe && !safeMethod(x.Case.Method)) {
		return
	}
	why, ok := privilegedOp(obs.Target())
	if !ok {
		return
	}
	r := env.Roster()
	low := lowPrivilege(o.cfg, r)
	who := r.Resolve(x.Case.Identity)
	switch {
	case low == "":
	case who == low:
		env.Report(oracle.Verdict{Rule: RuleBFLA, Exchange: x,
			Message: fmt.Sprintf("%s is privileged (%s) and answered %d to the low-privilege identity %s", obs.Target().Key(), why, x.Status, low)})
	case who == r.Default && x.Case.Identity != plan.NoCredentials:
		o.cands.offer(obs.Target().Key(), x.Case, why)
	}
}

// Finish implements oracle.Finisher.
func (o *BFLA) Finish(ctx context.Context, env oracle.Env) {
	r := env.Roster()
	low := lowPrivilege(o.cfg, r)
	if low == "" {
		env.Note(RuleBFLA, "not run: no low-privilege identity (--low-privilege NAME, or a sign-up operation the run can use)")
		return
	}
	if err := o.onOwnObjects(ctx, env, low); err != nil {
		return
	}
	if low == r.Default {
		return // its own answers were judged as they came
	}
	for _, cand := range o.cands.sorted() {
		got, err := env.Send(ctx, asIdentity(cand.c, low))
		if err != nil {
			return
		}
		if ok2xx(got) {
			env.Report(oracle.Verdict{Rule: RuleBFLA, Exchange: got,
				Message: fmt.Sprintf("%s is privileged (%s) and answered %d to the low-privilege identity %s", cand.key, cand.extra, got.Status, low)})
		}
	}
}

// onOwnObjects sends the privileged writes and deletes of an object as the
// low-privilege identity, on an object another identity of the run
// created (an escalated account's menu item): the run owns it, so the
// safety policy lets the call go, and a 2xx is function-level access the
// role should have denied.
func (o *BFLA) onOwnObjects(ctx context.Context, env oracle.Env, low string) error {
	o.mu.Lock()
	targets := o.targets
	o.mu.Unlock()
	st := env.State()
	for _, t := range targets {
		why, privileged := privilegedOp(t)
		if !privileged || !destructiveItem(t) || t.Spec == nil || o.cfg.Safe {
			continue
		}
		param, _ := lastParam(t.Op.Path)
		col, _ := learn.ParamCollection(t.Op.Path, param)
		// Another identity's object first; the low-privilege identity's
		// own object through an administrative route is as telling.
		var obj *learn.Object
		for _, cand := range st.Objects(col, "") {
			if obj == nil || (obj.Identity == low && cand.Identity != low) {
				obj = cand
			}
		}
		if obj == nil {
			continue
		}
		id, ok := obj.KeyFor(param)
		if !ok {
			continue
		}
		params := map[string]string{param: id}
		for k, v := range obj.Params {
			params[k] = v
		}
		c := withPath(o.templates.get(t, env), params)
		c.Identity, c.Phase, c.Mutation = low, plan.PhaseStateful, "an object "+obj.Identity+" created, as "+low
		c.Steps = append(c.Steps, obj.Step)
		x, err := env.Send(ctx, c)
		if err != nil {
			return err
		}
		if ok2xx(x) {
			env.Report(oracle.Verdict{Rule: RuleBFLA, Exchange: x,
				Message: fmt.Sprintf("%s is privileged (%s) and answered %d to the low-privilege identity %s on an object %s created", t.Key(), why, x.Status, low, obj.Identity)})
		}
	}
	return nil
}

// AuthAfterLookup probes destructive operations without touching
// anything: at an id that cannot exist, a DELETE, PUT or PATCH is sent
// without credentials (when the spec secures it) and as the low-privilege
// identity (when the spec reserves it to a role). A correct API refuses
// with 401 or 403 before it looks anything up; a 404, 409, 410 or 2xx
// shows that the check runs after the lookup or does not exist. When the
// caller was refused with 403 on a sibling write of the same collection
// (POST /menu) and the probe passes the check on this one
// (DELETE /menu/{id} answers 404), the two disagree: inconsistent
// authorization.
type AuthAfterLookup struct {
	cfg       Config
	templates templates
	mu        sync.Mutex
	// refused maps a collection to the writes the default identity got
	// 403 on, with the status.
	refused map[string]map[string]bool
	targets []*plan.Target
}

// NewAuthAfterLookup returns the oracle.
func NewAuthAfterLookup(cfg Config) *AuthAfterLookup { return &AuthAfterLookup{cfg: cfg} }

// Name implements oracle.Oracle.
func (*AuthAfterLookup) Name() string { return "auth-after-lookup" }

// Rules implements oracle.Oracle.
func (*AuthAfterLookup) Rules() []string {
	return []string{RuleAuthAfterLookup, RuleInconsistentAuthz, RuleBFLA}
}

// Prepare implements oracle.Preparer.
func (o *AuthAfterLookup) Prepare(_ context.Context, targets []*plan.Target, _ oracle.Env) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refused = map[string]map[string]bool{}
	o.targets = targets
}

// Extend implements oracle.Extender.
func (o *AuthAfterLookup) Extend(targets []*plan.Target) {
	o.mu.Lock()
	o.targets = withTargets(o.targets, targets)
	o.mu.Unlock()
}

// Check implements oracle.Oracle.
func (o *AuthAfterLookup) Check(_ context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	if x.Err != nil || x.Status == 0 {
		return
	}
	t := obs.Target()
	o.templates.offer(x.Case)
	o.mu.Lock()
	defer o.mu.Unlock()
	r := env.Roster()
	if x.Status == http.StatusForbidden && !safeMethod(t.Op.Method) && r.Resolve(x.Case.Identity) == r.Default && x.Case.Identity != plan.NoCredentials {
		col := collectionOf(t)
		if o.refused[col] == nil {
			o.refused[col] = map[string]bool{}
		}
		o.refused[col][t.Key()] = true
	}
}

// collectionOf is the collection an operation acts on: the path before
// its last parameter, or the path of a create.
func collectionOf(t *plan.Target) string {
	if p, ok := lastParam(t.Op.Path); ok {
		col, _ := learn.ParamCollection(t.Op.Path, p)
		return col
	}
	if t.Op.Method == http.MethodPost {
		return learn.CollectionOfCreate(t.Op.Path)
	}
	return strings.TrimSuffix(t.Op.Path, "/")
}

// Finish implements oracle.Finisher.
func (o *AuthAfterLookup) Finish(ctx context.Context, env oracle.Env) {
	if o.cfg.Safe {
		env.Note(RuleAuthAfterLookup, "not run: --safe sends no DELETE, PUT or PATCH")
		return
	}
	r := env.Roster()
	low := lowPrivilege(o.cfg, r)
	o.mu.Lock()
	targets := o.targets
	o.mu.Unlock()
	for _, t := range targets {
		if t.Spec == nil || !destructiveItem(t) {
			continue
		}
		o.mu.Lock()
		siblings := o.refused[collectionOf(t)]
		o.mu.Unlock()
		if authz.Secured(t.Op) {
			x, err := env.Send(ctx, o.sentinel(t, plan.NoCredentials, env))
			if err != nil {
				return
			}
			if passedCheck(x.Status) && !env.Unrouted(x) {
				env.Report(oracle.Verdict{Rule: RuleAuthAfterLookup, Exchange: x, Key: "anonymous",
					Message: fmt.Sprintf("%s answered %d without credentials at an id that cannot exist: authentication runs after the lookup, or not at all (a secured operation must answer 401 first)", t.Key(), x.Status)})
				continue
			}
		}
		why, privileged := privilegedOp(t)
		if privileged && low != "" {
			x, err := env.Send(ctx, o.sentinel(t, low, env))
			if err != nil {
				return
			}
			if passedCheck(x.Status) && !env.Unrouted(x) {
				env.Report(oracle.Verdict{Rule: RuleAuthAfterLookup, Exchange: x, Key: "low-privilege",
					Message: fmt.Sprintf("%s is privileged (%s) yet answered %d to the low-privilege identity %s at an id that cannot exist: the role check runs after the lookup, or not at all", t.Key(), why, x.Status, low)})
				// The function itself is reachable by an ordinary user: with
				// an existing id the call would have done its work.
				env.Report(oracle.Verdict{Rule: RuleBFLA, Exchange: x, Key: "sentinel",
					Message: fmt.Sprintf("%s is privileged (%s) and let the low-privilege identity %s past its authorization (%d at an id that cannot exist, where a role check answers 403); shown without touching any object", t.Key(), why, low, x.Status)})
			}
		}
		if len(siblings) > 0 && !siblings[t.Key()] && r.Default != "" {
			x, err := env.Send(ctx, o.sentinel(t, "", env))
			if err != nil {
				return
			}
			if passedCheck(x.Status) && !env.Unrouted(x) {
				refusedBy := make([]string, 0, len(siblings))
				for k := range siblings {
					refusedBy = append(refusedBy, k)
				}
				sort.Strings(refusedBy)
				env.Report(oracle.Verdict{Rule: RuleInconsistentAuthz, Exchange: x, Key: collectionOf(t),
					Message: fmt.Sprintf("%s refused %s with 403, yet %s let it past the check (it answered %d at an id that cannot exist)", strings.Join(refusedBy, ", "), r.Default, t.Key(), x.Status)})
			}
		}
	}
}

// destructiveItem reports DELETE, PUT and PATCH operations on a path with
// a parameter.
func destructiveItem(t *plan.Target) bool {
	switch t.Op.Method {
	case http.MethodDelete, http.MethodPut, http.MethodPatch:
		return strings.Contains(t.Op.Path, "{")
	}
	return false
}

// passedCheck reports answers that only come after the authorization
// check: the lookup's 404 or 410, a conflict, or success. Validation
// errors (400, 422) may come first legitimately; 401, 403 are the check.
func passedCheck(status int) bool {
	switch {
	case status >= 200 && status <= 299:
		return true
	case status == http.StatusNotFound || status == http.StatusGone || status == http.StatusConflict:
		return true
	}
	return false
}

// sentinel is the operation's request with its last path parameter set
// to an id that cannot exist (of the parameter's type) and its other
// parameters kept, sent as identity.
func (o *AuthAfterLookup) sentinel(t *plan.Target, identity string, env oracle.Env) *plan.Case {
	c := o.templates.get(t, env)
	last, _ := lastParam(t.Op.Path)
	params := map[string]string{}
	for _, p := range t.Op.Parameters {
		if p.In != "path" {
			continue
		}
		var schema *openapi3.Schema
		if p.Schema != nil {
			schema = p.Schema.Value
		}
		if p.Name == last || paramValueOf(c, p.Name) == "" {
			params[p.Name] = sentinelValue(schema, env.Seed())
		}
	}
	c = withPath(c, params)
	c.Identity, c.Sentinel, c.Phase = identity, true, plan.PhaseStateful
	who := identity
	switch who {
	case "":
		who = "the default identity"
	case plan.NoCredentials:
		who = "no credentials"
	}
	c.Mutation = "at an id that cannot exist, as " + who
	if identity == plan.NoCredentials {
		c = withoutCredentials(c)
		c.Sentinel = true
	}
	return c
}

func paramValueOf(c *plan.Case, name string) string {
	for _, p := range c.PathParams {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// sentinelValue is a value of a parameter's type that names no object: a
// large integer that still fits a 32-bit column (databases answer 500 to
// ids beyond their integer type) within the schema's bounds, a nil-like
// UUID, a tagged string.
func sentinelValue(s *openapi3.Schema, seed int64) string {
	if s != nil && s.Type != nil {
		switch {
		case s.Type.Is("integer") || s.Type.Is("number"):
			v := int64(2147480001)
			if s.Max != nil && float64(v) > *s.Max {
				v = int64(math.Floor(*s.Max))
			}
			return fmt.Sprint(v)
		case s.Format == "uuid":
			return fmt.Sprintf("00000000-0000-4000-8000-%012x", uint64(seed)&0xffffffffffff|0xf00000000000)
		}
	}
	return fmt.Sprintf("specter-missing-%d", seed&0xffffff)
}
