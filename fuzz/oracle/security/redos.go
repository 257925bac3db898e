package security

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/internal/schema"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/oracle/security/redos"
	"github.com/specterhq/specter/fuzz/plan"
)

// ReDoS sends, at the end of the run, attack strings for backtracking
// regular expression engines (fuzz/redos) to the string inputs a
// validator is likely to check: those with a `pattern`, an e-mail,
// hostname or URI `format`, or an e-mail or phone-like name. For each
// input it climbs the attack's ladder (strings built to cost about 64
// times more backtracking steps than the last), each rung next to a
// control of the same length that the pattern rejects at once, and stops
// at the first slow rung. A rung is slow when it takes ten times the
// larger of the operation's baseline and its control, and at least a
// second more than the control; it is reported when two more rounds,
// attack and control alternating, are slow too. Latency is the only
// evidence: the answer may be a plain 400 or 422.
type ReDoS struct {
	cfg       Config
	templates templates
	mu        sync.Mutex
	order     []*plan.Target
	seen      map[*plan.Target]bool
}

// NewReDoS returns the oracle.
func NewReDoS(cfg Config) *ReDoS { return &ReDoS{cfg: cfg, seen: map[*plan.Target]bool{}} }

// Name implements oracle.Oracle.
func (*ReDoS) Name() string { return "redos" }

// Rules implements oracle.Oracle.
func (*ReDoS) Rules() []string { return []string{RuleReDoS} }

// Limits of the check: inputs tried per run, attacks per input, and the
// time a rung may take before the climb stops.
const (
	maxReDoSInputs  = 8
	maxReDoSAttacks = 2
	redosSlowFactor = 10
	redosMinExtra   = time.Second
)

// Check implements oracle.Oracle.
func (o *ReDoS) Check(_ context.Context, obs *oracle.Observation, env oracle.Env) {
	switch obs.Status {
	case 0, 401, 403, 404, 405, 413, 429:
		return
	}
	if obs.Validity == oracle.Invalid || env.Unrouted(obs.Exchange) || obs.Case.RecordedURL != "" || obs.Case.Phase == plan.PhaseAccounts {
		return
	}
	if len(redosInputs(obs.Case)) == 0 {
		return
	}
	o.templates.offer(obs.Case)
	o.mu.Lock()
	if !o.seen[obs.Target()] {
		o.seen[obs.Target()] = true
		o.order = append(o.order, obs.Target())
	}
	o.mu.Unlock()
}

// redosInput is one input a validator may check, with what the analysis
// reads of its schema.
type redosInput struct {
	in, name string // "body", "query"
	schema   redos.Schema
}

// redosInputs are a request's string inputs worth attacking: top-level
// body members and query parameters with a pattern, a validated format or
// an e-mail or phone-like name.
func redosInputs(c *plan.Case) []redosInput {
	var out []redosInput
	add := func(in, name string, s *openapi3.Schema) {
		rs := redos.Schema{Name: name}
		if s != nil {
			rs.Pattern, rs.Format, rs.MaxLength = s.Pattern, s.Format, s.MaxLength
		}
		n := strings.ToLower(name)
		if rs.Pattern == "" && rs.Format == "" && strings.Contains(n, "mail") {
			rs.Format = "email" // an e-mail member is checked with an e-mail validator
		}
		worth := rs.Pattern != "" || rs.Format == "email" || rs.Format == "hostname" || rs.Format == "uri" ||
			strings.Contains(n, "mail") || strings.Contains(n, "phone") || strings.Contains(n, "mobile") || strings.HasSuffix(n, "tel")
		if worth && (s == nil || s.Type == nil || s.Type.Is("string")) {
			out = append(out, redosInput{in, name, rs})
		}
	}
	props, _ := schema.RequestProps(c.Target)
	for k, v := range learn.RequestFields(c) {
		if _, ok := v.(string); ok {
			add("body", k, props[k])
		}
	}
	for _, q := range c.Query {
		var s *openapi3.Schema
		for _, p := range c.Target.Op.Parameters {
			if p.In == "query" && p.Name == q.Name && p.Schema != nil {
				s = p.Schema.Value
			}
		}
		add("query", q.Name, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].in+out[i].name < out[j].in+out[j].name })
	return out
}

