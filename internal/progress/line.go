package progress

import (
	"fmt"
	"io"
	"sync"
	"time"
	"unicode/utf8"
)

// PlainEvery is how often a Line that is not live prints a status line.
const PlainEvery = 5 * time.Second

// clearLine returns the cursor to the start of the line and erases it.
const clearLine = "\r\x1b[K"

// Line is a status line on a stream, usually stderr. Live (a terminal) it
// is one line rewritten in place; otherwise (asked for with
// --progress=always, in a log) a plain line at most every PlainEvery.
// Writes through the Line (log lines, errors) clear a live status first so
// the two never mix. Safe for concurrent use.
type Line struct {
	w     io.Writer
	live  bool
	width int
	now   func() time.Time

	mu     sync.Mutex
	shown  bool // a live status is on the screen
	last   time.Time
	closed bool
}

// NewLine returns a status line on w; width (the terminal's columns, 0
// when unknown) bounds a live line so it never wraps.
func NewLine(w io.Writer, live bool, width int) *Line {
	return &Line{w: w, live: live, width: width, now: time.Now}
}

// Show puts text on the status line: live, in place of the previous one;
// plain, as a new line when PlainEvery has passed since the last. A nil
// Line shows nothing.
func (l *Line) Show(text string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	if !l.live {
		if now := l.now(); l.last.IsZero() || now.Sub(l.last) >= PlainEvery {
			l.last = now
			fmt.Fprintln(l.w, text)
		}
		return
	}
	fmt.Fprint(l.w, clearLine+l.fit(text))
	l.shown = true
}

// fit cuts text to one column less than the terminal's width.
func (l *Line) fit(text string) string {
	if l.width <= 1 || utf8.RuneCountInString(text) < l.width {
		return text
	}
	runes := []rune(text)
	return string(runes[:l.width-1])
}

// Write clears a live status and writes p, so log lines and errors go to
// the same stream without leaving status text behind.
func (l *Line) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clear()
	return l.w.Write(p)
}

// Close clears a live status; later calls to Show print nothing, so no
// status follows the report. Closing a nil Line does nothing.
func (l *Line) Close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clear()
	l.closed = true
}

func (l *Line) clear() {
	if l.shown {
		fmt.Fprint(l.w, clearLine)
		l.shown = false
	}
}
