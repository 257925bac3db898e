package lint

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/mcp"
)

// Rules across the tools/list answers of a scan: descriptions that steer
// the model between tools, and tool names two servers publish.

// shadowingSigns are phrases that steer the model to this tool whatever
// the other tools are.
var shadowingSigns = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`(?i)\binstead\s+of\s+(?:using|calling|invoking|running)\b|\binstead\s+of\s+(?:the\s+|any\s+)?(?:other|built-?in|default|original|standard|regular)\s+(?:[\w-]+\s+)?tools?\b`), "an order to be used instead of another tool"},
	{regexp.MustCompile(`(?i)\b(?:always|only)\s+(?:use|call|choose|prefer|pick|select|invoke)\s+this\s+tool\b|\b(?:prefer|use|call)\s+this\s+tool\s+(?:over|rather\s+than|instead|for\s+(?:all|every|any))\b|\bthis\s+tool\s+(?:replaces|overrides|supersedes|takes\s+precedence)\b`), "an order to prefer this tool"},
	{regexp.MustCompile(`(?i)\b(?:before|prior\s+to)\s+(?:using|calling|invoking|running)\s+any\s+other\s+tools?\b`), "an order to call this tool before any other"},
	{regexp.MustCompile(`(?i)\b(?:do\s+not|don't|never)\s+(?:use|call|invoke)\s+(?:any\s+)?(?:other|another|built-?in|the\s+default)\s+tools?\b`), "an order not to use other tools"},
	{regexp.MustCompile(`(?i)\bwhen(?:ever)?\s+the\s+user\s+(?:asks|wants|requests|says|tries)\b[^.]{0,80}?\b(?:call|use|invoke|run)\s+this\b`), "an order to answer the user's requests with this tool"},
}

// otherToolOrders are the ways a description tells how another tool must
// be called; %s is the other tool's name, quoted for a regexp. "Before
// calling X, call this" and "X gives the paths this tool takes" are
// workflow hints real servers write and are not matched.
var otherToolOrders = []string{
	`\b(?:when(?:ever)?|each\s+time|every\s+time)\s+(?:you\s+)?(?:use|using|call|calling|invoke|invoking|run|running|execute|executing)\s+(?:the\s+)?[` + "`" + `'"]?%s\b`,
	`\b%s[` + "`" + `'"]?(?:\s+tool)?\s+(?:must|should|shall|has\s+to|needs\s+to)\b`,
	`\b(?:always|never)\b[^.]{0,60}?\b%s\b`,
	`\binstead\s+of\s+(?:using\s+|calling\s+|the\s+)?[` + "`" + `'"]?%s\b`,
}

// distinctiveName reports whether a tool name can be told from prose when
// it appears in a description: it holds a separator, a digit or a
// camel-case hump (send_email, getUser), and is not a plain word
// ("search", "add").
func distinctiveName(name string) bool {
	if len(name) < 4 {
		return false
	}
	for i, r := range name {
		if r == '_' || r == '-' || r == '.' || unicode.IsDigit(r) || (i > 0 && unicode.IsUpper(r)) {
			return true
		}
	}
	return false
}

// otherToolPatterns compiles, per distinctive tool name of the scan, the
// orders about calling it.
func otherToolPatterns(answers []ToolAnswer) map[string][]*regexp.Regexp {
	out := map[string][]*regexp.Regexp{}
	for _, a := range answers {
		for _, t := range a.Tools {
			if _, done := out[t.Name]; done || !distinctiveName(t.Name) {
				continue
			}
			for _, form := range otherToolOrders {
				out[t.Name] = append(out[t.Name], regexp.MustCompile(`(?i)`+fmt.Sprintf(form, regexp.QuoteMeta(t.Name))))
			}
		}
	}
	return out
}

