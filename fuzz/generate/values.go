package generate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxDepth bounds how deep generated objects and arrays nest (recursive
// schemas stop here).
const maxDepth = 4

// typeOf returns the schema's primary type, inferring it from constraints
// when the schema declares none.
func typeOf(s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	if s.Type != nil {
		for _, t := range s.Type.Slice() {
			if t != "null" {
				return t
			}
		}
	}
	switch {
	case len(s.Properties) > 0:
		return "object"
	case s.Items != nil:
		return "array"
	case s.Min != nil || s.Max != nil:
		return "number"
	case s.MinLength > 0 || s.MaxLength != nil || s.Pattern != "":
		return "string"
	}
	if len(s.AllOf) > 0 {
		return typeOf(merged(s))
	}
	return ""
}

// merged flattens allOf into one schema (properties, required, bounds) for
// generation; the original is kept for validation.
func merged(s *openapi3.Schema) *openapi3.Schema {
	if s == nil || len(s.AllOf) == 0 {
		return s
	}
	out := *s
	out.AllOf = nil
	out.Properties = openapi3.Schemas{}
	for k, v := range s.Properties {
		out.Properties[k] = v
	}
	out.Required = append([]string(nil), s.Required...)
	for _, part := range s.AllOf {
		if part == nil || part.Value == nil {
			continue
		}
		p := merged(part.Value)
		for k, v := range p.Properties {
			out.Properties[k] = v
		}
		out.Required = append(out.Required, p.Required...)
		if out.Type == nil && p.Type != nil {
			out.Type = p.Type
		}
		if out.Items == nil {
			out.Items = p.Items
		}
	}
	return &out
}

// pick resolves oneOf/anyOf to their first branch and allOf to a merge.
func pick(s *openapi3.Schema) *openapi3.Schema {
	if s == nil {
		return nil
	}
	s = merged(s)
	if typeOf(s) == "" {
		for _, alts := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
			for _, a := range alts {
				if a != nil && a.Value != nil {
					return pick(a.Value)
				}
			}
		}
	}
	return s
}

// exampleOf returns a value the spec writes for the schema: example,
// examples, default, const or the first enum value.
func exampleOf(s *openapi3.Schema) (any, bool) {
	if s == nil {
		return nil, false
	}
	switch {
	case s.Example != nil:
		return s.Example, true
	case len(s.Examples) > 0:
		return s.Examples[0], true
	case s.Default != nil:
		return s.Default, true
	case s.Const != nil:
		return s.Const, true
	case len(s.Enum) > 0:
		return s.Enum[0], true
	}
	return nil, false
}

// values generates schema values from one deterministic source.
type values struct {
	rng *rand.Rand
	// patterns caches compiled schema patterns (nil: Go cannot read it).
	patterns map[string]*pattern
}

// patternFor compiles a schema pattern once per generator.
func (g *values) patternFor(expr string) (*pattern, bool) {
	if p, ok := g.patterns[expr]; ok {
		return p, p != nil
	}
	p, ok := compilePattern(expr)
	if g.patterns == nil {
		g.patterns = map[string]*pattern{}
	}
	g.patterns[expr] = p
	return p, ok
}

// sortedKeys returns a schema's property names in a stable order.
func sortedKeys(m openapi3.Schemas) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// example builds a value from the spec's examples where written, else a
// plain valid value (the smallest that satisfies the constraints).
func (g *values) example(s *openapi3.Schema, depth int) any {
	s = pick(s)
	if v, ok := exampleOf(s); ok {
		return v
	}
	return g.valid(s, depth, false)
}

