package reporters

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
)

func TestScreenLimit(t *testing.T) {
	for _, tt := range []struct {
		height, want int
	}{
		{0, DefaultMaxListed}, // not a terminal
		{-1, DefaultMaxListed},
		{50, 40},
		{24, 14},
		{21, 11},
		{20, 10},
		{15, 10}, // a short terminal still lists ten
		{1, 10},
		{200, 190},
	} {
		if got := ScreenLimit(tt.height); got != tt.want {
			t.Errorf("ScreenLimit(%d) = %d, want %d", tt.height, got, tt.want)
		}
	}
}

// lowFindings are n low findings of one rule, one per line of one file.
func lowFindings(n int) []rules.Finding {
	fs := make([]rules.Finding, n)
	for i := range fs {
		fs[i] = rules.Finding{
			RuleID:   "lint/missing-rate-limit-response",
			Severity: rules.SeverityLow,
			Message:  fmt.Sprintf("operation %d has no 429 response", i),
			Location: rules.Location{File: "api/openapi.yaml", Line: i + 1, Column: 3},
		}
	}
	return fs
}

// TestTextGroupingThreshold checks when the text report groups: above
// MaxListed (DefaultMaxListed when unset) unsuppressed findings, never
// with Details.
func TestTextGroupingThreshold(t *testing.T) {
	for _, tt := range []struct {
		name       string
		findings   int
		suppressed int
		opts       Options
		grouped    bool
	}{
		{"default limit reached", DefaultMaxListed, 0, Options{}, false},
		{"default limit passed", DefaultMaxListed + 1, 0, Options{}, true},
		{"suppressed ones do not count", DefaultMaxListed, 5, Options{}, false},
		{"terminal limit reached", 14, 0, Options{MaxListed: ScreenLimit(24)}, false},
		{"terminal limit passed", 15, 0, Options{MaxListed: ScreenLimit(24)}, true},
		{"details lists everything", 500, 0, Options{Details: true}, false},
		{"details with a small limit", 15, 0, Options{MaxListed: 10, Details: true}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := loadReport(t, "empty")
			r.Findings = lowFindings(tt.findings + tt.suppressed)
			for i := range tt.suppressed {
				r.Findings[i].Suppression = &rules.Suppression{Kind: "external", Source: "config", Reason: "test"}
			}
			var out bytes.Buffer
			if err := (&Text{Options: tt.opts}).Render(&out, r); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			listed := strings.Count(got, "  LOW       lint/missing-rate-limit-response  ")
			isGrouped := strings.Contains(got, "grouped by 1 rule;")
			if isGrouped != tt.grouped {
				t.Fatalf("grouped = %v, want %v:\n%s", isGrouped, tt.grouped, got)
			}
			if tt.grouped {
				if listed != 0 {
					t.Errorf("grouped output lists %d low findings one by one", listed)
				}
				more := fmt.Sprintf("… and %d more\n", tt.findings-groupLocations)
				if !strings.Contains(got, more) || !strings.Contains(got, "api/openapi.yaml:1:3\n") {
					t.Errorf("group lacks its first location or %q:\n%s", more, got)
				}
				if !strings.Contains(got, fmt.Sprintf("Top rules: lint/missing-rate-limit-response (%d)\n", tt.findings)) {
					t.Errorf("summary lacks the top rule:\n%s", got)
				}
				return
			}
			if listed != tt.findings {
				t.Errorf("listed %d findings, want all %d", listed, tt.findings)
			}
			if strings.Contains(got, "Top rules:") {
				t.Errorf("ungrouped output names top rules:\n%s", got)
			}
		})
	}
}

