package execute

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const fetchDoc = `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}`

// docServer serves an API description and redirects to it.
//
//	/openapi.json    the document
//	/old             302 to /openapi.json
//	/hop/N           302 to /hop/N-1, /hop/0 is the document
//	/to?u=URL        302 to URL
//	/big?n=N         N bytes
//	/status/N        status N
//	/slow            answers after release is closed
func docServer(t *testing.T, hits *atomic.Int64, release chan struct{}) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if hits != nil {
			hits.Add(1)
		}
		switch p := r.URL.Path; {
		case p == "/openapi.json":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(fetchDoc))
		case p == "/old":
			http.Redirect(w, r, "/openapi.json", http.StatusFound)
		case strings.HasPrefix(p, "/hop/"):
			n, _ := strconv.Atoi(strings.TrimPrefix(p, "/hop/"))
			if n == 0 {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(fetchDoc))
				return
			}
			http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusFound)
		case p == "/to":
			http.Redirect(w, r, r.URL.Query().Get("u"), http.StatusFound)
		case p == "/big":
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			w.Header().Set("Content-Type", "application/yaml")
			_, _ = w.Write([]byte(strings.Repeat("a", n)))
		case strings.HasPrefix(p, "/status/"):
			n, _ := strconv.Atoi(strings.TrimPrefix(p, "/status/"))
			w.WriteHeader(n)
			_, _ = w.Write([]byte(fetchDoc))
		case p == "/slow":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestFetch(t *testing.T) {
	var hits, otherHits atomic.Int64
	srv := docServer(t, &hits, nil)
	other := docServer(t, &otherHits, nil)
	// The same server under another name is another host.
	byName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	tests := []struct {
		name     string
		url      string
		maxBytes int64
		// wantErr is "" for a document, else part of the error.
		wantErr string
		wantCT  string
		wantLen int
	}{
		{name: "loopback document", url: srv.URL + "/openapi.json", maxBytes: 1 << 20, wantCT: "application/json", wantLen: len(fetchDoc)},
		{name: "loopback by name", url: byName + "/openapi.json", maxBytes: 1 << 20, wantCT: "application/json", wantLen: len(fetchDoc)},
		{name: "redirect to the same host", url: srv.URL + "/old", maxBytes: 1 << 20, wantCT: "application/json", wantLen: len(fetchDoc)},
		{name: "three redirects", url: srv.URL + "/hop/3", maxBytes: 1 << 20, wantCT: "application/json", wantLen: len(fetchDoc)},
		{name: "four redirects", url: srv.URL + "/hop/4", maxBytes: 1 << 20, wantErr: "more than 3 redirects"},
		{name: "redirect to another port", url: srv.URL + "/to?u=" + url.QueryEscape(other.URL+"/openapi.json"), maxBytes: 1 << 20, wantErr: "redirect to another host"},
		{name: "redirect to another name of the host", url: srv.URL + "/to?u=" + url.QueryEscape(byName+"/openapi.json"), maxBytes: 1 << 20, wantErr: "redirect to another host"},
		{name: "at the size limit", url: srv.URL + "/big?n=1000", maxBytes: 1000, wantCT: "application/yaml", wantLen: 1000},
		{name: "over the size limit", url: srv.URL + "/big?n=1001", maxBytes: 1000, wantErr: ErrTooLarge.Error()},
		{name: "far over the size limit", url: srv.URL + "/big?n=300000", maxBytes: 1000, wantErr: ErrTooLarge.Error()},
		{name: "404", url: srv.URL + "/missing", maxBytes: 1 << 20, wantErr: "answered 404"},
		{name: "401", url: srv.URL + "/status/401", maxBytes: 1 << 20, wantErr: "answered 401"},
		{name: "500", url: srv.URL + "/status/500", maxBytes: 1 << 20, wantErr: "answered 500"},
		{name: "a redirect that is not followed is not a document", url: srv.URL + "/status/304", maxBytes: 1 << 20, wantErr: "answered 304"},
		{name: "203 is a document", url: srv.URL + "/status/203", maxBytes: 1 << 20, wantLen: len(fetchDoc)},
		{name: "not http", url: "file:///etc/passwd", maxBytes: 1 << 20, wantErr: "scheme must be http or https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, ct, err := HostPolicy{}.Fetch(context.Background(), mustURL(t, tt.url), tt.maxBytes, 2*time.Second, false)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Fetch(%s) = %d bytes, %v; want an error with %q", tt.url, len(body), err, tt.wantErr)
				}
				if body != nil {
					t.Errorf("Fetch(%s) failed but returned %d bytes", tt.url, len(body))
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch(%s): %v", tt.url, err)
			}
			if len(body) != tt.wantLen || (tt.wantCT != "" && ct != tt.wantCT) {
				t.Errorf("Fetch(%s) = %d bytes of %q, want %d bytes of %q", tt.url, len(body), ct, tt.wantLen, tt.wantCT)
			}
		})
	}
	if n := otherHits.Load(); n != 0 {
		t.Errorf("the other host was asked %d times: a cross-host redirect was followed", n)
	}
	if hits.Load() == 0 {
		t.Error("the document server was never asked")
	}
}

