package traffic

import (
	"errors"
	"regexp"
	"strconv"
	"time"
)

// albLine recognises AWS ALB access log lines:
//
//	https 2024-06-01T12:00:00.123456Z app/my-lb/50dc6c495c0c9188 203.0.113.7:5123 10.0.0.1:80 0.001 0.002 0.000 200 200 34 366 "GET https://api.example.com:443/users/7 HTTP/1.1" "curl/8.4" ...
var albLine = regexp.MustCompile(`^(http|https|h2|grpcs|ws|wss) \d{4}-\d\d-\d\dT\S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ "`)

// parseALB reads one ALB line positionally; the trailing fields AWS adds
// over time are ignored. A request the load balancer answered itself
// (fixed-response, redirect, WAF) keeps the elb_status_code.
func parseALB(line []byte) (Observation, error) {
	var o Observation
	rest := line
	var fields [11]string
	for i := range fields {
		fields[i], rest = nextField(rest)
	}
	if fields[0] == "" || rest == nil {
		return o, errors.New("too few fields")
	}
	if t, err := time.Parse(time.RFC3339Nano, fields[1]); err == nil {
		o.FirstSeen = t.UTC()
	}
	o.Status = atoiStatus(fields[8])
	if o.Status == 0 {
		if _, err := strconv.Atoi(fields[8]); err != nil {
			return o, errors.New("elb_status_code is not a number")
		}
		return o, errors.New("no status code")
	}
	request, _, err := quoted(rest)
	if err != nil {
		return o, err
	}
	if request == "- - - " || request == "- - -" {
		return o, errors.New("no request line (connection closed before a request)")
	}
	if err := splitRequestLine(request, &o); err != nil {
		return o, err
	}
	return o, nil
}
