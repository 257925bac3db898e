package traffic

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// parseAPIGateway reads one AWS API Gateway JSON access-log line. The keys
// are whatever the team put in its $context format; the usual names are
// read: httpMethod, path, resourcePath (REST) or routeKey (HTTP APIs),
// status, requestTime or requestTimeEpoch, domainName, stage, the
// caller's ip and userAgent, and the authorizer/API-key fields as evidence
// of credentials and of who the caller is. Nested objects
// ("authorizer": {"claims": {...}}) are read as dotted keys.
func parseAPIGateway(line string) (Observation, error) {
	var o Observation
	var raw map[string]any
	if err := json.Unmarshal([]byte(line), &raw); err != nil {
		return o, fmt.Errorf("not a JSON object: %v", err)
	}
	rec := make(map[string]any, len(raw))
	flatten(rec, "", raw, 0)
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
		return o, fmt.Errorf("%w: no httpMethod", errNoMethod)
	}
	if !isToken(method) {
		return o, errors.New("malformed httpMethod")
	}
	o.Method = upperMethod(method)
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
		return o, fmt.Errorf("%w: no path, resourcePath or routeKey", errBadURL)
	}
	if err := setTarget(&o, path); err != nil {
		return o, err
	}
	if o.Status = atoiStatus(str("status", "statusCode")); o.Status == 0 {
		return o, fmt.Errorf("%w: no status", errNoResponse)
	}
	o.Host = hostOnly(str("domainName", "host"))
	if ms := str("requestTimeEpoch"); ms != "" {
		if n, err := strconv.ParseInt(ms, 10, 64); err == nil {
			o.FirstSeen = time.UnixMilli(n).UTC()
		}
	} else if t, err := time.Parse("02/Jan/2006:15:04:05 -0700", str("requestTime")); err == nil {
		o.FirstSeen = t.UTC()
	}
	o.ClientAddr = addrOnly(str("ip", "sourceIp", "identity.sourceIp"))
	o.UserAgent = str("userAgent", "identity.userAgent", "ua")
	o.Auth = apiGatewayAuth(rec)
	apiGatewayCaller(rec, &o)
	return o, nil
}

func setOnce(field *string, v string) {
	if *field == "" {
		*field = v
	}
}

// flatten copies nested objects into dotted keys ("authorizer.claims.sub"),
// at most four levels deep.
func flatten(into map[string]any, prefix string, m map[string]any, depth int) {
	for k, v := range m {
		if prefix != "" {
			k = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok && depth < 4 {
			flatten(into, k, sub, depth+1)
			continue
		}
		into[k] = v
	}
}

// apiGatewayAuth reads the authorizer and API-key fields: unknown when the
// format logs none of them.
func apiGatewayAuth(rec map[string]any) Auth {
	known, present := false, false
	for k, v := range rec {
		lk := strings.ToLower(k)
		if !strings.Contains(lk, "authorizer") && lk != "apikeyid" && lk != "apikey" && lk != "cognitoidentityid" &&
			lk != "identity.apikeyid" && lk != "identity.apikey" {
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

// apiGatewayCaller reads who called from the authorizer's fields, whatever
// the team named them: a key ending in principalId is the end user (as is
// a claims.sub), client_id or clientId the client, scope or scp its
// scopes, client_type its type; apiKeyId identifies the API key (an id,
// not the key).
func apiGatewayCaller(rec map[string]any, o *Observation) {
	keys := make([]string, 0, len(rec))
	for k := range rec {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first of two keys for one field wins, whatever the map order
	for _, k := range keys {
		s, ok := rec[k].(string)
		if !ok || s == "" || s == "-" {
			continue
		}
		lk := strings.ToLower(k)
		auth := strings.Contains(lk, "authorizer")
		switch {
		case strings.HasSuffix(lk, "principalid"):
			o.caller().EndUser = s
		case auth && strings.HasSuffix(lk, ".sub"):
			setOnce(&o.caller().EndUser, s)
		case auth && (strings.HasSuffix(lk, "client_id") || strings.HasSuffix(lk, "clientid")):
			setOnce(&o.caller().ClientID, s)
		case auth && (strings.HasSuffix(lk, "scope") || strings.HasSuffix(lk, ".scp")):
			setOnce(&o.caller().Scopes, s)
		case auth && strings.HasSuffix(lk, "client_type"):
			setOnce(&o.caller().ClientType, s)
		case lk == "apikeyid" || lk == "identity.apikeyid":
			c := o.caller()
			c.APIKey, c.APIKeyName = s, "apikeyid"
		}
	}
}
