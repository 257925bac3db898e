// Package identity holds the credentials a fuzz run sends: named
// identities given with --identity NAME='Header: value' (values may come
// from environment variables), cookies, OAuth2 client credentials that are
// minted and refreshed, and identities that log in through an operation of
// the API and log in again on 401 or expiry. The first identity is the
// default one. A Set implements the executor's Credentials and Refresher.
package identity

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// Source applies one identity's credentials to a request.
type Source interface {
	Apply(ctx context.Context, req *http.Request) error
	// Refresh renews the credentials (mint a new token, log in again).
	// Static credentials cannot be renewed and return ErrNotRenewable.
	Refresh(ctx context.Context) error
	// Secrets are the credential values currently in use, for redaction.
	Secrets() []string
	// Describe says, without secrets, what the identity sends.
	Describe() string
}

// ErrNotRenewable is returned by Refresh for credentials that cannot be
// renewed; the caller records the 401 as it is.
var ErrNotRenewable = errors.New("credentials cannot be renewed")

// ErrUnknownIdentity is returned for a name no identity has.
var ErrUnknownIdentity = errors.New("unknown identity")

// Set is the run's identities in declaration order. It is safe for
// concurrent use; identities the run provisions are added while it runs.
type Set struct {
	mu     sync.RWMutex
	order  []string
	byName map[string]Source
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{byName: map[string]Source{}} }

// Add declares an identity. Names are unique; "-" is reserved for "no
// credentials" and "" for "the default".
func (s *Set) Add(name string, src Source) error {
	if err := checkName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.byName[name]; dup {
		return fmt.Errorf("identity %q is declared twice", name)
	}
	s.order = append(s.order, name)
	s.byName[name] = src
	return nil
}

func checkName(name string) error {
	if name == "" || name == "-" {
		return fmt.Errorf("identity name %q is reserved", name)
	}
	for _, r := range name {
		if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Errorf("identity name %q: only letters, digits, '-', '_' and '.'", name)
		}
	}
	return nil
}

// Len is the number of identities.
func (s *Set) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.order)
}

// Names lists the identities in declaration order.
func (s *Set) Names() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.order...)
}

// Default is the first identity's name, "" when there is none.
func (s *Set) Default() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.order) == 0 {
		return ""
	}
	return s.order[0]
}

// Source returns the named identity; "" is the default one.
func (s *Set) Source(name string) (Source, error) {
	if name == "" {
		name = s.Default()
	}
	s.mu.RLock()
	src, ok := s.byName[name]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownIdentity, name)
	}
	return src, nil
}

// Apply puts the named identity's credentials on req ("" is the default).
// With no identity declared, the default identity sends nothing.
func (s *Set) Apply(ctx context.Context, name string, req *http.Request) error {
	if name == "" && s.Len() == 0 {
		return nil
	}
	src, err := s.Source(name)
	if err != nil {
		return err
	}
	if err := src.Apply(ctx, req); err != nil {
		return fmt.Errorf("identity %s: %w", displayName(s, name), err)
	}
	return nil
}

// Refresh renews the named identity's credentials.
func (s *Set) Refresh(ctx context.Context, name string) error {
	src, err := s.Source(name)
	if err != nil {
		return err
	}
	if err := src.Refresh(ctx); err != nil {
		return fmt.Errorf("identity %s: %w", displayName(s, name), err)
	}
	return nil
}

func displayName(s *Set, name string) string {
	if name == "" {
		return s.Default()
	}
	return name
}

// Secrets lists every credential value in use, for the reproducers'
// redaction.
func (s *Set) Secrets() []string {
	s.mu.RLock()
	srcs := make([]Source, 0, len(s.order))
	for _, n := range s.order {
		srcs = append(srcs, s.byName[n])
	}
	s.mu.RUnlock()
	var out []string
	for _, src := range srcs {
		out = append(out, src.Secrets()...)
	}
	return out
}

// Header is one header an identity sends.
type Header struct {
	Name, Value string
}

// Static sends fixed headers (an API key, a bearer token, a Cookie).
type Static struct {
	Headers []Header
}

// Apply implements Source. Cookie headers are merged with the request's
// own cookies instead of replacing them.
func (st *Static) Apply(_ context.Context, req *http.Request) error {
	for _, h := range st.Headers {
		if strings.EqualFold(h.Name, "Cookie") {
			req.Header.Add("Cookie", h.Value)
			continue
		}
		req.Header.Set(h.Name, h.Value)
	}
	return nil
}

// Refresh implements Source: static credentials cannot be renewed.
func (st *Static) Refresh(context.Context) error { return ErrNotRenewable }

// Secrets implements Source: every header value, and for schemes such as
// "Bearer x" also the part after the scheme, and each cookie's value.
func (st *Static) Secrets() []string {
	var out []string
	for _, h := range st.Headers {
		out = append(out, credentialParts(h.Name, h.Value)...)
	}
	return out
}

// Describe implements Source.
func (st *Static) Describe() string {
	names := make([]string, len(st.Headers))
	for i, h := range st.Headers {
		names[i] = h.Name
	}
	return "headers " + strings.Join(names, ", ")
}

func credentialParts(name, value string) []string {
	out := []string{value}
	if strings.EqualFold(name, "Cookie") {
		for _, c := range strings.Split(value, ";") {
			if _, v, ok := strings.Cut(strings.TrimSpace(c), "="); ok && v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	if _, rest, ok := strings.Cut(value, " "); ok && strings.TrimSpace(rest) != "" {
		out = append(out, strings.TrimSpace(rest))
	}
	return out
}

// tokenSource holds a renewable token. minting serializes minting, so that
// concurrent requests share one mint or login and a refresh happens once;
// mu guards the token itself and is never held across a mint, so that
// what the mint's own request does (the request log asking for the
// secrets to mask) cannot wait on the mint.
type tokenSource struct {
	minting sync.Mutex
	mu      sync.Mutex
	token   Token
}
