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

// BOLA checks object-level authorization with two identities: when the
// default identity creates an object (a 2xx POST naming the new id), the
// object's item operations are called, once per collection, by the owner
// (GET must succeed), without credentials (must fail, or the object is
// public) and by the peer identity: a peer GET that returns the owner's
// object is reported, and so is a peer DELETE that succeeds.
type BOLA struct {
	cfg  Config
	once onceSet
	mu   sync.Mutex
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

// Check implements oracle.Oracle.
func (o *BOLA) Check(ctx context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	peer := o.cfg.peer()
	if peer == "" || !ok2xx(x) || x.Case.Method != http.MethodPost || !o.cfg.isDefault(x.Case.Identity) || x.Case.RecordedURL != "" {
		return
	}
	col := strings.TrimSuffix(x.Case.Target.Op.Path, "/")
	o.mu.Lock()
	items, param := o.items[col], o.param[col]
	o.mu.Unlock()
	if items == nil || items[http.MethodGet] == nil {
		return
	}
	id := createdID(x)
	if id == "" || !o.once.first(col) {
		return
	}
	call := func(method, identity string) (*execute.Exchange, error) {
		c := &plan.Case{Seq: x.Case.Seq, Phase: x.Case.Phase, Target: items[method], Method: method,
			PathParams: append(append([]plan.Param(nil), x.Case.PathParams...), plan.Param{Name: param, Value: id}),
			Identity:   identity, Mutation: "object " + id + " created by the default identity"}
		return env.Send(ctx, c)
	}
	owner, err := call(http.MethodGet, "")
	if err != nil || !ok2xx(owner) {
		return
	}
	if anon, err := call(http.MethodGet, plan.NoCredentials); err != nil || ok2xx(anon) {
		return // a public object is not a BOLA (auth-not-enforced covers secured ones)
	}
	read, err := call(http.MethodGet, peer)
	if err != nil {
		return
	}
	if ok2xx(read) && authz.SameObject(owner.Body, read.Body, id) {
		env.Report(oracle.Verdict{Rule: rules.RuleFuzzBOLA, Exchange: read, Key: "read",
			Message: fmt.Sprintf("identity %s read object %s that the default identity created (GET %s/{%s} answered %d with the owner's object)", peer, id, col, param, read.Status)})
	}
	if o.cfg.Safe || items[http.MethodDelete] == nil {
		return
	}
	del, err := call(http.MethodDelete, peer)
	if err != nil || !ok2xx(del) {
		return
	}
	after, err := call(http.MethodGet, "")
	if err != nil || ok2xx(after) {
		return // the DELETE answered 2xx but the object is still there
	}
	env.Report(oracle.Verdict{Rule: rules.RuleFuzzBOLA, Exchange: del, Key: "delete",
		Message: fmt.Sprintf("identity %s deleted object %s that the default identity created (DELETE %s/{%s} answered %d; the owner then got %d)", peer, id, col, param, del.Status, after.Status)})
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

// BFLA replays, once per privileged operation (admin path, tag, operation
// id or scope) the default identity called with 2xx, the request as the
// low-privilege identity, and reports a 2xx.
type BFLA struct {
	cfg  Config
	once onceSet
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
func (o *BFLA) Check(ctx context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	low := o.cfg.LowPrivilege
	if low == "" || o.cfg.isDefault(low) || !ok2xx(x) || !o.cfg.isDefault(x.Case.Identity) || obs.Validity == oracle.Invalid {
		return
	}
	if o.cfg.Safe && !safeMethod(x.Case.Method) {
		return
	}
	why, ok := authz.Privileged(obs.Target().Op)
	if !ok || !o.once.first(obs.Target().Key()) {
		return
	}
	got, err := env.Send(ctx, asIdentity(x.Case, low))
	if err != nil || !ok2xx(got) {
		return
	}
	env.Report(oracle.Verdict{Rule: rules.RuleFuzzBFLA, Exchange: got,
		Message: fmt.Sprintf("%s is privileged (%s) and answered %d to the low-privilege identity %s", obs.Target().Key(), why, got.Status, low)})
}
