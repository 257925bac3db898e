// Package catalog assembles the rule catalog from the rules every scanner
// exports: the secret scanner's (one per gitleaks rule, plus the structural
// checks), lint's, inventory's and the fuzzer's. It sits above the scanners
// so that package rules stays the vocabulary (Finding, Location, Severity,
// Rule, Catalog) with no third-party imports.
package catalog

import (
	"fmt"

	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners/inventory"
	"github.com/specterhq/specter/scanners/lint"
	"github.com/specterhq/specter/scanners/secrets"
)

// Builtin returns the catalog of every rule specter's scanners can emit.
// It costs the secret rules' ids and descriptions, not their compiled
// patterns, so `specter rules` and shell completion stay fast.
func Builtin() (*rules.Catalog, error) {
	secretRules, err := secrets.Rules()
	if err != nil {
		return nil, fmt.Errorf("the secret scanner's rules: %w", err)
	}
	var all []rules.Rule
	all = append(all, secretRules...)
	all = append(all, inventory.Rules()...)
	lintRules, err := lint.Rules()
	if err != nil {
		return nil, fmt.Errorf("the lint rules: %w", err)
	}
	all = append(all, lintRules...)
	all = append(all, fuzz.Rules()...)
	return rules.NewCatalog(all...)
}
