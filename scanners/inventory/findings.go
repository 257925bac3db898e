package inventory

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/surface"
)

// findings turns the aggregated endpoints into findings, in a stable order.
func (r *run) findings() []rules.Finding {
	r.collapse()
	var out []rules.Finding
	observed := map[*surface.Operation]bool{}
	keys := make([]string, 0, len(r.endpoints))
	for k := range r.endpoints {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ep := r.endpoints[k]
		if ep.kind == kindDocumented {
			observed[ep.op] = true
			r.cover(ep)
		}
		out = append(out, r.endpointFindings(ep)...)
	}
	r.summary.ObservedOperations = len(observed)
	hosts := make([]string, 0, len(r.hostStats))
	for h := range r.hostStats {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		if f, ok := r.hostFinding(r.hostStats[h]); ok {
			out = append(out, f)
		}
	}
	// Several specs form one surface: an operation documented twice (an
	// OpenAPI document and a Postman collection) is observed when either
	// copy is.
	shapes := map[string]bool{}
	for _, ix := range r.indexes {
		for _, op := range ix.api.Operations {
			if observed[op] {
				for _, k := range ix.shapeKeys(op) {
					shapes[k] = true
				}
			}
		}
	}
	for _, ix := range r.indexes {
		for _, op := range ix.api.Operations {
			if observed[op] {
				continue
			}
			seen := false
			for _, k := range ix.shapeKeys(op) {
				seen = seen || shapes[k]
			}
			if !seen {
				out = append(out, r.orphan(op))
				r.coverage = append(r.coverage, scanners.OperationCoverage{
					Operation: op.Method + " " + op.Path, Location: op.Location,
					Reason: fmt.Sprintf("not observed in %d request(s)", r.summary.Requests),
				})
			}
		}
	}
	return out
}

// cover adds a documented endpoint's requests to its operation's
// coverage (several observed endpoints can resolve to one operation).
func (r *run) cover(ep *endpoint) {
	key := ep.op.Method + " " + ep.op.Path
	i, ok := r.covered[key]
	if !ok {
		i = len(r.coverage)
		r.covered[key] = i
		r.coverage = append(r.coverage, scanners.OperationCoverage{Operation: key, Location: ep.op.Location, Statuses: map[int]int{}})
	}
	c := &r.coverage[i]
	c.Requests += ep.count
	for _, s := range ep.statuses {
		c.Statuses[s.code] += s.n
		if s.code >= 200 && s.code < 300 {
			c.Succeeded += s.n
		}
	}
}

// shapeKeys names an operation independently of its API: the method and
// the template's structure, with and without each server base path.
func (ix *apiIndex) shapeKeys(op *surface.Operation) []string {
	segs := splitTemplate(op.Path)
	keys := make([]string, 0, len(ix.bases))
	for _, base := range ix.bases {
		keys = append(keys, op.Method+" "+structureKey(append(append([]string(nil), base...), segs...)))
	}
	return keys
}

