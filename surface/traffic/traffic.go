// Package traffic reads recorded runtime traffic (access logs, HAR files,
// OpenTelemetry spans, aggregated inventories) as a stream of observations.
// Each format has its own file; Open detects the format from the first
// bytes, unwraps gzip, and never loads an input whole.
package traffic

import (
	"errors"
	"fmt"
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
// identical requests) as a source recorded it.
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
	// CredentialNames are the lower-cased request header and query
	// parameter names when the source records them, so a spec's own API-key
	// name can be recognised.
	CredentialNames []string
	// Body is a prefix of the response body when the source records it (HAR).
	Body string
}

// ErrSkip marks a record that could not be read; the reader counts it and
// goes on.
var ErrSkip = errors.New("unreadable record")

// MaxLineBytes bounds one line of a line-based format; longer lines are
// skipped and counted.
const MaxLineBytes = 1 << 20

// MaxBodyBytes bounds the response body kept per observation.
const MaxBodyBytes = 64 << 10
