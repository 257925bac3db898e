package fastapilike

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// This file is Pydantic v2 as FastAPI drives it: lax-mode validation of
// the Python objects json.loads produced (validate_python with
// from_attributes=True), the error list FastAPI returns in a 422, and the
// JSON Schema the models publish in /openapi.json.

type kind uint8

const (
	kStr kind = iota
	kInt
	kFloat
	kEnum  // a str Enum, published as its own component
	kList  // list[elem]
	kModel // a nested model
)

// field is one annotated attribute of a BaseModel.
type field struct {
	name     string
	kind     kind
	nullable bool // Optional[...] / X | None
	required bool
	def      any // default when not required; nil is None
	hasDef   bool
	minLen   int
	maxLen   int
	pattern  string
	ge, le   *int64
	enum     *enumType
	elem     *model
}

type enumType struct {
	name   string
	values []string
}

// model is a BaseModel subclass.
type model struct {
	name       string
	fields     []field
	allowExtra bool // model_config extra="allow"
	pythonRe   bool // model_config regex_engine="python-re"
}

func i64(v int64) *int64 { return &v }

// verr is one entry of the 422's detail list.
type verr struct {
	typ   string
	loc   []any
	msg   string
	input any
	ctx   obj
}

func (e verr) obj() obj {
	o := obj{{"type", e.typ}, {"loc", append([]any(nil), e.loc...)}, {"msg", e.msg}, {"input", e.input}}
	if e.ctx != nil {
		o = append(o, kv{"ctx", e.ctx})
	}
	return o
}

func errorsBody(errs []verr) obj {
	l := make([]any, len(errs))
	for i, e := range errs {
		l[i] = e.obj()
	}
	return obj{{"detail", l}}
}

// validator carries the per-server choices: whether a python-re model
// really uses the backtracking engine (it does unless the server is
// secure, where the model keeps Pydantic's default Rust engine, which is
// linear).
type validator struct {
	backtracking bool
}

var (
	re2Cache  sync.Map // pattern -> *regexp.Regexp
	pyReCache sync.Map // pattern -> *pyRegexp
)

func (v validator) patternOK(m *model, pattern, s string) bool {
	if m != nil && m.pythonRe && v.backtracking {
		c, ok := pyReCache.Load(pattern)
		if !ok {
			c, _ = pyReCache.LoadOrStore(pattern, mustPyRe(pattern))
		}
		matched, _ := c.(*pyRegexp).match(s)
		return matched
	}
	c, ok := re2Cache.Load(pattern)
	if !ok {
		c, _ = re2Cache.LoadOrStore(pattern, regexp.MustCompile(pattern))
	}
	return c.(*regexp.Regexp).MatchString(s) // search, as the Rust engine does
}

func withLoc(loc []any, k any) []any {
	out := make([]any, len(loc)+1)
	copy(out, loc)
	out[len(loc)] = k
	return out
}

