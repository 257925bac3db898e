package traffic

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
)

// decoder produces observations from one input in one format. next returns
// io.EOF at the end and an error wrapping ErrSkip for a record to skip.
type decoder interface {
	next() (Observation, error)
}

// Reader streams the observations of one input.
type Reader struct {
	Format Format
	dec    decoder
	// Skipped counts records that could not be read.
	Skipped int
	// FirstSkip describes the first skipped record, for messages.
	FirstSkip string
	closer    io.Closer
}

// Open wraps r: it unwraps gzip when the input starts with the gzip magic
// number, detects the format unless one is forced, and returns a Reader.
func Open(r io.Reader, forced Format) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	var closer io.Closer
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("reading gzip header: %w", err)
		}
		closer = zr
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	format := forced
	if format == "" {
		head, err := br.Peek(32 << 10)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("reading: %w", err)
		}
		if format, err = Detect(head); err != nil {
			return nil, err
		}
	}
	dec, err := newDecoder(format, br)
	if err != nil {
		return nil, err
	}
	return &Reader{Format: format, dec: dec, closer: closer}, nil
}

func newDecoder(f Format, br *bufio.Reader) (decoder, error) {
	switch f {
	case FormatHAR:
		return newHARDecoder(br), nil
	case FormatCombined:
		return &lineDecoder{lines: newLines(br), parse: (&combinedParser{}).parse}, nil
	case FormatALB:
		return &lineDecoder{lines: newLines(br), parse: parseALB}, nil
	case FormatAPIGateway:
		return &lineDecoder{lines: newLines(br), parse: parseAPIGateway}, nil
	case FormatEnvoy:
		return &lineDecoder{lines: newLines(br), parse: parseEnvoy}, nil
	case FormatEnvoyJSON:
		return &lineDecoder{lines: newLines(br), parse: parseEnvoyJSON}, nil
	case FormatOTLP:
		return newOTLPDecoder(br), nil
	case FormatCSV:
		return newCSVDecoder(br), nil
	case FormatJSONL:
		return &lineDecoder{lines: newLines(br), parse: parseAggregateJSON}, nil
	}
	return nil, fmt.Errorf("unknown traffic format %q", f)
}

// Each calls fn for every observation, counting skipped records, until the
// input ends, fn fails or ctx is cancelled. The observation passed to fn
// is only valid during the call.
func (r *Reader) Each(ctx context.Context, fn func(*Observation) error) error {
	defer func() {
		if r.closer != nil {
			r.closer.Close()
		}
	}()
	// One Observation is reused for every record: fn must not keep the
	// pointer.
	var o Observation
	var err error
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		o, err = r.dec.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, ErrSkip) {
			if r.Skipped == 0 {
				r.FirstSkip = err.Error()
			}
			r.Skipped++
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", r.Format, err)
		}
		if o.Count == 0 {
			o.Count = 1
		}
		if o.LastSeen.IsZero() {
			o.LastSeen = o.FirstSeen
		}
		if err := fn(&o); err != nil {
			return err
		}
	}
}

// Detect names the format of an input from its first bytes.
func Detect(head []byte) (Format, error) {
	trimmed := bytes.TrimLeft(head, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\xef\xbb\xbf"))
	if len(trimmed) == 0 {
		return "", errors.New("empty input: no traffic to read")
	}
	if !isText(head) {
		return "", errors.New("binary input: not a traffic format specter reads (gzip is unwrapped; other compression is not)")
	}
	first := trimmed
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	first = bytes.TrimRight(first, "\r")
	switch {
	case trimmed[0] == '{' || trimmed[0] == '[':
		if bytes.Contains(head, []byte(`"resourceSpans"`)) {
			return FormatOTLP, nil
		}
		if bytes.Contains(head, []byte(`"entries"`)) && bytes.Contains(head, []byte(`"log"`)) {
			return FormatHAR, nil
		}
		if trimmed[0] == '{' {
			switch {
			case hasKeys(first, "count", "path", "method"):
				return FormatJSONL, nil
			case hasKeys(first, "httpMethod") || hasKeys(first, "routeKey") || hasKeys(first, "resourcePath"):
				return FormatAPIGateway, nil
			case hasKeys(first, "response_code") || hasKeys(first, "start_time", "method"):
				return FormatEnvoyJSON, nil
			}
		}
		if trimmed[0] == '[' && envoyLine.Match(first) {
			return FormatEnvoy, nil
		}
		return "", errors.New("JSON input that is neither HAR, OTLP, API Gateway, Envoy JSON nor an aggregated inventory; name it with --traffic-format")
	case isCSVHeader(first):
		return FormatCSV, nil
	case envoyLine.Match(first):
		return FormatEnvoy, nil
	case albLine.Match(first):
		return FormatALB, nil
	case combinedLine.Match(first):
		return FormatCombined, nil
	}
	return "", fmt.Errorf("unrecognised traffic format (first line %q); name it with --traffic-format", clip(string(first), 80))
}

func hasKeys(line []byte, keys ...string) bool {
	for _, k := range keys {
		if !bytes.Contains(line, []byte(`"`+k+`"`)) {
			return false
		}
	}
	return true
}

// isText reports whether the head looks like text: no NUL bytes and few
// control characters.
func isText(head []byte) bool {
	ctrl := 0
	for _, b := range head {
		if b == 0 {
			return false
		}
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' {
			ctrl++
		}
	}
	return ctrl*50 <= len(head)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

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
				return nil, fmt.Errorf("line %d: longer than %d bytes: %w", l.line, MaxLineBytes, ErrSkip)
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
			return nil, fmt.Errorf("line %d: longer than %d bytes: %w", l.line, MaxLineBytes, ErrSkip)
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

// lineDecoder turns each non-blank line into one observation.
type lineDecoder struct {
	lines *lines
	parse func([]byte) (Observation, error)
}

func (d *lineDecoder) next() (Observation, error) {
	for {
		line, err := d.lines.next()
		if err != nil {
			return Observation{}, err
		}
		if len(bytes.TrimSpace(line)) == 0 || line[0] == '#' {
			continue
		}
		o, err := d.parse(line)
		if err != nil {
			return Observation{}, fmt.Errorf("line %d: %v: %w", d.lines.line, err, ErrSkip)
		}
		o.Line = d.lines.line
		return o, nil
	}
}
