package expresslike

// This file emulates what an Express 4 application inherits from the
// framework and its usual middleware: the router (case-insensitive,
// trailing slash optional, no 405: an unsupported method is the same 404
// as an unknown path, OPTIONS answered with the route's methods),
// finalhandler's HTML error pages (the error's stack in development, the
// status text in production), body-parser's JSON and urlencoded parsers,
// serve-static, res.json and res.send.

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// jsError is a JavaScript error thrown in a handler or a middleware and
// passed to next(err): finalhandler renders it.
type jsError struct {
	name, message string
	status        int      // err.status (body-parser's 400, 413); 0 is 500
	frames        []string // "JSON.parse (<anonymous>)"
}

func (e *jsError) Error() string { return e.name + ": " + e.message }

func (e *jsError) stack() string {
	var b strings.Builder
	b.WriteString(e.Error())
	for _, f := range e.frames {
		b.WriteString("\n    at ")
		b.WriteString(f)
	}
	return b.String()
}

// Frames of the stacks the application's errors carry.
var (
	framesTail = []string{
		"Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)",
		"next (/app/node_modules/express/lib/router/route.js:144:13)",
		"verifyToken (/app/middleware/auth.js:17:7)",
	}
	framesBodyParser = []string{
		"JSON.parse (<anonymous>)",
		"parse (/app/node_modules/body-parser/lib/types/json.js:89:19)",
		"/app/node_modules/body-parser/lib/read.js:128:18",
		"AsyncResource.runInAsyncScope (node:async_hooks:203:9)",
		"invokeCallback (/app/node_modules/raw-body/index.js:238:16)",
		"done (/app/node_modules/raw-body/index.js:227:7)",
		"IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)",
		"IncomingMessage.emit (node:events:517:28)",
		"endReadableNT (node:internal/streams/readable:1400:12)",
		"process.processTicksAndRejections (node:internal/process/task_queues:82:21)",
	}
	framesMongoose = []string{
		"model.Query.exec (/app/node_modules/mongoose/lib/query.js:4913:21)",
		"model.Query.Query.then (/app/node_modules/mongoose/lib/query.js:5012:15)",
		"process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
	}
	framesValidation = []string{
		"model.Document.invalidate (/app/node_modules/mongoose/lib/document.js:3187:32)",
		"/app/node_modules/mongoose/lib/document.js:2976:17",
		"/app/node_modules/mongoose/lib/schematype.js:1368:9",
		"process.processTicksAndRejections (node:internal/process/task_queues:77:11)",
	}
	framesMongo = []string{
		"Connection.onMessage (/app/node_modules/mongodb/lib/cmap/connection.js:231:30)",
		"MessageStream.<anonymous> (/app/node_modules/mongodb/lib/cmap/connection.js:61:60)",
		"MessageStream.emit (node:events:517:28)",
		"processIncomingData (/app/node_modules/mongodb/lib/cmap/message_stream.js:125:16)",
	}
	framesBcrypt = []string{
		"_async (/app/node_modules/bcryptjs/dist/bcrypt.js:286:46)",
		"/app/node_modules/bcryptjs/dist/bcrypt.js:307:17",
		"new Promise (<anonymous>)",
		"Object.bcrypt.compare (/app/node_modules/bcryptjs/dist/bcrypt.js:306:20)",
		"/app/routes/auth.js:41:36",
	}
)

func castError(kind string, value any, path, model string) *jsError {
	return &jsError{name: "CastError", message: fmt.Sprintf("Cast to %s failed for value %s (type %s) at path %q for model %q", kind, inspect(value), jsType(value), path, model), frames: framesMongoose}
}

// inspect is how util.inspect prints a value in mongoose's messages.
func inspect(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case map[string]any, []any:
		b, _ := json.Marshal(x)
		return string(b)
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

func jsType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "Array"
	case nil:
		return "null"
	}
	return "Object"
}

// errorPage is finalhandler's answer: the stack, escaped, with newlines
// as <br> and double spaces as " &nbsp;", when NODE_ENV is not
// "production"; the status text otherwise.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, err *jsError) {
	status := err.status
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	msg := http.StatusText(status)
	if !s.production() {
		msg = err.stack()
	}
	s.finalPage(w, r, status, msg)
}

