// Package security holds the fuzzer's security oracles: authentication
// not enforced, token tampering, guessable JWT secrets, tokens that never
// expire, error leaks, exposed management and debug endpoints,
// undocumented methods routed, injection evidence, CORS, open redirects,
// rate limiting and user enumeration on authentication operations, reset
// secrets handed out, latency outliers, secrets and personal data in
// responses, and the multi-identity authorization checks (BOLA, BFLA,
// hidden administrative twins of documented paths). Each oracle reports
// rules of the fuzz/ family declared, ids and metadata, in rules.go.
// Oracles that need something the run does not have (credentials, a
// second identity, a login operation) say so through Env.Note instead of
// guessing.
package security

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/sensitive"
)

// Config is what the security oracles need to know about the run.
type Config struct {
	// Identities are the declared identity names, the default first.
	Identities []string
	// Peer is the identity that must not reach the default identity's
	// objects (BOLA); "" takes the second declared identity.
	Peer string
	// LowPrivilege is the identity that must not call privileged
	// operations (BFLA); "" disables the check (it is never guessed).
	LowPrivilege string
	// KnownUsers are user names (or e-mail addresses) known to exist,
	// e.g. from login identities, for the user-enumeration check.
	KnownUsers []string
	// Secrets are the run's credential values; they are never reported as
	// secrets in responses and never quoted.
	Secrets []string
	// Classifier recognises credentials (the secret scanner); nil skips
	// the secret-in-response check.
	Classifier sensitive.CredentialDetector
	// TimeBased enables time-based blind injection payloads.
	TimeBased bool
	// TimeBasedDelay is the delay those payloads ask for (default 4 s).
	TimeBasedDelay time.Duration
	// RateLimitBurst is how many failed logins the rate-limit check sends
	// (default 30).
	RateLimitBurst int
	// Safe (--safe) keeps the oracles to GET, HEAD and OPTIONS replays.
	Safe bool
	// ExtraJWTSecrets are added to the weak-secret dictionary.
	ExtraJWTSecrets []string
	// Now is the clock for forged expiries; nil is time.Now.
	Now func() time.Time
	// TargetURL is the fuzz target's base URL, where the target's
	// published signing keys are looked for.
	TargetURL string
	// CORSOrigins are origins the API is meant to allow (its front ends),
	// whose look-alikes the CORS check tries.
	CORSOrigins []string
}

func (c Config) peer() string {
	if c.Peer != "" {
		return c.Peer
	}
	if len(c.Identities) >= 2 {
		return c.Identities[1]
	}
	return ""
}

func (c Config) isDefault(identity string) bool {
	return identity == "" || (len(c.Identities) > 0 && identity == c.Identities[0])
}

// Oracles returns every security oracle, in the order they should
// finish: the replays first, then user enumeration, then the rate-limit
// burst, which may make the target throttle the client.
func Oracles(cfg Config) []oracle.Oracle {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TimeBasedDelay <= 0 {
		cfg.TimeBasedDelay = 4 * time.Second
	}
	if cfg.RateLimitBurst <= 0 {
		cfg.RateLimitBurst = 30
	}
	out := []oracle.Oracle{
		NewAuthNotEnforced(cfg),
		NewTokenTampering(cfg),
		NewWeakJWTSecret(cfg),
		NewTokenLifetime(cfg),
		NewErrorLeak(),
		NewInjection(cfg),
		NewCORS(cfg),
		NewOpenRedirect(),
		NewLatency(),
		// SSRF first: its canary URLs make the URL operations succeed,
		// and what they create is more for BOLA to try.
		NewSSRF(cfg),
		NewReDoS(cfg),
		NewBOLA(cfg),
		NewBFLA(cfg),
		NewHiddenAdmin(cfg),
		NewAuthAfterLookup(cfg),
		NewMassAssignment(cfg),
		NewInternalEndpoints(),
		NewUndocumentedMethods(cfg),
		NewUserEnumeration(cfg),
		NewResetCodeLeak(cfg),
		NewCodeGuessing(cfg),
		NewAuthRateLimit(cfg),
	}
	if cfg.Classifier != nil {
		out = append(out, NewSensitiveData(cfg))
	}
	return out
}

// onceSet remembers keys (operations, collections) a check already ran
// for, so each costs a bounded number of requests per run.
type onceSet struct {
	mu   sync.Mutex
	seen map[string]bool
}

// first reports whether key is new, and marks it.
func (s *onceSet) first(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if s.seen[key] {
		return false
	}
	s.seen[key] = true
	return true
}

