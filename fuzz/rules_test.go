package fuzz

import (
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/specterhq/specter/fuzz/internal/accounts"
	"github.com/specterhq/specter/fuzz/internal/versions"
	"github.com/specterhq/specter/fuzz/oracle/security"
	"github.com/specterhq/specter/rules"
)

// TestRulesAreWhatTheRunReports checks the union against its emitters: the
// rules of the default oracles, of the escalation check and of the
// older-version discovery, and the
// security oracles' (which package security checks against its oracles),
// are each described once, and nothing else is.
func TestRulesAreWhatTheRunReports(t *testing.T) {
	cat, err := rules.NewCatalog(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	reported := map[string]bool{}
	for _, o := range DefaultOracles() {
		for _, id := range o.Rules() {
			reported[id] = true
		}
	}
	for _, r := range security.Rules() {
		reported[r.ID] = true
	}
	for _, id := range accounts.EscalationRules() {
		reported[id] = true
	}
	reported[versions.RuleOlderVersion] = true // discoverOlderVersions
	var missing, unused []string
	for id := range reported {
		if cat.Lookup(id) == nil {
			missing = append(missing, id)
		}
	}
	for _, r := range cat.All() {
		if !reported[r.ID] {
			unused = append(unused, r.ID)
		}
		if r.Family() != "fuzz" {
			t.Errorf("%s is not of family fuzz", r.ID)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("reported but not described: %v", missing)
	}
	if len(unused) > 0 {
		t.Errorf("described but reported by nothing: %v", unused)
	}
}

func TestNewRefusesACatalogWithoutTheEscalationRules(t *testing.T) {
	var some []rules.Rule
	for _, r := range Rules() {
		if r.ID != accounts.RulePrivilegeEscalation {
			some = append(some, r)
		}
	}
	cat, err := rules.NewCatalog(some...)
	if err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse("http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, target, 1)
	cfg.Catalog = cat
	if _, err := New(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), accounts.RulePrivilegeEscalation) {
		t.Fatalf("New with a catalog without %s: %v", accounts.RulePrivilegeEscalation, err)
	}
}
