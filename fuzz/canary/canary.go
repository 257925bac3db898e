// Package canary is the fuzzer's out-of-band listener: an HTTP server,
// started for a run and closed at its end, that hands out unguessable URLs
// and records which of them the target fetched. An oracle puts a canary
// URL where the target may fetch it (a jku or x5u header, a webhook or
// avatar URL, an SSRF payload), then asks Hits or WaitHit whether the
// fetch happened. Each URL serves a small body with a unique marker, so
// that an API echoing what it fetched can be recognised too, or a
// document registered with Serve (the JWKS of a jku forgery).
//
// By default the listener binds 127.0.0.1 on a free port and advertises
// that address. For a target that cannot reach the fuzzer's loopback, bind
// another address and advertise the URL the target can reach:
// Config{Listen: "0.0.0.0:8089", PublicURL: "http://10.0.0.5:8089"}, what
// the command's --canary-listen and --canary-url set (--no-canary runs
// without one).
package canary

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of Config.
const (
	DefaultListen           = "127.0.0.1:0"
	DefaultMaxTokens        = 4096
	DefaultMaxHitsPerToken  = 16
	DefaultMaxDocumentBytes = 256 << 10
	DefaultShutdownGrace    = time.Second
)

// Bounds on what a hit records and a URL carries.
const (
	// MaxTagBytes bounds the tag in a URL; longer tags are cut.
	MaxTagBytes = 64
	// maxFieldBytes bounds the path and user agent a hit keeps.
	maxFieldBytes = 512
	// maxDrainBytes is how much of a request body is read (and dropped)
	// before answering, so that keep-alive clients are not cut off.
	maxDrainBytes = 64 << 10
)

// PathPrefix starts the path of every canary URL: PathPrefix + token +
// "/" + tag.
const PathPrefix = "/c/"

// MarkerPrefix starts the marker in the body of every plain canary URL.
const MarkerPrefix = "specter-canary-"

// Errors of WaitHit.
var (
	// ErrNoHit: the timeout elapsed without a hit.
	ErrNoHit = errors.New("canary: no hit")
	// ErrUnknownToken: the token was never handed out, or was evicted.
	ErrUnknownToken = errors.New("canary: unknown token")
	// ErrClosed: the listener was closed.
	ErrClosed = errors.New("canary: listener closed")
)

// Config says where the listener binds and what it keeps. The zero value
// binds DefaultListen with the default limits.
type Config struct {
	// Listen is the address to bind, host:port; "" is DefaultListen.
	Listen string
	// PublicURL is the base of the URLs handed out (scheme://host[:port]
	// [/path]), when the target reaches the listener at another address
	// than it binds (NAT, a container, 0.0.0.0). "" advertises the bound
	// address, with a loopback address for an unspecified one.
	PublicURL string
	// MaxTokens bounds the URLs remembered; past it the oldest is
	// forgotten and answers 404. 0 is DefaultMaxTokens.
	MaxTokens int
	// MaxHitsPerToken bounds the hits kept per URL; later hits are
	// counted, not kept. 0 is DefaultMaxHitsPerToken.
	MaxHitsPerToken int
	// MaxDocumentBytes bounds a document given to Serve. 0 is
	// DefaultMaxDocumentBytes.
	MaxDocumentBytes int
	// ShutdownGrace is how long Close lets requests in flight finish
	// before it cuts their connections. 0 is DefaultShutdownGrace.
	ShutdownGrace time.Duration
	// Now is the clock of hit times; nil is time.Now.
	Now func() time.Time
}

// Hit is one request to a canary URL.
type Hit struct {
	// Token and Tag are the URL's token and tag.
	Token string
	Tag   string
	// Time is when the request's header was read.
	Time time.Time
	// Method, Path (path and query as sent, at most 512 bytes),
	// RemoteAddr (host:port of the client) and UserAgent (at most 512
	// bytes) describe the request.
	Method     string
	Path       string
	RemoteAddr string
	UserAgent  string
}

// Stats counts what the listener saw.
type Stats struct {
	// Tokens is the number of URLs remembered now; Evicted the number
	// forgotten to stay within MaxTokens.
	Tokens  int
	Evicted int
	// Hits is the number of requests to known URLs, kept or not; Stray
	// the number of requests to any other path (answered 404).
	Hits  int
	Stray int
}

// Listener is a running canary server. Its methods are safe for
// concurrent use.
type Listener struct {
	cfg      Config
	base     string // advertised base URL, no trailing slash
	basePath string // path of base, stripped from requests that carry it
	ln       net.Listener
	srv      *http.Server
	served   chan struct{} // closed when Serve returns
	closed   chan struct{} // closed by Close
	once     sync.Once

	mu      sync.Mutex
	entries map[string]*entry
	order   []string // tokens, oldest first
	stats   Stats
}

