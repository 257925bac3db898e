package accounts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/execute"
	fzschema "github.com/specterhq/specter/fuzz/internal/schema"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/oracle/security"
	"github.com/specterhq/specter/fuzz/plan"
)

// EscalationConfig is what an escalation attempt needs from the run.
type EscalationConfig struct {
	// Name is the identity the escalation account gets; Index its place
	// among the run's accounts (for its name).
	Name  string
	Index int
	// Baseline is an ordinary account of the run to compare with.
	Baseline string
	Targets  []*plan.Target
	// Register makes an account the run signed up an identity of the
	// run (the identity set and the state), before it sends as it.
	Register func(acc *Account) error
	// Example builds an operation's example request.
	Example func(*plan.Target) (*plan.Case, bool)
	Report  func(oracle.Verdict)
	// Chain adds to an account's steps the requests that changed it (an
	// update that granted a role), so reproducers replay them.
	Chain func(identity string, steps ...*plan.Step)
	// SignUpOnly tries the sign-up with server-owned fields and not the
	// account updates (another sign-up operation of an API whose updates
	// the first flow's escalation tried).
	SignUpOnly bool
}

// EscalationResult is what an escalation attempt achieved.
type EscalationResult struct {
	// Account is the escalation account (nil when it could not be made).
	Account *Account
	// Privileged is set when the account gained a role or admin flag.
	Privileged bool
	// Why says which field did it and where.
	Why string
}

// privilegeNames are server-owned members that grant privileges.
var privilegeNames = map[string]bool{
	"admin": true, "isadmin": true, "administrator": true, "superuser": true, "issuperuser": true, "isstaff": true,
	"staff": true, "role": true, "roles": true, "usertype": true, "accounttype": true, "permissions": true,
	"scopes": true, "scope": true, "groups": true, "authorities": true, "privileges": true, "level": true, "isroot": true,
}

// ownedNames are other server-owned members whose value a client must not
// choose.
var ownedNames = map[string]bool{
	"verified": true, "isverified": true, "emailverified": true, "active": true, "isactive": true, "approved": true,
	"balance": true, "credit": true, "credits": true, "points": true, "status": true, "plan": true, "tier": true,
	"subscription": true, "premium": true, "ispremium": true, "discount": true,
}

// privilegedWords mark a role value that grants more than an ordinary
// account has.
var privilegedWords = []string{"admin", "root", "super", "owner", "manager", "staff", "moderator", "operator", "employee", "editor", "internal", "system"}

func privileged(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		l := strings.ToLower(x)
		for _, w := range privilegedWords {
			if strings.Contains(l, w) {
				return true
			}
		}
		return l == "true" || l == "1" || l == "yes"
	case []any:
		for _, e := range x {
			if privileged(e) {
				return true
			}
		}
	case json.Number:
		return x.String() != "0"
	}
	return false
}

