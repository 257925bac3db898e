package engine

import (
	"context"
	"sync"
	"time"

	"github.com/specterhq/specter/internal/progress"
)

// progressEvery is how often a run reports the counter of its stage.
const progressEvery = 100 * time.Millisecond

// stageWatch reports the files done in the run's current stage (reading,
// loading, each static scanner) to Plan.Progress: every progressEvery
// while the stage lasts, and once with the final count when it ends. The
// work itself only adds to an atomic counter. A nil *stageWatch (no
// Plan.Progress) watches nothing.
type stageWatch struct {
	report func(stage string, done, total int)

	mu      sync.Mutex
	stage   string
	counter *progress.Counter

	stop   chan struct{}
	exited chan struct{}
}

// watchStages starts reporting to report; nil when report is nil.
func watchStages(report func(stage string, done, total int)) *stageWatch {
	if report == nil {
		return nil
	}
	w := &stageWatch{report: report, stop: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(w.exited)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-t.C:
				w.mu.Lock()
				w.send()
				w.mu.Unlock()
			}
		}
	}()
	return w
}

// enter starts a stage and returns the context that carries its counter
// to the code doing the work.
func (w *stageWatch) enter(ctx context.Context, stage string) context.Context {
	if w == nil {
		return ctx
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stage, w.counter = stage, &progress.Counter{}
	return progress.WithCounter(ctx, w.counter)
}

// leave reports the stage's final count and ends it.
func (w *stageWatch) leave() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.send()
	w.stage, w.counter = "", nil
}

// close stops reporting; nothing is reported after it returns.
func (w *stageWatch) close() {
	if w == nil {
		return
	}
	close(w.stop)
	<-w.exited
}

// send reports the current stage; w.mu is held.
func (w *stageWatch) send() {
	if w.counter == nil {
		return
	}
	done, total := w.counter.Load()
	w.report(w.stage, done, total)
}
