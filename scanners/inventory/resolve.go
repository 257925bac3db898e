package inventory

import (
	"sort"
	"strings"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/traffic"
)

// resolver decides where requests land in the documented surface. Each
// parsing goroutine has its own (Reader.Prepare), with its own caches: the
// indexes it reads are not modified once built, so resolving runs in
// parallel. It knows nothing of the run's collapsed templates, which the
// run applies when it aggregates.
type resolver struct {
	indexes  []*apiIndex
	previous []*apiIndex
	patterns patternCache
	cache    map[string]*resolution
	keyBuf   []byte
	// digitBlind is set when no documented path parameter or literal
	// segment distinguishes digit strings of equal length; runBlind when
	// the same holds for the digit runs inside mixed segments
	// (invoice-1001.pdf), see appendCacheKey.
	digitBlind, runBlind bool
}

// maxCache bounds each resolution cache; a full cache is emptied.
const maxCache = 1 << 16

func newResolver(indexes, previous []*apiIndex) *resolver {
	rv := &resolver{indexes: indexes, previous: previous, patterns: patternCache{}, cache: map[string]*resolution{}, digitBlind: true, runBlind: true}
	for _, ix := range append(append([]*apiIndex(nil), indexes...), previous...) {
		if !ix.digitBlind() {
			rv.digitBlind = false
		}
		if !ix.runBlind() {
			rv.runBlind = false
		}
	}
	rv.runBlind = rv.runBlind && rv.digitBlind
	return rv
}

// prepare resolves an observation in its parsing goroutine.
func (rv *resolver) prepare(o *traffic.Observation) { o.Prepared = rv.lookup(o) }

// lookup returns the cached resolution of an observation, resolving it on
// a miss.
func (rv *resolver) lookup(o *traffic.Observation) *resolution {
	path := o.Target
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	preflightish := o.Method == "OPTIONS" && (o.Preflight || !o.HeadersKnown)
	rv.keyBuf = rv.appendCacheKey(rv.keyBuf[:0], o.Method, path, o.Route, preflightish)
	if res, ok := rv.cache[string(rv.keyBuf)]; ok {
		return res
	}
	// The observation's strings share its input chunk: clone what the
	// resolution keeps.
	res := rv.resolve(strings.Clone(o.Method), strings.Clone(path), strings.Clone(o.Route), preflightish)
	if len(rv.cache) >= maxCache {
		clear(rv.cache)
	}
	rv.cache[string(rv.keyBuf)] = res
	return res
}

// digitRunMark stands for a run of digits in a cache key; a target never
// holds it (control characters make a record unreadable).
const digitRunMark = 0x01

// appendCacheKey appends the key of requests that resolve the same way.
// When no documented parameter schema can tell digit strings of the same
// length apart (digitBlind), a segment of up to 18 digits is keyed by its
// length only, so requests to /orders/1001 and /orders/1002 share one
// resolution: this is what keeps a log full of distinct ids cheap. When
// no spec literal other than a version holds a digit (runBlind), each
// digit run of a mixed segment is keyed by its length too
// (invoice-1001.pdf, ord_77); segments that look like versions or dates,
// hold percent-escapes or have a ULID's 26 characters keep their digits.
func (rv *resolver) appendCacheKey(b []byte, method, path, route string, preflight bool) []byte {
	b = append(b, method...)
	b = append(b, 0)
	if preflight {
		b = append(b, 'p')
	}
	b = append(b, route...)
	b = append(b, 0)
	if !rv.digitBlind {
		return append(b, path...)
	}
	// One pass: a segment is appended as it is unless it holds a digit.
	start, digits := 0, 0
	for i := 0; i <= len(path); i++ {
		if i < len(path) {
			switch c := path[i]; {
			case c >= '0' && c <= '9':
				digits++
				continue
			case c != '/':
				continue
			}
		}
		seg := path[start:i]
		switch {
		case digits == 0:
			b = append(b, seg...)
		case digits == len(seg) && len(seg) <= 18:
			b = append(b, digitRunMark, byte('a'+len(seg)))
		case rv.runBlind && len(seg) != 26 && !versionLike(seg) && !dateLike(seg) && strings.IndexByte(seg, '%') < 0:
			b = appendDigitRuns(b, seg)
		default:
			b = append(b, seg...)
		}
		if i < len(path) {
			b = append(b, '/')
		}
		start, digits = i+1, 0
	}
	return b
}

// appendDigitRuns appends a segment with each run of up to 18 digits
// replaced by its length.
func appendDigitRuns(b []byte, seg string) []byte {
	for i := 0; i < len(seg); {
		j := i
		for j < len(seg) && (seg[j] < '0' || seg[j] > '9') {
			j++
		}
		b = append(b, seg[i:j]...)
		if j == len(seg) {
			break
		}
		i = j
		for j < len(seg) && seg[j] >= '0' && seg[j] <= '9' {
			j++
		}
		if j-i > 18 {
			b = append(b, seg[i:j]...)
		} else {
			b = append(b, digitRunMark, byte('a'+j-i))
		}
		i = j
	}
	return b
}