func mcpToolShadowing(c *Context, s *SurfaceIndex) {
	others := otherToolPatterns(s.Answers)
	for _, a := range s.Answers {
		for _, tool := range a.Tools {
			for _, t := range toolTexts([]mcp.Tool{tool}, false) {
				for _, sign := range shadowingSigns {
					if m := sign.re.FindString(t.text); m != "" {
						c.ReportAt(a.File.Locate(t.pointer), Finding{
							Message:  "The description of " + t.what + " holds " + sign.what + ": it shadows the other tools the model has",
							Evidence: strings.TrimSpace(m),
							Key:      sign.what,
						})
					}
				}
				lower := strings.ToLower(t.text)
				for name, res := range others {
					if name == tool.Name || !strings.Contains(lower, strings.ToLower(name)) {
						continue
					}
					for _, re := range res {
						if m := re.FindString(t.text); m != "" {
							c.ReportAt(a.File.Locate(t.pointer), Finding{
								Message:  "The description of " + t.what + " tells how another tool, " + strconv.Quote(name) + ", must be called: it rewrites that tool's calls",
								Evidence: strings.TrimSpace(m),
								Key:      "other:" + name,
							})
							break
						}
					}
				}
			}
		}
	}
}

// answerServer names the server an answer came from: its serverInfo name,
// else the longest config server name its file name carries as a word
// ("github.tools.json", "tools-github.json" for "github"), else "".
func answerServer(f *surface.File, configServers []string) string {
	if name := mcp.ServerName(f.Tree); name != "" {
		return name
	}
	base := strings.ToLower(path.Base(f.Path))
	base = strings.TrimSuffix(base, path.Ext(base))
	parts := strings.FieldsFunc(base, func(r rune) bool { return r == '.' || r == '-' || r == '_' || r == ' ' })
	best := ""
	for _, name := range configServers {
		n := strings.ToLower(name)
		if len(n) <= len(best) {
			continue
		}
		if base == n || slices.Contains(parts, n) || strings.HasPrefix(base, n+".") || strings.HasPrefix(base, n+"-") || strings.HasPrefix(base, n+"_") ||
			strings.HasSuffix(base, "."+n) || strings.HasSuffix(base, "-"+n) || strings.HasSuffix(base, "_"+n) {
			best = name
		}
	}
	return best
}

// configServerNames lists the server names of the scan's MCP configs and
// server.json manifests.
func configServerNames(surf *surface.Surface) []string {
	var out []string
	for _, f := range surf.Files {
		if f.Format != surface.FormatMCPConfig && f.Format != surface.FormatMCPServerManifest {
			continue
		}
		for _, s := range mcp.Servers(f.Tree, f.Format) {
			if !slices.Contains(out, s.Name) {
				out = append(out, s.Name)
			}
		}
	}
	return out
}

// mcpDuplicateToolName compares the answers of each folder whose server is
// known (answerServer): an MCP config lists its servers and the captures
// of their tools/list answers sit next to it, while answers in other
// folders belong to other projects (or are test fixtures), and two
// unnamed answers may be two captures of one server.
func mcpDuplicateToolName(c *Context, s *SurfaceIndex) {
	type first struct {
		server, label string
		file          *surface.File
		tool          mcp.Tool
	}
	servers := configServerNames(s.Surface)
	seen := map[string]first{}
	for _, a := range s.Answers {
		server := answerServer(a.File, servers)
		if server == "" {
			continue // two unnamed captures may be of one server
		}
		label := "server " + strconv.Quote(server)
		folder := path.Dir(a.File.Path)
		for _, t := range a.Tools {
			key := folder + "\x00" + t.Name
			prev, ok := seen[key]
			if !ok {
				seen[key] = first{server: server, label: label, file: a.File, tool: t}
				continue
			}
			if prev.server == server {
				continue
			}
			at := prev.file.Locate(prev.tool.NamePointer)
			c.ReportAt(a.File.Locate(t.NamePointer), Finding{
				Message:  fmt.Sprintf("Tool %q is published here by %s and already by %s at %s:%d:%d: one shadows the other", t.Name, label, prev.label, at.File, at.Line, at.Column),
				Evidence: t.Name,
				Key:      t.Name,
			})
		}
	}
}
