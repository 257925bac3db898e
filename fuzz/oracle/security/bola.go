package security

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// BOLA checks object-level authorization on every method, at the end of
// the run, with the objects and accounts the run owns:
//
//   - reads: the peer reads the default identity's object (the first it
//     created in each collection). The owner must read it and an
//     anonymous request must not; the peer's answer must name the id and
//     have the owner's shape, and the object must be private (the peer's
//     list of the collection hides it, it holds personal members, the
//     spec says only the owner may read it, or the collection is not a
//     public catalogue);
//   - writes: the peer updates it (PUT, PATCH, POST on the object and
//     below) with a marker value, and the owner reads it back: the marker
//     is the finding;
//   - deletes: the peer deletes it, and the owner then gets 404;
//   - accounts: the same on the run's victim account (a provisioned
//     account no other check uses): the peer changes its profile or its
//     password (confirmed by the owner's view, or by logging in with the
//     new password), reads it, deletes it; writes naming the account in
//     their body (PATCH /profile {"username": ...}) too.
//
// One operation refusing the peer with 403 while a sibling write on the
// same object lets it through is reported as inconsistent-authorization.
type BOLA struct {
	cfg       Config
	templates templates
	mu        sync.Mutex
	groups    []*objectOps
	targets   []*plan.Target
	// env is the run's, set when Finish starts (probes are built from
	// the examples phase's requests where the run sent none).
	env oracle.Env
	// reads keeps, per GET that names an object (a path parameter, an
	// id-like query parameter), the owner's lowest-numbered 2xx request.
	reads candidates
}

// NewBOLA returns the oracle.
func NewBOLA(cfg Config) *BOLA { return &BOLA{cfg: cfg} }

// Name implements oracle.Oracle.
func (*BOLA) Name() string { return "bola" }

// Rules implements oracle.Oracle.
func (*BOLA) Rules() []string {
	return []string{RuleBOLA, RuleInconsistentAuthz}
}

// Prepare implements oracle.Preparer.
func (o *BOLA) Prepare(_ context.Context, targets []*plan.Target, _ oracle.Env) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.groups = groupObjectOps(targets)
	o.targets = targets
}

// Extend implements oracle.Extender.
func (o *BOLA) Extend(targets []*plan.Target) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.targets = withTargets(o.targets, targets)
	o.groups = groupObjectOps(o.targets)
}

// Check implements oracle.Oracle: it keeps a template request per
// operation, and the owner's reads of objects.
func (o *BOLA) Check(_ context.Context, obs *oracle.Observation, env oracle.Env) {
	if obs.Err != nil || obs.Status == 0 || obs.Validity == oracle.Invalid {
		return
	}
	o.templates.offer(obs.Case)
	c := obs.Case
	if c.Method != http.MethodGet || !ok2xx(obs.Exchange) || c.Varied != "" || c.Payload != nil || c.RecordedURL != "" || len(namedRefs(c)) == 0 {
		return
	}
	if r := env.Roster(); r.Resolve(c.Identity) == r.Default && c.Identity != plan.NoCredentials {
		o.reads.offer(c.Target.Key(), c, "")
	}
}

// namedRefs are the values a request names objects with: its path
// parameters and its id-like query parameters.
func namedRefs(c *plan.Case) []plan.Param {
	out := append([]plan.Param(nil), c.PathParams...)
	for _, q := range c.Query {
		if n := learn.Norm(q.Name); len(n) > 2 && strings.HasSuffix(n, "id") {
			out = append(out, q)
		}
	}
	return out
}

// peerOf is the identity that must not reach the default identity's
// objects, and the owner.
func (o *BOLA) roles(env oracle.Env) (owner, peer string) {
	r := env.Roster()
	peer = o.cfg.Peer
	if peer == "" {
		peer = r.Peer
	}
	return r.Default, peer
}

