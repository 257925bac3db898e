package execute

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// limiter spaces requests evenly at a rate and can pause every sender until
// a time (a 429 with Retry-After pauses the whole run, not one worker).
type limiter struct {
	mu       sync.Mutex
	interval time.Duration // 0: unlimited
	next     time.Time     // earliest time the next request may start
	now      func() time.Time
	// paused is set by pauseUntil; with no rate and no pause, wait
	// neither locks nor reads the clock.
	paused atomic.Bool
}

func newLimiter(perSecond float64) *limiter {
	l := &limiter{now: time.Now}
	if perSecond > 0 {
		l.interval = time.Duration(float64(time.Second) / perSecond)
	}
	return l
}

// wait blocks until the caller may send, or ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	if l.interval == 0 && !l.paused.Load() {
		return ctx.Err()
	}
	l.mu.Lock()
	now := l.now()
	start := l.next
	if start.Before(now) {
		start = now
	}
	if l.interval > 0 || start.After(now) {
		l.next = start.Add(l.interval)
	} else {
		l.paused.Store(false) // the pause is over
	}
	l.mu.Unlock()
	delay := start.Sub(now)
	if delay <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pauseUntil holds every sender until t.
func (l *limiter) pauseUntil(t time.Time) {
	l.mu.Lock()
	if t.After(l.next) {
		l.next = t
	}
	l.paused.Store(true)
	l.mu.Unlock()
}
