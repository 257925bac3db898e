package inventory

import "math"

// rateRing is how many of the latest minutes a client's rate counts
// exactly; a record later than that (input out of time order) is left
// out of the rate and counted as late.
const rateRing = 8

// minuteRate counts a client's calls per minute in bounded memory: the
// latest rateRing minutes exactly, the closed ones folded into a
// histogram of per-minute counts from which the median is read.
type minuteRate struct {
	ring [rateRing]struct {
		minute int64
		n      int
	}
	used       int
	hist       countHistogram
	active     int // closed minutes with at least one call
	peak       int
	peakMinute int64
	late       int
}

// add counts n calls in a minute (Unix time / 60).
func (r *minuteRate) add(minute int64, n int) {
	oldest := -1
	for i := 0; i < r.used; i++ {
		if r.ring[i].minute == minute {
			r.ring[i].n += n
			return
		}
		if oldest < 0 || r.ring[i].minute < r.ring[oldest].minute {
			oldest = i
		}
	}
	if r.used < rateRing {
		r.ring[r.used].minute, r.ring[r.used].n = minute, n
		r.used++
		return
	}
	if minute < r.ring[oldest].minute {
		r.late += n
		return
	}
	r.close(r.ring[oldest].minute, r.ring[oldest].n)
	r.ring[oldest].minute, r.ring[oldest].n = minute, n
}

// flush closes every open minute (at the end of a source and of the run).
func (r *minuteRate) flush() {
	for i := 0; i < r.used; i++ {
		r.close(r.ring[i].minute, r.ring[i].n)
	}
	r.used = 0
}

func (r *minuteRate) close(minute int64, n int) {
	r.active++
	r.hist.add(n)
	if n > r.peak || n == r.peak && minute < r.peakMinute {
		r.peak, r.peakMinute = n, minute
	}
}

// median is the median calls per active minute (the lower one of an even
// count).
func (r *minuteRate) median() int { return r.hist.quantile((r.active + 1) / 2) }

// countHistogram holds per-minute counts: exactly up to exactCounts, in
// buckets of 1/8 of a doubling above (within 9%).
type countHistogram struct {
	buckets []int32
}

const (
	exactCounts      = 64
	bucketsPerOctave = 8
	histogramSize    = exactCounts + 1 + bucketsPerOctave*26
)

func bucketOf(n int) int {
	if n <= exactCounts {
		return n
	}
	i := exactCounts + 1 + int(bucketsPerOctave*math.Log2(float64(n)/exactCounts))
	return min(i, histogramSize-1)
}

// valueOf is a bucket's representative count.
func valueOf(i int) int {
	if i <= exactCounts {
		return i
	}
	return int(math.Round(exactCounts * math.Pow(2, (float64(i-exactCounts-1)+0.5)/bucketsPerOctave)))
}

func (h *countHistogram) add(n int) {
	if h.buckets == nil {
		h.buckets = make([]int32, histogramSize)
	}
	h.buckets[bucketOf(n)]++
}

// quantile returns the k-th smallest count (1-based); 0 when empty.
func (h *countHistogram) quantile(k int) int {
	seen := 0
	for i, c := range h.buckets {
		if seen += int(c); seen >= k && c > 0 {
			return valueOf(i)
		}
	}
	return 0
}
