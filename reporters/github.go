package reporters

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/specterhq/specter/rules"
)

// GitHubAnnotations renders unsuppressed findings as GitHub Actions
// workflow commands (::error, ::warning, ::notice), which the runner turns
// into annotations on the changed files. The runner shows only ten of each
// kind per step, so the most severe findings come first.
type GitHubAnnotations struct{}

// Render writes one workflow command per unsuppressed finding.
func (*GitHubAnnotations) Render(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for _, f := range activeBySeverity(r.Findings) {
		bw.WriteString(annotation(f, r.Catalog))
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write GitHub annotations: %w", err)
	}
	return nil
}

// annotation is the workflow command for one finding.
func annotation(f *rules.Finding, catalog *rules.Catalog) string {
	var props []string
	prop := func(name, value string) {
		props = append(props, name+"="+escapeProperty(value))
	}
	if f.Location.File != "" {
		prop("file", strings.ReplaceAll(f.Location.File, `\`, "/"))
		if f.Location.Line > 0 {
			prop("line", strconv.Itoa(f.Location.Line))
			if f.Location.EndLine >= f.Location.Line {
				prop("endLine", strconv.Itoa(f.Location.EndLine))
			}
			// GitHub takes columns only on single-line annotations.
			if f.Location.Column > 0 && (f.Location.EndLine == 0 || f.Location.EndLine == f.Location.Line) {
				prop("col", strconv.Itoa(f.Location.Column))
				if f.Location.EndColumn > f.Location.Column {
					prop("endColumn", strconv.Itoa(f.Location.EndColumn))
				}
			}
		}
	}
	title := f.RuleID
	if catalog != nil {
		if rule := catalog.Lookup(f.RuleID); rule != nil {
			title = rule.Title + " (" + f.RuleID + ")"
		}
	}
	prop("title", "specter "+strings.ToUpper(f.Severity.String())+": "+title)

	message := f.Message
	if f.Operation != nil {
		message += "\n" + operationLabel(f.Operation)
	}
	if f.Evidence != "" {
		message += "\nevidence: " + f.Evidence
	}
	message += "\nRun `specter rules " + f.RuleID + "` for how to fix it."
	return "::" + annotationLevel(f.Severity) + " " + strings.Join(props, ",") + "::" + escapeData(message)
}

// annotationLevel maps a severity to a workflow command, like the SARIF
// levels: high and critical are errors, medium warnings, the rest notices.
func annotationLevel(s rules.Severity) string {
	switch sarifLevel(s) {
	case "error":
		return "error"
	case "warning":
		return "warning"
	default:
		return "notice"
	}
}

// escapeData escapes a workflow command's message the way the runner
// unescapes it, so text from scanned files cannot end the command early
// or start a new one.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command property value: the data
// escapes plus ':' and ',', which would end the value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
