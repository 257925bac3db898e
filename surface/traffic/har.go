package traffic

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// harEntry is the part of a HAR 1.2 entry the inventory reads.
type harEntry struct {
	StartedDateTime string `json:"startedDateTime"`
	Request         struct {
		Method      string       `json:"method"`
		URL         string       `json:"url"`
		Headers     []harNameVal `json:"headers"`
		QueryString []harNameVal `json:"queryString"`
		Cookies     []harNameVal `json:"cookies"`
	} `json:"request"`
	Response struct {
		Status  int `json:"status"`
		Content struct {
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"content"`
	} `json:"response"`
}

type harNameVal struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// harDecoder walks log.entries[] token by token and decodes one entry at a
// time, so a HAR file of any size is read in memory bounded by its largest
// entry.
type harDecoder struct {
	dec     *json.Decoder
	lines   *lineTracker
	entry   int // 1-based index of the entry being read
	started bool
	done    bool
}

func newHARDecoder(br *bufio.Reader) *harDecoder {
	t := newLineTracker(br)
	return &harDecoder{dec: json.NewDecoder(t), lines: t}
}

// enter moves the decoder inside log.entries.
func (d *harDecoder) enter() error {
	if err := d.expectDelim('{'); err != nil {
		return err
	}
	if err := d.findKey("log"); err != nil {
		return err
	}
	if err := d.expectDelim('{'); err != nil {
		return err
	}
	if err := d.findKey("entries"); err != nil {
		return err
	}
	return d.expectDelim('[')
}

func (d *harDecoder) expectDelim(want json.Delim) error {
	tok, err := d.dec.Token()
	if err != nil {
		return fmt.Errorf("not a HAR file: %w", err)
	}
	if got, ok := tok.(json.Delim); !ok || got != want {
		return fmt.Errorf("not a HAR file: expected %q, found %v", want, tok)
	}
	return nil
}

// findKey consumes members of the current object until key.
func (d *harDecoder) findKey(key string) error {
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return fmt.Errorf("not a HAR file: %w", err)
		}
		if tok == key {
			return nil
		}
		var skip json.RawMessage
		if err := d.dec.Decode(&skip); err != nil {
			return fmt.Errorf("not a HAR file: %w", err)
		}
	}
	return fmt.Errorf("not a HAR file: no %q member", key)
}

func (d *harDecoder) next() (Observation, error) {
	if !d.started {
		d.started = true
		if err := d.enter(); err != nil {
			d.done = true
			return Observation{}, err
		}
	}
	if d.done || !d.dec.More() {
		d.done = true
		return Observation{}, io.EOF
	}
	line := skipSpaceLine(d.lines, d.dec.InputOffset())
	d.entry++
	var e harEntry
	if err := d.dec.Decode(&e); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return Observation{}, &SkipError{Reason: SkipMalformed, Line: line, Entry: d.entry, Detail: err.Error()}
		}
		d.done = true
		return Observation{}, fmt.Errorf("entry %d (line %d): malformed HAR: %w", d.entry, line, err)
	}
	o, err := harObservation(&e)
	if err != nil {
		return Observation{}, skipAt(err, line, d.entry)
	}
	o.Line = line
	return o, nil
}

func harObservation(e *harEntry) (Observation, error) {
	var o Observation
	if e.Request.Method == "" {
		return o, fmt.Errorf("%w: request.method is empty", errNoMethod)
	}
	if !isToken(e.Request.Method) {
		return o, fmt.Errorf("%w: request.method %q is not a method", errNoMethod, clip(e.Request.Method, 20))
	}
	o.Method = upperMethod(e.Request.Method)
	if !strings.Contains(e.Request.URL, "://") {
		return o, fmt.Errorf("%w: request.url is not absolute", errBadURL)
	}
	if u, err := url.Parse(e.Request.URL); err != nil || u.Host == "" {
		return o, fmt.Errorf("%w: request.url %q", errBadURL, clip(e.Request.URL, 60))
	}
	if err := setTarget(&o, e.Request.URL); err != nil {
		return o, err
	}
	if e.Response.Status == 0 {
		return o, fmt.Errorf("%w: status 0: blocked or failed request", errNoResponse)
	}
	if o.Status = atoiStatus(strconv.Itoa(e.Response.Status)); o.Status == 0 {
		return o, errors.New("status out of range")
	}
	o.FirstSeen = parseISOTime(e.StartedDateTime)
	o.HeadersKnown = len(e.Request.Headers) > 0
	if o.HeadersKnown {
		o.Auth = AuthNone
	}
	for _, h := range e.Request.Headers {
		name := strings.ToLower(h.Name)
		if name == "access-control-request-method" && o.Method == "OPTIONS" {
			o.Preflight = true
		}
		value := strings.TrimSpace(h.Value)
		if isCredentialHeader(name) && value != "" {
			o.Auth = AuthPresent
		}
		c := o.caller()
		c.CredentialNames = append(c.CredentialNames, name)
		setCaller(&o, name, value)
	}
	for _, q := range e.Request.QueryString {
		name := strings.ToLower(q.Name)
		if isCredentialQuery(name) && q.Value != "" {
			o.Auth = AuthPresent
			if c := o.caller(); c.APIKey == "" {
				c.APIKey, c.APIKeyName = q.Value, name
			}
		}
		c := o.caller()
		c.CredentialNames = append(c.CredentialNames, name)
	}
	if len(e.Request.Cookies) > 0 && o.Auth == AuthNone {
		o.Auth = AuthPresent
	}
	body := e.Response.Content.Text
	if e.Response.Content.Encoding == "base64" {
		if len(body) > MaxBodyBytes*4/3 {
			body = body[:MaxBodyBytes*4/3&^3]
		}
		raw, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			raw = nil
		}
		body = string(raw)
	}
	if len(body) > MaxBodyBytes {
		body = body[:MaxBodyBytes]
	}
	o.Body = body
	return o, nil
}

// setCaller records what a request header says about the caller: its user
// agent, the first X-Forwarded-For hop, the Authorization header and the
// first API-key header.
func setCaller(o *Observation, name, value string) {
	if value == "" {
		return
	}
	switch {
	case name == "user-agent":
		o.UserAgent = value
	case name == "x-forwarded-for":
		o.ClientAddr = firstHop(value)
	case name == "authorization":
		o.caller().Authorization = value
	case isKeyHeader(name):
		if c := o.caller(); c.APIKey == "" {
			c.APIKey, c.APIKeyName = value, name
		}
	}
}

// isKeyHeader names headers that carry an API key or token: the usual
// names, and any name ending in -key, _key, -token or _token (X-Partner-Key),
// except idempotency and CSRF tokens.
func isKeyHeader(name string) bool {
	switch name {
	case "x-api-key", "api-key", "apikey", "x-auth-token", "x-access-token", "x-goog-api-key":
		return true
	case "idempotency-key", "x-idempotency-key", "x-csrf-token", "x-xsrf-token", "csrf-token", "sec-websocket-key":
		return false
	}
	for _, suffix := range []string{"-key", "_key", "-token", "_token"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// isCredentialHeader names the request headers that carry credentials.
func isCredentialHeader(name string) bool {
	switch name {
	case "authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "apikey",
		"x-auth-token", "x-access-token", "x-amz-security-token", "x-goog-api-key":
		return true
	}
	return false
}

// isCredentialQuery names the query parameters that carry credentials.
func isCredentialQuery(name string) bool {
	switch name {
	case "api_key", "apikey", "api-key", "access_token", "token", "key", "auth", "sig", "signature", "x-amz-signature":
		return true
	}
	return false
}
