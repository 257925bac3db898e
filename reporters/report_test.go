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

// TestNotesInEveryFormat: run-level notes (the fuzzer's seed, unexercised
// operations) reach every format, terminal-safe in text, as execution
// notifications in SARIF, and do not appear in quiet text.
func TestNotesInEveryFormat(t *testing.T) {
	notes := []string{"fuzz: seed 42, target http://127.0.0.1:8080", "fuzz: never exercised successfully: GET /a\x1b[31m"}
	tests := []struct {
		format string
		opts   Options
		want   []string
		absent []string
	}{
		{"text", Options{}, []string{"note: fuzz: seed 42", `GET /a\x1b[31m`}, []string{"\x1b[31m"}},
		{"text", Options{Quiet: true}, nil, []string{"seed 42"}},
		{"json", Options{}, []string{`"notes": [`, `"fuzz: seed 42, target http://127.0.0.1:8080"`}, nil},
		{"sarif", Options{}, []string{`"toolExecutionNotifications"`, `"level": "note"`, "fuzz: seed 42"}, nil},
	}
	for _, tt := range tests {
		r := loadReport(t, "empty")
		r.Notes = notes
		rep, err := New(tt.format, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := rep.Render(&b, r); err != nil {
			t.Fatalf("%s: %v", tt.format, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s %+v: output lacks %q:\n%s", tt.format, tt.opts, w, b.String())
			}
		}
		for _, a := range tt.absent {
			if strings.Contains(b.String(), a) {
				t.Errorf("%s %+v: output has %q", tt.format, tt.opts, a)
			}
		}
		schema := map[string]string{"json": "json-report.schema.json", "sarif": "sarif-schema-2.1.0.json"}[tt.format]
		if schema != "" {
			if err := validate(compileSchema(t, schema), []byte(b.String())); err != nil {
				t.Errorf("%s with notes does not match its schema: %v", tt.format, err)
			}
		}
	}
}
