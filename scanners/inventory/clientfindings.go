package inventory

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/traffic/credential"
)

// ClientSummary describes one caller the traffic shows, for the report's
// clients section. It holds no credential.
type ClientSummary struct {
	// Name is how the report names the client: a client id, a redacted
	// end user, a credential's redacted prefix or a user agent; unique
	// within a run.
	Name string `json:"name"`
	// IdentifiedBy says what Name is ("token claim client_id", "user agent").
	IdentifiedBy string `json:"identified_by"`
	// Agent says why the client is an AI agent; "" when it is not one.
	Agent      string            `json:"agent"`
	Requests   int               `json:"requests"`
	FirstSeen  time.Time         `json:"first_seen"`
	LastSeen   time.Time         `json:"last_seen"`
	Operations []ClientOperation `json:"operations"`
	// PeakPerMinute, MedianPerMinute and ActiveMinutes describe its rate:
	// the busiest minute, the median of the minutes it called in, and how
	// many those were.
	PeakPerMinute   int       `json:"peak_per_minute"`
	PeakMinute      time.Time `json:"peak_minute"`
	MedianPerMinute int       `json:"median_per_minute"`
	ActiveMinutes   int       `json:"active_minutes"`
	// Scopes are the scopes its tokens (or the source) grant;
	// RequiredScopes those the documented operations it called need;
	// UnusedScopes the difference.
	Scopes         []string `json:"scopes"`
	RequiredScopes []string `json:"required_scopes"`
	UnusedScopes   []string `json:"unused_scopes"`
	// Credentials counts the distinct tokens and keys it used;
	// MaxTokenLifetime is the longest exp - iat among its tokens (0 when
	// none says), TokensWithoutExpiry those without exp.
	Credentials         int           `json:"credentials"`
	MaxTokenLifetime    time.Duration `json:"max_token_lifetime"`
	TokensWithoutExpiry int           `json:"tokens_without_expiry"`
	UserAgents          []string      `json:"user_agents"`
}

// ClientOperation is an endpoint a client called.
type ClientOperation struct {
	Method     string `json:"method"`
	Path       string `json:"path"`
	Documented bool   `json:"documented"`
	Requests   int    `json:"requests"`
}

// Thresholds of the client rules that are not options.
const (
	// A credential seen with this many user agents, or from this many
	// source hosts, is shared (one client moving between networks is
	// common, so one more host is allowed than user agents).
	sharedUserAgents = 2
	sharedHosts      = 3
	// maxClientOperations bounds the operations listed per client.
	maxClientOperations = 20
)

// clientResult is a client with what the report needs computed.
type clientResult struct {
	*client
	summary ClientSummary
	ops     []*endpoint // current endpoints, most called first
	counts  map[*endpoint]int
}

// clientFindings closes the clients' rates and returns the client rules'
// findings and the clients, agents first, then by requests.
func (r *run) clientFindings() ([]rules.Finding, []ClientSummary) {
	v := r.clients
	v.endSource()
	list := make([]*clientResult, 0, len(v.clients))
	for _, c := range v.clients {
		list = append(list, r.clientResult(c))
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if (a.agent != "") != (b.agent != "") {
			return a.agent != ""
		}
		if a.requests != b.requests {
			return a.requests > b.requests
		}
		if a.name != b.name {
			return a.name < b.name
		}
		return a.file < b.file || a.file == b.file && a.line < b.line
	})
	// Clients that would read alike (two keys with the same prefix, two
	// end users redacted alike) get a tag from a digest of what identifies
	// them, so that names, and the fingerprints built from them, do not
	// depend on which one is busier this time.
	names := map[string]int{}
	for _, c := range list {
		names[c.summary.Name]++
	}
	for _, c := range list {
		if names[c.summary.Name] > 1 {
			c.summary.Name += " (#" + c.tag + ")"
		}
	}
	var out []rules.Finding
	summaries := make([]ClientSummary, 0, len(list))
	for _, c := range list {
		summaries = append(summaries, c.summary)
		if f, ok := r.overPrivileged(c); ok {
			out = append(out, f)
		}
		if f, ok := r.longLivedToken(c); ok {
			out = append(out, f)
		}
		if f, ok := r.agentBurst(c); ok {
			out = append(out, f)
		}
	}
	// Shared credentials, in the order their owners are listed.
	for _, c := range list {
		for _, cs := range c.creds {
			if cs.owner == c.client {
				if f, ok := r.sharedCredential(c, cs); ok {
					out = append(out, f)
				}
			}
		}
	}
	return out, summaries
}

