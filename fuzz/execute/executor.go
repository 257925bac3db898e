// Package execute sends the fuzzer's requests: one HTTP client with the
// safety envelope (allowed hosts, no redirects, verified TLS, capped and
// timed reads), a rate limiter shared by every worker, a request budget, a
// circuit breaker and 429/Retry-After handling. It knows nothing about
// OpenAPI: it sends cases and returns exchanges.
package execute

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/specterhq/specter/fuzz/plan"
)

// Errors that end a run. The engine writes the partial report.
var (
	ErrBudgetExhausted = errors.New("request budget exhausted")
	ErrCircuitOpen     = errors.New("circuit breaker open: too many server errors or timeouts in a row")
)

// Credentials decorates requests with the credentials of a named identity.
// The identities package (--identity, OAuth2 client credentials, logins)
// implements it. identity "" is the default identity; plan.NoCredentials
// never reaches Apply. Implementations must be safe for concurrent use.
type Credentials interface {
	Apply(ctx context.Context, identity string, req *http.Request) error
}

// Refresher is implemented by credentials that can be renewed (a login, an
// OAuth2 token). On a 401 the executor calls Refresh once and resends the
// request; the retry counts against the budget like any request.
type Refresher interface {
	Refresh(ctx context.Context, identity string) error
}

// Config is the executor's envelope.
type Config struct {
	Target *url.URL
	// Rate is the most requests per second across all workers; 0 is unlimited.
	Rate float64
	// Concurrency is how many requests may be in flight; it sizes the
	// connection pool (the engine runs the workers).
	Concurrency int
	// MaxRequests bounds every request sent, oracle probes and retries
	// included; 0 is unlimited.
	MaxRequests int64
	// Timeout bounds one request, body read included.
	Timeout time.Duration
	// MaxBodyBytes caps how much of a response body is read.
	MaxBodyBytes int64
	// Insecure skips TLS certificate verification.
	Insecure bool
	Hosts    HostPolicy
	Breaker  BreakerConfig
	// MaxRetryAfter caps how long a 429's Retry-After may pause the run.
	MaxRetryAfter time.Duration
	// MaxRetries is how many times a 429 is retried before it is recorded.
	MaxRetries int
	// Credentials applies identities; nil sends no credentials.
	Credentials Credentials
	// Headers are added to every request (e.g. X-Specter-Run, User-Agent).
	Headers http.Header
}

// Defaults for the zero values of Config.
const (
	DefaultTimeout       = 10 * time.Second
	DefaultMaxBodyBytes  = 1 << 20
	DefaultMaxRetryAfter = 30 * time.Second
	DefaultMaxRetries    = 3
)

// Exchange is one request sent and what came back.
type Exchange struct {
	Case *plan.Case
	// Request is the request as sent, credentials included, without a
	// context. Read the body from RequestBody: the pre-send spec check
	// may have consumed Request.Body.
	Request     *http.Request
	RequestBody []byte
	Status      int
	Header      http.Header
	// Body is at most Config.MaxBodyBytes of the response body.
	Body      []byte
	Truncated bool
	Duration  time.Duration
	// Err is why no complete answer came: a timeout, a refused connection,
	// a TLS failure, a body cut off mid-read. Status is 0 unless the
	// headers arrived.
	Err error
	// Retries counts 429 retries and credential refreshes.
	Retries int
	// Earlier are the attempts that were answered and sent again (a 429
	// waited out, a 401 after which the credentials were renewed), oldest
	// first, each with Resent saying why. The target got them all.
	Earlier []*Exchange
	// Resent says why this attempt was sent again; "" for the last.
	Resent string
}

// TimedOut reports whether the exchange failed on the per-request timeout.
func (x *Exchange) TimedOut() bool {
	var ne net.Error
	return errors.Is(x.Err, context.DeadlineExceeded) || (errors.As(x.Err, &ne) && ne.Timeout())
}

// Executor sends cases. It is safe for concurrent use.
type Executor struct {
	cfg     Config
	client  *client
	limiter *limiter
	breaker *breaker
	sent    atomic.Int64
	now     func() time.Time

	throttleMu sync.Mutex
	throttles  map[string]int // 429s per operation
}

// New builds an executor; it does not check the target (HostPolicy.Check).
func New(cfg Config) (*Executor, error) {
	if cfg.Target == nil {
		return nil, errors.New("executor: no target URL")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	} else if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 1
	}
	return &Executor{cfg: cfg, client: newClient(cfg), limiter: newLimiter(cfg.Rate), breaker: newBreaker(cfg.Breaker), now: time.Now}, nil
}

// Sent is the number of requests sent so far, retries included.
func (e *Executor) Sent() int64 { return e.sent.Load() }

// Target is the base URL requests are sent to.
func (e *Executor) Target() *url.URL { return e.cfg.Target }

// CloseIdle closes idle connections at the end of a run.
func (e *Executor) CloseIdle() { e.client.closeIdle() }

// Do sends a case and returns the exchange. A failure to get an answer is
// recorded in Exchange.Err, not returned: Do returns an error only when the
// run must stop (budget, breaker, cancelled context) or the case cannot be
// turned into a request.
func (e *Executor) Do(ctx context.Context, c *plan.Case) (*Exchange, error) {
	return e.DoRequest(ctx, c, nil)
}

