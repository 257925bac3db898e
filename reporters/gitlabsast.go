package reporters

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/specterhq/specter/rules"
)

// GitLabSAST renders a GitLab security report (gl-sast-report.json) in
// schema version GitLabSASTSchemaVersion, the report
// artifacts:reports:sast takes. GitLab parses it on Ultimate only; on other
// tiers it is a downloadable artifact. Suppressed findings are left out:
// they do not count, and GitLab has no field that would say why.
type GitLabSAST struct{}

// GitLabSASTSchemaVersion is the security report schema version written.
// GitLab 15.x through 18.x ingest it (kics and most analyzers use it too).
const GitLabSASTSchemaVersion = "15.0.6"

// Limits of the security report schema.
const (
	gitlabMaxName        = 255
	gitlabMaxDescription = 1 << 20
	gitlabMaxSolution    = 7000
	gitlabMaxIdentifiers = 20
)

// gitlabTimeLayout is the schema's time format: UTC, no zone, no fraction.
const gitlabTimeLayout = "2006-01-02T15:04:05"

// The types below are the parts of the schema specter fills.
type (
	gitlabReport struct {
		Version         string                `json:"version"`
		Scan            gitlabScan            `json:"scan"`
		Vulnerabilities []gitlabVulnerability `json:"vulnerabilities"`
	}
	gitlabScan struct {
		Analyzer  gitlabScanner `json:"analyzer"`
		Scanner   gitlabScanner `json:"scanner"`
		Type      string        `json:"type"`
		StartTime string        `json:"start_time"`
		EndTime   string        `json:"end_time"`
		Status    string        `json:"status"`
	}
	gitlabScanner struct {
		ID      string       `json:"id"`
		Name    string       `json:"name"`
		URL     string       `json:"url,omitempty"`
		Version string       `json:"version"`
		Vendor  gitlabVendor `json:"vendor"`
	}
	gitlabVendor struct {
		Name string `json:"name"`
	}
	gitlabVulnerability struct {
		ID          string             `json:"id"`
		Name        string             `json:"name"`
		Description string             `json:"description"`
		Severity    string             `json:"severity"`
		Solution    string             `json:"solution,omitempty"`
		Identifiers []gitlabIdentifier `json:"identifiers"`
		Links       []gitlabLink       `json:"links,omitempty"`
		Location    gitlabLocation     `json:"location"`
	}
	gitlabIdentifier struct {
		Type  string `json:"type"`
		Name  string `json:"name"`
		Value string `json:"value"`
		URL   string `json:"url,omitempty"`
	}
	gitlabLink struct {
		Name string `json:"name,omitempty"`
		URL  string `json:"url"`
	}
	gitlabLocation struct {
		File      string `json:"file"`
		StartLine int    `json:"start_line"`
		EndLine   int    `json:"end_line,omitempty"`
		Method    string `json:"method,omitempty"`
	}
)

// Render writes the report as indented JSON.
func (*GitLabSAST) Render(w io.Writer, r *Report) error {
	doc, err := buildGitLabSAST(r)
	if err != nil {
		return fmt.Errorf("build GitLab SAST report: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write GitLab SAST report: %w", err)
	}
	return nil
}

func buildGitLabSAST(r *Report) (*gitlabReport, error) {
	if r.Tool.Name == "" {
		return nil, fmt.Errorf("report names no tool")
	}
	version := r.Tool.Version
	if version == "" {
		version = "unknown"
	}
	tool := gitlabScanner{
		ID: r.Tool.Name, Name: r.Tool.Name, URL: r.Tool.InformationURI,
		Version: version, Vendor: gitlabVendor{Name: r.Tool.Name},
	}
	doc := &gitlabReport{
		Version: GitLabSASTSchemaVersion,
		Scan: gitlabScan{
			Analyzer: tool, Scanner: tool, Type: "sast",
			StartTime: gitlabTime(r.Started), EndTime: gitlabTime(r.Finished),
			Status: "success",
		},
		Vulnerabilities: []gitlabVulnerability{},
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed() {
			continue
		}
		rule, err := r.ruleOf(f)
		if err != nil {
			return nil, err
		}
		doc.Vulnerabilities = append(doc.Vulnerabilities, gitlabVulnerabilityOf(f, rule, r.SourceRoot))
	}
	return doc, nil
}

