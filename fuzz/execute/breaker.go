package execute

import "sync"

// Breaker settings: the run stops when, among the last Window outcomes,
// at least Threshold are server errors (5xx) or failures to get an answer
// (timeouts, refused connections).
type BreakerConfig struct {
	Window    int
	Threshold int
}

// DefaultBreaker trips on 45 failures among the last 50 requests.
var DefaultBreaker = BreakerConfig{Window: 50, Threshold: 45}

// breaker is a sliding window of outcomes.
type breaker struct {
	mu     sync.Mutex
	cfg    BreakerConfig
	ring   []bool
	next   int
	filled int
	bad    int
	open   bool
}

func newBreaker(cfg BreakerConfig) *breaker {
	if cfg.Window <= 0 {
		return &breaker{cfg: cfg}
	}
	return &breaker{cfg: cfg, ring: make([]bool, cfg.Window)}
}

// record adds an outcome and reports whether the breaker is (now) open.
func (b *breaker) record(failed bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.ring) == 0 || b.open {
		return b.open
	}
	if b.filled == len(b.ring) && b.ring[b.next] {
		b.bad--
	}
	b.ring[b.next] = failed
	if failed {
		b.bad++
	}
	b.next = (b.next + 1) % len(b.ring)
	if b.filled < len(b.ring) {
		b.filled++
	}
	if b.bad >= b.cfg.Threshold {
		b.open = true
	}
	return b.open
}

func (b *breaker) isOpen() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.open
}
