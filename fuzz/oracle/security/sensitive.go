package security

import (
	"context"
	"fmt"
	"strings"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/oracle/security/exposure"
)

// SensitiveData reports credentials and personal data in 2xx answers
// that the request did not send. Values are redacted in the message.
type SensitiveData struct {
	cfg    Config
	finder *exposure.Finder
}

// NewSensitiveData returns the oracle; cfg.Classifier must be set.
func NewSensitiveData(cfg Config) *SensitiveData {
	return &SensitiveData{cfg: cfg, finder: exposure.New(cfg.Classifier)}
}

// Name implements oracle.Oracle.
func (*SensitiveData) Name() string { return "sensitive-data" }

// Rules implements oracle.Oracle.
func (*SensitiveData) Rules() []string {
	return []string{RuleSecretInResponse, RulePIIInResponse}
}

// own are the values an answer may show without exposing anything: what
// the request sent, the run's credentials, and what the run's own creates
// stored (the secret of a book the run made, shown to it).
func (o *SensitiveData) own(x *execute.Exchange, env oracle.Env) []string {
	return append(sentValues(x, o.cfg.Secrets), env.State().SentStrings()...)
}

// Check implements oracle.Oracle.
func (o *SensitiveData) Check(_ context.Context, obs *oracle.Observation, env oracle.Env) {
	x := obs.Exchange
	if !ok2xx(x) || len(x.Body) == 0 {
		return
	}
	// The body the other oracles decoded serves when it is one JSON
	// document; Find decodes the first of several (NDJSON) or a prefix
	// of a huge body itself.
	var found []exposure.Match
	if doc, err := obs.JSON(); err == nil && len(x.Body) <= exposure.MaxScanBytes {
		// What the request sent is only listed when something is found.
		found = o.finder.FindDecoded(x.Body, doc, true, func() []string { return o.own(x, env) })
	} else {
		found = o.finder.Find(x.Body, o.own(x, env))
	}
	var secretsFound, pii, values []string
	for _, m := range found {
		values = append(values, m.Value)
		where := m.Field
		if where == "" {
			where = "the body"
		}
		item := fmt.Sprintf("%s (%s, %s)", where, m.What, m.Redacted)
		if m.Kind == exposure.Secret {
			secretsFound = append(secretsFound, item)
		} else {
			pii = append(pii, item)
		}
	}
	if len(secretsFound) > 0 {
		env.Report(oracle.Verdict{Rule: RuleSecretInResponse, Exchange: x, Mask: values,
			Message: fmt.Sprintf("%s answered with credentials: %s", obs.Target().Key(), strings.Join(secretsFound, "; "))})
	}
	if len(pii) > 0 {
		env.Report(oracle.Verdict{Rule: RulePIIInResponse, Exchange: x, Mask: values,
			Message: fmt.Sprintf("%s answered with personal data: %s", obs.Target().Key(), strings.Join(pii, "; "))})
	}
}
