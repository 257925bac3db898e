package reporters

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/specterhq/specter/rules"
)

// Text renders a report for people: findings grouped by file, one line per
// finding, then a one-line summary with the gate verdict.
type Text struct {
	Options Options
}

// textStyles are the lipgloss styles of one rendering, bound to a renderer
// whose colour profile comes from Options rather than the environment.
type textStyles struct {
	file, position, ruleID, detail, hint lipgloss.Style
	severity                             map[rules.Severity]lipgloss.Style
	passed, failed                       lipgloss.Style
}

func newTextStyles(w io.Writer, color bool) textStyles {
	profile := termenv.Ascii
	if color {
		profile = termenv.ANSI256
	}
	r := lipgloss.NewRenderer(w, termenv.WithProfile(profile))
	r.SetColorProfile(profile)
	// Setting the background explicitly keeps lipgloss from querying the
	// terminal; no style below is adaptive, so the value does not matter.
	r.SetHasDarkBackground(true)
	return textStyles{
		file:     r.NewStyle().Bold(true),
		position: r.NewStyle().Faint(true),
		ruleID:   r.NewStyle().Foreground(lipgloss.Color("37")),
		detail:   r.NewStyle().Faint(true),
		hint:     r.NewStyle().Faint(true),
		severity: map[rules.Severity]lipgloss.Style{
			rules.SeverityCritical: r.NewStyle().Bold(true).Foreground(lipgloss.Color("201")),
			rules.SeverityHigh:     r.NewStyle().Bold(true).Foreground(lipgloss.Color("196")),
			rules.SeverityMedium:   r.NewStyle().Foreground(lipgloss.Color("214")),
			rules.SeverityLow:      r.NewStyle().Foreground(lipgloss.Color("33")),
			rules.SeverityInfo:     r.NewStyle().Foreground(lipgloss.Color("245")),
		},
		passed: r.NewStyle().Bold(true).Foreground(lipgloss.Color("34")),
		failed: r.NewStyle().Bold(true).Foreground(lipgloss.Color("196")),
	}
}

// severityWidth is the width of the longest severity label, CRITICAL.
const severityWidth = len("CRITICAL")

// Render writes the report as text.
func (t *Text) Render(w io.Writer, r *Report) error {
	st := newTextStyles(w, t.Options.Color)
	bw := bufio.NewWriter(w)
	if !t.Options.Quiet {
		t.writeFindings(bw, st, r)
		writeTextClients(bw, st, r.Inventory)
		for _, n := range r.Notes {
			fmt.Fprintf(bw, "%s\n", st.hint.Render("note: "+terminalSafe(n)))
		}
		if len(r.Notes) > 0 {
			bw.WriteByte('\n')
		}
		if t.grouped(r) {
			fmt.Fprintf(bw, "%s\n", st.hint.Render(topRulesLine(r)))
		}
	}
	bw.WriteString(summaryLine(st, r))
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	return nil
}

// writeFindings lists the unsuppressed findings grouped by file, in the
// order the report holds them, followed by the hint about `specter rules`
// naming the rule of the most severe finding. When there are more than
// fit a screen, only those at or above high are listed; the rest are
// grouped by rule.
func (t *Text) writeFindings(w *bufio.Writer, st textStyles, r *Report) {
	groups := groupByFile(r.Findings, rules.SeverityInfo)
	if len(groups) == 0 {
		w.WriteString("No findings.\n\n")
		return
	}
	var worst *rules.Finding
	for _, g := range groups {
		for _, f := range g.findings {
			if worst == nil || f.Severity > worst.Severity {
				worst = f
			}
		}
	}
	if t.grouped(r) {
		writeFileGroups(w, st, groupByFile(r.Findings, listedAlways))
		writeRuleGroups(w, st, r)
	} else {
		writeFileGroups(w, st, groups)
	}
	fmt.Fprintf(w, "%s\n\n", st.hint.Render("Run `specter rules <id>` for what a rule checks and how to fix it, e.g. `specter rules "+terminalSafe(worst.RuleID)+"`."))
}

