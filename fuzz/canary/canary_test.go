package canary

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func start(t *testing.T, cfg Config) *Listener {
	t.Helper()
	l, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// client is a net/http client that does not keep connections, so that
// every test's requests are independent.
var client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

func get(t *testing.T, method, u string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

var urlPattern = regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+/c/[0-9a-f]{32}/[A-Za-z0-9._-]*$`)

func TestURLHitsRecorded(t *testing.T) {
	clock := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	l := start(t, Config{Now: func() time.Time { return clock }})
	u := l.URL("ssrf avatar/../x")
	if !urlPattern.MatchString(u) {
		t.Fatalf("URL %q", u)
	}
	if !strings.HasSuffix(u, "/ssrf-avatar-..-x") {
		t.Errorf("tag not cleaned: %q", u)
	}
	for tag, want := range map[string]string{"..": "--", ".": "-", "": "", "a.b": "a.b", "é": "--"} {
		if got := cleanTag(tag); got != want {
			t.Errorf("cleanTag(%q) = %q, want %q", tag, got, want)
		}
	}
	token, ok := l.TokenOf(u)
	if !ok || len(token) != 32 {
		t.Fatalf("TokenOf(%q) = %q, %v", u, token, ok)
	}
	if h := l.Hits(token); len(h) != 0 {
		t.Fatalf("hits before any request: %v", h)
	}
	marker, ok := l.Marker(token)
	if !ok || !strings.HasPrefix(marker, MarkerPrefix) || strings.Contains(marker, token) {
		t.Fatalf("Marker = %q, %v", marker, ok)
	}

	status, header, body := get(t, http.MethodGet, u+"?from=test", map[string]string{"User-Agent": "target-fetcher/1.0"})
	if status != 200 || header.Get("Content-Type") != "text/plain; charset=utf-8" || body != marker+"\n" {
		t.Fatalf("GET: %d %q %q", status, header.Get("Content-Type"), body)
	}
	status, _, body = get(t, http.MethodHead, u, nil)
	if status != 200 || body != "" {
		t.Errorf("HEAD: %d %q", status, body)
	}
	hits := l.Hits(token)
	if len(hits) != 2 {
		t.Fatalf("%d hits, want 2", len(hits))
	}
	h := hits[0]
	if h.Token != token || h.Tag != "ssrf-avatar-..-x" || !h.Time.Equal(clock) || h.Method != "GET" ||
		h.UserAgent != "target-fetcher/1.0" || !strings.HasPrefix(h.RemoteAddr, "127.0.0.1:") ||
		!strings.HasSuffix(h.Path, "?from=test") {
		t.Errorf("hit %+v", h)
	}
	if hits[1].Method != "HEAD" {
		t.Errorf("second hit %+v", hits[1])
	}
	// The returned slice is a copy.
	hits[0].Method = "changed"
	if l.Hits(token)[0].Method != "GET" {
		t.Error("Hits returned the listener's own slice")
	}
	if s := l.Stats(); s.Tokens != 1 || s.Hits != 2 || s.Stray != 0 {
		t.Errorf("stats %+v", s)
	}

	// Every URL has its own token and marker.
	u2 := l.URL("ssrf avatar/../x")
	t2, _ := l.TokenOf(u2)
	m2, _ := l.Marker(t2)
	if u2 == u || t2 == token || m2 == marker {
		t.Errorf("second URL %q token %q marker %q repeat the first", u2, t2, m2)
	}
	if len(l.Hits(t2)) != 0 {
		t.Error("hits leaked to another token")
	}
}

func TestServeDocument(t *testing.T) {
	l := start(t, Config{MaxDocumentBytes: 64})
	doc := []byte(`{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB"}]}`)
	u := l.Serve("jwks", "application/json", doc)
	doc[0] = 'X' // Serve keeps its own copy
	status, header, body := get(t, http.MethodGet, u, nil)
	if status != 200 || header.Get("Content-Type") != "application/json" || body[0] != '{' || len(body) != len(doc) {
		t.Fatalf("GET: %d %q %q", status, header.Get("Content-Type"), body)
	}
	token, _ := l.TokenOf(u)
	if _, ok := l.Marker(token); ok {
		t.Error("a document URL has a marker")
	}
	if got := l.Serve("big", "application/json", make([]byte, 65)); got != "" {
		t.Errorf("document over the limit served at %q", got)
	}
	if got := l.Serve("empty", "", []byte{}); got == "" {
		t.Error("empty document refused")
	} else if status, header, body := get(t, http.MethodGet, got, nil); status != 200 || body != "" || header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("empty document: %d %q %q", status, header.Get("Content-Type"), body)
	}
}

func TestUnknownTokens404(t *testing.T) {
	l := start(t, Config{})
	u := l.URL("x")
	token, _ := l.TokenOf(u)
	base := l.BaseURL()
	for _, path := range []string{"/", "/c/", "/c/" + strings.Repeat("0", 32) + "/x", "/c/" + token[:31] + "/x", "/x/c/" + token, "/favicon.ico"} {
		if status, _, _ := get(t, http.MethodGet, base+path, nil); status != 404 {
			t.Errorf("%s: %d, want 404", path, status)
		}
	}
	if len(l.Hits(token)) != 0 {
		t.Error("a stray request was recorded as a hit")
	}
	if s := l.Stats(); s.Stray != 6 || s.Hits != 0 {
		t.Errorf("stats %+v", s)
	}
	// The token alone, or with another tag, still counts: targets may
	// rewrite the path after the token.
	for _, path := range []string{"/c/" + token, "/c/" + token + "/other/deeper"} {
		if status, _, _ := get(t, http.MethodGet, base+path, nil); status != 200 {
			t.Errorf("%s: %d, want 200", path, status)
		}
	}
	if n := l.HitCount(token); n != 2 {
		t.Errorf("HitCount %d", n)
	}
	if _, ok := l.TokenOf("http://elsewhere.example/c/" + token); ok {
		t.Error("TokenOf accepted another host's URL")
	}
}

func TestLimits(t *testing.T) {
	l := start(t, Config{MaxTokens: 3, MaxHitsPerToken: 2})
	var tokens []string
	for i := range 5 {
		tok, _ := l.TokenOf(l.URL(fmt.Sprint("t", i)))
		tokens = append(tokens, tok)
	}
	if s := l.Stats(); s.Tokens != 3 || s.Evicted != 2 {
		t.Errorf("stats %+v, want 3 tokens and 2 evicted", s)
	}
	base := l.BaseURL()
	for i, tok := range tokens {
		want := 200
		if i < 2 {
			want = 404 // the oldest were forgotten
		}
		if status, _, _ := get(t, http.MethodGet, base+"/c/"+tok, nil); status != want {
			t.Errorf("token %d: %d, want %d", i, status, want)
		}
	}
	for range 4 {
		get(t, http.MethodPost, base+"/c/"+tokens[4], nil)
	}
	if h, n := l.Hits(tokens[4]), l.HitCount(tokens[4]); len(h) != 2 || n != 5 {
		t.Errorf("%d hits kept, %d counted; want 2 and 5", len(h), n)
	}
	if _, err := l.WaitHit(context.Background(), tokens[0], time.Second); !errors.Is(err, ErrUnknownToken) {
		t.Errorf("WaitHit on an evicted token: %v", err)
	}
	if long := l.URL(strings.Repeat("a", 200)); !strings.HasSuffix(long, "/"+strings.Repeat("a", MaxTagBytes)) {
		t.Errorf("long tag not cut: %q", long)
	}
}

func TestWaitHit(t *testing.T) {
	l := start(t, Config{})
	u := l.URL("wait")
	token, _ := l.TokenOf(u)

	if _, err := l.WaitHit(context.Background(), token, 0); !errors.Is(err, ErrNoHit) {
		t.Errorf("no wait: %v", err)
	}
	start := time.Now()
	if _, err := l.WaitHit(context.Background(), token, 50*time.Millisecond); !errors.Is(err, ErrNoHit) || time.Since(start) < 50*time.Millisecond {
		t.Errorf("timeout: %v after %v", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.WaitHit(ctx, token, time.Minute); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := l.WaitHit(context.Background(), "nope", time.Minute); !errors.Is(err, ErrUnknownToken) {
		t.Errorf("unknown: %v", err)
	}

	// A hit that arrives while waiting wakes every waiter.
	var wg sync.WaitGroup
	results := make([]error, 3)
	for i := range results {
		wg.Go(func() {
			h, err := l.WaitHit(context.Background(), token, 5*time.Second)
			if err == nil && h.Token != token {
				err = fmt.Errorf("hit for %q", h.Token)
			}
			results[i] = err
		})
	}
	time.Sleep(20 * time.Millisecond)
	get(t, http.MethodGet, u, nil)
	wg.Wait()
	for i, err := range results {
		if err != nil {
			t.Errorf("waiter %d: %v", i, err)
		}
	}
	// Once hit, WaitHit answers at once.
	if _, err := l.WaitHit(context.Background(), token, 0); err != nil {
		t.Errorf("after the hit: %v", err)
	}

	// Close wakes the waiters of other tokens.
	other, _ := l.TokenOf(l.URL("other"))
	done := make(chan error, 1)
	go func() {
		_, err := l.WaitHit(context.Background(), other, time.Minute)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake a waiter")
	}
}

func TestConcurrentHits(t *testing.T) {
	l := start(t, Config{MaxHitsPerToken: 4, MaxTokens: 200})
	keepAlive := &http.Client{Timeout: 5 * time.Second}
	defer keepAlive.CloseIdleConnections()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for range 20 {
				u := l.URL(fmt.Sprint("w", w))
				token, _ := l.TokenOf(u)
				for range 3 {
					resp, err := keepAlive.Get(u)
					if err != nil {
						t.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if n, h := l.HitCount(token), l.Hits(token); n != 3 || len(h) != 3 || h[0].Tag != fmt.Sprint("w", w) {
					t.Errorf("token %s: %d hits, %d kept", token, n, len(h))
				}
				_ = l.Stats()
			}
		})
	}
	wg.Wait()
	if s := l.Stats(); s.Hits != 8*20*3 || s.Tokens != 8*20 || s.Evicted != 0 || s.Stray != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestCloseStops(t *testing.T) {
	l, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	u := l.URL("x")
	if status, _, _ := get(t, http.MethodGet, u, nil); status != 200 {
		t.Fatalf("before Close: %d", status)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if resp, err := client.Get(u); err == nil {
		resp.Body.Close()
		t.Fatal("the listener still answers after Close")
	}
	if c, err := net.DialTimeout("tcp", l.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("the port still accepts after Close")
	}
}

func TestSlowClientsDoNotHangClose(t *testing.T) {
	l, err := Start(Config{ShutdownGrace: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	token, _ := l.TokenOf(l.URL("slow"))
	addr := l.Addr().String()
	// One client stops in the middle of its header, another in the middle
	// of a body it announced, a third sits on a kept-alive connection
	// without reading its answer.
	var conns []net.Conn
	for _, req := range []string{
		"GET /c/" + token + " HTTP/1.1\r\nHost: x\r\nUser-Ag",
		"POST /c/" + token + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\npartial",
		"GET /c/" + token + " HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	// Wait until the server is in the handlers of the last two.
	deadline := time.Now().Add(5 * time.Second)
	for l.HitCount(token) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := l.HitCount(token); n != 2 {
		t.Fatalf("%d hits before Close, want 2", n)
	}
	start := time.Now()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v with slow clients", d)
	}
	// The slow connections were cut.
	for i, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := io.ReadAll(bufio.NewReader(c)); err != nil && !isClosed(err) {
			t.Errorf("connection %d not closed: %v", i, err)
		}
	}
}

func isClosed(err error) bool {
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

func TestPublicURL(t *testing.T) {
	l := start(t, Config{Listen: "127.0.0.1:0", PublicURL: "http://10.0.0.5:8089/"})
	u := l.URL("jku")
	if !strings.HasPrefix(u, "http://10.0.0.5:8089/c/") || l.BaseURL() != "http://10.0.0.5:8089" {
		t.Fatalf("URL %q base %q", u, l.BaseURL())
	}
	token, ok := l.TokenOf(u)
	if !ok {
		t.Fatal("TokenOf refused an advertised URL")
	}
	// The target reaches the bound address through the advertised one
	// (NAT, a port forward): the request's path is the same.
	local := "http://" + l.Addr().String() + "/c/" + token + "/jku"
	if status, _, _ := get(t, http.MethodGet, local, nil); status != 200 || l.HitCount(token) != 1 {
		t.Errorf("hit through the bound address: %d, %d hits", status, l.HitCount(token))
	}

	// A public URL with a path: a proxy that keeps the path is served too.
	p := start(t, Config{PublicURL: "https://canary.example.com/specter"})
	pu := p.URL("x")
	ptok, _ := p.TokenOf(pu)
	if !strings.HasPrefix(pu, "https://canary.example.com/specter/c/") {
		t.Fatalf("URL %q", pu)
	}
	for _, path := range []string{"/specter/c/" + ptok + "/x", "/c/" + ptok + "/x"} {
		if status, _, _ := get(t, http.MethodGet, "http://"+p.Addr().String()+path, nil); status != 200 {
			t.Errorf("%s: %d", path, status)
		}
	}

	for _, bad := range []string{"10.0.0.5:8089", "ftp://x", "http://x/?q=1", "http://u:p@x/", "http://[::1"} {
		if l, err := Start(Config{PublicURL: bad}); err == nil {
			l.Close()
			t.Errorf("public URL %q accepted", bad)
		}
	}
}

func TestListenAddresses(t *testing.T) {
	// An unspecified bind address is advertised as loopback.
	l := start(t, Config{Listen: "0.0.0.0:0"})
	if !strings.HasPrefix(l.BaseURL(), "http://127.0.0.1:") {
		t.Errorf("base %q", l.BaseURL())
	}
	if status, _, _ := get(t, http.MethodGet, l.URL("x"), nil); status != 200 {
		t.Errorf("GET through the advertised loopback: %d", status)
	}
	// A port in use is an error that names the address.
	_, err := Start(Config{Listen: l.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), l.Addr().String()) {
		t.Errorf("second bind of %s: %v", l.Addr(), err)
	}
}
