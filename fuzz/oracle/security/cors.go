package security

import (
	"context"
	"fmt"
	"net/http"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/rules"
)

// CORS replays, at the end of the run and once per GET operation
// answered with 2xx, the lowest-numbered such request with an Origin no one
// owns, and reports an answer that allows that origin with credentials.
type CORS struct {
	cfg   Config
	cands candidates
}

// NewCORS returns the oracle.
func NewCORS(cfg Config) *CORS { return &CORS{cfg: cfg} }

// Name implements oracle.Oracle.
func (*CORS) Name() string { return "cors" }

// Rules implements oracle.Oracle.
func (*CORS) Rules() []string { return []string{rules.RuleFuzzCORSCredentials} }

// Check implements oracle.Oracle.
func (o *CORS) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	x := obs.Exchange
	if ok2xx(x) && x.Case.Method == http.MethodGet && x.Case.Payload == nil {
		o.cands.offer(obs.Target().Key(), x.Case, "")
	}
}

// Finish implements oracle.Finisher.
func (o *CORS) Finish(ctx context.Context, env oracle.Env) {
	for _, cand := range o.cands.sorted() {
		c := cand.c.Clone()
		c.Headers = append(c.Headers, plan.Param{Name: "Origin", Value: authz.ProbeOrigin})
		got, err := env.Send(ctx, c)
		if err != nil {
			return
		}
		if got.Status == 0 || !authz.ReflectsOrigin(authz.ProbeOrigin, got.Header) {
			continue
		}
		env.Report(oracle.Verdict{Rule: rules.RuleFuzzCORSCredentials, Exchange: got,
			Message: fmt.Sprintf("%s answered Origin %s with Access-Control-Allow-Origin: %s and Access-Control-Allow-Credentials: true",
				cand.key, authz.ProbeOrigin, got.Header.Get("Access-Control-Allow-Origin"))})
	}
}
