package inventory

import (
	"sort"
	"strings"
)

// siblingGroup names the endpoints that differ only at one position.
type siblingGroup struct {
	method, prefix, suffix string
	pos                    int
}

func groupAt(method string, segs []string, i int) siblingGroup {
	return siblingGroup{method: method, prefix: strings.Join(segs[:i], "/"), suffix: strings.Join(segs[i+1:], "/"), pos: i}
}

// applyCollapsed rewrites a template with the positions earlier collapses
// turned into {param}; nil when no collapse applies.
func (r *run) applyCollapsed(method string, segs []string) []string {
	var out []string
	for i := 1; i < len(segs); i++ {
		cur := segs
		if out != nil {
			cur = out
		}
		if r.collapsed[groupAt(method, cur, i)] {
			if out == nil {
				out = append([]string(nil), segs...)
			}
			out[i] = "{param}"
		}
	}
	return out
}

// collapse merges undocumented endpoints whose templates differ in one
// position holding at least CollapseThreshold distinct values (slugs,
// usernames, ids the classifiers missed) into one {param} endpoint.
// Version segments and the first segment never collapse.
func (r *run) collapse() {
	for {
		groups := map[siblingGroup][]*endpoint{}
		for _, ep := range r.endpoints {
			if ep.kind != kindUndocumented {
				continue
			}
			segs := splitTemplate(ep.template)
			for i := 1; i < len(segs); i++ {
				if strings.Contains(segs[i], "{") || classify(segs[i]) == kindVersion {
					continue
				}
				g := groupAt(ep.method, segs, i)
				groups[g] = append(groups[g], ep)
			}
		}
		var ready []siblingGroup
		for g, eps := range groups {
			if len(eps) >= r.opts.CollapseThreshold {
				ready = append(ready, g)
			}
		}
		if len(ready) == 0 {
			return
		}
		sort.Slice(ready, func(i, j int) bool {
			a, b := ready[i], ready[j]
			if a.pos != b.pos {
				return a.pos < b.pos
			}
			return a.method+" "+a.prefix+"/"+a.suffix < b.method+" "+b.prefix+"/"+b.suffix
		})
		merged := false
		for _, g := range ready {
			var present []*endpoint
			for _, ep := range groups[g] {
				if r.endpoints[ep.key] == ep {
					present = append(present, ep)
				}
			}
			if len(present) < r.opts.CollapseThreshold {
				continue
			}
			r.collapsed[g] = true
			r.merge(present, g.pos)
			merged = true
		}
		if !merged {
			return
		}
	}
}

// merge folds endpoints into one whose template has {param} at pos.
func (r *run) merge(eps []*endpoint, pos int) {
	sort.Slice(eps, func(i, j int) bool {
		return eps[i].line < eps[j].line || eps[i].line == eps[j].line && eps[i].key < eps[j].key
	})
	segs := splitTemplate(eps[0].template)
	segs[pos] = "{param}"
	template := joinPath(segs)
	key := "shadow " + eps[0].method + " " + template
	into, ok := r.endpoints[key]
	if !ok {
		into = &endpoint{resolution: eps[0].resolution, file: eps[0].file, line: eps[0].line, only4xx: true}
		into.template, into.key, into.tsegs = template, key, segs
		r.endpoints[key] = into
		r.undoc++
	}
	for _, ep := range eps {
		delete(r.endpoints, ep.key)
		r.undoc--
		ep.mergedInto = into
		into.count += ep.count
		into.live += ep.live
		into.only4xx = into.only4xx && ep.only4xx
		into.probeShaped = into.probeShaped && ep.probeShaped
		for _, sc := range ep.statuses {
			into.addStatus(sc.code, sc.n)
		}
		if !ep.first.IsZero() && (into.first.IsZero() || ep.first.Before(into.first)) {
			into.first = ep.first
		}
		if ep.last.After(into.last) {
			into.last = ep.last
		}
		for _, s := range ep.samples {
			into.addSample(s)
		}
		if into.sensitive == "" && ep.sensitive != "" {
			into.sensitive, into.sensitiveFile, into.sensitiveLine = ep.sensitive, ep.sensitiveFile, ep.sensitiveLine
		}
		if into.mismatch == "" {
			into.mismatch = ep.mismatch
		}
	}
	// Resolutions still lead to the old endpoints.
	r.gen++
}
