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
		// Inventory is present only when the run read recorded traffic.
		Inventory *jsonInventory `json:"inventory,omitempty"`
		Notes     []string       `json:"notes"`
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
		// Related is present only on findings that have related locations.
		Related []jsonRelated `json:"related,omitempty"`
	}
	jsonRelated struct {
		Location jsonLocation `json:"location"`
		Message  string       `json:"message"`
	}
	jsonInventory struct {
		Sources            []jsonInventorySource `json:"sources"`
		Requests           int                   `json:"requests"`
		WindowStart        string                `json:"window_start"`
		WindowEnd          string                `json:"window_end"`
		Operations         int                   `json:"operations"`
		ObservedOperations int                   `json:"observed_operations"`
		ProbeEndpoints     int                   `json:"probe_endpoints"`
		ProbeRequests      int                   `json:"probe_requests"`
		PreflightRequests  int                   `json:"preflight_requests"`
		Overflow           int                   `json:"overflow"`
	}
	jsonInventorySource struct {
		Name    string `json:"name"`
		Format  string `json:"format"`
		Records int    `json:"records"`
		Skipped int    `json:"skipped"`
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
			RuleID:      f.RuleID,
			Severity:    f.Severity.String(),
			Title:       rule.Title,
			Message:     f.Message,
			OWASP:       rule.OWASP,
			CWE:         append([]string{}, rule.CWE...),
			Location:    toJSONLocation(f.Location),
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
		for _, rel := range f.Related {
			jf.Related = append(jf.Related, jsonRelated{Location: toJSONLocation(rel.Location), Message: rel.Message})
		}
		doc.Findings = append(doc.Findings, jf)
	}
	if inv := r.Inventory; inv != nil {
		ji := &jsonInventory{
			Sources: []jsonInventorySource{}, Requests: inv.Requests,
			WindowStart: inv.WindowStart, WindowEnd: inv.WindowEnd,
			Operations: inv.Operations, ObservedOperations: inv.ObservedOperations,
			ProbeEndpoints: inv.ProbeEndpoints, ProbeRequests: inv.ProbeRequests,
			PreflightRequests: inv.PreflightRequests, Overflow: inv.Overflow,
		}
		for _, s := range inv.Sources {
			ji.Sources = append(ji.Sources, jsonInventorySource{Name: s.Name, Format: s.Format, Records: s.Records, Skipped: s.Skipped})
		}
		doc.Inventory = ji
	}
	return doc, nil
}

func toJSONLocation(l rules.Location) jsonLocation {
	return jsonLocation{File: l.File, Line: l.Line, Column: l.Column, EndLine: l.EndLine, EndColumn: l.EndColumn, Pointer: l.Pointer}
}
