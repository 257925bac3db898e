package security

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// authSeeds keeps, per login or password-reset operation, the first case
// whose JSON body has the fields the checks need, and the users that
// logged in successfully (the answer handed out a token or a session:
// a status alone says nothing, many frameworks answer 200 to a failed
// login). The checks run at the end of the run, so a lockout or a
// throttle they trigger cannot spoil the rest.
type authSeeds struct {
	mu    sync.Mutex
	kinds map[string]authz.AuthKind
	seeds map[string]*plan.Case
	order []string
	users []string // users seen logging in
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

// extend classifies targets the run found after prepare, keeping what
// was observed.
func (s *authSeeds) extend(targets []*plan.Target) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kinds == nil {
		s.kinds = map[string]authz.AuthKind{}
	}
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
	if !ok || x.Status == 0 || x.Case.Payload != nil || x.Case.Varied != "" {
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
	if kind == authz.Login && loggedIn(x) {
		if name := jsonField(x.Case.Body, user); name != "" && len(s.users) < 8 && !slices.Contains(s.users, name) {
			s.users = append(s.users, name)
		}
	}
}

// loggedIn reports a login answer that handed out a credential.
func loggedIn(x *execute.Exchange) bool {
	if x == nil || x.Status == 0 {
		return false
	}
	_, ok := authz.IssuedCredential(x.Header, x.Body)
	return ok && authz.Judge(x.Status, x.Header, x.Body) == authz.Accepted
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
		if vals, err := url.ParseQuery(string(body)); err == nil {
			return vals.Get(field)
		}
		return ""
	}
	v, _ := obj[field].(string)
	return v
}

// unknownUser is a user name no account has, derived from the seed so a
// run is reproducible. For e-mail fields it is an address at the domain
// of like (the known user it is compared with), else at example.com:
// never a special-use name such as .invalid, which e-mail validators
// (pydantic's EmailStr) refuse before any account is looked up, so the
// unknown user would be told from the known one by validation alone.
func unknownUser(seed int64, emailLike bool, like string) string {
	if emailLike {
		domain := "example.com"
		if _, d, ok := strings.Cut(like, "@"); ok && d != "" {
			domain = d
		}
		return fmt.Sprintf("specter-nobody-%d@%s", seed&0xffff, domain)
	}
	return fmt.Sprintf("specter-nobody-%d", seed&0xffff)
}

