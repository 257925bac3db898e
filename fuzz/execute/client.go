package execute

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// client is the executor's HTTP/1.1 client: one persistent connection per
// request in flight, the request written and the answer read by the calling
// goroutine. net/http's Transport hands every request to a writer and a
// reader goroutine per connection; on a trivial local endpoint that
// hand-off costs more than the fuzzer's oracles (docs/performance.md), and
// the fuzzer needs none of what it buys (HTTP/2, proxies, redirects,
// transparent gzip). The safety envelope is the same: the dialer re-checks
// every address, TLS is verified unless --insecure, and nothing but the
// target's scheme and host is ever dialled.
type client struct {
	scheme, host string // the target's; anything else is refused
	addr         string // host:port to dial
	dialer       *net.Dialer
	tlsConfig    *tls.Config
	maxIdle      int

	mu   sync.Mutex
	idle []*persistConn
}

// persistConn is one keep-alive connection.
type persistConn struct {
	conn     net.Conn
	br       *bufio.Reader
	bw       *bufio.Writer
	lastUsed time.Time
	reused   bool
	// watched is the context whose cancellation interrupts the
	// connection (Ctrl-C, the run's deadline): registered once per
	// connection and context, not once per request.
	watched   context.Context
	stopWatch func() bool
}

// watch makes cancelling ctx interrupt a blocked read or write on the
// connection. It reports false when the connection was already
// interrupted by the context it watched before, and must not be used.
func (pc *persistConn) watch(ctx context.Context) bool {
	if pc.watched == ctx {
		return ctx.Err() == nil
	}
	if pc.stopWatch != nil && !pc.stopWatch() {
		return false
	}
	pc.watched = ctx
	pc.stopWatch = context.AfterFunc(ctx, func() { pc.conn.SetDeadline(time.Unix(1, 0)) })
	return true
}

// close closes the connection and drops its context registration.
func (pc *persistConn) close() {
	if pc.stopWatch != nil {
		pc.stopWatch()
	}
	pc.conn.Close()
}

// response is what came back for one request. status is 0 and header nil
// unless the status line and headers arrived.
type response struct {
	status    int
	header    http.Header
	body      []byte
	truncated bool
}

// largeBody is the request body size from which the body is written by its
// own goroutine while the answer is read, so a server that answers early
// (413) without reading the body does not stall the write until timeout.
const largeBody = 64 << 10

// idleTimeout is how long an idle connection is reused: below the shortest
// keep-alive timeout of common servers (Node.js: 5 s), so a reused
// connection is rarely one the server is closing.
const idleTimeout = 2 * time.Second

func newClient(cfg Config) *client {
	host := cfg.Target.Hostname()
	port := cfg.Target.Port()
	if port == "" {
		port = "80"
		if cfg.Target.Scheme == "https" {
			port = "443"
		}
	}
	return &client{
		scheme: cfg.Target.Scheme,
		host:   cfg.Target.Host,
		addr:   net.JoinHostPort(host, port),
		dialer: &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second,
			Control: cfg.Hosts.dialControl(host)},
		tlsConfig: &tls.Config{ //nolint:gosec // --insecure is the user's explicit choice
			InsecureSkipVerify: cfg.Insecure, MinVersion: tls.VersionTLS12,
			ServerName: host, NextProtos: []string{"http/1.1"},
		},
		maxIdle: cfg.Concurrency * 2,
	}
}

// do sends req with body and reads at most maxBody bytes of the answer. A
// request that failed on a reused connection before any answer arrived is
// sent again once on a new connection when it is safe to repeat (GET,
// HEAD, OPTIONS, TRACE), as net/http does: the server may have closed the
// idle connection while the request was on its way.
//
// start is when the request started (idle connections older than
// idleTimeout at start are not reused); end is when the answer was read,
// or the failure happened: the two clock reads of a request.
func (c *client) do(ctx context.Context, start, deadline time.Time, req *http.Request, body []byte, maxBody int64) (res *response, end time.Time, err error) {
	if req.URL.Scheme != c.scheme || req.URL.Host != c.host {
		return nil, start, fmt.Errorf("refusing to send to %s://%s: the target is %s://%s", req.URL.Scheme, req.URL.Host, c.scheme, c.host)
	}
	if err := validHeaders(req.Header); err != nil {
		return nil, start, err
	}
	for attempt := 0; ; attempt++ {
		pc, err := c.get(ctx, start, deadline)
		if err != nil {
			return nil, time.Now(), err
		}
		res, keep, err := pc.roundTrip(ctx, deadline, req, body, maxBody)
		end := time.Now()
		if err == nil && keep {
			c.put(pc, end)
			return res, end, nil
		}
		pc.close()
		if err != nil && res == nil && attempt == 0 && pc.reused && replayable(req.Method) && closedBeforeAnswer(err) && ctx.Err() == nil {
			continue
		}
		return res, end, err
	}
}

