package fuzz

import (
	"github.com/specterhq/specter/fuzz/internal/accounts"
	"github.com/specterhq/specter/fuzz/internal/versions"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/oracle/security"
	"github.com/specterhq/specter/rules"
)

// Rules are the metadata of every rule the dynamic scanner reports: the
// conformance oracles' (fuzz/oracle), the security oracles'
// (fuzz/oracle/security), the account checks' (privilege escalation
// on sign-up) and the older-version discovery's. Each package that emits a rule declares it; this is their
// union, for the catalog.
func Rules() []rules.Rule {
	var all []rules.Rule
	all = append(all, oracle.Rules()...)
	all = append(all, security.Rules()...)
	all = append(all, accounts.Rules()...)
	all = append(all, versions.Rules()...)
	return all
}