// entry is what the listener remembers of one URL.
type entry struct {
	tag         string
	marker      string
	contentType string
	body        []byte
	hits        []Hit
	total       int
	first       chan struct{} // closed on the first hit
}

// Start binds cfg.Listen and serves until Close.
func Start(cfg Config) (*Listener, error) {
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if cfg.MaxTokens <= 0 {
		cfg.MaxTokens = DefaultMaxTokens
	}
	if cfg.MaxHitsPerToken <= 0 {
		cfg.MaxHitsPerToken = DefaultMaxHitsPerToken
	}
	if cfg.MaxDocumentBytes <= 0 {
		cfg.MaxDocumentBytes = DefaultMaxDocumentBytes
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	var base, basePath string
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil {
			return nil, fmt.Errorf("canary: public URL: %w", err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("canary: public URL %q: want http(s)://host[:port][/path] without user, query or fragment", cfg.PublicURL)
		}
		basePath = strings.TrimRight(u.EscapedPath(), "/")
		base = u.Scheme + "://" + u.Host + basePath
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("canary: listen on %s: %w", cfg.Listen, err)
	}
	if base == "" {
		base = "http://" + advertised(cfg.Listen, ln.Addr())
	}
	l := &Listener{
		cfg:      cfg,
		base:     base,
		basePath: basePath,
		ln:       ln,
		served:   make(chan struct{}),
		closed:   make(chan struct{}),
		entries:  map[string]*entry{},
	}
	l.srv = &http.Server{
		Handler:           http.HandlerFunc(l.handle),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(l.served)
		_ = l.srv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return l, nil
}

// advertised is the host:port to put in URLs for a listener bound to a as
// asked by listen: the host asked for, with the bound port, and for an
// unspecified host ("", 0.0.0.0, ::) the loopback of its family.
func advertised(listen string, a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		host = tcp.IP.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// Addr is the bound address.
func (l *Listener) Addr() net.Addr { return l.ln.Addr() }

// BaseURL is the advertised base of every URL, without a trailing slash.
func (l *Listener) BaseURL() string { return l.base }

// URL returns a new canary URL, BaseURL + "/c/" + token + "/" + tag, whose
// token is 128 random bits. It serves a text/plain body holding the URL's
// Marker. tag (cut to MaxTagBytes, characters other than letters, digits,
// '_', '-' and '.' replaced by '-', and so are the dots of a tag of dots
// only) says what the URL is for; it is in every Hit.
func (l *Listener) URL(tag string) string {
	return l.register(tag, "", nil)
}

// Serve returns a new canary URL, like URL, that serves body with
// contentType (e.g. the JWKS of a jku forgery). It returns "" when body is
// over Config.MaxDocumentBytes.
func (l *Listener) Serve(tag, contentType string, body []byte) string {
	if len(body) > l.cfg.MaxDocumentBytes {
		return ""
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	return l.register(tag, contentType, append([]byte{}, body...))
}

func (l *Listener) register(tag, contentType string, body []byte) string {
	tag = cleanTag(tag)
	e := &entry{tag: tag, contentType: contentType, body: body, first: make(chan struct{})}
	e.marker = MarkerPrefix + randomHex(12)
	l.mu.Lock()
	defer l.mu.Unlock()
	token := randomHex(16)
	for l.entries[token] != nil { // 128 bits: never in practice
		token = randomHex(16)
	}
	for len(l.entries) >= l.cfg.MaxTokens {
		oldest := l.order[0]
		l.order = l.order[1:]
		delete(l.entries, oldest)
		l.stats.Evicted++
	}
	l.entries[token] = e
	l.order = append(l.order, token)
	u := l.base + PathPrefix + token
	if tag != "" {
		u += "/" + tag
	}
	return u
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it aborts the program instead)
	return hex.EncodeToString(b)
}

func cleanTag(tag string) string {
	if len(tag) > MaxTagBytes {
		tag = tag[:MaxTagBytes]
	}
	dotsOnly := strings.Trim(tag, ".") == "" // "." and ".." are dot-segments that clients resolve
	b := []byte(tag)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		case c == '.' && !dotsOnly:
		default:
			b[i] = '-'
		}
	}
	return string(b)
}

// TokenOf returns the token of a URL this listener handed out.
func (l *Listener) TokenOf(u string) (string, bool) {
	rest, ok := strings.CutPrefix(u, l.base+PathPrefix)
	if !ok {
		return "", false
	}
	token, _, _ := strings.Cut(rest, "/")
	l.mu.Lock()
	defer l.mu.Unlock()
	_, known := l.entries[token]
	return token, known
}

// Marker returns the marker string in the body of a plain canary URL
// (MarkerPrefix and 24 random hex digits, unrelated to the token, so it
// appears in an answer only if the target fetched the URL), and false for
// an unknown token or a URL registered with Serve.
func (l *Listener) Marker(token string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entries[token]
	if e == nil || e.body != nil {
		return "", false
	}
	return e.marker, true
}

// Hits returns a copy of the hits kept for token, oldest first (at most
// Config.MaxHitsPerToken).
func (l *Listener) Hits(token string) []Hit {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entries[token]
	if e == nil {
		return nil
	}
	return append([]Hit(nil), e.hits...)
}

// HitCount returns how many requests token received, including those past
// Config.MaxHitsPerToken that were not kept.
func (l *Listener) HitCount(token string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.entries[token]; e != nil {
		return e.total
	}
	return 0
}

// Stats returns the listener's counters.
func (l *Listener) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.stats
	s.Tokens = len(l.entries)
	return s
}

