package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/rules"
)

// BaselineVersion is the baseline file version this package reads and writes.
const BaselineVersion = 1

// baselineTool is the "tool" a baseline file names.
const baselineTool = "specter"

// maxBaselineBytes bounds the baseline file size.
const maxBaselineBytes = 256 << 20

// Baseline is a set of known findings, by fingerprint, that a scan does not
// report again.
type Baseline struct {
	Version int             `json:"version"`
	Tool    string          `json:"tool"`
	Created string          `json:"created"` // RFC 3339
	Entries []BaselineEntry `json:"findings"`

	fingerprints map[string]bool
}

// BaselineEntry is one known finding. Only the fingerprint matches; the
// other fields help a reader of the file.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"rule_id"`
	File        string `json:"file"`
	Pointer     string `json:"pointer"`
}

// Contains reports whether the baseline lists the fingerprint.
func (b *Baseline) Contains(fingerprint string) bool {
	if b == nil || fingerprint == "" {
		return false
	}
	if b.fingerprints == nil {
		b.index()
	}
	return b.fingerprints[fingerprint]
}

// Len is the number of distinct fingerprints the baseline lists.
func (b *Baseline) Len() int {
	if b == nil {
		return 0
	}
	if b.fingerprints == nil {
		b.index()
	}
	return len(b.fingerprints)
}

func (b *Baseline) index() {
	b.fingerprints = make(map[string]bool, len(b.Entries))
	for _, e := range b.Entries {
		b.fingerprints[e.Fingerprint] = true
	}
}

// ReadBaseline reads a baseline file: one written by WriteBaseline, or a
// specter JSON report (-f json), whose findings' fingerprints are taken.
func ReadBaseline(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBaselineBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read baseline %s: %w", path, err)
	}
	return ParseBaseline(data, path)
}

