package fastapilike

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is the JSON layer of the emulated stack: Python's json module
// as Starlette uses it. Decoding follows json.loads (NaN and Infinity are
// accepted, big integers stay integers, errors carry json's own messages
// and character positions); encoding follows JSONResponse
// (ensure_ascii=False, allow_nan=False, compact separators, float repr).

// obj is a JSON object that keeps its key order, as a Python dict does.
type obj []kv

type kv struct {
	k string
	v any
}

// get returns the value of key k (the last one wins, as in a dict).
func (o obj) get(k string) (any, bool) {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].k == k {
			return o[i].v, true
		}
	}
	return nil, false
}

// set replaces k's value in place or appends it.
func (o obj) set(k string, v any) obj {
	for i := range o {
		if o[i].k == k {
			o[i].v = v
			return o
		}
	}
	return append(o, kv{k, v})
}

// pyDecodeError is json.JSONDecodeError: a message and a character offset.
type pyDecodeError struct {
	msg string
	pos int
}

func (e *pyDecodeError) Error() string { return e.msg + " at " + strconv.Itoa(e.pos) }

// errNotUTF8 is the UnicodeDecodeError json.loads raises on bytes that are
// not text.
var errNotUTF8 = errors.New("body is not UTF-8")

// pyLoads decodes b as json.loads(bytes) does. Values are nil, bool,
// string, int64, *big.Int (beyond int64), float64, []any and obj.
func pyLoads(b []byte) (any, error) {
	if !utf8.Valid(b) {
		return nil, errNotUTF8
	}
	s := strings.TrimPrefix(string(b), "\ufeff")
	d := &pyDecoder{s: []rune(s)}
	d.ws()
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.ws()
	if d.i != len(d.s) {
		return nil, &pyDecodeError{"Extra data", d.i}
	}
	return v, nil
}

type pyDecoder struct {
	s     []rune
	i     int
	depth int
}

func (d *pyDecoder) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *pyDecoder) lit(word string) bool {
	r := []rune(word)
	if d.i+len(r) > len(d.s) {
		return false
	}
	for j, c := range r {
		if d.s[d.i+j] != c {
			return false
		}
	}
	d.i += len(r)
	return true
}

func (d *pyDecoder) value() (any, error) {
	if d.i >= len(d.s) {
		return nil, &pyDecodeError{"Expecting value", d.i}
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		return d.str()
	case c == 'n' && d.lit("null"):
		return nil, nil
	case c == 't' && d.lit("true"):
		return true, nil
	case c == 'f' && d.lit("false"):
		return false, nil
	case c == 'N' && d.lit("NaN"):
		return math.NaN(), nil
	case c == 'I' && d.lit("Infinity"):
		return math.Inf(1), nil
	case c == '-' && d.i+1 < len(d.s) && d.s[d.i+1] == 'I':
		d.i++
		if d.lit("Infinity") {
			return math.Inf(-1), nil
		}
		d.i--
		return nil, &pyDecodeError{"Expecting value", d.i}
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return nil, &pyDecodeError{"Expecting value", d.i}
}

func (d *pyDecoder) nest() error {
	d.depth++
	if d.depth > 500 {
		// Python raises RecursionError here, which Starlette does not
		// catch as a decode error; FastAPI turns it into a 400.
		return errTooDeep
	}
	return nil
}

var errTooDeep = errors.New("maximum recursion depth exceeded")

func (d *pyDecoder) object() (any, error) {
	if err := d.nest(); err != nil {
		return nil, err
	}
	defer func() { d.depth-- }()
	d.i++ // {
	o := obj{}
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return o, nil
	}
	for {
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, &pyDecodeError{"Expecting property name enclosed in double quotes", d.i}
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.ws()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, &pyDecodeError{"Expecting ':' delimiter", d.i}
		}
		d.i++
		d.ws()
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		o = o.set(k.(string), v)
		d.ws()
		if d.i < len(d.s) && d.s[d.i] == '}' {
			d.i++
			return o, nil
		}
		if d.i >= len(d.s) || d.s[d.i] != ',' {
			return nil, &pyDecodeError{"Expecting ',' delimiter", d.i}
		}
		d.i++
		d.ws()
	}
}

func (d *pyDecoder) array() (any, error) {
	if err := d.nest(); err != nil {
		return nil, err
	}
	defer func() { d.depth-- }()
	d.i++ // [
	a := []any{}
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return a, nil
	}
	for {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		d.ws()
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return a, nil
		}
		if d.i >= len(d.s) || d.s[d.i] != ',' {
			return nil, &pyDecodeError{"Expecting ',' delimiter", d.i}
		}
		d.i++
		d.ws()
	}
}

