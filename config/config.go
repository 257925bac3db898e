// Package config owns specter's config file, .specter.yaml: its schema (a
// section per consumer: exclude, rules, ignore and gate for the policy
// chain, lint and inventory for those scanners, identities for the fuzzer),
// parsing it once with file:line positions, and validating it up front
// against the rule catalog, so that a bad entry fails every command that
// reads the file the same way. It also defines the pattern languages the
// file uses (path globs, rule patterns) and the fail-on threshold values.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/specterhq/specter/fuzz/identity"
	"github.com/specterhq/specter/rules"
)

// ConfigVersion is the config file version this package reads.
const ConfigVersion = 1

// DefaultConfigFile is the config file read from the working directory when
// no --config flag names one.
const DefaultConfigFile = ".specter.yaml"

// Config is a parsed .specter.yaml. The zero value is not valid; use
// DefaultConfig or LoadConfig.
type Config struct {
	// File is the path the config was read from; "" for DefaultConfig.
	File    string
	Version int
	// Exclude lists path globs (see MatchPath) that are never scanned;
	// Apply also drops findings in them.
	Exclude []string
	// Rules are the per-rule settings in file order.
	Rules []RuleSetting
	// Ignore are the config-file suppressions in file order.
	Ignore []IgnoreRule
	Gate   GateConfig
	// Lint holds the lint scanner's policy values; zero fields mean the
	// scanner's defaults.
	Lint LintConfig
	// Inventory holds the inventory scanner's settings.
	Inventory InventoryConfig
	// Identities are the fuzzer's declared identities, in file order.
	Identities []identity.Declared

	// excludeLines[i] is the line Exclude[i] was read from, when read.
	excludeLines []int
}

// RuleSetting turns a rule on or off or overrides its severity. Rule is an
// id, a family wildcard ("lint/*") or "*"; for each field the most specific
// setting that sets it wins (exact id, then family, then "*").
type RuleSetting struct {
	Rule     string
	Enabled  *bool           // nil: not set here
	Severity *rules.Severity // nil: not set here
	Line     int             // where it was read; 0 when not read from a file
}

// IgnoreRule is a config-file suppression. A finding is suppressed when it
// matches every field that is set.
type IgnoreRule struct {
	// Rule is an id, a family wildcard or "*".
	Rule string
	// Path is a glob (MatchPath) on the finding's file; "" matches all.
	Path string
	// Pointer is a JSON pointer; it matches the finding's pointer and every
	// pointer below it at a token boundary. "" matches all.
	Pointer string
	// Fingerprint matches one finding exactly; "" matches all.
	Fingerprint string
	// Reason says why; it is required.
	Reason string
	Line   int // where it was read; 0 when not read from a file
}

// GateConfig is the gate section of the config file.
type GateConfig struct {
	// FailOn is a severity name or "none"; "" means DefaultFailOn.
	FailOn string
	// Max holds the per-severity maximum counts of unsuppressed findings.
	Max  map[rules.Severity]int
	Line int // where fail-on was read; 0 when not read from a file
}

// LintConfig is the lint section of the config file: the values some lint
// rules compare against.
// InventoryConfig configures the inventory diff.
type InventoryConfig struct {
	// Hosts also serve the documented API (staging, canary, regional
	// hosts), besides the hosts of the spec's servers; --host adds more.
	Hosts []string
	// AgentMarkers mark clients as AI agents, besides a token's
	// client_type=ai-agent claim.
	AgentMarkers []AgentMarker
	// AgentMaxTokenLifetime and MaxTokenLifetime are the longest token
	// lifetimes in seconds for agents and for other clients
	// (inventory/long-lived-token); 0 keeps the defaults (24 hours for
	// agents, no check for the others).
	AgentMaxTokenLifetime, MaxTokenLifetime int64
	// BurstFactor is how many times its median minute an agent's busiest
	// minute must reach for inventory/agent-burst; 0 keeps the default.
	BurstFactor float64
}

