package security

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/rules"
)

// BOLA checks object-level authorization with two identities: for the
// first object the default identity created in each collection (a 2xx POST
// naming the new id), at the end of the run, the object's item operations
// are called by the owner
// (GET must succeed), without credentials (must fail, or the object is
// public) and by the peer identity: a peer GET that returns the owner's
// object is reported, and so is a peer DELETE that succeeds.
type BOLA struct {
	cfg   Config
	cands candidates
	mu    sync.Mutex
	// items maps a collection path ("/notes") to its item operations
	// ("/notes/{id}") by method.
	items map[string]map[string]*plan.Target
	param map[string]string // collection -> the item path's last parameter
}

// NewBOLA returns the oracle.
func NewBOLA(cfg Config) *BOLA { return &BOLA{cfg: cfg} }

// Name implements oracle.Oracle.
func (*BOLA) Name() string { return "bola" }

// Rules implements oracle.Oracle.
func (*BOLA) Rules() []string { return []string{rules.RuleFuzzBOLA} }

// itemOf splits "/notes/{id}" into "/notes" and "id".
func itemOf(path string) (collection, param string, ok bool) {
	i := strings.LastIndex(path, "/{")
	if i < 0 || !strings.HasSuffix(path, "}") {
		return "", "", false
	}
	return path[:i], path[i+2 : len(path)-1], true
}

// Prepare implements oracle.Preparer.
func (o *BOLA) Prepare(_ context.Context, targets []*plan.Target, env oracle.Env) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.items = map[string]map[string]*plan.Target{}
	o.param = map[string]string{}
	for _, t := range targets {
		if col, p, ok := itemOf(t.Op.Path); ok && t.Op.Auth == nil {
			if o.items[col] == nil {
				o.items[col] = map[string]*plan.Target{}
			}
			o.items[col][t.Op.Method] = t
			o.param[col] = p
		}
	}
	if o.cfg.peer() == "" {
		env.Note(rules.RuleFuzzBOLA, "not run: needs a second identity (--identity twice, or a second login in the config)")
	}
}

// Check implements oracle.Oracle: it keeps, per collection, the
// lowest-numbered creation by the default identity.
func (o *BOLA) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	x := obs.Exchange
	if o.cfg.peer() == "" || !ok2xx(x) || x.Case.Method != http.MethodPost || !o.cfg.isDefault(x.Case.Identity) || x.Case.RecordedURL != "" {
		return
	}
	col := strings.TrimSuffix(x.Case.Target.Op.Path, "/")
	o.mu.Lock()
	items := o.items[col]
	o.mu.Unlock()
	if items == nil || items[http.MethodGet] == nil {
		return
	}
	if id := createdID(x); id != "" {
		o.cands.offer(col, x.Case, id)
	}
}

// Finish implements oracle.Finisher.
func (o *BOLA) Finish(ctx context.Context, env oracle.Env) {
	peer := o.cfg.peer()
	for _, cand := range o.cands.sorted() {
		if err := o.probe(ctx, env, peer, cand); err != nil {
			return
		}
	}
}

// probe runs the owner/anonymous/peer sequence on one collection's
// object. It returns an error only when the run is stopping.
func (o *BOLA) probe(ctx context.Context, env oracle.Env, peer string, cand candidate) error {
	col, created, id := cand.key, cand.c, cand.extra
	o.mu.Lock()
	items, param := o.items[col], o.param[col]
	o.mu.Unlock()
	call := func(method, identity, id string) (*execute.Exchange, error) {
		c := &plan.Case{Seq: created.Seq, Phase: created.Phase, Target: items[method], Method: method,
			PathParams: append(append([]plan.Param(nil), created.PathParams...), plan.Param{Name: param, Value: id}),
			Identity:   identity, Mutation: "an object created by the default identity"}
		return env.Send(ctx, c)
	}
	owner, err := call(http.MethodGet, "", id)
	if err != nil {
		return err
	}
	if !ok2xx(owner) {
		// The run deleted it since: create a fresh one the same way.
		again, err := env.Send(ctx, created.Clone())
		if err != nil {
			return err
		}
		if id = createdID(again); !ok2xx(again) || id == "" {
			return nil
		}
		if owner, err = call(http.MethodGet, "", id); err != nil {
			return err
		}
		if !ok2xx(owner) {
			return nil
		}
	}
	anon, err := call(http.MethodGet, plan.NoCredentials, id)
	if err != nil {
		return err
	}
	if ok2xx(anon) {
		return nil // a public object is not a BOLA (auth-not-enforced covers secured ones)
	}
	read, err := call(http.MethodGet, peer, id)
	if err != nil {
		return err
	}
	if ok2xx(read) && authz.SameObject(owner.Body, read.Body, id) {
		env.Report(oracle.Verdict{Rule: rules.RuleFuzzBOLA, Exchange: read, Key: "read",
			Message: fmt.Sprintf("identity %s read an object the default identity created (GET %s/{%s} answered %d with the owner's object)", peer, col, param, read.Status)})
	}
	if o.cfg.Safe || items[http.MethodDelete] == nil {
		return nil
	}
	del, err := call(http.MethodDelete, peer, id)
	if err != nil {
		return err
	}
	if !ok2xx(del) {
		return nil
	}
	after, err := call(http.MethodGet, "", id)
	if err != nil {
		return err
	}
	if !ok2xx(after) {
		env.Report(oracle.Verdict{Rule: rules.RuleFuzzBOLA, Exchange: del, Key: "delete",
			Message: fmt.Sprintf("identity %s deleted an object the default identity created (DELETE %s/{%s} answered %d; the owner then got %d)", peer, col, param, del.Status, after.Status)})
	}
	return nil
}

