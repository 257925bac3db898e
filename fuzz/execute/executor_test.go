package execute

import (
	"context"
	"errors"
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

func testCase(path string) *plan.Case {
	return &plan.Case{
		Target: &plan.Target{Op: &surface.Operation{Method: "GET", Path: path}},
		Method: "GET",
	}
}

func newExec(t *testing.T, srv *httptest.Server, mod func(*Config)) *Executor {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	cfg := Config{Target: u, Concurrency: 2, Timeout: 2 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestHostPolicy(t *testing.T) {
	tests := []struct {
		target  string
		allowed []string
		wantErr string
	}{
		{"http://127.0.0.1:8080", nil, ""},
		{"http://[::1]:8080", nil, ""},
		{"http://10.1.2.3", nil, ""},
		{"http://192.168.0.10", nil, ""},
		{"http://localhost:1", nil, ""},
		{"http://8.8.8.8", nil, "not a loopback or private address"},
		{"http://8.8.8.8", []string{"8.8.8.8"}, ""},
		{"https://api.example.com", []string{"API.example.com"}, ""},
		{"ftp://127.0.0.1", nil, "scheme must be http or https"},
		{"http://", nil, "has no host"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.target)
		if err != nil {
			t.Fatal(err)
		}
		err = HostPolicy{Allowed: tt.allowed}.Check(context.Background(), u)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.target, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want one containing %q", tt.target, err, tt.wantErr)
		}
	}
}

func TestHostileAnswers(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/huge", func(w http.ResponseWriter, _ *http.Request) {
		chunk := []byte(strings.Repeat("x", 64<<10))
		for i := 0; i < 64; i++ { // 4 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/slow-body", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://8.8.8.8/elsewhere", http.StatusFound)
	})
	mux.HandleFunc("/invalid-json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"a": `))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	e := newExec(t, srv, func(c *Config) { c.MaxBodyBytes = 1 << 20; c.Timeout = 300 * time.Millisecond })

	tests := []struct {
		path          string
		wantStatus    int
		wantTruncated bool
		wantErr       bool
		wantBodyLen   int
	}{
		{"/huge", 200, true, false, 1 << 20},
		{"/slow-body", 200, false, true, 0},
		{"/redirect", 302, false, false, -1},
		{"/invalid-json", 200, false, false, 6},
	}
	for _, tt := range tests {
		start := time.Now()
		x, err := e.Do(context.Background(), testCase(tt.path))
		if err != nil {
			t.Fatalf("%s: %v", tt.path, err)
		}
		if x.Status != tt.wantStatus || x.Truncated != tt.wantTruncated || (x.Err != nil) != tt.wantErr {
			t.Errorf("%s: status %d truncated %v err %v", tt.path, x.Status, x.Truncated, x.Err)
		}
		if tt.wantBodyLen >= 0 && len(x.Body) != tt.wantBodyLen {
			t.Errorf("%s: body %d bytes, want %d", tt.path, len(x.Body), tt.wantBodyLen)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s took %s: the timeout did not hold", tt.path, d)
		}
	}
}

func TestUnreachableAndTLS(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer tlsSrv.Close()
	e := newExec(t, tlsSrv, nil)
	x, err := e.Do(context.Background(), testCase("/"))
	if err != nil || x.Err == nil || !strings.Contains(x.Err.Error(), "certificate") {
		t.Fatalf("self-signed TLS: err %v, exchange err %v; want a certificate error", err, x.Err)
	}
	insecure := newExec(t, tlsSrv, func(c *Config) { c.Insecure = true })
	if x, err := insecure.Do(context.Background(), testCase("/")); err != nil || x.Status != 200 {
		t.Fatalf("--insecure: %v %+v", err, x)
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	e = newExec(t, closed, nil)
	x, err = e.Do(context.Background(), testCase("/"))
	if err != nil || x.Err == nil || x.Status != 0 {
		t.Fatalf("closed port: err %v, exchange %+v", err, x)
	}
}

func TestRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(200)
	}))
	defer srv.Close()
	e := newExec(t, srv, nil)
	start := time.Now()
	x, err := e.Do(context.Background(), testCase("/"))
	if err != nil || x.Status != 200 || x.Retries != 1 {
		t.Fatalf("got %v %+v, want 200 after one retry", err, x)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %s, Retry-After said 1s", d)
	}
	if e.Sent() != 2 {
		t.Errorf("sent %d, want 2 (the retry counts)", e.Sent())
	}
}

// A lockout longer than the pause cap is the answer, not a reason to
// wait; an operation throttled again and again stops being retried, so
// it cannot hold the run for each of its remaining cases.
func TestThrottledOperationIsNotWaitedOutForever(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path == "/locked" {
			w.Header().Set("Retry-After", "900")
		} else {
			w.Header().Set("Retry-After", "0")
		}
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	e := newExec(t, srv, nil)
	start := time.Now()
	x, err := e.Do(context.Background(), testCase("/locked"))
	if err != nil || x.Status != 429 || x.Retries != 0 {
		t.Fatalf("a 15-minute lockout: %v %+v, want the 429 at once", err, x)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("waited %s for a lockout", d)
	}
	calls.Store(0)
	for i := 0; i < 4; i++ {
		if _, err := e.Do(context.Background(), testCase("/reset")); err != nil {
			t.Fatal(err)
		}
	}
	if n := calls.Load(); n > int32(4+maxThrottledRetries) {
		t.Errorf("%d requests for 4 cases of a throttled operation: retries did not stop", n)
	}
}

func TestBudgetBreakerAndRate(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer ok.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }))
	defer failing.Close()

	e := newExec(t, ok, func(c *Config) { c.MaxRequests = 3 })
	for i := 0; i < 3; i++ {
		if _, err := e.Do(context.Background(), testCase("/")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Do(context.Background(), testCase("/")); !errors.Is(err, ErrBudgetExhausted) {
		t.Fatalf("4th request: %v, want ErrBudgetExhausted", err)
	}

	e = newExec(t, failing, func(c *Config) { c.Breaker = BreakerConfig{Window: 10, Threshold: 8} })
	var err error
	n := 0
	for n = 1; n <= 20 && err == nil; n++ {
		_, err = e.Do(context.Background(), testCase("/"))
	}
	if !errors.Is(err, ErrCircuitOpen) || n-1 != 8 {
		t.Fatalf("breaker: %v after %d requests, want ErrCircuitOpen after 8", err, n-1)
	}

	e = newExec(t, ok, func(c *Config) { c.Rate = 20 })
	start := time.Now()
	for i := 0; i < 11; i++ {
		if _, err := e.Do(context.Background(), testCase("/")); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 450*time.Millisecond {
		t.Errorf("11 requests at 20/s took %s, want about 500ms", d)
	}
}