// valid builds a schema-valid value: random when random is set, else the
// plainest one.
func (g *values) valid(s *openapi3.Schema, depth int, random bool) any {
	s = pick(s)
	if s == nil {
		return "specter"
	}
	if random && len(s.Enum) > 0 {
		return s.Enum[g.rng.IntN(len(s.Enum))]
	}
	if v, ok := exampleOf(s); ok && (!random || g.rng.IntN(4) == 0) {
		return v
	}
	switch typeOf(s) {
	case "object":
		obj := map[string]any{}
		if depth >= maxDepth {
			return obj
		}
		required := map[string]bool{}
		for _, r := range s.Required {
			required[r] = true
		}
		for _, k := range sortedKeys(s.Properties) {
			p := s.Properties[k]
			if p == nil || p.Value == nil || p.Value.ReadOnly {
				continue
			}
			if required[k] || !random || g.rng.IntN(2) == 0 {
				obj[k] = g.valid(p.Value, depth+1, random)
			}
		}
		return obj
	case "array":
		n := int(s.MinItems)
		if random {
			hi := n + 3
			if s.MaxItems != nil && int(*s.MaxItems) < hi {
				hi = int(*s.MaxItems)
			}
			if hi > n {
				n += g.rng.IntN(hi - n + 1)
			}
		} else if n == 0 && (s.MaxItems == nil || *s.MaxItems > 0) {
			n = 1
		}
		if depth >= maxDepth {
			n = int(s.MinItems)
		}
		arr := make([]any, 0, n)
		for i := 0; i < n; i++ {
			var item *openapi3.Schema
			if s.Items != nil {
				item = s.Items.Value
			}
			v := g.valid(item, depth+1, random)
			if s.UniqueItems {
				v = uniqueVariant(v, i)
			}
			arr = append(arr, v)
		}
		return arr
	case "integer":
		lo, hi := intBounds(s)
		v := lo
		if random {
			v = lo + g.rng.Int64N(hi-lo+1)
		} else if lo <= 1 && hi >= 1 {
			v = 1
		}
		if m := s.MultipleOf; m != nil && *m >= 1 {
			step := int64(*m)
			v = (v / step) * step
			if v < lo {
				v += step
			}
		}
		return v
	case "number":
		lo, hi := numBounds(s)
		v := lo
		if random {
			v = lo + g.rng.Float64()*(hi-lo)
		} else if lo <= 1.5 && hi >= 1.5 {
			v = 1.5
		}
		if m := s.MultipleOf; m != nil && *m > 0 {
			v = math.Ceil(v / *m) * *m
		}
		return v
	case "boolean":
		if random {
			return g.rng.IntN(2) == 0
		}
		return true
	default:
		return g.str(s, random)
	}
}

// uniqueVariant makes array items distinct for uniqueItems.
func uniqueVariant(v any, i int) any {
	switch x := v.(type) {
	case string:
		if i > 0 {
			return fmt.Sprintf("%s%d", x, i)
		}
	case int64:
		return x + int64(i)
	case float64:
		return x + float64(i)
	}
	return v
}