// Finish implements oracle.Finisher.
func (o *BOLA) Finish(ctx context.Context, env oracle.Env) {
	o.env = env
	owner, peer := o.roles(env)
	if peer == "" || peer == owner {
		env.Note(RuleBOLA, "not run: needs a second identity (--identity twice, a second login in the config, or a sign-up operation the run can use)")
		return
	}
	o.mu.Lock()
	groups := o.groups
	o.mu.Unlock()
	st := env.State()
	victim := o.victim(env)
	probed := 0
	for _, g := range groups {
		if ctx.Err() != nil {
			return
		}
		// A path that names the victim account is tried on the account
		// (a password change is confirmed by logging in); other paths on
		// the owner's objects.
		if id, ok := accountValue(st, victim, g); ok && victim != "" {
			if err := o.probeAccount(ctx, env, g, victim, id, peer); err != nil {
				return
			}
			probed++
			continue
		}
		if objs := st.Objects(g.collection, owner); len(objs) > 0 {
			if err := o.probeObject(ctx, env, g, objs[0], owner, peer); err != nil {
				return
			}
			probed++
		}
	}
	if victim != "" {
		o.probeBodyNamed(ctx, env, victim, peer)
	}
	probed += o.replayReads(ctx, env, owner, peer)
	if probed == 0 {
		env.Note(RuleBOLA, fmt.Sprintf("no object of %s and no account of the run is named by a path: nothing to try as %s", owner, peer))
	}
}

// victim is the account the account checks change: the run's spare
// provisioned account, else the default identity's (declared test
// accounts only get non-credential writes: the safety policy says so).
func (o *BOLA) victim(env oracle.Env) string {
	r := env.Roster()
	if r.Spare != "" {
		return r.Spare
	}
	return r.Default
}

// accountCollections are the resources (singular, normalised) whose
// objects are accounts.
var accountCollections = map[string]bool{"user": true, "account": true, "member": true, "profile": true,
	"customer": true, "person": true, "people": true, "me": true, "owner": true, "identity": true}

// accountValue is the victim's identifier that a group's path parameter
// takes: a parameter named for an account (username, user_id, email), or
// a bare id (id, uuid) of an account collection (/users/{id}). The bare id
// of another collection (/notes/{id}) names one of its objects, even when
// the account's own id is also called id (a JWT's id claim).
func accountValue(st *learn.State, victim string, g *objectOps) (string, bool) {
	acc := st.Account(victim)
	if acc == nil {
		return "", false
	}
	switch learn.Norm(g.param) {
	case "id", "uuid", "guid", "key", "pk":
		if !accountCollections[learn.Resource(g.collection)] {
			return "", false
		}
	}
	for _, n := range learn.Candidates(g.param, "") {
		if v, ok := acc.IDs[n]; ok && v != "" {
			return v, true
		}
	}
	return "", false
}

// send sends a probe and reports an error only when the run is stopping.
func send(ctx context.Context, env oracle.Env, c *plan.Case) (*execute.Exchange, error) {
	x, err := env.Send(ctx, c)
	if err != nil {
		return nil, err
	}
	return x, nil
}

// call builds a probe on an operation from its template.
func (o *BOLA) call(t *plan.Target, identity string, params map[string]string, mutation string, steps ...*plan.Step) *plan.Case {
	c := withPath(o.templates.get(t, o.env), params)
	c.Identity, c.Mutation, c.Phase = identity, mutation, plan.PhaseStateful
	c.Steps = append(c.Steps, steps...)
	return c
}