// get returns an idle connection or dials a new one.
func (c *client) get(ctx context.Context, now, deadline time.Time) (*persistConn, error) {
	for {
		c.mu.Lock()
		if len(c.idle) == 0 {
			c.mu.Unlock()
			break
		}
		pc := c.idle[len(c.idle)-1]
		c.idle = c.idle[:len(c.idle)-1]
		c.mu.Unlock()
		if now.Sub(pc.lastUsed) <= idleTimeout && pc.watch(ctx) {
			pc.reused = true
			return pc, nil
		}
		pc.close()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dialCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	conn, err := c.dialer.DialContext(dialCtx, "tcp", c.addr)
	if err != nil {
		return nil, err
	}
	if c.scheme == "https" {
		tc := tls.Client(conn, c.tlsConfig)
		if err := tc.HandshakeContext(dialCtx); err != nil {
			conn.Close()
			return nil, err
		}
		conn = tc
	}
	pc := &persistConn{conn: conn, br: bufio.NewReaderSize(conn, 4096), bw: bufio.NewWriterSize(conn, 4096)}
	if !pc.watch(ctx) {
		pc.close()
		return nil, ctx.Err()
	}
	return pc, nil
}

// put returns a connection to the idle list, or closes it when the list is
// full.
func (c *client) put(pc *persistConn, now time.Time) {
	pc.lastUsed = now
	c.mu.Lock()
	if len(c.idle) < c.maxIdle {
		c.idle = append(c.idle, pc)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	pc.close()
}

// closeIdle closes every idle connection.
func (c *client) closeIdle() {
	c.mu.Lock()
	idle := c.idle
	c.idle = nil
	c.mu.Unlock()
	for _, pc := range idle {
		pc.close()
	}
}

// roundTrip writes one request and reads its answer. keep reports whether
// the connection may carry another request.
func (pc *persistConn) roundTrip(ctx context.Context, deadline time.Time, req *http.Request, body []byte, maxBody int64) (res *response, keep bool, err error) {
	if err := pc.conn.SetDeadline(deadline); err != nil {
		return nil, false, err
	}
	// Cancelling ctx (Ctrl-C, the run's deadline) interrupts a blocked
	// read or write (get registered the connection with ctx); a
	// connection it touched is never reused.
	defer func() {
		if ctx.Err() != nil {
			keep = false
		}
	}()

	writeRequestHead(pc.bw, req, body)
	var writeErr chan error
	if len(body) >= largeBody {
		if err := pc.bw.Flush(); err != nil {
			return nil, false, err
		}
		writeErr = make(chan error, 1)
		go func() {
			_, err := pc.conn.Write(body)
			writeErr <- err
		}()
	} else {
		pc.bw.Write(body)
		if err := pc.bw.Flush(); err != nil {
			// The server may have answered and closed before reading
			// everything; its answer is still worth reading.
			res, _, rerr := pc.readResponse(req, maxBody)
			if rerr == nil {
				return res, false, nil
			}
			return nil, false, err
		}
	}
	res, keep, err = pc.readResponse(req, maxBody)
	if writeErr != nil {
		if err != nil || !keep {
			pc.conn.Close() // unblocks the writer; do closes it for good
			<-writeErr
			return res, false, err
		}
		if werr := <-writeErr; werr != nil {
			return res, false, nil
		}
	}
	return res, keep, err
}

// readResponse reads the status line, the headers and at most maxBody bytes
// of the body. Interim 1xx answers (100 Continue, 103 Early Hints) are
// skipped.
func (pc *persistConn) readResponse(req *http.Request, maxBody int64) (*response, bool, error) {
	var head *responseHead
	for interim := 0; ; interim++ {
		var err error
		head, err = readResponseHead(pc.br, req.Method)
		if err != nil {
			return nil, false, err
		}
		if head.status < 100 || head.status >= 200 || head.status == http.StatusSwitchingProtocols || interim == 5 {
			break
		}
	}
	res := &response{status: head.status, header: head.header}
	var eof bool
	var err error
	res.body, res.truncated, eof, err = readBody(head.body, head.length, maxBody)
	if err != nil {
		return res, false, fmt.Errorf("reading the response body: %w", err)
	}
	keep := eof && !head.close && !req.Close && head.status != http.StatusSwitchingProtocols
	return res, keep, nil
}

// readBody reads at most max bytes. eof reports whether the body ended
// (the connection can then be reused); truncated whether there was more.
func readBody(r io.Reader, size, max int64) (body []byte, truncated, eof bool, err error) {
	want := int64(512)
	if size >= 0 {
		want = min(size, max) + 1
	}
	buf := make([]byte, 0, want)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > max {
				return buf[:max], true, false, nil
			}
			buf = slices.Grow(buf, int(min(int64(cap(buf)), max+1-int64(cap(buf)))))
		}
		n, rerr := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return buf[:max], true, false, nil
		}
		if rerr == io.EOF {
			return buf, false, true, nil
		}
		if rerr != nil {
			return buf, false, false, rerr
		}
	}
}

