package traffic

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseAPIGateway reads one AWS API Gateway JSON access-log line. The keys
// are whatever the team put in its $context format; the usual names are
// read: httpMethod, path, resourcePath (REST) or routeKey (HTTP APIs),
// status, requestTime or requestTimeEpoch, domainName, stage, and the
// authorizer/API-key fields as evidence of credentials.
func parseAPIGateway(line []byte) (Observation, error) {
	var o Observation
	var rec map[string]any
	if err := json.Unmarshal(line, &rec); err != nil {
		return o, fmt.Errorf("not a JSON object: %v", err)
	}
	str := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := rec[k]; ok {
				switch v := v.(type) {
				case string:
					if v != "-" && v != "" {
						return v
					}
				case float64:
					return strconv.FormatFloat(v, 'f', -1, 64)
				}
			}
		}
		return ""
	}
	route := str("resourcePath", "routeKey")
	method := str("httpMethod", "method")
	if m, r, ok := strings.Cut(route, " "); ok && !strings.HasPrefix(route, "/") {
		// HTTP API routeKey: "GET /pets/{id}"
		if method == "" {
			method = m
		}
		route = r
	}
	if method == "" {
		return o, errors.New("no httpMethod")
	}
	o.Method = strings.ToUpper(method)
	if !isToken(o.Method) {
		return o, errors.New("malformed httpMethod")
	}
	o.Route = route
	path := str("path", "requestPath", "rawPath")
	if stage := str("stage"); stage != "" && stage != "$default" && path != "" {
		if rest, ok := strings.CutPrefix(path, "/"+stage); ok && (rest == "" || rest[0] == '/') {
			path = rest
			if path == "" {
				path = "/"
			}
		}
	}
	if path == "" {
		path = route
	}
	if path == "" {
		return o, errors.New("no path, resourcePath or routeKey")
	}
	if err := setTarget(&o, path); err != nil {
		return o, err
	}
	if o.Status = atoiStatus(str("status", "statusCode")); o.Status == 0 {
		return o, errors.New("no status")
	}
	o.Host = hostOnly(str("domainName", "host"))
	if ms := str("requestTimeEpoch"); ms != "" {
		if n, err := strconv.ParseInt(ms, 10, 64); err == nil {
			o.FirstSeen = time.UnixMilli(n).UTC()
		}
	} else if t, err := time.Parse("02/Jan/2006:15:04:05 -0700", str("requestTime")); err == nil {
		o.FirstSeen = t.UTC()
	}
	o.Auth = apiGatewayAuth(rec)
	return o, nil
}

// apiGatewayAuth reads the authorizer and API-key fields: unknown when the
// format logs none of them.
func apiGatewayAuth(rec map[string]any) Auth {
	known, present := false, false
	for k, v := range rec {
		lk := strings.ToLower(k)
		if !strings.Contains(lk, "authorizer") && lk != "apikeyid" && lk != "apikey" && lk != "cognitoidentityid" {
			continue
		}
		known = true
		switch v := v.(type) {
		case string:
			if v != "" && v != "-" {
				present = true
			}
		case nil:
		default:
			present = true
		}
	}
	switch {
	case present:
		return AuthPresent
	case known:
		return AuthNone
	}
	return AuthUnknown
}
