package reporters

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/specterhq/specter/rules"
)

// CodeQuality renders a GitLab Code Quality report (the Code Climate issue
// format GitLab reads from artifacts:reports:codequality): a JSON array,
// one issue per unsuppressed finding. It works on every GitLab tier, in
// the merge request widget and, on higher tiers, in the diff.
type CodeQuality struct{}

type (
	codeQualityIssue struct {
		Type        string              `json:"type"`
		CheckName   string              `json:"check_name"`
		Description string              `json:"description"`
		Categories  []string            `json:"categories"`
		Severity    string              `json:"severity"`
		Fingerprint string              `json:"fingerprint"`
		Location    codeQualityLocation `json:"location"`
	}
	codeQualityLocation struct {
		Path  string           `json:"path"`
		Lines codeQualityLines `json:"lines"`
	}
	codeQualityLines struct {
		Begin int `json:"begin"`
		End   int `json:"end,omitempty"`
	}
)

// Render writes the issues as an indented JSON array.
func (*CodeQuality) Render(w io.Writer, r *Report) error {
	issues := make([]codeQualityIssue, 0, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed() {
			continue
		}
		description := f.RuleID + ": " + f.Message
		if f.Operation != nil {
			description += " (" + operationLabel(f.Operation) + ")"
		}
		issue := codeQualityIssue{
			Type:        "issue",
			CheckName:   f.RuleID,
			Description: description,
			Categories:  []string{"Security"},
			Severity:    codeQualitySeverity(f.Severity),
			Fingerprint: fingerprintOf(*f),
			Location: codeQualityLocation{
				Path:  repoPath(f.Location.File, r.SourceRoot),
				Lines: codeQualityLines{Begin: max(f.Location.Line, 1)},
			},
		}
		if f.Location.EndLine > issue.Location.Lines.Begin {
			issue.Location.Lines.End = f.Location.EndLine
		}
		issues = append(issues, issue)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(issues); err != nil {
		return fmt.Errorf("write Code Quality report: %w", err)
	}
	return nil
}

// codeQualitySeverity maps a severity to Code Climate's scale.
func codeQualitySeverity(s rules.Severity) string {
	switch s {
	case rules.SeverityCritical:
		return "blocker"
	case rules.SeverityHigh:
		return "critical"
	case rules.SeverityMedium:
		return "major"
	case rules.SeverityLow:
		return "minor"
	default:
		return "info"
	}
}