// Escalate tries, with fresh accounts, what a user is not meant to do to
// their own account: sign up with server-owned fields (role, admin,
// verified, balance...) sent beside the documented ones, and update the
// account with them (PATCH /profile, PUT /users/update_role). After each
// attempt it reads the account back through the API's own views of the
// caller (GET /me, /profile, /users/{username}) and compares with an
// ordinary account: an honoured value is reported (privilege escalation
// for a role or an admin flag, mass assignment otherwise). It returns
// the account that gained privileges, if one did.
func (p *Provisioner) Escalate(ctx context.Context, cfg EscalationConfig) *EscalationResult {
	views := selfViews(cfg.Targets)
	if len(views) == 0 {
		return nil
	}
	res := &EscalationResult{}
	// Sign-up with server-owned fields.
	extra := p.injectFields(cfg.Targets, views)
	if len(extra) > 0 {
		acc, _, err := p.Provision(ctx, cfg.Name, cfg.Index, extra)
		if err != nil && ctx.Err() == nil && len(extra) > 1 {
			// A strict API refuses unknown members: try the privilege
			// fields alone.
			only := map[string]any{}
			for k, v := range extra {
				if privilegeNames[learn.Norm(k)] {
					only[k] = v
				}
			}
			if len(only) > 0 && len(only) < len(extra) {
				extra = only
				acc, _, err = p.Provision(ctx, cfg.Name, cfg.Index+1, extra)
			}
		}
		if err == nil && acc != nil && cfg.Register(acc) == nil {
			res.Account = acc
			if why, priv, ok := p.compare(ctx, cfg, views, acc, extra, p.Flow.SignUp); ok {
				res.Privileged, res.Why = priv, why
			}
		}
	}
	if res.Privileged || cfg.SignUpOnly {
		return res
	}
	// Updates of the account with a role.
	updates := selfUpdates(cfg.Targets, p.Flow)
	if len(updates) == 0 {
		return res
	}
	// Each update is tried with a fresh ordinary account, so that every
	// operation that grants a role is found; the account that reached
	// the highest role (the vocabulary's order) is the escalated one.
	roles := roleVocabulary(cfg.Targets, nil)
	best, bestRank := (*Account)(nil), len(roles)+1
	var whys []string
	for i, t := range updates {
		name := fmt.Sprintf("%s%d", cfg.Name, i+2)
		acc, _, err := p.Provision(ctx, name, cfg.Index+2+i, nil)
		if err != nil || cfg.Register(acc) != nil {
			break
		}
		why, role, ok := p.tryUpdate(ctx, cfg, views, acc, t)
		if !ok {
			continue
		}
		whys = append(whys, why)
		rank := len(roles)
		for j, r := range roles {
			if strings.EqualFold(learn.Norm(r), learn.Norm(role)) {
				rank = j
			}
		}
		if best == nil || rank < bestRank {
			best, bestRank = acc, rank
		}
	}
	if best != nil {
		return &EscalationResult{Account: best, Privileged: true, Why: strings.Join(whys, "; ")}
	}
	return res
}

