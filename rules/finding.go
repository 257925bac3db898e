package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// Location points into a source file. Line and Column are 1-based; zero
// means unknown. Pointer is an RFC 6901 JSON pointer into the document.
type Location struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line,omitempty"`
	EndColumn int    `json:"end_column,omitempty"`
	Pointer   string `json:"pointer"`
}

// Operation identifies an API operation a finding concerns.
type Operation struct {
	Method      string `json:"method"`
	Path        string `json:"path"`
	OperationID string `json:"operation_id,omitempty"`
}

// SuppressionKind says which mechanism suppressed a finding. The values are
// SARIF's suppression kinds.
type SuppressionKind string

// Suppression kinds.
const (
	SuppressedInSource SuppressionKind = "inSource" // x-specter-ignore in the spec
	SuppressedExternal SuppressionKind = "external" // config file or baseline
)

// Suppression records why a finding does not count.
type Suppression struct {
	Kind   SuppressionKind `json:"kind"`
	Source string          `json:"source"` // "x-specter-ignore", "config", "baseline"
	Reason string          `json:"reason,omitempty"`
}

// Finding is one problem a scanner found.
type Finding struct {
	RuleID    string     `json:"rule_id"`
	Severity  Severity   `json:"severity"`
	Message   string     `json:"message"`
	Location  Location   `json:"location"`
	Operation *Operation `json:"operation,omitempty"`
	// Evidence is what the scanner saw, already redacted by the scanner when
	// it may hold a secret. Reporters print it as is.
	Evidence string `json:"evidence,omitempty"`
	// Key distinguishes findings of one rule at one pointer (a secret's
	// hash, a parameter name). It feeds the fingerprint, never a report.
	Key         string       `json:"-"`
	Fingerprint string       `json:"fingerprint"`
	Suppression *Suppression `json:"suppression,omitempty"`
	// Related are secondary places that explain the finding (the traffic
	// file's line where an endpoint was first seen, the previous spec's
	// operation). They never feed the fingerprint.
	Related []RelatedLocation `json:"related,omitempty"`
}

// RelatedLocation is a secondary location with a message saying why it is
// relevant.
type RelatedLocation struct {
	Location Location `json:"location"`
	Message  string   `json:"message"`
}

// Suppressed reports whether a policy step suppressed the finding.
func (f *Finding) Suppressed() bool { return f.Suppression != nil }

// Fingerprint is a stable identity for a finding: a hash of the rule, the
// file, the JSON pointer and the semantic key. Line numbers are left out so
// the fingerprint survives edits that only move the finding.
func Fingerprint(ruleID, file, pointer, key string) string {
	h := sha256.New()
	for _, part := range []string{ruleID, filepathSlash(file), pointer, key} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// SetFingerprint computes the finding's fingerprint from its fields.
func (f *Finding) SetFingerprint() {
	f.Fingerprint = Fingerprint(f.RuleID, f.Location.File, f.Location.Pointer, f.Key)
}

func filepathSlash(p string) string { return strings.ReplaceAll(p, `\`, "/") }

// SortFindings puts findings in specter's one order: file, line, column,
// rule, fingerprint and message, keeping the input order among equal
// findings. The policy chain applies it once to every run's findings;
// scanners and reporters do not sort findings themselves.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		switch {
		case a.Location.File != b.Location.File:
			return a.Location.File < b.Location.File
		case a.Location.Line != b.Location.Line:
			return a.Location.Line < b.Location.Line
		case a.Location.Column != b.Location.Column:
			return a.Location.Column < b.Location.Column
		case a.RuleID != b.RuleID:
			return a.RuleID < b.RuleID
		case a.Fingerprint != b.Fingerprint:
			return a.Fingerprint < b.Fingerprint
		default:
			return a.Message < b.Message
		}
	})
}
