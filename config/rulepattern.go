package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/specterhq/specter/rules"
)

// MatchRule reports whether a rule id matches a pattern: "*" matches every
// rule, "family/*" every rule of the family, anything else only itself.
func MatchRule(pattern, ruleID string) bool {
	switch {
	case pattern == "*":
		return true
	case strings.HasSuffix(pattern, "/*"):
		family, _, ok := strings.Cut(ruleID, "/")
		return ok && family == strings.TrimSuffix(pattern, "/*")
	default:
		return pattern == ruleID
	}
}

// patternSpecificity ranks patterns so that exact ids beat family
// wildcards, which beat "*".
func patternSpecificity(pattern string) int {
	switch {
	case pattern == "*":
		return 0
	case strings.HasSuffix(pattern, "/*"):
		return 1
	default:
		return 2
	}
}

// checkRulePattern reports a pattern that is not "*", "family/*" or a
// <family>/<name> id.
func checkRulePattern(pattern string) error {
	if pattern == "*" {
		return nil
	}
	family, name, ok := strings.Cut(pattern, "/")
	switch {
	case !ok || family == "" || name == "":
		return fmt.Errorf("rule %q is not a rule id (<family>/<name>), a family wildcard (<family>/*) or *", pattern)
	case strings.Contains(family, "*") || (name != "*" && strings.ContainsAny(name, "*?[")):
		return fmt.Errorf("rule %q: wildcards are only allowed as <family>/* or *", pattern)
	case strings.ContainsAny(pattern, " \t\r\n"):
		return fmt.Errorf("rule %q contains white space", pattern)
	}
	return nil
}

// checkRuleKnown reports a pattern that names no rule of the catalog, with a
// suggestion when a catalog id or family is close.
func checkRuleKnown(pattern string, cat *rules.Catalog) error {
	if pattern == "*" {
		return nil
	}
	if family, ok := strings.CutSuffix(pattern, "/*"); ok {
		families := catalogFamilies(cat)
		for _, f := range families {
			if f == family {
				return nil
			}
		}
		msg := fmt.Sprintf("rule %q: no rule family %q", pattern, family)
		if s := closest(family, families); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s+"/*")
		}
		return fmt.Errorf("%s", msg)
	}
	if cat.Lookup(pattern) != nil {
		return nil
	}
	ids := make([]string, 0, cat.Len())
	for _, r := range cat.All() {
		ids = append(ids, r.ID)
	}
	msg := fmt.Sprintf("unknown rule %q", pattern)
	if s := closest(pattern, ids); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fmt.Errorf("%s", msg)
}

func catalogFamilies(cat *rules.Catalog) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range cat.All() {
		if f := r.Family(); !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// closest returns the candidate nearest to s by edit distance when it is
// near enough to be a likely typo, else "". A candidate whose name part
// equals s's (the family was wrong) always counts as near.
func closest(s string, candidates []string) string {
	if len(s) > 200 { // no id is that long; spare the quadratic distance
		return ""
	}
	best, bestDist := "", -1
	limit := max(2, len(s)/4)
	_, sName, _ := strings.Cut(s, "/")
	for _, c := range candidates {
		d := editDistance(s, c)
		if _, cName, ok := strings.Cut(c, "/"); ok && sName != "" && cName == sName {
			d = min(d, 1)
		}
		if d <= limit && (bestDist < 0 || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
