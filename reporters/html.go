package reporters

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/specterhq/specter/rules"
)

// HTML renders one self-contained page (docs/html-report.md): the gate, a
// surface map of operations by scanner, the findings grouped by rule with
// filters and search, the source lines around each finding, and the
// fuzzer's and the inventory's coverage. The report's data is one JSON
// document in a <script type="application/json"> element that the page's
// own script renders; nothing is fetched.
type HTML struct{}

var (
	//go:embed html/report.html.tmpl
	htmlPage string
	//go:embed html/report.css
	htmlCSS string
	//go:embed html/report.js
	htmlJS string

	htmlTemplate = template.Must(template.New("report").Parse(htmlPage))
)

// scannerColumns are the surface map's columns, in pipeline order; a rule
// family outside them gets a column of its own after them.
var scannerColumns = []string{"secrets", "lint", "fuzz", "inventory"}

// The page's data; field names are the keys report.js reads.
type (
	htmlDoc struct {
		Tool         string           `json:"tool"`
		Version      string           `json:"version"`
		Command      string           `json:"command"`
		Gate         jsonGate         `json:"gate"`
		Severities   []string         `json:"severities"`
		Counts       map[string]int   `json:"counts"`
		Total        int              `json:"total"`
		Suppressed   int              `json:"suppressed"`
		Baselined    int              `json:"baselined"`
		FilesScanned int              `json:"files_scanned"`
		Rules        []htmlRule       `json:"rules"`
		Files        []string         `json:"files"` // the findings\' files, by first appearance
		Findings     []htmlFinding    `json:"findings"`
		Sources      htmlSources      `json:"sources"`
		Map          htmlMap          `json:"map"`
		Coverage     []htmlCoverage   `json:"coverage"`
		Inventory    *jsonInventory   `json:"inventory"`
		Clients      []jsonClient     `json:"clients"`
		Policy       []jsonPolicyStep `json:"policy"`
		Notes        []string         `json:"notes"`
		RuleIndex    map[string]int   `json:"-"`
		FileIndex    map[string]int   `json:"-"`
	}
	htmlRule struct {
		ID       string   `json:"id"`
		Title    string   `json:"title"`
		Severity string   `json:"severity"`
		OWASP    string   `json:"owasp"`
		CWE      []string `json:"cwe"`
		// Help is already HTML: helpHTML escaped the markdown.
		Help   string `json:"help"`
		Count  int    `json:"count"`
		Family string `json:"family"`
	}
	// htmlFinding leaves out empty fields: the page of a large report
	// holds thousands.
	htmlFinding struct {
		Fingerprint string        `json:"fp"`
		Rule        int           `json:"rule"` // index into Rules
		Severity    string        `json:"sev"`
		Message     string        `json:"msg"`
		File        int           `json:"file"` // index into Files
		Line        int           `json:"line,omitempty"`
		Column      int           `json:"col,omitempty"`
		EndLine     int           `json:"end_line,omitempty"`
		Pointer     string        `json:"ptr,omitempty"`
		Operation   string        `json:"op,omitempty"`
		Evidence    string        `json:"evidence,omitempty"`
		Suppressed  string        `json:"suppressed,omitempty"` // why; absent when it counts
		Related     []htmlRelated `json:"related,omitempty"`
	}
	htmlRelated struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Message string `json:"msg"`
	}
	htmlSources struct {
		Radius int                       `json:"radius"`
		Files  map[string]map[int]string `json:"files"`
	}
	// htmlMap is the surface map: Cells[i][j] is the worst severity of
	// the active findings of Scanners[j] on Operations[i], "" for none.
	htmlMap struct {
		Scanners   []string   `json:"scanners"`
		Operations []string   `json:"operations"`
		Cells      [][]string `json:"cells"`
	}
	htmlCoverage struct {
		Scanner    string             `json:"scanner"`
		Operations []htmlOperationCov `json:"operations"`
	}
	htmlOperationCov struct {
		Operation string   `json:"op"`
		Requests  int      `json:"requests"`
		Succeeded int      `json:"succeeded"`
		Statuses  [][2]int `json:"statuses"` // [code, count], by code
		Reason    string   `json:"reason"`
	}
)

