package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime/multipart"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/plan"
)

// field is one place a value goes: a parameter or a body property.
type field struct {
	in   string   // path, query, header, cookie, body
	name string   // parameter name; for body, the dotted property path
	keys []string // body: property path from the root object
	// schema is the documented (or, for recorded requests, inferred) schema.
	schema   *openapi3.Schema
	required bool
	// urlish marks inputs that hold URLs (format uri/url or a URL-like
	// name): SSRF payloads go there.
	urlish bool
	// example is the value the spec writes for the field (a parameter's
	// example or examples, else its schema's example, examples, default,
	// const or first enum member); written says there is one.
	example any
	written bool
}

func (f *field) label() string { return f.in + "." + f.name }

// param is a parameter value in a draft; absent parameters are left out.
type param struct {
	in, name string
	value    any
}

// draft is a request being built: values not yet serialised.
type draft struct {
	params      []param
	body        any
	hasBody     bool
	contentType string
	// raw replaces the serialised body (malformed JSON, oversized payloads,
	// recorded non-JSON bodies).
	raw []byte
	// recordedURL is the recorded request's URL without its query.
	recordedURL string
	headers     []plan.Param // recorded headers kept as they are
	// steps produced the learned values the draft holds.
	steps []*plan.Step
	// runObject: a recorded request whose URL path took a value from the
	// answer to one of the run's own creates (a Postman variable).
	runObject bool
}

func (d *draft) clone() *draft {
	out := *d
	out.params = append([]param(nil), d.params...)
	out.body = deepCopy(d.body)
	out.raw = append([]byte(nil), d.raw...)
	out.headers = append([]plan.Param(nil), d.headers...)
	out.steps = append([]*plan.Step(nil), d.steps...)
	return &out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// set places a value in a field; remove drops the field.
func (d *draft) set(f *field, v any) {
	if f.in == "body" {
		d.body = setPath(d.body, f.keys, v, false)
		d.hasBody = true
		return
	}
	for i := range d.params {
		if d.params[i].in == f.in && d.params[i].name == f.name {
			d.params[i].value = v
			return
		}
	}
	d.params = append(d.params, param{in: f.in, name: f.name, value: v})
}

func (d *draft) remove(f *field) {
	if f.in == "body" {
		d.body = setPath(d.body, f.keys, nil, true)
		return
	}
	out := d.params[:0]
	for _, p := range d.params {
		if !(p.in == f.in && p.name == f.name) {
			out = append(out, p)
		}
	}
	d.params = out
}

// setPath sets (or deletes) a value at a property path, creating objects on
// the way.
func setPath(root any, keys []string, v any, del bool) any {
	if len(keys) == 0 {
		if del {
			return nil
		}
		return v
	}
	obj, ok := root.(map[string]any)
	if !ok {
		if del {
			return root
		}
		obj = map[string]any{}
	}
	if len(keys) == 1 {
		if del {
			delete(obj, keys[0])
		} else {
			obj[keys[0]] = v
		}
		return obj
	}
	obj[keys[0]] = setPath(obj[keys[0]], keys[1:], v, del)
	return obj
}

// render turns a draft into a case.
func (d *draft) render(t *plan.Target) (*plan.Case, error) {
	c := &plan.Case{Target: t, Method: t.Op.Method, RecordedURL: d.recordedURL, RunObject: d.runObject}
	c.Headers = append(c.Headers, d.headers...)
	c.Steps = append(c.Steps, d.steps...)
	for _, p := range d.params {
		switch p.in {
		case "path":
			c.PathParams = append(c.PathParams, plan.Param{Name: p.name, Value: scalar(p.value, ",")})
		case "query":
			if arr, ok := p.value.([]any); ok {
				for _, e := range arr {
					c.Query = append(c.Query, plan.Param{Name: p.name, Value: scalar(e, ",")})
				}
				continue
			}
			c.Query = append(c.Query, plan.Param{Name: p.name, Value: scalar(p.value, ",")})
		case "header":
			c.Headers = append(c.Headers, plan.Param{Name: p.name, Value: scalar(p.value, ",")})
		case "cookie":
			c.Cookies = append(c.Cookies, plan.Param{Name: p.name, Value: scalar(p.value, ",")})
		}
	}
	switch {
	case d.raw != nil:
		c.Body = d.raw
		c.ContentType = d.contentType
	case d.hasBody:
		b, err := encodeBody(d.contentType, d.body)
		if err != nil {
			return nil, fmt.Errorf("%s: encoding the body: %w", t.Key(), err)
		}
		c.Body, c.ContentType = b, d.contentType
		if isMultipart(d.contentType) {
			c.ContentType = "multipart/form-data; boundary=" + multipartBoundary
		}
	}
	return c, nil
}

// scalar writes a value as a parameter string (arrays joined by sep).
func scalar(v any, sep string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = scalar(e, sep)
		}
		return strings.Join(parts, sep)
	case map[string]any:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}

// multipartBoundary separates the parts of multipart bodies: fixed, so a
// seed regenerates the same bytes, and not a string any payload holds.
const multipartBoundary = "specter-7MA4YWxkTrZu0gW"

// encodeBody serialises a body for its content type. A multipart body's
// Content-Type must carry multipartBoundary.
func encodeBody(contentType string, body any) ([]byte, error) {
	if isMultipart(contentType) {
		return encodeMultipart(body)
	}
	if isForm(contentType) {
		obj, _ := body.(map[string]any)
		vals := url.Values{}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			vals.Set(k, scalar(obj[k], ","))
		}
		return []byte(vals.Encode()), nil
	}
	if isJSON(contentType) {
		return json.Marshal(body)
	}
	return []byte(scalar(body, ",")), nil
}

func mediaBase(ct string) string {
	base, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(base))
}

func isJSON(ct string) bool {
	b := mediaBase(ct)
	return b == "application/json" || strings.HasSuffix(b, "+json")
}

func isForm(ct string) bool { return mediaBase(ct) == "application/x-www-form-urlencoded" }

func isMultipart(ct string) bool { return mediaBase(ct) == "multipart/form-data" }

// encodeMultipart writes an object as multipart/form-data: one part per
// property in name order, one per element for arrays, objects as JSON.
func encodeMultipart(body any) ([]byte, error) {
	obj, _ := body.(map[string]any)
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary(multipartBoundary); err != nil {
		return nil, err
	}
	for _, k := range keys {
		values := []any{obj[k]}
		if arr, ok := obj[k].([]any); ok {
			values = arr
		}
		for _, v := range values {
			if err := w.WriteField(k, scalar(v, ",")); err != nil {
				return nil, err
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
