package laravellike

// This file emulates what a Laravel 8 application on PHP 7.4 behind
// Apache (the php:7.4-apache image vAPI's docker-compose builds) inherits
// from the framework: the router (exact paths, {parameters}, a 405 with
// Allow for a known path and another method), the exception handler
// (Handler::render: JSON when the request expectsJson, HTML otherwise;
// Ignition's page and the trace when APP_DEBUG=true), the validator's 422,
// the session and XSRF cookies the web middleware sets, fruitcake/laravel-
// cors, and the request's input (query string and JSON or form body
// merged; an invalid JSON body is silently empty).

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// phpError is an exception a handler throws: Handler::render turns it
// into the answer.
type phpError struct {
	class   string // PHP class, namespaced
	message string
	status  int    // an HttpException's status; 0 is 500
	file    string // where it was thrown
	line    int
	trace   []string
	headers map[string]string
}

func (e *phpError) Error() string { return e.class + ": " + e.message }

const vendor = "/var/www/html/vendor/laravel/framework/src/Illuminate/"

var traceHTTP = []string{
	vendor + "Routing/Pipeline.php:128",
	vendor + "Pipeline/Pipeline.php:103",
	vendor + "Routing/Router.php:697",
	vendor + "Foundation/Http/Kernel.php:165",
	"/var/www/html/public/index.php:52",
}

// queryException is Illuminate\Database\QueryException for a MySQL error.
func queryException(state, msg, sql string) *phpError {
	return &phpError{class: `Illuminate\Database\QueryException`,
		message: fmt.Sprintf("SQLSTATE[%s]: %s (SQL: %s)", state, msg, sql), file: vendor + "Database/Connection.php", line: 712,
		trace: append([]string{vendor + "Database/Connection.php:672", vendor + "Database/Connection.php:376", "/var/www/html/app/Http/Controllers/api8/UserController.php:24"}, traceHTTP...)}
}

func (s *Server) debug() bool { return !s.secure }

// expectsJSON is Request::expectsJson: an AJAX request that accepts
// anything, or an Accept that names JSON.
func expectsJSON(r *http.Request) bool {
	acc := r.Header.Get("Accept")
	if r.Header.Get("X-Requested-With") == "XMLHttpRequest" && (acc == "" || strings.Contains(acc, "*/*")) {
		return true
	}
	return strings.Contains(acc, "/json") || strings.Contains(acc, "+json")
}

// render is Handler::render for an exception.
func (s *Server) render(w http.ResponseWriter, r *http.Request, e *phpError) {
	status := e.status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	for k, v := range e.headers {
		w.Header().Set(k, v)
	}
	if expectsJSON(r) {
		msg := e.message
		if e.status == 0 && !s.debug() {
			msg = "Server Error"
		}
		body := obj{{"message", msg}}
		if s.debug() {
			var trace []obj
			for _, f := range e.trace {
				file, line, _ := strings.Cut(f, ":")
				trace = append(trace, obj{{"file", file}, {"line", json.Number(line)}})
			}
			body = append(body, kv{"exception", e.class}, kv{"file", e.file}, kv{"line", e.line}, kv{"trace", trace})
		}
		writeJSON(w, r, status, body)
		return
	}
	// renderHttpException uses the framework's errors:: views where one
	// exists (no 405 view in Laravel 8); anything else is Ignition's page
	// in debug mode.
	views := map[int]bool{401: true, 403: true, 404: true, 419: true, 429: true, 500: true, 503: true}
	if s.debug() && (e.status == 0 || !views[status]) {
		s.ignition(w, r, status, e)
		return
	}
	text := http.StatusText(status)
	if status == http.StatusInternalServerError {
		text = "Server Error"
	}
	write(w, r, status, "text/html; charset=UTF-8", []byte(errorView(status, text)))
}

// errorView is resources/views/errors/minimal.blade.php.
func errorView(status int, text string) string {
	return fmt.Sprintf("<!DOCTYPE html>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\n        <title>%s</title>\n    </head>\n    <body class=\"antialiased\">\n        <div class=\"relative flex items-top justify-center min-h-screen bg-gray-100 sm:items-center sm:pt-0\">\n            <div class=\"px-4 text-lg text-gray-500 border-r border-gray-400 tracking-wider\">%d</div>\n            <div class=\"ml-4 text-lg text-gray-500 uppercase tracking-wider\">%s</div>\n        </div>\n    </body>\n</html>\n",
		text, status, text)
}

