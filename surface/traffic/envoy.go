package traffic

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// envoyLine recognises Envoy's (and Istio's) default text format:
//
//	[2024-06-01T12:00:00.000Z] "GET /users/7 HTTP/1.1" 200 - 0 512 3 2 "-" "curl/8.4" "req-id" "api.example.com" "10.0.0.1:8080"
var envoyLine = regexp.MustCompile(`^\[\d{4}-\d\d-\d\dT[^\]]+\] "`)

// parseEnvoy reads one default-format line: start time, request line,
// response code, response flags; the authority is the fourth quoted field
// after the request line (X-Forwarded-For, User-Agent, X-Request-Id,
// :authority, upstream host). Istio's default format adds a quoted
// upstream-failure reason before them, making six quoted fields.
func parseEnvoy(line []byte) (Observation, error) {
	var o Observation
	end := strings.IndexByte(string(line), ']')
	if len(line) == 0 || line[0] != '[' || end < 0 {
		return o, errors.New("no [start time]")
	}
	if t, err := time.Parse(time.RFC3339Nano, string(line[1:end])); err == nil {
		o.FirstSeen = t.UTC()
	}
	request, rest, err := quoted(line[end+1:])
	if err != nil {
		return o, err
	}
	if err := splitRequestLine(request, &o); err != nil {
		return o, err
	}
	code, rest := nextField(rest)
	flags, rest := nextField(rest)
	if code == "0" {
		return o, errors.New("no response (code 0)")
	}
	if o.Status = atoiStatus(code); o.Status == 0 {
		return o, errors.New("no response code")
	}
	if strings.Contains(flags, "NR") {
		// No route: Envoy answered itself; not an endpoint of the service.
		o.Status = 404
	}
	var quotes []string
	for {
		q, r, err := quoted(rest)
		if err != nil {
			break
		}
		quotes = append(quotes, q)
		rest = r
	}
	// Envoy default: XFF, UA, request id, authority, upstream host.
	// Istio default adds upstream transport failure reason first.
	switch {
	case len(quotes) >= 6:
		o.Host = hostOnly(quotes[4])
	case len(quotes) >= 4:
		o.Host = hostOnly(quotes[3])
	}
	return o, nil
}

// envoyRecord is Istio's JSON encoding and the usual keys of Envoy's
// json_format.
type envoyRecord struct {
	StartTime     string          `json:"start_time"`
	Method        string          `json:"method"`
	Path          string          `json:"path"`
	OriginalPath  string          `json:"x_envoy_original_path"`
	ResponseCode  json.RawMessage `json:"response_code"`
	ResponseFlags string          `json:"response_flags"`
	Authority     string          `json:"authority"`
	RouteName     string          `json:"route_name"`
}

func parseEnvoyJSON(line []byte) (Observation, error) {
	var o Observation
	var r envoyRecord
	if err := json.Unmarshal(line, &r); err != nil {
		return o, fmt.Errorf("not a JSON object: %v", err)
	}
	if r.Method == "" || r.Path == "" {
		return o, errors.New("no method or path")
	}
	target := r.Path
	if r.OriginalPath != "" && r.OriginalPath != "-" {
		target = r.OriginalPath
	}
	o.Method = strings.ToUpper(r.Method)
	if !isToken(o.Method) {
		return o, errors.New("malformed method")
	}
	if err := setTarget(&o, target); err != nil {
		return o, err
	}
	o.Status = jsonStatus(r.ResponseCode)
	if o.Status == 0 {
		return o, errors.New("no response code")
	}
	if strings.Contains(r.ResponseFlags, "NR") {
		o.Status = 404
	}
	o.Host = hostOnly(r.Authority)
	if t, err := time.Parse(time.RFC3339Nano, r.StartTime); err == nil {
		o.FirstSeen = t.UTC()
	}
	return o, nil
}

// jsonStatus reads a status written as a number or a string.
func jsonStatus(raw json.RawMessage) int {
	return atoiStatus(strings.Trim(string(raw), `"`))
}
