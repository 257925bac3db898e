package rules

import (
	"strings"
	"testing"
)

func TestParseSeverity(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Severity
		err  bool
	}{
		{"critical", SeverityCritical, false},
		{"HIGH", SeverityHigh, false},
		{" medium ", SeverityMedium, false},
		{"low", SeverityLow, false},
		{"info", SeverityInfo, false},
		{"severe", 0, true},
		{"", 0, true},
	} {
		got, err := ParseSeverity(tt.in)
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("ParseSeverity(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestFingerprintIgnoresLines(t *testing.T) {
	a := Finding{RuleID: "secrets/x", Location: Location{File: "a.yaml", Line: 3, Pointer: "/p"}, Key: "k"}
	b := a
	b.Location.Line = 300
	a.SetFingerprint()
	b.SetFingerprint()
	if a.Fingerprint != b.Fingerprint {
		t.Error("fingerprint changed with the line number")
	}
	c := a
	c.Key = "other"
	c.SetFingerprint()
	if c.Fingerprint == a.Fingerprint {
		t.Error("fingerprint ignores the semantic key")
	}
	if Fingerprint("r", `dir\a.yaml`, "/p", "") != Fingerprint("r", "dir/a.yaml", "/p", "") {
		t.Error("fingerprint depends on the path separator")
	}
}

func TestNewCatalogValidates(t *testing.T) {
	good := Rule{ID: "fam/name", Title: "T", Help: "h", OWASP: "API2:2023"}
	for _, tt := range []struct {
		name  string
		rules []Rule
		err   string
	}{
		{"ok", []Rule{good}, ""},
		{"duplicate", []Rule{good, good}, "defined twice"},
		{"bad id", []Rule{{ID: "noslash", Title: "T", Help: "h"}}, "not <family>/<name>"},
		{"no help", []Rule{{ID: "a/b", Title: "T"}}, "no help"},
		{"bad owasp", []Rule{{ID: "a/b", Title: "T", Help: "h", OWASP: "API11:2023"}}, "unknown OWASP"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCatalog(tt.rules...)
			if tt.err == "" {
				if err != nil || c.Lookup("fam/name") == nil || c.Lookup("fam/name").Precision != PrecisionHigh {
					t.Fatalf("NewCatalog = %v, %v", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("NewCatalog error = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestTags(t *testing.T) {
	r := Rule{ID: "secrets/aws", OWASP: "API8:2023", CWE: []string{"CWE-798"}}
	got := strings.Join(r.Tags(), ",")
	if got != "security,secrets,owasp-api-top10-2023/api8,external/cwe/cwe-798" {
		t.Errorf("Tags = %s", got)
	}
}
