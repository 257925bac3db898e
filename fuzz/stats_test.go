package fuzz

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/generate"
	"github.com/specterhq/specter/fuzz/internal/safety"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

func TestUnexercisedReason(t *testing.T) {
	tests := []struct {
		name     string
		op       opStats
		params   bool
		contains string
	}{
		{"credentials", opStats{sent: 5, statuses: map[int]int{401: 5}}, false, "credentials missing or refused"},
		{"permission", opStats{sent: 5, statuses: map[int]int{403: 4, 400: 1}}, false, "403 (4 of 5 answers)"},
		{"no test data", opStats{sent: 3, statuses: map[int]int{404: 3}}, true, "no test data"},
		{"wrong base path", opStats{sent: 3, statuses: map[int]int{404: 3}}, false, "does not exist at the target"},
		{"constraints", opStats{sent: 6, statuses: map[int]int{422: 4, 404: 2}}, true, "422 (4 of 6 answers): constraints not met"},
		{"rate limited", opStats{sent: 2, statuses: map[int]int{429: 2}}, false, "lower --rate"},
		{"no answer", opStats{sent: 2, failed: 2, statuses: map[int]int{}}, false, "no answer to any of 2"},
		{"never sent", opStats{statuses: map[int]int{}, skipped: map[string]int{}}, false, "never sent"},
		{"skipped destructive", opStats{statuses: map[int]int{}, skipped: map[string]int{"destructive call skipped": 3}}, true, "destructive call skipped"},
	}
	for _, tt := range tests {
		if got := unexercisedReason(&tt.op, tt.params); !strings.Contains(got, tt.contains) {
			t.Errorf("%s: %q, want it to contain %q", tt.name, got, tt.contains)
		}
	}
}

func statsExchange(tg *plan.Target, phase plan.Phase, status int, earlier int) *execute.Exchange {
	x := &execute.Exchange{Case: &plan.Case{Target: tg, Phase: phase}, Status: status}
	if status == 0 {
		x.Err = errors.New("connection refused")
	}
	for i := 0; i < earlier; i++ {
		x.Earlier = append(x.Earlier, &execute.Exchange{Case: x.Case, Status: 429})
	}
	return x
}

// The summary counts what the run sent, per phase and per operation,
// what the target got again, and what the safety policy kept back.
func TestSummaryCounts(t *testing.T) {
	get := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/books", Location: rules.Location{File: "api.yaml", Line: 4}}}
	del := &plan.Target{Op: &surface.Operation{Method: "DELETE", Path: "/books/{id}", Location: rules.Location{File: "api.yaml", Line: 9}}}
	probe := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/probe"}}
	u, _ := url.Parse("http://user:pw@api.test/")
	e := &Engine{cfg: Config{Executor: execute.Config{Target: u}, Generate: generate.Options{Seed: 3}}, stats: newRunStats(), notes: &noteSet{}}
	e.stats.target(get)
	e.stats.target(del)
	e.stats.record(statsExchange(get, plan.PhaseExamples, 200, 0), 0)
	e.stats.record(statsExchange(get, plan.PhaseBoundary, 422, 2), 0)
	e.stats.record(statsExchange(get, plan.PhaseBoundary, 0, 0), 0)
	e.stats.record(statsExchange(probe, plan.PhaseInjection, 500, 1), 0) // a target the run does not list
	e.stats.skip(del, "skipped: "+safety.ClassForeignDelete+" (--allow-destructive lifts this)", safety.ClassForeignDelete)
	e.stats.skip(del, "skipped: "+safety.ClassForeignDelete+" (--allow-destructive lifts this)", safety.ClassForeignDelete)
	e.stats.skipProbe(safety.ClassForeignObject)
	e.stats.probe("bola")
	e.stats.probe("bola")
	e.stats.extra.Add(2)
	e.notes.add("R1", "a note")
	e.notes.add("R1", "a note")

	s := e.summary([]*plan.Target{get, del}, StopCompleted, time.Second)
	if s.Sent != 4 || s.Extra != 2 || s.Skipped != 2 || s.Resent != 3 || s.Target != "http://user:xxxxx@api.test/" {
		t.Errorf("sent %d extra %d skipped %d resent %d target %s", s.Sent, s.Extra, s.Skipped, s.Resent, s.Target)
	}
	if fmt.Sprint(s.PerPhase) != fmt.Sprint(map[plan.Phase]int{plan.PhaseExamples: 1, plan.PhaseBoundary: 2, plan.PhaseInjection: 1}) {
		t.Errorf("per phase %v", s.PerPhase)
	}
	if fmt.Sprint(s.SkippedByClass) != fmt.Sprint(map[string]int{safety.ClassForeignDelete: 2, safety.ClassForeignObject: 1}) {
		t.Errorf("skipped by class %v", s.SkippedByClass)
	}
	if len(s.Operations) != 2 {
		t.Fatalf("operations %+v", s.Operations)
	}
	if op := s.Operations[0]; op.Sent != 3 || op.Succeeded != 1 || fmt.Sprint(op.Statuses) != "map[200:1 422:1]" || op.Reason != "" {
		t.Errorf("GET /books: %+v", op)
	}
	if op := s.Operations[1]; op.Sent != 0 || !strings.Contains(op.Reason, "delete of an object this run did not create") {
		t.Errorf("DELETE /books/{id}: %+v", op)
	}
	lines := strings.Join(s.Lines(), "\n")
	for _, want := range []string{
		"fuzz: seed 3, target http://user:xxxxx@api.test/, 4 request(s) (+2 oracle probes, 2 skipped) in 1s; plan completed",
		"fuzz: 3 attempt(s) sent again (a 429 waited out, a 401 answered by renewing the credentials): the target got 9 requests in all",
		"fuzz: requests per phase: examples 1, boundary 2, injection 1",
		"fuzz: oracle probes: bola 2",
		"fuzz: calls not sent by the safety policy: delete of an object this run did not create 2; write on an object this run did not create 1",
		"fuzz: never exercised successfully: DELETE /books/{id} (api.yaml:9): skipped: delete of an object",
		"fuzz: R1: a note",
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("the summary lacks %q:\n%s", want, lines)
		}
	}
	if strings.Count(lines, "a note") != 1 {
		t.Errorf("a note twice:\n%s", lines)
	}
	if e.stats.firstError().Error() != "connection refused" {
		t.Errorf("first error %v", e.stats.firstError())
	}
}

// An operation skipped for several reasons gives the most frequent
// one, the same in every run.
func TestUnexercisedReasonOfSkipsIsStable(t *testing.T) {
	op := &opStats{statuses: map[int]int{}, skipped: map[string]int{"skipped: a": 1, "skipped: b": 3, "skipped: c": 3, "skipped: d": 2}}
	for i := 0; i < 50; i++ {
		if got := unexercisedReason(op, true); got != "skipped: b" {
			t.Fatalf("run %d: %q, want the most frequent reason, the first by name on a tie", i, got)
		}
	}
}