// AgentMarker is one inventory.agent-markers entry; exactly one of Claim
// (with Value), UserAgent and Client is set.
type AgentMarker struct {
	Claim, Value string
	UserAgent    string
	Client       string
}

type LintConfig struct {
	// ScopePattern is the regular expression scope names must match
	// (lint/scope-name-grammar); "" for the default grammar.
	ScopePattern string
	// MaxTokenTTL and AgentMaxTokenTTL are the longest token lifetimes in
	// seconds (lint/token-ttl-too-long, lint/agent-token-ttl-too-long).
	MaxTokenTTL      int64
	AgentMaxTokenTTL int64
	// MaxScopesPerOperation and MaxScopesPerScheme bound scope sprawl.
	MaxScopesPerOperation int
	MaxScopesPerScheme    int
}

// DefaultConfig is the config used when there is no config file: every rule
// on at its catalog severity, nothing excluded or ignored, fail on high.
func DefaultConfig() *Config {
	return &Config{Version: ConfigVersion}
}

// LoadConfig reads and parses a config file. It checks the file's structure;
// call Validate with the rule catalog to check rule ids as well.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(data, path)
}

// LoadDefaultConfig loads DefaultConfigFile from dir when it exists and
// returns DefaultConfig otherwise.
func LoadDefaultConfig(dir string) (*Config, error) {
	path := filepath.Join(dir, DefaultConfigFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return DefaultConfig(), nil
	}
	return LoadConfig(path)
}

// Excluded reports whether a report path matches one of the exclude globs.
func (c *Config) Excluded(path string) bool {
	for _, g := range c.Exclude {
		if MatchPath(g, path) {
			return true
		}
	}
	return false
}

// RuleEnabled reports whether the config leaves the rule on.
func (c *Config) RuleEnabled(ruleID string) bool {
	enabled, _ := c.ResolveRule(ruleID)
	return enabled
}

// RuleSeverity returns the severity the config gives the rule: its override
// when one applies, else def (the catalog or scanner severity).
func (c *Config) RuleSeverity(ruleID string, def rules.Severity) rules.Severity {
	if _, sev := c.ResolveRule(ruleID); sev != nil {
		return *sev
	}
	return def
}

// ResolveRule says whether the rule is on and its severity override (nil:
// none). For each field the most specific setting that sets it wins; among
// equally specific settings the later one wins.
func (c *Config) ResolveRule(ruleID string) (enabled bool, severity *rules.Severity) {
	enabled = true
	enabledRank, severityRank := -1, -1
	for i := range c.Rules {
		s := &c.Rules[i]
		if !MatchRule(s.Rule, ruleID) {
			continue
		}
		rank := patternSpecificity(s.Rule)
		if s.Enabled != nil && rank >= enabledRank {
			enabled, enabledRank = *s.Enabled, rank
		}
		if s.Severity != nil && rank >= severityRank {
			severity, severityRank = s.Severity, rank
		}
	}
	return enabled, severity
}

// Validate checks the config against the rule catalog: every rule id in
// rules and ignore must exist (with a suggestion for close ids), every
// family wildcard must name a family of the catalog; and it repeats the
// structural checks LoadConfig makes, for configs built in code. A nil
// catalog skips the rule id checks. All problems are reported at once.
func (c *Config) Validate(cat *rules.Catalog) error {
	var errs []error
	add := func(line int, err error) {
		if err != nil {
			errs = append(errs, c.Positioned(line, err))
		}
	}
	if c.Version != ConfigVersion {
		add(0, fmt.Errorf("unsupported config version %d (want %d)", c.Version, ConfigVersion))
	}
	for i, g := range c.Exclude {
		line := 0
		if i < len(c.excludeLines) {
			line = c.excludeLines[i]
		}
		add(line, ValidatePathGlob(g))
	}
	seen := map[string]bool{}
	for _, s := range c.Rules {
		if seen[s.Rule] {
			add(s.Line, fmt.Errorf("rule %q is set twice", s.Rule))
		}
		seen[s.Rule] = true
		if err := checkRulePattern(s.Rule); err != nil {
			add(s.Line, err)
			continue
		}
		if s.Severity != nil && (*s.Severity < rules.SeverityInfo || *s.Severity > rules.SeverityCritical) {
			add(s.Line, fmt.Errorf("rule %q: invalid severity %v", s.Rule, *s.Severity))
		}
		if cat != nil {
			add(s.Line, checkRuleKnown(s.Rule, cat))
		}
	}
	for _, ig := range c.Ignore {
		if err := ig.check(); err != nil {
			add(ig.Line, fmt.Errorf("ignore entry: %w", err))
			continue
		}
		if cat != nil {
			add(ig.Line, checkRuleKnown(ig.Rule, cat))
		}
	}
	if c.Gate.FailOn != "" {
		if _, _, err := ParseThreshold(c.Gate.FailOn); err != nil {
			add(c.Gate.Line, err)
		}
	}
	for sev, n := range c.Gate.Max {
		if n < 0 {
			add(c.Gate.Line, fmt.Errorf("gate max for %v is negative (%d)", sev, n))
		}
	}
	return errors.Join(errs...)
}

