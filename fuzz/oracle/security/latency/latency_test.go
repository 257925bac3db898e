package latency

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

func TestOutliers(t *testing.T) {
	tr := New[string](Config{})
	ms := time.Millisecond
	for i := 0; i < 40; i++ {
		tr.Observe("GET /fast", i, time.Duration(5+i%3)*ms, "normal")
		tr.Observe("GET /jittery", i, time.Duration(5+i%3)*ms, "normal")
	}
	tr.Observe("GET /fast", 100, 3*time.Second, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")
	tr.Observe("GET /jittery", 101, 300*ms, "gc pause") // 50x the median but < median+1s
	for i := 0; i < 5; i++ {
		tr.Observe("GET /rare", i, ms, "x")
	}
	tr.Observe("GET /rare", 9, 10*time.Second, "too few samples to judge")

	out := tr.Outliers()
	if len(out) != 1 || out[0].Op != "GET /fast" || out[0].Item != "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" || out[0].Seq != 100 {
		t.Fatalf("Outliers = %+v", out)
	}
	if out[0].Median != 6*ms || out[0].Threshold != 6*ms+time.Second {
		t.Errorf("median %v threshold %v", out[0].Median, out[0].Threshold)
	}
	if out[0].Confirmed(8 * ms) {
		t.Error("a fast repeat confirmed the outlier")
	}
	if !out[0].Confirmed(2 * time.Second) {
		t.Error("a slow repeat did not confirm the outlier")
	}
}

func TestThresholdUsesFactorForSlowOperations(t *testing.T) {
	tr := New[int](Config{})
	if got := tr.Threshold(500 * time.Millisecond); got != 5*time.Second {
		t.Errorf("Threshold(500ms) = %v, want 5s (10x)", got)
	}
}

// TestSampleIsDeterministic feeds the same exchanges in different orders
// from several goroutines: the median and the candidates must not change.
func TestSampleIsDeterministic(t *testing.T) {
	type ex struct {
		seq int
		d   time.Duration
	}
	var all []ex
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		all = append(all, ex{i, time.Duration(r.IntN(50)) * time.Millisecond})
	}
	all = append(all, ex{3000, 4 * time.Second})
	run := func(shuffle uint64) (time.Duration, []Outlier[int]) {
		tr := New[int](Config{Samples: 64})
		order := append([]ex(nil), all...)
		rand.New(rand.NewPCG(shuffle, 7)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := w; i < len(order); i += 4 {
					tr.Observe("op", order[i].seq, order[i].d, order[i].seq)
				}
			}(w)
		}
		wg.Wait()
		m, _ := tr.Median("op")
		return m, tr.Outliers()
	}
	m1, o1 := run(1)
	m2, o2 := run(99)
	if m1 != m2 || len(o1) != 1 || len(o2) != 1 || o1[0].Seq != o2[0].Seq {
		t.Errorf("runs differ: %v %+v / %v %+v", m1, o1, m2, o2)
	}
}

// TestCandidatesByCaseNumber: of many equally slow answers, the kept
// candidates are the lowest-numbered ones, whatever their jitter.
func TestCandidatesByCaseNumber(t *testing.T) {
	tr := New[int](Config{Candidates: 2})
	for i := 0; i < 20; i++ {
		tr.Observe("op", i, time.Millisecond, i)
	}
	for _, seq := range []int{50, 30, 40, 35} {
		tr.Observe("op", seq, time.Duration(1300+seq)*time.Millisecond, seq)
	}
	out := tr.Outliers()
	if len(out) != 2 || out[0].Seq != 30 || out[1].Seq != 35 {
		t.Errorf("Outliers = %+v, want cases 30 and 35", out)
	}
}