// intBounds returns the inclusive range of an integer schema, defaulting
// to [0, 1000] where unbounded.
func intBounds(s *openapi3.Schema) (int64, int64) {
	lo, hi := int64(0), int64(1000)
	if s.Min != nil {
		lo = int64(math.Ceil(*s.Min))
		if s.ExclusiveMin.IsTrue() {
			lo++
		}
		if s.Max == nil {
			hi = lo + 1000
		}
	}
	if s.ExclusiveMin.Value != nil {
		lo = int64(math.Floor(*s.ExclusiveMin.Value)) + 1
	}
	if s.Max != nil {
		hi = int64(math.Floor(*s.Max))
		if s.ExclusiveMax.IsTrue() {
			hi--
		}
		if s.Min == nil && hi < lo {
			lo = hi - 1000
		}
	}
	if s.ExclusiveMax.Value != nil {
		hi = int64(math.Ceil(*s.ExclusiveMax.Value)) - 1
	}
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

func numBounds(s *openapi3.Schema) (float64, float64) {
	lo, hi := intBounds(s)
	fl, fh := float64(lo), float64(hi)
	if s.Min != nil && !s.ExclusiveMin.IsTrue() {
		fl = *s.Min
	}
	if s.Max != nil && !s.ExclusiveMax.IsTrue() {
		fh = *s.Max
	}
	return fl, fh
}

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// str builds a string for the schema's format, pattern and length bounds.
// A pattern Go's regexp cannot read (lookarounds, backreferences), or one
// no generated string fits with the length bounds, gets a plain string,
// which the engine's request check then records as invalid.
func (g *values) str(s *openapi3.Schema, random bool) string {
	var p *pattern
	if s.Pattern != "" {
		p, _ = g.patternFor(s.Pattern)
	}
	if f := formatValue(s.Format, g.rng, random); f != "" && (p == nil || p.re.MatchString(f)) {
		return f
	}
	if p != nil {
		maxLen := -1
		if s.MaxLength != nil {
			maxLen = int(*s.MaxLength)
		}
		var rng *rand.Rand
		if random {
			rng = g.rng
		}
		if v, ok := p.generate(rng, int(s.MinLength), maxLen); ok {
			return v
		}
	}
	lo := int(s.MinLength)
	hi := lo + 12
	if s.MaxLength != nil {
		hi = int(*s.MaxLength)
	}
	if hi < lo {
		hi = lo
	}
	n := lo
	if random {
		n = lo + g.rng.IntN(hi-lo+1)
	} else if n < 7 && hi >= 7 {
		n = 7
	} else if n == 0 && hi > 0 {
		n = hi
	}
	if !random {
		return strings.Repeat("specter", n/7+1)[:n]
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(alphabet[g.rng.IntN(len(alphabet))])
	}
	return b.String()
}

// formatValue returns a valid value for well-known string formats.
func formatValue(format string, rng *rand.Rand, random bool) string {
	n := 1
	if random {
		n = rng.IntN(250) + 1
	}
	switch format {
	case "uuid":
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	case "email":
		return fmt.Sprintf("user%d@example.com", n)
	case "date":
		return fmt.Sprintf("2024-01-%02d", n%28+1)
	case "date-time":
		return fmt.Sprintf("2024-01-%02dT12:00:00Z", n%28+1)
	case "uri", "url":
		return fmt.Sprintf("https://example.com/%d", n)
	case "hostname":
		return fmt.Sprintf("host%d.example.com", n)
	case "ipv4":
		return fmt.Sprintf("192.0.2.%d", n%250+1)
	case "ipv6":
		return fmt.Sprintf("2001:db8::%x", n)
	case "byte":
		return "c3BlY3Rlcg=="
	}
	return ""
}

// bound is one value placed in a field, with whether it should satisfy the
// schema and a label for the case's Mutation.
type bound struct {
	value any
	valid bool
	label string
}

// boundaries lists the edge values of a schema: min, max, just outside,
// length edges, enum members, formats.
func boundaries(s *openapi3.Schema) []bound {
	s = pick(s)
	if s == nil {
		return nil
	}
	var out []bound
	if len(s.Enum) > 0 {
		for i, e := range s.Enum {
			if i >= 4 {
				break
			}
			out = append(out, bound{e, true, fmt.Sprintf("enum member %v", e)})
		}
		out = append(out, bound{"specter-not-in-enum", false, "value outside the enum"})
		return out
	}
	switch typeOf(s) {
	case "integer", "number":
		lo, hi := intBounds(s)
		isInt := typeOf(s) == "integer"
		num := func(v int64) any {
			if isInt {
				return v
			}
			return float64(v)
		}
		if s.Min != nil || s.ExclusiveMin.Value != nil {
			out = append(out, bound{num(lo), true, "minimum"}, bound{num(lo - 1), false, "just below minimum"})
		} else {
			out = append(out, bound{num(0), true, "zero"}, bound{num(-1), true, "negative"})
		}
		if s.Max != nil || s.ExclusiveMax.Value != nil {
			out = append(out, bound{num(hi), true, "maximum"}, bound{num(hi + 1), false, "just above maximum"})
		} else {
			out = append(out, bound{num(math.MaxInt32), true, "large value (2^31-1)"})
		}
	case "string":
		if f := formatValue(s.Format, nil, false); f != "" {
			out = append(out, bound{f, true, "valid " + s.Format})
			if s.Format == "uuid" || s.Format == "date" || s.Format == "date-time" || s.Format == "email" {
				out = append(out, bound{"not-a-" + s.Format, false, "malformed " + s.Format})
			}
		}
		if s.Pattern != "" {
			if p, ok := compilePattern(s.Pattern); ok {
				maxLen := -1
				if s.MaxLength != nil {
					maxLen = int(*s.MaxLength)
				}
				if v, ok := p.generate(nil, int(s.MinLength), maxLen); ok {
					out = append(out, bound{v, true, "matches the pattern"})
				}
				if v, ok := p.mismatch(); ok {
					out = append(out, bound{v, false, "does not match the pattern"})
				}
			}
			return out
		}
		lo := int(s.MinLength)
		out = append(out, bound{strings.Repeat("a", lo), true, fmt.Sprintf("minimum length %d", lo)})
		if lo > 0 {
			out = append(out, bound{strings.Repeat("a", lo-1), false, fmt.Sprintf("length %d, below minLength", lo-1)})
		}
		if s.MaxLength != nil {
			hi := int(*s.MaxLength)
			out = append(out, bound{strings.Repeat("a", hi), true, fmt.Sprintf("maximum length %d", hi)},
				bound{strings.Repeat("a", hi+1), false, fmt.Sprintf("length %d, above maxLength", hi+1)})
		}
	case "array":
		var item *openapi3.Schema
		if s.Items != nil {
			item = s.Items.Value
		}
		g := &values{rng: rand.New(rand.NewPCG(1, 2))}
		mk := func(n int) []any {
			arr := make([]any, n)
			for i := range arr {
				arr[i] = uniqueVariant(g.valid(item, 1, false), i)
			}
			return arr
		}
		out = append(out, bound{mk(int(s.MinItems)), true, fmt.Sprintf("%d items (minItems)", s.MinItems)})
		if s.MinItems > 0 {
			out = append(out, bound{mk(int(s.MinItems) - 1), false, "fewer items than minItems"})
		}
		if s.MaxItems != nil && *s.MaxItems < 1000 {
			out = append(out, bound{mk(int(*s.MaxItems) + 1), false, "more items than maxItems"})
		}
	case "boolean":
		out = append(out, bound{true, true, "true"}, bound{false, true, "false"})
	}
	return out
}

// negatives lists values of the wrong type or out of range for a schema.
func negatives(s *openapi3.Schema) []bound {
	s = pick(s)
	if s == nil {
		return nil
	}
	var out []bound
	switch typeOf(s) {
	case "integer", "number":
		out = append(out, bound{"specter", false, "string instead of " + typeOf(s)})
		if typeOf(s) == "integer" {
			out = append(out, bound{1.5, false, "fraction instead of integer"})
		}
		out = append(out, bound{1e300, s.Max == nil, "huge number 1e300"})
	case "string":
		if len(s.Enum) == 0 {
			out = append(out, bound{12345, false, "number instead of string"})
		}
		out = append(out, bound{strings.Repeat("A", 100_000), s.MaxLength == nil && s.Pattern == "", "oversized string (100,000 characters)"})
	case "boolean":
		out = append(out, bound{"specter", false, "string instead of boolean"})
	case "array":
		out = append(out, bound{"specter", false, "string instead of array"})
	case "object":
		out = append(out, bound{[]any{1, 2}, false, "array instead of object"})
	}
	if !s.Nullable && (s.Type == nil || !s.Type.IncludesNull()) && typeOf(s) != "" {
		out = append(out, bound{nil, false, "null"})
	}
	return out
}