func (r *run) clientResult(c *client) *clientResult {
	res := &clientResult{client: c, counts: map[*endpoint]int{}}
	c.ops.each(func(ep *endpoint, n int) {
		cur := ep.current()
		if res.counts[cur] == 0 {
			res.ops = append(res.ops, cur)
		}
		res.counts[cur] += n
	})
	sort.Slice(res.ops, func(i, j int) bool {
		a, b := res.ops[i], res.ops[j]
		if res.counts[a] != res.counts[b] {
			return res.counts[a] > res.counts[b]
		}
		return a.key < b.key
	})
	s := ClientSummary{
		Name: c.name, IdentifiedBy: c.by, Agent: c.agent, Requests: c.requests,
		FirstSeen: c.first, LastSeen: c.last,
		Operations:    []ClientOperation{},
		PeakPerMinute: c.rate.peak, MedianPerMinute: c.rate.median(), ActiveMinutes: c.rate.active,
		Scopes: c.scopesGranted(), Credentials: len(c.creds),
		UserAgents: append([]string{}, c.userAgents...),
	}
	if c.key.kind == byUserAgent {
		s.UserAgents = []string{clipText(c.key.id, 120)}
	}
	if c.rate.peak > 0 {
		s.PeakMinute = time.Unix(c.rate.peakMinute*60, 0).UTC()
	}
	for i, ep := range res.ops {
		if i == maxClientOperations {
			break
		}
		method, path := ep.method, ep.template
		if ep.kind == kindDocumented && ep.op != nil {
			method, path = ep.op.Method, ep.op.Path
		}
		s.Operations = append(s.Operations, ClientOperation{Method: method, Path: path, Documented: ep.kind == kindDocumented, Requests: res.counts[ep]})
	}
	for _, cs := range c.creds {
		if cs.info.Kind != credential.KindJWT {
			continue
		}
		if !cs.info.HasExpiry {
			s.TokensWithoutExpiry++
		}
		s.MaxTokenLifetime = max(s.MaxTokenLifetime, cs.info.Lifetime())
	}
	s.RequiredScopes = res.requiredScopes(s.Scopes)
	if len(s.Scopes) > 0 {
		need := map[string]bool{}
		for _, sc := range s.RequiredScopes {
			need[sc] = true
		}
		for _, sc := range s.Scopes {
			if !need[sc] {
				s.UnusedScopes = append(s.UnusedScopes, sc)
			}
		}
	}
	s.Scopes = nonNil(s.Scopes)
	s.RequiredScopes = nonNil(s.RequiredScopes)
	s.UnusedScopes = nonNil(s.UnusedScopes)
	res.summary = s
	return res
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// requiredScopes is the least set of scopes that covers the documented
// operations the client called: per operation, the security alternative
// its granted scopes satisfy with the fewest scopes, or, when none is
// satisfied, the one closest to them.
func (c *clientResult) requiredScopes(granted []string) []string {
	have := map[string]bool{}
	for _, s := range granted {
		have[s] = true
	}
	need := map[string]bool{}
	for _, ep := range c.ops {
		if ep.kind != kindDocumented || ep.op == nil {
			continue
		}
		var best []string
		bestSatisfied, bestMissing := false, 0
		for _, req := range ep.op.Security {
			var scopes []string
			for _, name := range sortedSchemes(req) {
				scopes = append(scopes, req[name]...)
			}
			missing := 0
			for _, s := range scopes {
				if !have[s] {
					missing++
				}
			}
			satisfied := missing == 0
			better := best == nil ||
				satisfied && !bestSatisfied ||
				satisfied == bestSatisfied && (missing < bestMissing || missing == bestMissing && len(scopes) < len(best))
			if better {
				best, bestSatisfied, bestMissing = scopes, satisfied, missing
				if best == nil {
					best = []string{} // an alternative without scopes
				}
			}
		}
		for _, s := range best {
			need[s] = true
		}
	}
	return sortedKeys(need)
}

func sortedSchemes(req surface.SecurityRequirement) []string {
	names := make([]string, 0, len(req))
	for n := range req {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// clientLabel is the client as messages name it.
func clientLabel(c *clientResult) string {
	if c.agent != "" {
		return "agent " + c.summary.Name
	}
	return "client " + c.summary.Name
}

// clientEvidence is the evidence line every client finding starts with.
func clientEvidence(c *clientResult) string {
	e := "client: " + c.summary.Name + " (" + c.by + ")"
	if c.agent != "" {
		e += "; agent by " + c.agent
	}
	return e
}

// firstRequest is the related location of a client's first request.
func firstRequest(file string, line int, what string) rules.RelatedLocation {
	return rules.RelatedLocation{Location: rules.Location{File: file, Line: line}, Message: what}
}

func (r *run) overPrivileged(c *clientResult) (rules.Finding, bool) {
	s := c.summary
	documented := 0
	for _, ep := range c.ops {
		if ep.kind == kindDocumented {
			documented++
		}
	}
	if len(s.UnusedScopes) == 0 || documented == 0 {
		return rules.Finding{}, false
	}
	grant := strings.Join(s.RequiredScopes, " ")
	if grant == "" {
		grant = "no scopes"
	}
	msg := fmt.Sprintf("%s holds scope(s) %s that the %d documented operation(s) it called do not need; least privilege: %s",
		clientLabel(c), strings.Join(s.UnusedScopes, ", "), documented, grant)
	if undocumented := len(c.ops) - documented; undocumented > 0 {
		msg += fmt.Sprintf(" (it also called %d undocumented endpoint(s), whose scopes the spec does not say)", undocumented)
	}
	evidence := clientEvidence(c) + "; granted: " + strings.Join(s.Scopes, " ") + "; required: " + grant + "; unused: " + strings.Join(s.UnusedScopes, " ")
	loc := r.schemeLocation(c, func(sch *surface.SecurityScheme) bool { return declaresAny(sch, s.UnusedScopes) },
		func(sch *surface.SecurityScheme) bool { return sch.Type == "oauth2" || sch.Type == "openIdConnect" })
	return r.clientFinding(RuleInventoryOverPrivileged, loc, nil, msg, evidence, "over-privileged "+c.summary.Name,
		firstRequest(c.file, c.line, "first request of the client")), true
}

// declaresAny reports whether an OAuth2 scheme's flows declare one of the
// scopes.
func declaresAny(sch *surface.SecurityScheme, scopes []string) bool {
	for _, f := range sch.Flows {
		for _, s := range scopes {
			if _, ok := f.Scopes[s]; ok {
				return true
			}
		}
	}
	return false
}

func (r *run) longLivedToken(c *clientResult) (rules.Finding, bool) {
	limit := r.opts.MaxTokenLifetime
	who := "clients"
	if c.agent != "" {
		limit, who = r.opts.AgentMaxTokenLifetime, "agents"
	}
	if limit <= 0 {
		return rules.Finding{}, false
	}
	var worst *credState
	noExp := 0
	for _, cs := range c.creds {
		if cs.info.Kind != credential.KindJWT {
			continue
		}
		switch {
		case !cs.info.HasExpiry:
			noExp++
			if worst == nil || worst.info.HasExpiry {
				worst = cs
			}
		case cs.info.Lifetime() > limit && (worst == nil || worst.info.HasExpiry && cs.info.Lifetime() > worst.info.Lifetime()):
			worst = cs
		}
	}
	if worst == nil {
		return rules.Finding{}, false
	}
	var msg string
	if !worst.info.HasExpiry {
		msg = fmt.Sprintf("%s used %d token(s) without an expiry (no exp claim); %s may hold tokens for at most %s", clientLabel(c), noExp, who, lifetime(limit))
	} else {
		msg = fmt.Sprintf("%s used a token valid for %s (exp - iat), above the %s allowed for %s", clientLabel(c), lifetime(worst.info.Lifetime()), lifetime(limit), who)
	}
	evidence := fmt.Sprintf("%s; tokens: %d; longest lifetime: %s; without exp: %d", clientEvidence(c), countJWTs(c.creds), lifetime(c.summary.MaxTokenLifetime), noExp)
	loc := r.schemeLocation(c, bearerScheme, nil)
	return r.clientFinding(RuleInventoryLongLivedToken, loc, nil, msg, evidence, "long-lived "+c.summary.Name,
		firstRequest(c.file, worst.line, "first request with the token")), true
}

func countJWTs(creds []*credState) int {
	n := 0
	for _, cs := range creds {
		if cs.info.Kind == credential.KindJWT {
			n++
		}
	}
	return n
}

// bearerScheme matches the schemes a bearer token satisfies.
func bearerScheme(sch *surface.SecurityScheme) bool {
	return sch.Type == "oauth2" || sch.Type == "openIdConnect" || sch.Type == "http" && strings.EqualFold(sch.Scheme, "bearer")
}

// lifetime renders a duration in days (from two days up), hours or
// minutes.
func lifetime(d time.Duration) string {
	switch {
	case d <= 0:
		return "0"
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.Round(time.Second).String()
}

func (r *run) agentBurst(c *clientResult) (rules.Finding, bool) {
	s := c.summary
	if c.agent == "" || s.ActiveMinutes < r.opts.BurstMinMinutes || s.PeakPerMinute < r.opts.BurstMinCalls ||
		float64(s.PeakPerMinute) < r.opts.BurstFactor*float64(max(s.MedianPerMinute, 1)) {
		return rules.Finding{}, false
	}
	msg := fmt.Sprintf("%s made %d call(s) in the minute from %s, %.0f× its median of %d per active minute (%d active minute(s))",
		clientLabel(c), s.PeakPerMinute, s.PeakMinute.Format(time.RFC3339), float64(s.PeakPerMinute)/float64(max(s.MedianPerMinute, 1)), s.MedianPerMinute, s.ActiveMinutes)
	evidence := clientEvidence(c) + fmt.Sprintf("; requests: %d; peak: %d per minute; median: %d per minute", s.Requests, s.PeakPerMinute, s.MedianPerMinute)
	var op *rules.Operation
	loc := pathsLocation(r.firstAPI())
	for _, ep := range c.ops {
		if ep.kind == kindDocumented && ep.op != nil {
			op, loc = ep.op.Ref(), ep.op.Location
			evidence += "; most called: " + ep.op.Method + " " + ep.op.Path
			break
		}
	}
	return r.clientFinding(RuleInventoryAgentBurst, loc, op, msg, evidence, "burst "+c.summary.Name,
		firstRequest(c.file, c.line, "first request of the client")), true
}

func (r *run) sharedCredential(c *clientResult, cs *credState) (rules.Finding, bool) {
	if len(cs.userAgents) < sharedUserAgents && len(cs.hosts) < sharedHosts {
		return rules.Finding{}, false
	}
	what := c.summary.Name // the credential itself when it identifies the client
	if c.key.kind != byCredential {
		what = "a token of " + c.summary.Name
	}
	msg := fmt.Sprintf("%s was used from %d user agent(s) and %d source host(s) in %d request(s): one credential, several callers",
		what, len(cs.userAgents), len(cs.hosts), cs.requests)
	agents := make([]string, 0, len(cs.userAgents))
	for _, ua := range cs.userAgents {
		agents = append(agents, clipText(ua, 60))
	}
	evidence := clientEvidence(c) + "; credential: " + credentialName(cs.info)
	if cs.info.Scheme != "" {
		evidence += " (" + cs.info.Scheme + ")"
	}
	evidence += "; user agents: " + strings.Join(agents, ", ")
	loc := r.schemeLocation(c, func(sch *surface.SecurityScheme) bool {
		if cs.info.Kind == credential.KindAPIKey {
			return sch.Type == "apiKey" && strings.EqualFold(sch.ParamName, cs.info.Scheme)
		}
		return bearerScheme(sch)
	}, nil)
	return r.clientFinding(RuleInventorySharedCredential, loc, nil, msg, evidence, fmt.Sprintf("shared %s %s", c.summary.Name, what),
		firstRequest(c.file, cs.line, "first request with the credential")), true
}

// schemeLocation finds the security scheme a client finding concerns: the
// first, by name, of the schemes the client's documented operations
// require that matches want (else fallback), then of every API's schemes;
// else the first operation the client called, else the spec's paths.
func (r *run) schemeLocation(c *clientResult, want, fallback func(*surface.SecurityScheme) bool) rules.Location {
	for _, pred := range []func(*surface.SecurityScheme) bool{want, fallback} {
		if pred == nil {
			continue
		}
		for _, ep := range c.ops {
			if ep.kind != kindDocumented || ep.op == nil || ep.api == nil {
				continue
			}
			for _, req := range ep.op.Security {
				for _, name := range sortedSchemes(req) {
					if sch := ep.api.SecuritySchemes[name]; sch != nil && pred(sch) {
						return sch.Location
					}
				}
			}
		}
		for _, ix := range r.indexes {
			names := make([]string, 0, len(ix.api.SecuritySchemes))
			for n := range ix.api.SecuritySchemes {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				if sch := ix.api.SecuritySchemes[n]; pred(sch) {
					return sch.Location
				}
			}
		}
	}
	for _, ep := range c.ops {
		if ep.kind == kindDocumented && ep.op != nil {
			return ep.op.Location
		}
	}
	return pathsLocation(r.firstAPI())
}

func (r *run) firstAPI() *surface.API {
	if len(r.indexes) > 0 {
		return r.indexes[0].api
	}
	return nil
}

func (r *run) clientFinding(rule string, loc rules.Location, op *rules.Operation, msg, evidence, key string, related ...rules.RelatedLocation) rules.Finding {
	f := rules.Finding{
		RuleID:    rule,
		Severity:  severityOf(rule),
		Message:   msg,
		Location:  loc,
		Operation: op,
		Key:       key,
		Evidence:  evidence,
		Related:   related,
	}
	f.SetFingerprint()
	return f
}
