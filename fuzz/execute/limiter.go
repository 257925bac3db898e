package execute

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// limiter spaces requests evenly at a rate and can pause senders until a
// time. A 429 pauses the operation that got it (APIs limit logins, resets
// and expensive operations on their own); when operations of two kinds
// are throttled at once the limit is the client's, and the whole run
// pauses.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration // 0: unlimited
	next     time.Time     // earliest time the next request may start
	now      func() time.Time
	// paused is set by pauseUntil; with no rate and no pause, wait
	// neither locks nor reads the clock.
	paused atomic.Bool
	// ops are the operations paused on their own, until when.
	ops map[string]time.Time
}

func newLimiter(perSecond float64) *limiter {
	l := &limiter{now: time.Now}
	if perSecond > 0 {
		l.interval = time.Duration(float64(time.Second) / perSecond)
	}
	return l
}

// wait blocks until the caller may send a request of operation op, or
// ctx ends.
func (l *limiter) wait(ctx context.Context, op string) error {
	if l.interval == 0 && !l.paused.Load() {
		return ctx.Err()
	}
	l.mu.Lock()
	now := l.now()
	// The run-wide slot: the rate's spacing and a run-wide pause.
	start := maxTime(l.next, now)
	if l.interval > 0 {
		l.next = start.Add(l.interval)
	}
	// The operation's own pause.
	if until, ok := l.ops[op]; ok {
		if until.After(start) {
			start = until
		} else if !until.After(now) {
			delete(l.ops, op)
		}
	}
	if !l.next.After(now) && len(l.ops) == 0 {
		l.paused.Store(false) // every pause is over
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

// pauseUntil holds the senders of operation op until t; when another
// operation is paused at the same time, every sender.
func (l *limiter) pauseUntil(op string, t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	others := 0
	for k, until := range l.ops {
		if k != op && until.After(now) {
			others++
		}
	}
	if others > 0 {
		if t.After(l.next) {
			l.next = t
		}
	} else {
		if l.ops == nil {
			l.ops = map[string]time.Time{}
		}
		if t.After(l.ops[op]) {
			l.ops[op] = t
		}
	}
	l.paused.Store(true)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