func ok2xx(x *execute.Exchange) bool {
	return x != nil && x.Err == nil && x.Status >= 200 && x.Status <= 299
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// withoutCredentials is a replay of c sent without the run's credentials
// and without any credential the case itself carries (a Postman request's
// recorded Authorization header, an api_key query parameter).
func withoutCredentials(c *plan.Case) *plan.Case {
	out := c.Clone()
	out.Seq = c.Seq
	out.Identity = plan.NoCredentials
	strip := authz.CredentialNames(c.Target.API)
	drop := func(ps []plan.Param, in string) []plan.Param {
		kept := ps[:0]
		for _, p := range ps {
			cred := false
			for _, s := range strip {
				if s.In == in && strings.EqualFold(s.Name, p.Name) {
					cred = true
				}
			}
			if !cred {
				kept = append(kept, p)
			}
		}
		return kept
	}
	out.Headers = drop(out.Headers, "header")
	out.Query = drop(out.Query, "query")
	out.Cookies = drop(out.Cookies, "cookie")
	if out.RecordedURL != "" {
		out.RecordedURL = stripQuery(out.RecordedURL, strip)
	}
	return out
}

func stripQuery(raw string, strip []authz.Credential) string {
	i := strings.IndexByte(raw, '?')
	if i < 0 {
		return raw
	}
	var kept []string
	for _, kv := range strings.Split(raw[i+1:], "&") {
		name, _, _ := strings.Cut(kv, "=")
		cred := false
		for _, s := range strip {
			if s.In == "query" && strings.EqualFold(s.Name, name) {
				cred = true
			}
		}
		if !cred {
			kept = append(kept, kv)
		}
	}
	if len(kept) == 0 {
		return raw[:i]
	}
	return raw[:i] + "?" + strings.Join(kept, "&")
}

// withCredentials adds credentials to a case sent without the run's.
func withCredentials(c *plan.Case, creds []authz.Credential) *plan.Case {
	out := withoutCredentials(c)
	for _, cr := range creds {
		p := plan.Param{Name: cr.Name, Value: cr.Value}
		switch cr.In {
		case "query":
			out.Query = append(out.Query, p)
		case "cookie":
			out.Cookies = append(out.Cookies, p)
		default:
			out.Headers = append(out.Headers, p)
		}
	}
	return out
}

// asIdentity is a replay of c under another identity.
func asIdentity(c *plan.Case, identity string) *plan.Case {
	out := withoutCredentials(c)
	out.Identity = identity
	return out
}

// replacePayload returns a copy of c with every occurrence of payload
// (raw and JSON-escaped) replaced by benign: the twin request that tells
// evidence caused by the payload from what the operation always says.
func replacePayload(c *plan.Case, payload, benign string) *plan.Case {
	out := c.Clone()
	out.Seq = c.Seq
	out.Payload = nil
	rep := func(s string) string { return strings.ReplaceAll(s, payload, benign) }
	for i := range out.PathParams {
		out.PathParams[i].Value = rep(out.PathParams[i].Value)
	}
	for i := range out.Query {
		out.Query[i].Value = rep(out.Query[i].Value)
	}
	for i := range out.Headers {
		out.Headers[i].Value = rep(out.Headers[i].Value)
	}
	for i := range out.Cookies {
		out.Cookies[i].Value = rep(out.Cookies[i].Value)
	}
	if out.Body != nil {
		body := strings.ReplaceAll(string(out.Body), jsonEscaped(payload), jsonEscaped(benign))
		out.Body = []byte(strings.ReplaceAll(body, payload, benign))
	}
	out.RecordedURL = rep(out.RecordedURL)
	return out
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// sentValues are the values a request carried, to tell a response that
// echoes them from one that discloses something.
func sentValues(x *execute.Exchange, extra []string) []string {
	c := x.Case
	out := append([]string(nil), extra...)
	for _, ps := range [][]plan.Param{c.PathParams, c.Query, c.Headers, c.Cookies} {
		for _, p := range ps {
			out = append(out, p.Value)
		}
	}
	if len(x.RequestBody) > 0 {
		out = append(out, string(x.RequestBody))
	}
	if x.Request != nil {
		for _, vs := range x.Request.Header {
			out = append(out, vs...)
		}
	}
	return out
}

// candidate is the case an oracle will replay for one operation (or
// collection), with what it needs besides the case (a token, an id).
type candidate struct {
	key   string
	c     *plan.Case
	extra string
}

// candidates keeps, per key, the observed case with the lowest case
// number. Oracles that replay decide in Finish over these, so which case
// they replay (and the reproducer they report) does not depend on which
// worker answered first. Memory is one case per operation.
type candidates struct {
	mu   sync.Mutex
	byOp map[string]candidate
}

func (cs *candidates) offer(key string, c *plan.Case, extra string) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.byOp == nil {
		cs.byOp = map[string]candidate{}
	}
	if prev, ok := cs.byOp[key]; ok && prev.c.Seq <= c.Seq {
		return
	}
	cs.byOp[key] = candidate{key: key, c: c.Clone(), extra: extra}
}

// sorted returns the candidates by case number.
func (cs *candidates) sorted() []candidate {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	out := make([]candidate, 0, len(cs.byOp))
	for _, c := range cs.byOp {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].c.Seq != out[j].c.Seq {
			return out[i].c.Seq < out[j].c.Seq
		}
		return out[i].key < out[j].key
	})
	return out
}

// withTargets is have followed by more, in a new array: have may share
// its array with the engine's list of targets.
func withTargets(have, more []*plan.Target) []*plan.Target {
	return append(have[:len(have):len(have)], more...)
}