func (r *run) endpointFindings(ep *endpoint) []rules.Finding {
	var out []rules.Finding
	if ep.kind != kindDocumented && (ep.live == 0 || ep.probeShaped && ep.only4xx) {
		// Routing misses, and scanning answered only with client errors:
		// probe noise, counted in the summary.
		r.summary.ProbeEndpoints++
		r.summary.ProbeRequests += ep.count
		return nil
	}
	trafficAt := rules.RelatedLocation{
		Location: rules.Location{File: ep.file, Line: ep.line},
		Message:  "first request in the traffic",
	}
	var primary *rules.Finding
	switch ep.kind {
	case kindDocumented:
		if ep.op.Deprecated && ep.live > 0 {
			f := r.finding(RuleInventoryZombie, ep.op.Location, ep.op.Method, ep.op.Path, ep.op.OperationID,
				fmt.Sprintf("%s %s is documented as deprecated but still live: %s", ep.op.Method, ep.op.Path, r.traffic(ep)),
				"deprecated "+ep.op.Method+" "+ep.op.Path, ep, trafficAt)
			out = append(out, f)
			primary = &out[len(out)-1]
		}
		if ep.unauth2xx > 0 {
			f := r.finding(RuleInventoryUnauthenticated2x, ep.op.Location, ep.op.Method, ep.op.Path, ep.op.OperationID,
				fmt.Sprintf("%s %s requires %s but answered 2xx to %d request(s) without credentials", ep.op.Method, ep.op.Path, securityNames(ep.op), ep.unauth2xx),
				ep.op.Method+" "+ep.op.Path, ep,
				rules.RelatedLocation{Location: rules.Location{File: ep.unauthFile, Line: ep.unauthLine}, Message: "first unauthenticated 2xx response"})
			out = append(out, f)
		}
	case kindMethodShadow:
		msg := fmt.Sprintf("%s %s is not documented (the path documents %s) but answered: %s",
			ep.method, ep.template, strings.Join(methodsOf(ep.item), ", "), r.traffic(ep))
		out = append(out, r.finding(RuleInventoryShadow, pathItemLocation(ep.item), ep.method, ep.template, "", msg, ep.method+" "+ep.template, ep, trafficAt))
		primary = &out[len(out)-1]
	case kindUndocumented:
		msg := fmt.Sprintf("%s %s is not documented but answered: %s", ep.method, ep.template, r.traffic(ep))
		if ep.mismatch != "" {
			msg += "; it only looks like a documented template: " + ep.mismatch
		}
		loc := pathsLocation(ep.api)
		if ep.item != nil {
			loc = pathItemLocation(ep.item)
		}
		out = append(out, r.finding(RuleInventoryShadow, loc, ep.method, ep.template, "", msg, ep.method+" "+ep.template, ep, trafficAt))
		primary = &out[len(out)-1]
	case kindRemoved:
		msg := fmt.Sprintf("%s %s was removed from the spec (it is in the previous spec) but is still live: %s", ep.op.Method, ep.op.Path, r.traffic(ep))
		out = append(out, r.finding(RuleInventoryZombie, pathsLocation(ep.api), ep.op.Method, ep.op.Path, ep.op.OperationID, msg,
			"removed "+ep.op.Method+" "+ep.op.Path, ep, trafficAt,
			rules.RelatedLocation{Location: ep.op.Location, Message: "the operation in the previous spec"}))
		primary = &out[len(out)-1]
	case kindOlderVersion:
		msg := fmt.Sprintf("%s %s is served under an older version than the documented %s %s: %s", ep.method, ep.template, ep.op.Method, ep.op.Path, r.traffic(ep))
		out = append(out, r.finding(RuleInventoryZombie, ep.op.Location, ep.method, ep.template, "", msg, "version "+ep.method+" "+ep.template, ep, trafficAt))
		primary = &out[len(out)-1]
	}
	if ep.sensitive != "" && primary != nil {
		out = append(out, r.finding(RuleInventorySensitiveResponse, primary.Location, primary.Operation.Method, primary.Operation.Path, primary.Operation.OperationID,
			fmt.Sprintf("%s %s (%s) returned a response containing %s", primary.Operation.Method, primary.Operation.Path, kindName(ep), ep.sensitive),
			primary.Key+" "+ep.sensitive, ep,
			rules.RelatedLocation{Location: rules.Location{File: ep.sensitiveFile, Line: ep.sensitiveLine}, Message: "the response"}))
	}
	return out
}

func kindName(ep *endpoint) string {
	switch ep.kind {
	case kindMethodShadow, kindUndocumented:
		return "shadow endpoint"
	}
	return "zombie endpoint"
}

func (r *run) finding(rule string, loc rules.Location, method, path, opID, msg, key string, ep *endpoint, related ...rules.RelatedLocation) rules.Finding {
	f := rules.Finding{
		RuleID:    rule,
		Severity:  severityOf(rule),
		Message:   msg,
		Location:  loc,
		Operation: &rules.Operation{Method: method, Path: path, OperationID: opID},
		Key:       key,
		Related:   related,
	}
	if ep != nil && len(ep.samples) > 0 {
		f.Evidence = "samples: " + strings.Join(redactSamples(ep.samples), ", ")
	}
	f.SetFingerprint()
	return f
}

