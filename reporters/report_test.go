package reporters

import (
	"bytes"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
)

func TestNew(t *testing.T) {
	for _, format := range Formats() {
		if _, err := New(format, Options{}); err != nil {
			t.Errorf("New(%q): %v", format, err)
		}
	}
	if _, err := New("xml", Options{}); err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) {
		t.Errorf("New(xml) error = %v", err)
	}
}

func TestCounts(t *testing.T) {
	r := loadReport(t, "full")
	counts := r.Counts()
	want := map[rules.Severity]int{
		rules.SeverityCritical: 1, rules.SeverityHigh: 1, rules.SeverityMedium: 0,
		rules.SeverityLow: 1, rules.SeverityInfo: 1,
	}
	for s, n := range want {
		if counts[s] != n {
			t.Errorf("Counts()[%s] = %d, want %d", s, counts[s], n)
		}
	}
	if r.Suppressed() != 2 || r.Active() != 4 {
		t.Errorf("Suppressed, Active = %d, %d; want 2, 4", r.Suppressed(), r.Active())
	}
}

// TestUnknownRule checks that JSON and SARIF refuse a finding whose rule
// the catalog lacks instead of writing an entry with no title or help.
func TestUnknownRule(t *testing.T) {
	r := loadReport(t, "full")
	r.Findings[0].RuleID = "secrets/not-in-catalog"
	for _, format := range []string{"json", "sarif"} {
		rep, _ := New(format, Options{})
		err := rep.Render(&bytes.Buffer{}, r)
		if err == nil || !strings.Contains(err.Error(), `"secrets/not-in-catalog", which is not in the catalog`) {
			t.Errorf("%s: error = %v", format, err)
		}
	}
	r.Catalog = nil
	rep, _ := New("json", Options{})
	if err := rep.Render(&bytes.Buffer{}, r); err == nil || !strings.Contains(err.Error(), "no rule catalog") {
		t.Errorf("json without catalog: error = %v", err)
	}
}
