package flasklike

// The framework: Werkzeug's URL map and HTTP exceptions, Flask's request
// handling (get_json, automatic HEAD/OPTIONS, after_request), flask-cors,
// the dev server's Server header, and the Werkzeug debugger that renders an
// unhandled exception as its HTML traceback page (the app runs with
// debug=True). Handlers signal errors the Python way: they panic with an
// httpException (werkzeug.exceptions.abort) or a pyException (anything
// else), and ServeHTTP turns them into what Flask would send.

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

const (
	serverHeader       = "Werkzeug/2.2.3 Python/3.11.4"
	secureServerHeader = "Werkzeug"
	maxContentLength   = 1 << 20 // app.config["MAX_CONTENT_LENGTH"]
	sitePackages       = "/usr/local/lib/python3.11/site-packages"
)

// response is a flask.Response.
type response struct {
	status  int
	ctype   string
	body    string
	headers http.Header
}

func jsonResponse(status int, body string) *response {
	return &response{status: status, ctype: "application/json", body: body}
}

// failure is VAmPI-style error_message_helper: the message is pasted into
// the JSON text as it is, quotes and all.
func failure(status int, msg string) *response {
	return jsonResponse(status, `{ "status": "fail", "message": "`+msg+`"}`)
}

// httpException is a werkzeug.exceptions.HTTPException.
type httpException struct {
	code        int
	description string
	headers     http.Header
}

var httpNames = map[int]string{
	400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
	413: "Request Entity Too Large", 500: "Internal Server Error",
}

var httpDescriptions = map[int]string{
	400: "The browser (or proxy) sent a request that this server could not understand.",
	404: "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
	405: "The method is not allowed for the requested URL.",
	413: "The data value transmitted exceeds the capacity limit.",
	500: "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.",
}

func abort(code int, description string) {
	if description == "" {
		description = httpDescriptions[code]
	}
	panic(&httpException{code: code, description: description})
}

// escape is markupsafe.escape.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func (e *httpException) response() *response {
	name := httpNames[e.code]
	body := "<!doctype html>\n<html lang=en>\n<title>" + strconv.Itoa(e.code) + " " + name +
		"</title>\n<h1>" + name + "</h1>\n<p>" + escape(e.description) + "</p>\n"
	return &response{status: e.code, ctype: "text/html; charset=utf-8", body: body, headers: e.headers}
}

// ---- routing ----

type handlerFunc func(c *ctx) *response

type rule struct {
	segs    []string // "<name>" is a default (string) converter
	methods []string
	view    handlerFunc
	rank    string // Werkzeug tries static parts before converters
}

type router struct{ rules []*rule }

func (rt *router) add(path string, view handlerFunc, methods ...string) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var rank strings.Builder
	for _, s := range segs {
		if strings.HasPrefix(s, "<") {
			rank.WriteByte('1')
		} else {
			rank.WriteByte('0')
		}
	}
	rt.rules = append(rt.rules, &rule{segs: segs, methods: methods, view: view, rank: rank.String()})
	sort.SliceStable(rt.rules, func(i, j int) bool { return rt.rules[i].rank < rt.rules[j].rank })
}

func (r *rule) match(parts []string) (map[string]string, bool) {
	if len(parts) != len(r.segs) {
		return nil, false
	}
	args := map[string]string{}
	for i, s := range r.segs {
		if strings.HasPrefix(s, "<") {
			if parts[i] == "" {
				return nil, false
			}
			args[strings.Trim(s, "<>")] = parts[i]
		} else if s != parts[i] {
			return nil, false
		}
	}
	return args, true
}

