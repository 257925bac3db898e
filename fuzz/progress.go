package fuzz

import (
	"context"
	"fmt"
	"time"
)

// startProgress prints progress until the returned stop function is
// called: on a terminal one line rewritten in place, elsewhere (CI) a plain
// line every ProgressEvery. stop waits for the printer to finish, so no
// progress line follows the report.
func (e *Engine) startProgress(_ context.Context, start time.Time) (stop func()) {
	w := e.cfg.Progress
	if w == nil {
		return func() {}
	}
	done := make(chan struct{})
	exited := make(chan struct{})
	line := func() string {
		elapsed := time.Since(start)
		sent := e.stats.sent.Load() + e.stats.extra.Load()
		rate := float64(sent) / max(elapsed.Seconds(), 0.001)
		return fmt.Sprintf("fuzz: %d request(s), %.0f/s, %d finding(s), %s", sent, rate, e.findings.count(), elapsed.Round(time.Second))
	}
	go func() {
		defer close(exited)
		t := time.NewTicker(e.cfg.ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				if e.cfg.ProgressTTY {
					fmt.Fprint(w, "\r\x1b[K")
				}
				return
			case <-t.C:
				if e.cfg.ProgressTTY {
					fmt.Fprintf(w, "\r\x1b[K%s", line())
				} else {
					fmt.Fprintln(w, line())
				}
			}
		}
	}()
	return func() {
		close(done)
		<-exited
	}
}