// knownUsers are the users known to exist: configured ones, those seen
// logging in, and the run's own accounts (declared and provisioned).
func knownUsers(cfg Config, seen []string, env oracle.Env) []string {
	out := append(append([]string(nil), cfg.KnownUsers...), seen...)
	for _, acc := range env.State().Accounts() {
		for _, k := range []string{"username", "email"} {
			if v := acc.IDs[k]; v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// probeBody sets the user (and, for a login, a wrong password) of a seed.
// wrongSecret returns the i-th wrong secret of a burst, in the shape of
// the one the login was sent with: a PIN of digits ("pin": "1234") gets
// PINs of its length, so that the guesses reach the check instead of the
// validation of its format; anything else gets passwords.
func wrongSecret(sent string, seed int64) func(i int) string {
	if n := len(sent); n >= 4 && n <= 8 && strings.Trim(sent, "0123456789") == "" {
		return func(i int) string {
			v := fmt.Sprintf("%0*d", n, (int(seed&0xffff)*7919+(i+1)*104729)%pow10(n))
			if v == sent {
				v = fmt.Sprintf("%0*d", n, (int(seed&0xffff)*7919+(i+1)*104729+1)%pow10(n))
			}
			return v
		}
	}
	return func(i int) string { return fmt.Sprintf("Specter-wrong-%d!", i) }
}

func probeBody(seed *plan.Case, userField, passField, user, password string) ([]byte, bool) {
	set := map[string]string{userField: user}
	if passField != "" {
		set[passField] = password
	}
	return authz.SetFields(seed.Body, set)
}

// UserEnumeration compares, at the end of the run, a login (or password
// reset) for an unknown user with one for a known user and a wrong
// password, twice each: answers that differ consistently in status,
// text or length, or known users answered consistently slower, tell an
// attacker which accounts exist. Known users come from the configuration,
// the run's own accounts and logins that succeeded during the run.
type UserEnumeration struct {
	cfg   Config
	seeds authSeeds
}

// NewUserEnumeration returns the oracle.
func NewUserEnumeration(cfg Config) *UserEnumeration { return &UserEnumeration{cfg: cfg} }

// Name implements oracle.Oracle.
func (*UserEnumeration) Name() string { return "user-enumeration" }

// Rules implements oracle.Oracle.
func (*UserEnumeration) Rules() []string { return []string{RuleUserEnumeration} }

// Prepare implements oracle.Preparer.
func (o *UserEnumeration) Prepare(_ context.Context, targets []*plan.Target, env oracle.Env) {
	o.seeds.prepare(targets)
	if len(o.seeds.kinds) == 0 {
		env.Note(RuleUserEnumeration, "not run: no login or password-reset operation found")
	}
}

// Extend implements oracle.Extender.
func (o *UserEnumeration) Extend(targets []*plan.Target) { o.seeds.extend(targets) }

// Check implements oracle.Oracle.
func (o *UserEnumeration) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	o.seeds.observe(obs.Exchange)
}

// timingProbes is how many requests per class the timing comparison sends.
const timingProbes = 4

// Finish implements oracle.Finisher.
func (o *UserEnumeration) Finish(ctx context.Context, env oracle.Env) {
	keys, kinds, seeds, seen := o.seeds.snapshot()
	if len(kinds) == 0 {
		return
	}
	known := knownUsers(o.cfg, seen, env)
	if len(known) == 0 {
		env.Note(RuleUserEnumeration, "not run: no known user (declare a login identity, or give the run a sign-up operation)")
		return
	}
	if len(keys) == 0 {
		env.Note(RuleUserEnumeration, "not run: no login or password-reset request with a JSON body naming the user was answered")
		return
	}
	for _, key := range keys {
		if o.cfg.Safe {
			break
		}
		seed := seeds[key]
		userField, passField := authz.CredentialFields(seed.Body)
		if kinds[key] == authz.PasswordReset {
			passField = ""
		}
		email := emailField(userField)
		user := pickUser(known, email)
		if user == "" {
			env.Note(RuleUserEnumeration, fmt.Sprintf("not run on %s: no known user of the kind its %s field takes", key, userField))
			continue
		}
		nobody := unknownUser(env.Seed(), email, user)
		wrong := fmt.Sprintf("Specter-wrong-%d!", env.Seed()&0xffff)
		probe := func(name string) (authz.Answer, *execute.Exchange, time.Duration, bool, error) {
			body, ok := probeBody(seed, userField, passField, name, wrong)
			if !ok {
				return authz.Answer{}, nil, 0, false, nil
			}
			c := seed.Clone()
			c.Body, c.Identity, c.Steps = body, plan.NoCredentials, nil
			c.Mutation = "user enumeration: " + userField + " " + name
			x, err := env.Send(ctx, c)
			if err != nil {
				return authz.Answer{}, nil, 0, false, err
			}
			// A throttled or locked answer says nothing about the user;
			// a successful login with a wrong password is another problem.
			if x.Status == 0 || authz.Judge(x.Status, x.Header, x.Body) == authz.Throttled || x.Retries > 0 || (kinds[key] == authz.Login && loggedIn(x)) {
				return authz.Answer{}, nil, 0, false, nil
			}
			return authz.Answer{Status: x.Status, Body: x.Body}, x, x.Duration, true, nil
		}
		var unknown, wrongPass []authz.Answer
		var tUnknown, tKnown []time.Duration
		var evidence *execute.Exchange
		complete := true
		for i := 0; i < timingProbes && complete; i++ {
			a, _, da, ok, err := probe(nobody)
			if err != nil {
				return
			}
			b, x, db, ok2, err := probe(user)
			if err != nil {
				return
			}
			if !ok || !ok2 {
				complete = false
				break
			}
			unknown, wrongPass, evidence = append(unknown, a), append(wrongPass, b), x
			tUnknown, tKnown = append(tUnknown, da), append(tKnown, db)
			if i == 1 {
				if _, differs := authz.Distinguishes(unknown, wrongPass, nobody, user); differs {
					break // two of each are enough when the text differs
				}
			}
		}
		if !complete || len(unknown) < 2 {
			continue
		}
		why, differs := authz.Distinguishes(unknown, wrongPass, nobody, user)
		if !differs && len(tKnown) == timingProbes {
			why, differs = slower(tKnown, tUnknown)
		}
		if !differs {
			continue
		}
		env.Report(oracle.Verdict{Rule: RuleUserEnumeration, Exchange: evidence,
			Message: fmt.Sprintf("%s (%s) tells an unknown user from a known one: %s", key, kinds[key], why)})
	}
}

// slower reports known users answered consistently slower than unknown
// ones (a password hash checked only for existing accounts): every known
// answer slower than every unknown one, by at least 30 ms and twice.
func slower(known, unknown []time.Duration) (string, bool) {
	minKnown, maxUnknown := known[0], unknown[0]
	for _, d := range known {
		minKnown = min(minKnown, d)
	}
	for _, d := range unknown {
		maxUnknown = max(maxUnknown, d)
	}
	if minKnown > maxUnknown+30*time.Millisecond && minKnown > 2*maxUnknown {
		return fmt.Sprintf("the same answer, but a known user's took at least %s and an unknown user's at most %s (timing)", minKnown.Round(time.Millisecond), maxUnknown.Round(time.Millisecond)), true
	}
	return "", false
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

// burst is the outcome of a burst of wrong guesses.
type burst struct {
	sent, refused int
	limited       bool
	why           string
	last          *execute.Exchange
	// guessed is the 1-based index of a guess that was accepted after
	// the first ones were refused (a 2xx after non-2xx answers): the
	// secret was found within the burst, which no limit stopped.
	guessed int
}

// guessBurst sends n wrong guesses built by next and watches for a limit:
// a 429, 423 or 503, a lockout in words, an answer that changes from what
// the first wrong guesses got (a lockout that says nothing), or answers
// that slow down (a progressive delay). A guess accepted with a 2xx
// after refused ones ends the burst as guessed, not as limited.
func guessBurst(ctx context.Context, env oracle.Env, n int, next func(i int) (*plan.Case, bool)) (burst, error) {
	var b burst
	var first string
	var firstStatus int
	var early, late []time.Duration
	for i := 0; i < n && !b.limited && b.guessed == 0; i++ {
		c, ok := next(i)
		if !ok {
			break
		}
		x, err := env.Send(ctx, c)
		if err != nil {
			return b, err
		}
		if x.Status == 0 {
			break
		}
		b.sent++
		b.last = x
		shape := fmt.Sprintf("%d|%s", x.Status, authz.Shape(x.Body))
		switch authz.Judge(x.Status, x.Header, x.Body) {
		case authz.Throttled:
			b.limited, b.why = true, fmt.Sprintf("guess %d answered %d as a limit", i+1, x.Status)
			continue
		case authz.Accepted:
			if loggedIn(x) {
				b.limited, b.why = true, "a guess succeeded"
				continue
			}
		}
		if x.Retries > 0 || x.Status == 503 {
			b.limited, b.why = true, fmt.Sprintf("guess %d was throttled", i+1)
			continue
		}
		if first == "" {
			first, firstStatus = shape, x.Status
		} else if shape != first && x.Status/100 == 2 && firstStatus/100 != 2 {
			b.guessed = i + 1
			continue
		} else if shape != first {
			b.limited, b.why = true, fmt.Sprintf("guess %d got another answer (%d) than the first ones", i+1, x.Status)
			continue
		}
		b.refused++
		if i < 5 {
			early = append(early, x.Duration)
		} else if i >= n-5 {
			late = append(late, x.Duration)
		}
	}
	if !b.limited && len(early) > 0 && len(late) > 0 && median(late) > 3*median(early) && median(late) > 500*time.Millisecond {
		b.limited, b.why = true, "the answers slowed down"
	}
	return b, nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	slices.Sort(s)
	return s[len(s)/2]
}

// AuthRateLimit sends, at the end of the run, a bounded burst of wrong
// passwords to each login operation and reports one that never limits:
// no 429, lockout or delay, read from statuses and from what the answers
// say. The burst aims at the run's spare provisioned account when there
// is one (a lockout per account is a limit, and that account is the
// run's to lock), else at a user that does not exist, so that it cannot
// lock out a declared account.
type AuthRateLimit struct {
	cfg   Config
	seeds authSeeds
}

// NewAuthRateLimit returns the oracle.
func NewAuthRateLimit(cfg Config) *AuthRateLimit { return &AuthRateLimit{cfg: cfg} }

// Name implements oracle.Oracle.
func (*AuthRateLimit) Name() string { return "auth-rate-limit" }

// Rules implements oracle.Oracle.
func (*AuthRateLimit) Rules() []string { return []string{RuleNoAuthRateLimit} }

// Prepare implements oracle.Preparer.
func (o *AuthRateLimit) Prepare(_ context.Context, targets []*plan.Target, env oracle.Env) {
	o.seeds.prepare(targets)
	for _, k := range o.seeds.kinds {
		if k == authz.Login {
			return
		}
	}
	env.Note(RuleNoAuthRateLimit, "not run: no login operation found")
}

// Extend implements oracle.Extender.
func (o *AuthRateLimit) Extend(targets []*plan.Target) { o.seeds.extend(targets) }

// Check implements oracle.Oracle.
func (o *AuthRateLimit) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	o.seeds.observe(obs.Exchange)
}

// spareAccount is the run's provisioned account that no other check
// needs to log in afterwards, with its login name for a field.
func spareAccount(env oracle.Env, userField string) (string, string) {
	p := env.Roster().Spare
	acc := env.State().Account(p)
	if p == "" || acc == nil {
		return "", ""
	}
	if emailField(userField) {
		return p, acc.IDs["email"]
	}
	if v := acc.IDs["username"]; v != "" {
		return p, v
	}
	return p, acc.IDs["email"]
}

// Finish implements oracle.Finisher.
func (o *AuthRateLimit) Finish(ctx context.Context, env oracle.Env) {
	keys, kinds, seeds, _ := o.seeds.snapshot()
	if o.cfg.Safe {
		env.Note(RuleNoAuthRateLimit, "not run: --safe sends no POST requests")
		return
	}
	for _, key := range keys {
		if kinds[key] != authz.Login {
			continue
		}
		seed := seeds[key]
		userField, passField := authz.CredentialFields(seed.Body)
		who, user := spareAccount(env, userField)
		target := "the run's account " + who
		if user == "" {
			user, target = unknownUser(env.Seed(), emailField(userField), ""), "a user that does not exist"
		}
		wrong := wrongSecret(jsonField(seed.Body, passField), env.Seed())
		b, err := guessBurst(ctx, env, o.cfg.RateLimitBurst, func(i int) (*plan.Case, bool) {
			body, ok := probeBody(seed, userField, passField, user, wrong(i))
			if !ok {
				return nil, false
			}
			c := seed.Clone()
			c.Body, c.Identity, c.Steps = body, plan.NoCredentials, nil
			c.Mutation = fmt.Sprintf("wrong password %d of %d for %s", i+1, o.cfg.RateLimitBurst, target)
			return c, true
		})
		if err != nil {
			return
		}
		if b.limited || b.refused < o.cfg.RateLimitBurst || b.last == nil {
			continue
		}
		env.Report(oracle.Verdict{Rule: RuleNoAuthRateLimit, Exchange: b.last,
			Message: fmt.Sprintf("%s took %d wrong passwords in a row for %s (last answer %d) without a 429, a lockout or a delay", key, b.refused, target, b.last.Status)})
	}
}

// CodeGuessing sends, at the end of the run, a burst of wrong codes to
// the operations that check a short code (a one-time password, a PIN, a
// reset or verification code) for the run's spare account, after asking
// for a code where the API has a reset request, and reports one that
// never limits the tries.
type CodeGuessing struct {
	cfg       Config
	templates templates
	mu        sync.Mutex
	targets   []*plan.Target
}

// NewCodeGuessing returns the oracle.
func NewCodeGuessing(cfg Config) *CodeGuessing { return &CodeGuessing{cfg: cfg} }

// Name implements oracle.Oracle.
func (*CodeGuessing) Name() string { return "code-guessing" }

// Rules implements oracle.Oracle.
func (*CodeGuessing) Rules() []string { return []string{RuleOTPNoRateLimit} }

// Prepare implements oracle.Preparer.
func (o *CodeGuessing) Prepare(_ context.Context, targets []*plan.Target, _ oracle.Env) {
	o.mu.Lock()
	o.targets = targets
	o.mu.Unlock()
}

// Extend implements oracle.Extender.
func (o *CodeGuessing) Extend(targets []*plan.Target) {
	o.mu.Lock()
	o.targets = withTargets(o.targets, targets)
	o.mu.Unlock()
}

// Check implements oracle.Oracle.
func (o *CodeGuessing) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	if obs.Status != 0 && len(obs.Case.Body) > 0 {
		o.templates.offer(obs.Case)
	}
}

// codeNames are the members that carry a short code a person types.
var codeNames = map[string]bool{
	"otp": true, "otpcode": true, "pin": true, "pincode": true, "code": true, "passcode": true, "totp": true,
	"verificationcode": true, "verifycode": true, "resetcode": true, "resetpin": true, "confirmationcode": true,
	"smscode": true, "mfacode": true, "twofactorcode": true, "securitycode": true, "onetimecode": true, "onetimepassword": true,
}

// codeRefusal is what an answer says when it judged a code and found it
// wrong.
var codeRefusal = regexp.MustCompile(`(?i)invalid|incorrect|wrong|expired|mismatch|does not match|not valid|try again`)

// isCodeName reports a normalised member name that carries such a code:
// one of codeNames, anything ending in otp, or a code or PIN named after
// a reset, a verification or a second factor ("reset_password_code").
func isCodeName(n string) bool {
	if codeNames[n] || strings.HasSuffix(n, "otp") {
		return true
	}
	if !strings.HasSuffix(n, "code") && !strings.HasSuffix(n, "pin") {
		return false
	}
	for _, w := range []string{"reset", "verif", "confirm", "otp", "sms", "auth", "security", "mfa", "twofactor", "2fa", "tfa", "activation", "login"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// codeOp reports operations that check such a code: their path or
// operation id is about one-time codes, verification, resets or a second
// factor (a "mechanic_code" in a contact form is not one).
func codeOp(t *plan.Target) bool {
	text := " " + strings.Join(strings.FieldsFunc(strings.ToLower(t.Op.Path+" "+t.Op.OperationID), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}), " ") + " "
	for _, w := range []string{" otp", "verify", "verification", " check ", "confirm", "reset", "2fa", "mfa", "totp", " pin", "password", "activate", "passcode", "code"} {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// codeField names the member of a request body that carries a short code,
// with the number of digits it takes (6 when nothing says).
func codeField(c *plan.Case) (string, int) {
	var obj map[string]any
	if jsonUnmarshal(c.Body, &obj) != nil {
		return "", 0
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if isCodeName(learn.Norm(k)) {
			digits := 6
			if s := fmt.Sprint(obj[k]); len(s) >= 4 && len(s) <= 8 && strings.Trim(s, "0123456789") == "" {
				digits = len(s)
			}
			return k, digits
		}
	}
	return "", 0
}

// Finish implements oracle.Finisher.
func (o *CodeGuessing) Finish(ctx context.Context, env oracle.Env) {
	if o.cfg.Safe {
		return
	}
	o.mu.Lock()
	targets := o.targets
	o.mu.Unlock()
	var requests []*plan.Target
	for _, t := range targets {
		if authz.Classify(t.Op) == authz.PasswordReset {
			requests = append(requests, t)
		}
	}
	for _, t := range targets {
		if t.Spec == nil || safeMethod(t.Op.Method) {
			continue
		}
		if !codeOp(t) {
			continue
		}
		seed := o.templates.get(t, env)
		field, digits := codeField(seed)
		if field == "" || digits > 8 {
			continue
		}
		userField, _ := authz.CredentialFields(seed.Body)
		who, user := spareAccount(env, userField)
		if user == "" {
			env.Note(RuleOTPNoRateLimit, "not run on "+t.Key()+": needs an account of the run's own to guess codes for (a sign-up operation)")
			continue
		}
		// Ask for a code first, where the API has a reset request that is
		// not this operation.
		for _, r := range requests {
			if r == t {
				continue
			}
			rc := o.templates.get(r, env)
			rf, _ := authz.CredentialFields(rc.Body)
			if rf == "" {
				continue
			}
			_, name := spareAccount(env, rf)
			if body, ok := authz.SetFields(rc.Body, map[string]string{rf: name}); ok {
				rc.Body, rc.Identity, rc.Mutation = body, plan.NoCredentials, "ask for a code for "+who
				if _, err := env.Send(ctx, rc); err != nil {
					return
				}
			}
			break
		}
		guess := func(i int) (*plan.Case, bool) {
			set := map[string]string{field: fmt.Sprintf("%0*d", digits, (int(env.Seed()&0xffff)*7919+i*104729)%pow10(digits))}
			if userField != "" {
				set[userField] = user
			}
			if pf := passwordField(seed.Body); pf != "" {
				set[pf] = fmt.Sprintf("Sp3cter-New-%d!", env.Seed()&0xffff)
			}
			body, ok := authz.SetFields(seed.Body, set)
			if !ok {
				return nil, false
			}
			c := seed.Clone()
			c.Body, c.Identity = body, plan.NoCredentials
			if t.Op.RequiresCredentials() {
				c.Identity = who
			}
			c.Mutation = fmt.Sprintf("wrong code %d of %d for %s", i+1, o.cfg.RateLimitBurst, who)
			return c, true
		}
		// A wrong code must be judged as one: answered otherwise than a
		// request with no code at all, or the guesses are refused before
		// the code is compared (a missing member, a closed flow) and say
		// nothing about a limit.
		if first, ok := guess(0); ok {
			noCode := first.Clone()
			if body, ok := authz.SetFields(first.Body, map[string]string{field: ""}); ok {
				noCode.Body, noCode.Mutation = body, "no code, to tell a judged guess from a refused request"
				a, err := env.Send(ctx, first)
				if err != nil {
					return
				}
				b, err := env.Send(ctx, noCode)
				if err != nil {
					return
				}
				same := a.Status == b.Status && authz.Shape(a.Body) == authz.Shape(b.Body)
				if a.Status == 0 || b.Status == 0 || same && !codeRefusal.Match(a.Body) {
					env.Note(RuleOTPNoRateLimit, "not run on "+t.Key()+": a wrong code is answered like no code at all, without saying the code is wrong")
					continue
				}
			}
		}
		b, err := guessBurst(ctx, env, o.cfg.RateLimitBurst, guess)
		if err != nil {
			return
		}
		if b.guessed > 0 {
			env.Report(oracle.Verdict{Rule: RuleOTPNoRateLimit, Exchange: b.last,
				Message: fmt.Sprintf("%s accepted guess %d (answer %d) for the run's account %s after %d wrong %d-digit codes with no 429, lockout or delay: the code was guessed", t.Key(), b.guessed, b.last.Status, who, b.refused, digits)})
			continue
		}
		if b.limited {
			env.Note(RuleOTPNoRateLimit, fmt.Sprintf("not reported on %s: the guesses met a limit (%s) after %d wrong codes", t.Key(), b.why, b.refused))
			continue
		}
		if b.refused < o.cfg.RateLimitBurst || b.last == nil {
			last := "no answer"
			if b.last != nil {
				last = fmt.Sprintf("last answer %d", b.last.Status)
			}
			env.Note(RuleOTPNoRateLimit, fmt.Sprintf("not judged on %s: %d of %d wrong codes were answered as wrong (%s)", t.Key(), b.refused, o.cfg.RateLimitBurst, last))
			continue
		}
		env.Report(oracle.Verdict{Rule: RuleOTPNoRateLimit, Exchange: b.last,
			Message: fmt.Sprintf("%s took %d wrong %d-digit codes in a row for the run's account %s (last answer %d) without a 429, a lockout or a delay: the %d possible codes can be tried in turn", t.Key(), b.refused, digits, who, b.last.Status, pow10(digits))})
	}
}

func pow10(n int) int {
	p := 1
	for i := 0; i < n; i++ {
		p *= 10
	}
	return p
}
