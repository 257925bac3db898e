// Package mcpserver exposes specter's static scans as tools of a Model
// Context Protocol server: scan, lint and secrets over a path under the
// server's root, explain_rule and list_rules over the rule catalog. It only
// reads files; secrets are always redacted in what it returns.
package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/specterhq/specter/rules"
)

// Kind names which scanners a scan runs.
type Kind string

const (
	KindScan    Kind = "scan"    // every static scanner
	KindLint    Kind = "lint"    // the security lint only
	KindSecrets Kind = "secrets" // the secret scanner only
)

// Request is what one tool call asks a Scanner for.
type Request struct {
	Kind Kind
	// Root is the server's root: an absolute directory holding .specter.yaml
	// when there is one.
	Root string
	// Path is absolute and inside Root.
	Path string
	// Baseline, when set, is an absolute path inside Root of a baseline
	// file (specter scan --write-baseline) whose findings are not returned.
	Baseline string
	// NewFromRev, when set, is a git revision of the repository holding
	// Root: the findings the files had there are not returned.
	NewFromRev string
}

// Outcome is what a Scanner found: the findings after the policy chain
// (suppressed ones included and marked), the gate's verdict and the input
// problems that did not stop the scan.
type Outcome struct {
	Findings     []rules.Finding
	GatePassed   bool
	FailOn       string
	GateReasons  []string
	Problems     []string
	FilesScanned int
	// Baselined counts the findings the baseline dropped; Earlier those
	// left out because the files had them at NewFromRev.
	Baselined int
	Earlier   int
}

// Scanner runs one static scan. Its secret findings must already be
// redacted; its errors come back to the client as tool errors.
type Scanner interface {
	Scan(ctx context.Context, req Request) (*Outcome, error)
}

// Options configure a server.
type Options struct {
	// Root is the directory every path is resolved against and confined to.
	Root    string
	Scanner Scanner
	Catalog *rules.Catalog
	Version string
}

// New returns an MCP server with specter's tools.
func New(opts Options) (*mcp.Server, error) {
	if opts.Scanner == nil || opts.Catalog == nil {
		return nil, errors.New("mcpserver: a scanner and a rule catalog are required")
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("resolving the root %q: %w", opts.Root, err)
	}
	if root, err = filepath.EvalSymlinks(root); err != nil {
		return nil, fmt.Errorf("resolving the root %q: %w", opts.Root, err)
	}
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("the root: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("the root %s is not a directory", root)
	}
	t := &tools{root: root, scanner: opts.Scanner, catalog: opts.Catalog}
	s := mcp.NewServer(&mcp.Implementation{Name: "specter", Version: opts.Version}, nil)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "scan",
		Description: "Run every static specter scanner (secrets and security lint) over the OpenAPI documents, Postman collections and text files under a path, and return the findings, their counts per severity and the gate verdict. Optionally only findings that a baseline file does not list or that the files did not have at a git revision. Read-only; secrets are redacted.",
	}, t.scanTool(KindScan))
	mcp.AddTool(s, &mcp.Tool{
		Name:        "lint",
		Description: "Run the security lint over the OpenAPI documents and Postman collections under a path (authentication, authorization, input validation, transport, data exposure, governance) and return the findings and the gate verdict. Read-only.",
	}, t.scanTool(KindLint))
	mcp.AddTool(s, &mcp.Tool{
		Name:        "secrets",
		Description: "Search every text file under a path for credentials (tokens, keys, passwords in specs, collections, environments and other files) and return where they are. Read-only; the values are always redacted.",
	}, t.scanTool(KindSecrets))
	mcp.AddTool(s, &mcp.Tool{
		Name:        "explain_rule",
		Description: "Return a specter rule's metadata (title, severity, OWASP category, CWE, precision) and its help: why it matters and how to fix it.",
	}, t.explainRule)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "list_rules",
		Description: "List specter's rules, optionally only one family (such as secrets or auth) or those at or above a severity.",
	}, t.listRules)
	return s, nil
}

type tools struct {
	root    string
	scanner Scanner
	catalog *rules.Catalog
}