// selfViews are the GET operations that show the caller's own account:
// no parameters and a path that says so (/me, /profile, /users/me,
// /account, /whoami, /user/dashboard), best first.
func selfViews(targets []*plan.Target) []*plan.Target {
	type scored struct {
		t     *plan.Target
		score int
	}
	var out []scored
	for _, t := range targets {
		if t.Spec == nil || t.Op.Method != http.MethodGet || strings.Contains(t.Op.Path, "{") {
			continue
		}
		ws := " " + strings.Join(wordsOf(t.Op.Path), " ") + " "
		score := 0
		for i, w := range []string{" me ", " profile ", " whoami ", " current ", " self ", " account ", " dashboard ", " myself ", " session "} {
			if strings.Contains(ws, w) {
				score = 10 - i
				break
			}
		}
		if score > 0 {
			out = append(out, scored{t, score})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	var ts []*plan.Target
	for i, s := range out {
		if i == 3 {
			break
		}
		ts = append(ts, s.t)
	}
	return ts
}

// injectFields are the server-owned members a sign-up is tried with: those
// the account's views show but the sign-up does not document, and the
// usual privilege flags.
func (p *Provisioner) injectFields(targets []*plan.Target, views []*plan.Target) map[string]any {
	documented := map[string]bool{}
	for k := range p.Flow.signUp.props {
		documented[learn.Norm(k)] = true
	}
	out := map[string]any{}
	for _, v := range views {
		for name, s := range fzschema.ResponseProps(v) {
			n := learn.Norm(name)
			if documented[n] || !(privilegeNames[n] || ownedNames[n]) {
				continue
			}
			if val, ok := injectValue(name, s); ok {
				out[name] = val
			}
		}
	}
	for _, name := range []string{"admin", "is_admin", "role"} {
		if !documented[learn.Norm(name)] {
			if _, have := out[name]; !have {
				v, _ := injectValue(name, nil)
				out[name] = v
			}
		}
	}
	return out
}

// injectValue is the value a server-owned field is tried with.
func injectValue(name string, s *openapi3.Schema) (any, bool) {
	n := learn.Norm(name)
	if s != nil {
		switch {
		case len(s.Enum) > 0:
			if v, ok := privilegedEnum(s.Enum, nil); ok {
				return v, true
			}
		case s.Type != nil && s.Type.Is("boolean"):
			return true, true
		case s.Type != nil && (s.Type.Is("integer") || s.Type.Is("number")):
			return 1000000, true
		case s.Type != nil && s.Type.Is("array"):
			return []any{"admin"}, true
		}
	}
	switch {
	case n == "roles" || n == "groups" || n == "permissions" || n == "scopes" || n == "authorities" || n == "privileges":
		return []any{"admin"}, true
	case n == "role" || n == "usertype" || n == "accounttype" || n == "level" || n == "plan" || n == "tier" || n == "scope":
		return "admin", true
	case n == "status":
		return "active", true
	case n == "balance" || n == "credit" || n == "credits" || n == "points" || n == "discount":
		return 1000000, true
	}
	return true, true
}

// privilegedEnum picks the enum member a role is tried with: one that
// names a privilege, else the last member (roles are often listed from
// the least to the most privileged); skip lists members already tried.
func privilegedEnum(enum []any, skip map[string]bool) (any, bool) {
	for _, e := range enum {
		if s, ok := e.(string); ok && privileged(s) && !skip[s] {
			return s, true
		}
	}
	for i := len(enum) - 1; i >= 0; i-- {
		if s, ok := enum[i].(string); ok && !skip[s] {
			return s, true
		}
	}
	return nil, false
}

// view reads the caller's account through a view as identity.
func (p *Provisioner) view(ctx context.Context, t *plan.Target, identityName string, steps []*plan.Step) (*execute.Exchange, map[string]any) {
	c := &plan.Case{Seq: -200, Phase: plan.PhaseAccounts, Target: t, Method: t.Op.Method, Identity: identityName,
		Mutation: "read the account back as " + identityName, Intent: plan.IntentValid, Steps: steps}
	x, err := p.Send.Send(ctx, c)
	if err != nil || x == nil || x.Status < 200 || x.Status > 299 {
		return x, nil
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(x.Body))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return x, nil
	}
	flat := map[string]any{}
	flatten(doc, flat, 0)
	return x, flat
}

// flatten collects the members of an answer by normalised name (the
// shallowest occurrence wins).
func flatten(v any, out map[string]any, depth int) {
	if depth > 3 {
		return
	}
	obj, ok := v.(map[string]any)
	if !ok {
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
		flatten(obj[k], out, depth+1)
	}
}

// compare reads the escalation account and the baseline account through
// every view and reports the fields whose injected value was honoured.
func (p *Provisioner) compare(ctx context.Context, cfg EscalationConfig, views []*plan.Target, acc *Account, extra map[string]any, at *plan.Target) (string, bool, bool) {
	for _, v := range views {
		steps := []*plan.Step{acc.SignUp, acc.Login}
		x, mine := p.view(ctx, v, acc.Identity, steps)
		if mine == nil {
			continue
		}
		_, base := p.view(ctx, v, cfg.Baseline, nil)
		var priv, owned []string
		for name, sent := range extra {
			n := learn.Norm(name)
			got, ok := mine[n]
			if !ok || !sameValue(got, sent) {
				continue
			}
			if base != nil && sameValue(base[n], sent) {
				continue // an ordinary account has it too: not honoured, the default
			}
			if privilegeNames[n] && privileged(sent) {
				priv = append(priv, name)
			} else {
				owned = append(owned, name)
			}
		}
		sort.Strings(priv)
		sort.Strings(owned)
		if len(priv) > 0 {
			why := fmt.Sprintf("%s sent on %s", strings.Join(priv, ", "), at.Key())
			cfg.Report(oracle.Verdict{Rule: RulePrivilegeEscalation, Exchange: x, At: at,
				Message: fmt.Sprintf("%s honoured %s sent by the client: %s of a fresh account now shows %s (an ordinary account does not), so anyone can grant themselves privileges", at.Key(), strings.Join(priv, ", "), v.Key(), describeValues(mine, priv))})
			return why, true, true
		}
		if len(owned) > 0 {
			cfg.Report(oracle.Verdict{Rule: security.RuleMassAssignment, Exchange: x, At: at,
				Message: fmt.Sprintf("%s honoured the server-owned field(s) %s sent by the client: %s shows %s", at.Key(), strings.Join(owned, ", "), v.Key(), describeValues(mine, owned))})
			return strings.Join(owned, ", ") + " on " + at.Key(), false, true
		}
		return "", false, false
	}
	return "", false, false
}

func describeValues(flat map[string]any, names []string) string {
	parts := make([]string, 0, len(names))
	for _, n := range names {
		b, _ := json.Marshal(flat[learn.Norm(n)])
		parts = append(parts, n+"="+string(b))
	}
	return strings.Join(parts, ", ")
}

// sameValue compares a value read back with the one sent.
func sameValue(got, sent any) bool {
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(sent)
	if bytes.Equal(a, b) {
		return true
	}
	// "true" for true, 1000000 for 1e6, a role list holding the role.
	if strings.EqualFold(strings.Trim(string(a), `"`), strings.Trim(string(b), `"`)) {
		return true
	}
	if arr, ok := got.([]any); ok {
		if s, ok := sent.([]any); ok && len(s) == 1 {
			for _, e := range arr {
				if sameValue(e, s[0]) {
					return true
				}
			}
		}
	}
	return false
}

// selfUpdates are writes on the caller's own account that may take a
// role: PUT/PATCH/POST with no path parameter on a profile-like path, or
// any write whose documented body has a role-like member next to a member
// naming the user.
func selfUpdates(targets []*plan.Target, f *Flow) []*plan.Target {
	var out []*plan.Target
	for _, t := range targets {
		if t.Spec == nil || t == f.SignUp || t == f.Login || strings.Contains(t.Op.Path, "{") {
			continue
		}
		switch t.Op.Method {
		case http.MethodPut, http.MethodPatch, http.MethodPost:
		default:
			continue
		}
		fs, _ := bodyFields(t)
		hasRole := false
		for k := range fs.props {
			if privilegeNames[learn.Norm(k)] {
				hasRole = true
			}
		}
		ws := " " + strings.Join(wordsOf(t.Op.Path), " ") + " "
		profile := false
		for _, w := range []string{" me ", " profile ", " account ", " self ", " settings "} {
			if strings.Contains(ws, w) {
				profile = true
			}
		}
		if fs.password != "" && !hasRole {
			continue // a password change, not a role
		}
		if profile || (hasRole && (fs.user != "" || fs.email != "")) {
			out = append(out, t)
		}
	}
	if len(out) > 4 {
		out = out[:4]
	}
	return out
}

// tryUpdate sends an update of the account with privilege fields (its
// documented role member with each privileged value in turn, or injected
// ones) and reads the account back: a role that changed is an escalation.
func (p *Provisioner) tryUpdate(ctx context.Context, cfg EscalationConfig, views []*plan.Target, acc *Account, t *plan.Target) (why, role string, ok bool) {
	base, ok := cfg.Example(t)
	if !ok {
		return "", "", false
	}
	before := map[string]any{}
	for _, v := range views {
		if _, flat := p.view(ctx, v, acc.Identity, nil); flat != nil {
			before = flat
			break
		}
	}
	fs, _ := bodyFields(t)
	ids := map[string]any{}
	if fs.user != "" && acc.Username != "" {
		ids[fs.user] = acc.Username
	}
	if fs.email != "" && acc.Email != "" {
		ids[fs.email] = acc.Email
	}
	var attempts []map[string]any
	roles := roleVocabulary(cfg.Targets, before)
	names := make([]string, 0, len(fs.props))
	for name := range fs.props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		n, s := learn.Norm(name), fs.props[name]
		if !privilegeNames[n] {
			continue
		}
		for _, v := range roleValues(name, s, roles) {
			attempts = append(attempts, map[string]any{name: v})
		}
	}
	if len(attempts) == 0 {
		// Nothing documented: members the account's views show, sent as
		// extras (a model that binds whatever comes).
		vp := viewProps(views)
		for _, name := range sortedSchemaKeys(vp) {
			if privilegeNames[learn.Norm(name)] {
				for _, v := range roleValues(name, vp[name], roles) {
					attempts = append(attempts, map[string]any{name: v})
				}
			}
		}
	}
	if len(attempts) > maxRoleAttempts {
		attempts = attempts[:maxRoleAttempts]
	}
	// The update sends only the role and the members naming the account
	// (a partial update changes nothing else); where the API wants the
	// whole body, the example's body with the role. The form that worked
	// once is kept for the next values.
	minimal := true
	for _, extra := range attempts {
		values := map[string]any{}
		for k, v := range ids {
			values[k] = v
		}
		for k, v := range extra {
			values[k] = v
		}
		var x *execute.Exchange
		for _, min := range []bool{minimal, !minimal} {
			c := base.Clone()
			c.Seq, c.Phase, c.Identity = -300, plan.PhaseAccounts, acc.Identity
			c.Mutation = "update the run's account " + acc.Identity + " with " + strings.Join(sortedKeys(extra), ", ")
			from := c.Body
			if min {
				from = nil
			}
			body, _, err := setBodyFields(from, c.ContentType, values)
			if err != nil {
				break
			}
			c.Body = body
			x, err = p.Send.Send(ctx, c)
			if err != nil {
				return "", "", false
			}
			if x != nil && x.Status != 400 && x.Status != 422 {
				minimal = min
				break
			}
		}
		if x == nil || x.Status < 200 || x.Status > 299 {
			continue
		}
		updateStep := plan.NewStep("update "+acc.Identity+" ("+t.Key()+")", acc.Identity, x.Request, x.RequestBody, x.Status, acc.SignUp, acc.Login)
		for _, v := range views {
			rx, after := p.view(ctx, v, acc.Identity, []*plan.Step{updateStep})
			if after == nil {
				continue
			}
			var changed []string
			for name, sent := range extra {
				n := learn.Norm(name)
				if got, ok := after[n]; ok && sameValue(got, sent) && !sameValue(before[n], sent) {
					changed = append(changed, name)
				}
			}
			if len(changed) == 0 {
				continue
			}
			sort.Strings(changed)
			if cfg.Chain != nil {
				cfg.Chain(acc.Identity, updateStep)
			}
			cfg.Report(oracle.Verdict{Rule: RulePrivilegeEscalation, Exchange: rx, At: t,
				Message: fmt.Sprintf("%s let an ordinary account change its own %s: %s now shows %s", t.Key(), strings.Join(changed, ", "), v.Key(), describeValues(after, changed))})
			return strings.Join(changed, ", ") + " through " + t.Key(), fmt.Sprint(after[learn.Norm(changed[0])]), true
		}
	}
	return "", "", false
}

