// Package progress tells a person at a terminal how far a long run is: a
// counter each stage of work advances, and a status line that a terminal
// rewrites in place and that is cleared before the report.
package progress

import (
	"context"
	"sync/atomic"
)

// Counter counts the units (files) of one stage of work done so far and
// the units there are. It is safe for concurrent use, costs an atomic add
// per unit, and a nil *Counter counts nothing.
type Counter struct {
	done, total atomic.Int64
}

// Add counts n more units done.
func (c *Counter) Add(n int) {
	if c != nil {
		c.done.Add(int64(n))
	}
}

// SetTotal records how many units the stage has; 0 when not known yet.
func (c *Counter) SetTotal(n int) {
	if c != nil {
		c.total.Store(int64(n))
	}
}

// Load returns the units done and the total.
func (c *Counter) Load() (done, total int) {
	if c == nil {
		return 0, 0
	}
	return int(c.done.Load()), int(c.total.Load())
}

type counterKey struct{}

// WithCounter returns a context that carries c to the code doing a stage's
// work (the walk, ingest, a scanner).
func WithCounter(ctx context.Context, c *Counter) context.Context {
	return context.WithValue(ctx, counterKey{}, c)
}

// CounterFrom returns the counter ctx carries, nil (which counts nothing)
// when it carries none.
func CounterFrom(ctx context.Context) *Counter {
	c, _ := ctx.Value(counterKey{}).(*Counter)
	return c
}
