package flasklike

// The application is a Python program: the values it reads from a JSON body
// are Python objects, its error messages carry their repr(), and what it
// writes back comes out of Python's json module (via Flask's provider:
// sorted keys, ASCII only). This file is that Python layer: a decoder with
// CPython's json error messages and positions, the two encoders (json.dumps
// and debug-mode jsonify) and repr/str/truthiness.

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pyInt is a Python int, kept as its canonical decimal text (Python ints
// have no size limit).
type pyInt string

// pyDict is a Python dict: insertion ordered, a repeated key keeps its first
// place and its last value (as json.loads builds it).
type pyDict struct {
	keys []string
	vals map[string]any
}

func newDict() *pyDict { return &pyDict{vals: map[string]any{}} }

func (d *pyDict) set(k string, v any) {
	if _, ok := d.vals[k]; !ok {
		d.keys = append(d.keys, k)
	}
	d.vals[k] = v
}

func (d *pyDict) get(k string) (any, bool) {
	v, ok := d.vals[k]
	return v, ok
}

// jsonDecodeError is json.JSONDecodeError (a ValueError).
type jsonDecodeError struct {
	msg       string
	pos       int
	line, col int
}

func (e *jsonDecodeError) Error() string {
	return fmt.Sprintf("%s: line %d column %d (char %d)", e.msg, e.line, e.col, e.pos)
}

// valueError is any other ValueError json.loads raises (bad UTF-8, an int
// too long for str->int conversion).
type valueError struct{ msg string }

func (e *valueError) Error() string { return e.msg }

// recursionError is the RecursionError CPython's C scanner raises on very
// deep nesting. It is not a ValueError: Flask does not turn it into a 400.
type recursionError struct{ what string }

func (e *recursionError) Error() string {
	return "maximum recursion depth exceeded while decoding a JSON " + e.what + " from a unicode string"
}

// maxNesting is where this decoder gives up with a RecursionError. CPython
// stops near 1000 levels; this is deliberately far beyond anything but a
// targeted attack (see the package report).
const maxNesting = 10000

// pyLoads is json.loads(bytes) as Flask calls it.
func pyLoads(data []byte) (any, error) {
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		data = data[3:] // detect_encoding picks utf-8-sig
	}
	if err := checkUTF8(data); err != nil {
		return nil, err
	}
	d := &decoder{s: []rune(string(data))}
	idx := d.ws(0)
	v, end, err := d.scan(idx, 0)
	if err != nil {
		return nil, err
	}
	end = d.ws(end)
	if end != len(d.s) {
		return nil, d.fail("Extra data", end)
	}
	return v, nil
}

// checkUTF8 reports invalid UTF-8 the way bytes.decode('utf-8') does.
func checkUTF8(b []byte) error {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n > 1 {
			i += n
			continue
		}
		c := b[i]
		reason := "invalid start byte"
		if c >= 0xC2 && c <= 0xF4 {
			need := 1
			if c >= 0xE0 {
				need = 2
			}
			if c >= 0xF0 {
				need = 3
			}
			if rest := b[i+1:]; len(rest) < need && allContinuation(rest) {
				reason = "unexpected end of data"
			} else {
				reason = "invalid continuation byte"
			}
		}
		return &valueError{fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: %s", c, i, reason)}
	}
	return nil
}

func allContinuation(b []byte) bool {
	for _, c := range b {
		if c&0xC0 != 0x80 {
			return false
		}
	}
	return true
}

type decoder struct{ s []rune }

func (d *decoder) fail(msg string, pos int) error {
	line := 1
	last := -1
	for i := 0; i < pos && i < len(d.s); i++ {
		if d.s[i] == '\n' {
			line++
			last = i
		}
	}
	return &jsonDecodeError{msg: msg, pos: pos, line: line, col: pos - last}
}

