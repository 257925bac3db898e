package execute

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"strconv"
	"strings"
)

// maxHeaderBytes caps the status line and headers of one answer (net/http's
// Transport: 10 MB by default; an API answer's headers are a few hundred
// bytes).
const maxHeaderBytes = 1 << 20

// responseHead is an answer's status line and headers, and how its body is
// framed.
type responseHead struct {
	status int
	header http.Header
	// body reads the body: Content-Length bytes, chunks, or everything
	// until the server closes (then close is true).
	body  io.Reader
	close bool
	// length is the body's announced size, -1 when unknown (chunked, to
	// the end of the connection); 0 when there is no body.
	length int64
}

// readResponseHead reads a status line and headers from br, as
// http.ReadResponse does, with one string allocation for the whole header
// block and no textproto reader. Framing follows RFC 9112 section 6.3:
// no body for HEAD, 1xx, 204 and 304; chunked; Content-Length (several
// values must agree); otherwise the body runs to the end of the
// connection. FuzzReadResponseHead compares it with http.ReadResponse.
func readResponseHead(br *bufio.Reader, method string) (*responseHead, error) {
	block, err := readHeaderBlock(br)
	if err != nil {
		return nil, err
	}
	var buf [32]string
	lines := splitLines(block, buf[:0])
	if len(lines) == 0 {
		return nil, errors.New("malformed HTTP response: empty status line")
	}
	status, major, minor, err := parseStatusLine(lines[0])
	if err != nil {
		return nil, err
	}
	h, err := parseHeaders(lines[1:])
	if err != nil {
		return nil, err
	}
	head := &responseHead{status: status, header: h}
	conn := h["Connection"]
	head.close = major < 1 || hasToken(conn, "close") || (major == 1 && minor == 0 && !hasToken(conn, "keep-alive"))
	te := h["Transfer-Encoding"]
	if major < 1 || (major == 1 && minor < 1) {
		te = nil // HTTP/1.0 has no Transfer-Encoding (net/http ignores it too)
	}
	chunked := len(te) > 0
	if chunked && (len(te) != 1 || !strings.EqualFold(strings.TrimSpace(te[0]), "chunked")) {
		return nil, fmt.Errorf("unsupported transfer encoding: %q", te)
	}
	length := int64(-1)
	if cl := h["Content-Length"]; len(cl) > 0 && !chunked {
		if length, err = contentLength(cl); err != nil {
			return nil, err
		}
	}
	switch {
	case method == http.MethodHead || (status >= 100 && status < 200) || status == http.StatusNoContent || status == http.StatusNotModified:
		head.body, length = http.NoBody, 0
	case chunked:
		head.body, length = &chunkedBody{br: br, r: httputil.NewChunkedReader(br)}, -1
	case length >= 0:
		head.body = &lengthBody{r: br, n: length}
	default:
		head.body = br
		head.close = true
	}
	head.length = length
	return head, nil
}

// readHeaderBlock reads up to and including the empty line that ends the
// headers and returns it as one string. An answer's head usually arrives
// whole in the read buffer and is copied out once; a head longer than the
// buffer, or cut short, is read line by line.
func readHeaderBlock(br *bufio.Reader) (string, error) {
	for {
		n := br.Buffered()
		if n == 0 {
			if _, err := br.Peek(1); err != nil {
				return "", err // io.EOF: closed before any answer
			}
			continue
		}
		data, _ := br.Peek(n)
		end, bad := headEnd(data)
		if bad {
			return "", errors.New("malformed HTTP response: empty status line")
		}
		if end > 0 {
			s := string(data[:end])
			br.Discard(end)
			return s, nil
		}
		if n >= br.Size() {
			break
		}
		if _, err := br.Peek(n + 1); err != nil {
			break // cut short: the line-by-line reader says how
		}
	}
	return readHeaderLines(br)
}

