package lint

import (
	"fmt"
	"strings"

	"github.com/specterhq/specter/scanners/lint/engine"
)

// SSRF and unsafe consumption (OWASP API7:2023, API10:2023).
func ssrfChecks() []engine.Check {
	return []engine.Check{
		{Rule: "lint/url-input", Document: urlInputs},
		{Rule: "lint/redirect-parameter", Document: redirectInputs},
		{Rule: "lint/callback-without-signature", Document: callbacksWithoutSignature},
		{Rule: "lint/callback-http", Document: callbacksOverHTTP},
	}
}

// urlWords end names of URL-valued inputs. hookWords do too, but only
// for string body properties: a `callback` query parameter is the JSONP
// function name (every Google discovery API has one).
var (
	urlWords  = setOf("url", "uri", "href", "endpoint")
	hookWords = setOf("callback", "webhook")
)

// urlFormats are string formats that hold a URL the server may fetch.
var urlFormats = setOf("uri", "url", "iri")

// redirectWords mark a redirect target; redirectIfURL do so only when the
// value is a URL (next and continue are pagination cursors elsewhere).
var (
	redirectSquashed = setOf("redirect", "redirecturi", "redirecturl", "redirectto", "returnto", "returnurl",
		"returnuri", "returnpath", "goto", "redirectpath", "postloginredirect", "postlogoutredirecturi")
	redirectIfURL = setOf("next", "continue", "dest", "destination", "target", "returnaddress")
)

// urlValued reports whether a schema holds a URL by its format or its
// example.
func urlValued(s *engine.Schema) bool {
	if s == nil {
		return false
	}
	if urlFormats[strings.ToLower(s.Keyword("format").Str())] {
		return true
	}
	ex := strings.ToLower(s.Keyword("example").Str())
	return strings.HasPrefix(ex, "http://") || strings.HasPrefix(ex, "https://")
}

// isRedirectInput reports whether an input named name with schema s names
// where to send the user.
func isRedirectInput(name string, s *engine.Schema) bool {
	n := squashName(name)
	if redirectSquashed[n] {
		return true
	}
	return redirectIfURL[n] && urlValued(s)
}

// isURLInput reports whether an input takes a URL.
func isURLInput(in namedInput) bool {
	s := in.Schema
	if s != nil && !s.HasType("string") && len(s.Types()) > 0 {
		return false
	}
	w := lastWord(in.Name)
	if hookWords[w] {
		return in.Where == "body property" && s != nil && s.HasType("string")
	}
	return urlWords[w] || urlValued(s)
}

// namedInput is a parameter or a body property clients send.
type namedInput struct {
	Name   string
	At     engine.Node
	Schema *engine.Schema
	Op     *engine.Operation
	Where  string // "query parameter", "body property", ...
}

// namedInputs lists the document's query, path and header parameters and
// request body properties.
func namedInputs(d *engine.Document) []namedInput {
	var out []namedInput
	for _, op := range d.Operations {
		for _, p := range op.Parameters {
			if p.In == "cookie" {
				continue
			}
			out = append(out, namedInput{Name: p.Name, At: p.Node, Schema: p.Schema, Op: op, Where: p.In + " parameter"})
		}
	}
	for _, p := range d.Inputs().Properties {
		out = append(out, namedInput{Name: p.Name, At: p.Node, Schema: p.Schema, Op: p.Op, Where: "body property"})
	}
	return out
}

func urlInputs(c *engine.Context, d *engine.Document) {
	for _, in := range namedInputs(d) {
		if isRedirectInput(in.Name, in.Schema) || !isURLInput(in) {
			continue
		}
		c.Report(engine.Finding{At: in.At, Operation: in.Op, Evidence: in.Name, Message: fmt.Sprintf("%s %q of %s %s takes a URL: if the server fetches it, check the target against an allow-list", in.Where, in.Name, in.Op.Method, in.Op.Path)})
	}
}

func redirectInputs(c *engine.Context, d *engine.Document) {
	for _, in := range namedInputs(d) {
		if in.Where == "header parameter" || in.Where == "path parameter" || !isRedirectInput(in.Name, in.Schema) {
			continue
		}
		if in.Schema != nil && enumerated(in.Schema) {
			continue // a closed list of targets is not an open redirect
		}
		c.Report(engine.Finding{At: in.At, Operation: in.Op, Evidence: in.Name, Message: fmt.Sprintf("%s %q of %s %s sets where the user is sent: match it against registered targets", in.Where, in.Name, in.Op.Method, in.Op.Path)})
	}
}

// isSignatureHeader reports whether a header carries a message signature.
func isSignatureHeader(name string) bool {
	n := squashName(name)
	return strings.Contains(n, "signature") || strings.Contains(n, "hmac")
}

func callbacksWithoutSignature(c *engine.Context, d *engine.Document) {
	for _, op := range append(append([]*engine.Operation{}, d.Webhooks...), d.Callbacks...) {
		if op.Security != nil && !op.Security.Inherited && !op.Security.Open() {
			continue
		}
		signed := false
		for _, p := range op.Parameters {
			if p.In == "header" && isSignatureHeader(p.Name) {
				signed = true
				break
			}
		}
		if signed {
			continue
		}
		kind := "callback"
		if isWebhook(d, op) {
			kind = "webhook"
		}
		c.Report(engine.Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("%s %s %s declares neither a security requirement nor a signature header", kind, op.Method, op.Path)})
	}
}

func isWebhook(d *engine.Document, op *engine.Operation) bool {
	for _, w := range d.Webhooks {
		if w == op {
			return true
		}
	}
	return false
}

func callbacksOverHTTP(c *engine.Context, d *engine.Document) {
	for _, op := range d.Callbacks {
		if _, ok := cleartextURL(op.Path); ok {
			c.Report(engine.Finding{At: op.Node, Operation: op, Evidence: displayURL(op.Path), Message: fmt.Sprintf("callback URL %s is plain http", displayURL(op.Path))})
		}
	}
	for _, in := range namedInputs(d) {
		lower := strings.ToLower(in.Name)
		if in.Schema == nil || !strings.Contains(lower, "callback") && !strings.Contains(lower, "webhook") || !isURLInput(in) {
			continue
		}
		for _, kw := range []string{"example", "default"} {
			v := in.Schema.Keyword(kw)
			if _, ok := cleartextURL(v.Str()); ok {
				c.Report(engine.Finding{At: v, Operation: in.Op, Evidence: displayURL(v.Str()), Message: fmt.Sprintf("%s of %s %q is a plain http URL", kw, in.Where, in.Name)})
			}
		}
	}
}
