package fastapilike

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Options configure the server.
type Options struct {
	// Secure fixes every planted flaw the way a careful developer would
	// (owner checks, one login error message, rate limits, strong keys,
	// anchored allow-lists, parameterised queries...). The framework's
	// behaviour is not a flaw and stays: its status codes, its error
	// pages, its (lack of) validation, its id formats.
	Secure bool
	// Now is the clock; nil is time.Now. (token expiry, lockouts)
	Now func() time.Time
}

// Flaw is one planted vulnerability.
type Flaw struct {
	ID        string // stable short name: "sqli-user-lookup"
	Rule      string // the specter rule that must report it
	Operation string // "METHOD /path/template" exactly as in the spec; "" for the API as a whole
	Summary   string // one sentence: what is wrong and how an attacker uses it
}

// Server is the RESTaurant-like FastAPI application. It is safe for
// concurrent use.
type Server struct {
	secure bool
	now    func() time.Time
	jwtKey []byte
	val    validator
	cors   *regexp.Regexp
	fetch  *http.Client
	sleep  func(time.Duration)

	mu           sync.Mutex
	users        map[int64]*user
	menu         map[int64]*menuItem
	orders       map[int64]*order
	reservations map[int64]*reservation
	seqUser      int64
	seqMenu      int64
	seqOrder     int64
	seqRes       int64
	rowVersion   int64 // heap position: Postgres returns updated rows last
	rng          *rand.Rand
	sms          []smsMessage // the "sent" reset codes

	// secure-mode bookkeeping
	loginFails    map[string][]time.Time
	resetTries    map[string]int
	resetRequests map[string][]time.Time
}

type smsMessage struct{ phone, code string }

// vulnerableJWTSecret is what config.py's generate_random_secret produced
// on this deployment: six digits.
const vulnerableJWTSecret = "123321"

// secureJWTSecret stands for a key read from the environment (a careful
// deployment sets JWT_SECRET_KEY to 32 random bytes); fixed so the server
// stays deterministic.
const secureJWTSecret = "6f1d3c0b9e8a4f27a5c1d9e0b3f46a8c2e7d1b5a9c3f0e64d8b2a7c1e5f93d06"

// New builds the server with its seed data.
func New(opts Options) *Server {
	s := &Server{
		secure:        opts.Secure,
		now:           opts.Now,
		val:           validator{backtracking: !opts.Secure},
		sleep:         time.Sleep,
		users:         map[int64]*user{},
		menu:          map[int64]*menuItem{},
		orders:        map[int64]*order{},
		reservations:  map[int64]*reservation{},
		rng:           rand.New(rand.NewPCG(0x5e5a, 0x9011)),
		loginFails:    map[string][]time.Time{},
		resetTries:    map[string]int{},
		resetRequests: map[string][]time.Time{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.secure {
		s.jwtKey = []byte(secureJWTSecret)
		// fullmatch on an anchored pattern: the restaurant's own domain and
		// its subdomains, nothing else.
		s.cors = regexp.MustCompile(`^(?:https://([a-z0-9-]+\.)*restaurant\.example)$`)
	} else {
		s.jwtKey = []byte(vulnerableJWTSecret)
		// re.match: anchored at the start only, so anything may follow.
		s.cors = regexp.MustCompile(`^(?:https://.*\.restaurant\.example)`)
	}
	s.fetch = newFetchClient()
	s.seed()
	return s
}

// ---- responses ----

type resp struct {
	status int
	body   any    // JSON content, rendered by pyDumps
	raw    []byte // pre-rendered content (HTML, text, the OpenAPI document)
	ctype  string
	header http.Header
	empty  bool // no body at all (204, 307)
	crash  bool // an unhandled exception: ServerErrorMiddleware's 500
}

func jsonResp(status int, v any) resp { return resp{status: status, body: v} }

func detail(status int, msg string) resp { return jsonResp(status, obj{{"detail", msg}}) }

func crash() resp { return resp{crash: true} }

func noContent() resp { return resp{status: http.StatusNoContent, empty: true} }

func (r resp) with(k, v string) resp {
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set(k, v)
	return r
}

func notAuthenticated() resp {
	return detail(401, "Not authenticated").with("WWW-Authenticate", "Bearer")
}

func badCredentials() resp {
	return detail(401, "Could not validate credentials").with("WWW-Authenticate", "Bearer")
}

type rendered struct {
	status int
	header http.Header
	body   []byte
}

func plainText(status int, text string) rendered {
	h := http.Header{}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	return rendered{status: status, header: h, body: []byte(text)}
}

func internalServerError() rendered { return plainText(500, "Internal Server Error") }

func (r resp) render() (rendered, bool) {
	if r.crash {
		return rendered{}, false
	}
	h := http.Header{}
	for k, v := range r.header {
		h[k] = v
	}
	out := rendered{status: r.status, header: h}
	switch {
	case r.empty:
	case r.raw != nil:
		h.Set("Content-Type", r.ctype)
		out.body = r.raw
	default:
		b, err := pyDumps(r.body)
		if err != nil {
			return rendered{}, false
		}
		h.Set("Content-Type", "application/json")
		out.body = b
	}
	return out, true
}

// ServeHTTP serves the application as uvicorn runs it: the server
// header, ServerErrorMiddleware outermost, then the CORS middleware, then
// the router.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	out := s.handle(r)
	h := w.Header()
	for k, v := range out.header {
		h[k] = v
	}
	h.Set("Server", "uvicorn")
	if out.body != nil || out.status != http.StatusNoContent {
		h.Set("Content-Length", strconv.Itoa(len(out.body)))
	}
	w.WriteHeader(out.status)
	if len(out.body) > 0 && r.Method != http.MethodHead {
		_, _ = w.Write(out.body)
	}
}

func (s *Server) handle(r *http.Request) rendered {
	origin := r.Header.Get("Origin")
	if origin != "" && r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		return s.preflight(r, origin)
	}
	out, ok := s.app(r).render()
	if !ok {
		return internalServerError() // raised past the CORS middleware: no CORS headers
	}
	if origin != "" {
		s.corsSimple(out.header, origin)
	}
	return out
}