// headEnd returns the length of the head in data up to and including the
// empty line that ends it, 0 when that line has not arrived; bad when the
// first line is empty.
func headEnd(data []byte) (end int, bad bool) {
	start := 0
	for {
		i := bytes.IndexByte(data[start:], '\n')
		if i < 0 {
			return 0, false
		}
		line := data[start : start+i+1]
		if len(line) == 1 || (len(line) == 2 && line[0] == '\r') {
			if start == 0 {
				return 0, true
			}
			return start + i + 1, false
		}
		start += i + 1
	}
}

// readHeaderLines is readHeaderBlock's line-by-line path.
func readHeaderLines(br *bufio.Reader) (string, error) {
	var buf []byte
	lineStart := 0 // where the line being read starts in buf
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > maxHeaderBytes {
			return "", fmt.Errorf("answer headers exceed %d bytes", maxHeaderBytes)
		}
		buf = append(buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue // the line goes on
		}
		if err != nil {
			if err == io.EOF {
				if len(buf) == 0 {
					return "", io.EOF
				}
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		line := buf[lineStart:]
		if len(line) == 1 || (len(line) == 2 && line[0] == '\r') {
			if lineStart == 0 {
				// A stray empty line before the status line: net/http
				// treats it as a malformed status line too.
				return "", errors.New("malformed HTTP response: empty status line")
			}
			return string(buf), nil
		}
		lineStart = len(buf)
	}
}

// splitLines splits a header block into lines without their line ends,
// dropping the final empty line.
func splitLines(block string, lines []string) []string {
	for len(block) > 0 {
		line, rest, _ := strings.Cut(block, "\n")
		block = rest
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			break
		}
		lines = append(lines, line)
	}
	return lines
}

func parseStatusLine(line string) (status, major, minor int, err error) {
	proto, rest, ok := strings.Cut(line, " ")
	if !ok {
		return 0, 0, 0, fmt.Errorf("malformed HTTP response %q", line)
	}
	if major, minor, ok = http.ParseHTTPVersion(proto); !ok {
		return 0, 0, 0, fmt.Errorf("malformed HTTP version %q", proto)
	}
	code, _, _ := strings.Cut(strings.TrimLeft(rest, " "), " ")
	if len(code) != 3 {
		return 0, 0, 0, fmt.Errorf("malformed HTTP status code %q", code)
	}
	status, err = strconv.Atoi(code)
	if err != nil || status < 0 {
		return 0, 0, 0, fmt.Errorf("malformed HTTP status code %q", code)
	}
	return status, major, minor, nil
}

// parseHeaders turns "Name: value" lines into a header with canonical
// names, as net/textproto does: a line starting with white space continues
// the previous one (obsolete folding), a name may hold spaces (kept as is,
// not canonicalised), a value no control character but tab.
func parseHeaders(lines []string) (http.Header, error) {
	h := make(http.Header, len(lines))
	// One backing array for the values, cut into one-element slices
	// (capacity 1: a second value of a name appends to a copy).
	strs := make([]string, len(lines))
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line[0] == ' ' || line[0] == '\t' {
			return nil, fmt.Errorf("malformed MIME header initial line: %q", line)
		}
		if !strings.Contains(line, ":") {
			return nil, fmt.Errorf("malformed MIME header: missing colon: %q", line)
		}
		line = strings.Trim(line, " \t")
		for i+1 < len(lines) && (lines[i+1][0] == ' ' || lines[i+1][0] == '\t') {
			i++
			line += " " + strings.Trim(lines[i], " \t")
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed MIME header: missing colon: %q", line)
		}
		key, ok := headerKey(name)
		if !ok {
			return nil, fmt.Errorf("malformed MIME header line: %q", line)
		}
		for j := 0; j < len(value); j++ {
			if b := value[j]; (b < ' ' && b != '\t') || b == 0x7f {
				return nil, fmt.Errorf("malformed MIME header line: %q", line)
			}
		}
		value = strings.TrimLeft(value, " \t")
		if vv, ok := h[key]; ok {
			h[key] = append(vv, value)
			continue
		}
		vv := strs[:1:1]
		strs = strs[1:]
		vv[0] = value
		h[key] = vv
	}
	return h, nil
}

