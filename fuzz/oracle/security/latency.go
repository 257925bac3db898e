package security

import (
	"context"
	"fmt"
	"time"

	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/oracle/security/latency"
	"github.com/specterhq/specter/fuzz/plan"
)

// Latency tracks every operation's answer times; at the end of the run it
// repeats the lowest-numbered kept exchanges over their operation's
// threshold (10x the median and at least a second more), at most
// maxRepeats per operation, and reports the first whose repeat is slow
// too, with the input that caused it.
type Latency struct {
	tracker *latency.Tracker[slowCase]
}

// slowCase is what a candidate keeps: the case to repeat and what it was
// sent with, not the exchange (memory stays flat).
type slowCase struct {
	c *plan.Case
}

// maxRepeats bounds the confirmations per operation.
const maxRepeats = 2

// NewLatency returns the oracle.
func NewLatency() *Latency {
	return &Latency{tracker: latency.New[slowCase](latency.Config{})}
}

// Name implements oracle.Oracle.
func (*Latency) Name() string { return "latency-outlier" }

// Rules implements oracle.Oracle.
func (*Latency) Rules() []string { return []string{RuleLatencyOutlier} }

// Check implements oracle.Oracle.
func (o *Latency) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	x := obs.Exchange
	if x.Status == 0 && !x.TimedOut() {
		return
	}
	o.tracker.Observe(obs.Target().Key(), x.Case.Seq, x.Duration, slowCase{c: x.Case})
}

// Finish implements oracle.Finisher.
func (o *Latency) Finish(ctx context.Context, env oracle.Env) {
	tried := map[string]int{}
	done := map[string]bool{}
	for _, out := range o.tracker.Outliers() {
		if done[out.Op] || tried[out.Op] >= maxRepeats {
			continue
		}
		tried[out.Op]++
		c := out.Item.c
		again, err := env.Send(ctx, c.Clone())
		if err != nil {
			return
		}
		if !out.Confirmed(again.Duration) {
			continue
		}
		done[out.Op] = true
		input := c.Mutation
		if c.Payload != nil {
			input = fmt.Sprintf("%s payload %q in %s", c.Payload.Family, c.Payload.Value, c.Payload.Field)
		}
		env.Report(oracle.Verdict{Rule: RuleLatencyOutlier, Exchange: again,
			Message: fmt.Sprintf("%s took %s and %s on repeat for %s; its median is %s",
				out.Op, roundDuration(out.Duration), roundDuration(again.Duration), input, roundDuration(out.Median))})
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
