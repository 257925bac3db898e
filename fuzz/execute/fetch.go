package execute

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// ErrTooLarge is returned by Fetch for documents over the size limit.
var ErrTooLarge = errors.New("document over the size limit")

// Fetch GETs a document the fuzz run needs before it starts, such as the
// target's own API description (FastAPI's /openapi.json, springdoc's
// /v3/api-docs), under the host policy: the URL must pass Check, every
// connection is re-checked like the fuzzer's, redirects are followed only
// to the same host (three at most), TLS is verified unless insecure, and at
// most maxBytes are read. It returns the body and its Content-Type.
func (p HostPolicy) Fetch(ctx context.Context, u *url.URL, maxBytes int64, timeout time.Duration, insecure bool) ([]byte, string, error) {
	if err := p.Check(ctx, u); err != nil {
		return nil, "", err
	}
	dialer := &net.Dialer{Timeout: timeout, Control: p.dialControl(u.Hostname())}
	client := &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:           nil,
			DialContext:     dialer.DialContext,
			TLSClientConfig: &tls.Config{InsecureSkipVerify: insecure}, //nolint:gosec // --insecure, for staging certificates
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > 3 {
				return errors.New("more than 3 redirects")
			}
			if req.URL.Host != u.Host {
				return fmt.Errorf("redirect to another host (%s) refused", req.URL.Host)
			}
			return nil
		},
	}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	req.Header.Set("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5")
	req.Header.Set("User-Agent", "specter-fuzz")
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, "", fmt.Errorf("GET %s answered %d", u.Redacted(), resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("GET %s: reading the answer: %w", u.Redacted(), err)
	}
	if int64(len(body)) > maxBytes {
		return nil, "", fmt.Errorf("GET %s: %w (%d bytes)", u.Redacted(), ErrTooLarge, maxBytes)
	}
	return body, resp.Header.Get("Content-Type"), nil
}
