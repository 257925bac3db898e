package springlike

// This file emulates the parts of Spring Boot (Spring MVC's DispatcherServlet,
// Jackson's data binding, Spring Security's filter chain and Boot's
// BasicErrorController) that an application written on it inherits: the
// status codes, headers and JSON error bodies are the framework's, not the
// application's.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxBody is the request body limit (Tomcat's max swallow / a
// spring.servlet.multipart-like limit): larger bodies get a 413.
const maxBody = 1 << 20

// route is one @RequestMapping handler method.
type route struct {
	method  string
	pattern string            // "/identity/api/v2/vehicle/{vehicleId}/location"
	segs    []string          // pattern split on "/"
	vars    map[string]string // path variable -> Java type: "UUID", "Long", "String"
	h       func(c *call)
}

func (rt *route) literals() int {
	n := 0
	for _, s := range rt.segs {
		if !strings.HasPrefix(s, "{") {
			n++
		}
	}
	return n
}

func (rt *route) match(segs []string) (map[string]string, bool) {
	if len(segs) != len(rt.segs) {
		return nil, false
	}
	vars := map[string]string{}
	for i, p := range rt.segs {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			vars[strings.Trim(p, "{}")] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return vars, true
}

// call is one request being handled: HttpServletRequest, the response and
// the SecurityContext's principal.
type call struct {
	s    *Server
	w    http.ResponseWriter
	r    *http.Request
	vars map[string]string
	user *user // authenticated principal, nil when anonymous
	body []byte
}

// springTime is how Boot's DefaultErrorAttributes renders the timestamp.
func springTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000+00:00")
}

// errorBody is Boot's /error JSON, in DefaultErrorAttributes' member order.
type errorBody struct {
	Timestamp string `json:"timestamp"`
	Status    int    `json:"status"`
	Error     string `json:"error"`
	Trace     string `json:"trace,omitempty"`
	Message   string `json:"message,omitempty"`
	Path      string `json:"path"`
}

func reason(status int) string {
	switch status {
	case http.StatusRequestEntityTooLarge:
		return "Payload Too Large"
	}
	return http.StatusText(status)
}

// securityHeaders are the headers Spring Security's HeaderWriterFilter adds
// to every response.
func securityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-XSS-Protection", "0")
	h.Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
	h.Set("Pragma", "no-cache")
	h.Set("Expires", "0")
	h.Set("X-Frame-Options", "DENY")
}

