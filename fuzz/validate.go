package fuzz

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
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
func requestValidity(ctx context.Context, c *plan.Case, req *http.Request, opts *openapi3filter.Options) (oracle.Validity, string) {
	t := c.Target
	if t.Spec == nil || t.API.OpenAPI == nil {
		return oracle.Unchecked, ""
	}
	if len(c.Body) > maxValidatedBody {
		// Decoding a megabyte payload to confirm it is invalid costs more
		// than sending it; the generator built it to violate the schema.
		if c.Intent == plan.IntentInvalid {
			return oracle.Invalid, fmt.Sprintf("oversized body (%d bytes)", len(c.Body))
		}
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
		Options: opts,
	}
	err := openapi3filter.ValidateRequest(ctx, in)
	if err == nil {
		return oracle.Valid, ""
	}
	var se *openapi3filter.SecurityRequirementsError
	if errors.As(err, &se) {
		return oracle.Valid, ""
	}
	return oracle.Invalid, violation(err)
}

// validationOptions are the openapi3filter options of requestValidity,
// shared by every check of a run (read-only once built).
func validationOptions() *openapi3filter.Options {
	opts := &openapi3filter.Options{
		AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
		SkipSettingDefaults: true,
	}
	// A short message: the default one embeds the whole offending value
	// (a 1 MiB payload, pretty-printed) and costs more than the request.
	opts.WithCustomSchemaErrorFunc(shortSchemaError)
	return opts
}

// maxValidatedBody is the largest body checked against the spec.
const maxValidatedBody = 256 << 10

// violation describes a validation error without calling its Error
// method, which embeds the whole offending value.
func violation(err error) string {
	where := ""
	var re *openapi3filter.RequestError
	if errors.As(err, &re) {
		switch {
		case re.Parameter != nil:
			where = fmt.Sprintf("%s parameter %q", re.Parameter.In, re.Parameter.Name)
		case re.RequestBody != nil:
			where = "request body"
		}
		if re.Err == nil {
			return strings.TrimSpace(where + ": " + re.Reason)
		}
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		msg := se.Reason
		if p := se.JSONPointer(); len(p) > 0 {
			msg = "at /" + strings.Join(p, "/") + ": " + msg
		}
		if where != "" {
			msg = where + " " + msg
		}
		return firstLine(msg)
	}
	if re != nil && re.Err != nil {
		return firstLine(strings.TrimSpace(where + ": " + re.Err.Error()))
	}
	return firstLine(err.Error())
}

func shortSchemaError(err *openapi3.SchemaError) string {
	if p := err.JSONPointer(); len(p) > 0 {
		return "at /" + strings.Join(p, "/") + ": " + err.Reason
	}
	return err.Reason
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