// PathInput is the input of scan, lint and secrets.
type PathInput struct {
	Path       string `json:"path,omitempty" jsonschema:"file or directory to scan, relative to the server's root (default: the root itself)"`
	Baseline   string `json:"baseline,omitempty" jsonschema:"a baseline file under the root (written by specter scan --write-baseline): its findings are not returned"`
	NewFromRev string `json:"new_from_rev,omitempty" jsonschema:"a git revision of the root's repository, such as main or HEAD~1: only findings the files did not have there are returned"`
}

// Finding is one finding as a tool returns it.
type Finding struct {
	RuleID      string `json:"rule_id"`
	Severity    string `json:"severity"`
	Title       string `json:"title"`
	Message     string `json:"message"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Column      int    `json:"column"`
	Pointer     string `json:"pointer,omitempty"`
	Evidence    string `json:"evidence,omitempty"`
	Fingerprint string `json:"fingerprint"`
	Suppressed  bool   `json:"suppressed"`
	// SuppressedBy says which policy step suppressed it.
	SuppressedBy string `json:"suppressed_by,omitempty"`
}

// Summary sums up a scan.
type Summary struct {
	// Counts are the unsuppressed findings per severity.
	Counts       map[string]int `json:"counts"`
	Total        int            `json:"total"`
	Suppressed   int            `json:"suppressed"`
	FilesScanned int            `json:"files_scanned"`
	GatePassed   bool           `json:"gate_passed"`
	FailOn       string         `json:"fail_on"`
	GateReasons  []string       `json:"gate_reasons,omitempty"`
	Problems     []string       `json:"problems,omitempty"`
	// Baselined and Earlier count the findings left out by the baseline
	// and by new_from_rev.
	Baselined int `json:"baselined,omitempty"`
	Earlier   int `json:"at_revision,omitempty"`
}

// ScanOutput is the structured result of scan, lint and secrets.
type ScanOutput struct {
	Root     string    `json:"root"`
	Path     string    `json:"path"`
	Findings []Finding `json:"findings"`
	Summary  Summary   `json:"summary"`
}

func (t *tools) scanTool(kind Kind) mcp.ToolHandlerFor[PathInput, ScanOutput] {
	return func(ctx context.Context, _ *mcp.CallToolRequest, in PathInput) (*mcp.CallToolResult, ScanOutput, error) {
		abs, rel, err := t.resolve(in.Path)
		if err != nil {
			return nil, ScanOutput{}, err
		}
		req := Request{Kind: kind, Root: t.root, Path: abs, NewFromRev: strings.TrimSpace(in.NewFromRev)}
		if strings.HasPrefix(req.NewFromRev, "-") {
			return nil, ScanOutput{}, fmt.Errorf("new_from_rev %q is not a revision", in.NewFromRev)
		}
		if in.Baseline != "" {
			if req.Baseline, _, err = t.resolve(in.Baseline); err != nil {
				return nil, ScanOutput{}, fmt.Errorf("baseline: %w", err)
			}
		}
		got, err := t.scanner.Scan(ctx, req)
		if err != nil {
			return nil, ScanOutput{}, fmt.Errorf("%s %s: %w", kind, rel, err)
		}
		return nil, t.output(rel, got), nil
	}
}

// resolve turns a path given by the client into an absolute path inside
// the root, and the same path relative to it.
func (t *tools) resolve(p string) (abs, rel string, err error) {
	if p == "" {
		p = "."
	}
	abs = p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(t.root, p)
	}
	abs = filepath.Clean(abs)
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	} else if errors.Is(err, os.ErrNotExist) {
		return "", "", fmt.Errorf("path %q does not exist under the root %s", p, t.root)
	} else {
		return "", "", fmt.Errorf("path %q: %w", p, err)
	}
	rel, err = filepath.Rel(t.root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", "", fmt.Errorf("path %q is outside the root %s; only files under the root can be scanned", p, t.root)
	}
	return abs, filepath.ToSlash(rel), nil
}

func (t *tools) output(rel string, got *Outcome) ScanOutput {
	out := ScanOutput{
		Root:     t.root,
		Path:     rel,
		Findings: []Finding{},
		Summary: Summary{
			Counts:       map[string]int{},
			FilesScanned: got.FilesScanned,
			GatePassed:   got.GatePassed,
			FailOn:       got.FailOn,
			GateReasons:  got.GateReasons,
			Problems:     got.Problems,
			Baselined:    got.Baselined,
			Earlier:      got.Earlier,
		},
	}
	for _, s := range rules.AllSeverities() {
		out.Summary.Counts[s.String()] = 0
	}
	for i := range got.Findings {
		f := &got.Findings[i]
		file := t.relative(f.Location.File)
		title := ""
		if r := t.catalog.Lookup(f.RuleID); r != nil {
			title = r.Title
		}
		o := Finding{
			RuleID: f.RuleID, Severity: f.Severity.String(), Title: title, Message: f.Message,
			File: file, Line: f.Location.Line, Column: f.Location.Column, Pointer: f.Location.Pointer,
			Evidence: f.Evidence, Fingerprint: f.Fingerprint, Suppressed: f.Suppressed(),
		}
		if f.Suppression != nil {
			o.SuppressedBy = f.Suppression.Source
			out.Summary.Suppressed++
		} else {
			out.Summary.Counts[o.Severity]++
			out.Summary.Total++
		}
		out.Findings = append(out.Findings, o)
	}
	return out
}

// relative names a scanned file relative to the root; the scanners name
// files as discovery does, relative to the working directory.
func (t *tools) relative(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return file
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	rel, err := filepath.Rel(t.root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(file)
	}
	return filepath.ToSlash(rel)
}

// RuleInput is the input of explain_rule.
type RuleInput struct {
	ID string `json:"id" jsonschema:"the rule id, such as secrets/aws-access-key or auth/no-security"`
}

// Rule is one rule's metadata.
type Rule struct {
	ID        string   `json:"id"`
	Family    string   `json:"family"`
	Title     string   `json:"title"`
	Severity  string   `json:"severity"`
	OWASP     string   `json:"owasp,omitempty"`
	CWE       []string `json:"cwe,omitempty"`
	Precision string   `json:"precision"`
	Help      string   `json:"help,omitempty"`
}

func ruleOf(r *rules.Rule, withHelp bool) Rule {
	out := Rule{ID: r.ID, Family: r.Family(), Title: r.Title, Severity: r.Severity.String(),
		OWASP: r.OWASP, CWE: r.CWE, Precision: string(r.Precision)}
	if withHelp {
		out.Help = r.Help
	}
	return out
}

func (t *tools) explainRule(_ context.Context, _ *mcp.CallToolRequest, in RuleInput) (*mcp.CallToolResult, Rule, error) {
	r := t.catalog.Lookup(strings.TrimSpace(in.ID))
	if r == nil {
		return nil, Rule{}, fmt.Errorf("no rule %q; list_rules names them all", in.ID)
	}
	return nil, ruleOf(r, true), nil
}

// ListInput is the input of list_rules.
type ListInput struct {
	Family   string `json:"family,omitempty" jsonschema:"only rules of this family, the part of the id before the slash"`
	Severity string `json:"severity,omitempty" jsonschema:"only rules at or above this severity: critical, high, medium, low or info"`
}

// RuleList is the result of list_rules.
type RuleList struct {
	Rules []Rule `json:"rules"`
}

func (t *tools) listRules(_ context.Context, _ *mcp.CallToolRequest, in ListInput) (*mcp.CallToolResult, RuleList, error) {
	var min rules.Severity
	filterSeverity := in.Severity != ""
	if filterSeverity {
		s, err := rules.ParseSeverity(in.Severity)
		if err != nil {
			return nil, RuleList{}, fmt.Errorf("severity: %w", err)
		}
		min = s
	}
	families := map[string]bool{}
	out := RuleList{Rules: []Rule{}}
	for _, r := range t.catalog.All() {
		families[r.Family()] = true
		if in.Family != "" && r.Family() != in.Family {
			continue
		}
		if filterSeverity && r.Severity < min {
			continue
		}
		out.Rules = append(out.Rules, ruleOf(r, false))
	}
	if in.Family != "" && !families[in.Family] {
		names := make([]string, 0, len(families))
		for f := range families {
			names = append(names, f)
		}
		sort.Strings(names)
		return nil, RuleList{}, fmt.Errorf("no rule family %q; the families are %s", in.Family, strings.Join(names, ", "))
	}
	return nil, out, nil
}