// probeObject runs the read, write and delete checks on one object the
// owner created.
func (o *BOLA) probeObject(ctx context.Context, env oracle.Env, g *objectOps, obj *learn.Object, owner, peer string) error {
	id, ok := obj.KeyFor(g.param)
	if !ok {
		return nil
	}
	params := map[string]string{}
	for k, v := range obj.Params {
		params[k] = v
	}
	params[g.param] = id
	what := fmt.Sprintf("the object %s of %s created", id, owner)
	var ownerRead *execute.Exchange
	if g.read != nil {
		x, err := send(ctx, env, o.call(g.read, owner, params, "read "+what, obj.Step))
		if err != nil {
			return err
		}
		if ok2xx(x) {
			ownerRead = x
		}
	}
	if ownerRead != nil {
		if err := o.readCheck(ctx, env, g, params, id, ownerRead, owner, peer, obj.Step, "the object "+owner+" created"); err != nil {
			return err
		}
	}
	refused, through := map[string]int{}, map[string]*execute.Exchange{}
	for i, w := range g.writes {
		if i == 3 || o.cfg.Safe {
			break
		}
		c := o.call(w, peer, params, "change "+what+", as "+peer, obj.Step)
		var field string
		c.Body, field = markBody(c.Body)
		x, err := send(ctx, env, c)
		if err != nil {
			return err
		}
		switch {
		case x == nil || x.Status == 0:
		case x.Status == http.StatusForbidden || x.Status == http.StatusUnauthorized:
			refused[w.Key()] = x.Status
		case ok2xx(x):
			if g.read == nil || ownerRead == nil || field == "" {
				continue
			}
			back, err := send(ctx, env, o.call(g.read, owner, params, "read it back as "+owner, obj.Step))
			if err != nil {
				return err
			}
			if ok2xx(back) && shows(back.Body, field, c.Body) && !shows(ownerRead.Body, field, c.Body) {
				through[w.Key()] = x
				env.Report(oracle.Verdict{Rule: RuleBOLA, Exchange: x, Key: "write",
					Message: fmt.Sprintf("identity %s changed an object %s created: %s answered %d and %s then showed %s's value of %s", peer, owner, w.Key(), x.Status, g.read.Key(), peer, field)})
			}
		}
	}
	if g.del != nil && !o.cfg.Safe {
		x, err := send(ctx, env, o.call(g.del, peer, params, "delete "+what+", as "+peer, obj.Step))
		if err != nil {
			return err
		}
		switch {
		case x == nil || x.Status == 0:
		case x.Status == http.StatusForbidden || x.Status == http.StatusUnauthorized:
			refused[g.del.Key()] = x.Status
		case ok2xx(x):
			if g.read != nil && ownerRead != nil {
				after, err := send(ctx, env, o.call(g.read, owner, params, "read it back as "+owner, obj.Step))
				if err != nil {
					return err
				}
				if after != nil && (after.Status == http.StatusNotFound || after.Status == http.StatusGone) {
					through[g.del.Key()] = x
					env.Report(oracle.Verdict{Rule: RuleBOLA, Exchange: x, Key: "delete",
						Message: fmt.Sprintf("identity %s deleted an object %s created (%s answered %d; %s then got %d)", peer, owner, g.del.Key(), x.Status, owner, after.Status)})
				}
			}
		}
	}
	o.inconsistent(env, g, refused, through, peer)
	return nil
}

