package security

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/internal/schema"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// MassAssignment checks, at the end of the run, whether creates and
// updates of the default identity's own objects honour members only the
// server should write. The candidates are the members the read operation
// documents but the create or update does not take (or marks readOnly)
// that name server state (status, price, total, balance, verified, owner,
// ...): each is sent with a value the object does not have (another
// member of its enumeration, a near-zero price, a large balance, true for
// a flag), and the object is read back. A value the read shows is the
// finding: the server binds request bodies onto its models.
type MassAssignment struct {
	cfg       Config
	templates templates
	mu        sync.Mutex
	targets   []*plan.Target
}

// NewMassAssignment returns the oracle.
func NewMassAssignment(cfg Config) *MassAssignment { return &MassAssignment{cfg: cfg} }

// Name implements oracle.Oracle.
func (*MassAssignment) Name() string { return "mass-assignment" }

// Rules implements oracle.Oracle.
func (*MassAssignment) Rules() []string { return []string{RuleMassAssignment} }

// Prepare implements oracle.Preparer.
func (o *MassAssignment) Prepare(_ context.Context, targets []*plan.Target, _ oracle.Env) {
	o.mu.Lock()
	o.targets = targets
	o.mu.Unlock()
}

// Extend implements oracle.Extender.
func (o *MassAssignment) Extend(targets []*plan.Target) {
	o.mu.Lock()
	o.targets = withTargets(o.targets, targets)
	o.mu.Unlock()
}

// Check implements oracle.Oracle.
func (o *MassAssignment) Check(_ context.Context, obs *oracle.Observation, env oracle.Env) {
	if ok2xx(obs.Exchange) && obs.Validity != oracle.Invalid {
		r := env.Roster()
		if r.Resolve(obs.Case.Identity) == r.Default {
			o.templates.offer(obs.Case)
		}
	}
}

// serverState are the member names (normalised) that name state the
// server keeps: a client sending them is the attack.
var serverState = map[string]bool{
	"status": true, "state": true, "price": true, "finalprice": true, "totalprice": true, "total": true, "amount": true,
	"cost": true, "fee": true, "discount": true, "balance": true, "credit": true, "credits": true, "points": true,
	"verified": true, "isverified": true, "approved": true, "isapproved": true, "paid": true, "ispaid": true,
	"refunded": true, "owner": true, "ownerid": true, "userid": true, "createdby": true, "authorid": true,
	"conversionparams": true, "internal": true, "flags": true, "tier": true, "plan": true, "premium": true,
	"ispremium": true, "active": true, "isactive": true, "locked": true, "level": true, "score": true,
}

// candidate is a member to send and the value to send it with.
type assignment struct {
	name  string
	value any
}

// candidates lists the server-owned members of a resource's objects that
// an operation's request does not take.
func (o *MassAssignment) candidates(write, read *plan.Target, current map[string]any) []assignment {
	reqProps, _ := schema.RequestProps(write)
	takes := map[string]bool{}
	for k, s := range reqProps {
		if s == nil || !s.ReadOnly {
			takes[learn.Norm(k)] = true
		}
	}
	var out []assignment
	props := schema.ResponseProps(read)
	for k, s := range reqProps {
		if s != nil && s.ReadOnly {
			props[k] = s
		}
	}
	for _, name := range props.Names() {
		s := props[name]
		n := learn.Norm(name)
		if takes[n] || s == nil || n == "id" || strings.HasSuffix(n, "at") && strings.Contains(n, "ed") {
			continue
		}
		if !(s.ReadOnly || serverState[n]) {
			continue
		}
		if v, ok := assignValue(n, s, current[n]); ok {
			out = append(out, assignment{name, v})
		}
	}
	if len(out) > 6 {
		out = out[:6]
	}
	return out
}

