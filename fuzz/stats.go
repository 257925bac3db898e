package fuzz

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/rules"
)

// runStats counts what happened, per operation and overall. It holds
// counters only, never exchanges, so memory stays flat however long the run.
type runStats struct {
	sent, answered, failed, extra, skipped atomic.Int64
	// resent counts the attempts sent again after a 429 or a 401.
	resent atomic.Int64
	// reached counts the operations sent at least one request.
	reached atomic.Int64

	mu     sync.Mutex
	ops    map[*plan.Target]*opStats
	phases map[plan.Phase]int
	// skippedClasses counts the calls the safety policy did not send, by
	// class (generated cases and oracle probes).
	skippedClasses map[string]int
	// probes counts the requests each oracle sent.
	probes   map[string]int
	firstErr error
}

type opStats struct {
	sent, succeeded, failed int
	statuses                map[int]int
	skipped                 map[string]int
}

func newRunStats() *runStats {
	return &runStats{ops: map[*plan.Target]*opStats{}, phases: map[plan.Phase]int{}, skippedClasses: map[string]int{}}
}

func (s *runStats) target(t *plan.Target) {
	s.mu.Lock()
	s.ops[t] = &opStats{statuses: map[int]int{}, skipped: map[string]int{}}
	s.mu.Unlock()
}

// targets is how many operations the run exercises (the spec's and the
// older versions it found served).
func (s *runStats) targets() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ops)
}

func (s *runStats) record(x *execute.Exchange, _ oracle.Validity) {
	s.sent.Add(1)
	s.resent.Add(int64(len(x.Earlier)))
	if x.Status != 0 {
		s.answered.Add(1)
	} else {
		s.failed.Add(1)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.phases[x.Case.Phase]++
	op := s.ops[x.Case.Target]
	if op == nil {
		return
	}
	op.sent++
	if op.sent == 1 {
		s.reached.Add(1)
	}
	switch {
	case x.Status == 0:
		op.failed++
		if s.firstErr == nil {
			s.firstErr = x.Err
		}
	case x.Status >= 200 && x.Status <= 299:
		op.succeeded++
		op.statuses[x.Status]++
	default:
		op.statuses[x.Status]++
	}
}

// skip counts a generated case the run did not send, with the reason the
// operation's summary gives and the safety class of the call.
func (s *runStats) skip(t *plan.Target, reason, class string) {
	s.skipped.Add(1)
	s.mu.Lock()
	if op := s.ops[t]; op != nil {
		op.skipped[reason]++
	}
	s.skippedClasses[class]++
	s.mu.Unlock()
}

// probe counts a request an oracle sent.
func (s *runStats) probe(oracle string) {
	s.mu.Lock()
	if s.probes == nil {
		s.probes = map[string]int{}
	}
	s.probes[oracle]++
	s.mu.Unlock()
}

// skipProbe counts an oracle probe the safety policy did not send.
func (s *runStats) skipProbe(class string) {
	s.mu.Lock()
	s.skippedClasses[class]++
	s.mu.Unlock()
}

func (s *runStats) firstError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.firstErr == nil {
		return fmt.Errorf("no request completed")
	}
	return s.firstErr
}

// Summary is what a run did, for the report and stderr.
type Summary struct {
	Seed       int64
	Target     string
	StopReason string
	Elapsed    time.Duration
	// Sent counts the plan's requests; Extra the oracles' own requests;
	// Skipped the cases not sent (destructive calls without an own object).
	Sent, Extra, Skipped int64
	// Resent counts the attempts the target got twice or more: answered
	// 429 and waited out, or 401 and sent again with renewed credentials.
	// The target got Sent+Extra+Resent requests.
	Resent   int64
	PerPhase map[plan.Phase]int
	// SkippedByClass counts the calls the safety policy did not send, by
	// the class of call (docs/fuzz.md, "Safety").
	SkippedByClass map[string]int
	// PerOracle counts the requests each oracle sent (the run's own probe
	// of an unrouted path is the engine's).
	PerOracle map[string]int
	// FirstFinding is how long after the start the first finding came
	// (0 when there was none).
	FirstFinding time.Duration
	Operations   []OperationSummary
	// Notes are checks that could not run and other caveats.
	Notes []string
}

// OperationSummary is one operation's outcome.
type OperationSummary struct {
	Key       string
	Location  rules.Location
	Sent      int
	Succeeded int
	// Statuses counts the answers per status code.
	Statuses map[int]int
	// Reason says why an operation never got a 2xx; "" when it did.
	Reason string
}