// headerKey canonicalises a header name; a name with a space is kept as
// is, one with another non-token byte refused.
func headerKey(name string) (string, bool) {
	if name == "" {
		return "", false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isTokenByte(c) {
			if c != ' ' {
				return "", false
			}
			return name, strings.IndexFunc(name, func(r rune) bool { return r != ' ' && (r >= 0x80 || !isTokenByte(byte(r))) }) < 0
		}
	}
	return canonicalName(name), true
}

// commonNames are the header names of most answers, already canonical:
// looking them up costs no allocation. Read-only.
var commonNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{
		"Accept-Ranges", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers",
		"Access-Control-Allow-Methods", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers",
		"Access-Control-Max-Age", "Age", "Allow", "Cache-Control", "Connection", "Content-Encoding",
		"Content-Language", "Content-Length", "Content-Security-Policy", "Content-Type", "Date", "Etag",
		"Expires", "Keep-Alive", "Last-Modified", "Link", "Location", "Pragma", "Retry-After", "Server",
		"Set-Cookie", "Strict-Transport-Security", "Transfer-Encoding", "Vary", "Www-Authenticate",
		"X-Content-Type-Options", "X-Frame-Options", "X-Powered-By", "X-Request-Id", "X-Ratelimit-Limit",
		"X-Ratelimit-Remaining", "X-Ratelimit-Reset",
	} {
		m[n] = n
	}
	return m
}()

func canonicalName(name string) string {
	if c, ok := commonNames[name]; ok {
		return c
	}
	return http.CanonicalHeaderKey(name)
}

// contentLength parses Content-Length values; several must be the same
// text (as net/http: "02" and "2" conflict).
func contentLength(values []string) (int64, error) {
	first := strings.Trim(values[0], " \t")
	for _, v := range values[1:] {
		if strings.Trim(v, " \t") != first {
			return 0, fmt.Errorf("conflicting Content-Length values %q", values)
		}
	}
	n, err := strconv.ParseUint(first, 10, 63)
	if err != nil {
		return 0, fmt.Errorf("bad Content-Length %q", first)
	}
	return int64(n), nil
}

// hasToken reports whether a comma-separated header holds token.
func hasToken(values []string, token string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), token) {
				return true
			}
		}
	}
	return false
}

// chunkedBody reads chunks, then the trailer section, so the connection
// is positioned at the next answer when it reports io.EOF.
type chunkedBody struct {
	br   *bufio.Reader
	r    io.Reader
	done bool
}

func (c *chunkedBody) Read(p []byte) (int, error) {
	if c.done {
		return 0, io.EOF
	}
	n, err := c.r.Read(p)
	if err == io.EOF {
		if terr := readTrailer(c.br); terr != nil {
			return n, terr
		}
		c.done = true
	}
	return n, err
}

// readTrailer reads the trailer section after the last chunk as net/http
// does: usually just CRLF; otherwise header lines that must end in a
// double CRLF within the read buffer (no unbounded trailer).
func readTrailer(br *bufio.Reader) error {
	buf, err := br.Peek(2)
	if bytes.Equal(buf, []byte("\r\n")) {
		br.Discard(2)
		return nil
	}
	if len(buf) < 2 {
		return io.ErrUnexpectedEOF
	}
	if err != nil {
		return err
	}
	for size := 4; ; size++ {
		buf, err := br.Peek(size)
		if bytes.HasSuffix(buf, []byte("\r\n\r\n")) {
			break
		}
		if err != nil {
			return errors.New("suspiciously long trailer after chunked body")
		}
	}
	if _, err := textproto.NewReader(br).ReadMIMEHeader(); err != nil {
		if err == io.EOF {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}

// lengthBody reads n bytes; a connection that ends before them is
// io.ErrUnexpectedEOF, not a short body.
type lengthBody struct {
	r io.Reader
	n int64
}

func (b *lengthBody) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	if err == io.EOF && b.n > 0 {
		err = io.ErrUnexpectedEOF
	} else if err == nil && b.n == 0 {
		err = io.EOF
	}
	return n, err
}
