package fuzz

import (
	"context"
	"fmt"
	"time"
)

// startProgress prints progress until the returned channel is closed: on a
// terminal one line rewritten in place, elsewhere (CI) a plain line every
// ProgressEvery.
func (e *Engine) startProgress(ctx context.Context, start time.Time) chan struct{} {
	done := make(chan struct{})
	w := e.cfg.Progress
	if w == nil {
		return done
	}
	go func() {
		t := time.NewTicker(e.cfg.ProgressEvery)
		defer t.Stop()
		line := func() string {
			elapsed := time.Since(start)
			sent := e.stats.sent.Load() + e.stats.extra.Load()
			rate := float64(sent) / max(elapsed.Seconds(), 0.001)
			return fmt.Sprintf("fuzz: %d request(s), %.0f/s, %d finding(s), %s", sent, rate, e.findings.count(), elapsed.Round(time.Second))
		}
		for {
			select {
			case <-done:
				if e.cfg.ProgressTTY {
					fmt.Fprint(w, "\r\x1b[K")
				}
				return
			case <-ctx.Done():
				// keep ticking until done: finishers may still run
				select {
				case <-done:
					if e.cfg.ProgressTTY {
						fmt.Fprint(w, "\r\x1b[K")
					}
					return
				case <-t.C:
				}
			case <-t.C:
				if e.cfg.ProgressTTY {
					fmt.Fprintf(w, "\r\x1b[K%s", line())
				} else {
					fmt.Fprintln(w, line())
				}
			}
		}
	}()
	return done
}
