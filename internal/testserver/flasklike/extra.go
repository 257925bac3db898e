package flasklike

// The views the app grew after VAmPI's: the password reset by e-mailed
// code, the avatar taken from a URL, and the ping tool.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ---- password reset ----

const (
	resetTTL      = 10 * time.Minute
	resetTries    = 5 // Secure: wrong codes per user before the code is void
	forgotPerHour = 3 // Secure: codes sent per user and hour
)

func (s *Server) forgotPassword(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := c.json(usersPy(190, "forgot_password", "request_data = request.get_json()"))
	d, _ := data.(*pyDict)
	var name string
	if d != nil {
		v, _ := d.get("username")
		name, _ = v.(string)
	}
	if name == "" {
		return failure(400, "Please provide a username.")
	}
	now := s.now()
	if s.opts.Secure {
		var recent []time.Time
		for _, t := range s.forgotLog[name] {
			if now.Sub(t) < time.Hour {
				recent = append(recent, t)
			}
		}
		if len(recent) >= forgotPerHour {
			s.forgotLog[name] = recent
			return failure(429, "Too many reset requests. Try again later.")
		}
		s.forgotLog[name] = append(recent, now)
	}
	if u := s.userByName(name); u != nil {
		code := strconv.Itoa(1000 + s.codes.IntN(9000)) // random.randint(1000, 9999)
		s.resets[name] = &resetCode{code: code, expires: now.Add(resetTTL)}
		delete(s.resetTries, name)
		s.outbox = append(s.outbox, mail{to: u.email, subject: "Your password reset code",
			body: "Hello " + u.username + ",\n\nyour password reset code is " + code + ". It is valid for 10 minutes.\n"})
	}
	return jsonResponse(200, pyDumps(obj("status", "success", "message", "If the account exists, a reset code has been sent to its e-mail address.")))
}

func (s *Server) resetPassword(c *ctx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := c.json(usersPy(214, "reset_password", "request_data = request.get_json()"))
	d, _ := data.(*pyDict)
	var name, pass string
	var code any
	if d != nil {
		v, _ := d.get("username")
		name, _ = v.(string)
		code, _ = d.get("code")
		p, _ := d.get("new_password")
		pass, _ = p.(string)
	}
	if name == "" || code == nil || pass == "" {
		return failure(400, "Please provide username, code and new_password.")
	}
	now := s.now()
	if s.opts.Secure {
		if a := s.resetTries[name]; a != nil && len(a.failures) >= resetTries {
			return failure(429, "Too many attempts. Request a new code.")
		}
	}
	entry := s.resets[name]
	if entry == nil || now.After(entry.expires) || strings.TrimSpace(pyStr(code)) != entry.code {
		if s.opts.Secure {
			a := s.resetTries[name]
			if a == nil {
				a = &attempts{}
				s.resetTries[name] = a
			}
			a.failures = append(a.failures, now)
			if len(a.failures) >= resetTries {
				delete(s.resets, name) // the code is void; a new one must be requested
			}
		}
		return failure(400, "Invalid or expired reset code.")
	}
	u := s.userByName(name)
	if u == nil {
		delete(s.resets, name)
		return failure(400, "Invalid or expired reset code.")
	}
	u.password = pass
	delete(s.resets, name)
	delete(s.resetTries, name)
	return jsonResponse(200, pyDumps(obj("status", "success", "message", "Password has been reset.")))
}

// ---- avatar ----

// Secure: only these image hosts, https, and the URL is stored for the
// browser to load (the server never fetches it).
var avatarHosts = map[string]bool{"gravatar.com": true, "www.gravatar.com": true, "avatars.githubusercontent.com": true}

func (s *Server) uploadAvatar(c *ctx) *response {
	s.mu.Lock()
	name, fail := s.authUser(c, usersPy(236, "upload_avatar", "resp = token_validator(request.headers.get('Authorization'))"))
	s.mu.Unlock()
	if fail != nil {
		return fail
	}
	data := c.json(usersPy(241, "upload_avatar", "request_data = request.get_json()"))
	d, _ := data.(*pyDict)
	var raw string
	if d != nil {
		v, _ := d.get("url")
		raw, _ = v.(string)
	}
	if raw == "" {
		return failure(400, "Please provide an image url.")
	}
	if s.opts.Secure {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || u.User != nil || !avatarHosts[strings.ToLower(u.Hostname())] || (u.Port() != "" && u.Port() != "443") {
			return failure(400, "Avatar URL must be an https URL on gravatar.com or avatars.githubusercontent.com.")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if usr := s.userByName(name); usr != nil {
			usr.avatar = u.String()
		}
		return jsonResponse(200, pyDumps(obj("status", "success", "message", "Avatar updated.")))
	}
	status, ctype, size, err := s.fetchAvatar(c.r.Context(), raw) // requests.get(url, timeout=2)
	if err != "" {
		return failure(400, "Could not fetch avatar: "+err)
	}
	if !strings.HasPrefix(ctype, "image/") {
		return failure(400, fmt.Sprintf("URL did not return an image (HTTP %d, %s).", status, ctype))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if usr := s.userByName(name); usr != nil {
		usr.avatar = raw
	}
	return jsonResponse(200, pyDumps(obj("status", "success", "message", "Avatar updated.", "size", size, "content_type", ctype)))
}

// newFetcher is the HTTP client of the vulnerable avatar fetch. Whatever
// the URL, it only ever connects to loopback (the test server must not
// reach the network), with no proxy, and gives up after 2 s.
func newFetcher() *http.Client {
	dialer := &net.Dialer{Timeout: 2 * time.Second}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ip := net.ParseIP(host)
			if ip == nil || !ip.IsLoopback() {
				return nil, errors.New("refusing to connect to a non-loopback address")
			}
			return dialer.DialContext(ctx, network, addr)
		},
		DisableKeepAlives:     true,
		ResponseHeaderTimeout: 2 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: 2 * time.Second}
}

