package security

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/rules"
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
	lists     map[*plan.Target]bool
}

// NewBOLA returns the oracle.
func NewBOLA(cfg Config) *BOLA { return &BOLA{cfg: cfg} }

// Name implements oracle.Oracle.
func (*BOLA) Name() string { return "bola" }

// Rules implements oracle.Oracle.
func (*BOLA) Rules() []string {
	return []string{rules.RuleFuzzBOLA, rules.RuleFuzzInconsistentAuthz}
}

// Prepare implements oracle.Preparer.
func (o *BOLA) Prepare(_ context.Context, targets []*plan.Target, _ oracle.Env) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.groups = groupObjectOps(targets)
	o.targets = targets
}

// Check implements oracle.Oracle: it keeps a template request per
// operation.
func (o *BOLA) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	if obs.Err != nil || obs.Status == 0 || obs.Validity == oracle.Invalid {
		return
	}
	o.templates.offer(obs.Case)
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
	owner, peer := o.roles(env)
	if peer == "" || peer == owner {
		env.Note(rules.RuleFuzzBOLA, "not run: needs a second identity (--identity twice, a second login in the config, or a sign-up operation the run can use)")
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
		if id, ok := accountValue(st, victim, g.param); ok && victim != "" {
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
	if probed == 0 {
		env.Note(rules.RuleFuzzBOLA, fmt.Sprintf("no object of %s and no account of the run is named by a path: nothing to try as %s", owner, peer))
	}
}

// victim is the account the account checks change: the run's spare
// provisioned account, else the default identity's (declared test
// accounts only get non-credential writes: the safety policy says so).
func (o *BOLA) victim(env oracle.Env) string {
	r := env.Roster()
	for _, p := range r.Provisioned {
		if strings.HasSuffix(p, "-v") {
			return p
		}
	}
	return r.Default
}

// accountValue is the victim's identifier that a parameter takes.
func accountValue(st *learn.State, victim, param string) (string, bool) {
	acc := st.Account(victim)
	if acc == nil {
		return "", false
	}
	for _, n := range learn.Candidates(param, "") {
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
	c := withPath(o.templates.get(t), params)
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
				env.Report(oracle.Verdict{Rule: rules.RuleFuzzBOLA, Exchange: x, Key: "write",
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
					env.Report(oracle.Verdict{Rule: rules.RuleFuzzBOLA, Exchange: x, Key: "delete",
						Message: fmt.Sprintf("identity %s deleted an object %s created (%s answered %d; %s then got %d)", peer, owner, g.del.Key(), x.Status, owner, after.Status)})
				}
			}
		}
	}
	o.inconsistent(env, g, refused, through, peer)
	return nil
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
	env.Report(oracle.Verdict{Rule: rules.RuleFuzzBOLA, Exchange: read, Key: "read",
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

// containsID reports whether a JSON answer names an id as a value.
func containsID(body []byte, id string) bool {
	return strings.Contains(string(body), `"`+id+`"`) || strings.Contains(string(body), ": "+id+",") ||
		strings.Contains(string(body), ":"+id+",") || strings.Contains(string(body), ":"+id+"}") || strings.Contains(string(body), ": "+id+"}")
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
	env.Report(oracle.Verdict{Rule: rules.RuleFuzzInconsistentAuthz, Exchange: through[thr[0]], Key: g.collection,
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
						env.Report(oracle.Verdict{Rule: rules.RuleFuzzBOLA, Exchange: read, Key: "account-read",
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
				env.Report(oracle.Verdict{Rule: rules.RuleFuzzBOLA, Exchange: x, Key: "account-write",
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
		c := o.templates.get(login)
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
			env.Report(oracle.Verdict{Rule: rules.RuleFuzzBOLA, Exchange: x, Key: "account-write",
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