// ignition is facade/ignition's error page (APP_DEBUG=true): the class,
// the message, the stack, and the app's environment in its JSON report.
func (s *Server) ignition(w http.ResponseWriter, r *http.Request, status int, e *phpError) {
	var b strings.Builder
	title := e.message
	if title == "" {
		title = e.class
	}
	fmt.Fprintf(&b, "<!doctype html>\n<html class=\"theme-light\">\n<head>\n<meta charset=\"UTF-8\">\n<title>🧨 %s</title>\n</head>\n<body>\n", html.EscapeString(title))
	fmt.Fprintf(&b, "<div class=\"exception\"><span class=\"exception-class\">%s</span>\n<div class=\"exception-message\">%s</div>\n<div class=\"exception-location\">%s:%d</div></div>\n<ol class=\"stack\">\n",
		html.EscapeString(e.class), html.EscapeString(e.message), e.file, e.line)
	for _, f := range e.trace {
		fmt.Fprintf(&b, "<li>%s</li>\n", html.EscapeString(f))
	}
	report, _ := json.Marshal(obj{{"exception_class", e.class}, {"message", e.message},
		{"context", obj{{"env", obj{{"laravel_version", "8.83.27"}, {"php_version", "7.4.33"}, {"app_debug", true}, {"app_env", "local"}}}, {"request", obj{{"url", "http://localhost" + r.URL.RequestURI()}, {"method", r.Method}}}}}})
	fmt.Fprintf(&b, "</ol>\n<script>window.data = {\"report\": %s};</script>\n</body>\n</html>\n", report)
	write(w, r, status, "text/html; charset=UTF-8", []byte(b.String()))
}

// write sends an answer with what every answer of the app carries:
// PHP's and Apache's headers, the session and XSRF cookies, CORS.
func write(w http.ResponseWriter, r *http.Request, status int, ctype string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-cache, private")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// writeJSON is response()->json(): json_encode escapes slashes.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, _ := json.Marshal(v)
	b = bytes.ReplaceAll(b, []byte("/"), []byte(`\/`))
	write(w, r, status, "application/json", b)
}

// obj is a PHP associative array: json_encode keeps its order.
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
		v, err := json.Marshal(m.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// route is one Route::METHOD(path, action) of routes/api.php.
type route struct {
	method string
	segs   []string
	h      func(*call) error
}

// call is one request in a controller: the route's parameters and the
// request's input.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	params map[string]string
	input  map[string]any
	user   *user
}

func (c *call) json(status int, v any) error { writeJSON(c.w, c.r, status, v); return nil }

// str is $request->input(name) as a string ("" when absent; arrays and
// objects are not strings).
func (c *call) str(name string) string {
	switch v := c.input[name].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "1"
		}
		return ""
	}
	return ""
}