// writeFileGroups lists findings in full under the name of their file.
func writeFileGroups(w *bufio.Writer, st textStyles, groups []fileGroup) {
	for _, g := range groups {
		fmt.Fprintf(w, "%s\n", st.file.Render(displayFile(g.file)))
		posWidth := 0
		for _, f := range g.findings {
			posWidth = max(posWidth, len(position(f.Location)))
		}
		indent := strings.Repeat(" ", 2+posWidth+2+severityWidth+2)
		for _, f := range g.findings {
			pos := fmt.Sprintf("%-*s", posWidth, position(f.Location))
			sev := fmt.Sprintf("%-*s", severityWidth, strings.ToUpper(f.Severity.String()))
			fmt.Fprintf(w, "  %s  %s  %s  %s\n",
				st.position.Render(pos), st.severity[f.Severity].Render(sev),
				st.ruleID.Render(terminalSafe(f.RuleID)), terminalSafe(f.Message))
			if f.Operation != nil {
				fmt.Fprintf(w, "%s%s\n", indent, st.detail.Render(terminalSafe(operationLabel(f.Operation))))
			}
			if f.Evidence != "" {
				// Multi-line evidence (the fuzzer's reproducer) keeps its
				// lines; each is made terminal-safe on its own.
				for i, line := range strings.Split(strings.TrimRight(f.Evidence, "\n"), "\n") {
					label := "evidence: "
					if i > 0 {
						label = "          "
					}
					fmt.Fprintf(w, "%s%s\n", indent, st.detail.Render(label+terminalSafe(line)))
				}
			}
			for _, rel := range f.Related {
				fmt.Fprintf(w, "%s%s\n", indent, st.detail.Render(terminalSafe(fmt.Sprintf("%s: %s:%d", rel.Message, rel.Location.File, rel.Location.Line))))
			}
		}
		w.WriteByte('\n')
	}
}

type fileGroup struct {
	file     string
	findings []*rules.Finding
}

// groupByFile gathers the unsuppressed findings at or above least per
// file, keeping the order of first appearance.
func groupByFile(fs []rules.Finding, least rules.Severity) []fileGroup {
	var groups []fileGroup
	index := make(map[string]int)
	for i := range fs {
		f := &fs[i]
		if f.Suppressed() || f.Severity < least {
			continue
		}
		gi, ok := index[f.Location.File]
		if !ok {
			gi = len(groups)
			index[f.Location.File] = gi
			groups = append(groups, fileGroup{file: f.Location.File})
		}
		groups[gi].findings = append(groups[gi].findings, f)
	}
	return groups
}

func displayFile(file string) string {
	if file == "" {
		return "(no file)"
	}
	return terminalSafe(file)
}

// position is "line:col", "line" without a column, or "-" when the line is
// unknown.
func position(loc rules.Location) string {
	switch {
	case loc.Line <= 0:
		return "-"
	case loc.Column <= 0:
		return strconv.Itoa(loc.Line)
	default:
		return fmt.Sprintf("%d:%d", loc.Line, loc.Column)
	}
}

// operationLabel is "GET /users/{id}", with the operation id when known.
func operationLabel(op *rules.Operation) string {
	label := strings.TrimSpace(op.Method + " " + op.Path)
	if op.OperationID != "" {
		label += " (" + op.OperationID + ")"
	}
	return label
}

// summaryLine is the verdict, the counts and, for a failed gate, why.
func summaryLine(st textStyles, r *Report) string {
	counts := r.Counts()
	parts := make([]string, 0, 5)
	for _, s := range rules.AllSeverities() {
		parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
	}
	verdict := st.passed.Render("PASSED")
	if !r.Gate.Passed {
		verdict = st.failed.Render("FAILED")
	}
	failOn := r.Gate.FailOn
	if failOn == "" {
		failOn = "none"
	}
	line := fmt.Sprintf("%s  %s (%d suppressed, %d baselined) in %d %s; fail-on %s",
		verdict, strings.Join(parts, ", "), r.Suppressed(), r.Baselined,
		r.FilesScanned, plural(r.FilesScanned, "file", "files"), terminalSafe(failOn))
	if len(r.Gate.Reasons) > 0 {
		reasons := make([]string, len(r.Gate.Reasons))
		for i, reason := range r.Gate.Reasons {
			reasons[i] = terminalSafe(reason)
		}
		line += ": " + strings.Join(reasons, "; ")
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// terminalSafe escapes control characters so text taken from scanned files
// (messages, evidence, paths) cannot move the cursor, recolour the terminal
// or forge extra report lines.
func terminalSafe(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsControl(r) {
			b.WriteRune(r)
			continue
		}
		quoted := strconv.QuoteRune(r)
		b.WriteString(quoted[1 : len(quoted)-1])
	}
	return b.String()
}
