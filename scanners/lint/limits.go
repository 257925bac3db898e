package lint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/specterhq/specter/scanners/lint/engine"
)

// Resource limits (OWASP API4:2023). Bounds are read merged over allOf;
// only what clients send is checked (Document.Inputs).
func resourceLimitChecks() []engine.Check {
	return []engine.Check{
		{Rule: "lint/string-unbounded", Document: stringUnbounded},
		{Rule: "lint/number-unbounded", Document: numberUnbounded},
		{Rule: "lint/array-unbounded", Document: arrayUnbounded},
		{Rule: "lint/pagination-unbounded", Operation: paginationUnbounded},
		{Rule: "lint/upload-unbounded", Operation: uploadUnbounded},
		{Rule: "lint/catch-all-pattern", Schema: catchAllPattern},
		{Rule: "lint/no-429-response", Operation: no429},
		{Rule: "lint/429-without-retry-after", Operation: tooManyWithoutRetryAfter},
		{Rule: "lint/no-rate-limit-headers", Operation: noRateLimitHeaders},
	}
}

// fileFormats mark file contents in multipart parts, where the upload rule
// judges them; in JSON, base64 strings (`byte`) are ordinary strings.
var fileFormats = setOf("binary", "byte", "base64")

// enumerated reports whether enum or const pins the value.
func enumerated(s *engine.Schema) bool {
	return s.Keyword("enum").Exists() || s.Keyword("const").Exists()
}

// boundedPattern reports whether a pattern limits the length by itself:
// anchored at both ends with no unbounded repetition.
func boundedPattern(p string) bool {
	if !strings.HasPrefix(p, "^") || !strings.HasSuffix(p, "$") || strings.HasSuffix(p, `\$`) {
		return false
	}
	return !strings.ContainsAny(p, "*+") && !strings.Contains(p, ",}")
}

// isBinary reports whether a string schema is raw bytes (format binary,
// contentMediaType, Swagger 2.0 type file): a file, never a text field.
func isBinary(s *engine.Schema) bool {
	return strings.EqualFold(s.Keyword("format").Str(), "binary") || s.Keyword("contentMediaType").Exists() || s.HasType("file")
}

// isFile reports whether a multipart part carries file contents.
func isFile(s *engine.Schema) bool {
	return fileFormats[strings.ToLower(s.Keyword("format").Str())] || s.Keyword("contentEncoding").Exists() ||
		s.Keyword("contentMediaType").Exists() || s.HasType("file")
}

// inputName is how a message names an input schema.
func inputName(in engine.InputSchema) string {
	if in.Param != nil {
		return fmt.Sprintf("%s parameter %q", in.Param.In, in.Param.Name)
	}
	if n := in.Schema.Node.Name(); n != "" && n != "schema" && n != "items" {
		return fmt.Sprintf("%q", n)
	}
	return "a request value"
}

func stringUnbounded(c *engine.Context, d *engine.Document) {
	for _, in := range d.Inputs().Schemas {
		s := in.Schema
		if !s.HasType("string") || isBinary(s) || s.StringBounded() || boundedPattern(s.Keyword("pattern").Str()) {
			continue
		}
		if in.Param != nil && (in.Param.In == "path" || in.Param.In == "header") {
			continue // bounded by the server's request-line and header size limits
		}
		c.Report(engine.Finding{At: s.Node, Operation: in.Op, Message: fmt.Sprintf("string %s of %s %s has no maxLength, enum or length-bounding format", inputName(in), in.Op.Method, in.Op.Path)})
	}
}

func numberUnbounded(c *engine.Context, d *engine.Document) {
	for _, in := range d.Inputs().Schemas {
		s := in.Schema
		if !s.HasType("integer") && !s.HasType("number") || s.NumberBounded() {
			continue
		}
		if in.Param != nil && isPageSize(in.Param) {
			continue // lint/pagination-unbounded speaks for page sizes
		}
		low := s.Keyword("minimum").Exists() || s.Keyword("exclusiveMinimum").Exists() && s.Keyword("exclusiveMinimum").Str() != "true" && s.Keyword("exclusiveMinimum").Str() != "false"
		high := s.Keyword("maximum").Exists() || s.Keyword("exclusiveMaximum").Exists() && s.Keyword("exclusiveMaximum").Str() != "true" && s.Keyword("exclusiveMaximum").Str() != "false"
		var missing []string
		if !low {
			missing = append(missing, "minimum")
		}
		if !high {
			missing = append(missing, "maximum")
		}
		c.Report(engine.Finding{At: s.Node, Operation: in.Op, Message: fmt.Sprintf("number %s of %s %s has no %s", inputName(in), in.Op.Method, in.Op.Path, strings.Join(missing, " and no "))})
	}
}

func arrayUnbounded(c *engine.Context, d *engine.Document) {
	for _, in := range d.Inputs().Schemas {
		s := in.Schema
		if !s.HasType("array") || s.Keyword("maxItems").Exists() || enumerated(s) {
			continue
		}
		c.Report(engine.Finding{At: s.Node, Operation: in.Op, Message: fmt.Sprintf("array %s of %s %s has no maxItems", inputName(in), in.Op.Method, in.Op.Path)})
	}
}

// pageSizeNames are query parameters that set how many items a page holds.
var pageSizeNames = setOf("limit", "pagesize", "perpage", "size", "maxresults", "top", "first", "last",
	"take", "pagelimit", "maxitems", "resultsperpage", "rows", "maxpagesize", "count", "itemsperpage")

func isPageSize(p *engine.Parameter) bool {
	return p.In == "query" && pageSizeNames[squashName(p.Name)] && p.Schema != nil &&
		(p.Schema.HasType("integer") || p.Schema.HasType("number"))
}

