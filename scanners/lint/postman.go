package lint

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners/lint/engine"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
)

// Postman collections: where and how credentials travel. Literal
// credential values are the secret scanner's findings.
func postmanChecks() []engine.Check {
	return []engine.Check{
		{Rule: "lint/postman-credentials-over-http", Collection: postmanCredentialsOverHTTP},
		{Rule: "lint/postman-api-key-in-query", Collection: postmanAPIKeyInQuery},
		{Rule: "lint/postman-http-token-url", Collection: postmanHTTPTokenURL},
	}
}

// postmanURLLocation is where a request's URL is written (the request
// itself when the URL is the request string).
func postmanURLLocation(f *surface.File, req *surface.Request) rules.Location {
	return f.Locate(req.Location.Pointer + "/url")
}

// noCredentials are Postman auth types that send nothing.
var noCredentials = setOf("", "noauth", "inherit")

// isCredentialHeaderName reports whether a request header carries a
// credential: Authorization, Cookie, or a credential-named header.
func isCredentialHeaderName(name string) bool {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization", "cookie":
		return true
	}
	return sensitive.IsCredentialName(name)
}

func postmanCredentialsOverHTTP(c *engine.Context, api *surface.API) {
	for _, op := range api.Operations {
		req := op.Request
		if req == nil {
			continue
		}
		host, ok := cleartextURL(req.URL)
		if !ok {
			continue
		}
		var carried []string
		if op.Auth != nil && !noCredentials[strings.ToLower(op.Auth.Type)] {
			carried = append(carried, op.Auth.Type+" auth")
		}
		for _, h := range req.Headers {
			if !h.Disabled && isCredentialHeaderName(h.Name) {
				carried = append(carried, h.Name+" header")
			}
		}
		if len(carried) == 0 {
			continue
		}
		c.ReportAt(postmanURLLocation(api.File, req), engine.Finding{Evidence: req.Method + " http://" + host, Key: strings.Join(carried, ","),
			Message: fmt.Sprintf("request %q sends %s over plain http to %s", req.Name, strings.Join(carried, " and "), host)})
	}
}

func postmanAPIKeyInQuery(c *engine.Context, api *surface.API) {
	for _, op := range api.Operations {
		if a := op.Auth; a != nil && strings.EqualFold(a.Type, "apikey") && strings.EqualFold(a.Params["in"], "query") {
			at, ok := a.ParamLocations["in"]
			if !ok {
				at = a.Location
			}
			c.ReportAt(at, engine.Finding{Evidence: a.Params["key"], Message: fmt.Sprintf("apikey auth sends %q in the query string", a.Params["key"])})
		}
		for _, p := range op.Parameters {
			if p.In != "query" || !sensitive.IsCredentialName(p.Name) {
				continue
			}
			c.ReportAt(p.Location, engine.Finding{Evidence: p.Name, Message: fmt.Sprintf("request %q puts credential %q in the query string", op.Summary, p.Name)})
		}
	}
}

// oauthURLParams are the Postman auth parameters that name an OAuth
// endpoint.
var oauthURLParams = []string{"accessTokenUrl", "authUrl", "refreshTokenUrl", "requestTokenUrl", "tokenUrl"}

func postmanHTTPTokenURL(c *engine.Context, api *surface.API) {
	for _, op := range api.Operations {
		a := op.Auth
		if a == nil || (!strings.EqualFold(a.Type, "oauth2") && !strings.EqualFold(a.Type, "oauth1")) {
			continue
		}
		for _, k := range oauthURLParams {
			u := a.Params[k]
			host, ok := cleartextURL(u)
			if !ok {
				continue
			}
			if parsed, err := url.Parse(u); err == nil {
				u = parsed.Scheme + "://" + parsed.Host + parsed.Path
			}
			c.ReportAt(a.ParamLocations[k], engine.Finding{Evidence: u, Key: k,
				Message: fmt.Sprintf("%s auth %s is plain http: credentials and tokens cross the network to %s in clear text", a.Type, k, host)})
		}
	}
}
