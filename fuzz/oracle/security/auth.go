package security

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/jwt"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
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
func (*AuthNotEnforced) Rules() []string { return []string{RuleAuthNotEnforced} }

// Prepare implements oracle.Preparer.
func (o *AuthNotEnforced) Prepare(_ context.Context, targets []*plan.Target, env oracle.Env) {
	for _, t := range targets {
		if authz.Secured(t.Op) {
			return
		}
	}
	env.Note(RuleAuthNotEnforced, "not run: no operation declares a security requirement")
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
			env.Report(oracle.Verdict{Rule: RuleAuthNotEnforced, Exchange: x,
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
			env.Report(oracle.Verdict{Rule: RuleAuthNotEnforced, Exchange: anon,
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
			env.Report(oracle.Verdict{Rule: RuleAuthNotEnforced, Exchange: bad,
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
// request with forged variants of the token: alg none, a stripped or
// altered signature, an expired token (re-signed when the secret was
// guessed); kid headers that point the verifier at an empty file or an
// SQL result; jku, x5u and embedded-jwk headers that point it at a key of
// the run's own (served on the canary listener); and, for RS/PS/ES
// tokens, HS256 tokens signed with the server's published public key
// (RS256 -> HS256 confusion). A 2xx to any forgery is reported, naming the
// forgeries accepted. A verifier that fetches a key URL from the token
// header is reported as SSRF even when it refuses the token.
type TokenTampering struct {
	cfg   Config
	cands candidates
	keys  jwt.AttackerKeys
}

// NewTokenTampering returns the oracle.
func NewTokenTampering(cfg Config) *TokenTampering { return &TokenTampering{cfg: cfg} }

// Name implements oracle.Oracle.
func (*TokenTampering) Name() string { return "token-tampering" }

// Rules implements oracle.Oracle.
func (*TokenTampering) Rules() []string {
	return []string{RuleTokenTampering, RuleSSRF, RuleWeakJWTSecret}
}

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
	if !ok2xx(x) || !authz.Secured(t.Op) || obs.Validity == oracle.Invalid || (o.cfg.Safe && !safeMethod(x.Case.Method)) || x.Case.Phase == plan.PhaseAccounts {
		return
	}
	if tok := bearerJWT(x.Request); tok != nil {
		key := t.Key()
		if safeMethod(x.Case.Method) {
			key = "0 " + key // reads first: forgeries replay the request
		}
		o.cands.offer(key, x.Case, tok.Raw)
	}
}

// maxKeyProbes bounds the operations the key-injection and confusion
// forgeries are sent to: one verifier usually serves the whole API.
const maxKeyProbes = 2

// Finish implements oracle.Finisher.
func (o *TokenTampering) Finish(ctx context.Context, env oracle.Env) {
	cands := o.cands.sorted()
	sort.SliceStable(cands, func(i, j int) bool {
		return strings.HasPrefix(cands[i].key, "0 ") && !strings.HasPrefix(cands[j].key, "0 ")
	})
	if len(cands) == 0 {
		env.Note(RuleTokenTampering, "not run: no secured operation answered 2xx to a bearer JWT (give an identity whose token is a JWT)")
		return
	}
	keyProbes := 0
	var published []jwt.JWK
	var fetchedKeys bool
	// The token verifier is one filter in front of every operation: a
	// fetched key URL is one flaw of the API, reported on the first
	// operation that showed it.
	var keyFetchReported bool
	for _, cand := range cands {
		key := strings.TrimPrefix(cand.key, "0 ")
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
		kid, _ := jwt.KidInjections(tok, o.cfg.Now())
		forged = append(forged, kid...)
		var served []string // canary tokens of key URLs
		if keyProbes < maxKeyProbes {
			keyProbes++
			if l := env.Canary(); l != nil {
				if k, err := o.keys.Get(); err == nil {
					ju := l.Serve("jku "+key, jwt.JWKSContentType, k.JWKS())
					xu := l.Serve("x5u "+key, jwt.CertificateContentType, k.CertificatePEM())
					if inj, err := jwt.KeyInjections(tok, k, ju, xu, o.cfg.Now()); err == nil {
						forged = append(forged, inj...)
					}
					for _, u := range []string{ju, xu} {
						if t, ok := l.TokenOf(u); ok {
							served = append(served, t)
						}
					}
				}
			}
			if tok.IsAsymmetric() {
				if !fetchedKeys {
					fetchedKeys = true
					published = o.publishedKeys(ctx, env, tok)
				}
				for _, k := range published {
					if k.Public == nil || !tok.VerifyKey(k.Public) {
						continue
					}
					if conf, err := jwt.AlgConfusion(tok, k.Public, o.cfg.Now()); err == nil {
						forged = append(forged, conf...)
					}
					break
				}
			}
		}
		var accepted []string
		var first *execute.Exchange
		for _, f := range forged {
			c := withCredentials(cand.c, []authz.Credential{{In: "header", Name: "Authorization", Value: "Bearer " + f.Token}})
			c.Mutation = "a forged token: " + string(f.Tampering)
			if f.Note != "" {
				c.Mutation += " (" + f.Note + ")"
			}
			got, err := env.Send(ctx, c)
			if err != nil {
				return
			}
			if ok2xx(got) {
				if first == nil {
					first = got
				}
				name := string(f.Tampering)
				if f.Note != "" {
					name += ": " + f.Note
				}
				accepted = append(accepted, name)
			}
		}
		if first != nil {
			sort.Strings(accepted)
			env.Report(oracle.Verdict{Rule: RuleTokenTampering, Exchange: first,
				Message: fmt.Sprintf("%s accepted forged JWTs with 2xx (%s)", key, strings.Join(accepted, "; "))})
		}
		if l := env.Canary(); l != nil && !keyFetchReported {
			for _, t := range served {
				if l.HitCount(t) > 0 {
					keyFetchReported = true
					env.Report(oracle.Verdict{Rule: RuleSSRF, Exchange: anon, Key: "jku",
						Message: fmt.Sprintf("%s: the token verifier fetched a key URL that a forged token's header named (jku or x5u): anyone can make it fetch any URL, and sign tokens with their own key if it trusts what it fetched", key)})
					break
				}
			}
		}
	}
	for _, k := range published {
		if k.Secret != nil || k.HasPrivate {
			what := "an HMAC secret (kty oct)"
			if k.HasPrivate {
				what = "private key parameters"
			}
			env.Note(RuleWeakJWTSecret, fmt.Sprintf("the published key set holds %s (kid %q): anyone who reads it can sign tokens", what, k.KeyID))
		}
	}
}

// publishedKeys fetches the target's published signing keys: the
// well-known JWKS and discovery locations on the target's host (another
// host's keys are not fetched: the host policy). It sends GETs without
// credentials until one set holds a key that verifies the token.
func (o *TokenTampering) publishedKeys(ctx context.Context, env oracle.Env, tok *jwt.Token) []jwt.JWK {
	locs, err := jwt.KeyLocations(o.cfg.TargetURL, tok)
	if err != nil {
		return nil
	}
	fetch := func(u string) *execute.Exchange {
		c := fetchCase(u)
		if c == nil {
			return nil
		}
		x, err := env.Send(ctx, c)
		if err != nil || !ok2xx(x) {
			return nil
		}
		return x
	}
	for _, loc := range locs {
		if !sameHost(loc.URL, o.cfg.TargetURL) {
			continue
		}
		x := fetch(loc.URL)
		if x == nil {
			continue
		}
		doc := x.Body
		if loc.Kind == jwt.LocationDiscovery {
			d, err := jwt.ParseDiscovery(doc, loc.URL)
			if err != nil || d.JWKSURI == "" || !sameHost(d.JWKSURI, o.cfg.TargetURL) {
				continue
			}
			if x = fetch(d.JWKSURI); x == nil {
				continue
			}
			doc = x.Body
		}
		set, err := jwt.ParseJWKS(doc)
		if err != nil {
			continue
		}
		keys := set.ForToken(tok)
		for _, k := range keys {
			if k.Public != nil && tok.VerifyKey(k.Public) {
				return keys
			}
		}
	}
	return nil
}

// fetchCase is a GET of an absolute URL on the target's host, without
// credentials (a key document is public by nature).
func fetchCase(raw string) *plan.Case {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	t := &plan.Target{Op: &surface.Operation{Method: http.MethodGet, Path: u.Path}}
	t.Seal()
	return &plan.Case{Seq: -400, Phase: plan.PhaseStateful, Target: t, Method: http.MethodGet, RecordedURL: raw,
		Identity: plan.NoCredentials, Mutation: "the target's published signing keys", Intent: plan.IntentUnknown}
}

// sameHost reports whether two URLs name the same host and port.
func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host != "" && strings.EqualFold(ua.Host, ub.Host)
}

// WeakJWTSecret tries, offline, the weak-secret dictionary on every HMAC
// JWT seen in the run: in credentials sent, in response bodies and in
// Set-Cookie headers. It sends nothing. Tokens the dictionary does not
// open get, at the end of the run, every numeric secret of up to six
// digits (about a second of CPU per token), once per signer (alg, kid,
// iss): tokens of one signer share a secret.
type WeakJWTSecret struct {
	cfg   Config
	mu    sync.Mutex
	tried map[string]bool
	// numeric are the tokens kept for the numeric pass, one per signer.
	numeric []weakCandidate
	signers map[string]bool
}

type weakCandidate struct {
	tok   *jwt.Token
	x     *execute.Exchange
	where string
}

// maxTriedTokens bounds the memory of tokens already tried; maxNumeric
// the signers the numeric pass runs for.
const (
	maxTriedTokens = 1024
	maxNumeric     = 4
)

// NewWeakJWTSecret returns the oracle.
func NewWeakJWTSecret(cfg Config) *WeakJWTSecret {
	return &WeakJWTSecret{cfg: cfg, tried: map[string]bool{}, signers: map[string]bool{}}
}

// Name implements oracle.Oracle.
func (*WeakJWTSecret) Name() string { return "weak-jwt-secret" }

// Rules implements oracle.Oracle.
func (*WeakJWTSecret) Rules() []string { return []string{RuleWeakJWTSecret} }

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
			o.keep(tok, x, where[i])
			continue
		}
		o.report(env, tok, x, where[i], secret, jwt.FromDictionary)
	}
}

func (o *WeakJWTSecret) report(env oracle.Env, tok *jwt.Token, x *execute.Exchange, where, secret string, from jwt.SecretSource) {
	shown := sensitive.Redact(secret)
	if secret == "" {
		shown = "(empty)"
	}
	what := "a secret from the weak-secret dictionary"
	if from == jwt.FromNumeric {
		what = fmt.Sprintf("a %d-digit numeric secret", len(secret))
	}
	env.Report(oracle.Verdict{Rule: RuleWeakJWTSecret, Exchange: x, Key: tok.Alg(),
		Message: fmt.Sprintf("a %s JWT in %s verifies with %s (%s)", tok.Alg(), where, what, shown)})
}

// keep remembers a token for the numeric pass, once per signer.
func (o *WeakJWTSecret) keep(tok *jwt.Token, x *execute.Exchange, where string) {
	kid, _ := tok.Header["kid"].(string)
	iss, _ := tok.Claims["iss"].(string)
	signer := tok.Alg() + "\x00" + kid + "\x00" + iss
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.signers[signer] || len(o.numeric) >= maxNumeric {
		return
	}
	o.signers[signer] = true
	o.numeric = append(o.numeric, weakCandidate{tok: tok, x: x, where: where})
}

// Finish implements oracle.Finisher: the numeric pass.
func (o *WeakJWTSecret) Finish(ctx context.Context, env oracle.Env) {
	o.mu.Lock()
	cands := append([]weakCandidate(nil), o.numeric...)
	o.mu.Unlock()
	for _, c := range cands {
		g, ok, err := jwt.GuessSecretContext(ctx, c.tok, o.cfg.ExtraJWTSecrets...)
		if err != nil {
			return
		}
		if ok {
			o.report(env, c.tok, c.x, c.where, g.Secret, g.Source)
		}
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
