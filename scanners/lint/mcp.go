package lint

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/mcp"
)

// MCP tools/list answers (rules/lint_mcp.go): descriptions the model reads
// as instructions (this file), what a tool says it does against what it
// may do (mcp_capability.go), and rules across the answers and the API
// documents of one scan (mcp_shadowing.go, mcp_operations.go).
func mcpToolChecks() []Check {
	return []Check{
		{Rule: rules.RuleLintMCPToolPoisoning, Tools: mcpToolPoisoning},
		{Rule: rules.RuleLintMCPHiddenText, Tools: mcpHiddenText},
		{Rule: rules.RuleLintMCPToolShadowing, Surface: mcpToolShadowing},
		{Rule: rules.RuleLintMCPAnnotationContradiction, Tools: mcpAnnotationContradiction},
		{Rule: rules.RuleLintMCPDestructiveToolUnmarked, Tools: mcpDestructiveUnmarked},
		{Rule: rules.RuleLintMCPUnboundedRiskyInput, Tools: mcpUnboundedRiskyInput},
		{Rule: rules.RuleLintMCPExfiltrationParameter, Tools: mcpExfiltrationParameter},
		{Rule: rules.RuleLintMCPDuplicateToolName, Surface: mcpDuplicateToolName},
		{Rule: rules.RuleLintMCPToolOperationMismatch, Surface: mcpToolOperationMismatch},
	}
}

// toolText is one text of a tool the model reads, where it is written.
type toolText struct {
	what    string // "tool \"x\"" or "parameter \"p\" of tool \"x\""
	text    string
	pointer string
}

// toolTexts lists the names and descriptions of tools and parameters.
func toolTexts(tools []mcp.Tool, withNames bool) []toolText {
	var out []toolText
	for _, t := range tools {
		tool := "tool " + strconv.Quote(t.Name)
		if withNames {
			out = append(out, toolText{what: tool + " name", text: t.Name, pointer: t.NamePointer})
		}
		if t.Description.Node != nil {
			out = append(out, toolText{what: tool, text: t.Description.Text, pointer: t.Description.Pointer})
		}
		for _, p := range t.Params {
			param := "parameter " + strconv.Quote(p.Name) + " of " + tool
			if withNames {
				out = append(out, toolText{what: param + " name", text: p.Name, pointer: p.Pointer})
			}
			if p.Description.Node != nil {
				out = append(out, toolText{what: param, text: p.Description.Text, pointer: p.Description.Pointer})
			}
		}
	}
	return out
}

// poisoningSigns are the forms of instructions aimed at the model; each
// names what it found.
var poisoningSigns = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`(?i)<\s*/?\s*(?:important|system|instructions?|secret|hidden)\s*>`), "an instruction tag"},
	{regexp.MustCompile(`(?i)\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:the\s+)?(?:previous|prior|above|earlier|other)\s+(?:instructions|prompts|rules|messages)`), "an order to ignore instructions"},
	{regexp.MustCompile(`(?i)\b(?:do\s+not|don't|never)\s+(?:tell|inform|mention|reveal|show|notify)\b[^.]{0,40}\buser\b|\bwithout\s+(?:telling|informing|notifying|asking)\s+the\s+user`), "an order to keep the user uninformed"},
	{regexp.MustCompile(`(?i)~/\.ssh|\bid_(?:rsa|ed25519|ecdsa)\b|~/\.aws/credentials|~/\.(?:netrc|npmrc|docker/config\.json|kube/config)|(?:^|[\s'"` + "`" + `(/])\.env(?:$|[\s'"` + "`" + `),;:])|\bmcp\.json\b|claude_desktop_config\.json|/etc/(?:passwd|shadow)`), "a request for secret files"},
	{regexp.MustCompile(`(?i)\b(?:pass|put|include|send|add|paste|copy|provide)\b[^.]{0,40}\b(?:entire|full|whole|complete|previous|all)\s+(?:conversation|chat(?:\s+history)?|message\s+history|messages|system\s+prompt|context\s+window)`), "a request to pass the conversation into a parameter"},
}