func (s *Server) finalPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	msg = strings.ReplaceAll(html.EscapeString(msg), "&#34;", "&quot;")
	msg = strings.ReplaceAll(strings.ReplaceAll(msg, "\n", "<br>"), "  ", " &nbsp;")
	body := "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>" + msg + "</pre>\n</body>\n</html>\n"
	h := w.Header()
	h.Del("ETag")
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	send(w, r, status, "text/html; charset=utf-8", []byte(body))
}

// notFound is finalhandler's 404 when no route handled the request.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.finalPage(w, r, http.StatusNotFound, "Cannot "+r.Method+" "+r.URL.EscapedPath())
}

// send is res.send: Content-Length and a weak ETag, no body for HEAD.
func send(w http.ResponseWriter, r *http.Request, status int, ctype string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if status < 300 && h.Get("ETag") == "" {
		sum := sha1.Sum(body)
		h.Set("ETag", fmt.Sprintf(`W/"%x-%s"`, len(body), base64.StdEncoding.EncodeToString(sum[:])[:27]))
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// sendJSON is res.status(status).json(v): JSON.stringify, no HTML escaping.
func sendJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	send(w, r, status, "application/json; charset=utf-8", bytes.TrimRight(buf.Bytes(), "\n"))
}

// sendText is res.send(string): Express makes a string text/html.
func sendText(w http.ResponseWriter, r *http.Request, status int, text string) {
	send(w, r, status, "text/html; charset=utf-8", []byte(text))
}

// obj is a JavaScript object literal: JSON.stringify keeps the order the
// members were written in.
type obj []kv

type kv struct {
	k string
	v any
}

// MarshalJSON implements json.Marshaler.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.k)
		var v bytes.Buffer
		enc := json.NewEncoder(&v)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m.v); err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(bytes.TrimRight(v.Bytes(), "\n"))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// route is one app.METHOD(path, handler).
type route struct {
	method string
	segs   []string // "api", "v2", "notes", ":id"
	h      func(*call) error
}

// call is one request in a handler: req, res, req.params, req.body and
// the decoded token verifyToken put on req.user.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	params map[string]string
	body   map[string]any
	user   *user
}

func (c *call) json(status int, v any) error { sendJSON(c.w, c.r, status, v); return nil }

// field is req.body[name]; ok is false when it is undefined.
func (c *call) field(name string) (any, bool) {
	v, ok := c.body[name]
	return v, ok
}

func splitPath(p string) []string {
	p = strings.TrimSuffix(p, "/") // strict routing is off
	return strings.Split(strings.TrimPrefix(p, "/"), "/")
}

// match is path-to-regexp 0.1's match: literal segments compared without
// case, parameters decoded with decodeURIComponent.
func (rt *route) match(segs []string) (map[string]string, bool, error) {
	if len(segs) != len(rt.segs) {
		return nil, false, nil
	}
	params := map[string]string{}
	for i, p := range rt.segs {
		if name, ok := strings.CutPrefix(p, ":"); ok {
			if segs[i] == "" {
				return nil, false, nil
			}
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				return nil, true, &jsError{name: "URIError", message: "Failed to decode param '" + segs[i] + "'", status: 400,
					frames: []string{"decodeURIComponent (<anonymous>)", "decode_param (/app/node_modules/express/lib/router/layer.js:172:12)", "Layer.match (/app/node_modules/express/lib/router/layer.js:148:15)"}}
			}
			params[name] = v
			continue
		}
		if !strings.EqualFold(p, segs[i]) {
			return nil, false, nil
		}
	}
	return params, true, nil
}

// maxBody is body-parser's default limit (100kb).
const maxBody = 100 * 1024

