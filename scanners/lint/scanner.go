package lint

import (
	"fmt"
	"regexp"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/scanners/lint/engine"
)

// Options are the lint scanner's options: the policy values some checks
// compare against and the caller's credential detector.
type Options = engine.Options

// Scanner is the lint scanner. It is safe for concurrent use.
type Scanner = engine.Scanner

// New builds the scanner with every check of Checks() and the rules of
// Rules(); it fails when a check names a rule that has no folder, or when
// opts.Credentials is nil (the caller hands the run's detector,
// specter/engine.Secrets).
func New(opts Options) (*Scanner, error) {
	rs, err := Rules()
	if err != nil {
		return nil, err
	}
	return engine.New(opts, rs, Checks())
}

// OptionsFrom turns the config file's lint section into Options (the
// detector fields are left to the caller).
func OptionsFrom(c config.LintConfig) (Options, error) {
	opts := Options{
		MaxTokenTTL:           c.MaxTokenTTL,
		AgentMaxTokenTTL:      c.AgentMaxTokenTTL,
		MaxScopesPerOperation: c.MaxScopesPerOperation,
		MaxScopesPerScheme:    c.MaxScopesPerScheme,
	}
	if c.ScopePattern != "" {
		re, err := regexp.Compile(c.ScopePattern)
		if err != nil {
			return Options{}, fmt.Errorf("lint: scope-pattern: %w", err)
		}
		opts.ScopePattern = re
	}
	return opts, nil
}
