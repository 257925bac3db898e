package policy

import (
	"sort"
	"strings"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

// Suppression sources, as Suppression.Source records them.
const (
	SourceInline = "x-specter-ignore"
	SourceConfig = "config"
)

// Inputs are what Apply filters findings with. Every field may be nil or
// empty; a nil Config means DefaultConfig.
type Inputs struct {
	Config   *Config
	Ignores  []surface.InlineIgnore
	Baseline *Baseline
}

// Result is what Apply leaves.
type Result struct {
	// Findings are the kept findings, suppressed ones included with their
	// Suppression set, in a stable order.
	Findings []rules.Finding
	// Baselined counts findings dropped because the baseline lists them.
	Baselined int
	// Disabled counts findings dropped because their rule is off.
	Disabled int
	// Excluded counts findings dropped because their file is excluded.
	Excluded int
}

// Apply runs the policy chain: rule on/off and severity overrides, path
// excludes, inline x-specter-ignore suppressions, config-file suppressions,
// the baseline, then a stable sort by file, line, column, rule and
// fingerprint. A finding keeps the first suppression that matches. The
// caller's slice and findings are not modified.
func Apply(findings []rules.Finding, in Inputs) Result {
	cfg := in.Config
	if cfg == nil {
		cfg = DefaultConfig()
	}
	var res Result
	kept := make([]rules.Finding, 0, len(findings))
	for _, f := range findings {
		enabled, sev := cfg.resolveRule(f.RuleID)
		if !enabled {
			res.Disabled++
			continue
		}
		if sev != nil {
			f.Severity = *sev
		}
		if cfg.Excluded(f.Location.File) {
			res.Excluded++
			continue
		}
		if f.Suppression != nil { // a suppression the scanner set stays; copy it
			s := *f.Suppression
			f.Suppression = &s
		}
		if f.Suppression == nil {
			f.Suppression = inlineSuppression(&f, in.Ignores)
		}
		if f.Suppression == nil {
			f.Suppression = configSuppression(&f, cfg.Ignore)
		}
		if in.Baseline.Contains(f.Fingerprint) {
			res.Baselined++
			continue
		}
		kept = append(kept, f)
	}
	sortFindings(kept)
	res.Findings = kept
	return res
}

// inlineSuppression returns the suppression of the first inline ignore that
// covers the finding, or nil.
func inlineSuppression(f *rules.Finding, ignores []surface.InlineIgnore) *rules.Suppression {
	file := slashPath(f.Location.File)
	for i := range ignores {
		ig := &ignores[i]
		if slashPath(ig.File) != file || !pointerCovers(ig.Pointer, f.Location.Pointer) {
			continue
		}
		for _, pattern := range ig.Rules {
			if MatchRule(pattern, f.RuleID) {
				return &rules.Suppression{Kind: rules.SuppressedInSource, Source: SourceInline, Reason: ig.Reason}
			}
		}
	}
	return nil
}

// configSuppression returns the suppression of the first config ignore
// entry that matches the finding, or nil.
func configSuppression(f *rules.Finding, ignores []IgnoreRule) *rules.Suppression {
	for i := range ignores {
		if ignores[i].matches(f) {
			return &rules.Suppression{Kind: rules.SuppressedExternal, Source: SourceConfig, Reason: ignores[i].Reason}
		}
	}
	return nil
}

func slashPath(p string) string { return strings.ReplaceAll(p, `\`, "/") }

// sortFindings orders findings by file, line, column, rule and fingerprint,
// keeping the input order among equal findings.
func sortFindings(fs []rules.Finding) {
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
		default:
			return a.Fingerprint < b.Fingerprint
		}
	})
}
