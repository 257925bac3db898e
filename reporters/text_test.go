package reporters

import (
	"bytes"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
)

func TestTextColour(t *testing.T) {
	for _, fixture := range []string{"full", "empty", "many"} {
		color := render(t, renderCase{fixture: fixture, format: "text", opts: Options{Color: true}})
		plain := render(t, renderCase{fixture: fixture, format: "text", opts: Options{Color: false}})
		if !bytes.Contains(color, []byte("\x1b[")) {
			t.Errorf("%s: colour output has no ANSI escapes", fixture)
		}
		if bytes.ContainsRune(plain, '\x1b') {
			t.Errorf("%s: plain output has ANSI escapes", fixture)
		}
		if got := stripANSI(string(color)); got != string(plain) {
			t.Errorf("%s: colour output without escapes differs from plain output:\n%s\n---\n%s", fixture, got, plain)
		}
	}
}

// stripANSI removes CSI sequences (ESC [ ... final byte).
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\x1b' && i+1 < len(s) && s[i+1] == '[' {
			i += 2
			for i < len(s) && (s[i] < 0x40 || s[i] > 0x7e) {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestTextContent(t *testing.T) {
	full := string(render(t, renderCase{fixture: "full", format: "text"}))
	for _, want := range []string{
		"api/openapi.yaml\n",
		"collections/payments.postman_collection.json\n",
		"  41:23  CRITICAL  secrets/aws-access-key  AWS access key ID in the example of the 200 response\n",
		"GET /users/{id} (getUser)\n",
		"evidence: AKIA************MPLE\n",
		"  -  INFO      postman/collection-without-auth",
		"`specter rules secrets/aws-access-key`",
		"FAILED  1 critical, 1 high, 0 medium, 1 low, 1 info (2 suppressed, 2 baselined) in 3 files; fail-on high: 1 critical and 1 high finding at or above high\n",
	} {
		if !strings.Contains(full, want) {
			t.Errorf("text output lacks %q", want)
		}
	}
	// Suppressed findings are counted, never listed.
	for _, hidden := range []string{"lint/server-http", "secrets/postman-bearer-token", "Bearer eyJh"} {
		if strings.Contains(full, hidden) {
			t.Errorf("text output lists suppressed finding detail %q", hidden)
		}
	}
	if strings.Count(full, "Run `specter rules <id>`") != 1 {
		t.Error("the `specter rules` hint should appear exactly once")
	}
	if !strings.HasSuffix(full, "at or above high\n") {
		t.Error("the summary is not the last line")
	}

	quiet := string(render(t, renderCase{fixture: "full", format: "text", opts: Options{Quiet: true}}))
	if strings.Count(quiet, "\n") != 1 || !strings.HasPrefix(quiet, "FAILED") {
		t.Errorf("quiet output is not just the summary line:\n%s", quiet)
	}

	empty := string(render(t, renderCase{fixture: "empty", format: "text"}))
	if !strings.Contains(empty, "No findings.") || !strings.Contains(empty, "PASSED") || strings.Contains(empty, "specter rules") {
		t.Errorf("empty output:\n%s", empty)
	}
}

// TestTextEscapesControlCharacters checks that text from a scanned file
// cannot inject terminal escape sequences or fake report lines.
func TestTextEscapesControlCharacters(t *testing.T) {
	r := loadReport(t, "empty")
	r.Findings = []rules.Finding{{
		RuleID:    "lint/server-http",
		Severity:  rules.SeverityMedium,
		Message:   "evil\x1b[2Jmessage\nPASSED  0 critical",
		Location:  rules.Location{File: "spec\x07.yaml", Line: 3, Column: 1},
		Operation: &rules.Operation{Method: "GET", Path: "/a\rb"},
		Evidence:  "tok\u009b31m",
	}}
	var out bytes.Buffer
	if err := (&Text{}).Render(&out, r); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.ContainsAny(got, "\x1b\x07\r\u009b") {
		t.Errorf("control characters reached the output: %q", got)
	}
	for _, want := range []string{`evil\x1b[2Jmessage\nPASSED`, `spec\a.yaml`, `/a\rb`, `tok\u009b31m`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks escaped %q:\n%s", want, got)
		}
	}
}

func TestPosition(t *testing.T) {
	for _, tt := range []struct {
		loc  rules.Location
		want string
	}{
		{rules.Location{Line: 12, Column: 4}, "12:4"},
		{rules.Location{Line: 12}, "12"},
		{rules.Location{}, "-"},
		{rules.Location{Column: 3}, "-"},
	} {
		if got := position(tt.loc); got != tt.want {
			t.Errorf("position(%+v) = %q, want %q", tt.loc, got, tt.want)
		}
	}
}