// WaitHit returns token's first hit, waiting up to timeout for it (not at
// all when timeout <= 0). It fails with ErrNoHit when the timeout elapses,
// ErrUnknownToken for a token not (or no longer) known, ErrClosed when
// the listener closes, and ctx's error, wrapped, when ctx ends.
func (l *Listener) WaitHit(ctx context.Context, token string, timeout time.Duration) (Hit, error) {
	l.mu.Lock()
	e := l.entries[token]
	var first chan struct{}
	if e != nil {
		if len(e.hits) > 0 {
			h := e.hits[0]
			l.mu.Unlock()
			return h, nil
		}
		first = e.first
	}
	l.mu.Unlock()
	if e == nil {
		return Hit{}, ErrUnknownToken
	}
	if timeout <= 0 {
		return Hit{}, ErrNoHit
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-first:
		l.mu.Lock()
		defer l.mu.Unlock()
		return e.hits[0], nil
	case <-timer.C:
		return Hit{}, fmt.Errorf("%w within %v", ErrNoHit, timeout)
	case <-l.closed:
		return Hit{}, ErrClosed
	case <-ctx.Done():
		return Hit{}, fmt.Errorf("canary: waiting for a hit: %w", ctx.Err())
	}
}

// Close stops the listener: it stops accepting, lets requests in flight
// finish for Config.ShutdownGrace, then cuts the connections left. Waiters
// in WaitHit return ErrClosed. Later calls return nil.
func (l *Listener) Close() error {
	var err error
	l.once.Do(func() {
		close(l.closed)
		ctx, cancel := context.WithTimeout(context.Background(), l.cfg.ShutdownGrace)
		defer cancel()
		if serr := l.srv.Shutdown(ctx); serr != nil {
			// Slow or stuck clients: cut them.
			if cerr := l.srv.Close(); cerr != nil {
				err = fmt.Errorf("canary: close: %w", cerr)
			}
		}
		<-l.served
	})
	return err
}

func (l *Listener) handle(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	if l.basePath != "" {
		// Behind a proxy that keeps the public URL's path.
		if rest, ok := strings.CutPrefix(path, l.basePath); ok && strings.HasPrefix(rest, PathPrefix) {
			path = rest
		}
	}
	rest, ok := strings.CutPrefix(path, PathPrefix)
	token, _, _ := strings.Cut(rest, "/")
	hit := Hit{
		Token:      token,
		Time:       l.cfg.Now(),
		Method:     r.Method,
		Path:       truncate(r.URL.RequestURI()),
		RemoteAddr: r.RemoteAddr,
		UserAgent:  truncate(r.UserAgent()),
	}
	l.mu.Lock()
	var e *entry
	if ok {
		e = l.entries[token]
	}
	if e == nil {
		l.stats.Stray++
		l.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	hit.Tag = e.tag
	l.stats.Hits++
	e.total++
	if len(e.hits) < l.cfg.MaxHitsPerToken {
		e.hits = append(e.hits, hit)
	}
	if e.total == 1 {
		close(e.first)
	}
	contentType, body := e.contentType, e.body
	if body == nil {
		contentType, body = "text/plain; charset=utf-8", []byte(e.marker+"\n")
	}
	l.mu.Unlock()

	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxDrainBytes))
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body) // net/http drops the body of a HEAD answer
}

func truncate(s string) string {
	if len(s) > maxFieldBytes {
		return s[:maxFieldBytes]
	}
	return s
}
