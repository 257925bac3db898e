package reporters

import (
	"html"
	"regexp"
	"strings"
)

// helpHTML renders a rule's markdown help as HTML for the html report. It
// knows a small subset: paragraphs, "#" headings, "-"/"*"/"1." list items
// (indented lines continue an item), fenced and indented code blocks,
// `code` and **bold**. Everything is escaped first and the subset's markup
// is added around escaped text only, so nothing in the help (links, raw
// HTML, attributes) reaches the page as markup.
func helpHTML(md string) string {
	h := &helpWriter{}
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "```"):
			h.flush()
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				code = append(code, lines[i])
			}
			h.code(code)
		case trimmed == "":
			h.flush()
			h.blank = true
			continue
		case h.blank && h.item == nil && indented(line):
			h.flush()
			var code []string
			for ; i < len(lines) && (indented(lines[i]) || strings.TrimSpace(lines[i]) == ""); i++ {
				code = append(code, strings.TrimPrefix(strings.TrimPrefix(lines[i], "\t"), "    "))
			}
			i--
			for len(code) > 0 && strings.TrimSpace(code[len(code)-1]) == "" {
				code = code[:len(code)-1]
			}
			h.code(code)
		case strings.HasPrefix(trimmed, "#"):
			h.flush()
			h.b.WriteString("<h4>" + inlineHTML(strings.TrimSpace(strings.TrimLeft(trimmed, "#"))) + "</h4>\n")
		case listItem.MatchString(trimmed):
			h.flushItem()
			h.flushPara()
			if !h.inList {
				h.b.WriteString("<ul>\n")
				h.inList = true
			}
			h.item = []string{listItem.ReplaceAllString(trimmed, "")}
		case h.item != nil && !h.blank && line != trimmed:
			h.item = append(h.item, trimmed)
		default:
			if h.inList {
				h.flush()
			}
			h.para = append(h.para, trimmed)
		}
		h.blank = false
	}
	h.flush()
	return h.b.String()
}

// helpWriter is helpHTML's state: the paragraph, list and list item being
// read, and whether the previous line was blank.
type helpWriter struct {
	b      strings.Builder
	para   []string
	item   []string
	inList bool
	blank  bool
}

func (h *helpWriter) flushPara() {
	if len(h.para) > 0 {
		h.b.WriteString("<p>" + inlineHTML(strings.Join(h.para, " ")) + "</p>\n")
		h.para = nil
	}
}

func (h *helpWriter) flushItem() {
	if h.item != nil {
		h.b.WriteString("<li>" + inlineHTML(strings.Join(h.item, " ")) + "</li>\n")
		h.item = nil
	}
}

// flush ends the paragraph and the list.
func (h *helpWriter) flush() {
	h.flushPara()
	h.flushItem()
	if h.inList {
		h.b.WriteString("</ul>\n")
		h.inList = false
	}
}

func (h *helpWriter) code(lines []string) {
	h.b.WriteString("<pre><code>" + html.EscapeString(strings.Join(lines, "\n")) + "</code></pre>\n")
}

// indented reports whether a line starts with four spaces or a tab.
func indented(line string) bool {
	return strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t")
}

var (
	listItem   = regexp.MustCompile(`^([-*]|\d+\.)\s+`)
	inlineCode = regexp.MustCompile("`([^`]+)`")
	boldText   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// inlineHTML escapes s and marks up its `code` spans and **bold** runs;
// code spans are taken out first so that asterisks inside them stay text.
func inlineHTML(s string) string {
	parts := inlineCode.Split(s, -1)
	codes := inlineCode.FindAllStringSubmatch(s, -1)
	var b strings.Builder
	for i, p := range parts {
		b.WriteString(boldText.ReplaceAllString(html.EscapeString(p), "<strong>$1</strong>"))
		if i < len(codes) {
			b.WriteString("<code>" + html.EscapeString(codes[i][1]) + "</code>")
		}
	}
	return b.String()
}
