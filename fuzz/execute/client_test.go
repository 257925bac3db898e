package execute

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// rawServer answers each connection with handle, which reads requests
// from br and writes answers to conn; it counts connections.
type rawServer struct {
	ln    net.Listener
	conns atomic.Int32
}

func newRawServer(t *testing.T, handle func(conn net.Conn, br *bufio.Reader)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns.Add(1)
			go func() {
				defer conn.Close()
				handle(conn, bufio.NewReader(conn))
			}()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *rawServer) exec(t *testing.T, mod func(*Config)) *Executor {
	t.Helper()
	u, _ := url.Parse("http://" + s.ln.Addr().String())
	cfg := Config{Target: u, Concurrency: 1, Timeout: 2 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func postCase(path string, body []byte) *plan.Case {
	return &plan.Case{
		Target: &plan.Target{Op: &surface.Operation{Method: "POST", Path: path}},
		Method: "POST", Body: body, ContentType: "application/json",
	}
}

// TestClientWire checks the bytes of a request: request line, Host, the
// headers sorted by name, Content-Length for a POST even when empty.
func TestClientWire(t *testing.T) {
	got := make(chan string, 3)
	srv := newRawServer(t, func(conn net.Conn, br *bufio.Reader) {
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			body, _ := io.ReadAll(req.Body)
			var b strings.Builder
			fmt.Fprintf(&b, "%s %s host=%s cl=%d body=%q", req.Method, req.RequestURI, req.Host, req.ContentLength, body)
			for _, k := range []string{"User-Agent", "X-Trace", "Content-Type"} {
				fmt.Fprintf(&b, " %s=%q", k, req.Header.Values(k))
			}
			got <- b.String()
			io.WriteString(conn, "HTTP/1.1 204 No Content\r\n\r\n")
		}
	})
	e := srv.exec(t, func(c *Config) { c.Headers = http.Header{"User-Agent": {"specter-test"}} })
	c := testCase("/a b")
	c.Query = []plan.Param{{Name: "q", Value: "x&y"}}
	c.Headers = []plan.Param{{Name: "X-Trace", Value: "1"}}
	if x, err := e.Do(context.Background(), c); err != nil || x.Status != 204 || x.Err != nil {
		t.Fatalf("GET: %v %+v", err, x)
	}
	want := fmt.Sprintf(`GET /a%%20b?q=x%%26y host=%s cl=0 body="" User-Agent=["specter-test"] X-Trace=["1"] Content-Type=[]`, srv.ln.Addr())
	if g := <-got; g != want {
		t.Errorf("GET on the wire:\n got %s\nwant %s", g, want)
	}
	if x, err := e.Do(context.Background(), postCase("/p", []byte{})); err != nil || x.Status != 204 {
		t.Fatalf("POST: %v %+v", err, x)
	}
	want = fmt.Sprintf(`POST /p host=%s cl=0 body="" User-Agent=["specter-test"] X-Trace=[] Content-Type=["application/json"]`, srv.ln.Addr())
	if g := <-got; g != want {
		t.Errorf("POST on the wire:\n got %s\nwant %s", g, want)
	}
	// A query taken as recorded may hold a space: it is encoded, not
	// sent raw into the request line.
	rec := testCase("/r")
	rec.RecordedURL = "http://example.test/r?q=a b"
	if x, err := e.Do(context.Background(), rec); err != nil || x.Status != 204 {
		t.Fatalf("recorded URL: %v %+v", err, x)
	}
	want = fmt.Sprintf(`GET /r?q=a%%20b host=%s cl=0 body="" User-Agent=["specter-test"] X-Trace=[] Content-Type=[]`, srv.ln.Addr())
	if g := <-got; g != want {
		t.Errorf("recorded query on the wire:\n got %s\nwant %s", g, want)
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("%d connections for three requests, want 1 (keep-alive)", n)
	}
}

// TestClientAnswers covers the answers a lean client must get right:
// chunked bodies, HEAD, interim 1xx answers, Connection: close, and a
// server that closes an idle connection (a GET is sent again on a new
// connection, a POST is not).
func TestClientAnswers(t *testing.T) {
	t.Run("chunked, interim 103, then keep-alive", func(t *testing.T) {
		srv := newRawServer(t, func(conn net.Conn, br *bufio.Reader) {
			for {
				if _, err := http.ReadRequest(br); err != nil {
					return
				}
				io.WriteString(conn, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"+
					"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"+
					"5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n")
			}
		})
		e := srv.exec(t, nil)
		for i := 0; i < 3; i++ {
			x, err := e.Do(context.Background(), testCase("/"))
			if err != nil || x.Err != nil || x.Status != 200 || string(x.Body) != `{"a": 1}` {
				t.Fatalf("request %d: %v %+v", i, err, x)
			}
		}
		if n := srv.conns.Load(); n != 1 {
			t.Errorf("%d connections, want 1", n)
		}
	})
	t.Run("HEAD has no body; Connection: close is honoured", func(t *testing.T) {
		srv := newRawServer(t, func(conn net.Conn, br *bufio.Reader) {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			if req.Method == http.MethodHead {
				io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n")
				return
			}
			io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
		})
		e := srv.exec(t, nil)
		head := testCase("/")
		head.Method = http.MethodHead
		if x, err := e.Do(context.Background(), head); err != nil || x.Err != nil || x.Status != 200 || len(x.Body) != 0 {
			t.Fatalf("HEAD: %v %+v", err, x)
		}
		if x, err := e.Do(context.Background(), testCase("/")); err != nil || x.Err != nil || string(x.Body) != "ok" {
			t.Fatalf("GET after Connection: close: %v %+v", err, x)
		}
		if n := srv.conns.Load(); n != 2 {
			t.Errorf("%d connections, want 2 (the server closed the first)", n)
		}
	})
	t.Run("idle connection closed by the server", func(t *testing.T) {
		// Each connection answers one request as keep-alive, then closes:
		// the next request on it finds the connection gone.
		srv := newRawServer(t, func(conn net.Conn, br *bufio.Reader) {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.Copy(io.Discard, req.Body)
			io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		})
		e := srv.exec(t, nil)
		if x, err := e.Do(context.Background(), testCase("/")); err != nil || x.Status != 200 {
			t.Fatalf("first GET: %v %+v", err, x)
		}
		time.Sleep(50 * time.Millisecond) // the server has closed by now
		if x, err := e.Do(context.Background(), testCase("/")); err != nil || x.Err != nil || x.Status != 200 {
			t.Fatalf("GET on a closed idle connection: %v %+v; want it sent again on a new one", err, x)
		}
		time.Sleep(50 * time.Millisecond)
		x, err := e.Do(context.Background(), postCase("/", []byte(`{}`)))
		if err != nil || x.Err == nil || x.Status != 0 {
			t.Fatalf("POST on a closed idle connection: %v %+v; want an error, not a second POST", err, x)
		}
		if n := srv.conns.Load(); n != 2 {
			t.Errorf("%d connections, want 2 (one resend for the GET, none for the POST)", n)
		}
	})
}

// TestClientRefusals: headers that would inject others are refused before
// anything is sent, as net/http's Transport does.
func TestClientRefusals(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	e := newExec(t, srv, nil)
	for _, h := range []plan.Param{
		{Name: "X-A", Value: "a\r\nX-Injected: 1"},
		{Name: "X-A", Value: "a\x00"},
		{Name: "X A", Value: "a"},
		{Name: "X:A", Value: "a"},
	} {
		c := testCase("/")
		c.Headers = []plan.Param{h}
		x, err := e.Do(context.Background(), c)
		if err != nil || x.Err == nil || !strings.Contains(x.Err.Error(), "invalid header field") {
			t.Errorf("header %q: %v %+v, want an invalid header error", h.Name+": "+h.Value, err, x)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the server", hits.Load())
	}
}

// TestClientEarlyAnswer: a server that answers 413 to a large body
// without reading it is heard, not waited on until the timeout.
func TestClientEarlyAnswer(t *testing.T) {
	srv := newRawServer(t, func(conn net.Conn, br *bufio.Reader) {
		if _, err := http.ReadRequest(br); err != nil {
			return
		}
		io.WriteString(conn, "HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		time.Sleep(3 * time.Second) // neither reads the body nor closes
	})
	e := srv.exec(t, func(c *Config) { c.Timeout = 5 * time.Second })
	start := time.Now()
	x, err := e.Do(context.Background(), postCase("/", make([]byte, 8<<20)))
	if err != nil || x.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("8 MiB body: %v %+v, want 413", err, x)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s: the client waited for the body write", d)
	}
}

// TestClientCancel: cancelling the context interrupts a request waiting
// on a slow server.
func TestClientCancel(t *testing.T) {
	var first atomic.Bool
	srv := newRawServer(t, func(conn net.Conn, br *bufio.Reader) {
		if first.CompareAndSwap(false, true) {
			http.ReadRequest(br)
			time.Sleep(3 * time.Second)
			return
		}
		for {
			if _, err := http.ReadRequest(br); err != nil {
				return
			}
			io.WriteString(conn, "HTTP/1.1 204 No Content\r\n\r\n")
		}
	})
	e := srv.exec(t, func(c *Config) { c.Timeout = 10 * time.Second })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := e.Do(ctx, testCase("/"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancel took %s", d)
	}
	// The next request, under a live context, is not hurt by the
	// cancelled one (its connection is not reused).
	for i := 0; i < 2; i++ {
		if x, err := e.Do(context.Background(), testCase("/")); err != nil || x.Err != nil || x.Status != 204 {
			t.Fatalf("request %d after the cancel: %v %+v", i, err, x)
		}
	}
}
