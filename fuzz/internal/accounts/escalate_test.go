package accounts

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/oracle/security"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/internal/testserver/fastapilike"
	"github.com/specterhq/specter/internal/testserver/springlike"
)

// escalation runs Escalate against a test server after signing up the
// run's ordinary account, specter-a.
type escalation struct {
	r       *rig
	p       *Provisioner
	targets []*plan.Target
	res     *EscalationResult

	mu         sync.Mutex
	registered []string
	chained    map[string][]*plan.Step
}

func escalate(t *testing.T, ts testServer, secure bool) *escalation {
	t.Helper()
	e := &escalation{r: newRig(t, ts.handler(secure, nil)), targets: targetsOf(t, ts.file, ts.spec), chained: map[string][]*plan.Step{}}
	e.p = e.r.provisioner(e.targets)
	base, _, err := e.p.Provision(context.Background(), "specter-a", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.r.ids.Add("specter-a", base.Source); err != nil {
		t.Fatal(err)
	}
	e.res = e.p.Escalate(context.Background(), EscalationConfig{
		Name: "specter-c", Index: 3, Baseline: "specter-a", Targets: e.targets,
		Register: func(acc *Account) error {
			e.mu.Lock()
			e.registered = append(e.registered, acc.Identity)
			e.mu.Unlock()
			return e.r.ids.Add(acc.Identity, acc.Source)
		},
		Example: e.r.gen.Example,
		Report:  e.r.report,
		Chain: func(identity string, steps ...*plan.Step) {
			e.mu.Lock()
			e.chained[identity] = append(e.chained[identity], steps...)
			e.mu.Unlock()
		},
	})
	return e
}

// findings are the verdicts of a rule, by the operation they are at.
func (e *escalation) findings(rule string) map[string]oracle.Verdict {
	out := map[string]oracle.Verdict{}
	for _, v := range e.r.verdicts {
		if v.Rule == rule {
			out[v.At.Key()] = v
		}
	}
	return out
}

func (e *escalation) as(t *testing.T, key, identity string, params ...plan.Param) (int, string) {
	t.Helper()
	tg := target(t, e.targets, key)
	c := &plan.Case{Target: tg, Method: tg.Op.Method, Identity: identity, PathParams: params}
	x, err := e.r.exec.Do(context.Background(), c)
	if err != nil || x.Err != nil {
		t.Fatalf("%s as %s: %v %v", key, identity, err, x.Err)
	}
	return x.Status, string(x.Body)
}

func TestEscalateFlasklikeRegisterAdmin(t *testing.T) {
	e := escalate(t, testServers[0], false)
	if e.res == nil || !e.res.Privileged || e.res.Account == nil {
		t.Fatalf("Escalate = %+v, want the admin flag honoured on the sign-up", e.res)
	}
	if e.res.Why != "admin sent on POST /users/v1/register" {
		t.Errorf("Why = %q", e.res.Why)
	}
	esc := e.res.Account.Identity
	if !reflect.DeepEqual(e.registered, []string{esc}) {
		t.Errorf("registered %v, want only %s", e.registered, esc)
	}
	if e.res.Account.Fields["admin"] != true {
		t.Errorf("the sign-up sent %v", e.res.Account.Fields)
	}
	got := e.findings(RulePrivilegeEscalation)
	v, ok := got["POST /users/v1/register"]
	if len(got) != 1 || !ok {
		t.Fatalf("privilege escalation findings at %v", keys(got))
	}
	if !strings.Contains(v.Message, "admin=true") || v.Exchange == nil || v.Exchange.Case.Target.Key() != "GET /me" || v.Exchange.Case.Identity != esc {
		t.Errorf("finding %q on %+v", v.Message, v.Exchange)
	}
	if m := e.findings(security.RuleMassAssignment); len(m) != 0 {
		t.Errorf("mass assignment findings at %v", keys(m))
	}
	// The account is an admin: it may delete users, the ordinary one
	// may not.
	if status, body := e.as(t, "DELETE /users/v1/{username}", "specter-a", plan.Param{Name: "username", Value: "name2"}); status != 401 {
		t.Errorf("the ordinary account deleted a user: %d %s", status, body)
	}
	if status, body := e.as(t, "DELETE /users/v1/{username}", esc, plan.Param{Name: "username", Value: "name2"}); status != 200 {
		t.Errorf("the escalated account could not delete a user: %d %s", status, body)
	}
}

func TestEscalateFastapilikeRoleUpdates(t *testing.T) {
	e := escalate(t, testServers[1], false)
	if e.res == nil || !e.res.Privileged || e.res.Account == nil {
		t.Fatalf("Escalate = %+v, want a role granted by an update", e.res)
	}
	got := e.findings(RulePrivilegeEscalation)
	for _, op := range []string{"PATCH /profile", "PUT /users/update_role"} {
		v, ok := got[op]
		if !ok {
			t.Errorf("no privilege escalation at %s (findings at %v)", op, keys(got))
			continue
		}
		if !strings.Contains(v.Message, "role") || v.Exchange.Case.Target.Key() != "GET /profile" {
			t.Errorf("%s: %q read through %s", op, v.Message, v.Exchange.Case.Target.Key())
		}
		if !strings.Contains(e.res.Why, "role through "+op) {
			t.Errorf("Why = %q, does not name %s", e.res.Why, op)
		}
	}
	if len(got) != 2 {
		t.Errorf("privilege escalation findings at %v, want PATCH /profile and PUT /users/update_role", keys(got))
	}
	// The roles the spec documents: PATCH /profile takes any, Chef
	// first; update_role refuses Chef and grants Employee.
	if v := got["PATCH /profile"]; !strings.Contains(v.Message, `role="Chef"`) {
		t.Errorf("PATCH /profile: %q", v.Message)
	}
	if v := got["PUT /users/update_role"]; !strings.Contains(v.Message, `role="Employee"`) {
		t.Errorf("PUT /users/update_role: %q", v.Message)
	}
	// The escalated account is the one that reached the top role.
	esc := e.res.Account.Identity
	status, body := e.as(t, "GET /profile", esc)
	if status != 200 || !strings.Contains(body, `"role":"Chef"`) {
		t.Errorf("GET /profile as %s: %d %s", esc, status, body)
	}
	if _, body := e.as(t, "GET /profile", "specter-a"); !strings.Contains(body, `"role":"Customer"`) {
		t.Errorf("the ordinary account changed: %s", body)
	}
	// The updates that granted the roles are chained to the accounts.
	if len(e.chained[esc]) != 1 || e.chained[esc][0].Method != "PATCH" {
		t.Errorf("steps chained to %s: %v", esc, e.chained[esc])
	}
	if len(e.chained) != 2 {
		t.Errorf("steps chained to %d accounts, want 2", len(e.chained))
	}
	// Every update went out as an account of its own, none as the
	// baseline.
	for _, x := range e.r.sent() {
		if m := x.Case.Method; (m == "PUT" || m == "PATCH") && (x.Case.Identity == "specter-a" || x.Case.Identity == "") {
			t.Errorf("%s sent as %q", x.Case.Target.Key(), x.Case.Identity)
		}
	}
}

func TestEscalateReportsNothingWhenSecure(t *testing.T) {
	cases := []struct {
		ts     testServer
		secure bool
	}{
		{testServers[0], true},
		{testServers[1], true},
		{testServers[2], true},
		// crAPI's sign-up ignores the role, and it has no update of
		// the account.
		{testServers[2], false},
	}
	for _, c := range cases {
		name := c.ts.name
		if c.secure {
			name += "/secure"
		}
		t.Run(name, func(t *testing.T) {
			e := escalate(t, c.ts, c.secure)
			if e.res == nil {
				t.Fatal("Escalate = nil: no account view found")
			}
			if e.res.Privileged || e.res.Why != "" {
				t.Errorf("Escalate = %+v", e.res)
			}
			for _, v := range e.r.verdicts {
				t.Errorf("%s at %s: %s", v.Rule, v.At.Key(), v.Message)
			}
			// The attempt did sign up an account with server-owned
			// fields.
			if e.res.Account == nil || e.res.Account.Fields["admin"] != true {
				t.Errorf("the escalation account: %+v", e.res.Account)
			}
		})
	}
}

// No view of the caller's account: nothing is tried.
func TestEscalateWithoutAccountView(t *testing.T) {
	targets := targetsOf(t, "openapi.json", miniSpec(t, "",
		op{method: "POST", path: "/register", fields: []string{"username", "password"}},
		op{method: "POST", path: "/login", fields: []string{"username", "password"}},
		op{method: "GET", path: "/items"},
	))
	r := newRig(t, newMiniServer(false, false))
	p := r.provisioner(targets)
	res := p.Escalate(context.Background(), EscalationConfig{Name: "specter-c", Targets: targets,
		Register: func(*Account) error { t.Error("an account was registered"); return nil },
		Example:  r.gen.Example, Report: r.report})
	if res != nil || len(r.sent()) != 0 {
		t.Errorf("Escalate = %+v after %d requests", res, len(r.sent()))
	}
}

func keys(m map[string]oracle.Verdict) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestRoleVocabularyOfTheTestServers(t *testing.T) {
	restaurant := targetsOf(t, "openapi.json", fastapilike.Spec())
	crapi := targetsOf(t, "openapi.json", springlike.Spec())
	tests := []struct {
		name    string
		targets []*plan.Target
		current map[string]any
		// want is the start of the vocabulary.
		want    []string
		without []string
	}{
		// "employees and chef only", "(chef only)", "the Employee
		// role", "The Chef role": the chef is named by the most.
		{"RESTaurant as a Customer", restaurant, map[string]any{"role": "Customer"}, []string{"Chef", "Employee", "Admin", "Administrator", "Superuser", "Staff", "Manager", "Moderator", "Owner"}, []string{"Customer", "chef", "employee"}},
		{"RESTaurant, no current role", restaurant, nil, []string{"chef", "employee", "admin"}, []string{"customer"}},
		{"RESTaurant as an Employee", restaurant, map[string]any{"role": "Employee"}, []string{"Chef", "Admin"}, []string{"Employee"}},
		// The enumeration of the login answer's role.
		// Privileged members first; ROLE_UNDEFINED grants less than a
		// user and is never tried.
		{"crAPI as ROLE_USER", crapi, map[string]any{"role": "ROLE_USER"}, []string{"ROLE_ADMIN", "ROLE_MECHANIC", "ROLE_ADMINISTRATOR", "ROLE_SUPERUSER"}, []string{"ROLE_USER", "ROLE_UNDEFINED", "admin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := roleVocabulary(tt.targets, tt.current)
			checkVocabulary(t, got, tt.want, tt.without)
		})
	}
}

func checkVocabulary(t *testing.T, got, want, without []string) {
	t.Helper()
	if len(got) < len(want) || !reflect.DeepEqual(got[:len(want)], want) {
		t.Errorf("roleVocabulary = %v, want it to start with %v", got, want)
	}
	seen := map[string]bool{}
	for _, r := range got {
		if seen[strings.ToLower(r)] {
			t.Errorf("roleVocabulary = %v: %s twice", got, r)
		}
		seen[strings.ToLower(r)] = true
		for _, w := range without {
			if r == w {
				t.Errorf("roleVocabulary = %v, has %s", got, w)
			}
		}
	}
}

func TestRoleVocabulary(t *testing.T) {
	me := func(enum []string) op {
		o := op{method: "GET", path: "/me", responseFields: []string{"username", "role", "status"}}
		o.enums = map[string][]string{"role": enum, "status": {"pending", "approved"}}
		return o
	}
	doc := func(path, desc string) op { return op{method: "DELETE", path: path, desc: desc} }
	defaults := []string{"admin", "administrator", "superuser", "staff", "employee", "manager", "moderator", "owner"}
	tests := []struct {
		name    string
		ops     []op
		current map[string]any
		want    []string
		without []string
	}{
		{"common roles", []op{{method: "GET", path: "/me"}}, nil, defaults, nil},
		{"a role enumeration, ordinary roles left out", []op{me([]string{"user", "editor", "admin"})}, nil,
			[]string{"editor", "admin", "administrator"}, []string{"user", "pending", "approved"}},
		{"lesser members left out, privileged ones first", []op{me([]string{"unverified", "banned", "support", "admin"})}, nil,
			[]string{"admin", "support", "administrator"}, []string{"unverified", "banned"}},
		{"an enumeration in a request body", []op{{method: "PUT", path: "/users/role", fields: []string{"username", "user_type"}, enums: map[string][]string{"user_type": {"basic", "reviewer", "auditor"}}}}, nil,
			[]string{"reviewer", "auditor", "admin"}, []string{"basic"}},
		{"documentation, ordered by mentions", []op{
			doc("/a", "Editors and moderators only."),
			doc("/b", "Moderators only."),
			doc("/c", "Only for moderators."),
		}, nil, []string{"moderator", "editor", "admin", "administrator"}, nil},
		{"the X role", []op{doc("/a", "Grants the Supervisor role to a user.")}, nil, []string{"supervisor", "admin"}, nil},
		{"restricted to", []op{doc("/a", "Restricted to agents and the vendor.")}, nil, []string{"agent", "vendor", "admin"}, nil},
		{"words that are not roles", []op{doc("/a", "Only for testing. Logged-in users only.")}, nil, defaults, []string{"testing", "user"}},
		{"enumeration before documentation", []op{me([]string{"member", "auditor"}), doc("/a", "Managers only."), doc("/b", "(managers only)")}, nil,
			[]string{"auditor", "manager", "admin"}, []string{"member"}},

		// Written the way the API writes its roles.
		{"Capitalised", []op{me([]string{"customer", "chef"})}, map[string]any{"role": "Customer"}, []string{"Chef", "Admin"}, []string{"Customer", "chef"}},
		{"Spring authorities", []op{me([]string{"ROLE_USER", "ROLE_ADMIN"})}, map[string]any{"role": "ROLE_USER"}, []string{"ROLE_ADMIN", "ROLE_ADMINISTRATOR", "ROLE_SUPERUSER"}, []string{"ROLE_USER", "admin"}},
		{"Spring authorities from plain words", []op{doc("/a", "Auditors only.")}, map[string]any{"role": "ROLE_USER"}, []string{"ROLE_AUDITOR", "ROLE_ADMIN"}, nil},
		{"upper case", []op{{method: "GET", path: "/me"}}, map[string]any{"role": "MEMBER"}, []string{"ADMIN", "ADMINISTRATOR"}, []string{"MEMBER", "admin"}},
		{"lower case from the user type", []op{{method: "GET", path: "/me"}}, map[string]any{"usertype": "basic"}, defaults, nil},
		{"Capitalised from the account type", []op{{method: "GET", path: "/me"}}, map[string]any{"accounttype": "Free"}, []string{"Admin", "Administrator"}, nil},
		{"a role that is not text", []op{{method: "GET", path: "/me"}}, map[string]any{"role": 2}, defaults, nil},
		{"the current role is left out", []op{me([]string{"user", "editor", "admin"})}, map[string]any{"role": "editor"}, []string{"admin", "administrator"}, []string{"editor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			targets := targetsOf(t, "openapi.json", miniSpec(t, "", tt.ops...))
			checkVocabulary(t, roleVocabulary(targets, tt.current), tt.want, tt.without)
		})
	}
}

func TestStyled(t *testing.T) {
	tests := []struct{ w, style, want string }{
		{"admin", "", "admin"},
		{"Chef", "", "chef"},
		{"employee", "Customer", "Employee"},
		{"ROLE_ADMIN", "Customer", "Role_admin"},
		{"admin", "ROLE_USER", "ROLE_ADMIN"},
		{"ROLE_ADMIN", "ROLE_USER", "ROLE_ADMIN"},
		{"role_mechanic", "ROLE_USER", "ROLE_MECHANIC"},
		{"chef", "USER", "CHEF"},
		{"Chef", "user", "chef"},
	}
	for _, tt := range tests {
		if got := styled(tt.w, tt.style); got != tt.want {
			t.Errorf("styled(%q, %q) = %q, want %q", tt.w, tt.style, got, tt.want)
		}
	}
}
