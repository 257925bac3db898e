package redos

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// translated is an ECMA-262 pattern rewritten into Go's regexp/syntax
// dialect for analysis.
//
// Go's parser factors alternations while it parses: `a|a` becomes `a`
// and `\d|\w` one character class, which removes exactly the ambiguity a
// backtracking engine pays for. So every alternative (and every group
// body, and the whole pattern) is wrapped in a capture group of its own;
// the parser never merges two captures. wrapper[i] is true for the
// capture groups added that way, so that labels can print the pattern
// without them.
type translated struct {
	expr    string
	wrapper []bool // by capture index; index 0 unused
	notes   []string
}

// ECMA-262 character classes that differ from Go's.
const (
	// ecmaSpace is \s: WhiteSpace and LineTerminator (Go's \s lacks \v
	// and the Unicode spaces).
	ecmaSpace = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`
	// ecmaNotSpace is \S, the complement of ecmaSpace.
	ecmaNotSpace = `\x00-\x08\x0e-\x1f\x21-\x9f\x{a1}-\x{167f}\x{1681}-\x{1fff}\x{200b}-\x{2027}\x{202a}-\x{202e}\x{2030}-\x{205e}\x{2060}-\x{2fff}\x{3001}-\x{fefe}\x{ff00}-\x{10ffff}`
	// ecmaDot is `.` without the s flag: anything but a line terminator.
	ecmaDot     = `[^\n\r\x{2028}\x{2029}]`
	noMatch     = `[^\x00-\x{10ffff}]`
	anyChar     = `[\x00-\x{10ffff}]`
	maxGoRepeat = 1000 // regexp/syntax refuses larger counts
)

// translator walks an ECMA-262 pattern once, writing Go syntax.
type translator struct {
	src      string
	i        int
	out      strings.Builder
	wrapper  []bool
	depth    int
	countCap int // > 0: counts above it are lowered to it (after Go refused a nested repeat)
	notes    []string
}

// translate rewrites an ECMA-262 pattern (u-flag reading for \p{...}
// and \u{...}, Annex B leniency for stray braces) into Go syntax.
// Lookarounds are removed (noted); backreferences are refused with
// ErrUnsupported. countCap > 0 lowers every repeat count above it.
func translate(src string, countCap int) (translated, error) {
	if !utf8.ValidString(src) {
		return translated{}, fmt.Errorf("%w: pattern is not valid UTF-8", ErrUnsupported)
	}
	t := &translator{src: src, wrapper: []bool{false}, countCap: countCap}
	t.openWrapper()
	for t.i < len(t.src) {
		if err := t.step(); err != nil {
			return translated{}, err
		}
	}
	if t.depth != 0 {
		return translated{}, fmt.Errorf("%w: missing )", errSyntax)
	}
	t.out.WriteByte(')')
	return translated{expr: t.out.String(), wrapper: t.wrapper, notes: t.notes}, nil
}

func (t *translator) note(s string) {
	for _, n := range t.notes {
		if n == s {
			return
		}
	}
	t.notes = append(t.notes, s)
}

func (t *translator) openWrapper() {
	t.out.WriteByte('(')
	t.wrapper = append(t.wrapper, true)
}

func (t *translator) openUserCapture() {
	t.out.WriteByte('(')
	t.wrapper = append(t.wrapper, false)
}

func (t *translator) peek(k int) byte {
	if t.i+k < len(t.src) {
		return t.src[t.i+k]
	}
	return 0
}

func (t *translator) step() error {
	c := t.src[t.i]
	switch c {
	case '\\':
		s, err := t.escape(false)
		if err != nil {
			return err
		}
		t.out.WriteString(s)
	case '[':
		s, err := t.class()
		if err != nil {
			return err
		}
		t.out.WriteString(s)
	case '(':
		return t.group()
	case ')':
		if t.depth == 0 {
			return fmt.Errorf("%w: unmatched ) at offset %d", errSyntax, t.i)
		}
		t.depth--
		t.i++
		t.out.WriteString("))")
	case '|':
		t.i++
		t.out.WriteString(")|")
		t.openWrapper()
	case '.':
		t.i++
		t.out.WriteString(ecmaDot)
	case '{':
		if n, ok := t.quantifier(); ok {
			t.i += n
			return nil
		}
		t.i++
		t.out.WriteString(`\{`)
	case '}':
		t.i++
		t.out.WriteString(`\}`)
	case ']':
		t.i++
		t.out.WriteString(`\]`)
	default:
		r, size := utf8.DecodeRuneInString(t.src[t.i:])
		t.i += size
		t.out.WriteRune(r)
	}
	return nil
}

// quantifier handles a `{n}`, `{n,}` or `{n,m}` at t.i, writing it with
// counts Go accepts; it returns how many bytes it read, false when the
// brace is a literal (Annex B).
func (t *translator) quantifier() (int, bool) {
	j := t.i + 1
	digits := func() (int, bool) {
		start := j
		for j < len(t.src) && t.src[j] >= '0' && t.src[j] <= '9' {
			j++
		}
		if j == start {
			return 0, false
		}
		n, err := strconv.Atoi(t.src[start:j])
		if err != nil || n > 1<<20 {
			n = 1 << 20
		}
		return n, true
	}
	lo, ok := digits()
	if !ok {
		return 0, false
	}
	hi := lo
	if j < len(t.src) && t.src[j] == ',' {
		j++
		if j < len(t.src) && t.src[j] == '}' {
			hi = -1
		} else if hi, ok = digits(); !ok {
			return 0, false
		}
	}
	if j >= len(t.src) || t.src[j] != '}' {
		return 0, false
	}
	j++
	if hi >= 0 && hi < lo {
		// ECMA-262 refuses {3,2} too; let Go say so.
		fmt.Fprintf(&t.out, "{%d,%d}", lo, hi)
		return j - t.i, true
	}
	limit := maxGoRepeat
	if t.countCap > 0 {
		limit = t.countCap
	}
	if lo > limit || hi > limit {
		t.note(fmt.Sprintf("repeat counts above %d were lowered to %d for the analysis", limit, limit))
		lo = min(lo, limit)
		if hi > limit {
			hi = limit
		}
	}
	switch {
	case hi == lo:
		fmt.Fprintf(&t.out, "{%d}", lo)
	case hi < 0:
		fmt.Fprintf(&t.out, "{%d,}", lo)
	default:
		fmt.Fprintf(&t.out, "{%d,%d}", lo, hi)
	}
	return j - t.i, true
}

func (t *translator) group() error {
	rest := t.src[t.i:]
	switch {
	case strings.HasPrefix(rest, "(?=") || strings.HasPrefix(rest, "(?!") ||
		strings.HasPrefix(rest, "(?<=") || strings.HasPrefix(rest, "(?<!"):
		end, err := t.skipGroup(t.i)
		if err != nil {
			return err
		}
		t.i = end
		t.skipQuantifier()
		t.note("lookarounds were removed for the analysis: an attack may stop at one of them")
		return nil
	case strings.HasPrefix(rest, "(?:"):
		t.i += 3
		t.out.WriteString("(?:")
	case strings.HasPrefix(rest, "(?<"):
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return fmt.Errorf("%w: unterminated group name at offset %d", errSyntax, t.i)
		}
		t.i += end + 1
		t.openUserCapture()
	case strings.HasPrefix(rest, "(?"):
		// ES2025 modifiers (?i:...) / (?-i:...): Go reads the same spelling.
		j := 2
		for j < len(rest) && (rest[j] == '-' || rest[j] >= 'a' && rest[j] <= 'z') {
			j++
		}
		if j == 2 || j >= len(rest) || rest[j] != ':' {
			return fmt.Errorf("%w: group %q", ErrUnsupported, rest[:min(len(rest), j+1)])
		}
		t.out.WriteString(rest[:j+1])
		t.i += j + 1
	default:
		t.i++
		t.openUserCapture()
	}
	t.depth++
	t.openWrapper()
	return nil
}

// skipGroup returns the offset just past the group opening at start.
func (t *translator) skipGroup(start int) (int, error) {
	depth := 0
	inClass := false
	for j := start; j < len(t.src); j++ {
		switch c := t.src[j]; {
		case c == '\\':
			j++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			if j+1 < len(t.src) && t.src[j+1] == ']' { // [] and [^] end at once
				j++
				inClass = false
			} else if j+2 < len(t.src) && t.src[j+1] == '^' && t.src[j+2] == ']' {
				j += 2
				inClass = false
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("%w: missing ) after offset %d", errSyntax, start)
}

// skipQuantifier drops a quantifier applied to a removed lookaround.
func (t *translator) skipQuantifier() {
	switch t.peek(0) {
	case '*', '+', '?':
		t.i++
	case '{':
		if n, ok := t.quantifierLen(); ok {
			t.i += n
		} else {
			return
		}
	default:
		return
	}
	if t.peek(0) == '?' {
		t.i++
	}
}

func (t *translator) quantifierLen() (int, bool) {
	j := t.i + 1
	for j < len(t.src) && (t.src[j] >= '0' && t.src[j] <= '9' || t.src[j] == ',') {
		j++
	}
	if j < len(t.src) && t.src[j] == '}' && j > t.i+1 {
		return j + 1 - t.i, true
	}
	return 0, false
}

// escape translates the escape at t.i (a backslash). In a class, class
// escapes are written as range lists without brackets.
func (t *translator) escape(inClass bool) (string, error) {
	if t.i+1 >= len(t.src) {
		return "", fmt.Errorf("%w: \\ at end of pattern", errSyntax)
	}
	c := t.src[t.i+1]
	t.i += 2
	switch c {
	case 'd', 'D', 'w', 'W':
		return `\` + string(c), nil
	case 's':
		if inClass {
			return ecmaSpace, nil
		}
		return "[" + ecmaSpace + "]", nil
	case 'S':
		if inClass {
			return ecmaNotSpace, nil
		}
		return "[" + ecmaNotSpace + "]", nil
	case 'b':
		if inClass {
			return `\x08`, nil
		}
		return `\b`, nil
	case 'B':
		if inClass {
			return "B", nil
		}
		return `\B`, nil
	case 'f', 'n', 'r', 't', 'v':
		return `\` + string(c), nil
	case '0':
		if inClass || !isDigit(t.peek(0)) {
			return t.octal(0)
		}
		return "", fmt.Errorf("%w: octal escape", ErrUnsupported)
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if inClass && c <= '7' {
			return t.octal(int(c - '0'))
		}
		if inClass {
			return string(c), nil
		}
		return "", fmt.Errorf("%w: backreference \\%c", ErrUnsupported, c)
	case 'k':
		if t.peek(0) == '<' {
			return "", fmt.Errorf("%w: named backreference", ErrUnsupported)
		}
		return "k", nil
	case 'c':
		if l := t.peek(0); l >= 'a' && l <= 'z' || l >= 'A' && l <= 'Z' {
			t.i++
			return fmt.Sprintf(`\x{%x}`, l%32), nil
		}
		return `\\c`, nil
	case 'x':
		if isHex(t.peek(0)) && isHex(t.peek(1)) {
			v, _ := strconv.ParseUint(t.src[t.i:t.i+2], 16, 32)
			t.i += 2
			return runeEscape(rune(v)), nil
		}
		return "x", nil
	case 'u':
		r, ok := t.unicodeEscape()
		if !ok {
			return "u", nil
		}
		if r >= 0xD800 && r <= 0xDFFF && !inClass {
			// A lone surrogate: no valid UTF-8 string holds one. In a
			// class it stays (Go reads it) and the automaton drops it.
			return noMatch, nil
		}
		return runeEscape(r), nil
	case 'p', 'P':
		return t.property(c == 'P')
	}
	r, size := utf8.DecodeRuneInString(t.src[t.i-1:])
	t.i += size - 1
	if r < utf8.RuneSelf && !isAlnum(byte(r)) {
		return `\` + string(r), nil // punctuation: escaping is fine in Go too
	}
	// Annex B identity escape: \a is "a" in ECMA-262 (a bell in Go).
	return runeEscape(r), nil
}

func (t *translator) octal(v int) (string, error) {
	for k := 0; k < 2 && t.peek(0) >= '0' && t.peek(0) <= '7' && v*8+int(t.peek(0)-'0') <= 0377; k++ {
		v = v*8 + int(t.peek(0)-'0')
		t.i++
	}
	return runeEscape(rune(v)), nil
}

// unicodeEscape reads the rest of a \u escape: HHHH, a surrogate pair
// \uHHHH\uHHHH, or {H...}.
func (t *translator) unicodeEscape() (rune, bool) {
	if t.peek(0) == '{' {
		end := strings.IndexByte(t.src[t.i:], '}')
		if end < 2 {
			return 0, false
		}
		v, err := strconv.ParseUint(t.src[t.i+1:t.i+end], 16, 32)
		if err != nil || v > utf8.MaxRune {
			return 0, false
		}
		t.i += end + 1
		return rune(v), true
	}
	hex4 := func(at int) (rune, bool) {
		if at+4 > len(t.src) {
			return 0, false
		}
		for k := 0; k < 4; k++ {
			if !isHex(t.src[at+k]) {
				return 0, false
			}
		}
		v, _ := strconv.ParseUint(t.src[at:at+4], 16, 32)
		return rune(v), true
	}
	hi, ok := hex4(t.i)
	if !ok {
		return 0, false
	}
	t.i += 4
	if hi >= 0xD800 && hi <= 0xDBFF && strings.HasPrefix(t.src[t.i:], `\u`) {
		if lo, ok := hex4(t.i + 2); ok && lo >= 0xDC00 && lo <= 0xDFFF {
			t.i += 6
			return 0x10000 + (hi-0xD800)<<10 + (lo - 0xDC00), true
		}
	}
	return hi, true
}

// property translates \p{...}: General_Category and Script values Go's
// tables know, in their ECMA-262 spellings.
func (t *translator) property(negate bool) (string, error) {
	if t.peek(0) != '{' {
		if negate {
			return "P", nil
		}
		return "p", nil
	}
	end := strings.IndexByte(t.src[t.i:], '}')
	if end < 0 {
		return "", fmt.Errorf("%w: unterminated \\p{", errSyntax)
	}
	name := t.src[t.i+1 : t.i+end]
	t.i += end + 1
	if k := strings.IndexByte(name, '='); k >= 0 {
		switch name[:k] {
		case "General_Category", "gc", "Script", "sc", "Script_Extensions", "scx":
			name = name[k+1:]
		default:
			return "", fmt.Errorf("%w: property \\p{%s}", ErrUnsupported, name)
		}
	}
	if short, ok := longCategory(name); ok {
		name = short
	}
	if name == "Any" {
		if negate {
			return noMatch, nil
		}
		return anyChar, nil
	}
	if !goKnowsProperty(name) {
		return "", fmt.Errorf("%w: property \\p{%s}", ErrUnsupported, name)
	}
	if negate {
		return `\P{` + name + `}`, nil
	}
	return `\p{` + name + `}`, nil
}

// longCategory maps ECMA-262's long General_Category names to the
// short ones Go's tables use.
func longCategory(name string) (string, bool) {
	switch name {
	case "Letter":
		return "L", true
	case "Cased_Letter":
		return "LC", true
	case "Uppercase_Letter":
		return "Lu", true
	case "Lowercase_Letter":
		return "Ll", true
	case "Titlecase_Letter":
		return "Lt", true
	case "Modifier_Letter":
		return "Lm", true
	case "Other_Letter":
		return "Lo", true
	case "Mark", "Combining_Mark":
		return "M", true
	case "Nonspacing_Mark":
		return "Mn", true
	case "Spacing_Mark":
		return "Mc", true
	case "Enclosing_Mark":
		return "Me", true
	case "Number":
		return "N", true
	case "Decimal_Number", "digit":
		return "Nd", true
	case "Letter_Number":
		return "Nl", true
	case "Other_Number":
		return "No", true
	case "Punctuation", "punct":
		return "P", true
	case "Connector_Punctuation":
		return "Pc", true
	case "Dash_Punctuation":
		return "Pd", true
	case "Open_Punctuation":
		return "Ps", true
	case "Close_Punctuation":
		return "Pe", true
	case "Initial_Punctuation":
		return "Pi", true
	case "Final_Punctuation":
		return "Pf", true
	case "Other_Punctuation":
		return "Po", true
	case "Symbol":
		return "S", true
	case "Math_Symbol":
		return "Sm", true
	case "Currency_Symbol":
		return "Sc", true
	case "Modifier_Symbol":
		return "Sk", true
	case "Other_Symbol":
		return "So", true
	case "Separator":
		return "Z", true
	case "Space_Separator":
		return "Zs", true
	case "Line_Separator":
		return "Zl", true
	case "Paragraph_Separator":
		return "Zp", true
	case "Other":
		return "C", true
	case "Control", "cntrl":
		return "Cc", true
	case "Format":
		return "Cf", true
	case "Surrogate":
		return "Cs", true
	case "Private_Use":
		return "Co", true
	case "Unassigned":
		return "Cn", true
	}
	return "", false
}

// goKnowsProperty reports whether regexp/syntax reads \p{name}.
func goKnowsProperty(name string) bool {
	if _, ok := unicode.Categories[name]; ok {
		return true
	}
	_, ok := unicode.Scripts[name]
	return ok
}

// class translates the bracket expression at t.i.
func (t *translator) class() (string, error) {
	t.i++ // [
	negate := false
	if t.peek(0) == '^' {
		negate = true
		t.i++
	}
	if t.peek(0) == ']' { // [] matches nothing, [^] anything
		t.i++
		if negate {
			return anyChar, nil
		}
		return noMatch, nil
	}
	var b strings.Builder
	b.WriteByte('[')
	if negate {
		b.WriteByte('^')
	}
	prevClassEscape := false
	for {
		if t.i >= len(t.src) {
			return "", fmt.Errorf("%w: missing ]", errSyntax)
		}
		c := t.src[t.i]
		switch {
		case c == ']':
			t.i++
			b.WriteByte(']')
			return b.String(), nil
		case c == '\\':
			isClassEscape := strings.ContainsRune("dDwWsSpP", rune(t.peek(1)))
			s, err := t.escape(true)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
			prevClassEscape = isClassEscape
			continue
		case c == '-':
			t.i++
			next := t.peek(0) == '\\' && strings.ContainsRune("dDwWsSpP", rune(t.peek(1)))
			if prevClassEscape || next || t.peek(0) == ']' || b.Len() == 1 || negate && b.Len() == 2 {
				b.WriteString(`\-`)
			} else {
				b.WriteByte('-')
			}
		case c == '[':
			t.i++
			b.WriteString(`\[`)
		default:
			r, size := utf8.DecodeRuneInString(t.src[t.i:])
			t.i += size
			b.WriteString(runeEscape(r))
		}
		prevClassEscape = false
	}
}

// runeEscape writes r so that Go reads it as that literal rune anywhere.
func runeEscape(r rune) string {
	switch {
	case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0xD800 && r <= 0xDFFF:
		return fmt.Sprintf(`\x{%x}`, r)
	case r < utf8.RuneSelf && !isAlnum(byte(r)) && r != ' ':
		return `\` + string(r)
	}
	return string(r)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
func isAlnum(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}
