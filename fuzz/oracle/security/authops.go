package security

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/rules"
)

// authSeeds keeps, per login or password-reset operation, the first case
// whose JSON body has the fields the checks need, and the users that
// logged in successfully. Both authentication checks run at the end of
// the run, so a lockout or a throttle they trigger cannot spoil the rest.
type authSeeds struct {
	mu    sync.Mutex
	kinds map[string]authz.AuthKind
	seeds map[string]*plan.Case
	order []string
	users []string // users seen logging in with 2xx
}

func (s *authSeeds) prepare(targets []*plan.Target) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kinds = map[string]authz.AuthKind{}
	s.seeds = map[string]*plan.Case{}
	for _, t := range targets {
		if k := authz.Classify(t.Op); k != authz.NotAuth {
			s.kinds[t.Key()] = k
		}
	}
}

func (s *authSeeds) observe(x *execute.Exchange) {
	key := x.Case.Target.Key()
	s.mu.Lock()
	defer s.mu.Unlock()
	kind, ok := s.kinds[key]
	if !ok || x.Status == 0 || x.Case.Payload != nil {
		return
	}
	user, pass := authz.CredentialFields(x.Case.Body)
	if user == "" || (kind == authz.Login && pass == "") {
		return
	}
	// The lowest-numbered case wins, so the seed does not depend on which
	// worker answered first.
	if prev, have := s.seeds[key]; !have || x.Case.Seq < prev.Seq {
		if !have {
			s.order = append(s.order, key)
		}
		s.seeds[key] = x.Case.Clone()
	}
	if kind == authz.Login && ok2xx(x) {
		if name := jsonField(x.Case.Body, user); name != "" && len(s.users) < 8 && !slices.Contains(s.users, name) {
			s.users = append(s.users, name)
		}
	}
}

// snapshot returns the operations with a seed in name order, and the
// users seen logging in, sorted.
func (s *authSeeds) snapshot() (keys []string, kinds map[string]authz.AuthKind, seeds map[string]*plan.Case, users []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys = append([]string(nil), s.order...)
	sort.Strings(keys)
	users = append([]string(nil), s.users...)
	sort.Strings(users)
	return keys, s.kinds, s.seeds, users
}

func jsonField(body []byte, field string) string {
	var obj map[string]any
	if err := jsonUnmarshal(body, &obj); err != nil {
		return ""
	}
	v, _ := obj[field].(string)
	return v
}

// unknownUser is a user name no account has, derived from the seed so a
// run is reproducible; for e-mail fields it is an address under .invalid.
func unknownUser(seed int64, emailLike bool) string {
	if emailLike {
		return fmt.Sprintf("specter-nobody-%d@specter.invalid", seed&0xffff)
	}
	return fmt.Sprintf("specter-nobody-%d", seed&0xffff)
}

// UserEnumeration compares, at the end of the run, a login (or password
// reset) for an unknown user with one for a known user and a wrong
// password, twice each; answers that differ consistently tell an attacker
// which accounts exist. Known users come from the configuration (login
// identities) and from logins that succeeded during the run.
type UserEnumeration struct {
	cfg   Config
	seeds authSeeds
}

// NewUserEnumeration returns the oracle.
func NewUserEnumeration(cfg Config) *UserEnumeration { return &UserEnumeration{cfg: cfg} }

// Name implements oracle.Oracle.
func (*UserEnumeration) Name() string { return "user-enumeration" }

// Rules implements oracle.Oracle.
func (*UserEnumeration) Rules() []string { return []string{rules.RuleFuzzUserEnumeration} }

// Prepare implements oracle.Preparer.
func (o *UserEnumeration) Prepare(_ context.Context, targets []*plan.Target, env oracle.Env) {
	o.seeds.prepare(targets)
	if len(o.seeds.kinds) == 0 {
		env.Note(rules.RuleFuzzUserEnumeration, "not run: no login or password-reset operation found")
	}
}

// Check implements oracle.Oracle.
func (o *UserEnumeration) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	o.seeds.observe(obs.Exchange)
}

