package reporters

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/specterhq/specter/rules"
)

// JSON renders the versioned machine-readable report documented in
// docs/json-report.md. Every key is always present, in a fixed order.
type JSON struct{}

// The types below are the JSON report's layout. Field order is output
// order; changing a name or removing a field means bumping SchemaVersion.
type (
	jsonReport struct {
		Version  string        `json:"version"`
		Tool     jsonTool      `json:"tool"`
		Command  string        `json:"command"`
		Findings []jsonFinding `json:"findings"`
		Summary  jsonSummary   `json:"summary"`
		Gate     jsonGate      `json:"gate"`
		Notes    []string      `json:"notes"`
	}
	jsonTool struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	jsonFinding struct {
		RuleID      string           `json:"rule_id"`
		Severity    string           `json:"severity"`
		Title       string           `json:"title"`
		Message     string           `json:"message"`
		OWASP       string           `json:"owasp"`
		CWE         []string         `json:"cwe"`
		Location    jsonLocation     `json:"location"`
		Operation   *jsonOperation   `json:"operation"`
		Evidence    string           `json:"evidence"`
		Fingerprint string           `json:"fingerprint"`
		Suppressed  bool             `json:"suppressed"`
		Suppression *jsonSuppression `json:"suppression"`
	}
	jsonLocation struct {
		File      string `json:"file"`
		Line      int    `json:"line"`
		Column    int    `json:"column"`
		EndLine   int    `json:"end_line"`
		EndColumn int    `json:"end_column"`
		Pointer   string `json:"pointer"`
	}
	jsonOperation struct {
		Method      string `json:"method"`
		Path        string `json:"path"`
		OperationID string `json:"operation_id"`
	}
	jsonSuppression struct {
		Kind   string `json:"kind"`
		Source string `json:"source"`
		Reason string `json:"reason"`
	}
	jsonSummary struct {
		Critical     int `json:"critical"`
		High         int `json:"high"`
		Medium       int `json:"medium"`
		Low          int `json:"low"`
		Info         int `json:"info"`
		Total        int `json:"total"`
		Suppressed   int `json:"suppressed"`
		Baselined    int `json:"baselined"`
		FilesScanned int `json:"files_scanned"`
	}
	jsonGate struct {
		Passed  bool     `json:"passed"`
		FailOn  string   `json:"fail_on"`
		Reasons []string `json:"reasons"`
	}
)

// Render writes the report as one indented JSON object and a newline.
func (*JSON) Render(w io.Writer, r *Report) error {
	doc, err := buildJSONReport(r)
	if err != nil {
		return fmt.Errorf("build JSON report: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

func buildJSONReport(r *Report) (*jsonReport, error) {
	counts := r.Counts()
	doc := &jsonReport{
		Version:  SchemaVersion,
		Tool:     jsonTool{Name: r.Tool.Name, Version: r.Tool.Version},
		Command:  r.Command,
		Findings: make([]jsonFinding, 0, len(r.Findings)),
		Summary: jsonSummary{
			Critical:     counts[rules.SeverityCritical],
			High:         counts[rules.SeverityHigh],
			Medium:       counts[rules.SeverityMedium],
			Low:          counts[rules.SeverityLow],
			Info:         counts[rules.SeverityInfo],
			Total:        r.Active(),
			Suppressed:   r.Suppressed(),
			Baselined:    r.Baselined,
			FilesScanned: r.FilesScanned,
		},
		Gate: jsonGate{
			Passed:  r.Gate.Passed,
			FailOn:  r.Gate.FailOn,
			Reasons: append([]string{}, r.Gate.Reasons...),
		},
		Notes: append([]string{}, r.Notes...),
	}
	if doc.Gate.FailOn == "" {
		doc.Gate.FailOn = "none"
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		rule, err := r.ruleOf(f)
		if err != nil {
			return nil, err
		}
		jf := jsonFinding{
			RuleID:   f.RuleID,
			Severity: f.Severity.String(),
			Title:    rule.Title,
			Message:  f.Message,
			OWASP:    rule.OWASP,
			CWE:      append([]string{}, rule.CWE...),
			Location: jsonLocation{
				File:      f.Location.File,
				Line:      f.Location.Line,
				Column:    f.Location.Column,
				EndLine:   f.Location.EndLine,
				EndColumn: f.Location.EndColumn,
				Pointer:   f.Location.Pointer,
			},
			Evidence:    f.Evidence,
			Fingerprint: fingerprintOf(*f),
			Suppressed:  f.Suppressed(),
		}
		if op := f.Operation; op != nil {
			jf.Operation = &jsonOperation{Method: op.Method, Path: op.Path, OperationID: op.OperationID}
		}
		if s := f.Suppression; s != nil {
			jf.Suppression = &jsonSuppression{Kind: string(s.Kind), Source: s.Source, Reason: s.Reason}
		}
		doc.Findings = append(doc.Findings, jf)
	}
	return doc, nil
}
