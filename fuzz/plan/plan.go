// Package plan holds what the fuzzer sends: one Case per request, the phase
// that generated it and the operation it targets. Generators produce cases,
// the executor sends them, oracles read them back from exchanges.
package plan

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/surface"
)

// Phase is a generation phase. Phases run in this order.
type Phase int

// The phases, in the order a run goes through them.
const (
	PhaseAccounts  Phase = iota // the run's own test accounts: sign-up, login, escalation attempts
	PhaseReplay                 // Postman requests as recorded
	PhaseExamples               // examples and defaults written in the spec, producers before consumers
	PhaseStateful               // create-read-update sequences per resource, per identity
	PhaseBoundary               // min, max, just outside, lengths, formats, enums
	PhaseRandom                 // random schema-valid values
	PhaseNegative               // wrong types, out of range, missing required, unknown properties, ...
	PhaseInjection              // injection payload families in every string field
)

var phaseNames = [...]string{"accounts", "replay", "examples", "stateful", "boundary", "random", "negative", "injection"}

func (p Phase) String() string {
	if p < 0 || int(p) >= len(phaseNames) {
		return fmt.Sprintf("phase(%d)", int(p))
	}
	return phaseNames[p]
}

// Phases lists every phase in run order.
func Phases() []Phase {
	return []Phase{PhaseAccounts, PhaseReplay, PhaseExamples, PhaseStateful, PhaseBoundary, PhaseRandom, PhaseNegative, PhaseInjection}
}

// ParsePhase reads a phase name.
func ParsePhase(name string) (Phase, error) {
	for i, n := range phaseNames {
		if n == strings.ToLower(strings.TrimSpace(name)) {
			return Phase(i), nil
		}
	}
	return 0, fmt.Errorf("unknown phase %q (want one of %s)", name, strings.Join(phaseNames[:], ", "))
}

// Intent is what a generator meant a case to be with respect to the spec.
// The engine checks OpenAPI cases against the spec before sending them and
// records the verdict in the exchange; Intent is only the generator's aim.
type Intent int

// Intents.
const (
	IntentValid   Intent = iota // conforms to the documented request
	IntentInvalid               // deliberately violates it
	IntentUnknown               // no schema to judge by (Postman, injection payloads)
)

// NoCredentials is the identity of a request sent without any credentials.
// The empty identity is the default one (the first --identity).
const NoCredentials = "-"

// Target is the operation a case exercises.
type Target struct {
	API *surface.API
	Op  *surface.Operation
	// Spec is the OpenAPI operation; nil for Postman requests.
	Spec *openapi3.Operation
	// PathItem is the OpenAPI path item holding Spec; nil for Postman.
	PathItem *openapi3.PathItem
	// Index is the operation's position in the run, for stable ordering.
	Index int
	// OlderVersionOf is, for an operation the spec does not document but
	// the target still serves at an older API version ("/v1/login" beside
	// the documented "/v2/login"), the documented operation it is a copy
	// of; nil for the spec's own operations. Oracles that judge answers
	// against the spec leave such targets alone (oracle.SpecBound).
	OlderVersionOf *Target

	key string // Key, set by Seal
	// accept is the Accept header requests send, set by Seal: what the
	// operation documents it answers.
	accept string
}

// Seal computes what the target's methods would otherwise build on every
// call (oracles ask for Key on every exchange). Call it once the fields
// are set; a target that is not sealed still works.
func (t *Target) Seal() {
	t.key = t.Op.Method + " " + t.Op.Path
	t.accept = acceptOf(t.Spec)
}

// acceptOf is the Accept header of an operation's requests, as an API
// client generated from the spec sends it: application/json where a
// response documents JSON, or where no response documents a body and the
// request takes JSON (frameworks such as Laravel and Rails answer an
// invalid request with a redirect, or an HTML page, unless the client
// asks for JSON); nothing otherwise.
func acceptOf(op *openapi3.Operation) string {
	if op == nil || op.Responses == nil {
		return ""
	}
	documented := false
	for _, r := range op.Responses.Map() {
		if r == nil || r.Value == nil {
			continue
		}
		for media := range r.Value.Content {
			documented = true
			if jsonMedia(media) {
				return "application/json"
			}
		}
	}
	if !documented && op.RequestBody != nil && op.RequestBody.Value != nil {
		for media := range op.RequestBody.Value.Content {
			if jsonMedia(media) {
				return "application/json"
			}
		}
	}
	return ""
}

func jsonMedia(media string) bool {
	m := strings.ToLower(media)
	return m == "application/json" || strings.HasSuffix(m, "+json")
}

// Key names the operation in summaries: "GET /items/{id}".
func (t *Target) Key() string {
	if t.key != "" {
		return t.key
	}
	return t.Op.Method + " " + t.Op.Path
}

// Param is one named value.
type Param struct {
	Name  string
	Value string
}

// Payload is an injection payload a case carries.
type Payload struct {
	Family string // sql, nosql, command, traversal, template, xss, ssrf, crlf
	Value  string
	// Field is where it was placed: "query.q", "body.name", "header.X-Trace".
	Field string
}