func (e *Engine) summary(targets []*plan.Target, reason string, elapsed time.Duration) Summary {
	s := e.stats
	out := Summary{
		Seed: e.cfg.Generate.Seed, Target: e.cfg.Executor.Target.Redacted(), StopReason: reason, Elapsed: elapsed,
		Sent: s.sent.Load(), Extra: s.extra.Load(), Skipped: s.skipped.Load(), Resent: s.resent.Load(), PerPhase: map[plan.Phase]int{},
		Notes: e.notes.list(),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.phases {
		out.PerPhase[k] = v
	}
	out.SkippedByClass = map[string]int{}
	for k, v := range s.skippedClasses {
		out.SkippedByClass[k] = v
	}
	out.PerOracle = map[string]int{}
	for k, v := range s.probes {
		out.PerOracle[k] = v
	}
	out.FirstFinding = time.Duration(e.firstFinding.Load())
	for _, t := range targets {
		op := s.ops[t]
		os := OperationSummary{Key: t.Key(), Location: t.Op.Location, Sent: op.sent, Succeeded: op.succeeded, Statuses: map[int]int{}}
		for k, v := range op.statuses {
			os.Statuses[k] = v
		}
		if op.succeeded == 0 {
			os.Reason = unexercisedReason(op, strings.Contains(t.Op.Path, "{"))
		}
		out.Operations = append(out.Operations, os)
	}
	return out
}

// unexercisedReason explains why an operation never answered 2xx, from the
// status it answered most.
func unexercisedReason(op *opStats, pathHasParams bool) string {
	if op.sent == 0 {
		// The most frequent reason, the first by name on a tie: a map's
		// order would change the summary from run to run.
		reason, n := "", 0
		for r, k := range op.skipped {
			if k > n || (k == n && r < reason) {
				reason, n = r, k
			}
		}
		if reason != "" {
			return reason
		}
		return "never sent (budget or time ran out first)"
	}
	best, bestN := 0, -1
	for code, n := range op.statuses {
		if n > bestN || (n == bestN && code < best) {
			best, bestN = code, n
		}
	}
	if bestN <= 0 {
		return fmt.Sprintf("no answer to any of %d request(s) (timeouts or connection errors)", op.sent)
	}
	share := fmt.Sprintf("%d of %d answers", bestN, op.sent)
	switch {
	case best == 401:
		return fmt.Sprintf("401 (%s): credentials missing or refused; give an --identity", share)
	case best == 403:
		return fmt.Sprintf("403 (%s): the identity lacks permission", share)
	case best == 404 && pathHasParams:
		return fmt.Sprintf("404 (%s): no test data; the ids the fuzzer tried do not exist", share)
	case best == 404:
		return fmt.Sprintf("404 (%s): the path does not exist at the target; check --target's base path", share)
	case best == 400 || best == 422:
		return fmt.Sprintf("%d (%s): constraints not met; add examples to the spec", best, share)
	case best == 429:
		return fmt.Sprintf("429 (%s): rate limited; lower --rate", share)
	case best >= 500:
		return fmt.Sprintf("%d (%s): server errors", best, share)
	}
	return fmt.Sprintf("%d (%s)", best, share)
}

// Lines renders the summary as plain lines for stderr and report notes.
func (s *Summary) Lines() []string {
	lines := []string{fmt.Sprintf("fuzz: seed %d, target %s, %d request(s) (+%d oracle probes, %d skipped) in %s; %s",
		s.Seed, s.Target, s.Sent, s.Extra, s.Skipped, s.Elapsed.Round(time.Millisecond), s.StopReason)}
	if s.Resent > 0 {
		lines = append(lines, fmt.Sprintf("fuzz: %d attempt(s) sent again (a 429 waited out, a 401 answered by renewing the credentials): the target got %d requests in all", s.Resent, s.Sent+s.Extra+s.Resent))
	}
	var phases []string
	for _, p := range plan.Phases() {
		if n := s.PerPhase[p]; n > 0 {
			phases = append(phases, fmt.Sprintf("%s %d", p, n))
		}
	}
	if len(phases) > 0 {
		lines = append(lines, "fuzz: requests per phase: "+strings.Join(phases, ", "))
	}
	if len(s.PerOracle) > 0 {
		names := make([]string, 0, len(s.PerOracle))
		for n := range s.PerOracle {
			names = append(names, n)
		}
		sort.Strings(names)
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = fmt.Sprintf("%s %d", n, s.PerOracle[n])
		}
		lines = append(lines, "fuzz: oracle probes: "+strings.Join(parts, ", "))
	}
	if s.FirstFinding > 0 {
		lines = append(lines, fmt.Sprintf("fuzz: first finding after %s", s.FirstFinding.Round(time.Millisecond)))
	}
	if len(s.SkippedByClass) > 0 {
		classes := make([]string, 0, len(s.SkippedByClass))
		for c, n := range s.SkippedByClass {
			classes = append(classes, fmt.Sprintf("%s %d", c, n))
		}
		sort.Strings(classes)
		lines = append(lines, "fuzz: calls not sent by the safety policy: "+strings.Join(classes, "; "))
	}
	var never []string
	for _, op := range s.Operations {
		if op.Reason != "" {
			never = append(never, fmt.Sprintf("fuzz: never exercised successfully: %s (%s): %s", op.Key, locationLabel(op.Location), op.Reason))
		}
	}
	sort.Strings(never)
	lines = append(lines, never...)
	for _, n := range s.Notes {
		lines = append(lines, "fuzz: "+n)
	}
	return lines
}

func locationLabel(l rules.Location) string {
	if l.Line > 0 {
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return l.File
}
