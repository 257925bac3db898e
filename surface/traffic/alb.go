package traffic

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// albLine recognises AWS ALB access log lines:
//
//	https 2024-06-01T12:00:00.123456Z app/my-lb/50dc6c495c0c9188 203.0.113.7:5123 10.0.0.1:80 0.001 0.002 0.000 200 200 34 366 "GET https://api.example.com:443/users/7 HTTP/1.1" "curl/8.4" ...
var albLine = regexp.MustCompile(`^(http|https|h2|grpcs|ws|wss) \d{4}-\d\d-\d\dT\S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ "`)

// parseALB reads one ALB line positionally; the trailing fields AWS adds
// over time are ignored. A request the load balancer answered itself
// (fixed-response, redirect, WAF) keeps the elb_status_code.
func parseALB(line string) (Observation, error) {
	var o Observation
	rest := line
	var fields [11]string
	for i := range fields {
		fields[i], rest = nextField(rest)
	}
	if fields[0] == "" || rest == "" {
		return o, errors.New("too few fields")
	}
	o.FirstSeen = parseISOTime(fields[1])
	o.ClientAddr = addrOnly(fields[3])
	o.Status = atoiStatus(fields[8])
	if o.Status == 0 {
		if _, err := strconv.Atoi(fields[8]); err != nil {
			return o, fmt.Errorf("%w: elb_status_code is not a number", errNoResponse)
		}
		return o, fmt.Errorf("%w: no status code", errNoResponse)
	}
	request, rest, err := quoted(rest)
	if err != nil {
		return o, err
	}
	if request == "- - - " || request == "- - -" {
		return o, fmt.Errorf("%w: no request line (connection closed before a request)", errNoMethod)
	}
	if err := splitRequestLine(request, &o); err != nil {
		return o, err
	}
	if ua, _, err := quoted(rest); err == nil && ua != "-" {
		o.UserAgent = ua
	}
	return o, nil
}
