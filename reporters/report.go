// Package reporters renders a finished scan in each output format. Reporters
// decide nothing: the findings, their suppressions and the gate verdict are
// settled before they are called.
package reporters

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/specterhq/specter/rules"
)

// SchemaVersion is the version of the JSON report's layout.
const SchemaVersion = "1"

// Tool describes the program that produced the report.
type Tool struct {
	Name           string
	Version        string
	InformationURI string
}

// Gate is the verdict the policy step reached.
type Gate struct {
	Passed bool
	FailOn string // a severity name or "none"
	// Reasons say why the gate failed, one sentence each.
	Reasons []string
}

// Report is everything a reporter renders.
type Report struct {
	Tool    Tool
	Catalog *rules.Catalog
	// Findings are sorted by file, line, column and rule; suppressed ones
	// are included with their Suppression set.
	Findings []rules.Finding
	Gate     Gate
	// Command names what ran ("scan", "secrets", "lint"); SARIF uses it in
	// automationDetails.id.
	Command string
	// FilesScanned counts the files read.
	FilesScanned int
	// Baselined counts the findings the baseline dropped; they are not in
	// Findings.
	Baselined int
	// SourceRoot is the absolute, slash-separated directory that relative
	// finding paths are relative to. SARIF records it as %SRCROOT%; empty
	// leaves the root for the consumer (GitHub uses the checkout).
	SourceRoot string
	// Started and Finished bound the scan; the GitLab security report
	// records them. Zero values are written as the zero time.
	Started, Finished time.Time
	// Inventory summarises the traffic of an inventory run; nil otherwise.
	Inventory *InventorySummary
	// Policy counts what each step of the policy chain did to the
	// findings, in chain order; steps that did nothing are left out, and
	// a run where no step did anything has none.
	Policy []PolicyStep
	// Notes are run-level facts a reader needs besides the findings: the
	// fuzzer's seed and target, operations it never exercised and why,
	// checks that could not run. Text prints them before the summary,
	// JSON as "notes", SARIF as the invocation's notifications.
	Notes []string
	// Sources are the input lines around the findings, secrets masked,
	// for the formats that show them (html); nil leaves them out.
	Sources *Sources
	// Operations name every operation of the scanned surface ("GET
	// /pets/{id}"), in surface order: the rows of the html surface map.
	Operations []string
	// Coverage is the per-operation account of each scanner that sends or
	// sees requests (fuzz, inventory), in run order.
	Coverage []ScannerCoverage
}

// Sources hold lines of the input files: Files maps a report path to its
// lines by 1-based number, Radius lines around each finding.
type Sources struct {
	Radius int
	Files  map[string]map[int]string
}

// ScannerCoverage is one scanner's per-operation account.
type ScannerCoverage struct {
	Scanner    string
	Operations []OperationCoverage
}

// OperationCoverage is what a scanner did with one operation: requests
// sent (fuzz) or seen (inventory), those answered 2xx, the answers per
// status, and why it never got a 2xx or was never seen ("" when it was).
type OperationCoverage struct {
	Operation           string
	Requests, Succeeded int
	Statuses            map[int]int
	Reason              string
}

// PolicyStep is one step of the policy chain ("config ignores") and how
// many findings it dropped and changed (re-rated or suppressed).
type PolicyStep struct {
	Step             string
	Dropped, Changed int
}

// Counts tallies the unsuppressed findings per severity.
func (r *Report) Counts() map[rules.Severity]int {
	counts := make(map[rules.Severity]int, 5)
	for i := range r.Findings {
		if !r.Findings[i].Suppressed() {
			counts[r.Findings[i].Severity]++
		}
	}
	return counts
}

// Suppressed counts the suppressed findings.
func (r *Report) Suppressed() int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].Suppressed() {
			n++
		}
	}
	return n
}

// Active counts the findings that are not suppressed.
func (r *Report) Active() int { return len(r.Findings) - r.Suppressed() }

