package redos

import (
	"fmt"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printer writes a subexpression back in ECMA-262 spelling for labels,
// leaving out the capture groups the translation added.
type printer struct {
	wrapper []bool
	b       strings.Builder
}

const maxLabel = 60 // runes of pattern text in a label

func (pr *printer) render(re *syntax.Regexp) string {
	pr.b.Reset()
	pr.write(re)
	s := pr.b.String()
	// A space at either end would vanish in a label.
	if strings.HasPrefix(s, " ") {
		s = `\x20` + s[1:]
	}
	if strings.HasSuffix(s, " ") {
		s = s[:len(s)-1] + `\x20`
	}
	if utf8.RuneCountInString(s) > maxLabel {
		r := []rune(s)
		s = string(r[:maxLabel-1]) + "…"
	}
	return s
}

func (pr *printer) isWrapper(re *syntax.Regexp) bool {
	return re.Op == syntax.OpCapture && re.Cap < len(pr.wrapper) && pr.wrapper[re.Cap]
}

// unwrap skips added capture groups.
func (pr *printer) unwrap(re *syntax.Regexp) *syntax.Regexp {
	for pr.isWrapper(re) {
		re = re.Sub[0]
	}
	return re
}

// atomic reports whether re needs no group before a quantifier.
func (pr *printer) atomic(re *syntax.Regexp) bool {
	re = pr.unwrap(re)
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune) == 1
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL, syntax.OpCapture:
		return true
	}
	return false
}

func (pr *printer) write(re *syntax.Regexp) {
	if pr.b.Len() > 4*maxLabel {
		return
	}
	re = pr.unwrap(re)
	switch re.Op {
	case syntax.OpNoMatch:
		pr.b.WriteString("[]")
	case syntax.OpEmptyMatch:
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			pr.b.WriteString(literal(r, false))
		}
	case syntax.OpCharClass:
		pr.b.WriteString(classText(re.Rune))
	case syntax.OpAnyCharNotNL:
		pr.b.WriteString(".")
	case syntax.OpAnyChar:
		pr.b.WriteString(`[\s\S]`)
	case syntax.OpBeginLine, syntax.OpBeginText:
		pr.b.WriteString("^")
	case syntax.OpEndLine, syntax.OpEndText:
		pr.b.WriteString("$")
	case syntax.OpWordBoundary:
		pr.b.WriteString(`\b`)
	case syntax.OpNoWordBoundary:
		pr.b.WriteString(`\B`)
	case syntax.OpCapture:
		pr.b.WriteString("(")
		pr.write(re.Sub[0])
		pr.b.WriteString(")")
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		sub := re.Sub[0]
		if pr.atomic(sub) {
			pr.write(sub)
		} else {
			pr.b.WriteString("(?:")
			pr.write(sub)
			pr.b.WriteString(")")
		}
		switch re.Op {
		case syntax.OpStar:
			pr.b.WriteString("*")
		case syntax.OpPlus:
			pr.b.WriteString("+")
		case syntax.OpQuest:
			pr.b.WriteString("?")
		default:
			switch {
			case re.Max == re.Min:
				fmt.Fprintf(&pr.b, "{%d}", re.Min)
			case re.Max < 0:
				fmt.Fprintf(&pr.b, "{%d,}", re.Min)
			default:
				fmt.Fprintf(&pr.b, "{%d,%d}", re.Min, re.Max)
			}
		}
		if re.Flags&syntax.NonGreedy != 0 {
			pr.b.WriteString("?")
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if u := pr.unwrap(sub); u.Op == syntax.OpAlternate {
				pr.b.WriteString("(?:")
				pr.write(u)
				pr.b.WriteString(")")
				continue
			}
			pr.write(sub)
		}
	case syntax.OpAlternate:
		for i, sub := range re.Sub {
			if i > 0 {
				pr.b.WriteString("|")
			}
			pr.write(sub)
		}
	}
}

type namedClass struct {
	name   string
	ranges []rune
}

// namedClasses lists the classes printed with their escape (the range
// lists regexp/syntax parses the translation's spellings into).
func namedClasses() []namedClass {
	return []namedClass{
		{`\d`, []rune{'0', '9'}},
		{`\w`, []rune{'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}},
		{`\s`, []rune{'\t', '\r', ' ', ' ', 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff}},
		{`.`, []rune{0, '\t', 0x0b, 0x0c, 0x0e, 0x2027, 0x202a, unicode.MaxRune}},
		{`[\s\S]`, []rune{0, unicode.MaxRune}},
	}
}

func classText(r []rune) string {
	named := namedClasses()
	for _, nc := range named {
		if slices.Equal(r, nc.ranges) {
			return nc.name
		}
	}
	neg := negateRanges(r)
	for _, nc := range named[:3] {
		if slices.Equal(neg, nc.ranges) {
			return strings.ToUpper(nc.name)
		}
	}
	var b strings.Builder
	b.WriteString("[")
	list := r
	if len(r) > 0 && r[0] == 0 && r[len(r)-1] == unicode.MaxRune {
		b.WriteString("^")
		list = neg
	}
	// \w, \d and \s inside the brackets.
	for _, nc := range []namedClass{named[1], named[0], named[2]} {
		if rest, ok := subtractRanges(list, nc.ranges); ok {
			b.WriteString(nc.name)
			list = rest
		}
	}
	for i := 0; i+1 < len(list); i += 2 {
		if i >= 16 {
			b.WriteString("…")
			break
		}
		lo, hi := list[i], list[i+1]
		b.WriteString(literal(lo, true))
		if hi > lo {
			if hi > lo+1 {
				b.WriteString("-")
			}
			b.WriteString(literal(hi, true))
		}
	}
	b.WriteString("]")
	return b.String()
}

// subtractRanges returns r without sub when r holds all of sub.
func subtractRanges(r, sub []rune) ([]rune, bool) {
	for i := 0; i+1 < len(sub); i += 2 {
		held := false
		for j := 0; j+1 < len(r); j += 2 {
			if r[j] <= sub[i] && sub[i+1] <= r[j+1] {
				held = true
				break
			}
		}
		if !held {
			return nil, false
		}
	}
	var out []rune
	for j := 0; j+1 < len(r); j += 2 {
		lo, hi := r[j], r[j+1]
		for i := 0; i+1 < len(sub) && lo <= hi; i += 2 {
			if sub[i+1] < lo || sub[i] > hi {
				continue
			}
			if sub[i] > lo {
				out = append(out, lo, sub[i]-1)
			}
			lo = sub[i+1] + 1
		}
		if lo <= hi {
			out = append(out, lo, hi)
		}
	}
	return out, true
}

func negateRanges(r []rune) []rune {
	var out []rune
	next := rune(0)
	for i := 0; i+1 < len(r); i += 2 {
		if r[i] > next {
			out = append(out, next, r[i]-1)
		}
		next = r[i+1] + 1
	}
	if next <= unicode.MaxRune {
		out = append(out, next, unicode.MaxRune)
	}
	return out
}

func literal(r rune, inClass bool) string {
	switch r {
	case '\t':
		return `\t`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\f':
		return `\f`
	case '\v':
		return `\v`
	}
	if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	if r > 0xffff {
		return fmt.Sprintf(`\u{%x}`, r)
	}
	if !unicode.IsPrint(r) {
		return fmt.Sprintf(`\u%04x`, r)
	}
	special := `\.+*?()|[]{}^$/`
	if inClass {
		special = `\]^-[`
	}
	if strings.ContainsRune(special, r) {
		return `\` + string(r)
	}
	return string(r)
}
