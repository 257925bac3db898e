package traffic

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// envoyLine recognises Envoy's (and Istio's) default text format:
//
//	[2024-06-01T12:00:00.000Z] "GET /users/7 HTTP/1.1" 200 - 0 512 3 2 "-" "curl/8.4" "req-id" "api.example.com" "10.0.0.1:8080"
var envoyLine = regexp.MustCompile(`^\[\d{4}-\d\d-\d\dT[^\]]+\] "`)

// parseEnvoy reads one default-format line: start time, request line,
// response code, response flags; then the quoted X-Forwarded-For,
// User-Agent, X-Request-Id, :authority and upstream host. Istio's default
// format adds a quoted upstream-failure reason before them, making six
// quoted fields.
func parseEnvoy(line string) (Observation, error) {
	var o Observation
	end := strings.IndexByte(line, ']')
	if len(line) == 0 || line[0] != '[' || end < 0 {
		return o, errors.New("no [start time]")
	}
	o.FirstSeen = parseISOTime(line[1:end])
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
		return o, fmt.Errorf("%w: code 0", errNoResponse)
	}
	if o.Status = atoiStatus(code); o.Status == 0 {
		return o, fmt.Errorf("%w: no response code", errNoResponse)
	}
	if strings.Contains(flags, "NR") {
		// No route: Envoy answered itself; not an endpoint of the service.
		o.Status = 404
	}
	var quotes [6]string
	n := 0
	for n < len(quotes) {
		q, r, err := quoted(rest)
		if err != nil {
			break
		}
		quotes[n] = q
		n++
		rest = r
	}
	// Envoy default: XFF, UA, request id, authority, upstream host.
	// Istio default adds upstream transport failure reason first.
	first := 0
	if n >= 6 {
		first = 1
	}
	if n >= 4 {
		o.ClientAddr = firstHop(quotes[first])
		if ua := quotes[first+1]; ua != "-" {
			o.UserAgent = ua
		}
		o.Host = hostOnly(quotes[first+3])
	}
	return o, nil
}

// envoyRecord is Istio's JSON encoding and the usual keys of Envoy's
// json_format, with the request headers teams add to it.
type envoyRecord struct {
	StartTime      string          `json:"start_time"`
	Method         string          `json:"method"`
	Path           string          `json:"path"`
	OriginalPath   string          `json:"x_envoy_original_path"`
	ResponseCode   json.RawMessage `json:"response_code"`
	ResponseFlags  string          `json:"response_flags"`
	Authority      string          `json:"authority"`
	RouteName      string          `json:"route_name"`
	UserAgent      string          `json:"user_agent"`
	ForwardedFor   string          `json:"x_forwarded_for"`
	DownstreamAddr string          `json:"downstream_remote_address"`
	Authorization  string          `json:"authorization"`
	APIKey         string          `json:"x_api_key"`
	APIKeyDashed   string          `json:"x-api-key"`
	ClientID       string          `json:"client_id"`
}

func parseEnvoyJSON(line string) (Observation, error) {
	var o Observation
	var r envoyRecord
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		return o, fmt.Errorf("not a JSON object: %v", err)
	}
	if r.Method == "" || r.Method == "-" {
		return o, fmt.Errorf("%w: no method", errNoMethod)
	}
	if r.Path == "" || r.Path == "-" {
		return o, fmt.Errorf("%w: no path", errBadURL)
	}
	target := r.Path
	if r.OriginalPath != "" && r.OriginalPath != "-" {
		target = r.OriginalPath
	}
	if !isToken(r.Method) {
		return o, errors.New("malformed method")
	}
	o.Method = upperMethod(r.Method)
	if err := setTarget(&o, target); err != nil {
		return o, err
	}
	o.Status = jsonStatus(r.ResponseCode)
	if o.Status == 0 {
		return o, fmt.Errorf("%w: no response code", errNoResponse)
	}
	if strings.Contains(r.ResponseFlags, "NR") {
		o.Status = 404
	}
	o.Host = hostOnly(r.Authority)
	o.FirstSeen = parseISOTime(r.StartTime)
	if r.UserAgent != "-" {
		o.UserAgent = r.UserAgent
	}
	if o.ClientAddr = firstHop(r.ForwardedFor); o.ClientAddr == "" {
		o.ClientAddr = addrOnly(r.DownstreamAddr)
	}
	if r.Authorization != "" && r.Authorization != "-" {
		o.caller().Authorization = r.Authorization
	}
	for _, k := range []string{r.APIKey, r.APIKeyDashed} {
		if k != "" && k != "-" {
			c := o.caller()
			c.APIKey, c.APIKeyName = k, "x-api-key"
		}
	}
	if r.ClientID != "" && r.ClientID != "-" {
		o.caller().ClientID = r.ClientID
	}
	if c := o.Caller; c != nil && (c.Authorization != "" || c.APIKey != "") {
		o.Auth = AuthPresent
	}
	return o, nil
}

// jsonStatus reads a status written as a number or a string.
func jsonStatus(raw json.RawMessage) int {
	return atoiStatus(strings.Trim(string(raw), `"`))
}
