package security

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// CORS replays, at the end of the run, the lowest-numbered 2xx GET of
// each operation with crafted Origin headers:
//
//   - an origin no one owns: an answer that allows it with credentials
//     reflects any origin (reported once for the API, with the count of
//     operations that answer the same, since it is one middleware);
//   - where the API allows an origin of its own (the configured ones, the
//     spec's servers and the target's host, their registrable domain with
//     app., www. and api. in front), origins that only resemble it:
//     the allowed host with an attacker's domain after it, an attacker's
//     name glued in front of it, a subdomain followed by an attacker's
//     domain, and null. One let through with credentials is an allow-list
//     matched by prefix, by suffix or by an unanchored pattern.
type CORS struct {
	cfg   Config
	cands candidates
}

// NewCORS returns the oracle.
func NewCORS(cfg Config) *CORS { return &CORS{cfg: cfg} }

// Name implements oracle.Oracle.
func (*CORS) Name() string { return "cors" }

// Rules implements oracle.Oracle.
func (*CORS) Rules() []string {
	return []string{RuleCORSCredentials, RuleCORSOriginBypass}
}

// Check implements oracle.Oracle.
func (o *CORS) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	x := obs.Exchange
	if ok2xx(x) && x.Case.Method == http.MethodGet && x.Case.Payload == nil && x.Case.Phase != plan.PhaseAccounts {
		o.cands.offer(obs.Target().Key(), x.Case, "")
	}
}

// maxBypassOps bounds the operations the look-alike origins are tried on.
const maxBypassOps = 3

// Finish implements oracle.Finisher.
func (o *CORS) Finish(ctx context.Context, env oracle.Env) {
	cands := o.cands.sorted()
	var reflecting []string
	var first candidate
	var firstX *http.Header
	bypassTried := 0
	for _, cand := range cands {
		got, err := withOrigin(ctx, env, cand.c, authz.ProbeOrigin)
		if err != nil {
			return
		}
		if got != nil && authz.ReflectsOrigin(authz.ProbeOrigin, *got) {
			if len(reflecting) == 0 {
				first, firstX = cand, got
			}
			reflecting = append(reflecting, cand.key)
			continue
		}
		if bypassTried >= maxBypassOps {
			continue
		}
		bypassTried++
		found, err := o.bypass(ctx, env, cand)
		if err != nil {
			return
		}
		if found {
			bypassTried = maxBypassOps // one allow-list serves the API
		}
	}
	if len(reflecting) > 0 {
		x, err := env.Send(ctx, originCase(first.c, authz.ProbeOrigin))
		if err != nil || x == nil {
			return
		}
		others := ""
		if n := len(reflecting) - 1; n > 0 {
			others = fmt.Sprintf("; %d other GET operation(s) answer the same: %s", n, strings.Join(reflecting[1:min(len(reflecting), 6)], ", "))
		}
		env.Report(oracle.Verdict{Rule: RuleCORSCredentials, Exchange: x,
			Message: fmt.Sprintf("%s answered Origin %s with Access-Control-Allow-Origin: %s and Access-Control-Allow-Credentials: true%s",
				first.key, authz.ProbeOrigin, firstX.Get("Access-Control-Allow-Origin"), others)})
	}
}

func originCase(c *plan.Case, origin string) *plan.Case {
	out := c.Clone()
	out.Seq = c.Seq
	out.Headers = append(out.Headers, plan.Param{Name: "Origin", Value: origin})
	out.Mutation = "Origin: " + origin
	return out
}

// withOrigin sends a request with an Origin and returns the answer's
// headers (nil for no answer).
func withOrigin(ctx context.Context, env oracle.Env, c *plan.Case, origin string) (*http.Header, error) {
	x, err := env.Send(ctx, originCase(c, origin))
	if err != nil || x == nil || x.Status == 0 {
		return nil, err
	}
	return &x.Header, nil
}

// bypass finds an origin the operation allows and tries its look-alikes;
// it reports whether one got through.
func (o *CORS) bypass(ctx context.Context, env oracle.Env, cand candidate) (bool, error) {
	for _, allowed := range o.ownOrigins(cand.c.Target) {
		h, err := withOrigin(ctx, env, cand.c, allowed)
		if err != nil {
			return false, err
		}
		if h == nil || !authz.ReflectsOrigin(allowed, *h) {
			continue
		}
		for _, v := range lookAlikes(allowed) {
			x, err := env.Send(ctx, originCase(cand.c, v))
			if err != nil {
				return false, err
			}
			if x != nil && x.Status != 0 && authz.ReflectsOrigin(v, x.Header) {
				env.Report(oracle.Verdict{Rule: RuleCORSOriginBypass, Exchange: x,
					Message: fmt.Sprintf("%s allows the origin %s, and also the look-alike %s with Access-Control-Allow-Credentials: true: the allow-list is matched by prefix, suffix or an unanchored pattern", cand.key, allowed, v)})
				return true, nil
			}
		}
		return false, nil // one allowed origin is enough to judge the list
	}
	return false, nil
}

// lookAlikes are origins that only resemble an allowed one. Each is an
// origin a browser can send (scheme://host[:port]: no path, the port
// after the whole host) on a host the attacker can own, so one let
// through is exploitable.
func lookAlikes(allowed string) []string {
	u, err := url.Parse(allowed)
	if err != nil || u.Host == "" {
		return []string{"null"}
	}
	name := u.Hostname()
	domain := registrable(name)
	out := []string{
		u.Scheme + "://" + name + ".specter-probe.invalid" + port(u),           // an allowed prefix, then the attacker's domain
		u.Scheme + "://specterprobe" + domain + port(u),                        // the attacker's name glued before the allowed domain (not a subdomain of it)
		u.Scheme + "://specter." + domain + ".specter-probe.invalid" + port(u), // a subdomain pattern left open at the end
		"null",
	}
	return out
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return ":" + p
	}
	return ""
}

// ownOrigins are the origins the API may legitimately allow, most likely
// first: the configured ones, then the spec's servers and the target's
// host and their registrable domains' usual front ends.
func (o *CORS) ownOrigins(t *plan.Target) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.TrimRight(s, "/")
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range o.cfg.CORSOrigins {
		add(s)
	}
	var hosts []*url.URL
	if t.API != nil {
		for _, s := range t.API.Servers {
			if u, err := url.Parse(s.URL); err == nil && u.Host != "" {
				hosts = append(hosts, u)
			}
		}
	}
	if u, err := url.Parse(o.cfg.TargetURL); err == nil && u.Host != "" {
		hosts = append(hosts, u)
	}
	for _, u := range hosts {
		add(u.Scheme + "://" + u.Host)
		name := u.Hostname()
		if net.ParseIP(name) != nil || name == "localhost" {
			continue
		}
		d := registrable(name)
		for _, p := range []string{"", "app.", "www.", "api."} {
			add("https://" + p + d)
		}
	}
	if len(out) > 8 {
		out = out[:8]
	}
	return out
}

// registrable is a host's last two labels (app.example.com -> example.com);
// good enough for the front ends an API allows.
func registrable(host string) string {
	labels := strings.Split(host, ".")
	if len(labels) <= 2 {
		return host
	}
	return strings.Join(labels[len(labels)-2:], ".")
}
