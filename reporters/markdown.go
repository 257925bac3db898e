package reporters

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/specterhq/specter/rules"
)

// Markdown renders a short summary for a GitHub job summary
// ($GITHUB_STEP_SUMMARY) or a merge request comment: the gate verdict,
// counts per severity and per rule, and the most severe findings. Tables
// are capped so the summary stays far below GitHub's 1 MiB per step.
type Markdown struct{}

// Caps that keep the summary small whatever the report holds.
const (
	markdownMaxFindings = 50
	markdownMaxRules    = 100
	markdownMaxCell     = 300 // runes of one table cell
)

// Render writes the summary.
func (*Markdown) Render(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	writeMarkdown(bw, r)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write markdown summary: %w", err)
	}
	return nil
}

func writeMarkdown(w *bufio.Writer, r *Report) {
	command := r.Command
	if command == "" {
		command = "scan"
	}
	verdict := "✅ gate passed"
	if !r.Gate.Passed {
		verdict = "❌ gate failed"
	}
	fmt.Fprintf(w, "## %s %s: %s\n\n", mdText(r.Tool.Name), mdText(command), verdict)
	failOn := r.Gate.FailOn
	if failOn == "" {
		failOn = "none"
	}
	fmt.Fprintf(w, "Fail on: **%s**", mdText(failOn))
	if len(r.Gate.Reasons) > 0 {
		reasons := make([]string, len(r.Gate.Reasons))
		for i, reason := range r.Gate.Reasons {
			reasons[i] = mdText(reason)
		}
		fmt.Fprintf(w, ". %s", strings.Join(reasons, "; "))
	}
	w.WriteString("\n\n")

	counts := r.Counts()
	w.WriteString("| Severity | Findings |\n|---|---:|\n")
	for _, s := range rules.AllSeverities() {
		fmt.Fprintf(w, "| %s | %d |\n", s, counts[s])
	}
	fmt.Fprintf(w, "| **total** | **%d** |\n\n", r.Active())
	fmt.Fprintf(w, "%d suppressed, %d baselined, %d %s scanned.\n",
		r.Suppressed(), r.Baselined, r.FilesScanned, plural(r.FilesScanned, "file", "files"))

	active := activeBySeverity(r.Findings)
	if len(active) == 0 {
		writeMarkdownClients(w, r.Inventory)
		return
	}
	writeRuleTable(w, r, active)

	w.WriteString("\n### Most severe findings\n\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n")
	for i, f := range active {
		if i == markdownMaxFindings {
			break
		}
		message := f.Message
		if f.Operation != nil {
			message += " (" + operationLabel(f.Operation) + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", f.Severity, mdCode(f.RuleID), mdCode(locationLabel(f.Location)), mdText(message))
	}
	if len(active) > markdownMaxFindings {
		fmt.Fprintf(w, "\n%d of %d findings shown; the full list is in the report file.\n", markdownMaxFindings, len(active))
	}
	writeMarkdownClients(w, r.Inventory)
}

// writeRuleTable counts the findings per rule, most severe rule first.
func writeRuleTable(w *bufio.Writer, r *Report, active []*rules.Finding) {
	type ruleCount struct {
		id       string
		severity rules.Severity
		n        int
	}
	index := make(map[string]int)
	var counts []ruleCount
	for _, f := range active {
		i, ok := index[f.RuleID]
		if !ok {
			i = len(counts)
			index[f.RuleID] = i
			counts = append(counts, ruleCount{id: f.RuleID, severity: f.Severity})
		}
		counts[i].n++
		counts[i].severity = max(counts[i].severity, f.Severity)
	}
	sort.SliceStable(counts, func(i, j int) bool {
		if counts[i].severity != counts[j].severity {
			return counts[i].severity > counts[j].severity
		}
		if counts[i].n != counts[j].n {
			return counts[i].n > counts[j].n
		}
		return counts[i].id < counts[j].id
	})
	w.WriteString("\n### Findings by rule\n\n| Rule | Title | Severity | Findings |\n|---|---|---|---:|\n")
	for i, c := range counts {
		if i == markdownMaxRules {
			fmt.Fprintf(w, "\n%d more rules not shown.\n", len(counts)-markdownMaxRules)
			break
		}
		title := ""
		if r.Catalog != nil {
			if rule := r.Catalog.Lookup(c.id); rule != nil {
				title = rule.Title
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d |\n", mdCode(c.id), mdText(title), c.severity, c.n)
	}
}

// locationLabel is "file:line:col", "file:line" or "file".
func locationLabel(loc rules.Location) string {
	if loc.File == "" {
		return "(no file)"
	}
	if loc.Line <= 0 {
		return loc.File
	}
	return loc.File + ":" + position(loc)
}

// mdText makes scanned text inert in a markdown table cell: one line, no
// markup, links, HTML or cell breaks, at most markdownMaxCell runes.
func mdText(s string) string {
	s = cellLine(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '[', ']', '|', '#', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode renders s as inline code in a table cell. Backticks cannot be
// escaped inside a code span, so they become quotes; '|' still needs its
// backslash in a GFM table.
func mdCode(s string) string {
	s = strings.ReplaceAll(cellLine(s), "`", "'")
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}

// cellLine folds whitespace and control characters to single spaces and
// shortens s to markdownMaxCell runes.
func cellLine(s string) string {
	s = terminalSafe(strings.Join(strings.Fields(s), " "))
	if utf8.RuneCountInString(s) > markdownMaxCell {
		s = truncateRunes(s, markdownMaxCell)
	}
	return s
}
