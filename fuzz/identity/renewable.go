package identity

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Doer sends an HTTP request. The CLI passes the fuzz executor's client, so
// that logins and token requests stay inside the run's host policy.
type Doer interface {
	Do(req *http.Request) (*http.Response, error)
}

// Token is a credential with its expiry; a zero Expiry means unknown (the
// token is renewed only when the server answers 401).
type Token struct {
	Value  string
	Expiry time.Time
}

const (
	// expirySkew renews a token this long before it expires, so a
	// request does not leave with a token that dies on the way.
	expirySkew = 30 * time.Second
	// minRenewInterval keeps a burst of concurrent 401s from minting
	// one token each: a token younger than this is not renewed again.
	minRenewInterval = 2 * time.Second
	// maxAnswerBytes caps a token or login answer.
	maxAnswerBytes = 1 << 20
	// keptSecrets bounds how many past tokens are remembered for
	// redaction (reproducers may quote an exchange from before a renewal).
	keptSecrets = 16
)

// Renewable is a token that is obtained by calling mint (an OAuth2 token
// request, a login), sent by put, and renewed before it expires or on
// Refresh. Concurrent requests share one mint.
type Renewable struct {
	describe string
	mint     func(ctx context.Context) (Token, error)
	put      func(req *http.Request, token string)
	now      func() time.Time

	tokenSource
	minted time.Time
	past   []string
}

// NewRenewable returns a source that obtains its token by calling mint
// (a login through the run's own sender, for accounts the run
// provisioned), applies it with put (HeaderPutter, CookiePutter) and
// renews it before it expires and on Refresh.
func NewRenewable(describe string, now func() time.Time, mint func(context.Context) (Token, error), put func(*http.Request, string)) *Renewable {
	return newRenewable(describe, now, mint, put)
}

func newRenewable(describe string, now func() time.Time, mint func(context.Context) (Token, error), put func(*http.Request, string)) *Renewable {
	if now == nil {
		now = time.Now
	}
	return &Renewable{describe: describe, mint: mint, put: put, now: now}
}

// current returns a live token, minting one when there is none or the one
// held expires within expirySkew.
func (r *Renewable) current(ctx context.Context) (string, error) {
	if tok, ok := r.live(); ok {
		return tok, nil
	}
	r.minting.Lock()
	defer r.minting.Unlock()
	// Another request may have minted while this one waited.
	if tok, ok := r.live(); ok {
		return tok, nil
	}
	if err := r.renew(ctx); err != nil {
		return "", err
	}
	tok, _ := r.held()
	return tok, nil
}

// live returns the held token when it does not expire within expirySkew.
func (r *Renewable) live() (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.token.Value != "" && (r.token.Expiry.IsZero() || r.now().Add(expirySkew).Before(r.token.Expiry)) {
		return r.token.Value, true
	}
	return "", false
}

// held returns the token held and when it was minted.
func (r *Renewable) held() (string, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.token.Value, r.minted
}

// renew mints a token; the caller holds the mint lock, not mu.
func (r *Renewable) renew(ctx context.Context) error {
	tok, err := r.mint(ctx)
	if err != nil {
		return err
	}
	if tok.Value == "" {
		return fmt.Errorf("%s: the answer holds an empty token", r.describe)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.token = tok
	r.minted = r.now()
	r.past = append(r.past, tok.Value)
	if len(r.past) > keptSecrets {
		r.past = r.past[len(r.past)-keptSecrets:]
	}
	return nil
}

// Apply implements Source.
func (r *Renewable) Apply(ctx context.Context, req *http.Request) error {
	tok, err := r.current(ctx)
	if err != nil {
		return err
	}
	r.put(req, tok)
	return nil
}

// Refresh implements Source: it renews the token unless it was renewed a
// moment ago (another request's 401 already did).
func (r *Renewable) Refresh(ctx context.Context) error {
	r.minting.Lock()
	defer r.minting.Unlock()
	if tok, minted := r.held(); tok != "" && r.now().Sub(minted) < minRenewInterval {
		return nil
	}
	return r.renew(ctx)
}

// Secrets implements Source.
func (r *Renewable) Secrets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.past...)
}

// Describe implements Source.
func (r *Renewable) Describe() string { return r.describe }

// HeaderPutter sends a token under a header with a prefix; "" sends it as
// "Authorization: Bearer token".
func HeaderPutter(header, prefix string) func(*http.Request, string) {
	return headerPutter(header, prefix)
}

// CookiePutter sends a token as the named cookie.
func CookiePutter(name string) func(*http.Request, string) { return cookiePutter(name) }

// headerPutter sends the token as "Authorization: Bearer token", or under
// another header with another prefix.
func headerPutter(header, prefix string) func(*http.Request, string) {
	if header == "" {
		header, prefix = "Authorization", "Bearer "
	}
	return func(req *http.Request, tok string) { req.Header.Set(header, prefix+tok) }
}

func cookiePutter(name string) func(*http.Request, string) {
	return func(req *http.Request, tok string) { req.AddCookie(&http.Cookie{Name: name, Value: tok}) }
}

// readAnswer reads at most maxAnswerBytes of a response and closes it.
func readAnswer(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if len(body) > maxAnswerBytes {
		return nil, fmt.Errorf("the answer is over %d bytes", maxAnswerBytes)
	}
	return body, nil
}

// statusError describes a failed token or login answer without echoing a
// body that may hold credentials: only a short OAuth2 "error" code.
func statusError(what string, resp *http.Response, body []byte) error {
	code := jsonString(body, "/error")
	if len(code) > 64 || strings.ContainsAny(code, " \n") {
		code = ""
	}
	if code != "" {
		return fmt.Errorf("%s answered %d (%s)", what, resp.StatusCode, code)
	}
	return fmt.Errorf("%s answered %d", what, resp.StatusCode)
}