func paginationUnbounded(c *engine.Context, op *engine.Operation) {
	for _, p := range op.Parameters {
		if !isPageSize(p) || enumerated(p.Schema) || p.Schema.Keyword("maximum").Exists() || p.Schema.Keyword("exclusiveMaximum").Exists() {
			continue
		}
		c.Report(engine.Finding{At: p.Node, Operation: op, Evidence: p.Name, Message: fmt.Sprintf("page size parameter %q of %s %s has no maximum", p.Name, op.Method, op.Path)})
	}
}

// fileMedia are request media types whose body is a file.
func fileMedia(t string) bool {
	t = strings.ToLower(t)
	return t == "application/octet-stream" || strings.HasPrefix(t, "image/") || strings.HasPrefix(t, "video/") ||
		strings.HasPrefix(t, "audio/") || t == "application/pdf" || t == "application/zip"
}

func uploadUnbounded(c *engine.Context, op *engine.Operation) {
	if op.Node.Has("x-max-body-size") {
		return
	}
	// Swagger 2.0 formData files are parameters.
	for _, p := range op.Parameters {
		if p.In == "formData" && p.Schema != nil && p.Schema.HasType("file") && !p.Schema.Keyword("maxLength").Exists() {
			c.Report(engine.Finding{At: p.Node, Operation: op, Message: fmt.Sprintf("file parameter %q of %s %s has no size bound", p.Name, op.Method, op.Path)})
		}
	}
	if op.RequestBody == nil || op.RequestBody.Def.Has("x-max-body-size") {
		return
	}
	for _, m := range op.RequestBody.Content {
		if m.Schema == nil {
			if fileMedia(m.Type) {
				c.Report(engine.Finding{At: m.Node, Operation: op, Message: fmt.Sprintf("%s upload to %s %s has no schema and no x-max-body-size", m.Type, op.Method, op.Path)})
			}
			continue
		}
		var files []*engine.Schema
		if fileMedia(m.Type) {
			files = append(files, m.Schema)
		}
		if strings.HasPrefix(strings.ToLower(m.Type), "multipart/") {
			files = append(files, multipartFiles(m.Schema, op.Doc)...)
		} else {
			files = append(files, binaryProperties(m.Schema)...)
		}
		for _, f := range files {
			if f.Keyword("maxLength").Exists() {
				continue
			}
			c.Report(engine.Finding{At: f.Node, Operation: op, Message: fmt.Sprintf("file in the %s body of %s %s has no maxLength and the body no x-max-body-size", m.Type, op.Method, op.Path)})
		}
	}
}

// multipartFiles lists the file parts of a multipart body: binary, base64
// or content-encoded strings, alone or in arrays.
func multipartFiles(s *engine.Schema, d *engine.Document) []*engine.Schema {
	var out []*engine.Schema
	for _, p := range s.Properties() {
		item := p.Schema
		if item != nil && item.HasType("array") {
			item = d.SchemaAt(item.Keyword("items"))
		}
		if item != nil && item.HasType("string") && isFile(item) {
			out = append(out, item)
		}
	}
	return out
}

// binaryProperties lists the raw-bytes properties (format binary) of a
// non-multipart body: a JSON body cannot carry them, but forms can.
func binaryProperties(s *engine.Schema) []*engine.Schema {
	var out []*engine.Schema
	for _, p := range s.Properties() {
		if p.Schema != nil && p.Schema.HasType("string") && isBinary(p.Schema) {
			out = append(out, p.Schema)
		}
	}
	return out
}

// catchAll matches patterns that accept every string, the empty one
// included. ".+" and "[\s\S]+" are left alone: they say "not empty".
var catchAll = regexp.MustCompile(`^\^?(\.\*|\[\\s\\S\]\*|\[\\w\\W\]\*|\[\\d\\D\]\*|\(\.\*\))\$?$`)

func catchAllPattern(c *engine.Context, s *engine.Schema) {
	p := s.Node.Member("pattern")
	if p.IsScalar() && catchAll.MatchString(p.Str()) {
		c.Report(engine.Finding{At: p, Evidence: p.Str(), Message: fmt.Sprintf("pattern %q accepts any string", p.Str())})
	}
}

func no429(c *engine.Context, op *engine.Operation) {
	if op.Response("429") != nil || op.Response("4XX") != nil || len(op.Responses) == 0 {
		return
	}
	at := op.Node.Member("responses")
	c.Report(engine.Finding{At: at, Operation: op, Message: fmt.Sprintf("%s %s declares no 429 response", op.Method, op.Path)})
}

// retryHeaders tell a throttled client when to come back.
var retryHeaders = []string{"Retry-After", "RateLimit-Reset", "X-RateLimit-Reset", "X-Rate-Limit-Reset", "RateLimit"}

func tooManyWithoutRetryAfter(c *engine.Context, op *engine.Operation) {
	r := op.Response("429")
	if r == nil {
		return
	}
	for _, h := range retryHeaders {
		if _, ok := r.Header(h); ok {
			return
		}
	}
	c.Report(engine.Finding{At: r.Def, Operation: op, Message: "429 response declares no Retry-After header"})
}

// rateLimitHeaders announce a client's quota.
var rateLimitHeaders = []string{"RateLimit", "RateLimit-Policy", "RateLimit-Limit", "RateLimit-Remaining",
	"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining"}

func noRateLimitHeaders(c *engine.Context, op *engine.Operation) {
	if len(op.Responses) == 0 {
		return
	}
	for _, r := range op.Responses {
		for _, h := range rateLimitHeaders {
			if _, ok := r.Header(h); ok {
				return
			}
		}
	}
	c.Report(engine.Finding{At: op.Node.Member("responses"), Operation: op, Message: fmt.Sprintf("no response of %s %s declares rate-limit headers", op.Method, op.Path)})
}
