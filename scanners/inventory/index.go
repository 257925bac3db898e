package inventory

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/surface"
)

// pathItem is one documented path of one API with its operations.
type pathItem struct {
	api     *surface.API
	path    string // as documented
	ops     map[string]*surface.Operation
	schemas map[string]*openapi3.Schema // path parameter schemas by name
}

// segMatcher matches one template segment: a whole-segment parameter
// ("{id}") or a partial one ("{name}.{ext}", "{name}:cancel").
type segMatcher struct {
	raw   string
	re    *regexp.Regexp // nil for a whole-segment parameter
	names []string
}

type paramEdge struct {
	seg  segMatcher
	next *node
	// schema is the parameter's schema in the first path item below the
	// edge that declares one (whole-segment parameters only).
	schema *openapi3.Schema
}

// node is a trie node; literal children are tried before parameter edges,
// partial-segment edges before whole-segment ones, with backtracking.
type node struct {
	literal map[string]*node
	params  []*paramEdge
	items   []*pathItem
}

func newNode() *node { return &node{literal: map[string]*node{}} }

// apiIndex is the documented surface of one API.
type apiIndex struct {
	api   *surface.API
	root  *node
	bases [][]string // server base paths, longest first; always ends with the empty base
	hosts []string
	// byStructure finds a path item from a route a log names.
	byStructure map[string]*pathItem
	versions    []string // version tokens seen in bases and paths
	// opKeys are the aggregation keys of the documented operations, built
	// with the index so that resolving only reads it.
	opKeys map[*surface.Operation]string
}

// opKey is the aggregation key of a documented operation.
func (ix *apiIndex) opKey(op *surface.Operation) string { return ix.opKeys[op] }

func buildIndex(api *surface.API) *apiIndex {
	ix := &apiIndex{api: api, root: newNode(), byStructure: map[string]*pathItem{}, opKeys: map[*surface.Operation]string{}}
	items := map[string]*pathItem{}
	var order []string
	for _, op := range api.Operations {
		ix.opKeys[op] = "op " + api.File.Path + " " + op.Method + " " + op.Path
		it, ok := items[op.Path]
		if !ok {
			it = &pathItem{api: api, path: op.Path, ops: map[string]*surface.Operation{}, schemas: map[string]*openapi3.Schema{}}
			items[op.Path] = it
			order = append(order, op.Path)
		}
		if _, dup := it.ops[op.Method]; !dup {
			it.ops[op.Method] = op
		}
		for _, p := range op.Parameters {
			if p.In == "path" && p.Schema != nil && p.Schema.Value != nil {
				if _, ok := it.schemas[p.Name]; !ok {
					it.schemas[p.Name] = p.Schema.Value
				}
			}
		}
	}
	versions := map[string]bool{}
	for _, path := range order {
		it := items[path]
		segs := splitTemplate(path)
		ix.insert(segs, it)
		if _, ok := ix.byStructure[structureKey(segs)]; !ok {
			ix.byStructure[structureKey(segs)] = it
		}
		for _, s := range segs {
			if classify(s) == kindVersion {
				versions[s] = true
			}
		}
	}
	ix.bases, ix.hosts = serverBases(api)
	for _, b := range ix.bases {
		for _, s := range b {
			if classify(s) == kindVersion {
				versions[s] = true
			}
		}
	}
	for v := range versions {
		ix.versions = append(ix.versions, v)
	}
	sort.Strings(ix.versions)
	return ix
}

func (ix *apiIndex) insert(segs []string, it *pathItem) {
	n := ix.root
	for _, s := range segs {
		if !strings.Contains(s, "{") {
			child, ok := n.literal[s]
			if !ok {
				child = newNode()
				n.literal[s] = child
			}
			n = child
			continue
		}
		var edge *paramEdge
		for _, e := range n.params {
			if e.seg.raw == s {
				edge = e
				break
			}
		}
		if edge == nil {
			edge = &paramEdge{seg: compileSegment(s), next: newNode()}
			n.params = append(n.params, edge)
			sort.SliceStable(n.params, func(i, j int) bool {
				return literalChars(n.params[i].seg.raw) > literalChars(n.params[j].seg.raw)
			})
		}
		if edge.schema == nil && edge.seg.re == nil {
			edge.schema = it.schemas[edge.seg.names[0]]
		}
		n = edge.next
	}
	n.items = append(n.items, it)
}