// writeRequestHead writes the request line and headers, in a stable order
// (Host, then the headers sorted by name, then Content-Length).
func writeRequestHead(w *bufio.Writer, req *http.Request, body []byte) {
	w.WriteString(req.Method)
	w.WriteByte(' ')
	writeRequestURI(w, req.URL)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	w.WriteString(host)
	w.WriteString("\r\n")
	var names [16]string
	keys := names[:0]
	for k := range req.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Host", "Content-Length", "Transfer-Encoding", "Connection":
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range req.Header[k] {
			w.WriteString(k)
			w.WriteString(": ")
			w.WriteString(v)
			w.WriteString("\r\n")
		}
	}
	if req.Close {
		w.WriteString("Connection: close\r\n")
	}
	if body != nil || req.Method == http.MethodPost || req.Method == http.MethodPut || req.Method == http.MethodPatch {
		w.WriteString("Content-Length: ")
		var num [20]byte
		w.Write(strconv.AppendInt(num[:0], int64(len(body)), 10))
		w.WriteString("\r\n")
	}
	w.WriteString("\r\n")
}

// writeRequestURI writes u.RequestURI() in pieces, without building the
// string.
func writeRequestURI(w *bufio.Writer, u *url.URL) {
	if u.Opaque != "" {
		w.WriteString(u.RequestURI())
		return
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	w.WriteString(path)
	if u.ForceQuery || u.RawQuery != "" {
		w.WriteByte('?')
		writeQuery(w, u.RawQuery)
	}
}

// writeQuery writes a raw query with spaces and control bytes
// percent-encoded: a query taken as recorded (a Postman URL) may hold a
// space, which would otherwise end the request target early.
func writeQuery(w *bufio.Writer, q string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(q); i++ {
		if b := q[i]; b <= ' ' || b == 0x7f {
			w.WriteString(q[:i])
			for ; i < len(q); i++ {
				if b := q[i]; b <= ' ' || b == 0x7f {
					w.Write([]byte{'%', hex[b>>4], hex[b&15]})
				} else {
					w.WriteByte(b)
				}
			}
			return
		}
	}
	w.WriteString(q)
}

// validHeaders refuses what net/http's Transport refuses: a header name
// that is not a token, a value with a control character other than tab
// (CR and LF would inject headers).
func validHeaders(h http.Header) error {
	for k, vs := range h {
		if k == "" {
			return errors.New("invalid header field name \"\"")
		}
		for i := 0; i < len(k); i++ {
			if !isTokenByte(k[i]) {
				return fmt.Errorf("invalid header field name %q", k)
			}
		}
		for _, v := range vs {
			for i := 0; i < len(v); i++ {
				if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
					return fmt.Errorf("invalid header field value for %q", k)
				}
			}
		}
	}
	return nil
}

// isTokenByte reports whether b may appear in an HTTP token (RFC 9110).
func isTokenByte(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	switch b {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// replayable reports whether a method may be sent twice without effect.
func replayable(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// closedBeforeAnswer reports whether err is a connection the server closed
// before any answer: EOF, reset or broken pipe, not a timeout.
func closedBeforeAnswer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