// assignValue is a value a server-owned member does not have: another
// enumeration member, a near-zero price, a large balance, the opposite
// flag, a marker string.
func assignValue(n string, s *openapi3.Schema, current any) (any, bool) {
	cur := fmt.Sprint(current)
	switch {
	case len(s.Enum) > 0:
		for i := len(s.Enum) - 1; i >= 0; i-- {
			if fmt.Sprint(s.Enum[i]) != cur {
				return s.Enum[i], true
			}
		}
		return nil, false
	case s.Type == nil:
	case s.Type.Is("boolean"):
		return current != true, true
	case s.Type.Is("integer") || s.Type.Is("number"):
		// Two values, the second for an object that has the first: a
		// read showing the value the object already had proves nothing.
		var vs [2]any
		switch {
		case strings.Contains(n, "price") || strings.Contains(n, "total") || strings.Contains(n, "cost") || strings.Contains(n, "amount") || n == "fee":
			vs = [2]any{0.01, 0.02}
			if s.Type.Is("integer") {
				vs = [2]any{1, 2}
			}
		case strings.HasSuffix(n, "id"):
			return nil, false // another owner's id: the BOLA checks' business
		default:
			vs = [2]any{987654, 987653}
		}
		if current != nil && numEqual(current, vs[0]) {
			return vs[1], true
		}
		return vs[0], true
	case s.Type.Is("string"):
		if strings.HasSuffix(n, "id") || s.Format != "" {
			return nil, false
		}
		return "specter-assigned", true
	}
	return nil, false
}

// Finish implements oracle.Finisher.
func (o *MassAssignment) Finish(ctx context.Context, env oracle.Env) {
	if o.cfg.Safe {
		return
	}
	owner := env.Roster().Default
	o.mu.Lock()
	groups := groupObjectOps(o.targets)
	targets := o.targets
	o.mu.Unlock()
	st := env.State()
	for _, g := range groups {
		if g.read == nil || ctx.Err() != nil {
			continue
		}
		objs := st.Objects(g.collection, owner)
		if len(objs) == 0 {
			continue
		}
		obj := objs[0]
		// Creates of the collection.
		for _, t := range targets {
			if t.Spec == nil || t.Op.Method != http.MethodPost && t.Op.Method != http.MethodPut || strings.Contains(t.Op.Path, "{") || learn.CollectionOfCreate(t.Op.Path) != g.collection {
				continue
			}
			if err := o.tryCreate(ctx, env, t, g, obj, owner); err != nil {
				return
			}
		}
		// Updates of the object.
		for _, t := range g.writes {
			if t.Op.Method == http.MethodPost || !strings.HasSuffix(t.Op.Path, "{"+g.param+"}") {
				continue
			}
			if err := o.tryUpdate(ctx, env, t, g, obj, owner); err != nil {
				return
			}
		}
	}
}

// readBack reads an object as the owner and flattens the answer.
func (o *MassAssignment) readBack(ctx context.Context, env oracle.Env, g *objectOps, params map[string]string, owner string, steps ...*plan.Step) (*execute.Exchange, map[string]any, error) {
	c := withPath(o.templates.get(g.read, env), params)
	c.Identity, c.Phase, c.Mutation = owner, plan.PhaseStateful, "read the object back"
	c.Steps = append(c.Steps, steps...)
	x, err := env.Send(ctx, c)
	if err != nil || !ok2xx(x) {
		return x, nil, err
	}
	var doc any
	if jsonUnmarshal(x.Body, &doc) != nil {
		return x, nil, nil
	}
	flat := map[string]any{}
	flattenMembers(doc, flat, 0)
	return x, flat, nil
}

// flattenMembers collects the scalar members of an answer by normalised
// name, the shallowest occurrence first.
func flattenMembers(v any, out map[string]any, depth int) {
	obj, ok := v.(map[string]any)
	if !ok || depth > 3 {
		return
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, have := out[learn.Norm(k)]; !have {
			out[learn.Norm(k)] = obj[k]
		}
	}
	for _, k := range keys {
		flattenMembers(obj[k], out, depth+1)
	}
}

func paramsOf(obj *learn.Object, param string) (map[string]string, bool) {
	id, ok := obj.KeyFor(param)
	if !ok {
		return nil, false
	}
	params := map[string]string{param: id}
	for k, v := range obj.Params {
		params[k] = v
	}
	return params, true
}

// withMembers adds members to a JSON object body.
func withMembers(body []byte, as []assignment) ([]byte, bool) {
	obj := map[string]any{}
	if len(bytes.TrimSpace(body)) > 0 && jsonUnmarshal(body, &obj) != nil {
		return nil, false
	}
	for _, a := range as {
		obj[a.name] = a.value
	}
	out, err := json.Marshal(obj)
	return out, err == nil
}

