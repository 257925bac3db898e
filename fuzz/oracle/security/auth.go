package security

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/jwt"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners/secrets"
)

// AuthNotEnforced replays, at the end of the run and once per secured
// operation, the lowest-numbered request the operation answered with 2xx:
// without any credentials, then with invalid ones. A 2xx to either is
// reported. Without declared identities every request already goes out
// without credentials, so a 2xx from a secured operation is reported as it
// is.
type AuthNotEnforced struct {
	cfg   Config
	cands candidates
}

// NewAuthNotEnforced returns the oracle.
func NewAuthNotEnforced(cfg Config) *AuthNotEnforced { return &AuthNotEnforced{cfg: cfg} }

// Name implements oracle.Oracle.
func (*AuthNotEnforced) Name() string { return "auth-not-enforced" }

// Rules implements oracle.Oracle.
func (*AuthNotEnforced) Rules() []string { return []string{rules.RuleFuzzAuthNotEnforced} }

// Prepare implements oracle.Preparer.
func (o *AuthNotEnforced) Prepare(_ context.Context, targets []*plan.Target, env oracle.Env) {
	for _, t := range targets {
		if authz.Secured(t.Op) {
			return
		}
	}
	env.Note(rules.RuleFuzzAuthNotEnforced, "not run: no operation declares a security requirement")
}

// Check implements oracle.Oracle.
func (o *AuthNotEnforced) Check(_ context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	t := obs.Target()
	if !ok2xx(x) || !authz.Secured(t.Op) || obs.Validity == oracle.Invalid || (o.cfg.Safe && !safeMethod(x.Case.Method)) {
		return
	}
	if len(env.Roster().Names) == 0 || x.Case.Identity == plan.NoCredentials {
		if !hasCredential(x.Request, t) {
			env.Report(oracle.Verdict{Rule: rules.RuleFuzzAuthNotEnforced, Exchange: x,
				Message: fmt.Sprintf("%s declares a security requirement but answered %d to a request without credentials", t.Key(), x.Status)})
		}
		return
	}
	o.cands.offer(t.Key(), x.Case, "")
}

// Finish implements oracle.Finisher.
func (o *AuthNotEnforced) Finish(ctx context.Context, env oracle.Env) {
	for _, cand := range o.cands.sorted() {
		c := cand.c
		anon, err := env.Send(ctx, withoutCredentials(c))
		if err != nil {
			return
		}
		if ok2xx(anon) {
			env.Report(oracle.Verdict{Rule: rules.RuleFuzzAuthNotEnforced, Exchange: anon,
				Message: fmt.Sprintf("%s declares a security requirement but answered %d without credentials", cand.key, anon.Status)})
			continue
		}
		creds := authz.InvalidCredentials(c.Target.Op, c.Target.API)
		if len(creds) == 0 {
			continue
		}
		bad, err := env.Send(ctx, withCredentials(c, creds))
		if err != nil {
			return
		}
		if ok2xx(bad) {
			env.Report(oracle.Verdict{Rule: rules.RuleFuzzAuthNotEnforced, Exchange: bad,
				Message: fmt.Sprintf("%s answered %d to invalid credentials (%s)", cand.key, bad.Status, credentialNames(creds))})
		}
	}
}

// hasCredential reports whether a request sent without the run's
// identities still carried a credential the case recorded.
func hasCredential(req *http.Request, t *plan.Target) bool {
	if req == nil {
		return false
	}
	for _, c := range authz.CredentialNames(t.API) {
		switch c.In {
		case "header":
			if req.Header.Get(c.Name) != "" {
				return true
			}
		case "query":
			if req.URL.Query().Get(c.Name) != "" {
				return true
			}
		case "cookie":
			if _, err := req.Cookie(c.Name); err == nil {
				return true
			}
		}
	}
	return false
}

func credentialNames(cs []authz.Credential) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.In + " " + c.Name
	}
	return strings.Join(names, ", ")
}

// TokenTampering replays, at the end of the run and once per secured
// operation answered with 2xx to a bearer JWT, the lowest-numbered such
// request with forged variants of the token. A 2xx to any forgery is
// reported, naming the forgeries accepted.
type TokenTampering struct {
	cfg   Config
	cands candidates
}

// NewTokenTampering returns the oracle.
func NewTokenTampering(cfg Config) *TokenTampering { return &TokenTampering{cfg: cfg} }

// Name implements oracle.Oracle.
func (*TokenTampering) Name() string { return "token-tampering" }

// Rules implements oracle.Oracle.
func (*TokenTampering) Rules() []string { return []string{rules.RuleFuzzTokenTampering} }

