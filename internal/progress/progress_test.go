package progress

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func newTestLine(live bool, width int) (*Line, *bytes.Buffer, *fakeClock) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)}
	l := NewLine(&out, live, width)
	l.now = clock.now
	return l, &out, clock
}

// TestLiveLine drives a live line the way a terminal sees it: each status
// replaces the last, a log line clears the status first, Close erases it
// and nothing is shown after.
func TestLiveLine(t *testing.T) {
	l, out, _ := newTestLine(true, 0)
	l.Show("reading 1/3 files")
	l.Show("reading 2/3 files")
	fmt.Fprintln(l, "specter: skipped 1 file(s)")
	l.Show("secrets 1/2 files")
	l.Close()
	l.Show("after the report")
	fmt.Fprintln(l, "specter: 3 finding(s)")
	want := "\r\x1b[Kreading 1/3 files" +
		"\r\x1b[Kreading 2/3 files" +
		"\r\x1b[Kspecter: skipped 1 file(s)\n" +
		"\r\x1b[Ksecrets 1/2 files" +
		"\r\x1b[K" +
		"specter: 3 finding(s)\n"
	if got := out.String(); got != want {
		t.Errorf("terminal got\n%q\nwant\n%q", got, want)
	}
	if got := screen(out.String()); got != "specter: skipped 1 file(s)\nspecter: 3 finding(s)\n" {
		t.Errorf("screen after the run:\n%q", got)
	}
}

// screen plays the bytes on a one-line-at-a-time terminal: "\r" returns
// to the line's start, "\x1b[K" erases it; what remains is what the user
// sees.
func screen(s string) string {
	var done strings.Builder
	var line []rune
	col := 0
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "\x1b[K"):
			line = line[:col]
			i += 3
		case s[i] == '\r':
			col = 0
			i++
		case s[i] == '\n':
			done.WriteString(string(line) + "\n")
			line, col = nil, 0
			i++
		default:
			r := []rune(s[i:])[0]
			if col < len(line) {
				line[col] = r
			} else {
				line = append(line, r)
			}
			col++
			i += len(string(r))
		}
	}
	return done.String() + string(line)
}

func TestLiveLineFitsTheTerminal(t *testing.T) {
	for _, tt := range []struct {
		width int
		text  string
		want  string
	}{
		{20, "short", "short"},
		{10, "exactly 9", "exactly 9"},
		{10, "ten chars!", "ten chars"},
		{10, "fuzz: 1200 request(s)", "fuzz: 120"},
		{6, "é€ü✓ab€", "é€ü✓a"},
		{0, strings.Repeat("x", 300), strings.Repeat("x", 300)},
	} {
		l, out, _ := newTestLine(true, tt.width)
		l.Show(tt.text)
		if got := strings.TrimPrefix(out.String(), clearLine); got != tt.want {
			t.Errorf("width %d: shown %q, want %q", tt.width, got, tt.want)
		}
	}
}

// TestPlainLine checks the form for logs: no control bytes, and a line at
// most every PlainEvery.
func TestPlainLine(t *testing.T) {
	l, out, clock := newTestLine(false, 80)
	l.Show("fuzz: 1 request(s)") // the first is shown at once
	clock.t = clock.t.Add(PlainEvery - time.Millisecond)
	l.Show("fuzz: 2 request(s)")
	clock.t = clock.t.Add(time.Millisecond)
	l.Show("fuzz: 3 request(s)")
	fmt.Fprintln(l, "specter: a log line")
	l.Close()
	clock.t = clock.t.Add(time.Hour)
	l.Show("fuzz: 4 request(s)")
	want := "fuzz: 1 request(s)\nfuzz: 3 request(s)\nspecter: a log line\n"
	if got := out.String(); got != want {
		t.Errorf("log got %q, want %q", got, want)
	}
}

func TestNilLine(t *testing.T) {
	var l *Line
	l.Show("nothing")
	l.Close()
}

func TestLineConcurrentUse(t *testing.T) {
	l, out, _ := newTestLine(true, 0)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				l.Show(fmt.Sprintf("worker %d step %d", i, j))
				fmt.Fprintf(l, "log %d %d\n", i, j)
			}
		}()
	}
	wg.Wait()
	l.Close()
	// Every log line is whole on the screen, and no status is left.
	got := screen(out.String())
	if n := strings.Count(got, "\n"); n != 200 || strings.Contains(got, "worker") {
		t.Errorf("%d log lines, status left: %v", n, strings.Contains(got, "worker"))
	}
}

func TestMode(t *testing.T) {
	for _, tt := range []struct {
		mode           string
		terminal, ci   bool
		enabled, valid bool
	}{
		{"auto", true, false, true, true},
		{"auto", true, true, false, true},
		{"auto", false, false, false, true},
		{"always", false, true, true, true},
		{"always", true, false, true, true},
		{"never", true, false, false, true},
		{"sometimes", true, false, false, false},
		{"", true, false, false, false},
	} {
		m, err := ParseMode(tt.mode)
		if (err == nil) != tt.valid {
			t.Errorf("ParseMode(%q) error %v, want valid %v", tt.mode, err, tt.valid)
			continue
		}
		if err == nil && m.Enabled(tt.terminal, tt.ci) != tt.enabled {
			t.Errorf("%s on terminal=%v ci=%v: enabled %v, want %v", tt.mode, tt.terminal, tt.ci, !tt.enabled, tt.enabled)
		}
	}
}

func TestCounter(t *testing.T) {
	var nilCounter *Counter
	nilCounter.Add(3)
	nilCounter.SetTotal(9)
	if d, tot := nilCounter.Load(); d != 0 || tot != 0 {
		t.Errorf("nil counter loaded %d/%d", d, tot)
	}
	if CounterFrom(context.Background()) != nil {
		t.Error("a bare context carries a counter")
	}
	c := &Counter{}
	ctx := WithCounter(context.Background(), c)
	CounterFrom(ctx).SetTotal(100)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				CounterFrom(ctx).Add(1)
			}
		}()
	}
	wg.Wait()
	if d, tot := c.Load(); d != 100 || tot != 100 {
		t.Errorf("counted %d/%d, want 100/100", d, tot)
	}
}
