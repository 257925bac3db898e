// Package policy is the processing chain between the scanners and the
// reporters: an ordered list of named steps (rule settings, path excludes,
// inline ignores, config ignores, baseline, new-from-rev, dedupe, sort),
// each counted, applied to every run's findings; the baseline file; and the
// CI gate evaluated on what is left. The config file itself belongs to
// package config.
package policy

import (
	"fmt"
	"strings"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

// Suppression sources, as Suppression.Source records them.
const (
	SourceInline = "x-specter-ignore"
	SourceConfig = "config"
)

// The chain's steps, in the order they run.
const (
	StepRuleSettings  = "rule settings"
	StepPathExcludes  = "path excludes"
	StepInlineIgnores = "inline ignores"
	StepConfigIgnores = "config ignores"
	StepBaseline      = "baseline"
	StepNewFromRev    = "new-from-rev"
	StepDedupe        = "dedupe"
	StepSort          = "sort"
)

// Inputs are what the chain filters findings with. Every field may be nil
// or empty; a nil Config means config.DefaultConfig.
type Inputs struct {
	Config  *config.Config
	Ignores []surface.InlineIgnore
	// Baseline lists the fingerprints --baseline accepts.
	Baseline *Baseline
	// Earlier lists the fingerprints of the findings at --new-from-rev.
	Earlier *Baseline
}

// StepCount is what one step of the chain did.
type StepCount struct {
	Step string
	// Dropped counts the findings the step removed (disabled rules,
	// excluded paths, baselined, present at the earlier revision,
	// duplicates).
	Dropped int
	// Changed counts the findings the step kept but altered: a severity
	// override, or a suppression set.
	Changed int
}

// String says what the step did ("" when nothing), e.g. "config ignores:
// 8 suppressed" or "rule settings: 2 dropped (rule off), 47 re-rated".
func (c StepCount) String() string {
	changed, dropped := "changed", "dropped"
	switch c.Step {
	case StepRuleSettings:
		changed, dropped = "re-rated", "dropped (rule off)"
	case StepInlineIgnores, StepConfigIgnores:
		changed = "suppressed"
	}
	var parts []string
	if c.Dropped > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", c.Dropped, dropped))
	}
	if c.Changed > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", c.Changed, changed))
	}
	if len(parts) == 0 {
		return ""
	}
	return c.Step + ": " + strings.Join(parts, ", ")
}

// Result is what the chain leaves.
type Result struct {
	// Findings are the kept findings, suppressed ones included with their
	// Suppression set, in the one stable order (Sort).
	Findings []rules.Finding
	// Steps holds a count for every step, in chain order.
	Steps []StepCount
}

// Count returns the count of the named step.
func (r *Result) Count(step string) StepCount {
	for _, s := range r.Steps {
		if s.Step == step {
			return s
		}
	}
	return StepCount{Step: step}
}

// Baselined counts the findings dropped because an accepted list (the
// baseline file or the earlier revision) holds them, as reports show it.
func (r *Result) Baselined() int {
	return r.Count(StepBaseline).Dropped + r.Count(StepNewFromRev).Dropped
}

// step is one stage of the chain: it looks at one finding and keeps it
// (possibly altered, changed=true) or drops it.
type step struct {
	name string
	run  func(f *rules.Finding) (keep, changed bool)
}

// chain lists the per-finding steps for in, in order; dedupe and sort work
// on the whole list and follow them.
func chain(in Inputs) []step {
	cfg := in.Config
	if cfg == nil {
		cfg = config.DefaultConfig()
	}
	return []step{
		{StepRuleSettings, func(f *rules.Finding) (bool, bool) {
			enabled, sev := cfg.ResolveRule(f.RuleID)
			if !enabled {
				return false, false
			}
			if sev != nil && *sev != f.Severity {
				f.Severity = *sev
				return true, true
			}
			return true, false
		}},
		{StepPathExcludes, func(f *rules.Finding) (bool, bool) {
			return !cfg.Excluded(f.Location.File), false
		}},
		{StepInlineIgnores, func(f *rules.Finding) (bool, bool) {
			if f.Suppression != nil {
				return true, false
			}
			f.Suppression = inlineSuppression(f, in.Ignores)
			return true, f.Suppression != nil
		}},
		{StepConfigIgnores, func(f *rules.Finding) (bool, bool) {
			if f.Suppression != nil {
				return true, false
			}
			f.Suppression = configSuppression(f, cfg.Ignore)
			return true, f.Suppression != nil
		}},
		{StepBaseline, func(f *rules.Finding) (bool, bool) {
			return !in.Baseline.Contains(f.Fingerprint), false
		}},
		{StepNewFromRev, func(f *rules.Finding) (bool, bool) {
			return !in.Earlier.Contains(f.Fingerprint), false
		}},
	}
}

