package security

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/internal/schema"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// SSRF gives every URL-valued input a canary URL on the run's listener,
// at the end of the run: a member of a JSON or form body, or a query
// parameter, whose documented format is a URI, whose name says it holds
// one (url, uri, image_url, callback, webhook, mechanic_api...), or whose
// written value is one. The request is the lowest-numbered one an
// identity of the run got 2xx for on that operation, sent again as that
// identity with only the URL changed. A fetch of the canary URL by the
// target, or the canary's marker in the answer (the fetched content
// echoed back), is the finding.
type SSRF struct {
	cfg   Config
	mu    sync.Mutex
	byOp  map[*plan.Target]*plan.Case
	ranks map[*plan.Target]int
	order []*plan.Target
}

// NewSSRF returns the oracle.
func NewSSRF(cfg Config) *SSRF { return &SSRF{cfg: cfg} }

// Name implements oracle.Oracle.
func (*SSRF) Name() string { return "ssrf" }

// Rules implements oracle.Oracle.
func (*SSRF) Rules() []string { return []string{RuleSSRF} }

// ssrfWait is how long the check waits for a fetch after the answer: most
// fetches happen before the answer, some in a background job.
const ssrfWait = 1500 * time.Millisecond

// urlNames are words that, at the end of a member name, say it holds a URL.
var urlNames = []string{"url", "uri", "link", "href", "callback", "webhook", "endpoint", "api", "feed", "redirect", "target", "origin", "src", "source", "avatar", "image", "picture", "photo", "icon", "logo"}

// urlField reports whether a member takes a URL: its format, its name or
// its value says so.
func urlField(name string, format string, value any) bool {
	if s, ok := value.(string); ok && (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")) {
		return true
	}
	if format == "uri" || format == "url" || format == "iri" || format == "uri-reference" {
		return true
	}
	n := learn.Norm(name)
	if strings.Contains(n, "email") || strings.HasSuffix(n, "id") || strings.HasSuffix(n, "type") || strings.HasSuffix(n, "size") {
		return false
	}
	for _, w := range urlNames {
		if strings.HasSuffix(n, w) || strings.Contains(n, "url") || strings.Contains(n, "uri") {
			return true
		}
	}
	return false
}

// Check implements oracle.Oracle: it keeps, per operation with a URL
// input, the lowest-numbered valid request the operation handled: a 2xx,
// or a refusal of the URL itself (the example's URL is not reachable from
// a test environment: "Could not fetch avatar"), not one of credentials,
// routing or size.
func (o *SSRF) Check(_ context.Context, obs *oracle.Observation, env oracle.Env) {
	c := obs.Case
	switch obs.Status {
	case 0, 401, 403, 404, 405, 413, 415, 429:
		return
	}
	if obs.Validity == oracle.Invalid || env.Unrouted(obs.Exchange) || c.Varied != "" || c.Payload != nil || c.Phase == plan.PhaseAccounts || c.Identity == plan.NoCredentials && authz.Secured(c.Target.Op) {
		return
	}
	if len(urlInputs(c)) == 0 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.byOp == nil {
		o.byOp = map[*plan.Target]*plan.Case{}
	}
	r := rank(obs.Status)
	if prev, ok := o.byOp[c.Target]; ok && (o.ranks[c.Target] < r || o.ranks[c.Target] == r && prev.Seq <= c.Seq) {
		return
	}
	if _, ok := o.byOp[c.Target]; !ok {
		o.order = append(o.order, c.Target)
	}
	if o.ranks == nil {
		o.ranks = map[*plan.Target]int{}
	}
	o.byOp[c.Target], o.ranks[c.Target] = c.Clone(), r
}

// rank prefers a 2xx template to one the URL made fail.
func rank(status int) int {
	if status >= 200 && status <= 299 {
		return 0
	}
	return 1
}

// urlInputs names a request's URL inputs: "body.avatar_url", "query.url".
func urlInputs(c *plan.Case) []string {
	props, _ := schema.RequestProps(c.Target)
	var out []string
	for k, v := range learn.RequestFields(c) {
		format := ""
		if s := props[k]; s != nil {
			format = s.Format
		}
		if urlField(k, format, v) {
			out = append(out, "body."+k)
		}
	}
	for _, q := range c.Query {
		if urlField(q.Name, "", q.Value) {
			out = append(out, "query."+q.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Finish implements oracle.Finisher.
func (o *SSRF) Finish(ctx context.Context, env oracle.Env) {
	l := env.Canary()
	if l == nil {
		env.Note(RuleSSRF, "not run: no canary listener (--canary-listen, --canary-url)")
		return
	}
	if o.cfg.Safe {
		env.Note(RuleSSRF, "not run on writes: --safe sends no POST, PUT or PATCH")
	}
	o.mu.Lock()
	order := append([]*plan.Target(nil), o.order...)
	o.mu.Unlock()
	sort.SliceStable(order, func(i, j int) bool { return order[i].Index < order[j].Index })
	for _, t := range order {
		o.mu.Lock()
		seed := o.byOp[t]
		o.mu.Unlock()
		if o.cfg.Safe && !safeMethod(t.Op.Method) {
			continue
		}
		for _, in := range urlInputs(seed) {
			u := l.URL(t.Key() + " " + in)
			token, _ := l.TokenOf(u)
			c, ok := withInput(seed, in, u)
			if !ok {
				continue
			}
			c.Mutation = in + ": a canary URL of the run's listener"
			x, err := env.Send(ctx, c)
			if err != nil {
				return
			}
			marker, _ := l.Marker(token)
			echoed := x != nil && marker != "" && strings.Contains(string(x.Body), marker)
			_, waitErr := l.WaitHit(ctx, token, ssrfWait)
			if ctx.Err() != nil {
				return
			}
			if waitErr != nil && !echoed {
				continue
			}
			how := "fetched it"
			if echoed {
				how = "fetched it and echoed its content in the answer"
			}
			env.Report(oracle.Verdict{Rule: RuleSSRF, Exchange: x, Key: in,
				Message: fmt.Sprintf("%s: the target %s, a URL the client gave in %s (the canary listener of the run saw the request)", t.Key(), how, in)})
		}
	}
	if len(order) == 0 {
		env.Note(RuleSSRF, "no operation with a URL input (a uri format, a URL-like name or value) answered 2xx")
	}
}

// withInput returns a copy of the case with one input set.
func withInput(c *plan.Case, in, value string) (*plan.Case, bool) {
	where, name, _ := strings.Cut(in, ".")
	out := c.Clone()
	out.Seq = c.Seq
	switch where {
	case "query":
		for i := range out.Query {
			if out.Query[i].Name == name {
				out.Query[i].Value = value
			}
		}
		return out, true
	case "body":
		body, ok := authz.SetFields(out.Body, map[string]string{name: value})
		if !ok {
			return nil, false
		}
		out.Body = body
		return out, true
	}
	return nil, false
}