func (d *pyDecoder) str() (any, error) {
	start := d.i
	d.i++ // "
	var sb strings.Builder
	for {
		if d.i >= len(d.s) {
			return nil, &pyDecodeError{"Unterminated string starting at", start}
		}
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return sb.String(), nil
		case c < 0x20:
			return nil, &pyDecodeError{"Invalid control character at", d.i}
		case c == '\\':
			if d.i+1 >= len(d.s) {
				return nil, &pyDecodeError{"Unterminated string starting at", start}
			}
			e := d.s[d.i+1]
			switch e {
			case '"', '\\', '/':
				sb.WriteRune(e)
			case 'b':
				sb.WriteByte('\b')
			case 'f':
				sb.WriteByte('\f')
			case 'n':
				sb.WriteByte('\n')
			case 'r':
				sb.WriteByte('\r')
			case 't':
				sb.WriteByte('\t')
			case 'u':
				r, ok := d.hex4(d.i + 2)
				if !ok {
					return nil, &pyDecodeError{"Invalid \\uXXXX escape", d.i + 1}
				}
				d.i += 4
				if r >= 0xd800 && r < 0xdc00 && d.i+7 < len(d.s) && d.s[d.i+2] == '\\' && d.s[d.i+3] == 'u' {
					if r2, ok := d.hex4(d.i + 4); ok && r2 >= 0xdc00 && r2 < 0xe000 {
						r = 0x10000 + (r-0xd800)<<10 + (r2 - 0xdc00)
						d.i += 6
					}
				}
				sb.WriteRune(r) // a lone surrogate becomes U+FFFD
			default:
				return nil, &pyDecodeError{"Invalid \\escape", d.i}
			}
			d.i += 2
		default:
			sb.WriteRune(c)
			d.i++
		}
	}
}

func (d *pyDecoder) hex4(at int) (rune, bool) {
	if at+4 > len(d.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(d.s[at:at+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

func (d *pyDecoder) number() (any, error) {
	start := d.i
	if d.s[d.i] == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(d.s) && d.s[d.i] == '0' {
		d.i++
	} else if digits() == 0 {
		d.i = start
		return nil, &pyDecodeError{"Expecting value", start}
	}
	isFloat := false
	if d.i+1 < len(d.s) && d.s[d.i] == '.' && d.s[d.i+1] >= '0' && d.s[d.i+1] <= '9' {
		d.i++
		digits()
		isFloat = true
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		save := d.i
		d.i++
		if d.i < len(d.s) && (d.s[d.i] == '+' || d.s[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			d.i = save
		} else {
			isFloat = true
		}
	}
	text := string(d.s[start:d.i])
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, &pyDecodeError{"Expecting value", start}
		}
		return f, nil
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, nil
	}
	bi, _ := new(big.Int).SetString(text, 10)
	return bi, nil
}

// errNaN is json.dumps(allow_nan=False)'s ValueError: the answer becomes a
// 500.
var errNaN = errors.New("Out of range float values are not JSON compliant")

// pyDumps encodes v as Starlette's JSONResponse renders content.
func pyDumps(v any) ([]byte, error) {
	var sb strings.Builder
	if err := dump(&sb, v); err != nil {
		return nil, err
	}
	return []byte(sb.String()), nil
}

func dump(sb *strings.Builder, v any) error {
	switch x := v.(type) {
	case nil:
		sb.WriteString("null")
	case bool:
		if x {
			sb.WriteString("true")
		} else {
			sb.WriteString("false")
		}
	case string:
		dumpString(sb, x)
	case int:
		sb.WriteString(strconv.Itoa(x))
	case int64:
		sb.WriteString(strconv.FormatInt(x, 10))
	case *big.Int:
		sb.WriteString(x.String())
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return errNaN
		}
		sb.WriteString(pyFloat(x))
	case []any:
		sb.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				sb.WriteByte(',')
			}
			if err := dump(sb, e); err != nil {
				return err
			}
		}
		sb.WriteByte(']')
	case []obj:
		sb.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				sb.WriteByte(',')
			}
			if err := dump(sb, e); err != nil {
				return err
			}
		}
		sb.WriteByte(']')
	case obj:
		sb.WriteByte('{')
		for i, e := range x {
			if i > 0 {
				sb.WriteByte(',')
			}
			dumpString(sb, e.k)
			sb.WriteByte(':')
			if err := dump(sb, e.v); err != nil {
				return err
			}
		}
		sb.WriteByte('}')
	default:
		return errors.New("not JSON serializable")
	}
	return nil
}

func dumpString(sb *strings.Builder, s string) {
	sb.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			sb.WriteString(`\"`)
		case '\\':
			sb.WriteString(`\\`)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		case '\b':
			sb.WriteString(`\b`)
		case '\f':
			sb.WriteString(`\f`)
		default:
			if r < 0x20 {
				sb.WriteString(`\u00`)
				sb.WriteByte("0123456789abcdef"[r>>4])
				sb.WriteByte("0123456789abcdef"[r&15])
			} else {
				sb.WriteRune(r)
			}
		}
	}
	sb.WriteByte('"')
}

// pyFloat is Python's repr(float): the shortest round-tripping digits,
// fixed notation for exponents in [-4, 16) with at least one decimal, else
// d.ddde±XX.
func pyFloat(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // -d.dddde±XX
	neg := strings.HasPrefix(e, "-")
	e = strings.TrimPrefix(e, "-")
	mant, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	digits := strings.Replace(mant, ".", "", 1)
	var out string
	if exp >= -4 && exp < 16 {
		if exp >= 0 {
			if len(digits) <= exp+1 {
				out = digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
			} else {
				out = digits[:exp+1] + "." + digits[exp+1:]
			}
		} else {
			out = "0." + strings.Repeat("0", -exp-1) + digits
		}
	} else {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		es := strconv.Itoa(exp)
		if len(es) < 2 {
			es = "0" + es
		}
		out = m + "e" + sign + es
	}
	if neg {
		out = "-" + out
	}
	return out
}