// TestTextGroupedKeepsHighInFull checks that critical and high findings
// are listed with their evidence while the rest is only counted.
func TestTextGroupedKeepsHighInFull(t *testing.T) {
	r := loadReport(t, "many")
	got := string(render(t, renderCase{fixture: "many", format: "text"}))
	details := string(render(t, renderCase{fixture: "many", format: "text", opts: Options{Details: true}}))
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed() {
			continue
		}
		line := fmt.Sprintf("%s  %s", f.RuleID, f.Message)
		if !strings.Contains(details, line) {
			t.Errorf("--details lacks %q", line)
		}
		if listed := strings.Contains(got, line); listed != (f.Severity >= rules.SeverityHigh) {
			t.Errorf("%s finding %q listed in full = %v", f.Severity, line, listed)
		}
	}
	if !strings.Contains(got, "evidence: AKIA************MPLE") {
		t.Error("the critical finding's evidence is missing from the grouped output")
	}
	if strings.Contains(got, "http://api.example.com") {
		t.Error("a grouped medium finding's evidence is printed")
	}
	for _, hidden := range []string{"sandbox.example.com", "secrets/postman-bearer-token", "billing.yaml:5:10"} {
		if strings.Contains(got, hidden) || strings.Contains(details, hidden) {
			t.Errorf("suppressed finding detail %q is printed", hidden)
		}
	}
	// Details is exactly the ungrouped rendering.
	ungrouped := string(render(t, renderCase{fixture: "many", format: "text", opts: Options{MaxListed: 1000}}))
	if details != ungrouped {
		t.Error("--details differs from the ungrouped rendering")
	}
}

func TestGroupByRuleOrder(t *testing.T) {
	f := func(id string, sev rules.Severity, line int) rules.Finding {
		return rules.Finding{RuleID: id, Severity: sev, Location: rules.Location{File: "a.yaml", Line: line}}
	}
	fs := []rules.Finding{
		f("lint/b", rules.SeverityLow, 1),
		f("lint/a", rules.SeverityLow, 2),
		f("lint/c", rules.SeverityInfo, 3),
		f("lint/c", rules.SeverityInfo, 4),
		f("lint/c", rules.SeverityInfo, 5),
		f("lint/b", rules.SeverityMedium, 6), // re-rated: its own group
		f("auth/x", rules.SeverityHigh, 7),   // listed in full, not grouped
		f("lint/b", rules.SeverityLow, 8),
	}
	var got []string
	for _, g := range groupByRule(fs) {
		lines := make([]string, len(g.findings))
		for i, f := range g.findings {
			lines[i] = fmt.Sprint(f.Location.Line)
		}
		got = append(got, fmt.Sprintf("%s %s %s", g.severity, g.ruleID, strings.Join(lines, ",")))
	}
	want := []string{"medium lint/b 6", "low lint/b 1,8", "low lint/a 2", "info lint/c 3,4,5"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("groups = %q, want %q", got, want)
	}
}

func TestTopRulesLine(t *testing.T) {
	f := func(id string, sev rules.Severity, suppressed bool) rules.Finding {
		fd := rules.Finding{RuleID: id, Severity: sev}
		if suppressed {
			fd.Suppression = &rules.Suppression{Kind: "inSource", Source: "x-specter-ignore"}
		}
		return fd
	}
	for _, tt := range []struct {
		name     string
		findings []rules.Finding
		want     string
	}{
		{"by count then id", []rules.Finding{
			f("lint/b", rules.SeverityLow, false), f("lint/a", rules.SeverityLow, false),
			f("lint/c", rules.SeverityInfo, false), f("lint/c", rules.SeverityInfo, false),
		}, "Top rules: lint/c (2), lint/a (1), lint/b (1)"},
		{"high ones count too", []rules.Finding{
			f("auth/x", rules.SeverityHigh, false), f("auth/x", rules.SeverityHigh, false), f("lint/a", rules.SeverityLow, false),
		}, "Top rules: auth/x (2), lint/a (1)"},
		{"suppressed ones do not", []rules.Finding{
			f("lint/a", rules.SeverityLow, true), f("lint/a", rules.SeverityLow, true), f("lint/b", rules.SeverityLow, false),
		}, "Top rules: lint/b (1)"},
		{"more than five rules", []rules.Finding{
			f("r/1", rules.SeverityLow, false), f("r/2", rules.SeverityLow, false), f("r/3", rules.SeverityLow, false),
			f("r/4", rules.SeverityLow, false), f("r/5", rules.SeverityLow, false), f("r/6", rules.SeverityLow, false),
			f("r/7", rules.SeverityLow, false),
		}, "Top rules: r/1 (1), r/2 (1), r/3 (1), r/4 (1), r/5 (1), and 2 more rules"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := topRulesLine(&Report{Findings: tt.findings}); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