// parseBody is app.use(bodyParser.json()) and
// app.use(bodyParser.urlencoded({extended: false})): req.body is {} unless
// the request's type is one of theirs.
func parseBody(r *http.Request) (map[string]any, *jsError) {
	out := map[string]any{}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" && mt != "application/x-www-form-urlencoded" {
		return out, nil
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if len(raw) > maxBody {
		return out, &jsError{name: "PayloadTooLargeError", message: "request entity too large", status: 413,
			frames: []string{"readStream (/app/node_modules/raw-body/index.js:163:17)", "getRawBody (/app/node_modules/raw-body/index.js:116:12)", "read (/app/node_modules/body-parser/lib/read.js:79:3)", "jsonParser (/app/node_modules/body-parser/lib/types/json.js:138:5)"}}
	}
	if mt == "application/x-www-form-urlencoded" {
		vals, _ := url.ParseQuery(string(raw))
		for k := range vals {
			out[k] = vals.Get(k)
		}
		return out, nil
	}
	text := strings.TrimLeft(string(raw), " \t\r\n")
	if text == "" {
		return out, nil
	}
	syntax := func(msg string) *jsError {
		return &jsError{name: "SyntaxError", message: msg, status: 400, frames: framesBodyParser}
	}
	if text[0] != '{' && text[0] != '[' { // strict mode: objects and arrays only
		return out, syntax(fmt.Sprintf("Unexpected token %c in JSON at position %d", text[0], len(raw)-len(text)))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return out, syntax(v8Message(raw, err))
	}
	rest := string(raw[dec.InputOffset():])
	if trimmed := strings.TrimLeft(rest, " \t\r\n"); trimmed != "" {
		return out, syntax(v8Token(raw, int(dec.InputOffset())+len(rest)-len(trimmed)))
	}
	if obj, ok := v.(map[string]any); ok {
		return obj, nil
	}
	return out, nil // an array: req.body[name] is undefined
}

// v8Message words a JSON error as Node 18's JSON.parse does.
func v8Message(raw []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset > 0 && int(se.Offset) <= len(raw) {
		return v8Token(raw, int(se.Offset)-1)
	}
	return "Unexpected end of JSON input"
}

func v8Token(raw []byte, pos int) string {
	if pos >= len(raw) {
		return "Unexpected end of JSON input"
	}
	switch ch := raw[pos]; {
	case ch == '"':
		return fmt.Sprintf("Unexpected string in JSON at position %d", pos)
	case ch == '-' || ch >= '0' && ch <= '9':
		return fmt.Sprintf("Unexpected number in JSON at position %d", pos)
	default:
		return fmt.Sprintf("Unexpected token %c in JSON at position %d", ch, pos)
	}
}

// ServeHTTP is the Express application: x-powered-by, express.static,
// the body parsers, the router and finalhandler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Powered-By", "Express")
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if f, ok := s.static[r.URL.Path]; ok {
			w.Header().Set("Accept-Ranges", "bytes")
			w.Header().Set("Cache-Control", "public, max-age=0")
			w.Header().Set("Last-Modified", "Tue, 12 Mar 2024 08:15:02 GMT")
			w.Header().Set("ETag", fmt.Sprintf(`W/"%x-18e31c2a4f0"`, len(f.body)))
			send(w, r, http.StatusOK, f.ctype, []byte(f.body))
			return
		}
	}
	body, perr := parseBody(r)
	if perr != nil {
		s.errorPage(w, r, perr)
		return
	}
	segs := splitPath(r.URL.EscapedPath())
	var allow []string
	for _, rt := range s.routes {
		params, ok, err := rt.match(segs)
		if !ok {
			continue
		}
		if err != nil {
			s.errorPage(w, r, err.(*jsError))
			return
		}
		if rt.method != r.Method && !(r.Method == http.MethodHead && rt.method == http.MethodGet) {
			allow = append(allow, rt.method)
			if rt.method == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
			continue
		}
		c := &call{s: s, w: w, r: r, params: params, body: body}
		if err := rt.h(c); err != nil {
			var je *jsError
			if !errors.As(err, &je) {
				je = &jsError{name: "Error", message: err.Error(), frames: framesTail}
			}
			s.errorPage(w, r, je)
		}
		return
	}
	if r.Method == http.MethodOptions && len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ","))
		sendText(w, r, http.StatusOK, strings.Join(allow, ","))
		return
	}
	s.notFound(w, r)
}
