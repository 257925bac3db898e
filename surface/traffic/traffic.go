// Package traffic reads recorded runtime traffic (access logs, HAR files,
// OpenTelemetry spans, aggregated inventories) as a stream of observations.
// Each format has its own file; Open detects the format from the first
// bytes, unwraps gzip, and never loads an input whole.
package traffic

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Format names a traffic input format.
type Format string

// Formats Open recognises.
const (
	FormatHAR        Format = "har"
	FormatCombined   Format = "combined"   // nginx/Apache combined and common log formats, vhost_combined
	FormatALB        Format = "alb"        // AWS Application Load Balancer access logs
	FormatAPIGateway Format = "apigateway" // AWS API Gateway JSON access logs
	FormatEnvoy      Format = "envoy"      // Envoy/Istio default text format
	FormatEnvoyJSON  Format = "envoy-json" // Envoy/Istio JSON access logs
	FormatOTLP       Format = "otlp"       // OpenTelemetry OTLP/JSON spans
	FormatCSV        Format = "csv"        // aggregated inventory, CSV
	FormatJSONL      Format = "jsonl"      // aggregated inventory, JSON lines
)

// Formats lists every format name, for flags and documentation.
func Formats() []Format {
	return []Format{FormatHAR, FormatCombined, FormatALB, FormatAPIGateway, FormatEnvoy, FormatEnvoyJSON, FormatOTLP, FormatCSV, FormatJSONL}
}

// ParseFormat checks a --traffic-format value; "" and "auto" mean detect.
func ParseFormat(s string) (Format, error) {
	if s == "" || s == "auto" {
		return "", nil
	}
	for _, f := range Formats() {
		if string(f) == s {
			return f, nil
		}
	}
	if s == "nginx" || s == "apache" || s == "common" {
		return FormatCombined, nil
	}
	return "", fmt.Errorf("unknown traffic format %q", s)
}

// Auth says whether a request carried credentials, when the source shows it.
type Auth int8

// Auth evidence.
const (
	AuthUnknown Auth = iota // the source does not record credentials
	AuthNone                // recorded, and the request carried none
	AuthPresent             // the request carried a credential
)

// Observation is one request (or, for aggregated inventories, one group of
// identical requests) as a source recorded it. Its strings are only valid
// while the Reader hands it over (Each, EachBatch): copy what you keep.
type Observation struct {
	// Line is the 1-based line of the input the record starts on.
	Line   int
	Host   string // lower case, without port; "" when the source lacks it
	Method string // upper case
	// Target is the request target as recorded: path, possibly with a
	// query string; never decoded.
	Target string
	// Route is the route template the source names (OTel http.route, API
	// Gateway resourcePath/routeKey), "" when there is none.
	Route  string
	Status int
	// Count is how many requests the record stands for (1 except for
	// aggregated inventories).
	Count     int
	FirstSeen time.Time // zero when the source has no timestamp
	LastSeen  time.Time
	Auth      Auth
	// Preflight is set for OPTIONS requests known to carry
	// Access-Control-Request-Method.
	Preflight bool
	// HeadersKnown is set when the source records request headers (HAR),
	// so an OPTIONS without the preflight header is known not to be one.
	HeadersKnown bool
	// Body is a prefix of the response body when the source records it (HAR).
	Body string

	// UserAgent is the User-Agent header; ClientAddr the address the
	// request came from (the first X-Forwarded-For hop where the source
	// logs one, else the peer), without port. Access logs carry both.
	UserAgent  string
	ClientAddr string
	// Caller is what sources that record request headers, span attributes
	// or an authorizer say about who called; nil otherwise.
	Caller *Caller

	// Prepared holds what Reader.Prepare computed for the record in the
	// parsing goroutine; nil without a Prepare hook.
	Prepared any
}

// Caller is the evidence of who made a request beyond its user agent and
// address. The credential fields hold raw header and parameter values:
// whoever reads them must never print them.
type Caller struct {
	// Authorization is the raw Authorization header.
	Authorization string
	// APIKey is the raw value of an API-key header or query parameter, and
	// APIKeyName its lower-cased name.
	APIKey, APIKeyName string
	// ClientID, EndUser, Scopes and ClientType are what the source itself
	// says about the caller: OpenTelemetry client.id, enduser.id and
	// enduser.scope, an API Gateway authorizer's client id, principal,
	// scope and client_type claims. Scopes are space-separated.
	ClientID, EndUser, Scopes, ClientType string
	// CredentialNames are the lower-cased request header and query
	// parameter names when the source records them, so a spec's own API-key
	// name can be recognised.
	CredentialNames []string
}