// Positioned prefixes an error with the config file and line when known.
func (c *Config) Positioned(line int, err error) error {
	switch {
	case c.File != "" && line > 0:
		return fmt.Errorf("%s:%d: %w", c.File, line, err)
	case c.File != "":
		return fmt.Errorf("%s: %w", c.File, err)
	default:
		return fmt.Errorf("config: %w", err)
	}
}

// check reports an ignore entry that cannot work: no reason, a bad rule
// pattern, glob, pointer or fingerprint.
func (ig *IgnoreRule) check() error {
	if strings.TrimSpace(ig.Reason) == "" {
		return errors.New("no reason (every suppression needs one)")
	}
	if ig.Rule == "" {
		return errors.New("no rule (write rule: \"*\" to match every rule)")
	}
	if err := checkRulePattern(ig.Rule); err != nil {
		return err
	}
	if ig.Path != "" {
		if err := ValidatePathGlob(ig.Path); err != nil {
			return err
		}
	}
	if err := checkPointer(ig.Pointer); err != nil {
		return err
	}
	return CheckFingerprint(ig.Fingerprint)
}

// checkPointer reports a string that is not an RFC 6901 JSON pointer.
func checkPointer(p string) error {
	if p == "" {
		return nil
	}
	if p[0] != '/' {
		return fmt.Errorf("pointer %q does not start with /", p)
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '~' && (i+1 == len(p) || (p[i+1] != '0' && p[i+1] != '1')) {
			return fmt.Errorf("pointer %q has a ~ not followed by 0 or 1 (escape ~ as ~0 and / as ~1)", p)
		}
	}
	return nil
}

// fingerprintLen is the length of rules.Fingerprint's hex string.
var fingerprintLen = len(rules.Fingerprint("", "", "", ""))

// CheckFingerprint reports a string that cannot be a finding fingerprint.
func CheckFingerprint(fp string) error {
	if fp == "" {
		return nil
	}
	if len(fp) != fingerprintLen || strings.Trim(fp, "0123456789abcdef") != "" {
		return fmt.Errorf("fingerprint %q is not %d lower-case hex digits", fp, fingerprintLen)
	}
	return nil
}

// Matches reports whether the ignore entry covers the finding.
func (ig *IgnoreRule) Matches(f *rules.Finding) bool {
	return MatchRule(ig.Rule, f.RuleID) &&
		(ig.Path == "" || MatchPath(ig.Path, f.Location.File)) &&
		PointerCovers(ig.Pointer, f.Location.Pointer) &&
		(ig.Fingerprint == "" || ig.Fingerprint == f.Fingerprint)
}

// PointerCovers reports whether pointer p is at or below prefix at a token
// boundary: "/paths/~1a" covers "/paths/~1a/get" but not "/paths/~1ab".
// The empty pointer (the whole document) covers everything.
func PointerCovers(prefix, p string) bool {
	return prefix == "" || p == prefix || strings.HasPrefix(p, prefix+"/")
}
