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
		// Inventory and Clients are present only when the run read
		// recorded traffic.
		Inventory *jsonInventory `json:"inventory,omitempty"`
		Clients   *[]jsonClient  `json:"clients,omitempty"`
		// Policy is present only when a step of the policy chain dropped
		// or changed a finding.
		Policy []jsonPolicyStep `json:"policy,omitempty"`
		Notes  []string         `json:"notes"`
	}
	jsonPolicyStep struct {
		Step    string `json:"step"`
		Dropped int    `json:"dropped"`
		Changed int    `json:"changed"`
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
		// Added with the clients section (additive, version unchanged).
		UnattributedRequests int `json:"unattributed_requests"`
		ClientsOverflow      int `json:"clients_overflow"`
	}
	jsonInventorySource struct {
		Name    string          `json:"name"`
		Format  string          `json:"format"`
		Records int             `json:"records"`
		Skipped int             `json:"skipped"`
		Skips   []jsonSkipCount `json:"skips"`
	}
	jsonSkipCount struct {
		Reason     string `json:"reason"`
		Count      int    `json:"count"`
		FirstLine  int    `json:"first_line"`
		FirstEntry int    `json:"first_entry"`
	}
	jsonClient struct {
		Name                string                `json:"name"`
		IdentifiedBy        string                `json:"identified_by"`
		Agent               bool                  `json:"agent"`
		AgentMarker         string                `json:"agent_marker"`
		Requests            int                   `json:"requests"`
		FirstSeen           string                `json:"first_seen"`
		LastSeen            string                `json:"last_seen"`
		Operations          []jsonClientOperation `json:"operations"`
		PeakPerMinute       int                   `json:"peak_per_minute"`
		PeakMinute          string                `json:"peak_minute"`
		MedianPerMinute     int                   `json:"median_per_minute"`
		ActiveMinutes       int                   `json:"active_minutes"`
		Scopes              []string              `json:"scopes"`
		RequiredScopes      []string              `json:"required_scopes"`
		UnusedScopes        []string              `json:"unused_scopes"`
		Credentials         int                   `json:"credentials"`
		MaxTokenLifetime    int64                 `json:"max_token_lifetime_seconds"`
		TokensWithoutExpiry int                   `json:"tokens_without_expiry"`
		UserAgents          []string              `json:"user_agents"`
	}
	jsonClientOperation struct {
		Method     string `json:"method"`
		Path       string `json:"path"`
		Documented bool   `json:"documented"`
		Requests   int    `json:"requests"`
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
	for _, st := range r.Policy {
		doc.Policy = append(doc.Policy, jsonPolicyStep{Step: st.Step, Dropped: st.Dropped, Changed: st.Changed})
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
			UnattributedRequests: inv.UnattributedRequests, ClientsOverflow: inv.ClientsOverflow,
		}
		for _, s := range inv.Sources {
			js := jsonInventorySource{Name: s.Name, Format: s.Format, Records: s.Records, Skipped: s.Skipped, Skips: []jsonSkipCount{}}
			for _, k := range s.Skips {
				js.Skips = append(js.Skips, jsonSkipCount{Reason: k.Reason, Count: k.Count, FirstLine: k.FirstLine, FirstEntry: k.FirstEntry})
			}
			ji.Sources = append(ji.Sources, js)
		}
		doc.Inventory = ji
		clients := make([]jsonClient, 0, len(inv.Clients))
		for _, c := range inv.Clients {
			jc := jsonClient{
				Name: c.Name, IdentifiedBy: c.IdentifiedBy, Agent: c.Agent != "", AgentMarker: c.Agent,
				Requests: c.Requests, FirstSeen: c.FirstSeen, LastSeen: c.LastSeen, Operations: []jsonClientOperation{},
				PeakPerMinute: c.PeakPerMinute, PeakMinute: c.PeakMinute, MedianPerMinute: c.MedianPerMinute, ActiveMinutes: c.ActiveMinutes,
				Scopes: nonNilStrings(c.Scopes), RequiredScopes: nonNilStrings(c.RequiredScopes), UnusedScopes: nonNilStrings(c.UnusedScopes),
				Credentials: c.Credentials, MaxTokenLifetime: c.MaxTokenLifetime, TokensWithoutExpiry: c.TokensWithoutExpiry,
				UserAgents: nonNilStrings(c.UserAgents),
			}
			for _, op := range c.Operations {
				jc.Operations = append(jc.Operations, jsonClientOperation{Method: op.Method, Path: op.Path, Documented: op.Documented, Requests: op.Requests})
			}
			clients = append(clients, jc)
		}
		doc.Clients = &clients
	}
	return doc, nil
}

func nonNilStrings(s []string) []string {
	return append([]string{}, s...)
}

func toJSONLocation(l rules.Location) jsonLocation {
	return jsonLocation{File: l.File, Line: l.Line, Column: l.Column, EndLine: l.EndLine, EndColumn: l.EndColumn, Pointer: l.Pointer}
}