// siblingParams walks segments down the documented paths, literal first,
// then through a whole-segment parameter whose schema the value fits; it
// stops where neither continues. names[i] is the parameter a segment sits
// at ("" elsewhere), n how many there are. The first segment, versions and
// scaffold words (api, rest) never become parameters: /{version}/name
// documented does not make /api/v1/missing a /{version}/v1/missing.
func (ix *apiIndex) siblingParams(segs []string, pc patternCache) (names []string, n int) {
	nd := ix.root
	for i, s := range segs {
		if child, ok := nd.literal[s]; ok {
			nd = child
			continue
		}
		if i == 0 || isScaffold(s) {
			break
		}
		var next *node
		for _, e := range nd.params {
			if e.seg.re == nil && pc.validate(s, e.schema) == "" {
				if names == nil {
					names = make([]string, len(segs))
				}
				names[i], next = e.seg.names[0], e.next
				n++
				break
			}
		}
		if next == nil {
			break
		}
		nd = next
	}
	return names, n
}

// literalChars counts the characters of a template segment outside {…}.
func literalChars(seg string) int {
	n, depth := 0, 0
	for _, c := range seg {
		switch {
		case c == '{':
			depth++
		case c == '}':
			depth--
		case depth == 0:
			n++
		}
	}
	return n
}

var reParam = regexp.MustCompile(`\{([^{}]+)\}`)

// compileSegment turns a template segment into a matcher; a segment that
// mixes literals and parameters becomes an anchored regular expression.
func compileSegment(s string) segMatcher {
	m := reParam.FindAllStringSubmatchIndex(s, -1)
	if len(m) == 1 && m[0][0] == 0 && m[0][1] == len(s) {
		return segMatcher{raw: s, names: []string{s[m[0][2]:m[0][3]]}}
	}
	var b strings.Builder
	b.WriteString("^")
	var names []string
	last := 0
	for i, loc := range m {
		b.WriteString(regexp.QuoteMeta(s[last:loc[0]]))
		// A parameter followed directly by another one is lazy; one
		// followed by a literal stops at it; the last is greedy.
		if i+1 < len(m) || loc[1] < len(s) {
			b.WriteString("(.+?)")
		} else {
			b.WriteString("(.+)")
		}
		names = append(names, s[loc[2]:loc[3]])
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(s[last:]))
	b.WriteString("$")
	return segMatcher{raw: s, re: regexp.MustCompile(b.String()), names: names}
}

type capture struct{ name, value string }

// matchResult is the outcome of matching a path against one API.
type matchResult struct {
	item *pathItem
	// mismatch is set when a path matched a template only structurally: a
	// value failed the parameter's schema.
	mismatch     string
	mismatchItem *pathItem
}

// match finds the documented path for segments: per segment, left to
// right, a literal beats a template; a dead end backtracks; a template
// only matches when the value validates against the parameter schema.
func (ix *apiIndex) match(segs []string, pc patternCache) matchResult {
	m := matcher{ix: ix, segs: segs, caps: make([]capture, 0, 8), patterns: pc}
	m.walk(ix.root, 0)
	return m.res
}

// matcher is the state of one match: the captured values so far.
type matcher struct {
	ix       *apiIndex
	segs     []string
	caps     []capture
	patterns patternCache
	res      matchResult
}

func (m *matcher) walk(n *node, i int) bool {
	if i == len(m.segs) {
		for _, it := range n.items {
			why := ""
			for _, c := range m.caps {
				if why = m.patterns.validate(c.value, it.schemas[c.name]); why != "" {
					// The reason quotes the value: redact it like a sample.
					why = strings.ReplaceAll(why, strconv.Quote(c.value), strconv.Quote(redactSegment(c.value)))
					break
				}
			}
			if why == "" {
				m.res.item = it
				return true
			}
			if m.res.mismatchItem == nil {
				m.res.mismatch, m.res.mismatchItem = why, it
			}
		}
		return false
	}
	if child, ok := n.literal[m.segs[i]]; ok && m.walk(child, i+1) {
		return true
	}
	for _, e := range n.params {
		mark := len(m.caps)
		if e.seg.re == nil {
			m.caps = append(m.caps, capture{e.seg.names[0], m.segs[i]})
		} else {
			sub := e.seg.re.FindStringSubmatch(m.segs[i])
			if sub == nil {
				continue
			}
			for k, name := range e.seg.names {
				m.caps = append(m.caps, capture{name, sub[k+1]})
			}
		}
		if m.walk(e.next, i+1) {
			return true
		}
		m.caps = m.caps[:mark]
	}
	return false
}