func isWS(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

func (d *decoder) ws(i int) int {
	for i < len(d.s) && isWS(d.s[i]) {
		i++
	}
	return i
}

func (d *decoder) at(i int) rune {
	if i < len(d.s) {
		return d.s[i]
	}
	return -1
}

func (d *decoder) hasPrefix(i int, lit string) bool {
	for _, r := range lit {
		if d.at(i) != r {
			return false
		}
		i++
	}
	return true
}

// stopIteration is scan_once's StopIteration(idx): no value starts here.
type stopIteration struct{ idx int }

func (e *stopIteration) Error() string { return "StopIteration" }

// scan is scan_once; the caller turns a stopIteration into "Expecting value".
func (d *decoder) scan(idx, depth int) (any, int, error) {
	v, end, err := d.scanOnce(idx, depth)
	if si, ok := err.(*stopIteration); ok {
		return nil, 0, d.fail("Expecting value", si.idx)
	}
	return v, end, err
}

func (d *decoder) scanOnce(idx, depth int) (any, int, error) {
	if idx >= len(d.s) {
		return nil, 0, &stopIteration{idx}
	}
	switch c := d.s[idx]; {
	case c == '"':
		return d.str(idx + 1)
	case c == '{':
		if depth >= maxNesting {
			return nil, 0, &recursionError{"object"}
		}
		return d.object(idx+1, depth+1)
	case c == '[':
		if depth >= maxNesting {
			return nil, 0, &recursionError{"array"}
		}
		return d.array(idx+1, depth+1)
	case c == 'n' && d.hasPrefix(idx, "null"):
		return nil, idx + 4, nil
	case c == 't' && d.hasPrefix(idx, "true"):
		return true, idx + 4, nil
	case c == 'f' && d.hasPrefix(idx, "false"):
		return false, idx + 5, nil
	case c == 'N' && d.hasPrefix(idx, "NaN"):
		return math.NaN(), idx + 3, nil
	case c == 'I' && d.hasPrefix(idx, "Infinity"):
		return math.Inf(1), idx + 8, nil
	case c == '-' && d.hasPrefix(idx, "-Infinity"):
		return math.Inf(-1), idx + 9, nil
	}
	return d.number(idx)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func (d *decoder) number(start int) (any, int, error) {
	i := start
	if d.at(i) == '-' {
		i++
	}
	switch {
	case d.at(i) >= '1' && d.at(i) <= '9':
		for isDigit(d.at(i)) {
			i++
		}
	case d.at(i) == '0':
		i++
	default:
		return nil, 0, &stopIteration{start}
	}
	intEnd := i
	isFloat := false
	if d.at(i) == '.' && isDigit(d.at(i+1)) {
		i += 2
		for isDigit(d.at(i)) {
			i++
		}
		isFloat = true
	}
	if d.at(i) == 'e' || d.at(i) == 'E' {
		j := i + 1
		if d.at(j) == '+' || d.at(j) == '-' {
			j++
		}
		if isDigit(d.at(j)) {
			for isDigit(d.at(j)) {
				j++
			}
			i = j
			isFloat = true
		}
	}
	text := string(d.s[start:i])
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil { // out of range: Python gives inf or 0.0
			if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
				return nil, 0, &valueError{err.Error()}
			}
		}
		return f, i, nil
	}
	digits := intEnd - start
	if d.s[start] == '-' {
		digits--
	}
	if digits > 4300 {
		return nil, 0, &valueError{fmt.Sprintf("Exceeds the limit (4300 digits) for integer string conversion: value has %d digits; use sys.set_int_max_str_digits() to increase the limit", digits)}
	}
	if text == "-0" {
		text = "0"
	}
	return pyInt(text), i, nil
}

func (d *decoder) str(end int) (any, int, error) {
	begin := end - 1
	var b strings.Builder
	for {
		if end >= len(d.s) {
			return nil, 0, d.fail("Unterminated string starting at", begin)
		}
		c := d.s[end]
		if c == '"' {
			return b.String(), end + 1, nil
		}
		if c < 0x20 {
			return nil, 0, d.fail("Invalid control character at", end)
		}
		if c != '\\' {
			b.WriteRune(c)
			end++
			continue
		}
		end++
		if end >= len(d.s) {
			return nil, 0, d.fail("Unterminated string starting at", begin)
		}
		e := d.s[end]
		if e != 'u' {
			m := map[rune]rune{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}
			r, ok := m[e]
			if !ok {
				return nil, 0, d.fail("Invalid \\escape", end-1)
			}
			b.WriteRune(r)
			end++
			continue
		}
		u, ok := d.hex4(end + 1)
		if !ok {
			return nil, 0, d.fail("Invalid \\uXXXX escape", end)
		}
		end += 5
		if u >= 0xD800 && u <= 0xDBFF && d.at(end) == '\\' && d.at(end+1) == 'u' {
			if lo, ok := d.hex4(end + 2); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				u = 0x10000 + (u-0xD800)<<10 + (lo - 0xDC00)
				end += 6
			}
		}
		b.WriteRune(u) // a lone surrogate becomes U+FFFD: Go strings cannot hold it
	}
}

