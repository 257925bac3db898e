package inventory

import (
	"sort"
	"strings"
	"time"

	"github.com/specterhq/specter/scanners"
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

// resolution is where one request lands; it is cached per distinct target
// and never modified once built.
type resolution struct {
	kind endpointKind
	key  string
	// method and template are the endpoint as reported.
	method, template string
	// tsegs are the template's segments for an inferred undocumented
	// template (nil when a log's route named it), which collapsing may
	// rewrite.
	tsegs    []string
	api      *surface.API
	op       *surface.Operation // documented (current or previous, or the newer version's)
	item     *pathItem
	mismatch string // why the path only matched a template structurally
	segs     []string
	// probeShaped is set when the path looks like scanning (traversal,
	// /etc/passwd, .env, wp-admin, .git/).
	probeShaped bool
	// ep is the endpoint the run aggregates the resolution into, valid
	// while epGen is the run's merge generation. Only the run's goroutine
	// reads and writes the two: the resolver that built the resolution
	// never looks at it again, it only hands out the pointer.
	ep    *endpoint
	epGen int
}

// statusCount counts the responses with one status code.
type statusCount struct{ code, n int }

// endpoint aggregates the requests of one resolution key. Its size is
// bounded: a status histogram and at most maxSamples samples.
type endpoint struct {
	resolution
	count, live int
	// only4xx is set while every response was a 4xx; probeShaped (from the
	// resolution) while every request looked like scanning.
	only4xx       bool
	first, last   time.Time
	statuses      []statusCount // in order of first occurrence; few per endpoint
	samples       []string
	file          string
	line          int
	unauth2xx     int
	unauthFile    string
	unauthLine    int
	sensitive     string
	sensitiveFile string
	sensitiveLine int
	// mergedInto is the endpoint a collapse folded this one into.
	mergedInto *endpoint
}

const maxSamples = 3

// addStatus counts one status code.
func (ep *endpoint) addStatus(code, n int) {
	for i := range ep.statuses {
		if ep.statuses[i].code == code {
			ep.statuses[i].n += n
			return
		}
	}
	ep.statuses = append(ep.statuses, statusCount{code, n})
}

// addSample keeps the maxSamples lexically smallest distinct request paths
// (redacted only when reported, so the hot path stays cheap), so the
// evidence does not depend on the order of the input.
func (ep *endpoint) addSample(s string) {
	if len(ep.samples) == maxSamples && s >= ep.samples[maxSamples-1] {
		return
	}
	if contains(ep.samples, s) {
		return
	}
	if len(ep.samples) == maxSamples {
		ep.samples = ep.samples[:maxSamples-1]
	}
	ep.samples = append(ep.samples, strings.Clone(s))
	sort.Strings(ep.samples)
}

// live resolves the endpoint a possibly merged one now lives in.
func (ep *endpoint) current() *endpoint {
	for ep.mergedInto != nil {
		ep = ep.mergedInto
	}
	return ep
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
	// resolver serves observations that arrive without a prepared
	// resolution; the parsing goroutines have their own.
	resolver *resolver
	// gen counts the collapses that merged endpoints, which invalidates
	// the endpoints resolutions point to.
	gen       int
	collapsed map[siblingGroup]bool
	full      bool // the endpoint limit is reached and collapsing no longer helps
	clients   *clientsView
	summary   Summary
	// coverage is the per-operation account, documented operations in the
	// order findings visits them; covered indexes it by operation key.
	coverage []scanners.OperationCoverage
	covered  map[string]int
}

func newRun(opts Options, surf *surface.Surface) *run {
	r := &run{
		opts: opts, surf: surf,
		hosts:     map[string]bool{},
		endpoints: map[string]*endpoint{},
		hostStats: map[string]*hostStat{},
		collapsed: map[siblingGroup]bool{},
		clients:   newClientsView(opts),
		covered:   map[string]int{},
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
	r.resolver = r.newResolver()
	return r
}

// newResolver returns a resolver over the run's indexes, for one
// goroutine.
func (r *run) newResolver() *resolver { return newResolver(r.indexes, r.previous) }

// isLive reports whether a status shows the route exists: anything but a
// routing miss.
func isLive(status int) bool { return status != 404 && status != 405 && status != 501 }

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
	res, _ := o.Prepared.(*resolution)
	if res == nil {
		res = r.resolver.lookup(o)
	}
	if res.kind == kindPreflight {
		r.summary.PreflightRequests += o.Count
		return
	}
	ep := res.ep
	if ep == nil || res.epGen != r.gen {
		ep = r.endpointFor(res, o, file)
	}
	r.clients.observe(o, ep, file)
	if ep == nil {
		return
	}
	ep.count += o.Count
	if isLive(o.Status) {
		ep.live += o.Count
	}
	if o.Status < 400 || o.Status > 499 {
		ep.only4xx = false
	}
	ep.addStatus(o.Status, o.Count)
	if !o.FirstSeen.IsZero() && (ep.first.IsZero() || o.FirstSeen.Before(ep.first)) {
		ep.first = o.FirstSeen
	}
	if o.LastSeen.After(ep.last) {
		ep.last = o.LastSeen
	}
	if len(res.segs) > 0 {
		path := o.Target
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		ep.addSample(path)
	}
	success := o.Status >= 200 && o.Status < 300
	if success && o.Auth == traffic.AuthNone && res.kind == kindDocumented && res.op != nil && res.op.RequiresCredentials() && !r.authenticated(o, res.api) {
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

// endpointFor finds or creates the endpoint of a resolution, applying the
// run's collapsed templates; nil when the endpoint limit leaves no room
// (the requests are counted as overflow).
func (r *run) endpointFor(res *resolution, o *traffic.Observation, file string) *endpoint {
	key, template := res.key, res.template
	if res.kind == kindUndocumented && len(r.collapsed) > 0 && res.tsegs != nil {
		if segs := r.applyCollapsed(res.method, res.tsegs); segs != nil {
			template = joinPath(segs)
			key = "shadow " + res.method + " " + template
		}
	}
	ep, ok := r.endpoints[key]
	if !ok {
		if res.kind != kindDocumented {
			if r.undoc >= r.opts.MaxEndpoints && !r.full {
				r.collapse()
				// When collapsing freed little, stop trying: what does not
				// fit is counted as overflow.
				r.full = r.undoc > r.opts.MaxEndpoints*9/10
				return r.endpointFor(res, o, file)
			}
			if r.undoc >= r.opts.MaxEndpoints {
				r.summary.Overflow += o.Count
				return nil
			}
			r.undoc++
		}
		ep = &endpoint{resolution: *res, file: file, line: o.Line, only4xx: true}
		ep.key, ep.template = key, template
		r.endpoints[key] = ep
	}
	res.ep, res.epGen = ep, r.gen
	return ep
}

func (r *run) observeHost(o *traffic.Observation, file string) {
	h, ok := r.hostStats[o.Host]
	if !ok {
		if len(r.hostStats) >= r.opts.MaxEndpoints {
			return
		}
		h = &hostStat{host: strings.Clone(o.Host), file: file, line: o.Line}
		if len(r.indexes) > 0 {
			h.api = r.indexes[0].api
		}
		r.hostStats[h.host] = h
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
	if api != nil && o.Caller != nil {
		for _, sch := range api.SecuritySchemes {
			if sch.Type == "apiKey" && sch.ParamName != "" && contains(o.Caller.CredentialNames, strings.ToLower(sch.ParamName)) {
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
