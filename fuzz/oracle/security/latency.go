package security

import (
	"context"
	"fmt"
	"time"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/latency"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/rules"
)

// Latency tracks every operation's answer times; at the end of the run it
// repeats each kept slow exchange over its operation's threshold (10x the
// median and at least a second more) and reports it when the repeat is
// slow too, with the input that caused it.
type Latency struct {
	tracker *latency.Tracker[*execute.Exchange]
}

// NewLatency returns the oracle.
func NewLatency() *Latency {
	return &Latency{tracker: latency.New[*execute.Exchange](latency.Config{})}
}

// Name implements oracle.Oracle.
func (*Latency) Name() string { return "latency-outlier" }

// Rules implements oracle.Oracle.
func (*Latency) Rules() []string { return []string{rules.RuleFuzzLatencyOutlier} }

// Check implements oracle.Oracle.
func (o *Latency) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	x := obs.Exchange
	if x.Status == 0 && !x.TimedOut() {
		return
	}
	o.tracker.Observe(obs.Target().Key(), x.Case.Seq, x.Duration, x)
}

// Finish implements oracle.Finisher.
func (o *Latency) Finish(ctx context.Context, env oracle.Env) {
	for _, out := range o.tracker.Outliers() {
		x := out.Item
		again, err := env.Send(ctx, x.Case.Clone())
		if err != nil {
			return
		}
		if !out.Confirmed(again.Duration) {
			continue
		}
		input := x.Case.Mutation
		if x.Case.Payload != nil {
			input = fmt.Sprintf("%s payload %q in %s", x.Case.Payload.Family, x.Case.Payload.Value, x.Case.Payload.Field)
		}
		env.Report(oracle.Verdict{Rule: rules.RuleFuzzLatencyOutlier, Exchange: x,
			Message: fmt.Sprintf("%s took %s and %s on repeat for %s; its median is %s",
				out.Op, roundDuration(x.Duration), roundDuration(again.Duration), input, roundDuration(out.Median))})
	}
}

// roundDuration keeps three significant figures or so: "1.32s", "2.4ms",
// "180µs".
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}