func (d *decoder) hex4(i int) (rune, bool) {
	if i+4 > len(d.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(d.s[i:i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

func (d *decoder) object(end, depth int) (any, int, error) {
	obj := newDict()
	next := d.at(end)
	if next != '"' {
		if isWS(next) {
			end = d.ws(end)
			next = d.at(end)
		}
		if next == '}' {
			return obj, end + 1, nil
		}
		if next != '"' {
			return nil, 0, d.fail("Expecting property name enclosed in double quotes", end)
		}
	}
	end++
	for {
		k, e, err := d.str(end)
		if err != nil {
			return nil, 0, err
		}
		end = e
		if d.at(end) != ':' {
			end = d.ws(end)
			if d.at(end) != ':' {
				return nil, 0, d.fail("Expecting ':' delimiter", end)
			}
		}
		end = d.ws(end + 1)
		v, e2, err := d.scan(end, depth)
		if err != nil {
			return nil, 0, err
		}
		end = e2
		obj.set(k.(string), v)
		end = d.ws(end)
		next = d.at(end)
		end++
		if next == '}' {
			return obj, end, nil
		}
		if next != ',' {
			return nil, 0, d.fail("Expecting ',' delimiter", end-1)
		}
		end = d.ws(end)
		next = d.at(end)
		end++
		if next != '"' {
			return nil, 0, d.fail("Expecting property name enclosed in double quotes", end-1)
		}
	}
}

func (d *decoder) array(end, depth int) (any, int, error) {
	arr := []any{}
	end = d.ws(end)
	if d.at(end) == ']' {
		return arr, end + 1, nil
	}
	for {
		v, e, err := d.scan(end, depth)
		if err != nil {
			return nil, 0, err
		}
		arr = append(arr, v)
		end = d.ws(e)
		next := d.at(end)
		end++
		if next == ']' {
			return arr, end, nil
		}
		if next != ',' {
			return nil, 0, d.fail("Expecting ',' delimiter", end-1)
		}
		end = d.ws(end)
	}
}

// ---- encoding ----

// pyDumps is flask.json.dumps(v): sort_keys, ensure_ascii, ", " and ": ".
func pyDumps(v any) string {
	var b strings.Builder
	encode(&b, v, -1, 0)
	return b.String()
}

// jsonify is flask.jsonify(v) with the app in debug mode: indent=2, sorted
// keys, and a trailing newline.
func jsonify(v any) string {
	var b strings.Builder
	encode(&b, v, 2, 0)
	b.WriteByte('\n')
	return b.String()
}

// obj builds a dict from key, value pairs (for responses).
func obj(kv ...any) *pyDict {
	d := newDict()
	for i := 0; i+1 < len(kv); i += 2 {
		d.set(kv[i].(string), kv[i+1])
	}
	return d
}

func encode(b *strings.Builder, v any, indent, level int) {
	nl := func(l int) {
		if indent >= 0 {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(" ", indent*l))
		}
	}
	item := ", "
	if indent >= 0 {
		item = ","
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case pyInt:
		b.WriteString(string(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		switch {
		case math.IsNaN(x):
			b.WriteString("NaN")
		case math.IsInf(x, 1):
			b.WriteString("Infinity")
		case math.IsInf(x, -1):
			b.WriteString("-Infinity")
		default:
			b.WriteString(pyFloatRepr(x))
		}
	case string:
		b.WriteString(jsonQuote(x))
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(item)
			}
			nl(level + 1)
			encode(b, e, indent, level+1)
		}
		nl(level)
		b.WriteByte(']')
	case *pyDict:
		if len(x.keys) == 0 {
			b.WriteString("{}")
			return
		}
		keys := append([]string(nil), x.keys...)
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(item)
			}
			nl(level + 1)
			b.WriteString(jsonQuote(k))
			b.WriteString(": ")
			encode(b, x.vals[k], indent, level+1)
		}
		nl(level)
		b.WriteByte('}')
	default:
		panic(fmt.Sprintf("flasklike: cannot encode %T", v))
	}
}

// jsonQuote is json.dumps of a str with ensure_ascii.
func jsonQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r >= 0x10000:
				r -= 0x10000
				fmt.Fprintf(&b, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			case r < 0x20 || r >= 0x7f:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// pyFloatRepr is float.__repr__.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX, shortest
	mant, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		return fmt.Sprintf("%se%s%02d", mant, sign, exp)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// ---- Python object model ----

func pyTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case pyInt, int, int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []any:
		return "list"
	case *pyDict:
		return "dict"
	}
	return "object"
}

func pyTruthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case pyInt:
		return x != "0"
	case int:
		return x != 0
	case int64:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case *pyDict:
		return len(x.keys) > 0
	}
	return true
}

// pyStr is str(v).
func pyStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyRepr(v)
}

func pyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case pyInt:
		return string(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return pyFloatRepr(x)
	case string:
		return pyStrRepr(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *pyDict:
		parts := make([]string, len(x.keys))
		for i, k := range x.keys {
			parts[i] = pyStrRepr(k) + ": " + pyRepr(x.vals[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

func pyStrRepr(s string) string {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x80 || unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// pyIntValue converts a Python int to int64 when it fits.
func pyIntValue(v pyInt) (int64, bool) {
	n, ok := new(big.Int).SetString(string(v), 10)
	if !ok || !n.IsInt64() {
		return 0, false
	}
	return n.Int64(), true
}
