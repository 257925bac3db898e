// Package latency finds inputs that make an operation answer far slower
// than usual. It keeps, per operation, a bounded sample of durations for
// the median and, as candidates, the exchanges slower than MinExcess (no
// outlier can be faster); an oracle re-sends the candidates over the
// threshold and reports one only when the repeat is slow too. Both the
// sample and the candidates are the exchanges with the smallest case
// numbers, so neither depends on goroutine scheduling or on jitter
// between equally slow answers.
package latency

import (
	"container/heap"
	"sort"
	"sync"
	"time"
)

// Config tunes the detector; zero fields take the defaults.
type Config struct {
	// Factor: a candidate is slower than Factor times the median ...
	Factor float64
	// MinExcess: ... and than the median plus MinExcess, so that
	// millisecond jitter on a fast operation is never an outlier.
	MinExcess time.Duration
	// MinSamples is how many exchanges an operation needs before its
	// median means anything.
	MinSamples int
	// Samples bounds the per-operation sample.
	Samples int
	// Candidates is how many exchanges slower than MinExcess are kept
	// per operation (those with the smallest case numbers).
	Candidates int
}

// Defaults.
const (
	DefaultFactor     = 10
	DefaultMinExcess  = time.Second
	DefaultMinSamples = 10
	DefaultSamples    = 256
	DefaultCandidates = 32
)

func (c Config) withDefaults() Config {
	if c.Factor <= 1 {
		c.Factor = DefaultFactor
	}
	if c.MinExcess <= 0 {
		c.MinExcess = DefaultMinExcess
	}
	if c.MinSamples <= 0 {
		c.MinSamples = DefaultMinSamples
	}
	if c.Samples <= 0 {
		c.Samples = DefaultSamples
	}
	if c.Candidates <= 0 {
		c.Candidates = DefaultCandidates
	}
	return c
}

// Candidate is a slow exchange worth repeating.
type Candidate[T any] struct {
	Op       string
	Seq      int
	Duration time.Duration
	Item     T
}

// Outlier is a candidate over its operation's threshold.
type Outlier[T any] struct {
	Candidate[T]
	Median    time.Duration
	Threshold time.Duration
}

// Tracker collects durations. It is safe for concurrent use.
type Tracker[T any] struct {
	cfg  Config
	mu   sync.Mutex
	byOp map[string]*opStats[T]
}

type sample struct {
	seq int
	d   time.Duration
}

// bySeqDesc is a max-heap by seq: the root is the sample to drop.
type bySeqDesc []sample

func (h bySeqDesc) Len() int           { return len(h) }
func (h bySeqDesc) Less(i, j int) bool { return h[i].seq > h[j].seq }
func (h bySeqDesc) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *bySeqDesc) Push(x any)        { *h = append(*h, x.(sample)) }
func (h *bySeqDesc) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type opStats[T any] struct {
	samples bySeqDesc
	slow    []Candidate[T] // at most cfg.Candidates, by case number
}

// New returns an empty tracker.
func New[T any](cfg Config) *Tracker[T] {
	return &Tracker[T]{cfg: cfg.withDefaults(), byOp: map[string]*opStats[T]{}}
}

// Observe records one answered exchange of an operation.
func (t *Tracker[T]) Observe(op string, seq int, d time.Duration, item T) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.byOp[op]
	if st == nil {
		st = &opStats[T]{}
		t.byOp[op] = st
	}
	if len(st.samples) < t.cfg.Samples {
		heap.Push(&st.samples, sample{seq, d})
	} else if seq < st.samples[0].seq {
		st.samples[0] = sample{seq, d}
		heap.Fix(&st.samples, 0)
	}
	if d <= t.cfg.MinExcess {
		return
	}
	c := Candidate[T]{Op: op, Seq: seq, Duration: d, Item: item}
	i := sort.Search(len(st.slow), func(i int) bool { return st.slow[i].Seq > seq })
	if i >= t.cfg.Candidates {
		return
	}
	st.slow = append(st.slow, Candidate[T]{})
	copy(st.slow[i+1:], st.slow[i:])
	st.slow[i] = c
	if len(st.slow) > t.cfg.Candidates {
		st.slow = st.slow[:t.cfg.Candidates]
	}
}

// Median returns an operation's median duration, false when it has fewer
// than MinSamples exchanges.
func (t *Tracker[T]) Median(op string) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.byOp[op]
	if st == nil || len(st.samples) < t.cfg.MinSamples {
		return 0, false
	}
	return median(st.samples), true
}

func median(s bySeqDesc) time.Duration {
	ds := make([]time.Duration, len(s))
	for i, x := range s {
		ds[i] = x.d
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// Threshold is the duration above which an answer is an outlier, given
// the operation's median.
func (t *Tracker[T]) Threshold(median time.Duration) time.Duration {
	byFactor := time.Duration(float64(median) * t.cfg.Factor)
	byExcess := median + t.cfg.MinExcess
	return max(byFactor, byExcess)
}

// Outliers returns, per operation in name order and then by case number,
// the kept candidates over the threshold. Operations with too few samples
// have none.
func (t *Tracker[T]) Outliers() []Outlier[T] {
	t.mu.Lock()
	ops := make([]string, 0, len(t.byOp))
	for op := range t.byOp {
		ops = append(ops, op)
	}
	t.mu.Unlock()
	sort.Strings(ops)
	var out []Outlier[T]
	for _, op := range ops {
		med, ok := t.Median(op)
		if !ok {
			continue
		}
		th := t.Threshold(med)
		t.mu.Lock()
		for _, c := range t.byOp[op].slow {
			if c.Duration > th {
				out = append(out, Outlier[T]{Candidate: c, Median: med, Threshold: th})
			}
		}
		t.mu.Unlock()
	}
	return out
}

// Confirmed reports whether a repeat of an outlier was also over the
// threshold (a one-off pause of the server is not a finding).
func (o Outlier[T]) Confirmed(repeat time.Duration) bool { return repeat > o.Threshold }
