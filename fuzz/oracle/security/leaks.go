package security

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/oracle/security/evidence"
)

// ErrorLeak reports stack traces, SQL errors, framework error pages and
// source paths in error answers (4xx/5xx), and product versions in
// response headers (once per header value). What an operation's 2xx
// answers also contain is its normal content, not a leak: those kinds are
// learnt per operation and not reported for it.
type ErrorLeak struct {
	mu       sync.Mutex
	normal   map[string]map[[2]string]bool // operation -> kind/detail seen in 2xx
	versions onceSet
}

// NewErrorLeak returns the oracle.
func NewErrorLeak() *ErrorLeak { return &ErrorLeak{normal: map[string]map[[2]string]bool{}} }

// Name implements oracle.Oracle.
func (*ErrorLeak) Name() string { return "error-leak" }

// Rules implements oracle.Oracle.
func (*ErrorLeak) Rules() []string {
	return []string{RuleErrorLeak, RuleVersionDisclosure}
}

// Check implements oracle.Oracle.
func (o *ErrorLeak) Check(_ context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	if x.Status == 0 {
		return
	}
	for _, m := range evidence.VersionHeaders(x.Header) {
		if o.versions.first(m.Excerpt) {
			env.Report(oracle.Verdict{Rule: RuleVersionDisclosure, Exchange: x, Key: m.Detail,
				Message: fmt.Sprintf("the response header %q names a product version", m.Excerpt)})
		}
	}
	var payloads []string
	if x.Case.Payload != nil {
		payloads = append(payloads, x.Case.Payload.Value, jsonEscaped(x.Case.Payload.Value))
	}
	found := evidence.Leaks(evidence.Without(x.Body, payloads...))
	if len(found) == 0 {
		return
	}
	op := obs.Target().Key()
	o.mu.Lock()
	normal := o.normal[op]
	if normal == nil {
		normal = map[[2]string]bool{}
		o.normal[op] = normal
	}
	if x.Status >= 200 && x.Status <= 299 {
		for _, m := range found {
			normal[[2]string{string(m.Kind), m.Detail}] = true
		}
		o.mu.Unlock()
		return
	}
	var leaks []evidence.Match
	for _, m := range found {
		if !normal[[2]string{string(m.Kind), m.Detail}] {
			leaks = append(leaks, m)
		}
	}
	o.mu.Unlock()
	if x.Status < 400 || len(leaks) == 0 {
		return
	}
	var parts []string
	for _, m := range leaks {
		parts = append(parts, fmt.Sprintf("%s (%s): %q", m.Kind, m.Detail, m.Excerpt))
	}
	env.Report(oracle.Verdict{Rule: RuleErrorLeak, Exchange: x,
		Message: fmt.Sprintf("%s answered %d with %s", obs.Target().Key(), x.Status, strings.Join(parts, "; "))})
}
