package identity

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/specterhq/specter/fuzz/jwt"
)

// Login is an identity that authenticates by calling an operation of the
// API: which request to send, and where the token is in the answer.
type Login struct {
	Method string
	// Path is relative to the target base URL ("/auth/login"), or an
	// absolute URL.
	Path        string
	Body        string
	ContentType string
	// Token is a JSON pointer to the token in the answer ("/access_token",
	// "/data/token"). Cookie names a Set-Cookie to take instead.
	Token  string
	Cookie string
	// Header and Prefix say how the token is sent; the default is
	// "Authorization: Bearer <token>". A cookie is sent as a cookie.
	Header string
	Prefix string
	// ExpiresIn is a JSON pointer to a lifetime in seconds in the answer.
	// Without it a JWT's exp is used; otherwise the token is renewed only
	// on 401.
	ExpiresIn string
}

// Validate checks the login is complete.
func (l *Login) Validate() error {
	if l.Path == "" {
		return fmt.Errorf("login: path is required")
	}
	if (l.Token == "") == (l.Cookie == "") {
		return fmt.Errorf("login: set exactly one of token (a JSON pointer) and cookie")
	}
	if l.Token != "" && !strings.HasPrefix(l.Token, "/") {
		return fmt.Errorf("login: token %q is not a JSON pointer (e.g. /access_token)", l.Token)
	}
	if l.ExpiresIn != "" && !strings.HasPrefix(l.ExpiresIn, "/") {
		return fmt.Errorf("login: expires_in %q is not a JSON pointer", l.ExpiresIn)
	}
	return nil
}

// NewLogin returns a source that logs in against base (the fuzz target)
// on first use, before the token expires and on a 401.
func NewLogin(l Login, base *url.URL, client Doer, now func() time.Time) (*Renewable, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	target, err := resolve(base, l.Path)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	method := strings.ToUpper(l.Method)
	if method == "" {
		method = http.MethodPost
	}
	put := headerPutter(l.Header, l.Prefix)
	if l.Header != "" && l.Prefix == "" {
		put = headerPutter(l.Header, "")
	}
	if l.Cookie != "" {
		put = cookiePutter(l.Cookie)
	}
	what := "login " + method + " " + redactURL(target.String())
	r := newRenewable(what, now, nil, put)
	r.mint = func(ctx context.Context) (Token, error) { return l.login(ctx, client, method, target, what, now) }
	return r, nil
}

func resolve(base *url.URL, path string) (*url.URL, error) {
	if u, err := url.Parse(path); err == nil && u.IsAbs() {
		return u, nil
	}
	if base == nil {
		return nil, fmt.Errorf("login: path %q is relative and there is no target URL", path)
	}
	u := *base
	rel, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("login: path %q: %w", path, err)
	}
	u.Path = strings.TrimSuffix(base.Path, "/") + "/" + strings.TrimPrefix(rel.Path, "/")
	u.RawPath = ""
	u.RawQuery = rel.RawQuery
	return &u, nil
}

func (l *Login) login(ctx context.Context, client Doer, method string, target *url.URL, what string, now func() time.Time) (Token, error) {
	var body *bytes.Reader
	if l.Body != "" {
		body = bytes.NewReader([]byte(l.Body))
	}
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequestWithContext(ctx, method, target.String(), body)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, target.String(), nil)
	}
	if err != nil {
		return Token{}, fmt.Errorf("%s: %w", what, err)
	}
	if l.Body != "" {
		ct := l.ContentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return Token{}, fmt.Errorf("%s: %w", what, err)
	}
	answer, err := readAnswer(resp)
	if err != nil {
		return Token{}, fmt.Errorf("%s: %w", what, err)
	}
	if resp.StatusCode/100 != 2 {
		return Token{}, statusError(what, resp, answer)
	}
	var tok Token
	if l.Cookie != "" {
		for _, c := range resp.Cookies() {
			if c.Name == l.Cookie && c.Value != "" {
				tok.Value = c.Value
				if !c.Expires.IsZero() {
					tok.Expiry = c.Expires
				}
				if c.MaxAge > 0 {
					tok.Expiry = now().Add(time.Duration(c.MaxAge) * time.Second)
				}
			}
		}
		if tok.Value == "" {
			return Token{}, fmt.Errorf("%s: the answer sets no cookie %q", what, l.Cookie)
		}
	} else {
		tok.Value = jsonString(answer, l.Token)
		if tok.Value == "" {
			return Token{}, fmt.Errorf("%s: the answer holds no string at %s", what, l.Token)
		}
	}
	if l.ExpiresIn != "" {
		if secs, err := strconv.ParseFloat(jsonString(answer, l.ExpiresIn), 64); err == nil && secs > 0 {
			tok.Expiry = now().Add(time.Duration(secs * float64(time.Second)))
		}
	}
	if tok.Expiry.IsZero() {
		tok.Expiry = jwtExpiry(tok.Value)
	}
	return tok, nil
}

// JWTExpiry is a JWT's exp, or zero for opaque tokens.
func JWTExpiry(tok string) time.Time { return jwtExpiry(tok) }

// jwtExpiry is a JWT's exp, or zero for opaque tokens.
func jwtExpiry(tok string) time.Time {
	t, err := jwt.Parse(tok)
	if err != nil {
		return time.Time{}
	}
	exp, _ := t.Expiry()
	return exp
}