func (r *run) hostFinding(h *hostStat) (rules.Finding, bool) {
	if h.live == 0 || h.api == nil {
		return rules.Finding{}, false
	}
	loc := pathsLocation(h.api)
	if len(h.api.Servers) > 0 {
		loc = h.api.Servers[0].Location
	}
	f := rules.Finding{
		RuleID:   RuleInventoryShadow,
		Severity: severityOf(RuleInventoryShadow),
		Message: fmt.Sprintf("host %s served %d request(s) (%d live, %s) but no server entry or --host covers it",
			h.host, h.count, h.live, window(h.first, h.last)),
		Location: loc,
		Key:      "host " + h.host,
		Evidence: "host: " + h.host,
		Related:  []rules.RelatedLocation{{Location: rules.Location{File: h.file, Line: h.line}, Message: "first request to the host"}},
	}
	f.SetFingerprint()
	return f, true
}

func (r *run) orphan(op *surface.Operation) rules.Finding {
	f := rules.Finding{
		RuleID:   RuleInventoryOrphan,
		Severity: severityOf(RuleInventoryOrphan),
		Message: fmt.Sprintf("%s %s was not observed in %d request(s) %s", op.Method, op.Path, r.summary.Requests,
			window(r.summary.WindowStart, r.summary.WindowEnd)),
		Location:  op.Location,
		Operation: op.Ref(),
		Key:       "orphan " + op.Method + " " + op.Path,
	}
	f.SetFingerprint()
	return f
}

// traffic describes an endpoint's requests: count, statuses, window.
func (r *run) traffic(ep *endpoint) string {
	return fmt.Sprintf("%d request(s), %d live, statuses %s, %s", ep.count, ep.live, statusList(ep.statuses), window(ep.first, ep.last))
}

func statusList(counts []statusCount) string {
	sorted := append([]statusCount(nil), counts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].code < sorted[j].code })
	parts := make([]string, len(sorted))
	for i, c := range sorted {
		parts[i] = fmt.Sprintf("%d×%d", c.code, c.n)
	}
	return strings.Join(parts, " ")
}

func window(first, last time.Time) string {
	if first.IsZero() {
		return "no timestamps"
	}
	return "first seen " + first.UTC().Format(time.RFC3339) + ", last seen " + last.UTC().Format(time.RFC3339)
}

func severityOf(rule string) rules.Severity {
	switch rule {
	case RuleInventoryOrphan:
		return rules.SeverityInfo
	case RuleInventoryAgentBurst:
		return rules.SeverityLow
	case RuleInventoryUnauthenticated2x, RuleInventorySensitiveResponse:
		return rules.SeverityHigh
	}
	return rules.SeverityMedium
}

// pathsLocation is the spec's list of paths: where an undocumented path
// would have to be added.
func pathsLocation(api *surface.API) rules.Location {
	if api == nil || api.File == nil {
		return rules.Location{}
	}
	if api.Format.IsPostman() {
		return api.File.Locate("/item")
	}
	return api.File.Locate("/paths")
}

// pathItemLocation is a documented path's entry.
func pathItemLocation(it *pathItem) rules.Location {
	if it.api.Format.IsOpenAPI() {
		return it.api.File.Locate("/paths/" + escapePointer(it.path))
	}
	for _, m := range methodsOf(it) {
		return it.ops[m].Location
	}
	return pathsLocation(it.api)
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func methodsOf(it *pathItem) []string {
	ms := make([]string, 0, len(it.ops))
	for m := range it.ops {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	return ms
}

func securityNames(op *surface.Operation) string {
	if op.Auth != nil {
		return op.Auth.Type + " auth"
	}
	var alts []string
	for _, req := range op.Security {
		names := make([]string, 0, len(req))
		for n := range req {
			names = append(names, n)
		}
		sort.Strings(names)
		alts = append(alts, strings.Join(names, "+"))
	}
	return strings.Join(alts, " or ")
}

// redactSamples redacts the value segments of sample paths; paths that
// redact to the same text are listed once.
func redactSamples(raw []string) []string {
	var out []string
	for _, p := range raw {
		r := redactPath(parsePath(p).segs)
		if !contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