// modelTexts lists what a tools/list answer gives the model to read: its
// tools' texts (toolTexts) and those of the prompts and resources captured
// with them.
func modelTexts(f *surface.File, tools []mcp.Tool, withNames bool) []toolText {
	out := toolTexts(tools, withNames)
	add := func(what string, name string, namePtr string, desc mcp.Value) {
		if withNames {
			out = append(out, toolText{what: what + " name", text: name, pointer: namePtr})
		}
		if desc.Node != nil {
			out = append(out, toolText{what: what, text: desc.Text, pointer: desc.Pointer})
		}
	}
	for _, p := range mcp.Prompts(f.Tree, f.Format) {
		prompt := "prompt " + strconv.Quote(p.Name)
		add(prompt, p.Name, p.NamePointer, p.Description)
		for _, a := range p.Args {
			add("argument "+strconv.Quote(a.Name)+" of "+prompt, a.Name, a.Pointer, a.Description)
		}
	}
	for _, r := range mcp.Resources(f.Tree, f.Format) {
		add(r.Kind+" "+strconv.Quote(r.Name), r.Name, r.NamePointer, r.Description)
	}
	return out
}

func mcpToolPoisoning(c *Context, f *surface.File, tools []mcp.Tool) {
	for _, t := range modelTexts(f, tools, false) {
		for _, sign := range poisoningSigns {
			m := sign.re.FindString(t.text)
			if m == "" {
				continue
			}
			c.ReportAt(f.Locate(t.pointer), Finding{
				Message:  "The description of " + t.what + " holds " + sign.what + " aimed at the model",
				Evidence: strings.TrimSpace(m),
				Key:      sign.what,
			})
		}
	}
}

func mcpHiddenText(c *Context, f *surface.File, tools []mcp.Tool) {
	for _, t := range modelTexts(f, tools, true) {
		if hidden := decodeHidden(t.text); hidden != "" {
			c.ReportAt(f.Locate(t.pointer), Finding{
				Message:  "The " + t.what + " holds invisible characters; decoded: " + hidden,
				Evidence: hidden,
				Key:      "hidden",
			})
		}
		if words := mixedScriptWords(t.text); len(words) > 0 {
			c.ReportAt(f.Locate(t.pointer), Finding{
				Message:  "The " + t.what + " mixes Latin with Cyrillic or Greek letters in " + strings.Join(words, ", "),
				Evidence: strings.Join(words, ", "),
				Key:      "homoglyph",
			})
		}
	}
}

// decodeHidden returns the invisible content of s: runs of Unicode tag
// characters decoded to ASCII (in «»), zero-width and bidirectional
// controls as \u escapes; "" when s has none.
func decodeHidden(s string) string {
	var b strings.Builder
	inTags := false
	for _, r := range s {
		isTag := r >= 0xE0000 && r <= 0xE007F
		if inTags && !isTag {
			b.WriteString("»")
			inTags = false
		}
		switch {
		case isTag:
			if !inTags {
				b.WriteString("«")
				inTags = true
			}
			if a := r - 0xE0000; a >= 0x20 && a < 0x7F {
				b.WriteRune(a)
			}
		case invisibleControl(r):
			fmt.Fprintf(&b, "\\u%04X", r)
		}
	}
	if inTags {
		b.WriteString("»")
	}
	return b.String()
}

// invisibleControl reports zero-width characters and bidirectional
// controls.
func invisibleControl(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E, 0x200E, 0x200F, 0x061C:
		return true
	}
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// mixedScriptWords lists the words of s that hold Latin letters together
// with Cyrillic or Greek ones (look-alike spellings such as "rеad" with a
// Cyrillic е).
func mixedScriptWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '_' }) {
		latin, other := false, false
		for _, r := range w {
			switch {
			case unicode.Is(unicode.Latin, r):
				latin = true
			case unicode.Is(unicode.Cyrillic, r), unicode.Is(unicode.Greek, r):
				other = true
			}
		}
		if latin && other {
			out = append(out, strconv.QuoteToASCII(w))
		}
	}
	return out
}