// ---- CORS (Starlette's CORSMiddleware with allow_origin_regex,
// allow_credentials=True, allow_methods=["*"], allow_headers=["*"]) ----

var corsMethods = []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

func (s *Server) originAllowed(origin string) bool { return s.cors.MatchString(origin) }

func (s *Server) corsSimple(h http.Header, origin string) {
	h.Set("Access-Control-Allow-Credentials", "true")
	if s.originAllowed(origin) {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	}
}

func (s *Server) preflight(r *http.Request, origin string) rendered {
	h := http.Header{}
	h.Set("Access-Control-Allow-Methods", strings.Join(corsMethods, ", "))
	h.Set("Access-Control-Max-Age", "600")
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Set("Vary", "Origin")
	var failures []string
	if s.originAllowed(origin) {
		h.Set("Access-Control-Allow-Origin", origin)
	} else {
		failures = append(failures, "origin")
	}
	m := r.Header.Get("Access-Control-Request-Method")
	known := false
	for _, c := range corsMethods {
		known = known || c == m
	}
	if !known {
		failures = append(failures, "method")
	}
	if rh, ok := r.Header["Access-Control-Request-Headers"]; ok {
		h.Set("Access-Control-Allow-Headers", strings.Join(rh, ", "))
	}
	if len(failures) > 0 {
		out := plainText(400, "Disallowed CORS "+strings.Join(failures, ", "))
		for k, v := range h {
			out.header[k] = v
		}
		return out
	}
	out := plainText(200, "OK")
	for k, v := range h {
		out.header[k] = v
	}
	return out
}

// ---- routing (Starlette's Router) ----

// param is a path or query parameter of an endpoint.
type param struct {
	name string
	in   string // "path" or "query"
	kind kind   // kInt or kStr
	def  any
}

type route struct {
	method, path string
	name         string // the endpoint function: operationId and summary
	tag          string
	doc          string // the docstring: the operation's description
	auth         bool   // Depends(get_current_user)
	roles        []string
	secureRoles  []string // RolesBasedAuthChecker the secure build adds
	params       []param
	body         *model
	form         bool
	status       int
	out          *model
	outList      bool
	outAny       bool // no response model: schema {}
	hidden       bool // include_in_schema=False
	vulnOnly     bool
	h            func(*Server, *call) resp
	segs         []string
}