// versionLike is a cheap superset of the version shape: v or V then a
// digit, or digits and dots only.
func versionLike(seg string) bool {
	if len(seg) >= 2 && (seg[0] == 'v' || seg[0] == 'V') && seg[1] >= '0' && seg[1] <= '9' {
		return true
	}
	for i := 0; i < len(seg); i++ {
		if c := seg[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// dateLike reports whether a segment starts like a date (dddd-dd-dd), as
// date and date-time values do.
func dateLike(seg string) bool {
	if len(seg) < 10 || seg[4] != '-' || seg[7] != '-' {
		return false
	}
	return allDigits(seg[0:4]) && allDigits(seg[5:7]) && allDigits(seg[8:10])
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

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
func matchAll(indexes []*apiIndex, segs []string, pc patternCache) (best located, mismatch located) {
	found := false
	for _, ix := range indexes {
		for _, base := range ix.bases {
			stripped, ok := stripBase(segs, base)
			if !ok {
				continue
			}
			res := ix.match(stripped, pc)
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
func (rv *resolver) resolve(method, target, route string, preflight bool) *resolution {
	p := parsePath(target)
	res := &resolution{method: method, segs: p.segs, probeShaped: probeShaped(target)}

	var item *pathItem
	var ix *apiIndex
	useRoute := route != "" && !isCatchAll(route)
	if useRoute {
		ix, item = matchRoute(rv.indexes, routeSegments(route))
	}
	var mismatch located
	if item == nil {
		var best located
		best, mismatch = matchAll(rv.indexes, p.segs, rv.patterns)
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
	if len(rv.previous) > 0 {
		if best, _ := matchAll(rv.previous, p.segs, rv.patterns); best.res.item != nil {
			if op := operationFor(best.res.item, method); op != nil {
				res.kind, res.op, res.template = kindRemoved, op, op.Path
				res.method = op.Method
				res.key = "removed " + op.Method + " " + op.Path
				res.api = rv.apiFor(p.segs)
				return res
			}
		}
	}
	// Served under an older version than the documented one?
	if op, ix := rv.newerVersion(method, p.segs); op != nil {
		res.kind, res.op, res.api = kindOlderVersion, op, ix.api
		res.template = joinPath(templateSegments(p.segs))
		res.key = "version " + method + " " + res.template
		return res
	}
	res.kind = kindUndocumented
	res.api = rv.apiFor(p.segs)
	if useRoute {
		res.template = joinPath(routeSegments(route))
	} else {
		res.tsegs = rv.specTemplate(p.segs)
		res.template = joinPath(res.tsegs)
	}
	if mismatch.ix != nil {
		res.mismatch = mismatch.res.mismatch + " (" + mismatch.res.mismatchItem.path + ")"
		res.item = mismatch.res.mismatchItem
		res.api = mismatch.ix.api
	}
	res.key = "shadow " + method + " " + res.template
	return res
}

// specTemplate templates an undocumented path. Where a documented path
// shares the literal prefix and has a parameter at the same position, the
// observed value becomes that parameter when it fits the parameter's
// schema (/users/{userId} documented, /users/alice/sessions observed:
// /users/{userId}/sessions); the rest goes through the classifiers
// (templateSegments). Versions stay literal. Of the APIs and base paths,
// the one that names the most parameters wins.
func (rv *resolver) specTemplate(segs []string) []string {
	out := templateSegments(segs)
	var best []string
	offset, most := 0, 0
	for _, ix := range rv.indexes {
		for _, base := range ix.bases {
			stripped, ok := stripBase(segs, base)
			if !ok {
				continue
			}
			names, n := ix.siblingParams(stripped, rv.patterns)
			if n > most {
				best, offset, most = names, len(base), n
			}
		}
	}
	for i, name := range best {
		if name != "" {
			out[offset+i] = "{" + name + "}"
		}
	}
	return out
}

// newerVersion looks for the operation the request would reach if one of
// its version segments were a newer documented version.
func (rv *resolver) newerVersion(method string, segs []string) (*surface.Operation, *apiIndex) {
	for i, s := range segs {
		if classify(s) != kindVersion {
			continue
		}
		vPrefix := strings.HasPrefix(strings.ToLower(s), "v")
		for _, ix := range rv.indexes {
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
				best, _ := matchAll([]*apiIndex{ix}, alt, rv.patterns)
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
func (rv *resolver) apiFor(segs []string) *surface.API {
	for _, ix := range rv.indexes {
		for _, base := range ix.bases {
			if len(base) > 0 {
				if _, ok := stripBase(segs, base); ok {
					return ix.api
				}
			}
		}
	}
	if len(rv.indexes) > 0 {
		return rv.indexes[0].api
	}
	return nil
}
