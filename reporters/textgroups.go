package reporters

import (
	"bufio"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/specterhq/specter/rules"
)

// Limits of the text report's grouped form, used when a report holds more
// findings than fit a screen.
const (
	// DefaultMaxListed is how many findings the text report lists one by
	// one when it does not know the screen (not a terminal).
	DefaultMaxListed = 40
	// listedAlways is the lowest severity listed in full even when the
	// rest is grouped.
	listedAlways = rules.SeverityHigh
	// groupLocations is how many locations a rule's group shows.
	groupLocations = 3
	// topRules is how many rules the top-rules line names.
	topRules = 5
	// screenReserve is how many rows of a terminal the summary, the hints
	// and the headings keep; minListed the least a short terminal lists.
	screenReserve = 10
	minListed     = 10
)

// ScreenLimit is the MaxListed for a terminal of height rows: the height
// less the rows the summary and hints take, at least minListed. A height
// of 0 or less (not a terminal, or unknown) gives DefaultMaxListed.
func ScreenLimit(height int) int {
	if height <= 0 {
		return DefaultMaxListed
	}
	return max(height-screenReserve, minListed)
}

// grouped says whether the report holds more unsuppressed findings than
// the options let the text format list one by one.
func (t *Text) grouped(r *Report) bool {
	if t.Options.Details {
		return false
	}
	limit := t.Options.MaxListed
	if limit <= 0 {
		limit = DefaultMaxListed
	}
	return r.Active() > limit
}

// ruleGroup is the unsuppressed findings of one rule at one severity.
type ruleGroup struct {
	ruleID   string
	severity rules.Severity
	findings []*rules.Finding
}

// groupByRule gathers the unsuppressed findings below high per rule and
// severity: the most severe first, then the largest, then by rule id.
// Findings keep the report's order within a group.
func groupByRule(fs []rules.Finding) []ruleGroup {
	type key struct {
		id  string
		sev rules.Severity
	}
	var groups []ruleGroup
	index := make(map[key]int)
	for i := range fs {
		f := &fs[i]
		if f.Suppressed() || f.Severity >= listedAlways {
			continue
		}
		k := key{f.RuleID, f.Severity}
		gi, ok := index[k]
		if !ok {
			gi = len(groups)
			index[k] = gi
			groups = append(groups, ruleGroup{ruleID: f.RuleID, severity: f.Severity})
		}
		groups[gi].findings = append(groups[gi].findings, f)
	}
	slices.SortStableFunc(groups, func(a, b ruleGroup) int {
		return cmp.Or(
			cmp.Compare(b.severity, a.severity),
			cmp.Compare(len(b.findings), len(a.findings)),
			strings.Compare(a.ruleID, b.ruleID))
	})
	return groups
}

// writeRuleGroups writes the findings below high grouped by rule: its
// severity, count, id and title, then its first locations.
func writeRuleGroups(w *bufio.Writer, st textStyles, r *Report) {
	groups := groupByRule(r.Findings)
	if len(groups) == 0 {
		return
	}
	total, countWidth := 0, 0
	for _, g := range groups {
		total += len(g.findings)
		countWidth = max(countWidth, len(strconv.Itoa(len(g.findings))))
	}
	fmt.Fprintf(w, "%s\n\n", st.hint.Render(fmt.Sprintf(
		"%d %s below %s, grouped by %d %s; --details lists every finding:",
		total, plural(total, "finding", "findings"), listedAlways,
		len(groups), plural(len(groups), "rule", "rules"))))
	indent := strings.Repeat(" ", 2+severityWidth+2+countWidth+2)
	for _, g := range groups {
		sev := fmt.Sprintf("%-*s", severityWidth, strings.ToUpper(g.severity.String()))
		count := fmt.Sprintf("%*d", countWidth, len(g.findings))
		line := fmt.Sprintf("  %s  %s  %s", st.severity[g.severity].Render(sev), count, st.ruleID.Render(terminalSafe(g.ruleID)))
		if title := ruleTitle(r, g.ruleID); title != "" {
			line += "  " + terminalSafe(title)
		}
		fmt.Fprintf(w, "%s\n", line)
		for _, f := range g.findings[:min(groupLocations, len(g.findings))] {
			fmt.Fprintf(w, "%s%s\n", indent, st.position.Render(terminalSafe(locationLabel(f.Location))))
		}
		if more := len(g.findings) - groupLocations; more > 0 {
			fmt.Fprintf(w, "%s%s\n", indent, st.hint.Render(fmt.Sprintf("… and %d more", more)))
		}
	}
	w.WriteByte('\n')
}

// ruleTitle is the catalog's title of a rule, "" when the report has no
// catalog or the catalog lacks the rule.
func ruleTitle(r *Report, id string) string {
	if r.Catalog == nil {
		return ""
	}
	if rule := r.Catalog.Lookup(id); rule != nil {
		return rule.Title
	}
	return ""
}

// topRulesLine names the rules with the most unsuppressed findings, at
// any severity, with their counts.
func topRulesLine(r *Report) string {
	counts := make(map[string]int)
	var ids []string
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed() {
			continue
		}
		if counts[f.RuleID] == 0 {
			ids = append(ids, f.RuleID)
		}
		counts[f.RuleID]++
	}
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b))
	})
	parts := make([]string, 0, topRules)
	for _, id := range ids[:min(topRules, len(ids))] {
		parts = append(parts, fmt.Sprintf("%s (%d)", terminalSafe(id), counts[id]))
	}
	line := "Top rules: " + strings.Join(parts, ", ")
	if rest := len(ids) - topRules; rest > 0 {
		line += fmt.Sprintf(", and %d more %s", rest, plural(rest, "rule", "rules"))
	}
	return line
}