// writeJSON writes v as Jackson would (compact, application/json).
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"message":"serialization failed"}`)
	}
	b := bytes.TrimRight(buf.Bytes(), "\n")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// springError answers the way BasicErrorController does after an exception
// resolver chose status; trace and message are only filled in by the
// application's own catch-all handler (see serverError).
func (c *call) springError(status int) {
	c.s.writeError(c.w, c.r, status, "", "")
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, status int, message, trace string) {
	writeJSON(w, status, errorBody{
		Timestamp: springTime(s.now()),
		Status:    status,
		Error:     reason(status),
		Trace:     trace,
		Message:   message,
		Path:      r.URL.Path,
	})
}

// javaException is an exception thrown by application code that no
// @ExceptionHandler maps to a status: it ends as a 500.
type javaException struct {
	class   string   // "java.lang.NullPointerException"
	message string   // getMessage()
	frames  []string // "com.crapi.service.Impl.PostServiceImpl.createPost(PostServiceImpl.java:61)"
	cause   *javaException
}

func (e *javaException) stackTrace() string {
	var b strings.Builder
	for ex := e; ex != nil; ex = ex.cause {
		if ex != e {
			b.WriteString("Caused by: ")
		}
		b.WriteString(ex.class)
		if ex.message != "" {
			b.WriteString(": ")
			b.WriteString(ex.message)
		}
		b.WriteString("\n")
		for _, f := range ex.frames {
			b.WriteString("\tat ")
			b.WriteString(f)
			b.WriteString("\n")
		}
		if ex == e {
			for _, f := range servletFrames {
				b.WriteString("\tat ")
				b.WriteString(f)
				b.WriteString("\n")
			}
		} else {
			b.WriteString("\t... 52 more\n")
		}
	}
	return b.String()
}

var servletFrames = []string{
	"java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
	"java.base/java.lang.reflect.Method.invoke(Method.java:580)",
	"org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)",
	"org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:188)",
	"org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:118)",
	"org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:926)",
	"org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)",
	"org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:979)",
	"org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)",
	"org.springframework.security.web.FilterChainProxy.doFilterInternal(FilterChainProxy.java:233)",
	"org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:174)",
	"org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)",
	"java.base/java.lang.Thread.run(Thread.java:1583)",
}

// serverError is the 500 of an unhandled exception. crAPI's deployment runs
// with a catch-all @ExceptionHandler that copies the exception's message and
// stack trace into the error body (server.error.include-stacktrace=always);
// the Secure build keeps Boot's default, which shows neither.
func (c *call) serverError(e *javaException) {
	if c.s.secure {
		c.s.writeError(c.w, c.r, http.StatusInternalServerError, "", "")
		return
	}
	msg := e.message
	c.s.writeError(c.w, c.r, http.StatusInternalServerError, msg, e.stackTrace())
}

// crapiResponse is com.crapi.model.CRAPIResponse.
type crapiResponse struct {
	Message string `json:"message"`
	Status  int    `json:"status"`
}

func (c *call) crapi(status int, msg string) {
	writeJSON(c.w, status, crapiResponse{Message: msg, Status: status})
}

// message is the {"message": ...} body the workshop endpoints answer with.
func (c *call) message(status int, msg string) {
	writeJSON(c.w, status, map[string]string{"message": msg})
}

// jdouble renders like a Java double through Jackson: 100.0, not 100.
type jdouble float64

func (d jdouble) MarshalJSON() ([]byte, error) {
	f := float64(d)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return []byte("null"), nil
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return []byte(s), nil
}

// errBind is Jackson failing to read the body: HttpMessageNotReadableException,
// which DefaultHandlerExceptionResolver turns into a 400.
var errBind = errors.New("HttpMessageNotReadableException")

// readBody reads a @RequestBody: the content type must be JSON, the body
// present and well-formed, and its top level an object.
func (c *call) readBody() (jsonObject, bool) {
	ct := c.r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" {
		mt = "application/octet-stream"
	} else if err != nil {
		c.springError(http.StatusBadRequest) // InvalidMediaTypeException
		return nil, false
	}
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		c.springError(http.StatusUnsupportedMediaType)
		return nil, false
	}
	if len(bytes.TrimSpace(c.body)) == 0 { // "Required request body is missing"
		c.springError(http.StatusBadRequest)
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		c.springError(http.StatusBadRequest)
		return nil, false
	}
	obj, ok := v.(map[string]any)
	if !ok { // Cannot deserialize value of type `SignUpForm` from Array value
		c.springError(http.StatusBadRequest)
		return nil, false
	}
	return jsonObject(obj), true
}

// jsonObject is a parsed request body, read field by field with Jackson's
// default coercions (a number read into a String, "5" read into a Long...).
// Unknown members are ignored (FAIL_ON_UNKNOWN_PROPERTIES is off in Boot).
type jsonObject map[string]any

// str reads a String property; nil when absent or null.
func (o jsonObject) str(name string) (*string, error) {
	v, ok := o[name]
	if !ok || v == nil {
		return nil, nil
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case bool:
		s = strconv.FormatBool(x)
	default: // Cannot deserialize value of type `java.lang.String` from Object value
		return nil, errBind
	}
	return &s, nil
}

// long reads a Long/Integer property; nil when absent or null.
func (o jsonObject) long(name string) (*int64, error) {
	v, ok := o[name]
	if !ok || v == nil {
		return nil, nil
	}
	var n int64
	switch x := v.(type) {
	case json.Number:
		i, err := strconv.ParseInt(x.String(), 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(x.String(), 64)
			if ferr != nil || math.Abs(f) > math.MaxInt64/2 {
				return nil, errBind
			}
			i = int64(f) // ACCEPT_FLOAT_AS_INT
		}
		n = i
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, nil
		}
		i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return nil, errBind
		}
		n = i
	default:
		return nil, errBind
	}
	return &n, nil
}

// boolean reads a Boolean property; nil when absent or null.
func (o jsonObject) boolean(name string) (*bool, error) {
	v, ok := o[name]
	if !ok || v == nil {
		return nil, nil
	}
	var b bool
	switch x := v.(type) {
	case bool:
		b = x
	case string:
		p, err := strconv.ParseBool(x)
		if err != nil {
			return nil, errBind
		}
		b = p
	case json.Number:
		b = x.String() != "0"
	default:
		return nil, errBind
	}
	return &b, nil
}

// fields reads several String properties at once; ok is false (and the
// 400 written) if one cannot be bound.
func (c *call) strings(o jsonObject, names ...string) ([]string, bool) {
	out := make([]string, len(names))
	for i, n := range names {
		p, err := o.str(n)
		if err != nil {
			c.springError(http.StatusBadRequest)
			return nil, false
		}
		if p != nil {
			out[i] = *p
		}
	}
	return out, true
}

// queryLong reads a @RequestParam Long: missing (when required) or not a
// number is a 400 (MissingServletRequestParameterException,
// MethodArgumentTypeMismatchException).
func (c *call) queryLong(name string, required bool, def int64) (int64, bool) {
	vs, present := c.r.URL.Query()[name]
	if !present || len(vs) == 0 || vs[0] == "" {
		if required {
			c.springError(http.StatusBadRequest)
			return 0, false
		}
		return def, true
	}
	n, err := strconv.ParseInt(strings.TrimSpace(vs[0]), 10, 64)
	if err != nil {
		c.springError(http.StatusBadRequest)
		return 0, false
	}
	return n, true
}

// pathLong is a @PathVariable Long, already converted by dispatch.
func (c *call) pathLong(name string) int64 {
	n, _ := strconv.ParseInt(c.vars[name], 10, 64)
	return n
}

// convertVars applies Spring's type conversion to the path variables.
func convertVars(rt *route, vars map[string]string) bool {
	for name, typ := range rt.vars {
		v := vars[name]
		switch typ {
		case "Long":
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return false
			}
		case "UUID":
			if _, ok := parseUUID(v); !ok {
				return false
			}
		}
	}
	return true
}

// parseUUID accepts what java.util.UUID.fromString accepts for the
// canonical form and returns it lower-cased.
func parseUUID(s string) (string, bool) {
	if len(s) != 36 {
		return "", false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return "", false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return "", false
			}
		}
	}
	return strings.ToLower(s), true
}

// dispatch is DispatcherServlet: find the handler for the path, choose by
// method, convert the path variables, run it.
func (s *Server) dispatch(c *call) {
	segs := strings.Split(c.r.URL.Path, "/")
	type cand struct {
		rt   *route
		vars map[string]string
	}
	var all []cand
	for _, rt := range s.routes {
		if vars, ok := rt.match(segs); ok {
			all = append(all, cand{rt, vars})
		}
	}
	if len(all) == 0 {
		c.springError(http.StatusNotFound)
		return
	}
	method := c.r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	var best *cand
	var allow []string
	for i := range all {
		a := &all[i]
		if !containsStr(allow, a.rt.method) {
			allow = append(allow, a.rt.method)
		}
		if a.rt.method != method {
			continue
		}
		if best == nil || a.rt.literals() > best.rt.literals() {
			best = a
		}
	}
	if c.r.Method == http.MethodOptions {
		c.w.Header().Set("Allow", strings.Join(append(allow, "HEAD", "OPTIONS"), ","))
		c.w.WriteHeader(http.StatusOK)
		return
	}
	if best == nil {
		c.w.Header().Set("Allow", strings.Join(allow, ","))
		c.springError(http.StatusMethodNotAllowed)
		return
	}
	if !convertVars(best.rt, best.vars) {
		c.springError(http.StatusBadRequest) // MethodArgumentTypeMismatchException
		return
	}
	c.vars = best.vars
	best.rt.h(c)
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ServeHTTP runs the filter chain (body limit, Spring Security's JWT filter
// and authorization rules) and then the dispatcher.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	w.Header().Set("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	c := &call{s: s, w: w, r: r}
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			c.springError(http.StatusBadRequest)
			return
		}
		if len(b) > maxBody {
			c.springError(http.StatusRequestEntityTooLarge)
			return
		}
		c.body = b
	}
	// JwtAuthTokenFilter: a valid bearer token sets the principal; an
	// invalid one leaves the request anonymous.
	if tok, ok := bearer(r); ok {
		if u := s.authenticate(tok); u != nil {
			c.user = u
		}
	}
	if !s.permitAll(r.URL.Path) && c.user == nil {
		// JwtAuthEntryPoint
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Unauthorized"})
		return
	}
	s.dispatch(c)
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	return "", false
}

// permitAll is WebSecurityConfig's list of paths open to anonymous callers;
// everything else is .anyRequest().authenticated().
func (s *Server) permitAll(path string) bool {
	switch {
	case strings.HasPrefix(path, "/identity/api/auth/"),
		path == "/.well-known/jwks.json",
		path == "/v3/api-docs",
		path == "/error":
		return true
	case path == "/workshop/api/mechanic/mechanic_report":
		// Flaw mechanic-report-no-auth: the report view was added to the
		// open list for the mechanics' e-mail links.
		return !s.secure
	}
	return false
}
