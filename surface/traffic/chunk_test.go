package traffic

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// accessLog renders n combined lines whose path names the line number.
func accessLog(n int, eol string) []byte {
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `203.0.113.%d - - [01/Jun/2024:10:%02d:%02d +0000] "GET /lines/%d HTTP/1.1" 200 12 "-" "bench/%d"%s`, i%250, i/60%60, i%60, i, i%7, eol)
	}
	return b.Bytes()
}

// Chunks parsed in parallel come back in input order with the right line
// numbers, whatever the number of workers, for inputs of several chunks.
func TestChunkedReadingKeepsOrderAndLines(t *testing.T) {
	long := `203.0.113.1 - - [01/Jun/2024:10:00:00 +0000] "GET /` + strings.Repeat("x", MaxLineBytes+100) + ` HTTP/1.1" 200 1 "-" "-"` + "\n"
	var withLong []byte
	withLong = append(withLong, accessLog(3000, "\n")...)
	withLong = append(withLong, long...)
	withLong = append(withLong, accessLog(3000, "\n")...)
	for _, tc := range []struct {
		name    string
		data    []byte
		records int
		skipped int
	}{
		{"lf", accessLog(20000, "\n"), 20000, 0},
		{"crlf", accessLog(20000, "\r\n"), 20000, 0},
		{"no final newline", bytes.TrimSuffix(accessLog(9000, "\n"), []byte("\n")), 9000, 0},
		{"over-long line between chunks", withLong, 6000, 1},
	} {
		for _, workers := range []int{1, 2, 4} {
			t.Run(fmt.Sprintf("%s/%d workers", tc.name, workers), func(t *testing.T) {
				r, err := Open(bytes.NewReader(tc.data), "")
				if err != nil {
					t.Fatal(err)
				}
				r.Workers = workers
				n := 0
				err = r.Each(context.Background(), func(o *Observation) error {
					n++
					line := n
					if tc.skipped > 0 && n > 3000 {
						line++ // the skipped line still counts
					}
					want := fmt.Sprintf("/lines/%d", (n-1)%3000+1)
					if tc.skipped == 0 {
						want = fmt.Sprintf("/lines/%d", n)
					}
					if o.Target != want || o.Line != line {
						return fmt.Errorf("record %d: %s at line %d, want %s at line %d", n, o.Target, o.Line, want, line)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if n != tc.records || r.Skipped != tc.skipped {
					t.Errorf("%d records, %d skipped; want %d, %d", n, r.Skipped, tc.records, tc.skipped)
				}
				if tc.skipped > 0 && (r.Skips[0].Reason != SkipLongLine || r.Skips[0].FirstLine != 3001) {
					t.Errorf("skips %+v", r.Skips)
				}
			})
		}
	}
}

// A failing callback or a cancelled context stops every goroutine.
func TestChunkedReadingStops(t *testing.T) {
	data := accessLog(30000, "\n")
	before := runtime.NumGoroutine()
	stop := errors.New("stop here")
	r, _ := Open(bytes.NewReader(data), "")
	n := 0
	err := r.Each(context.Background(), func(*Observation) error {
		if n++; n == 5000 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 5000 {
		t.Errorf("got %v after %d records", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r, _ = Open(bytes.NewReader(data), "")
	n = 0
	err = r.EachBatch(ctx, func(b []Observation) error {
		if n += len(b); n > 1000 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines before, %d after", before, after)
	}
}

// Parsing a combined line allocates nothing: its fields are substrings of
// the chunk.
func TestCombinedParsingAllocatesNothing(t *testing.T) {
	line := `203.0.113.7 - - [01/Jun/2024:10:00:00 +0000] "GET /api/v2/users/42?expand=orders HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64)"`
	p := &combinedParser{}
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := p.parse(line); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per line", allocs)
	}
	alb := string(mustRead(t, "shop.alb.log"))
	alb = alb[:strings.IndexByte(alb, '\n')]
	envoy := string(mustRead(t, "shop.envoy.log"))
	envoy = envoy[:strings.IndexByte(envoy, '\n')]
	for name, tc := range map[string]struct {
		parse func(string) (Observation, error)
		line  string
	}{"alb": {parseALB, alb}, "envoy": {parseEnvoy, envoy}} {
		if n := testing.AllocsPerRun(1000, func() { _, _ = tc.parse(tc.line) }); n != 0 {
			t.Errorf("%s: %v allocations per line", name, n)
		}
	}
}

// A string of a line-format observation kept past the callback, against
// the rule, reads as NUL bytes: the buffers it shares are zeroed when they
// go back to the pool, so such a bug shows in tests instead of changing
// the string later. Clone keeps what it copies.
func TestKeptStringsAreZeroed(t *testing.T) {
	r, err := Open(bytes.NewReader(accessLog(10, "\n")), "")
	if err != nil {
		t.Fatal(err)
	}
	var kept string
	var cloned Observation
	if err := r.Each(context.Background(), func(o *Observation) error {
		if kept == "" {
			kept, cloned = o.Target, o.Clone()
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if kept != strings.Repeat("\x00", len("/lines/1")) {
		t.Errorf("kept string %q, want NUL bytes", kept)
	}
	if cloned.Target != "/lines/1" || cloned.UserAgent != "bench/1" {
		t.Errorf("clone %+v", cloned)
	}
}