// replayReads replays, as the peer, the owner's reads of objects named by
// values that are the owner's: its objects and account identifiers, and
// ids only the owner's answers carried (the vehicle id its own list
// showed). Reads of item paths of collections the owner created objects
// in were probed already. It returns how many it tried.
func (o *BOLA) replayReads(ctx context.Context, env oracle.Env, owner, peer string) int {
	tried := 0
	for _, cand := range o.reads.sorted() {
		c := cand.c
		if o.probedItem(c.Target, owner) {
			continue
		}
		c = o.withOwnedRefs(env, c, owner)
		var refs []string
		mine, seen := true, false
		for _, p := range namedRefs(c) {
			m, s, err := o.ownersValue(ctx, env, p, c.Target, owner, peer)
			if err != nil {
				return tried
			}
			if !m {
				mine = false
				break
			}
			seen = seen || s
			refs = append(refs, p.Name+"="+p.Value)
		}
		if !mine || len(refs) == 0 {
			continue
		}
		tried++
		anon := withoutCredentials(c)
		anon.Mutation = "the owner's read, without credentials"
		ax, err := env.Send(ctx, anon)
		if err != nil {
			return tried
		}
		first, err := env.Send(ctx, asIdentityNamed(c, owner, "the owner's read, again"))
		if err != nil {
			return tried
		}
		if !ok2xx(first) || (ok2xx(ax) && authz.SameObject(first.Body, ax.Body, c.PathParamsValue())) {
			continue
		}
		px, err := env.Send(ctx, asIdentityNamed(c, peer, "the owner's read, as "+peer))
		if err != nil {
			return tried
		}
		if !ok2xx(px) || !sameAnswer(first.Body, px.Body, namedRefs(c)) {
			continue
		}
		why := ""
		if m := sensitiveIn(first.Body); m != "" {
			why = "it holds the personal member " + m
		} else if ownerOnly(c.Target) {
			why = "the spec says only the owner may read it"
		} else if col := collectionOf(c.Target); !seen && !publicResource(col) {
			why = "the ids were only in " + owner + "'s answers"
		}
		if why == "" {
			continue
		}
		env.Report(oracle.Verdict{Rule: RuleBOLA, Exchange: px, Key: "read",
			Message: fmt.Sprintf("identity %s read what %s read with %s (%s answered %d with the same object; %s)", peer, owner, strings.Join(refs, ", "), c.Target.Key(), px.Status, why)})
	}
	return tried
}

// withOwnedRefs puts the owner's own values (its objects, its account, the
// ids its creates answered with) in the references of a read it made with
// values of unknown ownership (a spec example): the read is replayed on
// something the owner certainly owns.
func (o *BOLA) withOwnedRefs(env oracle.Env, c *plan.Case, owner string) *plan.Case {
	st := env.State()
	out := c.Clone()
	out.Seq = c.Seq
	changed := false
	for i := range out.PathParams {
		if v, ok := st.Owned(out.PathParams[i].Name, owner); ok && v.Raw != out.PathParams[i].Value {
			out.PathParams[i].Value = v.Raw
			out.Steps = append(out.Steps, v.Step)
			changed = true
		}
	}
	for i := range out.Query {
		if n := learn.Norm(out.Query[i].Name); len(n) > 2 && strings.HasSuffix(n, "id") {
			if v, ok := st.Owned(out.Query[i].Name, owner); ok && v.Raw != out.Query[i].Value {
				out.Query[i].Value = v.Raw
				out.Steps = append(out.Steps, v.Step)
				changed = true
			}
		}
	}
	if !changed {
		return c
	}
	return out
}

// probedItem reports item reads the object probe covers.
func (o *BOLA) probedItem(t *plan.Target, owner string) bool {
	o.mu.Lock()
	groups := o.groups
	o.mu.Unlock()
	for _, g := range groups {
		if g.read == t && len(o.env.State().Objects(g.collection, owner)) > 0 {
			return true
		}
	}
	return false
}