// serverBases lists the base paths of an API's servers (server variables
// expanded with their default and enum values; Swagger 2.0's basePath
// arrives as the converted server URL) and their hosts.
func serverBases(api *surface.API) ([][]string, []string) {
	var urls []string
	if api.OpenAPI != nil {
		for _, s := range api.OpenAPI.Servers {
			if s != nil {
				urls = append(urls, expandServer(s)...)
			}
		}
	} else {
		for _, s := range api.Servers {
			urls = append(urls, s.URL)
		}
	}
	seenBase := map[string]bool{}
	seenHost := map[string]bool{}
	var bases [][]string
	var hosts []string
	for _, raw := range urls {
		path := raw
		if u, err := url.Parse(raw); err == nil {
			path = u.Path
			if h := strings.ToLower(u.Hostname()); h != "" && !seenHost[h] {
				seenHost[h] = true
				hosts = append(hosts, h)
			}
		}
		segs := splitTemplate(path)
		key := strings.Join(segs, "/")
		if len(segs) > 0 && !seenBase[key] {
			seenBase[key] = true
			bases = append(bases, segs)
		}
	}
	sort.SliceStable(bases, func(i, j int) bool { return len(bases[i]) > len(bases[j]) })
	return append(bases, nil), hosts
}

// expandServer substitutes server variables with their default and each
// enum value.
func expandServer(s *openapi3.Server) []string {
	out := []string{s.URL}
	for name, v := range s.Variables {
		if v == nil {
			continue
		}
		values := append([]string{v.Default}, v.Enum...)
		var next []string
		seen := map[string]bool{}
		for _, u := range out {
			for _, val := range values {
				e := strings.ReplaceAll(u, "{"+name+"}", val)
				if !seen[e] {
					seen[e] = true
					next = append(next, e)
				}
			}
		}
		out = next
	}
	return out
}

// stripBase removes a base path at a segment boundary.
func stripBase(segs, base []string) ([]string, bool) {
	if len(base) > len(segs) {
		return nil, false
	}
	for i, b := range base {
		if segs[i] != b {
			return nil, false
		}
	}
	return segs[len(base):], true
}

// compareVersions orders version tokens numerically: v2 < v10, v2.7 < v4.0.
func compareVersions(a, b string) int {
	pa := strings.Split(strings.TrimLeft(a, "vV"), ".")
	pb := strings.Split(strings.TrimLeft(b, "vV"), ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			x = leadingNumber(pa[i])
		}
		if i < len(pb) {
			y = leadingNumber(pb[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// leadingNumber reads the digits a version part starts with ("2beta1" is 2).
func leadingNumber(s string) int {
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, _ := strconv.Atoi(s[:end])
	return n
}

// digitBlind reports whether the API's paths cannot tell two digit
// strings of the same length apart: no literal segment is all digits and
// no path parameter schema constrains values beyond their type.
func (ix *apiIndex) digitBlind() bool {
	for _, b := range ix.bases {
		for _, s := range b {
			if allDigits(s) {
				return false
			}
		}
	}
	blind := true
	var visit func(n *node)
	visit = func(n *node) {
		for lit, child := range n.literal {
			if allDigits(lit) {
				blind = false
			}
			visit(child)
		}
		for _, e := range n.params {
			if e.seg.re != nil && allDigits(literalPart(e.seg.raw)) {
				blind = false // "{a}1{b}" can split a digit string
			}
			visit(e.next)
		}
		for _, it := range n.items {
			for _, sch := range it.schemas {
				if !plainSchema(sch) {
					blind = false
				}
			}
		}
	}
	visit(ix.root)
	return blind
}

// runBlind reports whether the API cannot tell apart two mixed segments
// that differ only in the digits of their digit runs: no literal segment
// holds a digit unless it is a version. It assumes digitBlind, which
// rules out patterns, bounds and digit enums; date and date-time values,
// whose validity depends on their digits, are date-shaped, and
// appendCacheKey keeps date-shaped segments whole.
func (ix *apiIndex) runBlind() bool {
	for _, b := range ix.bases {
		for _, s := range b {
			if hasDigit(s) && !versionLike(s) {
				return false
			}
		}
	}
	blind := true
	var visit func(n *node)
	visit = func(n *node) {
		for lit, child := range n.literal {
			if hasDigit(lit) && !versionLike(lit) {
				blind = false
			}
			visit(child)
		}
		for _, e := range n.params {
			if hasDigit(literalPart(e.seg.raw)) {
				blind = false
			}
			visit(e.next)
		}
	}
	visit(ix.root)
	return blind
}

// plainSchema reports whether a schema accepts every digit string of a
// given length alike: a bare type or format, nothing value-dependent.
func plainSchema(s *openapi3.Schema) bool {
	if s == nil {
		return true
	}
	for _, e := range s.Enum {
		if v, ok := e.(string); !ok || allDigits(v) {
			return false
		}
	}
	// date, date-time and uuid formats reject every digit string alike;
	// int32 does not (its range splits ten-digit strings).
	return s.Pattern == "" && s.Min == nil && s.Max == nil &&
		!s.ExclusiveMin.IsSet() && !s.ExclusiveMax.IsSet() && s.MinLength == 0 && s.MaxLength == nil &&
		len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 && s.Format != "int32"
}

// literalPart is a template segment without its {parameters}.
func literalPart(seg string) string {
	return reParam.ReplaceAllString(seg, "")
}