func (rt *route) match(path string) (map[string]string, bool) {
	if path == "" || path[0] != '/' {
		return nil, false
	}
	parts := strings.Split(path[1:], "/")
	if len(parts) != len(rt.segs) {
		return nil, false
	}
	var vals map[string]string
	for i, seg := range rt.segs {
		if strings.HasPrefix(seg, "{") {
			if parts[i] == "" {
				return nil, false
			}
			if vals == nil {
				vals = map[string]string{}
			}
			vals[seg[1:len(seg)-1]] = parts[i]
			continue
		}
		if seg != parts[i] {
			return nil, false
		}
	}
	return vals, true
}

func (s *Server) routeTable() []*route {
	var out []*route
	for _, rt := range allRoutes {
		if rt.vulnOnly && s.secure {
			continue
		}
		out = append(out, rt)
	}
	return out
}

func (s *Server) app(r *http.Request) resp {
	path := r.URL.Path
	var partial *route
	for _, rt := range s.routeTable() {
		vals, ok := rt.match(path)
		if !ok {
			continue
		}
		if rt.method != r.Method {
			if partial == nil {
				partial = rt
			}
			continue
		}
		return s.run(rt, r, vals)
	}
	if partial != nil {
		return detail(405, "Method Not Allowed").with("Allow", partial.method)
	}
	if path != "/" {
		alt := strings.TrimRight(path, "/")
		if !strings.HasSuffix(path, "/") {
			alt = path + "/"
		}
		for _, rt := range s.routeTable() {
			if _, ok := rt.match(alt); ok {
				u := "http://" + r.Host + alt
				if r.URL.RawQuery != "" {
					u += "?" + r.URL.RawQuery
				}
				return resp{status: 307, empty: true}.with("Location", u)
			}
		}
	}
	return detail(404, "Not Found")
}

// ---- the request pipeline (FastAPI's get_request_handler) ----

// call is what an endpoint receives once its dependencies and parameters
// are resolved.
type call struct {
	r     *http.Request
	user  *user
	path  map[string]int64
	query map[string]any
	body  obj
}

func (c *call) id(name string) int64 { return c.path[name] }

const maxBody = 1 << 20

func (s *Server) run(rt *route, r *http.Request, pathVals map[string]string) resp {
	var bodyVal any
	var form map[string]string
	if rt.body != nil || rt.form {
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return detail(400, "There was an error parsing the body")
		}
		if len(raw) > maxBody {
			return detail(413, "Request Entity Too Large")
		}
		if rt.form {
			form, err = parseForm(r.Header.Get("Content-Type"), raw)
			if err != nil {
				return detail(400, "There was an error parsing the body")
			}
		} else if len(raw) > 0 {
			if isJSONContentType(r.Header.Get("Content-Type")) {
				v, err := pyLoads(raw)
				if de, ok := err.(*pyDecodeError); ok {
					return jsonResp(422, errorsBody([]verr{{typ: "json_invalid", loc: []any{"body", int64(de.pos)}, msg: "JSON decode error", input: obj{}, ctx: obj{{"error", de.msg}}}}))
				}
				if err != nil {
					return detail(400, "There was an error parsing the body")
				}
				bodyVal = v
			} else {
				if !utf8.Valid(raw) {
					return crash() // jsonable_encoder cannot decode the bytes of the error's input
				}
				bodyVal = string(raw)
			}
		}
	}

	c := &call{r: r, path: map[string]int64{}, query: map[string]any{}}
	if rt.auth {
		u, fail := s.currentUser(r)
		if fail != nil {
			return *fail
		}
		c.user = u
		roles := rt.roles
		if s.secure && rt.secureRoles != nil {
			roles = rt.secureRoles
		}
		if len(roles) > 0 && !oneOf(s.roleOf(u), roles) {
			return detail(403, "Unauthorized")
		}
	}

	var errs []verr
	query := parseQS(r.URL.RawQuery)
	for _, p := range rt.params {
		loc := []any{p.in, p.name}
		switch p.in {
		case "path":
			n, e := parseIntStr(pathVals[p.name], loc)
			if e != nil {
				errs = append(errs, *e)
				continue
			}
			c.path[p.name] = n
		case "query":
			v, ok := query[p.name]
			if !ok {
				c.query[p.name] = p.def
				continue
			}
			if p.kind == kInt {
				n, e := parseIntStr(v, loc)
				if e != nil {
					errs = append(errs, *e)
					continue
				}
				c.query[p.name] = n
			} else {
				c.query[p.name] = v
			}
		}
	}
	switch {
	case rt.form:
		o, fe := s.validateForm(rt.body, form)
		errs = append(errs, fe...)
		c.body = o
	case rt.body != nil:
		if bodyVal == nil {
			errs = append(errs, verr{typ: "missing", loc: []any{"body"}, msg: "Field required", input: nil})
			break
		}
		o, be := s.val.validateModel(rt.body, bodyVal, []any{"body"})
		errs = append(errs, be...)
		c.body = o
	}
	if len(errs) > 0 {
		return jsonResp(422, errorsBody(errs))
	}
	return rt.h(s, c)
}

