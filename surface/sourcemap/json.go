package sourcemap

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// parseJSON is a small JSON parser that builds yaml.Nodes with positions.
// It is several times faster than going through the YAML parser, which
// matters for multi-megabyte specs. Columns count characters, as YAML's do.
func parseJSON(data []byte, maxDepth int) (*yaml.Node, error) {
	p := &jsonParser{data: data, line: 1, col: 1, maxDepth: maxDepth}
	p.space()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.data) {
		return nil, p.errorf("unexpected %q after the document", p.data[p.pos])
	}
	return n, nil
}

type jsonParser struct {
	data      []byte
	pos       int
	line, col int
	maxDepth  int
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("malformed JSON at line %d, column %d: %s", p.line, p.col, fmt.Sprintf(format, args...))
}

// advance moves over n bytes that contain no newline.
func (p *jsonParser) advance(n int) {
	for _, b := range p.data[p.pos : p.pos+n] {
		if b&0xC0 != 0x80 {
			p.col++
		}
	}
	p.pos += n
}

func (p *jsonParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\r':
			p.pos++
			p.col++
		case '\n':
			p.pos++
			p.line++
			p.col = 1
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (*yaml.Node, error) {
	if depth > p.maxDepth {
		return nil, &depthError{limit: p.maxDepth}
	}
	if p.pos >= len(p.data) {
		return nil, p.errorf("unexpected end of input")
	}
	line, col := p.line, p.col
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle, Line: line, Column: col}, nil
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []struct{ word, tag string }{{"true", "!!bool"}, {"false", "!!bool"}, {"null", "!!null"}} {
			if len(p.data)-p.pos >= len(lit.word) && string(p.data[p.pos:p.pos+len(lit.word)]) == lit.word {
				p.advance(len(lit.word))
				return &yaml.Node{Kind: yaml.ScalarNode, Tag: lit.tag, Value: lit.word, Line: line, Column: col}, nil
			}
		}
		return nil, p.errorf("invalid literal")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(line, col)
	default:
		return nil, p.errorf("unexpected %q", c)
	}
}

func (p *jsonParser) object(depth int) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle, Line: p.line, Column: p.col}
	p.advance(1)
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.advance(1)
		return n, nil
	}
	for {
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errorf("expected a member name")
		}
		line, col := p.line, p.col
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Style: yaml.DoubleQuotedStyle, Line: line, Column: col}
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errorf("expected ':' after member name")
		}
		p.advance(1)
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, key, v)
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.errorf("unexpected end of input in object")
		}
		switch p.data[p.pos] {
		case ',':
			p.advance(1)
		case '}':
			p.advance(1)
			return n, nil
		default:
			return nil, p.errorf("expected ',' or '}' in object")
		}
	}
}

func (p *jsonParser) array(depth int) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: p.line, Column: p.col}
	p.advance(1)
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.advance(1)
		return n, nil
	}
	for {
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, v)
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.errorf("unexpected end of input in array")
		}
		switch p.data[p.pos] {
		case ',':
			p.advance(1)
		case ']':
			p.advance(1)
			return n, nil
		default:
			return nil, p.errorf("expected ',' or ']' in array")
		}
	}
}

func (p *jsonParser) number(line, col int) (*yaml.Node, error) {
	start := p.pos
	i := p.pos
	isFloat := false
	for i < len(p.data) {
		c := p.data[i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' {
			i++
			continue
		}
		if c == '.' || c == 'e' || c == 'E' {
			isFloat = true
			i++
			continue
		}
		break
	}
	lit := string(p.data[start:i])
	if !json.Valid(p.data[start:i]) {
		return nil, p.errorf("invalid number %q", lit)
	}
	p.advance(i - start)
	tag := "!!int"
	if isFloat {
		tag = "!!float"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: lit, Line: line, Column: col}, nil
}

// str reads a JSON string starting at the opening quote.
func (p *jsonParser) str() (string, error) {
	p.advance(1)
	start := p.pos
	// Fast path: no escapes.
	for i := p.pos; i < len(p.data); i++ {
		c := p.data[i]
		if c == '"' {
			s := string(p.data[start:i])
			p.advance(i - start + 1)
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	var buf []byte
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.advance(1)
			return string(buf), nil
		case c < 0x20:
			return "", p.errorf("control character in string")
		case c == '\\':
			if p.pos+1 >= len(p.data) {
				return "", p.errorf("unterminated escape")
			}
			e := p.data[p.pos+1]
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, width, ok := p.unicodeEscape(p.pos)
				if !ok {
					return "", p.errorf("invalid \\u escape")
				}
				buf = utf8.AppendRune(buf, r)
				p.advance(width)
				continue
			default:
				return "", p.errorf("invalid escape \\%c", e)
			}
			p.advance(2)
		default:
			buf = append(buf, c)
			p.advance(1)
		}
	}
	return "", p.errorf("unterminated string")
}

// unicodeEscape decodes \uXXXX (and a following low surrogate) at pos.
func (p *jsonParser) unicodeEscape(pos int) (rune, int, bool) {
	hex := func(at int) (rune, bool) {
		if at+6 > len(p.data) || p.data[at] != '\\' || p.data[at+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(p.data[at+2:at+6]), 16, 32)
		return rune(v), err == nil
	}
	r, ok := hex(pos)
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(r) {
		if r2, ok := hex(pos + 6); ok {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				return d, 12, true
			}
		}
		return utf8.RuneError, 6, true
	}
	return r, 6, true
}
