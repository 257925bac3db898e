package execute

import (
	"context"
	"testing"
	"time"
)

// A 429 pauses its own operation; other operations go on, until a second
// operation is throttled while the first is paused: then the whole run
// waits (the limit is the client's).
func TestLimiterPausesPerOperation(t *testing.T) {
	now := time.Unix(1000, 0)
	l := newLimiter(0)
	l.now = func() time.Time { return now }
	ready := func(op string) bool {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		return l.wait(ctx, op) == nil
	}
	if !ready("POST /login") {
		t.Fatal("an unlimited limiter made a sender wait")
	}
	l.pauseUntil("POST /login", now.Add(10*time.Second))
	if ready("POST /login") {
		t.Error("the throttled operation was not paused")
	}
	if !ready("GET /items") {
		t.Error("another operation waited for the login's pause")
	}
	l.pauseUntil("GET /items", now.Add(5*time.Second))
	if ready("GET /orders") {
		t.Error("two throttled operations did not pause the whole run")
	}
	now = now.Add(11 * time.Second)
	for _, op := range []string{"POST /login", "GET /items", "GET /orders"} {
		if !ready(op) {
			t.Errorf("%s still waits after every pause ended", op)
		}
	}
	if l.paused.Load() {
		t.Error("the limiter still thinks it is paused")
	}
}