// Finish implements oracle.Finisher.
func (o *ReDoS) Finish(ctx context.Context, env oracle.Env) {
	o.mu.Lock()
	order := append([]*plan.Target(nil), o.order...)
	o.mu.Unlock()
	sort.SliceStable(order, func(i, j int) bool { return order[i].Index < order[j].Index })
	tried := 0
	for _, t := range order {
		if o.cfg.Safe && !safeMethod(t.Op.Method) {
			continue
		}
		seed := o.templates.get(t, env)
		for _, in := range redosInputs(seed) {
			if tried >= maxReDoSInputs || ctx.Err() != nil {
				return
			}
			res, err := redos.Analyze(in.schema)
			if err != nil || len(res.Attacks) == 0 {
				continue
			}
			tried++
			for i, a := range res.Attacks {
				if i == maxReDoSAttacks {
					break
				}
				found, err := o.climb(ctx, env, seed, in, a)
				if err != nil {
					return
				}
				if found {
					break
				}
			}
		}
	}
}

// timed sends a request and returns its duration (the per-request
// timeout ends a rung that never answers).
func timed(ctx context.Context, env oracle.Env, c *plan.Case) (time.Duration, *execute.Exchange, error) {
	x, err := env.Send(ctx, c)
	if err != nil {
		return 0, nil, err
	}
	if x == nil {
		return 0, nil, nil
	}
	return x.Duration, x, nil
}

// climb sends one attack's ladder and reports a confirmed slow rung.
func (o *ReDoS) climb(ctx context.Context, env oracle.Env, seed *plan.Case, in redosInput, a redos.Attack) (bool, error) {
	with := func(v, mutation string) *plan.Case {
		c, ok := setInput(seed, in, v)
		if !ok {
			return nil
		}
		c.Mutation = mutation
		return c
	}
	base := with(seed0(seed, in), "the operation's own answer time")
	if base == nil {
		return false, nil
	}
	var baseline time.Duration
	for i := 0; i < 3; i++ {
		d, _, err := timed(ctx, env, base)
		if err != nil {
			return false, err
		}
		baseline = max(baseline, d)
	}
	var prev time.Duration
	for i, s := range a.Strings {
		attack := with(s, fmt.Sprintf("%s.%s: ReDoS %s, rung %d of %d (%d characters)", in.in, in.name, a.Label, i+1, len(a.Strings), len(s)))
		if attack == nil {
			return false, nil
		}
		d, x, err := timed(ctx, env, attack)
		if err != nil {
			return false, err
		}
		var control time.Duration
		if i < len(a.Controls) {
			if cc := with(a.Controls[i], fmt.Sprintf("%s.%s: a control of the same length", in.in, in.name)); cc != nil {
				if control, _, err = timed(ctx, env, cc); err != nil {
					return false, err
				}
			}
		}
		if !slowRung(d, control, baseline) {
			if d < prev/2 {
				return false, nil // no growth: the validator is not this one
			}
			prev = d
			continue
		}
		// Confirm twice, attack and control alternating.
		for r := 0; r < 2; r++ {
			again, _, err := timed(ctx, env, attack)
			if err != nil {
				return false, err
			}
			var ctl time.Duration
			if i < len(a.Controls) {
				if cc := with(a.Controls[i], "control"); cc != nil {
					if ctl, _, err = timed(ctx, env, cc); err != nil {
						return false, err
					}
				}
			}
			if !slowRung(again, ctl, baseline) {
				return false, nil
			}
		}
		what := "its pattern"
		if a.Validator != "" {
			what = "a common validator (" + a.Validator + ")"
		}
		env.Report(oracle.Verdict{Rule: RuleReDoS, Exchange: x, Key: in.in + "." + in.name,
			Message: fmt.Sprintf("%s: %s.%s backtracks catastrophically (%s %s, %s): %d characters took %s, a control of the same length %s, the operation's own answer %s",
				seed.Target.Key(), in.in, in.name, a.Kind, a.Label, what, len(s), d.Round(time.Millisecond), control.Round(time.Millisecond), baseline.Round(time.Millisecond))})
		return true, nil
	}
	return false, nil
}

// slowRung judges one rung against its control and the baseline.
func slowRung(d, control, baseline time.Duration) bool {
	ref := max(control, baseline)
	return d >= time.Duration(redosSlowFactor)*ref && d >= control+redosMinExtra
}

// seed0 is an input's value in the template (the baseline request).
func seed0(c *plan.Case, in redosInput) string {
	if in.in == "query" {
		for _, q := range c.Query {
			if q.Name == in.name {
				return q.Value
			}
		}
		return ""
	}
	v, _ := learn.RequestFields(c)[in.name].(string)
	return v
}

// setInput returns a copy of the case with one input set.
func setInput(c *plan.Case, in redosInput, value string) (*plan.Case, bool) {
	return withInput(c, in.in+"."+in.name, value)
}
