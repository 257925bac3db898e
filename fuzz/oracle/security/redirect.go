package security

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// OpenRedirect replays, at the end of the run, the lowest-numbered
// answered GET of each operation with a query parameter named like a
// redirect target (next, redirect_uri, returnTo, continue, goto…) set to
// a host no one owns, then to the same host written protocol-relative
// (//host, which naive "starts with /" checks let through). A 3xx whose
// Location sends the browser to that host is an open redirect: a link on
// the API's own domain that lands on the attacker's page, the phishing
// step of an OAuth or login flow.
type OpenRedirect struct {
	cands candidates
}

// NewOpenRedirect returns the oracle.
func NewOpenRedirect() *OpenRedirect { return &OpenRedirect{} }

// Name implements oracle.Oracle.
func (*OpenRedirect) Name() string { return "open-redirect" }

// Rules implements oracle.Oracle.
func (*OpenRedirect) Rules() []string { return []string{RuleOpenRedirect} }

// redirectHost is the host the probes send the browser to: reserved
// (.invalid), so a redirect there can go nowhere.
const redirectHost = "specter-redirect.invalid"

// redirectNames are the normalised parameter names that carry where to go
// next.
var redirectNames = map[string]bool{
	"next": true, "continue": true, "dest": true, "destination": true, "goto": true, "forward": true, "redir": true,
	"redirect": true, "redirecturl": true, "redirecturi": true, "redirectto": true, "return": true, "returnto": true,
	"returnurl": true, "returnuri": true, "returnpath": true, "backurl": true, "callbackurl": true, "successurl": true,
	"failureurl": true, "cancelurl": true, "target": true, "targeturl": true, "url": true, "to": true, "rurl": true,
	"service": true,
}

func redirectParam(c *plan.Case) string {
	for _, q := range c.Query {
		if redirectNames[learn.Norm(q.Name)] {
			return q.Name
		}
	}
	return ""
}

// Check implements oracle.Oracle.
func (o *OpenRedirect) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	x := obs.Exchange
	if x.Status == 0 || x.Case.Method != http.MethodGet || x.Case.Payload != nil || x.Case.RecordedURL != "" || redirectParam(x.Case) == "" {
		return
	}
	o.cands.offer(obs.Target().Key(), x.Case, "")
}

// Explores implements oracle.Explorer: its probes look for new problems.
func (*OpenRedirect) Explores() {}

// Finish implements oracle.Finisher.
func (o *OpenRedirect) Finish(ctx context.Context, env oracle.Env) {
	for _, cand := range o.cands.sorted() {
		name := redirectParam(cand.c)
		for _, v := range []string{"https://" + redirectHost + "/landing", "//" + redirectHost + "/landing"} {
			c := cand.c.Clone()
			for i := range c.Query {
				if c.Query[i].Name == name {
					c.Query[i].Value = v
				}
			}
			c.Varied, c.Mutation = "query."+name, fmt.Sprintf("query.%s: %s, a host no one owns", name, v)
			x, err := env.Send(ctx, c)
			if err != nil {
				return
			}
			if x == nil || x.Status < 300 || x.Status > 399 {
				continue
			}
			loc := x.Header.Get("Location")
			if !redirectsTo(loc, redirectHost) {
				continue
			}
			env.Report(oracle.Verdict{Rule: RuleOpenRedirect, Exchange: x,
				Message: fmt.Sprintf("%s with %s=%s answered %d with Location: %s: the API sends its users to any site the link names", cand.key, name, v, x.Status, loc)})
			break
		}
	}
}

// redirectsTo reports whether a Location header sends a browser to host:
// an absolute or protocol-relative URL of that host (backslashes read as
// browsers read them), not a path or a query that merely quotes it.
func redirectsTo(loc, host string) bool {
	loc = strings.TrimSpace(strings.ReplaceAll(loc, `\`, "/"))
	if !strings.Contains(loc, "//") {
		return false
	}
	if strings.HasPrefix(loc, "//") {
		loc = "https:" + loc
	}
	u, err := url.Parse(loc)
	if err != nil || u.Scheme == "" {
		return false
	}
	return strings.EqualFold(u.Hostname(), host)
}