// Apply runs the chain over the findings: rule on/off and severity
// overrides, path excludes, inline x-specter-ignore suppressions,
// config-file suppressions, the baseline, the findings at the earlier
// revision, dropping exact duplicates, then the one stable order (Sort). A
// finding keeps the first suppression that matches (one its scanner set
// comes first). The caller's slice and findings are not modified.
func Apply(findings []rules.Finding, in Inputs) Result {
	steps := chain(in)
	counts := make([]StepCount, len(steps), len(steps)+2)
	for i, s := range steps {
		counts[i].Step = s.name
	}
	kept := make([]rules.Finding, 0, len(findings))
next:
	for _, f := range findings {
		if f.Suppression != nil { // a suppression the scanner set stays; copy it
			s := *f.Suppression
			f.Suppression = &s
		}
		for i, s := range steps {
			keep, changed := s.run(&f)
			if !keep {
				counts[i].Dropped++
				continue next
			}
			if changed {
				counts[i].Changed++
			}
		}
		kept = append(kept, f)
	}
	Sort(kept)
	kept, dups := dedupe(kept)
	counts = append(counts, StepCount{Step: StepDedupe, Dropped: dups}, StepCount{Step: StepSort})
	return Result{Findings: kept, Steps: counts}
}

// dedupe drops each finding identical in rule, fingerprint, position,
// pointer and message to an earlier one (two scanners, or two inputs of one
// run, reporting the same thing), keeping the order.
func dedupe(fs []rules.Finding) ([]rules.Finding, int) {
	type key struct {
		rule, fingerprint, message, file, pointer string
		line, column                              int
	}
	seen := make(map[key]bool, len(fs))
	out := fs[:0]
	for i := range fs {
		f := &fs[i]
		k := key{f.RuleID, f.Fingerprint, f.Message, f.Location.File, f.Location.Pointer, f.Location.Line, f.Location.Column}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, *f)
	}
	return out, len(fs) - len(out)
}

// inlineSuppression returns the suppression of the first inline ignore that
// covers the finding, or nil.
func inlineSuppression(f *rules.Finding, ignores []surface.InlineIgnore) *rules.Suppression {
	file := slashPath(f.Location.File)
	for i := range ignores {
		ig := &ignores[i]
		if slashPath(ig.File) != file || !config.PointerCovers(ig.Pointer, f.Location.Pointer) {
			continue
		}
		for _, pattern := range ig.Rules {
			if config.MatchRule(pattern, f.RuleID) {
				return &rules.Suppression{Kind: rules.SuppressedInSource, Source: SourceInline, Reason: ig.Reason}
			}
		}
	}
	return nil
}

// configSuppression returns the suppression of the first config ignore
// entry that matches the finding, or nil.
func configSuppression(f *rules.Finding, ignores []config.IgnoreRule) *rules.Suppression {
	for i := range ignores {
		if ignores[i].Matches(f) {
			return &rules.Suppression{Kind: rules.SuppressedExternal, Source: SourceConfig, Reason: ignores[i].Reason}
		}
	}
	return nil
}

func slashPath(p string) string { return strings.ReplaceAll(p, `\`, "/") }

// Sort is the chain's last step: specter's one order of findings
// (rules.SortFindings). Scanners do not sort; the chain does, once.
func Sort(fs []rules.Finding) { rules.SortFindings(fs) }
