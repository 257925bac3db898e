package policy

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/rules"
)

func baselineFixture(name string) string { return filepath.Join("testdata", "baseline", name) }

// finding builds a finding with its fingerprint set.
func finding(ruleID string, sev rules.Severity, file string, line int, pointer, key string) rules.Finding {
	f := rules.Finding{RuleID: ruleID, Severity: sev, Message: "m", Key: key,
		Location: rules.Location{File: file, Line: line, Column: 1, Pointer: pointer}}
	f.SetFingerprint()
	return f
}

func TestBaselineRoundTrip(t *testing.T) {
	a := finding("secrets/generic-api-key", rules.SeverityHigh, "b.yaml", 3, "/servers/0", "k1")
	b := finding("lint/missing-auth", rules.SeverityMedium, "a.yaml", 9, "/paths/~1x/get", "")
	dup := b
	dup.Location.Line = 90 // same fingerprint, listed once
	sup := finding("lint/http-server", rules.SeverityLow, "a.yaml", 1, "/servers/0", "")
	sup.Suppression = &rules.Suppression{Kind: rules.SuppressedInSource, Source: SourceInline}
	now := time.Date(2025, 6, 1, 14, 0, 0, 0, time.FixedZone("CEST", 2*3600))

	var buf bytes.Buffer
	if err := WriteBaseline(&buf, []rules.Finding{a, b, dup, sup}, now); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Version  int
		Tool     string
		Created  string
		Findings []map[string]string
	}
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatalf("written baseline is not JSON: %v\n%s", err, buf.String())
	}
	if raw.Version != 1 || raw.Tool != "specter" || raw.Created != "2025-06-01T12:00:00Z" || len(raw.Findings) != 2 {
		t.Fatalf("written baseline = %s", buf.String())
	}
	if raw.Findings[0]["file"] != "a.yaml" || raw.Findings[0]["rule_id"] != "lint/missing-auth" || raw.Findings[0]["pointer"] != "/paths/~1x/get" {
		t.Errorf("entries not sorted by file: %v", raw.Findings)
	}

	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	bl, err := ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bl.Contains(a.Fingerprint) || !bl.Contains(b.Fingerprint) || bl.Contains(sup.Fingerprint) || bl.Len() != 2 {
		t.Errorf("read back %+v", bl)
	}

	var again bytes.Buffer
	if err := WriteBaseline(&again, []rules.Finding{b, a, sup, dup}, now); err != nil {
		t.Fatal(err)
	}
	if again.String() != buf.String() {
		t.Errorf("baseline depends on finding order:\n%s\n%s", buf.String(), again.String())
	}
}

func TestWriteBaselineEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteBaseline(&buf, nil, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"findings": []`) {
		t.Errorf("empty baseline = %s", buf.String())
	}
	b, err := ParseBaseline(buf.Bytes(), "empty")
	if err != nil || b.Len() != 0 {
		t.Fatalf("ParseBaseline = %+v, %v", b, err)
	}
}

func TestWriteBaselineNeedsFingerprints(t *testing.T) {
	f := rules.Finding{RuleID: "lint/x", Location: rules.Location{File: "a.yaml", Pointer: "/x"}}
	if err := WriteBaseline(&bytes.Buffer{}, []rules.Finding{f}, time.Now()); err == nil || !strings.Contains(err.Error(), "no fingerprint") {
		t.Fatalf("WriteBaseline = %v, want a missing-fingerprint error", err)
	}
}

func TestReadBaselineFixtures(t *testing.T) {
	for _, tt := range []struct {
		file string
		want []string // fingerprints listed
		err  string
	}{
		{file: "valid.json", want: []string{"0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"}},
		{file: "report.json", want: []string{"0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"}},
		{file: "malformed.json", err: "malformed JSON"},
		{file: "empty.json", err: "empty file"},
		{file: "wrong-version.json", err: "unsupported version 2"},
		{file: "wrong-tool.json", err: `tool is "gitleaks"`},
		{file: "other-report.json", err: `a report by "spectral"`},
		{file: "sarif.json", err: "SARIF"},
		{file: "no-fingerprint.json", err: "findings[0]: no fingerprint"},
		{file: "bad-created.json", err: "not an RFC 3339 time"},
		{file: "no-findings.json", err: "no findings list"},
		{file: "not-an-object.json", err: "malformed JSON"},
		{file: "missing.json", err: "read baseline"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			b, err := ReadBaseline(baselineFixture(tt.file))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ReadBaseline = %+v, %v; want error %q", b, err, tt.err)
				}
				if tt.file != "missing.json" && !strings.Contains(err.Error(), tt.file) {
					t.Errorf("error %q does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.Len() != len(tt.want) {
				t.Errorf("Len = %d, want %d", b.Len(), len(tt.want))
			}
			for _, fp := range tt.want {
				if !b.Contains(fp) {
					t.Errorf("baseline lacks %s", fp)
				}
			}
			if b.Contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") {
				t.Error("a suppressed report finding went into the baseline")
			}
		})
	}
}

func TestNilBaseline(t *testing.T) {
	var b *Baseline
	if b.Contains("0123456789abcdef0123456789abcdef") || b.Len() != 0 {
		t.Error("a nil baseline lists something")
	}
	code := &Baseline{Entries: []BaselineEntry{{Fingerprint: "0123456789abcdef0123456789abcdef"}}}
	if !code.Contains("0123456789abcdef0123456789abcdef") || code.Contains("") {
		t.Error("a baseline built in code does not index its entries")
	}
}