// Render writes the page.
func (*HTML) Render(w io.Writer, r *Report) error {
	doc, err := buildHTMLDoc(r)
	if err != nil {
		return fmt.Errorf("build HTML report: %w", err)
	}
	// json.Marshal escapes <, > and & (and U+2028/9), so no text of the
	// report can end the script element it sits in.
	data, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode HTML report data: %w", err)
	}
	title := r.Tool.Name + " " + r.Command + " report"
	var buf bytes.Buffer
	err = htmlTemplate.Execute(&buf, map[string]any{
		"Title": strings.TrimSpace(title),
		"CSS":   template.CSS(htmlCSS),
		"JS":    template.JS(htmlJS),
		"Data":  template.JS(data),
	})
	if err != nil {
		return fmt.Errorf("render HTML report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	return nil
}

func buildHTMLDoc(r *Report) (*htmlDoc, error) {
	counts := r.Counts()
	doc := &htmlDoc{
		Tool: r.Tool.Name, Version: r.Tool.Version, Command: r.Command,
		Gate:   jsonGate{Passed: r.Gate.Passed, FailOn: r.Gate.FailOn, Reasons: nonNilStrings(r.Gate.Reasons)},
		Counts: map[string]int{}, Total: r.Active(), Suppressed: r.Suppressed(),
		Baselined: r.Baselined, FilesScanned: r.FilesScanned,
		Rules: []htmlRule{}, Findings: make([]htmlFinding, 0, len(r.Findings)),
		Sources:  htmlSources{Files: map[string]map[int]string{}},
		Coverage: []htmlCoverage{}, Clients: []jsonClient{}, Policy: []jsonPolicyStep{},
		Notes: nonNilStrings(r.Notes), RuleIndex: map[string]int{}, Files: []string{}, FileIndex: map[string]int{},
	}
	if doc.Gate.FailOn == "" {
		doc.Gate.FailOn = "none"
	}
	for _, s := range rules.AllSeverities() {
		doc.Severities = append(doc.Severities, s.String())
		doc.Counts[s.String()] = counts[s]
	}
	if err := addHTMLFindings(doc, r); err != nil {
		return nil, err
	}
	if r.Sources != nil {
		doc.Sources.Radius = r.Sources.Radius
		for file, lines := range r.Sources.Files {
			doc.Sources.Files[file] = lines
		}
	}
	doc.Map = surfaceMap(r, doc)
	for _, c := range r.Coverage {
		hc := htmlCoverage{Scanner: c.Scanner, Operations: []htmlOperationCov{}}
		for _, op := range c.Operations {
			hc.Operations = append(hc.Operations, htmlOperationCov{
				Operation: op.Operation, Requests: op.Requests, Succeeded: op.Succeeded,
				Statuses: statusPairs(op.Statuses), Reason: op.Reason,
			})
		}
		doc.Coverage = append(doc.Coverage, hc)
	}
	for _, st := range r.Policy {
		doc.Policy = append(doc.Policy, jsonPolicyStep{Step: st.Step, Dropped: st.Dropped, Changed: st.Changed})
	}
	if r.Inventory != nil {
		// The JSON report's inventory and clients sections, as they are.
		j, err := buildJSONReport(&Report{Inventory: r.Inventory, Catalog: r.Catalog})
		if err != nil {
			return nil, err
		}
		doc.Inventory = j.Inventory
		doc.Clients = *j.Clients
	}
	return doc, nil
}

// addHTMLFindings adds the findings and, once each, the rules they name,
// most severe rule first, then by how many active findings it has.
func addHTMLFindings(doc *htmlDoc, r *Report) error {
	var ruleList []*rules.Rule
	active := map[string]int{}
	for i := range r.Findings {
		f := &r.Findings[i]
		rule, err := r.ruleOf(f)
		if err != nil {
			return err
		}
		if _, ok := active[rule.ID]; !ok {
			active[rule.ID] = 0
			ruleList = append(ruleList, rule)
		}
		if !f.Suppressed() {
			active[rule.ID]++
		}
	}
	sort.SliceStable(ruleList, func(i, j int) bool {
		a, b := ruleList[i], ruleList[j]
		switch {
		case a.Severity != b.Severity:
			return a.Severity > b.Severity
		case active[a.ID] != active[b.ID]:
			return active[a.ID] > active[b.ID]
		}
		return a.ID < b.ID
	})
	for i, rule := range ruleList {
		doc.RuleIndex[rule.ID] = i
		doc.Rules = append(doc.Rules, htmlRule{
			ID: rule.ID, Title: rule.Title, Severity: rule.Severity.String(), OWASP: rule.OWASP,
			CWE: nonNilStrings(rule.CWE), Help: helpHTML(rule.Help), Count: active[rule.ID], Family: rule.Family(),
		})
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		hf := htmlFinding{
			Fingerprint: fingerprintOf(*f), Rule: doc.RuleIndex[f.RuleID], Severity: f.Severity.String(),
			Message: f.Message, File: doc.file(f.Location.File), Line: f.Location.Line, Column: f.Location.Column,
			EndLine: f.Location.EndLine, Pointer: f.Location.Pointer, Operation: operationKey(f.Operation),
			Evidence: f.Evidence,
		}
		if s := f.Suppression; s != nil {
			hf.Suppressed = s.Source
			if s.Reason != "" {
				hf.Suppressed += ": " + s.Reason
			}
		}
		for _, rel := range f.Related {
			hf.Related = append(hf.Related, htmlRelated{File: rel.Location.File, Line: rel.Location.Line, Message: rel.Message})
		}
		doc.Findings = append(doc.Findings, hf)
	}
	return nil
}

// file returns the index of a path in Files, adding it.
func (doc *htmlDoc) file(path string) int {
	i, ok := doc.FileIndex[path]
	if !ok {
		i = len(doc.Files)
		doc.FileIndex[path] = i
		doc.Files = append(doc.Files, path)
	}
	return i
}

// surfaceMap builds the map's rows (the surface's operations, then those
// only findings or coverage name, sorted) and its cells.
func surfaceMap(r *Report, doc *htmlDoc) htmlMap {
	m := htmlMap{Scanners: append([]string{}, scannerColumns...), Operations: []string{}, Cells: [][]string{}}
	row := map[string]int{}
	addRow := func(op string) {
		if _, ok := row[op]; !ok && op != "" {
			row[op] = len(m.Operations)
			m.Operations = append(m.Operations, op)
		}
	}
	for _, op := range r.Operations {
		addRow(op)
	}
	var extra []string
	for _, f := range doc.Findings {
		extra = append(extra, f.Operation)
	}
	for _, c := range r.Coverage {
		for _, op := range c.Operations {
			extra = append(extra, op.Operation)
		}
	}
	sort.Strings(extra)
	for _, op := range extra {
		addRow(op)
	}
	col := map[string]int{}
	for i, s := range m.Scanners {
		col[s] = i
	}
	for _, rule := range doc.Rules {
		if _, ok := col[rule.Family]; !ok {
			col[rule.Family] = len(m.Scanners)
			m.Scanners = append(m.Scanners, rule.Family)
		}
	}
	for range m.Operations {
		m.Cells = append(m.Cells, make([]string, len(m.Scanners)))
	}
	for _, f := range doc.Findings {
		i, ok := row[f.Operation]
		if !ok || f.Suppressed != "" {
			continue
		}
		j := col[doc.Rules[f.Rule].Family]
		if cur := m.Cells[i][j]; cur == "" || severityRank(f.Severity) > severityRank(cur) {
			m.Cells[i][j] = f.Severity
		}
	}
	return m
}

func severityRank(name string) int {
	s, err := rules.ParseSeverity(name)
	if err != nil {
		return -1
	}
	return int(s)
}

// operationKey is the map's name of an operation, "GET /pets/{id}".
func operationKey(op *rules.Operation) string {
	if op == nil {
		return ""
	}
	return op.Method + " " + op.Path
}

func statusPairs(statuses map[int]int) [][2]int {
	out := make([][2]int, 0, len(statuses))
	for code, n := range statuses {
		out = append(out, [2]int{code, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
