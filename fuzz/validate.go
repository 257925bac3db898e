package fuzz

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// requestValidity checks a case against its documented request with
// openapi3filter, before it is sent: it is the ground truth for the
// negative-data and valid-input oracles (the generator's intent is only a
// guess: a "negative" value may be valid, a random string may miss a
// pattern). Security requirements are not checked here (credentials are
// the identity layer's business).
func requestValidity(ctx context.Context, c *plan.Case, base *url.URL) (oracle.Validity, string) {
	t := c.Target
	if t.Spec == nil || t.API.OpenAPI == nil {
		return oracle.Unchecked, ""
	}
	req, err := c.Request(ctx, base)
	if err != nil {
		return oracle.Unchecked, ""
	}
	params := make(map[string]string, len(c.PathParams))
	for _, p := range c.PathParams {
		params[p.Name] = p.Value
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route: &routers.Route{
			Spec: t.API.OpenAPI, Path: t.Op.Path, PathItem: t.PathItem,
			Method: t.Op.Method, Operation: t.Spec,
		},
		Options: &openapi3filter.Options{
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults: true,
		},
	}
	err = openapi3filter.ValidateRequest(ctx, in)
	if err == nil {
		return oracle.Valid, ""
	}
	var se *openapi3filter.SecurityRequirementsError
	if errors.As(err, &se) {
		return oracle.Valid, ""
	}
	return oracle.Invalid, firstLine(err.Error())
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
