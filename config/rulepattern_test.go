package config

import (
	"strings"
	"testing"
)

func TestMatchRule(t *testing.T) {
	for _, tt := range []struct {
		pattern, id string
		want        bool
	}{
		{"*", "secrets/aws", true},
		{"secrets/*", "secrets/aws", true},
		{"secrets/*", "secretsx/aws", false},
		{"secrets/*", "lint/secrets", false},
		{"secrets/aws", "secrets/aws", true},
		{"secrets/aws", "secrets/aws-key", false},
		{"secrets/*", "secrets", false},
	} {
		if got := MatchRule(tt.pattern, tt.id); got != tt.want {
			t.Errorf("MatchRule(%q, %q) = %v", tt.pattern, tt.id, got)
		}
	}
}

func TestCheckRuleKnown(t *testing.T) {
	cat := testCatalog(t)
	for _, tt := range []struct {
		pattern string
		want    string // "" for known
	}{
		{"*", ""},
		{"secrets/*", ""},
		{"lint/missing-auth", ""},
		{"lint/missing-aut", `(did you mean "lint/missing-auth"?)`},
		{"secret/generic-api-key", `(did you mean "secrets/generic-api-key"?)`},
		{"api/missing-auth", `(did you mean "lint/missing-auth"?)`},
		{"lnt/*", `(did you mean "lint/*"?)`},
		{"fuzz/*", `no rule family "fuzz"`},
		{"totally/different", `unknown rule "totally/different"`},
	} {
		err := checkRuleKnown(tt.pattern, cat)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.pattern, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want %q", tt.pattern, err, tt.want)
		}
	}
	if err := checkRuleKnown("totally/different", cat); strings.Contains(err.Error(), "did you mean") {
		t.Errorf("suggests a distant id: %v", err)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "abd", 1}, {"abc", "", 3}, {"kitten", "sitting", 3},
	} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d", tt.a, tt.b, got)
		}
	}
}
