package oracle

import (
	"context"
	"fmt"
	"net/http"
)

// ServerError reports any 5xx answer: the server failed on an input instead
// of rejecting it. 501 Not Implemented is also a failure (the operation is
// documented); 503 is reported too, since the circuit breaker separately
// stops runs against a server that is down.
type ServerError struct{}

// Name implements Oracle.
func (ServerError) Name() string { return "server-error" }

// Rules implements Oracle.
func (ServerError) Rules() []string { return []string{RuleServerError} }

// Check implements Oracle.
func (ServerError) Check(_ context.Context, obs *Observation, env Env) {
	if obs.Status < 500 || obs.Status > 599 {
		return
	}
	env.Report(Verdict{
		Rule:     RuleServerError,
		Exchange: obs.Exchange,
		Message: fmt.Sprintf("%s answered %d %s to a request of the %s phase (%s)", obs.Target().Key(), obs.Status,
			http.StatusText(obs.Status), obs.Case.Phase, obs.Case.Mutation),
	})
}
