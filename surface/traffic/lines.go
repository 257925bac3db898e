package traffic

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// lines reads lines of at most MaxLineBytes, reporting longer ones as
// skipped without holding them.
type lines struct {
	br   *bufio.Reader
	line int
}

func newLines(br *bufio.Reader) *lines { return &lines{br: br} }

// next returns the next line without its newline, io.EOF at the end, or
// an ErrSkip error for an over-long line (which is consumed).
func (l *lines) next() ([]byte, error) {
	var buf []byte
	for {
		chunk, err := l.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(buf)+len(chunk) > MaxLineBytes {
				l.line++
				if err := l.discard(); err != nil {
					return nil, err
				}
				return nil, &SkipError{Reason: SkipLongLine, Line: l.line, Detail: fmt.Sprintf("longer than %d bytes", MaxLineBytes)}
			}
			buf = append(buf, chunk...)
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("reading line %d: %w", l.line+1, err)
		}
		if len(chunk) == 0 && len(buf) == 0 && errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		l.line++
		if len(buf)+len(chunk) > MaxLineBytes+2 {
			return nil, &SkipError{Reason: SkipLongLine, Line: l.line, Detail: fmt.Sprintf("longer than %d bytes", MaxLineBytes)}
		}
		if buf != nil {
			buf = append(buf, chunk...)
		} else {
			buf = chunk
		}
		return bytes.TrimRight(buf, "\r\n"), nil
	}
}

func (l *lines) discard() error {
	for {
		_, err := l.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading line %d: %w", l.line, err)
		}
		return nil
	}
}
