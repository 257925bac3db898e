package security

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/oracle/security/evidence"
	"github.com/specterhq/specter/fuzz/plan"
)

// benignValue replaces a payload in the confirming twin request.
const benignValue = "specter"

// Injection looks for evidence that an injection payload worked: a SQL
// error after a SQL payload, a system file after a traversal payload,
// command output after a command payload, an evaluated template, a payload
// reflected unescaped into HTML. Each candidate is confirmed by a twin
// request with the payload replaced by a harmless word: evidence that the
// twin shows too is the operation's normal answer, not the payload's
// doing. With TimeBased, SQL and command payload positions also get sleep
// payloads, reported when the delay shows twice and the twin stays fast.
type Injection struct {
	cfg   Config
	timed onceSet
}

// NewInjection returns the oracle.
func NewInjection(cfg Config) *Injection { return &Injection{cfg: cfg} }

// Name implements oracle.Oracle.
func (*Injection) Name() string { return "injection" }

// Rules implements oracle.Oracle.
func (*Injection) Rules() []string {
	return []string{RuleSQLInjection, RulePathTraversal, RuleCommandInjection,
		RuleTemplateInjection, RuleReflectedXSS, RuleTimeBasedInjection, RuleNoSQLInjection}
}

// Prepare implements oracle.Preparer.
func (o *Injection) Prepare(_ context.Context, _ []*plan.Target, env oracle.Env) {
	if !o.cfg.TimeBased {
		env.Note(RuleTimeBasedInjection, "not run: time-based payloads are off (--time-based turns them on)")
	}
}

// detector finds one kind of evidence in an answer.
type detector func(x *execute.Exchange, payload string) (evidence.Match, bool)

func firstOf(ms []evidence.Match) (evidence.Match, bool) {
	if len(ms) == 0 {
		return evidence.Match{}, false
	}
	return ms[0], true
}

func stripped(x *execute.Exchange, payload string) []byte {
	return evidence.Without(x.Body, payload, jsonEscaped(payload))
}

var (
	sqlDetector detector = func(x *execute.Exchange, p string) (evidence.Match, bool) {
		return firstOf(evidence.SQLErrors(stripped(x, p)))
	}
	fileDetector detector = func(x *execute.Exchange, p string) (evidence.Match, bool) {
		return firstOf(evidence.FileContents(stripped(x, p)))
	}
	commandDetector detector = func(x *execute.Exchange, p string) (evidence.Match, bool) {
		if m, ok := firstOf(evidence.CommandOutputs(stripped(x, p))); ok {
			return m, true
		}
		return firstOf(evidence.FileContents(stripped(x, p)))
	}
	templateDetector detector = func(x *execute.Exchange, p string) (evidence.Match, bool) {
		return evidence.Evaluated(x.Body, p)
	}
	xssDetector detector = func(x *execute.Exchange, p string) (evidence.Match, bool) {
		return evidence.Reflected(x.Body, x.Header.Get("Content-Type"), p)
	}
)

// familyChecks maps a payload family to its rule and detector.
var familyChecks = map[string]struct {
	rule   string
	detect detector
}{
	"sql":       {RuleSQLInjection, sqlDetector},
	"traversal": {RulePathTraversal, fileDetector},
	"ssrf":      {RulePathTraversal, fileDetector}, // file:///etc/passwd
	"command":   {RuleCommandInjection, commandDetector},
	"template":  {RuleTemplateInjection, templateDetector},
	"xss":       {RuleReflectedXSS, xssDetector},
}

// Check implements oracle.Oracle.
func (o *Injection) Check(ctx context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	p := x.Case.Payload
	if p == nil || x.Status == 0 {
		return
	}
	if o.cfg.TimeBased && (p.Family == "sql" || p.Family == "command") {
		o.timeBased(ctx, obs, env)
	}
	if p.Family == "nosql" {
		o.operator(ctx, obs, env)
		return
	}
	check, ok := familyChecks[p.Family]
	if !ok {
		return
	}
	m, ok := check.detect(x, p.Value)
	if !ok {
		return
	}
	twin, err := env.Send(ctx, replacePayload(x.Case, p.Value, benignValue))
	if err != nil || twin.Status == 0 {
		return
	}
	if tm, seen := check.detect(twin, benignValue); seen && tm.Kind == m.Kind && tm.Detail == m.Detail {
		return // the operation says this without the payload too
	}
	env.Report(oracle.Verdict{Rule: check.rule, Exchange: x, Key: p.Field,
		Message: fmt.Sprintf("%s: the %s payload %q in %s produced %s (%s): %q; the same request without it did not",
			obs.Target().Key(), p.Family, p.Value, p.Field, m.Kind, m.Detail, m.Excerpt)})
}