func bearerJWT(req *http.Request) *jwt.Token {
	if req == nil {
		return nil
	}
	scheme, tok, ok := strings.Cut(req.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	t, err := jwt.Parse(strings.TrimSpace(tok))
	if err != nil {
		return nil
	}
	return t
}

// Check implements oracle.Oracle.
func (o *TokenTampering) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	x := obs.Exchange
	t := obs.Target()
	if !ok2xx(x) || !authz.Secured(t.Op) || obs.Validity == oracle.Invalid || (o.cfg.Safe && !safeMethod(x.Case.Method)) {
		return
	}
	if tok := bearerJWT(x.Request); tok != nil {
		o.cands.offer(t.Key(), x.Case, tok.Raw)
	}
}

// Finish implements oracle.Finisher.
func (o *TokenTampering) Finish(ctx context.Context, env oracle.Env) {
	cands := o.cands.sorted()
	if len(cands) == 0 {
		env.Note(rules.RuleFuzzTokenTampering, "not run: no secured operation answered 2xx to a bearer JWT (give an identity whose token is a JWT)")
		return
	}
	for _, cand := range cands {
		tok, err := jwt.Parse(cand.extra)
		if err != nil {
			continue
		}
		// An operation that answers without any credentials accepts forged
		// ones too; that is auth-not-enforced, not a verification flaw.
		anon, err := env.Send(ctx, withoutCredentials(cand.c))
		if err != nil {
			return
		}
		if anon.Status == 0 || ok2xx(anon) {
			continue
		}
		var secret []byte
		if s, ok := jwt.GuessSecret(tok, o.cfg.ExtraJWTSecrets...); ok {
			secret = []byte(s)
		}
		forged, err := jwt.Tamper(tok, secret, o.cfg.Now())
		if err != nil {
			continue
		}
		var accepted []string
		var first *execute.Exchange
		for _, f := range forged {
			got, err := env.Send(ctx, withCredentials(cand.c, []authz.Credential{{In: "header", Name: "Authorization", Value: "Bearer " + f.Token}}))
			if err != nil {
				return
			}
			if ok2xx(got) {
				if first == nil {
					first = got
				}
				accepted = append(accepted, string(f.Tampering))
			}
		}
		if first == nil {
			continue
		}
		sort.Strings(accepted)
		env.Report(oracle.Verdict{Rule: rules.RuleFuzzTokenTampering, Exchange: first,
			Message: fmt.Sprintf("%s accepted forged JWTs (%s) with 2xx", cand.key, strings.Join(accepted, ", "))})
	}
}

// WeakJWTSecret tries, offline, the weak-secret dictionary on every HMAC
// JWT seen in the run: in credentials sent, in response bodies and in
// Set-Cookie headers. It sends nothing.
type WeakJWTSecret struct {
	cfg   Config
	mu    sync.Mutex
	tried map[string]bool
}

// maxTriedTokens bounds the memory of tokens already tried.
const maxTriedTokens = 1024

// NewWeakJWTSecret returns the oracle.
func NewWeakJWTSecret(cfg Config) *WeakJWTSecret {
	return &WeakJWTSecret{cfg: cfg, tried: map[string]bool{}}
}

// Name implements oracle.Oracle.
func (*WeakJWTSecret) Name() string { return "weak-jwt-secret" }

// Rules implements oracle.Oracle.
func (*WeakJWTSecret) Rules() []string { return []string{rules.RuleFuzzWeakJWTSecret} }

// Check implements oracle.Oracle.
func (o *WeakJWTSecret) Check(_ context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	var found []*jwt.Token
	var where []string
	if tok := bearerJWT(x.Request); tok != nil {
		found, where = append(found, tok), append(where, "the request's Authorization header")
	}
	if bytes.Contains(x.Body, []byte("eyJ")) { // no copy of bodies without a token
		for _, tok := range jwt.Find(string(x.Body), 4) {
			found, where = append(found, tok), append(where, "the response body")
		}
	}
	for _, v := range x.Header.Values("Set-Cookie") {
		for _, tok := range jwt.Find(v, 2) {
			found, where = append(found, tok), append(where, "a Set-Cookie header")
		}
	}
	for i, tok := range found {
		if !tok.IsHMAC() || !o.fresh(tok) {
			continue
		}
		secret, ok := jwt.GuessSecret(tok, o.cfg.ExtraJWTSecrets...)
		if !ok {
			continue
		}
		shown := secrets.Redact(secret)
		if secret == "" {
			shown = "(empty)"
		}
		env.Report(oracle.Verdict{Rule: rules.RuleFuzzWeakJWTSecret, Exchange: x, Key: tok.Alg(),
			Message: fmt.Sprintf("a %s JWT in %s verifies with a secret from the weak-secret dictionary (%s)", tok.Alg(), where[i], shown)})
	}
}

// fresh reports whether a token's signature has not been tried yet.
func (o *WeakJWTSecret) fresh(tok *jwt.Token) bool {
	key := string(tok.Signature)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tried[key] {
		return false
	}
	if len(o.tried) >= maxTriedTokens {
		return false
	}
	o.tried[key] = true
	return true
}