// ownersValue reports whether a value names something of the owner's: an
// object or account of the owner, an id one of the owner's creates
// answered with, or an id another of the owner's reads carried and the
// peer's same read does not (the owner's own vehicle list). seen says
// whether the peer's answers carried it anywhere (crAPI's community posts
// show everyone's vehicle ids: the object is not public for that). It may
// send the peer's read of a source operation.
func (o *BOLA) ownersValue(ctx context.Context, env oracle.Env, p plan.Param, probed *plan.Target, owner, peer string) (mine, seen bool, err error) {
	st := env.State()
	if who := st.AccountOf(p.Name, p.Value); who != "" {
		return who == owner, false, nil
	}
	for _, col := range st.Collections() {
		if obj, ok := st.ObjectFor(col, p.Name, p.Value); ok {
			return obj.Identity == owner, false, nil
		}
	}
	// A short value ("1") is everywhere: only sightings under a name the
	// parameter takes count; a long one (a UUID) is itself the evidence.
	var sightings []learn.Value
	names := learn.Candidates(p.Name, "")
	for _, v := range st.Sightings(p.Value) {
		if len(p.Value) >= 8 && !isDigits(p.Value) || slices.Contains(names, v.Name) {
			sightings = append(sightings, v)
		}
	}
	for _, v := range sightings {
		seen = seen || slices.Contains(v.SeenBy, peer)
	}
	for _, v := range sightings {
		method, _, _ := strings.Cut(v.Source, " ")
		if v.Identity == owner && (method == http.MethodPost || method == http.MethodPut) {
			return true, seen, nil
		}
	}
	for _, v := range sightings {
		if v.Identity != owner || v.Source == probed.Key() {
			continue
		}
		src := o.target(v.Source)
		if src == nil || src.Op.Method != http.MethodGet {
			continue
		}
		c := o.templates.get(src, env)
		c.Identity, c.Phase, c.Mutation = peer, plan.PhaseStateful, "the source of an id, as "+peer
		x, err := env.Send(ctx, c)
		if err != nil {
			return false, seen, err
		}
		if ok2xx(x) && !strings.Contains(string(x.Body), p.Value) {
			return true, seen, nil
		}
	}
	return false, seen, nil
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// target finds a target by key.
func (o *BOLA) target(key string) *plan.Target {
	for _, t := range o.targets {
		if t.Key() == key {
			return t
		}
	}
	return nil
}

// sameAnswer reports whether the peer got the owner's object: the same
// shape, naming the values the request named.
func sameAnswer(owner, peer []byte, refs []plan.Param) bool {
	for _, r := range refs {
		if !authz.SameObject(owner, peer, r.Value) {
			return false
		}
	}
	return true
}

// asIdentityNamed is a replay of c as another identity.
func asIdentityNamed(c *plan.Case, identity, mutation string) *plan.Case {
	out := asIdentity(c, identity)
	out.Mutation = mutation
	return out
}

// readCheck is the read side of a BOLA probe on an object or an account.
func (o *BOLA) readCheck(ctx context.Context, env oracle.Env, g *objectOps, params map[string]string, id string, ownerRead *execute.Exchange, owner, peer string, step *plan.Step, what string) error {
	anon, err := send(ctx, env, o.call(g.read, plan.NoCredentials, params, "read "+what+" without credentials", step))
	if err != nil {
		return err
	}
	if ok2xx(anon) && authz.SameObject(ownerRead.Body, anon.Body, id) {
		return nil // public: auth-not-enforced covers secured operations
	}
	read, err := send(ctx, env, o.call(g.read, peer, params, "read "+what+", as "+peer, step))
	if err != nil {
		return err
	}
	if !ok2xx(read) || !authz.SameObject(ownerRead.Body, read.Body, id) {
		return nil
	}
	why, err := o.private(ctx, env, g, id, ownerRead, owner, peer)
	if err != nil || why == "" {
		return err
	}
	env.Report(oracle.Verdict{Rule: RuleBOLA, Exchange: read, Key: "read",
		Message: fmt.Sprintf("identity %s read %s (%s answered %d with the owner's object; %s)", peer, what, g.read.Key(), read.Status, why)})
	return nil
}

// private says why an object is meant for its owner alone, "" when
// nothing says so (a public catalogue entry is readable by design).
func (o *BOLA) private(ctx context.Context, env oracle.Env, g *objectOps, id string, ownerRead *execute.Exchange, owner, peer string) (string, error) {
	if g.list != nil {
		mine, err := send(ctx, env, o.call(g.list, owner, nil, "list "+g.collection+" as "+owner))
		if err != nil {
			return "", err
		}
		theirs, err := send(ctx, env, o.call(g.list, peer, nil, "list "+g.collection+" as "+peer))
		if err != nil {
			return "", err
		}
		if ok2xx(mine) && ok2xx(theirs) && containsID(mine.Body, id) && !containsID(theirs.Body, id) {
			return "the API hides it from " + peer + "'s list " + g.list.Key(), nil
		}
	}
	if m := sensitiveIn(ownerRead.Body); m != "" {
		return "it holds the personal member " + m, nil
	}
	if ownerOnly(g.read) {
		return "the spec says only the owner may read it", nil
	}
	if !publicResource(g.collection) {
		return "nothing marks " + g.collection + " as public", nil
	}
	return "", nil
}

// containsID reports whether a JSON answer names an id as a value: a
// string or a number equal to it, at any depth, however the answer is
// laid out. An answer that is not JSON is searched as text.
func containsID(body []byte, id string) bool {
	var doc any
	if jsonUnmarshal(body, &doc) == nil {
		return jsonHasValue(doc, id, 0)
	}
	return strings.Contains(string(body), `"`+id+`"`) || strings.Contains(string(body), ": "+id+",") ||
		strings.Contains(string(body), ":"+id+",") || strings.Contains(string(body), ":"+id+"}") || strings.Contains(string(body), ": "+id+"}")
}

func jsonHasValue(v any, id string, depth int) bool {
	if depth > 8 {
		return false
	}
	switch x := v.(type) {
	case string:
		return x == id
	case json.Number:
		return x.String() == id
	case map[string]any:
		for _, e := range x {
			if jsonHasValue(e, id, depth+1) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if jsonHasValue(e, id, depth+1) {
				return true
			}
		}
	}
	return false
}

// inconsistent reports a peer refused on one write of an object and let
// through on another (the write confirmed by reading it back). Refusals
// by operations reserved to a role are about the role, not the object,
// and do not count.
func (o *BOLA) inconsistent(env oracle.Env, g *objectOps, refused map[string]int, through map[string]*execute.Exchange, peer string) {
	for _, t := range append(append([]*plan.Target(nil), g.writes...), g.del) {
		if t == nil {
			continue
		}
		if _, privileged := privilegedOp(t); privileged {
			delete(refused, t.Key())
		}
	}
	if len(refused) == 0 || len(through) == 0 {
		return
	}
	var ref, thr []string
	for k, s := range refused {
		ref = append(ref, fmt.Sprintf("%s (%d)", k, s))
	}
	for k := range through {
		thr = append(thr, k)
	}
	sort.Strings(ref)
	sort.Strings(thr)
	env.Report(oracle.Verdict{Rule: RuleInconsistentAuthz, Exchange: through[thr[0]], Key: g.collection,
		Message: fmt.Sprintf("on one object of %s, %s refused identity %s while %s let it through", g.collection, strings.Join(ref, ", "), peer, strings.Join(thr, ", "))})
}

// probeAccount runs the checks on the victim account named by a path
// parameter (/users/{username}/password).
func (o *BOLA) probeAccount(ctx context.Context, env oracle.Env, g *objectOps, victim, id, peer string) error {
	if victim == peer {
		return nil
	}
	params := map[string]string{g.param: id}
	var steps []*plan.Step
	if acc := env.State().Account(victim); acc != nil {
		steps = acc.Steps
	}
	var victimRead *execute.Exchange
	if g.read != nil {
		x, err := send(ctx, env, o.call(g.read, victim, params, "read the account "+id+" as "+victim, steps...))
		if err != nil {
			return err
		}
		if ok2xx(x) {
			victimRead = x
			anon, err := send(ctx, env, o.call(g.read, plan.NoCredentials, params, "read the account "+id+" without credentials", steps...))
			if err != nil {
				return err
			}
			if !(ok2xx(anon) && authz.SameObject(x.Body, anon.Body, id)) {
				read, err := send(ctx, env, o.call(g.read, peer, params, "read the account "+id+" of "+victim+", as "+peer, steps...))
				if err != nil {
					return err
				}
				if ok2xx(read) && authz.SameObject(x.Body, read.Body, id) {
					if m := sensitiveIn(x.Body); m != "" {
						env.Report(oracle.Verdict{Rule: RuleBOLA, Exchange: read, Key: "account-read",
							Message: fmt.Sprintf("identity %s read the account of %s (%s answered %d with its member %s)", peer, victim, g.read.Key(), read.Status, m)})
					}
				}
			}
		}
	}
	refused, through := map[string]int{}, map[string]*execute.Exchange{}
	for i, w := range g.writes {
		if i == 4 || o.cfg.Safe {
			break
		}
		c := o.call(w, peer, params, "change the account of "+victim+", as "+peer, steps...)
		body, field := markBody(c.Body)
		newPassword := ""
		if pf := passwordField(c.Body); pf != "" {
			newPassword = fmt.Sprintf("Sp3cter-Taken-%d!", env.Seed()&0xffff)
			if b, ok := authz.SetFields(c.Body, map[string]string{pf: newPassword}); ok {
				body, field = b, pf
			}
		}
		c.Body = body
		x, err := send(ctx, env, c)
		if err != nil {
			return err
		}
		switch {
		case x == nil || x.Status == 0:
		case x.Status == http.StatusForbidden || x.Status == http.StatusUnauthorized:
			refused[w.Key()] = x.Status
		case ok2xx(x):
			confirmed, how, err := o.confirmAccountChange(ctx, env, g, params, victim, id, field, c.Body, newPassword, victimRead, steps)
			if err != nil {
				return err
			}
			if confirmed {
				through[w.Key()] = x
				env.Report(oracle.Verdict{Rule: RuleBOLA, Exchange: x, Key: "account-write",
					Message: fmt.Sprintf("identity %s changed the %s of another account (%s): %s answered %d and %s", peer, field, victim, w.Key(), x.Status, how)})
			}
		}
	}
	o.inconsistent(env, g, refused, through, peer)
	return nil
}

// confirmAccountChange reads the victim's account back after a peer's
// write: a new password logs in, a marker shows in the account's views.
func (o *BOLA) confirmAccountChange(ctx context.Context, env oracle.Env, g *objectOps, params map[string]string, victim, id, field string, sent []byte, newPassword string, before *execute.Exchange, steps []*plan.Step) (bool, string, error) {
	if newPassword != "" {
		login := o.loginTarget()
		if login == nil {
			return false, "", nil
		}
		c := o.templates.get(login, env)
		userField, passField := authz.CredentialFields(c.Body)
		if userField == "" || passField == "" {
			return false, "", nil
		}
		body, ok := authz.SetFields(c.Body, map[string]string{userField: loginName(env, victim, userField, id), passField: newPassword})
		if !ok {
			return false, "", nil
		}
		c.Body, c.Identity, c.Mutation = body, plan.NoCredentials, "log in as "+victim+" with the password another identity set"
		x, err := send(ctx, env, c)
		if err != nil {
			return false, "", err
		}
		if _, ok := authz.IssuedCredential(x.Header, x.Body); ok && authz.Judge(x.Status, x.Header, x.Body) == authz.Accepted {
			return true, "logging in as " + victim + " with the new password succeeded (account takeover)", nil
		}
		return false, "", nil
	}
	if field == "" {
		return false, "", nil
	}
	if g.read != nil && before != nil {
		back, err := send(ctx, env, o.call(g.read, victim, params, "read the account back as "+victim, steps...))
		if err != nil {
			return false, "", err
		}
		if ok2xx(back) && shows(back.Body, field, sent) && !shows(before.Body, field, sent) {
			return true, g.read.Key() + " then showed the new value", nil
		}
	}
	return o.selfViewShows(ctx, env, victim, field, sent, steps)
}

// selfViewShows reads the victim's own views (GET /me, /profile) and
// reports whether they show a written value.
func (o *BOLA) selfViewShows(ctx context.Context, env oracle.Env, victim, field string, sent []byte, steps []*plan.Step) (bool, string, error) {
	for _, t := range selfViews(o.targets) {
		back, err := send(ctx, env, o.call(t, victim, nil, "read the account back as "+victim, steps...))
		if err != nil {
			return false, "", err
		}
		if ok2xx(back) && shows(back.Body, field, sent) {
			return true, "the account's own view " + t.Key() + " then showed the new value", nil
		}
	}
	return false, "", nil
}

// probeBodyNamed tries the writes that name their account in the body,
// not the path (PATCH /profile {"username": ...}): as the peer, with the
// victim's identifiers, read back through the victim's own views.
func (o *BOLA) probeBodyNamed(ctx context.Context, env oracle.Env, victim, peer string) {
	if o.cfg.Safe || victim == peer {
		return
	}
	acc := env.State().Account(victim)
	if acc == nil {
		return
	}
	for _, t := range o.targets {
		if t.Spec == nil || strings.Contains(t.Op.Path, "{") || safeMethod(t.Op.Method) || t.Op.Method == http.MethodDelete || authz.Classify(t.Op) != authz.NotAuth {
			continue
		}
		c := o.call(t, peer, nil, "change the account of "+victim+" named in the body, as "+peer, acc.Steps...)
		set := map[string]string{}
		var obj map[string]any
		if jsonUnmarshal(c.Body, &obj) != nil {
			continue
		}
		for k := range obj {
			switch n := learn.Norm(k); n {
			case "username", "user", "login", "email", "userid":
				if v, ok := acc.IDs[n]; ok {
					set[k] = v
				} else if n == "user" || n == "login" {
					if v, ok := acc.IDs["username"]; ok {
						set[k] = v
					}
				}
			}
		}
		if len(set) == 0 || passwordField(c.Body) != "" {
			continue
		}
		body, ok := authz.SetFields(c.Body, set)
		if !ok {
			continue
		}
		avoid := make([]string, 0, len(set))
		for k := range set {
			avoid = append(avoid, k)
		}
		body, field := markBody(body, avoid...)
		if field == "" {
			continue
		}
		c.Body = body
		x, err := send(ctx, env, c)
		if err != nil {
			return
		}
		if !ok2xx(x) {
			continue
		}
		confirmed, how, err := o.selfViewShows(ctx, env, victim, field, c.Body, acc.Steps)
		if err != nil {
			return
		}
		if confirmed {
			env.Report(oracle.Verdict{Rule: RuleBOLA, Exchange: x, Key: "account-write",
				Message: fmt.Sprintf("identity %s changed the %s of another account (%s) by naming it in the body of %s: %s", peer, field, victim, t.Key(), how)})
		}
	}
}

// loginTarget is the run's login operation.
func (o *BOLA) loginTarget() *plan.Target {
	for _, t := range o.targets {
		if t.Spec != nil && authz.Classify(t.Op) == authz.Login {
			return t
		}
	}
	return nil
}

// loginName is what a login's user field takes for the victim: its
// e-mail for an e-mail field, else its user name.
func loginName(env oracle.Env, victim, field, fallback string) string {
	acc := env.State().Account(victim)
	if acc == nil {
		return fallback
	}
	if emailField(field) {
		if v := acc.IDs["email"]; v != "" {
			return v
		}
	}
	if v := acc.IDs["username"]; v != "" {
		return v
	}
	return fallback
}

// passwordField names a JSON body's password member.
func passwordField(body []byte) string {
	var obj map[string]any
	if jsonUnmarshal(body, &obj) != nil {
		return ""
	}
	for k := range obj {
		if n := learn.Norm(k); strings.Contains(n, "password") || n == "passwd" || n == "pwd" {
			return k
		}
	}
	return ""
}

// selfViews are the GET operations that show the caller's account.
func selfViews(targets []*plan.Target) []*plan.Target {
	var out []*plan.Target
	for _, t := range targets {
		if t.Spec == nil || t.Op.Method != http.MethodGet || strings.Contains(t.Op.Path, "{") {
			continue
		}
		p := " " + strings.Join(strings.FieldsFunc(strings.ToLower(t.Op.Path), func(r rune) bool { return r < 'a' || r > 'z' }), " ") + " "
		for _, w := range []string{" me ", " profile ", " whoami ", " current ", " self ", " account ", " dashboard "} {
			if strings.Contains(p, w) {
				out = append(out, t)
				break
			}
		}
	}
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}