func gitlabVulnerabilityOf(f *rules.Finding, rule *rules.Rule, root string) gitlabVulnerability {
	description := f.Message
	if strings.TrimSpace(description) == "" {
		description = rule.Title
	}
	if f.Evidence != "" {
		description += "\n\nEvidence (redacted): `" + strings.ReplaceAll(f.Evidence, "`", "'") + "`"
	}
	if about := fullDescription(rule); about != rule.Title {
		description += "\n\n" + about
	}
	v := gitlabVulnerability{
		ID:          uuidFromFingerprint(fingerprintOf(*f)),
		Name:        truncateRunes(rule.Title, gitlabMaxName),
		Description: truncateRunes(description, gitlabMaxDescription),
		Severity:    gitlabSeverity(f.Severity),
		Solution:    truncateRunes(solutionOf(rule), gitlabMaxSolution),
		Location: gitlabLocation{
			File:      repoPath(f.Location.File, root),
			StartLine: max(f.Location.Line, 1),
		},
	}
	if f.Location.EndLine >= v.Location.StartLine {
		v.Location.EndLine = f.Location.EndLine
	}
	if f.Operation != nil {
		v.Location.Method = operationLabel(f.Operation)
	}
	// The first identifier is the primary one GitLab tracks findings by.
	v.Identifiers = append(v.Identifiers, gitlabIdentifier{
		Type: "specter_rule_id", Name: "specter " + rule.ID, Value: rule.ID,
	})
	for _, ref := range references(rule) {
		v.Links = append(v.Links, gitlabLink{Name: ref[0], URL: ref[1]})
	}
	for _, cwe := range rule.CWE {
		num := strings.TrimPrefix(strings.ToUpper(cwe), "CWE-")
		v.Identifiers = append(v.Identifiers, gitlabIdentifier{
			Type: "cwe", Name: "CWE-" + num, Value: num,
			URL: "https://cwe.mitre.org/data/definitions/" + num + ".html",
		})
	}
	if rule.OWASP != "" {
		id := gitlabIdentifier{Type: "owasp", Name: "OWASP " + rule.OWASP, Value: rule.OWASP}
		if title := rules.OWASPTitle(rule.OWASP); title != "" {
			id.Name += " " + title
		}
		v.Identifiers = append(v.Identifiers, id)
	}
	if len(v.Identifiers) > gitlabMaxIdentifiers {
		v.Identifiers = v.Identifiers[:gitlabMaxIdentifiers]
	}
	return v
}

// solutionOf is the rule help's "Fix" section, or "" when it has none.
func solutionOf(rule *rules.Rule) string {
	help := strings.ReplaceAll(rule.Help, "\r\n", "\n")
	for _, heading := range []string{"## Fix\n", "## How to fix\n", "**Fix.**", "**How to fix.**"} {
		if _, after, ok := strings.Cut(help, heading); ok {
			// The section ends at the next heading or bold label.
			for _, next := range []string{"\n## ", "\n\n**"} {
				after, _, _ = strings.Cut(after, next)
			}
			return strings.TrimSpace(after)
		}
	}
	return ""
}

func gitlabSeverity(s rules.Severity) string {
	switch s {
	case rules.SeverityCritical:
		return "Critical"
	case rules.SeverityHigh:
		return "High"
	case rules.SeverityMedium:
		return "Medium"
	case rules.SeverityLow:
		return "Low"
	default:
		return "Info"
	}
}

func gitlabTime(t time.Time) string { return t.UTC().Format(gitlabTimeLayout) }

// uuidFromFingerprint derives a stable name-based UUID (version 5 layout)
// from a finding's fingerprint, so the same finding keeps its id across
// pipelines.
func uuidFromFingerprint(fp string) string {
	sum := sha1.Sum([]byte("specter:" + fp))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
