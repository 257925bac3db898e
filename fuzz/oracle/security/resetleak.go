package security

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// ResetCodeLeak asks, at the end of the run, every operation that starts
// a password reset (forgot, reset, recover: the request that names an
// account, not the one that takes the code) for a reset of the run's spare
// account, and reports an answer that hands the code, the reset token or
// the reset link back to the caller: whoever can name an account can then
// take it over, without its mailbox or phone.
type ResetCodeLeak struct {
	cfg       Config
	templates templates
	mu        sync.Mutex
	targets   []*plan.Target
}

// NewResetCodeLeak returns the oracle.
func NewResetCodeLeak(cfg Config) *ResetCodeLeak { return &ResetCodeLeak{cfg: cfg} }

// Name implements oracle.Oracle.
func (*ResetCodeLeak) Name() string { return "reset-code-leak" }

// Rules implements oracle.Oracle.
func (*ResetCodeLeak) Rules() []string { return []string{RuleResetCodeLeak} }

// Prepare implements oracle.Preparer.
func (o *ResetCodeLeak) Prepare(_ context.Context, targets []*plan.Target, _ oracle.Env) {
	o.mu.Lock()
	o.targets = targets
	o.mu.Unlock()
}

// Extend implements oracle.Extender.
func (o *ResetCodeLeak) Extend(targets []*plan.Target) {
	o.mu.Lock()
	o.targets = withTargets(o.targets, targets)
	o.mu.Unlock()
}

// Check implements oracle.Oracle: it keeps the reset requests' bodies.
func (o *ResetCodeLeak) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	if obs.Status != 0 && len(obs.Case.Body) > 0 && authz.Classify(obs.Target().Op) == authz.PasswordReset {
		o.templates.offer(obs.Case)
	}
}

// Explores implements oracle.Explorer: its probes look for new problems.
func (*ResetCodeLeak) Explores() {}

// Finish implements oracle.Finisher.
func (o *ResetCodeLeak) Finish(ctx context.Context, env oracle.Env) {
	if o.cfg.Safe {
		return
	}
	o.mu.Lock()
	targets := o.targets
	o.mu.Unlock()
	for _, t := range targets {
		if t.Spec == nil || authz.Classify(t.Op) != authz.PasswordReset {
			continue
		}
		seed := o.templates.get(t, env)
		if seed == nil || len(seed.Body) == 0 {
			continue
		}
		userField, _ := authz.CredentialFields(seed.Body)
		if field, _ := codeField(seed); userField == "" || field != "" || passwordField(seed.Body) != "" {
			continue // not the request that starts a reset
		}
		who, user := spareAccount(env, userField)
		if user == "" {
			env.Note(RuleResetCodeLeak, "not run on "+t.Key()+": needs an account of the run's own to ask a reset for (a sign-up operation)")
			continue
		}
		body, ok := authz.SetFields(seed.Body, map[string]string{userField: user})
		if !ok {
			continue
		}
		c := seed.Clone()
		c.Body, c.Identity, c.Steps = body, plan.NoCredentials, nil
		if t.Op.RequiresCredentials() {
			c.Identity = who
		}
		c.Mutation = "ask a password reset for the run's account " + who
		x, err := env.Send(ctx, c)
		if err != nil {
			return
		}
		if x == nil || !ok2xx(x) {
			continue
		}
		member, value, found := leakedResetSecret(x, body)
		if !found {
			continue
		}
		env.Report(oracle.Verdict{Rule: RuleResetCodeLeak, Exchange: x, Mask: []string{value},
			Message: fmt.Sprintf("%s answered the reset request for the run's account %s with the reset secret itself (%s: %s): whoever can name an account can reset its password without its mailbox or phone",
				t.Key(), who, member, redactShort(value))})
	}
}

// redactShort shows the first character of a short code and the start
// of a token, never the whole.
func redactShort(v string) string {
	if len(v) <= 8 {
		return v[:1] + strings.Repeat("•", len(v)-1)
	}
	return v[:4] + "…"
}

// resetTokenNames are the members that carry a reset token (a long
// secret, where a code is short).
var resetTokenNames = map[string]bool{
	"token": true, "resettoken": true, "passwordresettoken": true, "resetpasswordtoken": true, "recoverytoken": true,
	"verificationtoken": true, "resetkey": true, "resetid": true, "resetsecret": true,
}

var (
	shortCode = regexp.MustCompile(`^[0-9]{4,8}$`)
	// textCode is a code quoted in a message: "your OTP is 4821".
	textCode = regexp.MustCompile(`(?i)\b(?:otp|one[- ]time (?:code|password)|verification code|reset code|security code|passcode)\b\D{0,24}?\b([0-9]{4,8})\b`)
	// linkSecret is a reset link carrying its secret.
	linkSecret = regexp.MustCompile(`(?i)(?:[?&](?:token|code|key|reset_token|resetToken)=|/reset(?:-password)?/)([A-Za-z0-9_\-.%]{16,})`)
)

// leakedResetSecret finds, in a reset request's answer, the code, token
// or link it should only have sent to the account's owner: a code-named
// member holding 4 to 8 digits (a bare "code" only as a string, since
// APIs number their statuses), a token-named member of 16 characters or
// more, a link whose query or path carries one, or a code quoted in a
// message. Values the request itself sent are not.
func leakedResetSecret(x *execute.Exchange, sent []byte) (member, value string, ok bool) {
	check := func(name string, v any) (string, bool) {
		n := learn.Norm(name)
		s, isString := v.(string)
		if num, isNum := v.(json.Number); isNum {
			s = num.String()
		}
		s = strings.TrimSpace(s)
		switch {
		case s == "" || bytes.Contains(sent, []byte(s)):
			return "", false
		case n == "code":
			return s, isString && shortCode.MatchString(s)
		case isCodeName(n):
			return s, shortCode.MatchString(s) || isString && len(s) >= 16 && !strings.ContainsAny(s, " /")
		case resetTokenNames[n] || strings.Contains(n, "reset") && strings.HasSuffix(n, "token"):
			return s, isString && len(s) >= 16 && !strings.ContainsAny(s, " ")
		case strings.Contains(n, "link") || strings.Contains(n, "url"):
			if m := linkSecret.FindStringSubmatch(s); m != nil && !bytes.Contains(sent, []byte(m[1])) {
				return s, true
			}
		}
		return "", false
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(x.Body))
	dec.UseNumber()
	if dec.Decode(&doc) == nil {
		var walk func(v any, depth int) bool
		walk = func(v any, depth int) bool {
			if depth > 8 {
				return false
			}
			switch t := v.(type) {
			case map[string]any:
				keys := make([]string, 0, len(t))
				for k := range t {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					if s, hit := check(k, t[k]); hit {
						member, value = k, s
						return true
					}
					if s, isString := t[k].(string); isString {
						if m := textCode.FindStringSubmatch(s); m != nil && !bytes.Contains(sent, []byte(m[1])) {
							member, value = k, m[1]
							return true
						}
					}
					if walk(t[k], depth+1) {
						return true
					}
				}
			case []any:
				for _, e := range t {
					if walk(e, depth+1) {
						return true
					}
				}
			}
			return false
		}
		if walk(doc, 0) {
			return member, value, true
		}
		return "", "", false
	}
	if m := textCode.FindSubmatch(x.Body); m != nil && !bytes.Contains(sent, m[1]) {
		return "the body", string(m[1]), true
	}
	return "", "", false
}
