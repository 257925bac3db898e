package fuzz

import (
	"time"
)

// progressEvery is how often a run reports its Progress.
const progressEvery = 250 * time.Millisecond

// Progress is how far a run is; Config.Progress receives it.
type Progress struct {
	// Requests counts the requests sent so far, the oracles' probes
	// included.
	Requests int64
	// Operations counts the operations sent at least one request, of
	// OperationsTotal the run exercises.
	Operations, OperationsTotal int
	// Findings counts the distinct findings so far.
	Findings int
	// Elapsed is the time since the run started.
	Elapsed time.Duration
}

// startProgress reports the run's progress to Config.Progress every
// progressEvery until the returned stop function is called; stop reports
// once more, the final count, and returns when nothing more will be
// reported, so no progress follows the report.
func (e *Engine) startProgress(start time.Time) (stop func()) {
	report := e.cfg.Progress
	if report == nil {
		return func() {}
	}
	snapshot := func() Progress {
		return Progress{
			Requests:   e.stats.sent.Load() + e.stats.extra.Load(),
			Operations: int(e.stats.reached.Load()), OperationsTotal: e.stats.targets(),
			Findings: e.findings.count(),
			Elapsed:  time.Since(start),
		}
	}
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				report(snapshot())
				return
			case <-t.C:
				report(snapshot())
			}
		}
	}()
	return func() {
		close(done)
		<-exited
	}
}
