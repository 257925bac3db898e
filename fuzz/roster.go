package fuzz

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/internal/accounts"
	"github.com/specterhq/specter/fuzz/jwt"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// Names of the accounts the run signs up: the default identity, its
// peer, and the victim the account checks change (password, profile,
// deletion) so that the other two stay usable.
var provisionedNames = []string{"specter-a", "specter-b", "specter-v"}

// EscalationName is the account the run signs up to try server-owned
// fields on; when one is honoured it becomes the roster's Escalated.
const EscalationName = "specter-c"

// setRoster computes who the run's identities are: the default is the
// first identity (declared ones come before provisioned ones); the peer is
// the one named by Config.Peer, else the next identity; the low-privilege
// identity is Config.LowPrivilege, else, when the default is a declared
// account, the first account the run signed up (a fresh sign-up has no
// privileges).
func (e *Engine) setRoster(provisioned ...string) {
	e.rosterMu.Lock()
	defer e.rosterMu.Unlock()
	r := &e.roster
	r.Provisioned = append(r.Provisioned, provisioned...)
	if spare := provisionedNames[len(provisionedNames)-1]; contains(r.Provisioned, spare) {
		r.Spare = spare
	}
	r.Names = e.ids.Names()
	if len(r.Names) > 0 {
		r.Default = r.Names[0]
	}
	r.Peer = e.cfg.Peer
	if r.Peer == "" {
		for _, n := range r.Names[min(1, len(r.Names)):] {
			if !strings.HasPrefix(n, EscalationName) {
				r.Peer = n
				break
			}
		}
	}
	r.LowPrivilege = e.cfg.LowPrivilege
	if r.LowPrivilege == "" && r.Default != "" && !contains(r.Provisioned, r.Default) {
		for _, p := range r.Provisioned {
			if p != r.Peer || len(r.Provisioned) == 1 {
				r.LowPrivilege = p
				break
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// escalated records the account whose server-owned fields were honoured.
func (e *Engine) escalated(name string) {
	e.rosterMu.Lock()
	e.roster.Escalated = name
	e.rosterMu.Unlock()
}

// learnDeclared records the declared identities as the run's accounts,
// with the identifying claims of their tokens (sub, username, email,
// user_id): parameters such as {username} then take the caller's own
// value. Logins of login identities happen here, as they would on first
// use.
func (e *Engine) learnDeclared(ctx context.Context) {
	for _, name := range e.ids.Names() {
		src, err := e.ids.Source(name)
		if err != nil {
			continue
		}
		req := &http.Request{Header: http.Header{}, URL: e.exec.Target()}
		ids := map[string]string{}
		if err := src.Apply(ctx, req); err == nil {
			for k, v := range claimsOf(req) {
				ids[k] = v
			}
		}
		e.state.AddAccount(name, false, ids)
	}
}

// claimsOf reads the identifying claims of the JWTs a request carries in
// its Authorization header or cookies.
func claimsOf(req *http.Request) map[string]string {
	var candidates []string
	if a := req.Header.Get("Authorization"); a != "" {
		_, tok, _ := strings.Cut(a, " ")
		candidates = append(candidates, strings.TrimSpace(tok))
	}
	for _, c := range req.Cookies() {
		candidates = append(candidates, c.Value)
	}
	for _, vs := range req.Header {
		candidates = append(candidates, vs...)
	}
	out := map[string]string{}
	for _, cand := range candidates {
		t, err := jwt.Parse(cand)
		if err != nil {
			continue
		}
		acc := &accounts.Account{Claims: t.Claims}
		for k, v := range acc.IDs() {
			out[k] = v
		}
		break
	}
	return out
}

// provision signs up and logs in the run's own accounts when the spec has
// a sign-up and a login operation; it says in the notes what it did. It
// returns an error only when the run must stop.
func (e *Engine) provision(ctx context.Context, targets []*plan.Target) error {
	flows, why := accounts.DetectAll(targets)
	if len(flows) == 0 {
		e.Note("accounts", "no accounts signed up: "+why)
		return nil
	}
	flow := flows[0]
	p, ok := e.provisioner(flow)
	if !ok {
		e.Note("accounts", "no accounts signed up: the sign-up or login operation has no request body to build")
		return nil
	}
	var made []string
	for i, name := range provisionedNames {
		acc, _, err := p.Provision(ctx, name, i, nil)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			e.Note("accounts", fmt.Sprintf("account %s not signed up: %v", name, err))
			break
		}
		if err := e.ids.Add(name, acc.Source); err != nil {
			return err
		}
		e.state.AddAccount(name, true, acc.IDs(), acc.SignUp, acc.Login)
		made = append(made, name)
	}
	e.setRoster(made...)
	if len(made) > 0 {
		e.Note("accounts", fmt.Sprintf("signed up %s through %s and logged in through %s", strings.Join(made, ", "), flow.SignUp.Key(), flow.Login.Key()))
	}
	if len(made) == 0 || e.escalate(ctx, p, targets, EscalationName, len(provisionedNames), false) {
		return nil
	}
	// The API's other sign-ups (vAPI has one per challenge) may bind what
	// the first does not: each is tried with server-owned fields too.
	for i, f := range flows[1:] {
		if i == maxOtherSignUps || ctx.Err() != nil {
			break
		}
		if q, ok := e.provisioner(f); ok && e.escalate(ctx, q, targets, fmt.Sprintf("%s-%d", EscalationName, i+2), otherSignUpIndex*(i+1), true) {
			break
		}
	}
	return nil
}

// maxOtherSignUps bounds the other sign-up operations escalation is tried
// through; otherSignUpIndex spaces their accounts' indexes (a name and an
// e-mail per index) from the first flow's.
const (
	maxOtherSignUps  = 3
	otherSignUpIndex = 100
)

// provisioner is the run's account maker for one sign-up flow.
func (e *Engine) provisioner(flow *accounts.Flow) (*accounts.Provisioner, bool) {
	signUp, ok1 := e.gen.Example(flow.SignUp)
	login, ok2 := e.gen.Example(flow.Login)
	if !ok1 || !ok2 {
		return nil, false
	}
	return &accounts.Provisioner{Flow: flow, SignUpCase: signUp, LoginCase: login, Send: sender{e}, Seed: e.cfg.Generate.Seed, Secret: e.addRunSecret}, true
}

// escalate signs up more accounts with server-owned fields (through p's
// sign-up, as name) and keeps the one that gained a privilege as the
// escalated identity; it reports whether one did. signUpOnly leaves the
// account updates out.
func (e *Engine) escalate(ctx context.Context, p *accounts.Provisioner, targets []*plan.Target, name string, index int, signUpOnly bool) bool {
	r := e.Roster()
	var added []string
	res := p.Escalate(ctx, accounts.EscalationConfig{
		Name: name, Index: index, Baseline: r.Default, Targets: targets, SignUpOnly: signUpOnly,
		Example: e.gen.Example, Report: e.Report,
		Chain: func(identity string, steps ...*plan.Step) { e.state.AddAccount(identity, true, nil, steps...) },
		Register: func(acc *accounts.Account) error {
			if err := e.ids.Add(acc.Identity, acc.Source); err != nil {
				return err
			}
			e.state.AddAccount(acc.Identity, true, acc.IDs(), acc.SignUp, acc.Login)
			added = append(added, acc.Identity)
			return nil
		},
	})
	e.setRoster(added...)
	if res != nil && res.Privileged && res.Account != nil {
		e.escalated(res.Account.Identity)
		e.Note("accounts", fmt.Sprintf("%s gained privileges (%s): operations the default identity was refused are sent as %s from now on", res.Account.Identity, res.Why, res.Account.Identity))
		return true
	}
	return false
}

// sender is the engine as the accounts' sender: requests are sent,
// counted, learned from and shown to the oracles like generated ones.
type sender struct{ e *Engine }

func (s sender) Send(ctx context.Context, c *plan.Case) (*execute.Exchange, error) {
	return s.e.handle(ctx, c)
}

// stepsOf are the earlier exchanges a finding's reproducer shows: what
// the case's values came from, and the sign-up and login of every
// account the run provisioned that sends one of them (the case's own
// identity first).
func (e *Engine) stepsOf(c *plan.Case) []*plan.Step {
	seq := plan.Sequence(c.Steps...)
	var accounts []*plan.Step
	seen := map[string]bool{}
	add := func(identity string) {
		if identity == plan.NoCredentials || seen[identity] {
			return
		}
		seen[identity] = true
		if acc := e.state.Account(identity); acc != nil && acc.Provisioned {
			accounts = append(accounts, acc.Steps...)
		}
	}
	add(e.resolve(c.Identity))
	for _, st := range seq {
		add(e.resolve(st.Identity))
	}
	return plan.Sequence(append(accounts, seq...)...)
}

var _ oracle.Env = (*Engine)(nil)