// validate is $request->validate(rules): "required" and "string" only,
// as vAPI's controllers use them; a 422 for JSON requests, a redirect
// back with the errors in the session otherwise.
func (c *call) validate(fields ...string) error {
	var errs obj
	for _, f := range fields {
		v, ok := c.input[f]
		switch x := v.(type) {
		case nil:
			ok = false
		case string:
			ok = ok && strings.TrimSpace(x) != ""
		case map[string]any, []any:
			errs = append(errs, kv{f, []string{"The " + strings.ReplaceAll(f, "_", " ") + " must be a string."}})
			continue
		}
		if !ok {
			errs = append(errs, kv{f, []string{"The " + strings.ReplaceAll(f, "_", " ") + " field is required."}})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	if !expectsJSON(c.r) {
		c.w.Header().Set("Location", "http://localhost")
		write(c.w, c.r, http.StatusFound, "text/html; charset=UTF-8", []byte("<!DOCTYPE html>\n<html>\n    <head>\n        <meta charset=\"UTF-8\" />\n        <meta http-equiv=\"refresh\" content=\"0;url='http://localhost'\" />\n\n        <title>Redirecting to http://localhost</title>\n    </head>\n    <body>\n        Redirecting to <a href=\"http://localhost\">http://localhost</a>.\n    </body>\n</html>"))
		return errHandled
	}
	c.json(http.StatusUnprocessableEntity, obj{{"message", "The given data was invalid."}, {"errors", errs}})
	return errHandled
}

// errHandled says the answer is written.
var errHandled = &phpError{class: "handled"}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}

func (rt *route) match(segs []string) (map[string]string, bool) {
	if len(segs) != len(rt.segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range rt.segs {
		if strings.HasPrefix(p, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, false
			}
			params[strings.Trim(p, "{}")] = v
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// input is $request->all(): the query string, then the body (JSON or
// form) over it.
func input(r *http.Request) map[string]any {
	out := map[string]any{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	switch {
	case strings.HasSuffix(mt, "/json") || strings.HasSuffix(mt, "+json"):
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var m map[string]any
		if dec.Decode(&m) == nil {
			for k, v := range m {
				out[k] = v
			}
		}
	case mt == "application/x-www-form-urlencoded":
		vals, _ := url.ParseQuery(string(raw))
		for k := range vals {
			out[k] = vals.Get(k)
		}
	}
	return out
}

// cookies are the XSRF-TOKEN and laravel_session the web middleware
// group sets (vAPI's api routes go through StartSession too): values
// derived from the request count, encrypted-looking.
func (s *Server) cookies(w http.ResponseWriter) {
	s.mu.Lock()
	s.sessions++
	n := s.sessions
	s.mu.Unlock()
	enc := func(kind string) string {
		sum := sha256.Sum256(fmt.Appendf(nil, "%s-%d", kind, n))
		payload, _ := json.Marshal(obj{{"iv", base64.StdEncoding.EncodeToString(sum[:16])}, {"value", base64.StdEncoding.EncodeToString(sum[:])}, {"mac", fmt.Sprintf("%x", sum)}, {"tag", ""}})
		return url.QueryEscape(base64.StdEncoding.EncodeToString(payload))
	}
	exp := s.now().Add(2 * 60 * 60 * 1e9).UTC().Format(http.TimeFormat)
	w.Header().Add("Set-Cookie", "XSRF-TOKEN="+enc("xsrf")+"; expires="+exp+"; Max-Age=7200; path=/; samesite=lax")
	w.Header().Add("Set-Cookie", "laravel_session="+enc("session")+"; expires="+exp+"; Max-Age=7200; path=/; httponly; samesite=lax")
}

// cors is fruitcake/laravel-cors with config/cors.php: the vulnerable
// build has paths ['*'], allowed_origins ['*'] and supports_credentials
// true, so the request's Origin is reflected with credentials; the
// secure build allows its own front end only.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	allowed := !s.secure || origin == "https://vapi.example.com"
	if allowed {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		if allowed {
			h.Set("Access-Control-Allow-Methods", r.Header.Get("Access-Control-Request-Method"))
			if hdr := r.Header.Get("Access-Control-Request-Headers"); hdr != "" {
				h.Set("Access-Control-Allow-Headers", hdr)
			}
		}
		write(w, r, http.StatusNoContent, "text/html; charset=UTF-8", nil)
		return true
	}
	return false
}

// ServeHTTP is public/index.php behind Apache: the HTTP kernel's
// middleware, the router and the exception handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.secure {
		w.Header().Set("Server", "Apache") // ServerTokens Prod, expose_php Off
	} else {
		w.Header().Set("Server", "Apache/2.4.54 (Debian)")
	}
	// public/.htaccess: "Redirect Trailing Slashes If Not A Folder",
	// answered by Apache's mod_rewrite before PHP runs.
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		to := strings.TrimRight(p, "/")
		if r.URL.RawQuery != "" {
			to += "?" + r.URL.RawQuery
		}
		w.Header().Set("Location", "http://"+r.Host+to)
		write(w, r, http.StatusMovedPermanently, "text/html; charset=iso-8859-1", []byte("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>301 Moved Permanently</title>\n</head><body>\n<h1>Moved Permanently</h1>\n<p>The document has moved <a href=\"http://"+html.EscapeString(r.Host+to)+"\">here</a>.</p>\n</body></html>\n"))
		return
	}
	if !s.secure {
		w.Header().Set("X-Powered-By", "PHP/7.4.33")
	}
	s.cookies(w)
	if s.cors(w, r) {
		return
	}
	segs := splitPath(r.URL.EscapedPath())
	var allow []string
	for _, rt := range s.routes {
		params, ok := rt.match(segs)
		if !ok {
			continue
		}
		if rt.method != r.Method && !(r.Method == http.MethodHead && rt.method == http.MethodGet) {
			allow = append(allow, rt.method)
			if rt.method == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
			continue
		}
		c := &call{s: s, w: w, r: r, params: params, input: input(r)}
		if err := rt.h(c); err != nil && err != errHandled {
			pe, ok := err.(*phpError)
			if !ok {
				pe = &phpError{class: "ErrorException", message: err.Error(), file: "/var/www/html/app/Http/Controllers/Controller.php", line: 13, trace: traceHTTP}
			}
			s.render(w, r, pe)
		}
		return
	}
	if len(allow) > 0 {
		if r.Method == http.MethodOptions {
			w.Header().Set("Allow", strings.Join(allow, ","))
			write(w, r, http.StatusOK, "text/html; charset=UTF-8", nil)
			return
		}
		s.render(w, r, &phpError{class: `Symfony\Component\HttpKernel\Exception\MethodNotAllowedHttpException`,
			message: fmt.Sprintf("The %s method is not supported for this route. Supported methods: %s.", r.Method, strings.Join(allow, ", ")),
			status:  http.StatusMethodNotAllowed, file: vendor + "Routing/AbstractRouteCollection.php", line: 117,
			trace:   append([]string{vendor + "Routing/AbstractRouteCollection.php:103", vendor + "Routing/RouteCollection.php:157"}, traceHTTP[2:]...),
			headers: map[string]string{"Allow": strings.Join(allow, ", ")}})
		return
	}
	if r.Method == http.MethodGet && r.URL.Path == "/" {
		write(w, r, http.StatusOK, "text/html; charset=UTF-8", []byte("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>vAPI</title>\n</head>\n<body>\n<h1>vAPI</h1>\n<p>Vulnerable Adversely Programmed Interface</p>\n</body>\n</html>\n"))
		return
	}
	s.render(w, r, &phpError{class: `Symfony\Component\HttpKernel\Exception\NotFoundHttpException`, status: http.StatusNotFound,
		file: vendor + "Routing/AbstractRouteCollection.php", line: 43,
		trace: append([]string{vendor + "Routing/RouteCollection.php:162"}, traceHTTP[2:]...)})
}