// operator confirms a NoSQL operator object that got a 2xx answer: the
// same request with an ordinary wrong value in the member must be refused
// (or answer with much less), and the operator must win again. An API
// that answers 2xx whatever the value is not reported.
func (o *Injection) operator(ctx context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	p := x.Case.Payload
	name, inBody := strings.CutPrefix(p.Field, "body.")
	if !ok2xx(x) || !inBody || !strings.HasPrefix(strings.TrimSpace(p.Value), "{") || strings.Contains(name, ".") {
		return
	}
	if !o.timed.first("nosql\x00" + obs.Target().Key() + "\x00" + p.Field) {
		return
	}
	body, ok := authz.SetFields(x.Case.Body, map[string]string{name: benignValue})
	if !ok {
		return
	}
	twin := x.Case.Clone()
	twin.Seq, twin.Body, twin.Payload = x.Case.Seq, body, nil
	twin.Mutation = p.Field + ": an ordinary wrong value instead of the operator"
	tx, err := env.Send(ctx, twin)
	if err != nil || tx.Status == 0 {
		return
	}
	refused := !ok2xx(tx)
	more := ok2xx(tx) && len(x.Body) > 2*len(tx.Body)+16 && authz.Shape(x.Body) != authz.Shape(tx.Body)
	if !refused && !more {
		return
	}
	again, err := env.Send(ctx, x.Case.Clone())
	if err != nil || !ok2xx(again) {
		return
	}
	how := fmt.Sprintf("the same request with %q answered %d", benignValue, tx.Status)
	if more {
		how = fmt.Sprintf("with %q it answered %d bytes, with the operator %d", benignValue, len(tx.Body), len(x.Body))
	}
	env.Report(oracle.Verdict{Rule: RuleNoSQLInjection, Exchange: x, Key: p.Field,
		Message: fmt.Sprintf("%s: the operator object %s in %s answered %d; %s: the value reaches the query as an operator", obs.Target().Key(), p.Value, p.Field, x.Status, how)})
}

// sleepPayloads ask a database or a shell to wait; %d is seconds.
var sleepPayloads = map[string][]string{
	"sql": {
		`' AND SLEEP(%d)-- -`,         // MySQL, MariaDB
		`'; SELECT pg_sleep(%d)--`,    // PostgreSQL
		`'; WAITFOR DELAY '0:0:%d'--`, // SQL Server
		`' || pg_sleep(%d) || '`,      // PostgreSQL, string context
	},
	"command": {`;sleep %d;`, "`sleep %d`", `$(sleep %d)`},
}

// timeBased sends, once per operation and field, the sleep payloads of
// the family in the payload's position. A payload is reported when two
// answers take at least the delay and a twin with a harmless value
// answers in less than half of it.
func (o *Injection) timeBased(ctx context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	p := x.Case.Payload
	if !o.timed.first(obs.Target().Key() + "\x00" + p.Field + "\x00" + p.Family) {
		return
	}
	delay := o.cfg.TimeBasedDelay
	secs := int(delay / time.Second)
	if secs < 1 {
		secs = 1
	}
	twin, err := env.Send(ctx, replacePayload(x.Case, p.Value, benignValue))
	if err != nil || twin.Duration >= delay/2 {
		return
	}
	for _, tmpl := range sleepPayloads[p.Family] {
		sleep := fmt.Sprintf(tmpl, secs)
		c := replacePayload(x.Case, p.Value, sleep)
		c.Payload = &plan.Payload{Family: p.Family, Value: sleep, Field: p.Field}
		first, err := env.Send(ctx, c)
		if err != nil {
			return
		}
		if first.Duration < delay {
			continue
		}
		again, err := env.Send(ctx, c)
		if err != nil {
			return
		}
		if again.Duration < delay {
			continue
		}
		env.Report(oracle.Verdict{Rule: RuleTimeBasedInjection, Exchange: first, Key: p.Field,
			Message: fmt.Sprintf("%s: the payload %q in %s delayed the answer to %s and %s (twin without it: %s)",
				obs.Target().Key(), sleep, p.Field, first.Duration.Round(time.Millisecond), again.Duration.Round(time.Millisecond), twin.Duration.Round(time.Millisecond))})
		return
	}
}