// createdID finds the id of a created object: an id member of a JSON
// object answer, else the last segment of the Location header.
func createdID(x *execute.Exchange) string {
	var obj map[string]any
	if jsonUnmarshal(x.Body, &obj) == nil {
		for _, k := range []string{"id", "ID", "Id", "_id", "uuid"} {
			switch v := obj[k].(type) {
			case string:
				if v != "" && !strings.ContainsAny(v, "/?#") {
					return v
				}
			case fmt.Stringer: // json.Number
				return v.String()
			}
		}
	}
	if loc := strings.TrimSuffix(x.Header.Get("Location"), "/"); loc != "" {
		if i := strings.LastIndex(loc, "/"); i >= 0 && i < len(loc)-1 {
			return loc[i+1:]
		}
	}
	return ""
}

// BFLA replays, at the end of the run and once per privileged operation
// (admin path, tag, operation id or scope) the default identity called
// with 2xx, the lowest-numbered such request as the low-privilege
// identity, and reports a 2xx.
type BFLA struct {
	cfg   Config
	cands candidates
}

// NewBFLA returns the oracle.
func NewBFLA(cfg Config) *BFLA { return &BFLA{cfg: cfg} }

// Name implements oracle.Oracle.
func (*BFLA) Name() string { return "bfla" }

// Rules implements oracle.Oracle.
func (*BFLA) Rules() []string { return []string{rules.RuleFuzzBFLA} }

// Prepare implements oracle.Preparer.
func (o *BFLA) Prepare(_ context.Context, targets []*plan.Target, env oracle.Env) {
	switch {
	case o.cfg.LowPrivilege == "":
		env.Note(rules.RuleFuzzBFLA, "not run: no low-privilege identity named (--low-privilege NAME)")
	case o.cfg.isDefault(o.cfg.LowPrivilege):
		env.Note(rules.RuleFuzzBFLA, "not run: the low-privilege identity is the default identity; declare a privileged identity first")
	default:
		for _, t := range targets {
			if _, ok := authz.Privileged(t.Op); ok {
				return
			}
		}
		env.Note(rules.RuleFuzzBFLA, "not run: no operation looks privileged (admin path, tag, operation id or scope)")
	}
}

// Check implements oracle.Oracle.
func (o *BFLA) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	x := obs.Exchange
	low := o.cfg.LowPrivilege
	if low == "" || o.cfg.isDefault(low) || !ok2xx(x) || !o.cfg.isDefault(x.Case.Identity) || obs.Validity == oracle.Invalid {
		return
	}
	if o.cfg.Safe && !safeMethod(x.Case.Method) {
		return
	}
	if why, ok := authz.Privileged(obs.Target().Op); ok {
		o.cands.offer(obs.Target().Key(), x.Case, why)
	}
}

// Finish implements oracle.Finisher.
func (o *BFLA) Finish(ctx context.Context, env oracle.Env) {
	low := o.cfg.LowPrivilege
	for _, cand := range o.cands.sorted() {
		got, err := env.Send(ctx, asIdentity(cand.c, low))
		if err != nil {
			return
		}
		if ok2xx(got) {
			env.Report(oracle.Verdict{Rule: rules.RuleFuzzBFLA, Exchange: got,
				Message: fmt.Sprintf("%s is privileged (%s) and answered %d to the low-privilege identity %s", cand.key, cand.extra, got.Status, low)})
		}
	}
}