// validateModel validates in against m. The result holds every declared
// field (defaults filled in) followed, for extra="allow", by the extra
// keys in input order; extra keys are dropped otherwise.
func (v validator) validateModel(m *model, in any, loc []any) (obj, []verr) {
	o, ok := in.(obj)
	if !ok {
		return nil, []verr{{typ: "model_attributes_type", loc: loc, msg: "Input should be a valid dictionary or object to extract fields from", input: in}}
	}
	var out obj
	var errs []verr
	for i := range m.fields {
		f := &m.fields[i]
		raw, present := o.get(f.name)
		if !present {
			if f.required {
				errs = append(errs, verr{typ: "missing", loc: withLoc(loc, f.name), msg: "Field required", input: in})
				continue
			}
			out = append(out, kv{f.name, f.def})
			continue
		}
		val, fe := v.validateField(m, f, raw, withLoc(loc, f.name))
		if len(fe) > 0 {
			errs = append(errs, fe...)
			continue
		}
		out = append(out, kv{f.name, val})
	}
	if m.allowExtra {
		for _, e := range o {
			if !m.declares(e.k) {
				if _, dup := out.get(e.k); !dup {
					out = append(out, kv{e.k, o.mustGet(e.k)})
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func (o obj) mustGet(k string) any { v, _ := o.get(k); return v }

func (m *model) declares(name string) bool {
	for _, f := range m.fields {
		if f.name == name {
			return true
		}
	}
	return false
}

// extras returns the keys of a validated extra="allow" model that the
// model does not declare.
func (m *model) extras(o obj) obj {
	var ex obj
	for _, e := range o {
		if !m.declares(e.k) {
			ex = append(ex, e)
		}
	}
	return ex
}

func (v validator) validateField(m *model, f *field, raw any, loc []any) (any, []verr) {
	if raw == nil && f.nullable {
		return nil, nil
	}
	switch f.kind {
	case kStr:
		s, ok := raw.(string)
		if !ok {
			return nil, []verr{{typ: "string_type", loc: loc, msg: "Input should be a valid string", input: raw}}
		}
		return v.strConstraints(m, f, s, loc)
	case kInt:
		n, e := laxInt(raw, loc)
		if e != nil {
			return nil, []verr{*e}
		}
		if f.ge != nil && n < *f.ge {
			return nil, []verr{{typ: "greater_than_equal", loc: loc, msg: "Input should be greater than or equal to " + strconv.FormatInt(*f.ge, 10), input: raw, ctx: obj{{"ge", *f.ge}}}}
		}
		if f.le != nil && n > *f.le {
			return nil, []verr{{typ: "less_than_equal", loc: loc, msg: "Input should be less than or equal to " + strconv.FormatInt(*f.le, 10), input: raw, ctx: obj{{"le", *f.le}}}}
		}
		return n, nil
	case kFloat:
		x, e := laxFloat(raw, loc)
		if e != nil {
			return nil, []verr{*e}
		}
		return x, nil
	case kEnum:
		s, ok := raw.(string)
		if ok {
			for _, ev := range f.enum.values {
				if s == ev {
					return s, nil
				}
			}
		}
		exp := enumExpected(f.enum.values)
		return nil, []verr{{typ: "enum", loc: loc, msg: "Input should be " + exp, input: raw, ctx: obj{{"expected", exp}}}}
	case kList:
		l, ok := raw.([]any)
		if !ok {
			return nil, []verr{{typ: "list_type", loc: loc, msg: "Input should be a valid list", input: raw}}
		}
		out := make([]any, 0, len(l))
		var errs []verr
		for i, e := range l {
			o, ee := v.validateModel(f.elem, e, withLoc(loc, i))
			if len(ee) > 0 {
				errs = append(errs, ee...)
				continue
			}
			out = append(out, o)
		}
		if len(errs) > 0 {
			return nil, errs
		}
		return out, nil
	case kModel:
		return v.validateModel(f.elem, raw, loc)
	}
	return raw, nil
}

func (v validator) strConstraints(m *model, f *field, s string, loc []any) (any, []verr) {
	n := len([]rune(s))
	if f.minLen > 0 && n < f.minLen {
		return nil, []verr{{typ: "string_too_short", loc: loc, msg: "String should have at least " + plural(f.minLen, "character"), input: s, ctx: obj{{"min_length", int64(f.minLen)}}}}
	}
	if f.maxLen > 0 && n > f.maxLen {
		return nil, []verr{{typ: "string_too_long", loc: loc, msg: "String should have at most " + plural(f.maxLen, "character"), input: s, ctx: obj{{"max_length", int64(f.maxLen)}}}}
	}
	if f.pattern != "" && !v.patternOK(m, f.pattern, s) {
		return nil, []verr{{typ: "string_pattern_mismatch", loc: loc, msg: "String should match pattern '" + f.pattern + "'", input: s, ctx: obj{{"pattern", f.pattern}}}}
	}
	return s, nil
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return strconv.Itoa(n) + " " + w + "s"
}

func enumExpected(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "'" + v + "'"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// laxInt is Pydantic's int in lax mode: ints, bools, floats without a
// fraction and numeric strings. Integers beyond int64 are valid for
// Python; they are clamped here and fail later at the database, as a
// Postgres integer column would.
func laxInt(raw any, loc []any) (int64, *verr) {
	switch x := raw.(type) {
	case int64:
		return x, nil
	case *big.Int:
		if x.Sign() < 0 {
			return math.MinInt64, nil
		}
		return math.MaxInt64, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, &verr{typ: "finite_number", loc: loc, msg: "Input should be a finite number", input: raw}
		}
		if x != math.Trunc(x) {
			return 0, &verr{typ: "int_from_float", loc: loc, msg: "Input should be a valid integer, got a number with a fractional part", input: raw}
		}
		if x >= 9.2e18 || x <= -9.2e18 {
			return int64(math.Copysign(math.MaxInt64, x)), nil
		}
		return int64(x), nil
	case string:
		return parseIntStr(x, loc)
	}
	return 0, &verr{typ: "int_type", loc: loc, msg: "Input should be a valid integer", input: raw}
}

func parseIntStr(s string, loc []any) (int64, *verr) {
	t := strings.TrimSpace(s)
	t = strings.ReplaceAll(t, "_", "")
	bad := &verr{typ: "int_parsing", loc: loc, msg: "Input should be a valid integer, unable to parse string as an integer", input: s}
	if t == "" || strings.Contains(strings.TrimSpace(s), "__") || strings.HasPrefix(strings.TrimSpace(s), "_") || strings.HasSuffix(strings.TrimSpace(s), "_") {
		return 0, bad
	}
	digits := strings.TrimLeft(t, "+-")
	if len(t)-len(digits) > 1 || digits == "" {
		return 0, bad
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, bad
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil { // out of range: a valid Python int
		if strings.HasPrefix(t, "-") {
			return math.MinInt64, nil
		}
		return math.MaxInt64, nil
	}
	return n, nil
}

func laxFloat(raw any, loc []any) (float64, *verr) {
	switch x := raw.(type) {
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		t := strings.TrimSpace(x)
		switch strings.ToLower(strings.TrimLeft(t, "+-")) {
		case "inf", "infinity", "nan":
			f, _ := strconv.ParseFloat(t, 64)
			return f, nil
		}
		if f, err := strconv.ParseFloat(t, 64); err == nil && !strings.ContainsAny(t, "xXpP") {
			return f, nil
		}
		return 0, &verr{typ: "float_parsing", loc: loc, msg: "Input should be a valid number, unable to parse string as a number", input: x}
	}
	return 0, &verr{typ: "float_type", loc: loc, msg: "Input should be a valid number", input: raw}
}

// pyTitle is the title Pydantic derives from a field name.
func pyTitle(name string) string {
	var sb strings.Builder
	prevLetter := false
	for _, r := range name {
		if r == '_' {
			sb.WriteByte(' ')
			prevLetter = false
			continue
		}
		isL := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		switch {
		case isL && !prevLetter:
			sb.WriteString(strings.ToUpper(string(r)))
		case isL:
			sb.WriteString(strings.ToLower(string(r)))
		default:
			sb.WriteRune(r)
		}
		prevLetter = isL
	}
	return sb.String()
}

// ---- JSON Schema ----

func ref(name string) obj { return obj{{"$ref", "#/components/schemas/" + name}} }

func (f *field) schema() obj {
	var inner obj
	switch f.kind {
	case kStr:
		inner = obj{{"type", "string"}}
		if f.minLen > 0 {
			inner = append(inner, kv{"minLength", int64(f.minLen)})
		}
		if f.maxLen > 0 {
			inner = append(inner, kv{"maxLength", int64(f.maxLen)})
		}
		if f.pattern != "" {
			inner = append(inner, kv{"pattern", f.pattern})
		}
	case kInt:
		inner = obj{{"type", "integer"}}
		if f.le != nil {
			inner = append(inner, kv{"maximum", *f.le})
		}
		if f.ge != nil {
			inner = append(inner, kv{"minimum", *f.ge})
		}
	case kFloat:
		inner = obj{{"type", "number"}}
	case kEnum:
		inner = ref(f.enum.name)
	case kList:
		inner = obj{{"items", ref(f.elem.name)}, {"type", "array"}}
	case kModel:
		inner = ref(f.elem.name)
	}
	var s obj
	if f.nullable {
		s = obj{{"anyOf", []any{inner, obj{{"type", "null"}}}}}
	} else {
		s = inner
	}
	if (f.kind == kEnum || f.kind == kModel) && !f.nullable && !f.hasDef {
		return s // a bare $ref, as Pydantic v2 writes it
	}
	s = append(s, kv{"title", pyTitle(f.name)})
	if f.hasDef && f.def != nil {
		s = append(s, kv{"default", f.def})
	}
	return s
}

func (m *model) schema() obj {
	props := obj{}
	var req []any
	for i := range m.fields {
		f := &m.fields[i]
		props = append(props, kv{f.name, f.schema()})
		if f.required {
			req = append(req, f.name)
		}
	}
	s := obj{{"properties", props}}
	if m.allowExtra {
		s = append(s, kv{"additionalProperties", true})
	}
	s = append(s, kv{"type", "object"})
	if len(req) > 0 {
		s = append(s, kv{"required", req})
	}
	return append(s, kv{"title", m.name})
}

func (e *enumType) schema() obj {
	vals := make([]any, len(e.values))
	for i, v := range e.values {
		vals[i] = v
	}
	return obj{{"type", "string"}, {"enum", vals}, {"title", e.name}}
}
