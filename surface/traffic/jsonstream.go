package traffic

import (
	"bufio"
	"bytes"
	"io"
)

// lineTracker wraps a reader so that a byte offset reached by a
// json.Decoder can be turned into a line number. It keeps only the bytes
// read but not yet accounted for, which the decoder's read-ahead bounds.
type lineTracker struct {
	r       io.Reader
	pending []byte
	base    int64 // offset of pending[0]
	line    int   // 1-based line at base
}

func newLineTracker(br *bufio.Reader) *lineTracker { return &lineTracker{r: br, line: 1} }

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.pending = append(t.pending, p[:n]...)
	return n, err
}

// lineAt returns the line of a byte offset; offsets must not decrease.
func (t *lineTracker) lineAt(offset int64) int {
	k := int(offset - t.base)
	if k <= 0 {
		return t.line
	}
	if k > len(t.pending) {
		k = len(t.pending)
	}
	t.line += bytes.Count(t.pending[:k], []byte{'\n'})
	t.pending = append(t.pending[:0], t.pending[k:]...)
	t.base += int64(k)
	return t.line
}

// skipSpace moves past whitespace so that an offset points at the next
// value, not at the blank before it.
func skipSpaceLine(t *lineTracker, offset int64) int {
	k := int(offset - t.base)
	for k >= 0 && k < len(t.pending) {
		c := t.pending[k]
		if c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != ',' {
			break
		}
		k++
	}
	return t.lineAt(t.base + int64(k))
}
