package inventory

import (
	"sort"
	"strings"

	"github.com/specterhq/specter/surface"
)

// located is a match against one API with the base path it stripped.
type located struct {
	ix       *apiIndex
	res      matchResult
	baseLen  int
	stripped []string
}

// matchAll matches segments against every API, trying each server base
// path (longest first, then none) and keeping the match that stripped the
// longest base; the first structural-only mismatch is kept for messages.
func matchAll(indexes []*apiIndex, segs []string) (best located, mismatch located) {
	found := false
	for _, ix := range indexes {
		for _, base := range ix.bases {
			stripped, ok := stripBase(segs, base)
			if !ok {
				continue
			}
			res := ix.match(stripped)
			if res.item != nil {
				if !found || len(base) > best.baseLen {
					best, found = located{ix: ix, res: res, baseLen: len(base), stripped: stripped}, true
				}
				break
			}
			if res.mismatchItem != nil && mismatch.ix == nil {
				mismatch = located{ix: ix, res: res, baseLen: len(base), stripped: stripped}
			}
		}
	}
	return best, mismatch
}

// matchRoute finds the documented path a log's route names.
func matchRoute(indexes []*apiIndex, segs []string) (*apiIndex, *pathItem) {
	for _, ix := range indexes {
		for _, base := range ix.bases {
			if stripped, ok := stripBase(segs, base); ok {
				if it := ix.byStructure[structureKey(stripped)]; it != nil {
					return ix, it
				}
			}
		}
	}
	return nil, nil
}

// operationFor returns the operation answering method on a path item:
// the method's own, or GET for an undocumented HEAD.
func operationFor(it *pathItem, method string) *surface.Operation {
	if op := it.ops[method]; op != nil {
		return op
	}
	if method == "HEAD" {
		return it.ops["GET"]
	}
	return nil
}

// resolve decides where one request lands.
func (r *run) resolve(method, target, route string, preflight bool) *resolution {
	p := parsePath(target)
	res := &resolution{method: method, segs: p.segs}

	var item *pathItem
	var ix *apiIndex
	useRoute := route != "" && !isCatchAll(route)
	if useRoute {
		ix, item = matchRoute(r.indexes, routeSegments(route))
	}
	var mismatch located
	if item == nil {
		var best located
		best, mismatch = matchAll(r.indexes, p.segs)
		ix, item = best.ix, best.res.item
	}
	if item != nil {
		res.api, res.item = ix.api, item
		if op := operationFor(item, method); op != nil {
			res.kind, res.op = kindDocumented, op
			res.method, res.template = op.Method, op.Path
			res.key = ix.opKey(op)
			return res
		}
		if method == "OPTIONS" && preflight {
			res.kind = kindPreflight
			return res
		}
		res.kind, res.template = kindMethodShadow, item.path
		res.key = "method " + ix.api.File.Path + " " + method + " " + item.path
		return res
	}
	if method == "OPTIONS" && preflight {
		res.kind = kindPreflight
		return res
	}
	// Removed since the previous spec?
	if len(r.previous) > 0 {
		if best, _ := matchAll(r.previous, p.segs); best.res.item != nil {
			if op := operationFor(best.res.item, method); op != nil {
				res.kind, res.op, res.template = kindRemoved, op, op.Path
				res.method = op.Method
				res.key = "removed " + op.Method + " " + op.Path
				res.api = r.apiFor(p.segs)
				return res
			}
		}
	}
	// Served under an older version than the documented one?
	if op, ix := r.newerVersion(method, p.segs); op != nil {
		res.kind, res.op, res.api = kindOlderVersion, op, ix.api
		res.template = joinPath(templateSegments(p.segs))
		res.key = "version " + method + " " + res.template
		return res
	}
	res.kind = kindUndocumented
	res.api = r.apiFor(p.segs)
	if useRoute {
		res.template = joinPath(routeSegments(route))
	} else {
		res.template = joinPath(r.applyCollapsed(method, templateSegments(p.segs)))
	}
	if mismatch.ix != nil {
		res.mismatch = mismatch.res.mismatch + " (" + mismatch.res.mismatchItem.path + ")"
		res.item = mismatch.res.mismatchItem
		res.api = mismatch.ix.api
	}
	res.key = "shadow " + method + " " + res.template
	return res
}

// newerVersion looks for the operation the request would reach if one of
// its version segments were a newer documented version.
func (r *run) newerVersion(method string, segs []string) (*surface.Operation, *apiIndex) {
	for i, s := range segs {
		if classify(s) != kindVersion {
			continue
		}
		vPrefix := strings.HasPrefix(strings.ToLower(s), "v")
		for _, ix := range r.indexes {
			var newer []string
			for _, v := range ix.versions {
				if strings.HasPrefix(strings.ToLower(v), "v") == vPrefix && compareVersions(v, s) > 0 {
					newer = append(newer, v)
				}
			}
			sort.Slice(newer, func(a, b int) bool { return compareVersions(newer[a], newer[b]) < 0 })
			for _, v := range newer {
				alt := append([]string(nil), segs...)
				alt[i] = v
				best, _ := matchAll([]*apiIndex{ix}, alt)
				if best.res.item == nil {
					continue
				}
				if op := operationFor(best.res.item, method); op != nil {
					return op, ix
				}
			}
		}
	}
	return nil, nil
}

// apiFor picks the API an undocumented path most likely belongs to: the
// one whose base path it starts with, else the first.
func (r *run) apiFor(segs []string) *surface.API {
	for _, ix := range r.indexes {
		for _, base := range ix.bases {
			if len(base) > 0 {
				if _, ok := stripBase(segs, base); ok {
					return ix.api
				}
			}
		}
	}
	if len(r.indexes) > 0 {
		return r.indexes[0].api
	}
	return nil
}

// siblingGroup names the endpoints that differ only at one position.
type siblingGroup struct {
	method, prefix, suffix string
	pos                    int
}

func groupAt(method string, segs []string, i int) siblingGroup {
	return siblingGroup{method: method, prefix: strings.Join(segs[:i], "/"), suffix: strings.Join(segs[i+1:], "/"), pos: i}
}

// applyCollapsed rewrites a template with the positions earlier collapses
// turned into {param}.
func (r *run) applyCollapsed(method string, segs []string) []string {
	if len(r.collapsed) == 0 {
		return segs
	}
	for i := 1; i < len(segs); i++ {
		if r.collapsed[groupAt(method, segs, i)] {
			segs = append([]string(nil), segs...)
			segs[i] = "{param}"
		}
	}
	return segs
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
		into = &endpoint{resolution: eps[0].resolution, statuses: map[int]int{}, file: eps[0].file, line: eps[0].line}
		into.template, into.key = template, key
		r.endpoints[key] = into
		r.undoc++
	}
	for _, ep := range eps {
		delete(r.endpoints, ep.key)
		r.undoc--
		into.count += ep.count
		into.live += ep.live
		for s, n := range ep.statuses {
			into.statuses[s] += n
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
	// Cached resolutions still name the old keys; drop them.
	clear(r.cache)
}
