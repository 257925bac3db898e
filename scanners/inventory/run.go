package inventory

import (
	"sort"
	"strings"
	"time"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/traffic"
)

// endpointKind says how the observed requests relate to the documentation.
type endpointKind int

const (
	kindDocumented   endpointKind = iota // a documented operation
	kindMethodShadow                     // documented path, undocumented method
	kindUndocumented                     // no documented path
	kindRemoved                          // only the previous spec documents it
	kindOlderVersion                     // documented under a newer version only
	kindPreflight                        // CORS preflight on a path without OPTIONS
)

// resolution is where one request lands; it is cached per distinct target.
type resolution struct {
	kind endpointKind
	key  string
	// method and template are the endpoint as reported.
	method, template string
	api              *surface.API
	op               *surface.Operation // documented (current or previous, or the newer version's)
	item             *pathItem
	mismatch         string // why the path only matched a template structurally
	segs             []string
}

// appendCacheKey appends the key of requests that resolve the same way.
// When no documented parameter schema can tell digit strings of the same
// length apart (digitBlind), a segment of up to 18 digits is keyed by its
// length only, so requests to /orders/1001 and /orders/1002 share one
// resolution: this is what keeps a log full of distinct ids cheap.
func (r *run) appendCacheKey(b []byte, method, path, route string, preflight bool) []byte {
	b = append(b, method...)
	b = append(b, 0)
	if preflight {
		b = append(b, 'p')
	}
	b = append(b, route...)
	b = append(b, 0)
	start := 0
	for i := 0; i <= len(path); i++ {
		if i < len(path) && path[i] != '/' {
			continue
		}
		seg := path[start:i]
		if r.digitBlind && len(seg) > 0 && len(seg) <= 18 && allDigits(seg) {
			b = append(b, '#', byte('a'+len(seg)))
		} else {
			b = append(b, seg...)
		}
		if i < len(path) {
			b = append(b, '/')
		}
		start = i + 1
	}
	return b
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// endpoint aggregates the requests of one resolution key. Its size is
// bounded: a status histogram and at most maxSamples samples.
type endpoint struct {
	resolution
	count, live   int
	first, last   time.Time
	statuses      map[int]int
	samples       []string
	file          string
	line          int
	unauth2xx     int
	unauthFile    string
	unauthLine    int
	sensitive     string
	sensitiveFile string
	sensitiveLine int
}

const maxSamples = 3

// addSample keeps the maxSamples lexically smallest distinct request paths
// (redacted only when reported, so the hot path stays cheap), so the
// evidence does not depend on the order of the input.
func (ep *endpoint) addSample(s string) {
	if contains(ep.samples, s) {
		return
	}
	if len(ep.samples) == maxSamples {
		if s >= ep.samples[maxSamples-1] {
			return
		}
		ep.samples = ep.samples[:maxSamples-1]
	}
	ep.samples = append(ep.samples, s)
	sort.Strings(ep.samples)
}

// hostStat aggregates requests to a host no server entry covers.
type hostStat struct {
	host        string
	count, live int
	first, last time.Time
	file        string
	line        int
	api         *surface.API
}

// run is the state of one Scan.
type run struct {
	opts      Options
	surf      *surface.Surface
	indexes   []*apiIndex
	previous  []*apiIndex
	hosts     map[string]bool // documented hosts; empty when no server names one
	endpoints map[string]*endpoint
	undoc     int // undocumented endpoints held
	hostStats map[string]*hostStat
	cache     map[string]*resolution
	keyBuf    []byte
	// digitBlind is set when no documented path parameter or literal
	// segment distinguishes digit strings of equal length (see
	// appendCacheKey).
	digitBlind bool
	collapsed  map[siblingGroup]bool
	full       bool // the endpoint limit is reached and collapsing no longer helps
	summary    Summary
}

func newRun(opts Options, surf *surface.Surface) *run {
	r := &run{
		opts: opts, surf: surf,
		hosts:     map[string]bool{},
		endpoints: map[string]*endpoint{},
		hostStats: map[string]*hostStat{},
		cache:     map[string]*resolution{},
		collapsed: map[siblingGroup]bool{},
	}
	for _, api := range surf.APIs {
		ix := buildIndex(api)
		r.indexes = append(r.indexes, ix)
		r.summary.Operations += len(api.Operations)
		for _, h := range ix.hosts {
			r.hosts[h] = true
		}
	}
	if len(r.hosts) > 0 {
		for _, h := range opts.Hosts {
			r.hosts[strings.ToLower(h)] = true
		}
	}
	if opts.Previous != nil {
		for _, api := range opts.Previous.APIs {
			r.previous = append(r.previous, buildIndex(api))
		}
	}
	r.digitBlind = true
	for _, ix := range append(append([]*apiIndex(nil), r.indexes...), r.previous...) {
		if !ix.digitBlind() {
			r.digitBlind = false
		}
	}
	return r
}

// isLive reports whether a status shows the route exists: anything but a
// routing miss.
func isLive(status int) bool { return status != 404 && status != 405 && status != 501 }

const maxCache = 1 << 16

func (r *run) observe(o *traffic.Observation, file string) {
	r.summary.Requests += o.Count
	if !o.FirstSeen.IsZero() && (r.summary.WindowStart.IsZero() || o.FirstSeen.Before(r.summary.WindowStart)) {
		r.summary.WindowStart = o.FirstSeen
	}
	if o.LastSeen.After(r.summary.WindowEnd) {
		r.summary.WindowEnd = o.LastSeen
	}
	if o.Host != "" && len(r.hosts) > 0 && !r.hosts[o.Host] {
		r.observeHost(o, file)
	}
	path := o.Target
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	preflightish := o.Method == "OPTIONS" && (o.Preflight || !o.HeadersKnown)
	r.keyBuf = r.appendCacheKey(r.keyBuf[:0], o.Method, path, o.Route, preflightish)
	res, ok := r.cache[string(r.keyBuf)]
	if !ok {
		res = r.resolve(o.Method, path, o.Route, preflightish)
		if len(r.cache) >= maxCache {
			clear(r.cache)
		}
		r.cache[string(r.keyBuf)] = res
	}
	if res.kind == kindPreflight {
		r.summary.PreflightRequests += o.Count
		return
	}
	ep, ok := r.endpoints[res.key]
	if !ok {
		if res.kind != kindDocumented {
			if r.undoc >= r.opts.MaxEndpoints && !r.full {
				r.collapse()
				// When collapsing freed little, stop trying: what does not
				// fit is counted as overflow.
				r.full = r.undoc > r.opts.MaxEndpoints*9/10
			}
			if r.undoc >= r.opts.MaxEndpoints {
				r.summary.Overflow += o.Count
				return
			}
			r.undoc++
		}
		ep = &endpoint{resolution: *res, statuses: map[int]int{}, file: file, line: o.Line}
		r.endpoints[res.key] = ep
	}
	ep.count += o.Count
	if isLive(o.Status) {
		ep.live += o.Count
	}
	ep.statuses[o.Status] += o.Count
	if !o.FirstSeen.IsZero() && (ep.first.IsZero() || o.FirstSeen.Before(ep.first)) {
		ep.first = o.FirstSeen
	}
	if o.LastSeen.After(ep.last) {
		ep.last = o.LastSeen
	}
	if len(res.segs) > 0 {
		ep.addSample(path)
	}
	success := o.Status >= 200 && o.Status < 300
	if success && res.kind == kindDocumented && res.op != nil && res.op.RequiresCredentials() && !r.authenticated(o, res.api) {
		if ep.unauth2xx == 0 {
			ep.unauthFile, ep.unauthLine = file, o.Line
		}
		ep.unauth2xx += o.Count
	}
	unmanaged := res.kind != kindDocumented || res.op != nil && res.op.Deprecated
	if success && unmanaged && ep.sensitive == "" && o.Body != "" {
		if what := detectSensitive(o.Body, r.opts.Credentials); what != "" {
			ep.sensitive, ep.sensitiveFile, ep.sensitiveLine = what, file, o.Line
		}
	}
}

func (r *run) observeHost(o *traffic.Observation, file string) {
	h, ok := r.hostStats[o.Host]
	if !ok {
		if len(r.hostStats) >= r.opts.MaxEndpoints {
			return
		}
		h = &hostStat{host: o.Host, file: file, line: o.Line}
		if len(r.indexes) > 0 {
			h.api = r.indexes[0].api
		}
		r.hostStats[o.Host] = h
	}
	h.count += o.Count
	if isLive(o.Status) {
		h.live += o.Count
	}
	if !o.FirstSeen.IsZero() && (h.first.IsZero() || o.FirstSeen.Before(h.first)) {
		h.first = o.FirstSeen
	}
	if o.LastSeen.After(h.last) {
		h.last = o.LastSeen
	}
}

// authenticated reports whether a request carried a credential: known
// credential headers and parameters, or the API's own API-key names.
// Unknown evidence counts as authenticated, so no finding is made from it.
func (r *run) authenticated(o *traffic.Observation, api *surface.API) bool {
	switch o.Auth {
	case traffic.AuthUnknown, traffic.AuthPresent:
		return true
	}
	if api != nil {
		for _, sch := range api.SecuritySchemes {
			if sch.Type == "apiKey" && sch.ParamName != "" && contains(o.CredentialNames, strings.ToLower(sch.ParamName)) {
				return true
			}
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