// maxRoleAttempts bounds the updates tried per operation.
const maxRoleAttempts = 6

// ordinaryRoles are roles every fresh account may have.
var ordinaryRoles = map[string]bool{"user": true, "customer": true, "member": true, "guest": true, "viewer": true, "reader": true, "client": true, "basic": true, "free": true, "roleuser": true}

// lesserWords mark a role member that grants less than an ordinary
// account, never worth an escalation attempt.
var lesserWords = []string{"undefined", "unknown", "none", "anonymous", "pending", "disabled", "banned", "inactive", "deleted", "suspended", "locked", "unverified"}

// lesserRole reports whether a normalised role value is one of those.
func lesserRole(k string) bool {
	for _, w := range lesserWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// roleVocabulary lists the role values worth trying, most likely first:
// the members of role enumerations anywhere in the spec, the roles its
// documentation names ("employees and chef only", "the Employee role"),
// then common privileged roles, all written in the style of the account's
// current role ("Customer" -> "Employee", "ROLE_USER" -> "ROLE_ADMIN").
// The current role and ordinary ones are left out.
func roleVocabulary(targets []*plan.Target, current map[string]any) []string {
	style := ""
	for _, k := range []string{"role", "usertype", "accounttype"} {
		if v, ok := current[k].(string); ok {
			style = v
			break
		}
	}
	var out []string
	seen := map[string]bool{}
	add := func(w string) {
		w = styled(strings.TrimSpace(w), style)
		k := learn.Norm(w)
		if w == "" || seen[k] || ordinaryRoles[k] || strings.EqualFold(w, style) || lesserRole(k) {
			return
		}
		seen[k] = true
		out = append(out, w)
	}
	for _, t := range targets {
		if t.Spec == nil {
			continue
		}
		for name, sch := range schemaProps(t) {
			if privilegeNames[learn.Norm(name)] && sch != nil {
				// Members that read as privileged first, in enum order
				// otherwise: crAPI's [ROLE_UNDEFINED, ROLE_USER,
				// ROLE_MECHANIC, ROLE_ADMIN] is tried admin first.
				enum := append([]any(nil), sch.Enum...)
				sort.SliceStable(enum, func(i, j int) bool { return privileged(enum[i]) && !privileged(enum[j]) })
				for _, e := range enum {
					if s, ok := e.(string); ok {
						add(s)
					}
				}
			}
		}
	}
	// Roles the documentation names, the one named by the most
	// restrictions first: the role every restricted operation admits is
	// the top one ("employees and chef only", "chef only").
	mentions := map[string]int{}
	var named []string
	for _, t := range targets {
		if t.Spec == nil {
			continue
		}
		for _, text := range []string{t.Spec.Summary, t.Spec.Description} {
			for _, m := range docRoles.FindAllStringSubmatch(text, -1) {
				for _, w := range strings.FieldsFunc(m[0], func(r rune) bool { return r == ' ' || r == ',' || r == '(' || r == ')' || r == '.' }) {
					if roleWord.MatchString(w) {
						r := strings.ToLower(singularRole(w))
						if mentions[r] == 0 {
							named = append(named, r)
						}
						mentions[r]++
					}
				}
			}
		}
	}
	sort.SliceStable(named, func(i, j int) bool { return mentions[named[i]] > mentions[named[j]] })
	for _, r := range named {
		add(r)
	}
	for _, w := range []string{"admin", "administrator", "superuser", "staff", "employee", "manager", "moderator", "owner"} {
		add(w)
	}
	return out
}

var (
	roleWord = regexp.MustCompile(`(?i)^(?:admins?|administrators?|superusers?|staff|employees?|managers?|moderators?|operators?|owners?|chefs?|editors?|supervisors?|agents?|sellers?|vendors?|merchants?|mechanics?|doctors?|teachers?|instructors?|officers?|auditors?)$`)
	// docRoles are the phrases of documentation that name roles.
	docRoles = regexp.MustCompile(`(?i)\b(?:only (?:for |by |to )?(?:the )?\w+(?: (?:and|or) (?:the )?\w+)*|\w+(?: (?:and|or) (?:the )?\w+)* only|restricted to (?:the )?\w+(?: (?:and|or) (?:the )?\w+)*|\b[A-Z]\w+ role)\b`)
)

// singularRole writes a role word as one role: "employees" -> "employee".
func singularRole(w string) string {
	l := strings.ToLower(w)
	if strings.HasSuffix(l, "s") && l != "staff" && !strings.HasSuffix(l, "ss") {
		return w[:len(w)-1]
	}
	return w
}

// styled writes a role the way the API writes its roles.
func styled(w, style string) string {
	switch {
	case style == "":
		return strings.ToLower(w)
	case strings.HasPrefix(style, "ROLE_"):
		return "ROLE_" + strings.ToUpper(strings.TrimPrefix(strings.ToUpper(w), "ROLE_"))
	case strings.ToUpper(style) == style:
		return strings.ToUpper(w)
	case strings.ToLower(style) == style:
		return strings.ToLower(w)
	}
	return strings.ToUpper(w[:1]) + strings.ToLower(w[1:])
}

// roleValues are the values a role-like member is tried with: true for a
// flag, a list for a list, each role of the vocabulary (or of its own
// enumeration) for a string.
func roleValues(name string, s *openapi3.Schema, roles []string) []any {
	if s != nil && s.Type != nil && s.Type.Is("boolean") {
		return []any{true}
	}
	n := learn.Norm(name)
	list := s != nil && s.Type != nil && s.Type.Is("array") || n == "roles" || n == "groups" || n == "permissions" || n == "scopes" || n == "authorities"
	var vals []string
	if s != nil && len(s.Enum) > 0 {
		for _, e := range s.Enum {
			if str, ok := e.(string); ok && !ordinaryRoles[learn.Norm(str)] {
				vals = append(vals, str)
			}
		}
		// Privileged-looking members first.
		sort.SliceStable(vals, func(i, j int) bool { return privileged(vals[i]) && !privileged(vals[j]) })
	} else if n == "admin" || n == "isadmin" || n == "superuser" || n == "issuperuser" || n == "isstaff" || n == "staff" || n == "isroot" {
		return []any{true}
	} else {
		vals = roles
	}
	var out []any
	for _, v := range vals {
		if list {
			out = append(out, []any{v})
		} else {
			out = append(out, v)
		}
	}
	return out
}

// schemaProps merges the members of an operation's request body and 2xx
// answers.
func schemaProps(t *plan.Target) map[string]*openapi3.Schema {
	out := fzschema.ResponseProps(t)
	fs, _ := bodyFields(t)
	for k, v := range fs.props {
		out[k] = v
	}
	return out
}

func sortedSchemaKeys(m map[string]*openapi3.Schema) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// viewProps merges the documented members of the account views.
func viewProps(views []*plan.Target) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	for _, v := range views {
		for k, s := range fzschema.ResponseProps(v) {
			out[k] = s
		}
	}
	return out
}