func oneOf(v string, set []string) bool {
	for _, x := range set {
		if x == v {
			return true
		}
	}
	return false
}

// isJSONContentType is FastAPI's test: no content type, or
// application/json or application/*+json.
func isJSONContentType(ct string) bool {
	if ct == "" {
		return true
	}
	mt := strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	main, sub, ok := strings.Cut(mt, "/")
	if !ok {
		return false // email.message falls back to text/plain
	}
	return main == "application" && (sub == "json" || strings.HasSuffix(sub, "+json"))
}

// validateForm validates OAuth2PasswordRequestForm's fields one by one, as
// FastAPI does for Form parameters: an empty string counts as missing.
func (s *Server) validateForm(m *model, form map[string]string) (obj, []verr) {
	var out obj
	var errs []verr
	for i := range m.fields {
		f := &m.fields[i]
		v, ok := form[f.name]
		if !ok || v == "" {
			if f.required {
				errs = append(errs, verr{typ: "missing", loc: []any{"body", f.name}, msg: "Field required", input: nil})
				continue
			}
			out = append(out, kv{f.name, f.def})
			continue
		}
		val, fe := s.val.strConstraints(nil, f, v, []any{"body", f.name})
		if len(fe) > 0 {
			errs = append(errs, fe...)
			continue
		}
		out = append(out, kv{f.name, val})
	}
	return out, errs
}

// parseForm is Starlette's request.form(): urlencoded or multipart bodies;
// any other content type gives an empty form.
func parseForm(ct string, raw []byte) (map[string]string, error) {
	mt := strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	switch mt {
	case "application/x-www-form-urlencoded":
		return parseQS(string(raw)), nil
	case "multipart/form-data":
		req, _ := http.NewRequest(http.MethodPost, "/", bytes.NewReader(raw))
		req.Header.Set("Content-Type", ct)
		if err := req.ParseMultipartForm(maxBody); err != nil {
			return nil, err
		}
		out := map[string]string{}
		for k, v := range req.MultipartForm.Value {
			out[k] = v[len(v)-1]
		}
		return out, nil
	}
	return map[string]string{}, nil
}

// parseQS is urllib.parse.parse_qsl(keep_blank_values=True) folded into a
// dict: the last value of a repeated name wins.
func parseQS(q string) map[string]string {
	out := map[string]string{}
	if q == "" {
		return out
	}
	for _, pair := range strings.Split(q, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		out[pyUnquotePlus(k)] = pyUnquotePlus(v)
	}
	return out
}

// pyUnquotePlus is urllib.parse.unquote_plus: '+' is a space, bad escapes
// stay as they are, invalid UTF-8 becomes U+FFFD.
func pyUnquotePlus(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(n))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return strings.ToValidUTF8(string(b), "\ufffd")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// fitsInt4 is the range of a Postgres integer column; a larger id makes
// psycopg2 raise NumericValueOutOfRange, which nobody catches.
func fitsInt4(n int64) bool { return n >= -2147483648 && n <= 2147483647 }

// nextVersion gives a row its place in the heap; Postgres returns rows
// of an unordered SELECT roughly in that order, updated rows last.
func (s *Server) nextVersion() int64 {
	s.rowVersion++
	return s.rowVersion
}

func sortByVersion[T any](rows []T, ver func(T) int64) {
	sort.Slice(rows, func(i, j int) bool { return ver(rows[i]) < ver(rows[j]) })
}