// DoRequest is Do with the case's request already built by
// c.Request(e.Target()) and not sent (the engine builds it once to
// check it against the spec); the executor adds its headers and the
// credentials. Retries build their own. req nil is Do.
func (e *Executor) DoRequest(ctx context.Context, c *plan.Case, req *http.Request) (*Exchange, error) {
	if e.breaker.isOpen() {
		return nil, ErrCircuitOpen
	}
	var x *Exchange
	var earlier []*Exchange
	refreshed := false
	for attempt := 0; ; attempt++ {
		var err error
		x, err = e.once(ctx, c, req)
		req = nil
		if err != nil {
			return nil, err
		}
		x.Retries = attempt
		x.Earlier = earlier
		if x.Status == http.StatusTooManyRequests && attempt < e.cfg.MaxRetries {
			if wait, ok := e.retryAfter(x.Header.Get("Retry-After"), attempt); ok && e.throttled(opKey(c)) <= maxThrottledRetries {
				e.limiter.pauseUntil(opKey(c), e.now().Add(wait))
				earlier = resend(earlier, x, fmt.Sprintf("429: sent again after waiting %s", wait.Round(time.Millisecond)))
				continue
			}
		}
		if x.Status == http.StatusUnauthorized && !refreshed && c.Identity != plan.NoCredentials {
			if r, ok := e.cfg.Credentials.(Refresher); ok {
				refreshed = true
				if err := r.Refresh(ctx, c.Identity); err != nil {
					x.Err = fmt.Errorf("refreshing credentials of identity %q: %w", identityName(c.Identity), err)
					break
				}
				earlier = resend(earlier, x, "401: sent again with renewed credentials")
				continue
			}
		}
		break
	}
	failed := x.Err != nil || x.Status >= 500
	if e.breaker.record(failed) {
		return x, ErrCircuitOpen
	}
	return x, nil
}

// resend adds an attempt that is sent again to the earlier ones; it keeps
// no chain of its own.
func resend(earlier []*Exchange, x *Exchange, why string) []*Exchange {
	x.Resent = why
	x.Earlier = nil
	return append(earlier, x)
}

// opKey names a case's operation for the limiter's pauses.
func opKey(c *plan.Case) string {
	if c.Target == nil {
		return c.Method
	}
	return c.Target.Key()
}

func identityName(id string) string {
	if id == "" {
		return "default"
	}
	return id
}

// retryAfter reads a Retry-After header (seconds or an HTTP date); without
// one it backs off exponentially from one second. It never exceeds
// MaxRetryAfter.
//
// ok is false when the server asks for more than MaxRetryAfter (a lockout
// for 15 minutes): waiting the cap out would not help, and the 429 is
// recorded as the answer.
func (e *Executor) retryAfter(v string, attempt int) (time.Duration, bool) {
	d := time.Second << attempt
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(e.now())
	}
	if d < 0 {
		d = 0
	}
	if d > e.cfg.MaxRetryAfter {
		return e.cfg.MaxRetryAfter, false
	}
	return d, true
}

// maxThrottledRetries is how many 429s of one operation are waited out
// and retried; later ones are the operation's own limit (a reset flow
// allowing three requests an hour) and are recorded as they are, so a
// throttled operation does not hold the run for its every remaining case.
const maxThrottledRetries = 3

// throttled counts an operation's 429s and returns the count.
func (e *Executor) throttled(op string) int {
	e.throttleMu.Lock()
	defer e.throttleMu.Unlock()
	if e.throttles == nil {
		e.throttles = map[string]int{}
	}
	e.throttles[op]++
	return e.throttles[op]
}

// once sends one request through the budget and the limiter.
func (e *Executor) once(ctx context.Context, c *plan.Case, req *http.Request) (*Exchange, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if max := e.cfg.MaxRequests; max > 0 && e.sent.Load() >= max {
		return nil, ErrBudgetExhausted
	}
	if err := e.limiter.wait(ctx, opKey(c)); err != nil {
		return nil, err
	}
	if max := e.cfg.MaxRequests; max > 0 && e.sent.Add(1) > max {
		return nil, ErrBudgetExhausted
	} else if max <= 0 {
		e.sent.Add(1)
	}
	// The timeout is a deadline on the connection, not a context per
	// request (a timer and a cancel registration on every request).
	start := time.Now() // the client reads the same clock for the end
	deadline := start.Add(e.cfg.Timeout)
	if req == nil {
		var err error
		if req, err = c.Request(e.cfg.Target); err != nil {
			return nil, err
		}
	}
	for k, vs := range e.cfg.Headers {
		if len(req.Header[k]) == 0 {
			// Shared and read-only: clipped, so an Add appends to a copy.
			req.Header[k] = slices.Clip(vs)
			continue
		}
		req.Header[k] = append(req.Header[k], vs...)
	}
	x := &Exchange{Case: c, RequestBody: c.Body}
	if c.Identity != plan.NoCredentials && e.cfg.Credentials != nil {
		if err := e.cfg.Credentials.Apply(ctx, c.Identity, req); err != nil {
			return nil, fmt.Errorf("applying credentials of identity %q: %w", identityName(c.Identity), err)
		}
	}
	x.Request = req
	res, end, err := e.client.do(ctx, start, deadline, req, c.Body, e.cfg.MaxBodyBytes)
	x.Duration = end.Sub(start)
	if res != nil {
		x.Status, x.Header, x.Body, x.Truncated = res.status, res.header, res.body, res.truncated
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		x.Err = fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	return x, nil
}