// honoured lists the members the read shows with the sent value.
func honoured(flat map[string]any, as []assignment) []string {
	var out []string
	for _, a := range as {
		got, ok := flat[learn.Norm(a.name)]
		if !ok {
			continue
		}
		if fmt.Sprint(got) == fmt.Sprint(a.value) || numEqual(got, a.value) {
			out = append(out, fmt.Sprintf("%s=%v", a.name, a.value))
		}
	}
	return out
}

func numEqual(a, b any) bool {
	var x, y float64
	if _, err := fmt.Sscan(fmt.Sprint(a), &x); err != nil {
		return false
	}
	if _, err := fmt.Sscan(fmt.Sprint(b), &y); err != nil {
		return false
	}
	return x == y
}

// tryCreate creates an object with server-owned members and reads it back.
func (o *MassAssignment) tryCreate(ctx context.Context, env oracle.Env, t *plan.Target, g *objectOps, baseline *learn.Object, owner string) error {
	params, ok := paramsOf(baseline, g.param)
	if !ok {
		return nil
	}
	_, current, err := o.readBack(ctx, env, g, params, owner, baseline.Step)
	if err != nil || current == nil {
		return err
	}
	as := o.candidates(t, g.read, current)
	if len(as) == 0 {
		return nil
	}
	c := o.templates.get(t, env)
	body, ok := withMembers(c.Body, as)
	if !ok {
		return nil
	}
	c.Body, c.Identity, c.Phase = body, owner, plan.PhaseStateful
	c.Mutation = "create an object with server-owned members " + names(as)
	x, err := env.Send(ctx, c)
	if err != nil || !ok2xx(x) {
		return err
	}
	var answer any
	_ = jsonUnmarshal(x.Body, &answer)
	id, ok := learn.CreatedID(x, answer, g.param)
	if !ok {
		return nil
	}
	params[g.param] = id
	step := plan.NewStep("create an object with server-owned members ("+t.Key()+")", owner, x.Request, x.RequestBody, x.Status)
	back, flat, err := o.readBack(ctx, env, g, params, owner, step)
	if err != nil || flat == nil {
		return err
	}
	if got := honoured(flat, as); len(got) > 0 {
		env.Report(oracle.Verdict{Rule: RuleMassAssignment, Exchange: back, At: t,
			Message: fmt.Sprintf("%s honoured server-owned members sent by the client: %s then showed %s", t.Key(), g.read.Key(), strings.Join(got, ", "))})
	}
	return nil
}

// tryUpdate updates the owner's object with server-owned members and
// reads it back.
func (o *MassAssignment) tryUpdate(ctx context.Context, env oracle.Env, t *plan.Target, g *objectOps, obj *learn.Object, owner string) error {
	params, ok := paramsOf(obj, g.param)
	if !ok {
		return nil
	}
	_, current, err := o.readBack(ctx, env, g, params, owner, obj.Step)
	if err != nil || current == nil {
		return err
	}
	as := o.candidates(t, g.read, current)
	if len(as) == 0 {
		return nil
	}
	c := withPath(o.templates.get(t, env), params)
	body, ok := withMembers(c.Body, as)
	if !ok {
		return nil
	}
	c.Body, c.Identity, c.Phase = body, owner, plan.PhaseStateful
	c.Mutation = "update the identity's object with server-owned members " + names(as)
	c.Steps = append(c.Steps, obj.Step)
	x, err := env.Send(ctx, c)
	if err != nil || !ok2xx(x) {
		return err
	}
	step := plan.NewStep("update it with server-owned members ("+t.Key()+")", owner, x.Request, x.RequestBody, x.Status, obj.Step)
	back, flat, err := o.readBack(ctx, env, g, params, owner, step)
	if err != nil || flat == nil {
		return err
	}
	if got := honoured(flat, as); len(got) > 0 {
		env.Report(oracle.Verdict{Rule: RuleMassAssignment, Exchange: back, At: t,
			Message: fmt.Sprintf("%s honoured server-owned members sent by the client: %s then showed %s", t.Key(), g.read.Key(), strings.Join(got, ", "))})
	}
	return nil
}

func names(as []assignment) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.name
	}
	return strings.Join(out, ", ")
}
