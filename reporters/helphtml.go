package reporters

import (
	"html"
	"regexp"
	"strings"
)

// helpHTML renders a rule's markdown help as HTML for the html report. It
// knows a small subset: paragraphs, "#" headings, "-"/"*"/"1." list items,
// fenced code blocks, `code` and **bold**. Everything is escaped first and
// the subset's markup is added around escaped text only, so nothing in the
// help (links, raw HTML, attributes) reaches the page as markup.
func helpHTML(md string) string {
	var b strings.Builder
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	var para []string
	inList := false
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inlineHTML(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	closeList := func() {
		if inList {
			b.WriteString("</ul>\n")
			inList = false
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "```"):
			flush()
			closeList()
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				code = append(code, lines[i])
			}
			b.WriteString("<pre><code>" + html.EscapeString(strings.Join(code, "\n")) + "</code></pre>\n")
		case trimmed == "":
			flush()
			closeList()
		case strings.HasPrefix(trimmed, "#"):
			flush()
			closeList()
			b.WriteString("<h4>" + inlineHTML(strings.TrimSpace(strings.TrimLeft(trimmed, "#"))) + "</h4>\n")
		case listItem.MatchString(trimmed):
			flush()
			if !inList {
				b.WriteString("<ul>\n")
				inList = true
			}
			b.WriteString("<li>" + inlineHTML(listItem.ReplaceAllString(trimmed, "")) + "</li>\n")
		default:
			closeList()
			para = append(para, trimmed)
		}
	}
	flush()
	closeList()
	return b.String()
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
