package security

import (
	"context"
	"fmt"
	"time"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/jwt"
	"github.com/specterhq/specter/fuzz/oracle"
)

// TokenLifetime reads the JWTs that login and token operations hand out
// (in the answer's body or a Set-Cookie header) and reports those without
// an expiry, or whose expiry is months after they were issued: a token
// that leaks (a log, a browser, an agent's config) keeps working for
// everyone who has it. It sends nothing.
type TokenLifetime struct {
	cfg  Config
	once onceSet
}

// NewTokenLifetime returns the oracle.
func NewTokenLifetime(cfg Config) *TokenLifetime { return &TokenLifetime{cfg: cfg} }

// Name implements oracle.Oracle.
func (*TokenLifetime) Name() string { return "token-lifetime" }

// Rules implements oracle.Oracle.
func (*TokenLifetime) Rules() []string { return []string{RuleLongLivedToken} }

// maxTokenLifetime is the longest lifetime not reported: refresh tokens
// of a month are common; an access token of a quarter is not hygiene.
const maxTokenLifetime = 90 * 24 * time.Hour

// Check implements oracle.Oracle.
func (o *TokenLifetime) Check(_ context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	t := obs.Target()
	if !ok2xx(x) || authz.Classify(t.Op) != authz.Login {
		return
	}
	var found []*jwt.Token
	where := "its body"
	found = jwt.Find(string(x.Body), 4)
	if len(found) == 0 {
		for _, v := range x.Header.Values("Set-Cookie") {
			if found = jwt.Find(v, 2); len(found) > 0 {
				where = "a Set-Cookie header"
				break
			}
		}
	}
	now := o.cfg.Now
	if now == nil {
		now = time.Now
	}
	for _, tok := range found {
		exp, ok := tok.Expiry()
		issued := now()
		if iat, hasIat := tok.NumericDate("iat"); hasIat {
			issued = iat
		}
		var why string
		switch {
		case !ok:
			why = "has no exp claim: it never expires"
		case exp.Sub(issued) > maxTokenLifetime:
			why = fmt.Sprintf("expires %d days after it was issued", int(exp.Sub(issued).Hours()/24))
		default:
			continue
		}
		if !o.once.first(t.Key()) {
			return
		}
		env.Report(oracle.Verdict{Rule: RuleLongLivedToken, Exchange: x,
			Message: fmt.Sprintf("%s answered a login with a JWT in %s that %s (alg %s); a leaked token keeps working for whoever holds it", t.Key(), where, why, tok.Alg())})
		return
	}
}