// ruleOf returns the catalog entry of a finding's rule. JSON and SARIF
// describe every finding with its rule, so a finding whose rule is missing
// from the catalog is a bug upstream, reported rather than papered over.
func (r *Report) ruleOf(f *rules.Finding) (*rules.Rule, error) {
	if r.Catalog == nil {
		return nil, fmt.Errorf("report has findings but no rule catalog")
	}
	rule := r.Catalog.Lookup(f.RuleID)
	if rule == nil {
		return nil, fmt.Errorf("finding at %s names rule %q, which is not in the catalog", f.Location.File, f.RuleID)
	}
	return rule, nil
}

// fingerprintOf returns the finding's fingerprint, computing it from the
// finding's fields when the scanner left it empty.
func fingerprintOf(f rules.Finding) string {
	if f.Fingerprint == "" {
		f.SetFingerprint()
	}
	return f.Fingerprint
}

// Reporter renders a report to w.
type Reporter interface {
	Render(w io.Writer, r *Report) error
}

// Options tune the human-facing formats.
type Options struct {
	// Color enables ANSI styling in the text format.
	Color bool
	// Quiet leaves out everything but the summary in the text format.
	Quiet bool
	// Details lists every finding in the text format, however many.
	Details bool
	// MaxListed is how many findings the text format lists one by one
	// before it groups those below high by rule; 0 is DefaultMaxListed.
	MaxListed int
}

// Formats lists the format names New accepts.
func Formats() []string {
	return []string{"text", "json", "sarif", "github", "markdown", "gitlab-sast", "codequality", "junit", "html"}
}

// New returns the reporter for a format name.
func New(format string, opts Options) (Reporter, error) {
	switch format {
	case "text":
		return &Text{Options: opts}, nil
	case "json":
		return &JSON{}, nil
	case "sarif":
		return &SARIF{}, nil
	case "github":
		return &GitHubAnnotations{}, nil
	case "markdown":
		return &Markdown{}, nil
	case "gitlab-sast":
		return &GitLabSAST{}, nil
	case "codequality":
		return &CodeQuality{}, nil
	case "junit":
		return &JUnit{}, nil
	case "html":
		return &HTML{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
}

// InventorySummary describes the recorded traffic an inventory run read;
// nil when no traffic was given.
type InventorySummary struct {
	Sources            []InventorySource
	Requests           int
	WindowStart        string // RFC 3339; "" when the traffic has no timestamps
	WindowEnd          string
	Operations         int
	ObservedOperations int
	ProbeEndpoints     int
	ProbeRequests      int
	PreflightRequests  int
	Overflow           int
	// Clients are the callers the traffic shows, agents first, then by
	// requests (the JSON report's clients section, the text and markdown
	// per-client tables).
	Clients              []InventoryClient
	UnattributedRequests int
	ClientsOverflow      int
}

// InventorySource is one traffic input.
type InventorySource struct {
	Name    string
	Format  string
	Records int
	Skipped int
	// Skips tally the skipped records per reason.
	Skips []InventorySkip
}

// InventorySkip counts the records of one input skipped for one reason.
type InventorySkip struct {
	Reason     string
	Count      int
	FirstLine  int
	FirstEntry int // 0 for line formats
}

// InventoryClient is one caller of the recorded traffic. It holds no
// credential: names are client ids, redacted end users, redacted
// credential prefixes or user agents.
type InventoryClient struct {
	Name         string
	IdentifiedBy string
	Agent        string // why it is an agent; "" when it is not one
	Requests     int
	FirstSeen    string // RFC 3339; "" without timestamps
	LastSeen     string
	Operations   []InventoryClientOperation
	// PeakPerMinute is its busiest minute (starting at PeakMinute),
	// MedianPerMinute the median of the ActiveMinutes it called in.
	PeakPerMinute   int
	PeakMinute      string
	MedianPerMinute int
	ActiveMinutes   int
	Scopes          []string
	RequiredScopes  []string
	UnusedScopes    []string
	Credentials     int
	// MaxTokenLifetime is the longest exp - iat of its tokens, in seconds
	// (0 when none says); TokensWithoutExpiry counts those without exp.
	MaxTokenLifetime    int64
	TokensWithoutExpiry int
	UserAgents          []string
}

// InventoryClientOperation is an endpoint a client called.
type InventoryClientOperation struct {
	Method     string
	Path       string
	Documented bool
	Requests   int
}
