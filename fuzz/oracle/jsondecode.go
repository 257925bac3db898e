package oracle

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// DecodeJSON decodes one JSON document into maps, slices, strings,
// json.Number, bools and nil, as encoding/json does with UseNumber; white
// space may follow the value, nothing else.
//
// Most answers a fuzzer reads are small documents of plain strings and
// numbers. They take a direct path (no decoder, no read buffer: a third
// of encoding/json's cost on a small answer); a document with a string
// escape, invalid UTF-8 or deep nesting goes to encoding/json whole, so
// the result is always encoding/json's (FuzzDecodeJSON checks it).
func DecodeJSON(body []byte) (any, error) {
	p := fastJSON{data: body}
	p.skipSpace()
	v, ok := p.value(0)
	if ok {
		p.skipSpace()
		if p.pos == len(p.data) {
			return v, nil
		}
	}
	return decodeJSONStd(body)
}

func decodeJSONStd(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	for _, b := range body[dec.InputOffset():] {
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
			return nil, errors.New("invalid JSON: data after the top-level value")
		}
	}
	return v, nil
}

// fastJSON parses the common case; ok false means "let encoding/json
// decide" (an error, or something the fast path does not handle).
type fastJSON struct {
	data []byte
	pos  int
}

// maxFastDepth bounds the recursion of the fast path; deeper documents
// go to encoding/json, which has its own limit.
const maxFastDepth = 64

func (p *fastJSON) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *fastJSON) value(depth int) (any, bool) {
	if p.pos >= len(p.data) || depth > maxFastDepth {
		return nil, false
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, ok := p.str()
		return s, ok
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, false
}

func (p *fastJSON) literal(word string) bool {
	if !bytes.HasPrefix(p.data[p.pos:], []byte(word)) {
		return false
	}
	p.pos += len(word)
	return true
}

func (p *fastJSON) object(depth int) (any, bool) {
	p.pos++ // {
	m := map[string]any{}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return m, true
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, false
		}
		k, ok := p.str()
		if !ok {
			return nil, false
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, false
		}
		p.pos++
		p.skipSpace()
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		m[k] = v
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, false
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return m, true
		default:
			return nil, false
		}
	}
}

func (p *fastJSON) array(depth int) (any, bool) {
	p.pos++ // [
	a := []any{}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return a, true
	}
	for {
		p.skipSpace()
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, false
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return a, true
		default:
			return nil, false
		}
	}
}

// str reads a string without escapes; an escape, a control character or
// invalid UTF-8 hands the document to encoding/json.
func (p *fastJSON) str() (string, bool) {
	start := p.pos + 1
	ascii := true
	for i := start; i < len(p.data); i++ {
		switch c := p.data[i]; {
		case c == '"':
			s := p.data[start:i]
			if !ascii && !utf8.Valid(s) {
				return "", false
			}
			p.pos = i + 1
			return string(s), true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
	}
	return "", false
}

// number reads a JSON number (RFC 8259 grammar) as json.Number.
func (p *fastJSON) number() (any, bool) {
	d := p.data
	i := p.pos
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	default:
		return nil, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return nil, false
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return nil, false
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	n := json.Number(d[p.pos:i])
	p.pos = i
	return n, true
}