// loopbackAddr resolves an http URL's host the way the fetch may use it:
// the loopback IP, or a requests-style error for anything else.
func loopbackAddr(u *url.URL) (string, string) {
	host := u.Hostname()
	port := u.Port()
	if port == "" {
		port = "80"
	}
	pool := fmt.Sprintf("HTTPConnectionPool(host='%s', port=%s)", host, port)
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	ip := net.ParseIP(host)
	if strings.EqualFold(host, "localhost") {
		ip = net.ParseIP("127.0.0.1")
	}
	switch {
	case ip == nil:
		return "", fmt.Sprintf("%s: Max retries exceeded with url: %s (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3b2c6d1e50>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution'))", pool, path)
	case !ip.IsLoopback():
		return "", fmt.Sprintf("%s: Max retries exceeded with url: %s (Caused by ConnectTimeoutError(<urllib3.connection.HTTPConnection object at 0x7f3b2c6d1e50>, 'Connection to %s timed out. (connect timeout=2)'))", pool, path, host)
	}
	return net.JoinHostPort(ip.String(), port), ""
}

// fetchAvatar is requests.get(url, timeout=2) on loopback: the status,
// content type and size, or the text of the exception.
func (s *Server) fetchAvatar(ctx context.Context, raw string) (int, string, int, string) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return 0, "", 0, fmt.Sprintf("Invalid URL '%s': %v", raw, err)
	case u.Scheme == "":
		return 0, "", 0, fmt.Sprintf("Invalid URL '%s': No scheme supplied. Perhaps you meant https://%s?", raw, raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return 0, "", 0, fmt.Sprintf("No connection adapters were found for '%s'", raw)
	case u.Host == "":
		return 0, "", 0, fmt.Sprintf("Invalid URL '%s': No host supplied", raw)
	case u.Scheme == "https":
		return 0, "", 0, fmt.Sprintf("HTTPSConnectionPool(host='%s', port=443): Max retries exceeded with url: %s (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))", u.Hostname(), u.EscapedPath())
	}
	if _, msg := loopbackAddr(u); msg != "" {
		return 0, "", 0, msg
	}
	client := *s.fetcher
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 30 {
			return errors.New("Exceeded 30 redirects.")
		}
		if req.URL.Scheme != "http" {
			return fmt.Errorf("No connection adapters were found for '%s'", req.URL)
		}
		if _, msg := loopbackAddr(req.URL); msg != "" {
			return errors.New(msg)
		}
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, "", 0, fmt.Sprintf("Invalid URL '%s': %v", raw, err)
	}
	req.Header.Set("User-Agent", "python-requests/2.31.0")
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if !errors.As(err, &ue) {
			return 0, "", 0, err.Error()
		}
		at, perr := url.Parse(ue.URL)
		if perr != nil {
			at = u
		}
		var ne net.Error
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return 0, "", 0, fmt.Sprintf("HTTPConnectionPool(host='%s', port=%s): Max retries exceeded with url: %s (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3b2c6d1e50>: Failed to establish a new connection: [Errno 111] Connection refused'))", at.Hostname(), portOr80(at), orSlash(at.EscapedPath()))
		case errors.As(ue.Err, &ne) && ne.Timeout():
			return 0, "", 0, fmt.Sprintf("HTTPConnectionPool(host='%s', port=%s): Read timed out. (read timeout=2)", at.Hostname(), portOr80(at))
		}
		return 0, "", 0, ue.Err.Error()
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, 10<<20))
	ct := resp.Header.Get("Content-Type")
	return resp.StatusCode, ct, int(n), ""
}

func orSlash(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func portOr80(u *url.URL) string {
	if u.Port() == "" {
		return "80"
	}
	return u.Port()
}

// ---- ping ----

// hostRe is the Secure mode's check: an IPv4 address or a DNS name, whole.
var hostRe = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`)

const commandTimeout = 10 * time.Second

func (s *Server) ping(c *ctx) *response {
	s.mu.Lock()
	_, fail := s.authUser(c, toolsPy(14, "ping", "resp = token_validator(request.headers.get('Authorization'))"))
	s.mu.Unlock()
	if fail != nil {
		return fail
	}
	data := c.json(toolsPy(19, "ping", "request_data = request.get_json()"))
	d, _ := data.(*pyDict)
	var host string
	if d != nil {
		v, _ := d.get("host")
		if v != nil {
			host = strings.TrimSpace(pyStr(v))
		}
	}
	if host == "" {
		return failure(400, "Please provide a host.")
	}
	ctx, cancel := context.WithTimeout(c.r.Context(), commandTimeout)
	defer cancel()
	var out string
	var rc int
	if s.opts.Secure {
		if len(host) > 253 || !hostRe.MatchString(host) {
			return failure(400, "Invalid host.")
		}
		sh := newShell(ctx)
		out, rc = sh.ping([]string{"-c", "1", host})
		out += sh.stderr.String()
	} else {
		out, rc = runShell(ctx, "ping -c 1 "+host) // subprocess.run(cmd, shell=True, timeout=10)
	}
	if ctx.Err() == context.DeadlineExceeded {
		return failure(504, "Host check timed out.")
	}
	return jsonResponse(200, pyDumps(obj("status", "success", "output", out, "returncode", rc)))
}