// ParseBaseline parses a baseline file's content; name is used in errors.
func ParseBaseline(data []byte, name string) (*Baseline, error) {
	if len(data) > maxBaselineBytes {
		return nil, fmt.Errorf("baseline %s: over the %d byte limit", name, maxBaselineBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("baseline %s: empty file", name)
	}
	var head struct {
		Version  json.RawMessage   `json:"version"`
		Tool     json.RawMessage   `json:"tool"`
		Created  json.RawMessage   `json:"created"`
		Findings []json.RawMessage `json:"findings"`
		Runs     json.RawMessage   `json:"runs"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("baseline %s: malformed JSON: %w", name, err)
	}
	tool := bytes.TrimSpace(head.Tool)
	switch {
	case len(tool) > 0 && tool[0] == '"':
		return parseBaselineFile(name, head.Version, tool, head.Created, head.Findings)
	case len(tool) > 0 && tool[0] == '{':
		return parseReportBaseline(name, tool, head.Findings)
	case head.Runs != nil:
		return nil, fmt.Errorf("baseline %s: a SARIF file cannot be a baseline; write one with --write-baseline or use a -f json report", name)
	}
	return nil, fmt.Errorf("baseline %s: neither a specter baseline nor a specter JSON report (no \"tool\")", name)
}

func parseBaselineFile(name string, rawVersion, rawTool, rawCreated json.RawMessage, findings []json.RawMessage) (*Baseline, error) {
	b := &Baseline{}
	if err := json.Unmarshal(rawTool, &b.Tool); err != nil || b.Tool != baselineTool {
		return nil, fmt.Errorf("baseline %s: tool is %s, want %q", name, rawTool, baselineTool)
	}
	if rawVersion == nil {
		return nil, fmt.Errorf("baseline %s: no version", name)
	}
	if err := json.Unmarshal(rawVersion, &b.Version); err != nil || b.Version != BaselineVersion {
		return nil, fmt.Errorf("baseline %s: unsupported version %s (want %d)", name, rawVersion, BaselineVersion)
	}
	if rawCreated != nil {
		if err := json.Unmarshal(rawCreated, &b.Created); err != nil {
			return nil, fmt.Errorf("baseline %s: created: want an RFC 3339 time string", name)
		}
		if _, err := time.Parse(time.RFC3339, b.Created); err != nil {
			return nil, fmt.Errorf("baseline %s: created %q is not an RFC 3339 time", name, b.Created)
		}
	}
	if findings == nil {
		return nil, fmt.Errorf("baseline %s: no findings list", name)
	}
	b.Entries = make([]BaselineEntry, 0, len(findings))
	for i, raw := range findings {
		var e BaselineEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("baseline %s: findings[%d]: %w", name, i, err)
		}
		if err := checkBaselineFingerprint(e.Fingerprint); err != nil {
			return nil, fmt.Errorf("baseline %s: findings[%d]: %w", name, i, err)
		}
		b.Entries = append(b.Entries, e)
	}
	b.index()
	return b, nil
}

// parseReportBaseline reads a specter JSON report: a "tool" object naming
// specter and findings with fingerprints. Findings the report shows as
// suppressed are left out, as WriteBaseline leaves them out.
func parseReportBaseline(name string, rawTool json.RawMessage, findings []json.RawMessage) (*Baseline, error) {
	var tool struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(rawTool, &tool); err != nil {
		return nil, fmt.Errorf("baseline %s: tool: %w", name, err)
	}
	if tool.Name != "" && !strings.EqualFold(tool.Name, baselineTool) {
		return nil, fmt.Errorf("baseline %s: a report by %q, not by specter", name, tool.Name)
	}
	if findings == nil {
		return nil, fmt.Errorf("baseline %s: report has no findings list", name)
	}
	b := &Baseline{Version: BaselineVersion, Tool: baselineTool, Entries: make([]BaselineEntry, 0, len(findings))}
	for i, raw := range findings {
		var f struct {
			Fingerprint string          `json:"fingerprint"`
			RuleID      string          `json:"rule_id"`
			Location    rules.Location  `json:"location"`
			Suppression json.RawMessage `json:"suppression"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("baseline %s: findings[%d]: %w", name, i, err)
		}
		if err := checkBaselineFingerprint(f.Fingerprint); err != nil {
			return nil, fmt.Errorf("baseline %s: findings[%d]: %w", name, i, err)
		}
		if s := bytes.TrimSpace(f.Suppression); len(s) > 0 && !bytes.Equal(s, []byte("null")) {
			continue
		}
		b.Entries = append(b.Entries, BaselineEntry{Fingerprint: f.Fingerprint, RuleID: f.RuleID, File: f.Location.File, Pointer: f.Location.Pointer})
	}
	sortEntries(b.Entries)
	b.index()
	return b, nil
}

func checkBaselineFingerprint(fp string) error {
	if fp == "" {
		return errors.New("no fingerprint")
	}
	return config.CheckFingerprint(fp)
}

// WriteBaseline writes the unsuppressed findings as a baseline file, one
// entry per fingerprint, sorted by file, rule, pointer and fingerprint so
// that regenerating it gives small diffs. Pass it findings from a run
// without --baseline, or the baselined findings will be missing.
func WriteBaseline(w io.Writer, findings []rules.Finding, now time.Time) error {
	b := Baseline{
		Version: BaselineVersion,
		Tool:    baselineTool,
		Created: now.UTC().Format(time.RFC3339),
		Entries: []BaselineEntry{},
	}
	seen := map[string]bool{}
	for i := range findings {
		f := &findings[i]
		if f.Suppressed() {
			continue
		}
		if err := checkBaselineFingerprint(f.Fingerprint); err != nil {
			return fmt.Errorf("write baseline: finding %s at %s%s: %w", f.RuleID, f.Location.File, f.Location.Pointer, err)
		}
		if seen[f.Fingerprint] {
			continue
		}
		seen[f.Fingerprint] = true
		b.Entries = append(b.Entries, BaselineEntry{
			Fingerprint: f.Fingerprint,
			RuleID:      f.RuleID,
			File:        f.Location.File,
			Pointer:     f.Location.Pointer,
		})
	}
	sortEntries(b.Entries)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&b); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return nil
}

func sortEntries(es []BaselineEntry) {
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		if a.Pointer != b.Pointer {
			return a.Pointer < b.Pointer
		}
		return a.Fingerprint < b.Fingerprint
	})
}