// Case is one request to send.
type Case struct {
	// Seq is the case's position in the run's plan; the engine sets it.
	// Findings keep the exchange with the smallest Seq, so reports do not
	// depend on goroutine scheduling.
	Seq    int
	Phase  Phase
	Target *Target
	Method string
	// PathParams fill the {name} segments of Target.Op.Path.
	PathParams []Param
	Query      []Param
	Headers    []Param
	Cookies    []Param
	// RecordedURL is the absolute URL of a recorded (Postman) request: its
	// path and query are sent to the target's scheme and host, and
	// PathParams and Query are ignored.
	RecordedURL string
	Body        []byte
	ContentType string
	// Mutation says, for people, what this case varies: "example", "body.age: string instead of integer".
	Mutation string
	Intent   Intent
	Payload  *Payload
	// Identity names the credentials to send ("" default, NoCredentials none).
	Identity string
	// Varied is the field the case's mutation is about ("path.id",
	// "body.email"; "" for none): the engine never replaces its value with
	// one learned during the run.
	Varied string
	// Steps are the earlier exchanges the case depends on (the request
	// that created the object it targets), for reproducers.
	Steps []*Step
	// RunObject marks a recorded request whose URL path names an object
	// by a value the answer to one of the run's own creates gave (a
	// Postman variable a test script set): the safety policy treats it as
	// a call on an object the run created.
	RunObject bool
	// Sentinel marks a probe whose path names an object that cannot
	// exist (an authorization check that must refuse before any lookup):
	// it touches nothing, so the safety policy sends it.
	Sentinel bool
	// OwnSignUp marks the run's sign-up of an account of its own: the
	// account its body names does not exist yet, so it is no credential
	// change on someone else's account, whatever the operation is called
	// (POST /vapi/api1/user with a password field).
	OwnSignUp bool
}

// Clone returns a deep copy, for mutating one field of a seed.
func (c *Case) Clone() *Case {
	out := *c
	// A copy is another request: only the run's own accounts code marks
	// its sign-ups, never a probe derived from one.
	out.OwnSignUp = false
	out.PathParams = append([]Param(nil), c.PathParams...)
	out.Query = append([]Param(nil), c.Query...)
	out.Headers = append([]Param(nil), c.Headers...)
	out.Cookies = append([]Param(nil), c.Cookies...)
	out.Body = append([]byte(nil), c.Body...)
	out.Steps = append([]*Step(nil), c.Steps...)
	if c.Payload != nil {
		p := *c.Payload
		out.Payload = &p
	}
	return &out
}

// PathParamsValue is the value of the case's last path parameter ("" when
// it has none): the object a request on /items/{id} names.
func (c *Case) PathParamsValue() string {
	if len(c.PathParams) == 0 {
		return ""
	}
	return c.PathParams[len(c.PathParams)-1].Value
}

// Path returns the request path with path parameters substituted and
// escaped.
func (c *Case) Path() string {
	p := c.Target.Op.Path
	for _, pp := range c.PathParams {
		p = strings.ReplaceAll(p, "{"+pp.Name+"}", url.PathEscape(pp.Value))
	}
	return p
}

// URL resolves the case against the target base URL. The base path is
// kept: a base of http://host/api and a path /items give /api/items.
func (c *Case) URL(base *url.URL) (*url.URL, error) {
	u := *base
	if c.RecordedURL != "" {
		rec, err := url.Parse(c.RecordedURL)
		if err != nil {
			return nil, fmt.Errorf("recorded URL %q: %w", c.RecordedURL, err)
		}
		u.Path = strings.TrimSuffix(base.Path, "/") + rec.Path
		u.RawPath = ""
		if rec.RawPath != "" {
			u.RawPath = strings.TrimSuffix(base.EscapedPath(), "/") + rec.RawPath
		}
		u.RawQuery = rec.RawQuery
		if len(c.Query) > 0 {
			u.RawQuery = encodeQuery(c.Query)
		}
		return &u, nil
	}
	path := c.Path()
	joined := strings.TrimSuffix(base.EscapedPath(), "/") + path
	parsed, err := url.ParseRequestURI(joined)
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", joined, err)
	}
	u.Path, u.RawPath = parsed.Path, parsed.RawPath
	u.RawQuery = encodeQuery(c.Query)
	return &u, nil
}

// encodeQuery writes parameters in their order (url.Values would sort them).
func encodeQuery(params []Param) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.Value))
	}
	return b.String()
}

// Request builds the HTTP request for the case, without credentials. The
// request is assembled from the URL built above rather than by formatting
// and re-parsing it, and carries no context: the fuzzer's executor takes
// the context with each call (req.WithContext attaches one for net/http).
// This runs once per request on the hot path.
func (c *Case) Request(base *url.URL) (*http.Request, error) {
	u, err := c.URL(base)
	if err != nil {
		return nil, err
	}
	if c.Method == "" || strings.ContainsAny(c.Method, " \t\r\n") {
		return nil, fmt.Errorf("building %s %s: invalid method", c.Method, u.Redacted())
	}
	req := &http.Request{
		Method: c.Method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: make(http.Header, len(c.Headers)+2), Host: u.Host,
	}
	if c.Body != nil {
		body := c.Body
		req.ContentLength = int64(len(body))
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		if len(body) == 0 {
			req.Body, req.GetBody = http.NoBody, func() (io.ReadCloser, error) { return http.NoBody, nil }
		}
	}
	for _, h := range c.Headers {
		req.Header.Add(h.Name, h.Value)
	}
	if c.Target != nil && c.Target.accept != "" && req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", c.Target.accept)
	}
	if c.ContentType != "" && c.Body != nil {
		req.Header.Set("Content-Type", c.ContentType)
	}
	for _, ck := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	return req, nil
}
