package traffic

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
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
	var e harEntry
	if err := d.dec.Decode(&e); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return Observation{}, fmt.Errorf("line %d: entry: %v: %w", line, err, ErrSkip)
		}
		d.done = true
		return Observation{}, fmt.Errorf("line %d: malformed HAR: %w", line, err)
	}
	o, err := harObservation(&e)
	if err != nil {
		return Observation{}, fmt.Errorf("line %d: %v: %w", line, err, ErrSkip)
	}
	o.Line = line
	return o, nil
}

func harObservation(e *harEntry) (Observation, error) {
	var o Observation
	if e.Response.Status == 0 {
		return o, errors.New("no response (status 0: blocked or failed request)")
	}
	if o.Status = atoiStatus(fmt.Sprint(e.Response.Status)); o.Status == 0 {
		return o, errors.New("status out of range")
	}
	o.Method = strings.ToUpper(e.Request.Method)
	if !isToken(o.Method) {
		return o, errors.New("no method")
	}
	if !strings.Contains(e.Request.URL, "://") {
		return o, errors.New("request.url is not absolute")
	}
	if err := setTarget(&o, e.Request.URL); err != nil {
		return o, err
	}
	if t, err := time.Parse(time.RFC3339Nano, e.StartedDateTime); err == nil {
		o.FirstSeen = t.UTC()
	}
	o.HeadersKnown = len(e.Request.Headers) > 0
	if o.HeadersKnown {
		o.Auth = AuthNone
	}
	for _, h := range e.Request.Headers {
		name := strings.ToLower(h.Name)
		if name == "access-control-request-method" && o.Method == "OPTIONS" {
			o.Preflight = true
		}
		if isCredentialHeader(name) && strings.TrimSpace(h.Value) != "" {
			o.Auth = AuthPresent
		}
		o.CredentialNames = append(o.CredentialNames, name)
	}
	for _, q := range e.Request.QueryString {
		name := strings.ToLower(q.Name)
		if isCredentialQuery(name) && q.Value != "" {
			o.Auth = AuthPresent
		}
		o.CredentialNames = append(o.CredentialNames, name)
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
