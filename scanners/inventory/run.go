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

// addSample keeps the maxSamples lexically smallest distinct samples, so
// the evidence does not depend on the order of the input.
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
	collapsed map[siblingGroup]bool
	full      bool // the endpoint limit is reached and collapsing no longer helps
	summary   Summary
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
	cacheKey := o.Method + " " + o.Target
	if i := strings.IndexByte(cacheKey, '?'); i >= 0 {
		cacheKey = cacheKey[:i]
	}
	preflightish := o.Method == "OPTIONS" && (o.Preflight || !o.HeadersKnown)
	if o.Route != "" || preflightish {
		cacheKey += "\x00" + o.Route
		if preflightish {
			cacheKey += "\x00p"
		}
	}
	res, ok := r.cache[cacheKey]
	if !ok {
		res = r.resolve(o.Method, o.Target, o.Route, preflightish)
		if len(r.cache) >= maxCache {
			clear(r.cache)
		}
		r.cache[cacheKey] = res
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
		ep.addSample(redactPath(res.segs))
	}
	success := o.Status >= 200 && o.Status < 300
	if success && res.kind == kindDocumented && res.op != nil && requiresAuth(res.op) && !r.authenticated(o, res.api) {
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

// requiresAuth reports whether every alternative of the effective security
// requirement names a scheme (no anonymous alternative).
func requiresAuth(op *surface.Operation) bool {
	if op.Auth != nil {
		return op.Auth.Type != "" && op.Auth.Type != "noauth"
	}
	if len(op.Security) == 0 {
		return false
	}
	for _, req := range op.Security {
		if len(req) == 0 {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