// methodsOf is a rule's methods as Flask registers them: HEAD with GET,
// OPTIONS always.
func methodsOf(r *rule) []string {
	m := append([]string(nil), r.methods...)
	for _, x := range r.methods {
		if x == "GET" {
			m = append(m, "HEAD")
		}
	}
	return append(m, "OPTIONS")
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// resolve is MapAdapter.match: the view and its arguments, or the 404/405.
func (rt *router) resolve(path, method string) (*rule, map[string]string, []string) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	allowed := map[string]bool{}
	for _, r := range rt.rules {
		args, ok := r.match(parts)
		if !ok {
			continue
		}
		ms := methodsOf(r)
		if has(ms, method) {
			return r, args, nil
		}
		for _, m := range ms {
			allowed[m] = true
		}
	}
	var allow []string
	for m := range allowed {
		allow = append(allow, m)
	}
	sort.Strings(allow)
	return nil, nil, allow
}

func (rt *router) allowedMethods(path string) []string {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	set := map[string]bool{}
	for _, r := range rt.rules {
		if _, ok := r.match(parts); ok {
			for _, m := range methodsOf(r) {
				set[m] = true
			}
		}
	}
	var out []string
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// ---- the request ----

// ctx is Flask's request (plus the app, for the views).
type ctx struct {
	s      *Server
	r      *http.Request
	args   map[string]string
	body   []byte
	loaded bool
}

func (c *ctx) header(name string) (string, bool) {
	v, ok := c.r.Header[http.CanonicalHeaderKey(name)]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// data is request.get_data(): the body, at most MAX_CONTENT_LENGTH.
func (c *ctx) data() []byte {
	if c.loaded {
		return c.body
	}
	c.loaded = true
	if c.r.ContentLength > maxContentLength {
		abort(413, "")
	}
	b, err := io.ReadAll(io.LimitReader(c.r.Body, maxContentLength+1))
	if err != nil {
		abort(400, "")
	}
	if len(b) > maxContentLength {
		abort(413, "")
	}
	c.body = b
	return b
}

// isJSON is Werkzeug's Request.is_json.
func (c *ctx) isJSON() bool {
	ct, _ := c.header("Content-Type")
	mt := strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// getJSON is request.get_json() in debug mode: a wrong Content-Type or a
// body that is not JSON aborts with a 400 whose description says why.
func (c *ctx) getJSON(at pyFrame) any {
	if !c.isJSON() {
		abort(400, "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.")
	}
	v, err := pyLoads(c.data())
	if err != nil {
		if re, ok := err.(*recursionError); ok {
			c.raise(pyErr("RecursionError", re.Error()), framesJSON(at)...)
		}
		abort(400, "Failed to decode JSON object: "+err.Error())
	}
	return v
}

// ---- Python exceptions and the debugger ----

type pyFrame struct {
	file, fn, code string
	line           int
}

// pyException is an exception that escapes the view; cause is what it was
// raised from.
type pyException struct {
	typ    string // qualified as the traceback prints it: "sqlite3.OperationalError", "KeyError"
	msg    string
	frames []pyFrame // filled by raise
	cause  *pyException
}

func pyErr(typ, msg string) *pyException { return &pyException{typ: typ, msg: msg} }

func (e *pyException) line() string {
	if e.msg == "" {
		return e.typ
	}
	return e.typ + ": " + e.msg
}

func lib(file string, line int, fn, code string) pyFrame {
	return pyFrame{file: sitePackages + "/" + file, line: line, fn: fn, code: code}
}

func app(file string, line int, fn, code string) pyFrame {
	return pyFrame{file: "/vampi/" + file, line: line, fn: fn, code: code}
}

// flaskFrames are the frames between the WSGI server and a view.
func flaskFrames() []pyFrame {
	return []pyFrame{
		lib("flask/app.py", 2551, "__call__", "return self.wsgi_app(environ, start_response)"),
		lib("flask/app.py", 2531, "wsgi_app", "response = self.handle_exception(e)"),
		lib("flask_cors/extension.py", 165, "wrapped_function", "return cors_after_request(app.make_response(f(*args, **kwargs)))"),
		lib("flask/app.py", 2528, "wsgi_app", "response = self.full_dispatch_request()"),
		lib("flask/app.py", 1825, "full_dispatch_request", "rv = self.handle_user_exception(e)"),
		lib("flask_cors/extension.py", 165, "wrapped_function", "return cors_after_request(app.make_response(f(*args, **kwargs)))"),
		lib("flask/app.py", 1823, "full_dispatch_request", "rv = self.dispatch_request()"),
		lib("flask/app.py", 1799, "dispatch_request", "return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)"),
		lib("connexion/decorators/decorator.py", 68, "wrapper", "response = function(request)"),
		lib("connexion/decorators/uri_parsing.py", 149, "wrapper", "response = function(request)"),
		lib("connexion/decorators/validation.py", 399, "wrapper", "return function(request)"),
		lib("connexion/decorators/parameter.py", 120, "wrapper", "return function(**kwargs)"),
	}
}

func framesJSON(at pyFrame) []pyFrame {
	return []pyFrame{
		at,
		lib("werkzeug/wrappers/request.py", 540, "get_json", "rv = self.json_module.loads(data)"),
		lib("flask/json/__init__.py", 167, "loads", "return current_app.json.loads(s, **kwargs)"),
		lib("flask/json/provider.py", 187, "loads", "return json.loads(s, **kwargs)"),
		{file: "/usr/local/lib/python3.11/json/__init__.py", line: 346, fn: "loads", code: "return _default_decoder.decode(s)"},
		{file: "/usr/local/lib/python3.11/json/decoder.py", line: 337, fn: "decode", code: "obj, end = self.raw_decode(s, idx=_w(s, 0).end())"},
		{file: "/usr/local/lib/python3.11/json/decoder.py", line: 353, fn: "raw_decode", code: "obj, end = self.scan_once(s, idx)"},
	}
}

// raise aborts the request with an unhandled exception: frames are the
// app's and libraries' frames below the view dispatch (the outermost
// exception's; a cause gets its own via raiseFrom).
func (c *ctx) raise(e *pyException, frames ...pyFrame) {
	e.frames = append(flaskFrames(), frames...)
	panic(e)
}

// plaintext is traceback.format_exception().
func (e *pyException) plaintext() string {
	var b strings.Builder
	if e.cause != nil {
		b.WriteString(e.cause.plaintext())
		b.WriteString("\nThe above exception was the direct cause of the following exception:\n\n")
	}
	b.WriteString("Traceback (most recent call last):\n")
	for _, f := range e.frames {
		fmt.Fprintf(&b, "  File %q, line %d, in %s\n    %s\n", f.file, f.line, f.fn, f.code)
	}
	b.WriteString(e.line())
	b.WriteString("\n")
	return b.String()
}

func (e *pyException) chain() []*pyException {
	if e.cause == nil {
		return []*pyException{e}
	}
	return append(e.cause.chain(), e)
}

const debuggerSecret = "Vq4mTzR8cY2pLk7sXw3N"

// debugPage is the Werkzeug debugger's answer to an unhandled exception.
func debugPage(e *pyException) *response {
	var b strings.Builder
	short := e.typ[strings.LastIndex(e.typ, ".")+1:]
	plain := strings.TrimSuffix(e.plaintext(), "\n")
	b.WriteString(debugHeader(escape(e.line())))
	fmt.Fprintf(&b, "<h1>%s</h1>\n<div class=\"detail\">\n  <p class=\"errormsg\">%s\n</p>\n</div>\n", escape(short), escape(e.line()))
	b.WriteString("<h2 class=\"traceback\">Traceback <em>(most recent call last)</em></h2>\n")
	frameID := 140245183562336
	for i, x := range e.chain() {
		b.WriteString("<div class=\"traceback\">\n")
		if i > 0 {
			b.WriteString("  <h3>The above exception was the direct cause of the following exception:</h3>\n")
		} else {
			b.WriteString("  <h3></h3>\n")
		}
		b.WriteString("  <ul>")
		for _, f := range x.frames {
			class := "source "
			if strings.HasPrefix(f.file, "/usr/local/lib/") {
				class = "source library"
			}
			fmt.Fprintf(&b, "<li><div class=\"frame\" id=\"frame-%d\">\n  <h4>File <cite class=\"filename\">\"%s\"</cite>,\n      line <em class=\"line\">%d</em>,\n      in <code class=\"function\">%s</code></h4>\n  <div class=\"%s\"><pre class=\"line current\"><span class=\"ws\">    </span>%s</pre></div>\n</div>\n</li>\n  ",
				frameID, escape(f.file), f.line, escape(f.fn), class, escape(f.code))
			frameID += 416
		}
		fmt.Fprintf(&b, "</ul>\n  <blockquote>%s\n</blockquote>\n</div>\n\n", escape(x.line()))
	}
	fmt.Fprintf(&b, `<div class="plain">
    <p>
      This is the Copy/Paste friendly version of the traceback.
    </p>
    <textarea cols="50" rows="10" name="code" readonly>%s</textarea>
</div>
<div class="explanation">
  The debugger caught an exception in your WSGI application.  You can now
  look at the traceback which led to the error.  <span class="nojavascript">
  If you enable JavaScript you can also use additional features such as code
  execution (if the evalex feature is enabled), automatic pasting of the
  exceptions and much more.</span>
</div>
`, escape(plain))
	b.WriteString(debugFooter)
	fmt.Fprintf(&b, "\n<!--\n\n%s\n\n-->\n", collapseDashes(plain))
	return &response{status: 500, ctype: "text/html; charset=utf-8", body: b.String()}
}

// collapseDashes keeps "--" (an SQL comment in a query) from closing the
// HTML comment the plain traceback sits in.
func collapseDashes(s string) string {
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	return s
}

func debugHeader(title string) string {
	return `<!doctype html>
<html lang=en>
  <head>
    <title>` + title + ` // Werkzeug Debugger</title>
    <link rel="stylesheet" href="?__debugger__=yes&amp;cmd=resource&amp;f=style.css">
    <link rel="shortcut icon"
        href="?__debugger__=yes&amp;cmd=resource&amp;f=console.png">
    <script src="?__debugger__=yes&amp;cmd=resource&amp;f=debugger.js"></script>
    <script>
      var CONSOLE_MODE = false,
          EVALEX = true,
          EVALEX_TRUSTED = false,
          SECRET = "` + debuggerSecret + `";
    </script>
  </head>
  <body style="background-color: #fff">
    <div class="debugger">
`
}

const debugFooter = `      <div class="footer">
        Brought to you by <strong class="arthur">DON'T PANIC</strong>, your
        friendly Werkzeug powered traceback interpreter.
      </div>
    </div>

    <div class="pin-prompt">
      <div class="inner">
        <h3>Console Locked</h3>
        <p>
          The console is locked and needs to be unlocked by entering the PIN.
          You can find the PIN printed out on the standard output of your
          shell that runs the server.
        <form>
          <p>PIN:
            <input type=text name=pin size=14>
            <input type=submit name=btn value="Confirm Pin">
        </form>
      </div>
    </div>
  </body>
</html>
`

// consolePage is what DebuggedApplication serves at /console (evalex on,
// locked by the PIN).
func consolePage() *response {
	body := strings.Replace(debugHeader("Console"), "CONSOLE_MODE = false", "CONSOLE_MODE = true", 1) +
		"<h1>Interactive Console</h1>\n<div class=\"explanation\">\nIn this console you can execute Python expressions in the context of the\napplication.  The initial namespace was created by the debugger automatically.\n</div>\n<div class=\"console\"><div class=\"inner\">The Console requires JavaScript.</div></div>\n" +
		debugFooter
	return &response{status: 200, ctype: "text/html; charset=utf-8", body: body}
}

// debuggerCommand answers the ?__debugger__=yes requests the middleware
// intercepts on every path: resources, and PIN attempts (always wrong).
func debuggerCommand(r *http.Request) *response {
	q := r.URL.Query()
	switch q.Get("cmd") {
	case "resource":
		types := map[string]string{"style.css": "text/css; charset=utf-8", "debugger.js": "text/javascript; charset=utf-8", "console.png": "image/png", "less.png": "image/png", "more.png": "image/png"}
		ct, ok := types[q.Get("f")]
		if !ok {
			return (&httpException{code: 404, description: httpDescriptions[404]}).response()
		}
		return &response{status: 200, ctype: ct, body: "/* werkzeug debugger resource */\n"}
	case "pinauth":
		return &response{status: 200, ctype: "application/json", body: `{"auth": false, "exhausted": false}`}
	case "printpin":
		return &response{status: 200, ctype: "text/html; charset=utf-8", body: ""}
	}
	if q.Get("s") != debuggerSecret {
		return (&httpException{code: 404, description: httpDescriptions[404]}).response()
	}
	return &response{status: 200, ctype: "text/html; charset=utf-8", body: "Console Locked"}
}

// ---- flask-cors ----

// corsHeaders is flask_cors's after_request: the configured origins (any,
// in the vulnerable mode), supports_credentials=True.
func (s *Server) corsHeaders(r *http.Request, h http.Header) {
	origin := r.Header.Get("Origin")
	var set []string
	if origin != "" {
		if s.opts.Secure {
			for _, o := range secureOrigins {
				if o == origin {
					set = []string{origin}
				}
			}
		} else {
			set = []string{origin} // origins="*" is the regex ".*" and credentials forbid "*"
		}
	} else if s.opts.Secure {
		set = append([]string(nil), secureOrigins...) // always_send: every non-regex origin
		sort.Strings(set)
	}
	if len(set) == 0 {
		return
	}
	for _, o := range set {
		h.Add("Access-Control-Allow-Origin", o)
	}
	h.Set("Access-Control-Allow-Credentials", "true")
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			var hs []string
			for _, x := range strings.Split(req, ",") {
				if x = strings.TrimSpace(x); x != "" {
					hs = append(hs, x)
				}
			}
			h.Set("Access-Control-Allow-Headers", strings.Join(hs, ", "))
		}
		h.Set("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")
	}
	h.Add("Vary", "Origin")
}

var secureOrigins = []string{"http://localhost:3000", "https://vampi.example.com"}

// ---- ServeHTTP ----

// ServeHTTP is the dev server, the debugger middleware and Flask.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	resp, cors := s.dispatch(r)
	h := w.Header()
	for k, v := range resp.headers {
		h[k] = v
	}
	if cors {
		s.corsHeaders(r, h)
	}
	if s.opts.Secure {
		h.Set("Server", secureServerHeader)
	} else {
		h.Set("Server", serverHeader)
	}
	h.Set("Content-Type", resp.ctype)
	body := resp.body
	if resp.status == http.StatusNoContent || resp.status == http.StatusNotModified {
		body = ""
	} else {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead && body != "" {
		io.WriteString(w, body)
	}
}

// dispatch returns the response and whether Flask's after_request (CORS)
// ran: it does for every answer but the debugger's.
func (s *Server) dispatch(r *http.Request) (resp *response, cors bool) {
	if r.URL.Query().Get("__debugger__") == "yes" {
		return debuggerCommand(r), false
	}
	if r.URL.Path == "/console" {
		return consolePage(), false
	}
	defer func() {
		if x := recover(); x != nil {
			switch e := x.(type) {
			case *httpException:
				resp, cors = e.response(), true
			case *pyException:
				resp, cors = debugPage(e), false
			default:
				panic(x)
			}
		}
	}()
	path := r.URL.Path
	if path == "" {
		path = "/"
	}
	rl, args, allow := s.routes.resolve(path, r.Method)
	if rl == nil {
		if len(allow) == 0 {
			abort(404, "")
		}
		panic(&httpException{code: 405, description: httpDescriptions[405], headers: http.Header{"Allow": {strings.Join(allow, ", ")}}})
	}
	if r.Method == http.MethodOptions && !has(rl.methods, http.MethodOptions) {
		return &response{status: 200, ctype: "text/html; charset=utf-8", headers: http.Header{"Allow": {strings.Join(s.routes.allowedMethods(path), ", ")}}}, true
	}
	c := &ctx{s: s, r: r, args: args}
	return rl.view(c), true
}