// Finish implements oracle.Finisher.
func (o *UserEnumeration) Finish(ctx context.Context, env oracle.Env) {
	keys, kinds, seeds, seen := o.seeds.snapshot()
	if len(kinds) == 0 {
		return
	}
	known := append(append([]string(nil), o.cfg.KnownUsers...), seen...)
	if len(known) == 0 {
		env.Note(rules.RuleFuzzUserEnumeration, "not run: no known user (declare a login identity, or give spec examples that log in)")
		return
	}
	if len(keys) == 0 {
		env.Note(rules.RuleFuzzUserEnumeration, "not run: no login or password-reset request with a JSON body naming the user was answered")
		return
	}
probing:
	for _, key := range keys {
		seed := seeds[key]
		userField, passField := authz.CredentialFields(seed.Body)
		email := emailField(userField)
		user := pickUser(known, email)
		if user == "" {
			env.Note(rules.RuleFuzzUserEnumeration, fmt.Sprintf("not run on %s: no known user of the kind its %s field takes", key, userField))
			continue
		}
		nobody := unknownUser(env.Seed(), email)
		probe := func(name string) (authz.Answer, *execute.Exchange, bool) {
			set := map[string]string{userField: name}
			if passField != "" {
				set[passField] = fmt.Sprintf("specter-wrong-%d", env.Seed()&0xffff)
			}
			body, ok := authz.SetFields(seed.Body, set)
			if !ok {
				return authz.Answer{}, nil, false
			}
			c := seed.Clone()
			c.Body = body
			c.Identity = plan.NoCredentials
			x, err := env.Send(ctx, c)
			// A throttled or locked answer says nothing about the user;
			// a successful login with a wrong password is another problem.
			if err != nil || x.Status == 0 || authz.Limited(x.Status, x.Header) || x.Retries > 0 || ok2xx(x) && kinds[key] == authz.Login {
				return authz.Answer{}, nil, false
			}
			return authz.Answer{Status: x.Status, Body: x.Body}, x, true
		}
		var unknown, wrong []authz.Answer
		var evidenceX *execute.Exchange
		for i := 0; i < 2; i++ {
			a, _, ok := probe(nobody)
			if !ok {
				continue probing
			}
			b, x, ok := probe(user)
			if !ok {
				continue probing
			}
			unknown, wrong, evidenceX = append(unknown, a), append(wrong, b), x
		}
		why, differs := authz.Distinguishes(unknown, wrong, nobody, user)
		if !differs {
			continue
		}
		env.Report(oracle.Verdict{Rule: rules.RuleFuzzUserEnumeration, Exchange: evidenceX,
			Message: fmt.Sprintf("%s (%s) tells an unknown user from a known one: %s", key, kinds[key], why)})
	}
}

// emailField reports whether a user field takes e-mail addresses.
func emailField(name string) bool { return strings.Contains(strings.ToLower(name), "mail") }

func pickUser(known []string, email bool) string {
	for _, u := range known {
		if strings.Contains(u, "@") == email {
			return u
		}
	}
	return ""
}

// AuthRateLimit sends, at the end of the run, a bounded burst of failed
// logins for an unknown user to each login operation and reports one that
// never answers 429 (or 423, or 503 with Retry-After). An unknown user is
// used so that the burst cannot lock out an account the run needs.
type AuthRateLimit struct {
	cfg   Config
	seeds authSeeds
}

// NewAuthRateLimit returns the oracle.
func NewAuthRateLimit(cfg Config) *AuthRateLimit { return &AuthRateLimit{cfg: cfg} }

// Name implements oracle.Oracle.
func (*AuthRateLimit) Name() string { return "auth-rate-limit" }

// Rules implements oracle.Oracle.
func (*AuthRateLimit) Rules() []string { return []string{rules.RuleFuzzNoAuthRateLimit} }

// Prepare implements oracle.Preparer.
func (o *AuthRateLimit) Prepare(_ context.Context, targets []*plan.Target, env oracle.Env) {
	o.seeds.prepare(targets)
	for _, k := range o.seeds.kinds {
		if k == authz.Login {
			return
		}
	}
	env.Note(rules.RuleFuzzNoAuthRateLimit, "not run: no login operation found")
}

// Check implements oracle.Oracle.
func (o *AuthRateLimit) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	o.seeds.observe(obs.Exchange)
}

// Finish implements oracle.Finisher.
func (o *AuthRateLimit) Finish(ctx context.Context, env oracle.Env) {
	keys, kinds, seeds, _ := o.seeds.snapshot()
	if o.cfg.Safe {
		env.Note(rules.RuleFuzzNoAuthRateLimit, "not run: --safe sends no POST requests")
		return
	}
	for _, key := range keys {
		if kinds[key] != authz.Login {
			continue
		}
		seed := seeds[key]
		userField, passField := authz.CredentialFields(seed.Body)
		email := emailField(userField)
		var last *execute.Exchange
		failures := 0
		limited := false
		for i := 0; i < o.cfg.RateLimitBurst && !limited; i++ {
			body, ok := authz.SetFields(seed.Body, map[string]string{
				userField: unknownUser(env.Seed(), email),
				passField: fmt.Sprintf("specter-wrong-%d", i),
			})
			if !ok {
				break
			}
			c := seed.Clone()
			c.Body = body
			c.Identity = plan.NoCredentials
			x, err := env.Send(ctx, c)
			if err != nil {
				return
			}
			last = x
			switch {
			case authz.Limited(x.Status, x.Header) || x.Retries > 0:
				limited = true
			case x.Status >= 400 && x.Status < 500:
				failures++
			}
		}
		if limited || failures < o.cfg.RateLimitBurst || last == nil {
			continue
		}
		env.Report(oracle.Verdict{Rule: rules.RuleFuzzNoAuthRateLimit, Exchange: last,
			Message: fmt.Sprintf("%s answered %d failed logins in a row (last: %d) without a 429 or a lockout", key, failures, last.Status)})
	}
}