// Clone returns a copy of the observation that may be kept: its strings
// no longer share the input's buffers.
func (o *Observation) Clone() Observation {
	c := *o
	c.Host, c.Method, c.Target, c.Route = strings.Clone(o.Host), strings.Clone(o.Method), strings.Clone(o.Target), strings.Clone(o.Route)
	c.Body, c.UserAgent, c.ClientAddr = strings.Clone(o.Body), strings.Clone(o.UserAgent), strings.Clone(o.ClientAddr)
	if o.Caller != nil {
		cc := *o.Caller
		cc.Authorization, cc.APIKey, cc.APIKeyName = strings.Clone(cc.Authorization), strings.Clone(cc.APIKey), strings.Clone(cc.APIKeyName)
		cc.ClientID, cc.EndUser, cc.Scopes, cc.ClientType = strings.Clone(cc.ClientID), strings.Clone(cc.EndUser), strings.Clone(cc.Scopes), strings.Clone(cc.ClientType)
		cc.CredentialNames = make([]string, len(o.Caller.CredentialNames))
		for i, n := range o.Caller.CredentialNames {
			cc.CredentialNames[i] = strings.Clone(n)
		}
		c.Caller = &cc
	}
	c.Prepared = nil
	return c
}

// caller returns the observation's Caller, creating it.
func (o *Observation) caller() *Caller {
	if o.Caller == nil {
		o.Caller = &Caller{}
	}
	return o.Caller
}

// ErrSkip marks a record that could not be read; the reader counts it and
// goes on.
var ErrSkip = errors.New("unreadable record")

// SkipReason says why a record was skipped.
type SkipReason string

// Skip reasons, as reports name them.
const (
	SkipNoMethod   SkipReason = "no method"
	SkipBadURL     SkipReason = "unparsable URL"
	SkipNoResponse SkipReason = "no response"
	SkipLongLine   SkipReason = "over-long line"
	SkipMalformed  SkipReason = "malformed record"
)

// Errors parsers wrap so that a skipped record gets its reason.
var (
	errNoMethod   = errors.New("no method")
	errBadURL     = errors.New("unparsable URL")
	errNoResponse = errors.New("no response")
)

// reasonOf classifies a parser's error.
func reasonOf(err error) SkipReason {
	switch {
	case errors.Is(err, errNoMethod):
		return SkipNoMethod
	case errors.Is(err, errBadURL):
		return SkipBadURL
	case errors.Is(err, errNoResponse):
		return SkipNoResponse
	}
	return SkipMalformed
}

// SkipError describes one skipped record. It wraps ErrSkip.
type SkipError struct {
	Reason SkipReason
	// Line is the 1-based line the record starts on; Entry the 1-based
	// index of the record in a document format (the HAR entry in
	// log.entries, the span in its OTLP export request), 0 for line formats.
	Line, Entry int
	// Detail is the parser's own words.
	Detail string
}

func (e *SkipError) Error() string {
	where := fmt.Sprintf("line %d", e.Line)
	if e.Entry > 0 {
		where = fmt.Sprintf("entry %d (line %d)", e.Entry, e.Line)
	}
	if e.Detail == "" || e.Detail == string(e.Reason) {
		return where + ": " + string(e.Reason)
	}
	return where + ": " + string(e.Reason) + ": " + e.Detail
}

func (e *SkipError) Unwrap() error { return ErrSkip }

// skipAt builds the SkipError of a parser error at a line (and entry).
func skipAt(err error, line, entry int) *SkipError {
	return &SkipError{Reason: reasonOf(err), Line: line, Entry: entry, Detail: err.Error()}
}

// SkipCount tallies the records skipped for one reason, with where the
// first of them was.
type SkipCount struct {
	Reason     SkipReason
	Count      int
	FirstLine  int
	FirstEntry int
	// First is the first skipped record's description ("line 7: no method").
	First string
}

// MaxLineBytes bounds one line of a line-based format; longer lines are
// skipped and counted.
const MaxLineBytes = 1 << 20

// MaxBodyBytes bounds the response body kept per observation.
const MaxBodyBytes = 64 << 10