func TestFetchSizeLimitIsErrTooLarge(t *testing.T) {
	srv := docServer(t, nil, nil)
	_, _, err := HostPolicy{}.Fetch(context.Background(), mustURL(t, srv.URL+"/big?n=5000"), 4096, 2*time.Second, false)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestFetchHeaders(t *testing.T) {
	var accept, agent string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept, agent = r.Header.Get("Accept"), r.Header.Get("User-Agent")
		_, _ = w.Write([]byte(fetchDoc))
	}))
	defer srv.Close()
	if _, _, err := (HostPolicy{}).Fetch(context.Background(), mustURL(t, srv.URL+"/"), 1<<20, 2*time.Second, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(accept, "application/json") || !strings.Contains(accept, "application/yaml") || agent != "specter-fuzz" {
		t.Errorf("Accept %q, User-Agent %q", accept, agent)
	}
}

// A public address is refused by the policy before anything is dialled.
// The context is already cancelled: were the address not refused first,
// the request would fail on the context instead (and send nothing).
func TestFetchRefusesPublicAddress(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, target := range []string{"http://203.0.113.7/openapi.json", "https://[2001:db8::1]/v3/api-docs", "http://198.51.100.20:8080/"} {
		start := time.Now()
		_, _, err := HostPolicy{}.Fetch(ctx, mustURL(t, target), 1<<20, 2*time.Second, false)
		if err == nil || !strings.Contains(err.Error(), "not a loopback or private address") {
			t.Errorf("Fetch(%s) = %v, want the host policy's refusal", target, err)
		}
		if errors.Is(err, context.Canceled) {
			t.Errorf("Fetch(%s) got as far as the request: %v", target, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Fetch(%s) took %s", target, d)
		}
	}
}

func TestFetchTLSAndTimeout(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(fetchDoc))
	}))
	defer tlsSrv.Close()
	u := mustURL(t, tlsSrv.URL+"/openapi.json")
	if _, _, err := (HostPolicy{}).Fetch(context.Background(), u, 1<<20, 2*time.Second, false); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("self-signed certificate: %v, want a certificate error", err)
	}
	if body, _, err := (HostPolicy{}).Fetch(context.Background(), u, 1<<20, 2*time.Second, true); err != nil || string(body) != fetchDoc {
		t.Errorf("insecure: %q, %v", body, err)
	}

	release := make(chan struct{})
	srv := docServer(t, nil, release)
	defer close(release)
	start := time.Now()
	_, _, err := HostPolicy{}.Fetch(context.Background(), mustURL(t, srv.URL+"/slow"), 1<<20, 200*time.Millisecond, false)
	if err == nil {
		t.Fatal("a server that does not answer: no error")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the timeout did not hold: %s", d)
	}
}

func TestFetchRedactsCredentials(t *testing.T) {
	srv := docServer(t, nil, nil)
	u := mustURL(t, strings.Replace(srv.URL, "http://", "http://ci:s3cr3t-pass@", 1)+"/missing")
	_, _, err := HostPolicy{}.Fetch(context.Background(), u, 1<<20, 2*time.Second, false)
	if err == nil || strings.Contains(err.Error(), "s3cr3t-pass") {
		t.Errorf("err = %v, want an error without the password", err)
	}
}
