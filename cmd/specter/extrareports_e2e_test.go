package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExtraReports runs one scan with -f sarif -o and two --report files:
// every file is written from the same run (the same findings, the html
// page with its surface map), and bad --report values are usage errors
// that write nothing.
func TestExtraReports(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	sarifPath, htmlPath, jsonPath := filepath.Join(dir, "s.sarif"), filepath.Join(dir, "r.html"), filepath.Join(dir, "r.json")
	res := specter(t, root, nil, "scan", "testdata/examples", "-f", "sarif", "-o", sarifPath,
		"--report", "html="+htmlPath, "--report", "json="+jsonPath)
	if res.code != exitGateFailed {
		t.Fatalf("exit %d, want %d\nstderr: %s", res.code, exitGateFailed, res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("stdout is not empty: %.200s", res.stdout)
	}
	var sarif struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	data, err := os.ReadFile(sarifPath)
	if err != nil || json.Unmarshal(data, &sarif) != nil || len(sarif.Runs) != 1 {
		t.Fatalf("the SARIF report is not readable: %v", err)
	}
	var rep struct {
		Findings []struct {
			Fingerprint string `json:"fingerprint"`
		} `json:"findings"`
	}
	data, err = os.ReadFile(jsonPath)
	if err != nil || json.Unmarshal(data, &rep) != nil {
		t.Fatalf("the JSON report is not readable: %v", err)
	}
	_, doc := readHTMLReport(t, htmlPath)
	n := len(rep.Findings)
	if n == 0 || len(sarif.Runs[0].Results) != n || len(doc.Findings) != n {
		t.Fatalf("findings: json %d, sarif %d, html %d; want the same run in every file", n, len(sarif.Runs[0].Results), len(doc.Findings))
	}
	for i := range rep.Findings {
		if doc.Findings[i].Fingerprint != rep.Findings[i].Fingerprint {
			t.Errorf("finding %d: html %s, json %s", i, doc.Findings[i].Fingerprint, rep.Findings[i].Fingerprint)
		}
	}
	if len(doc.Map.Operations) == 0 || len(doc.Sources.Files) == 0 {
		t.Error("the html written with --report lacks the surface map or the source lines")
	}
	for _, want := range []string{"wrote the html report", "wrote the json report"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"--report", "html"}, "want FORMAT=FILE"},
		{"unknown format", []string{"--report", "pdf=" + filepath.Join(dir, "x.pdf")}, `unknown format "pdf"`},
		{"the same file as -o", []string{"-o", filepath.Join(dir, "same"), "--report", "json=" + filepath.Join(dir, "same")}, "already writes"},
		{"the same file twice", []string{"--report", "json=" + filepath.Join(dir, "twice"), "--report", "html=" + filepath.Join(dir, "twice")}, "already writes"},
		{"stdout", []string{"--report", "json=-"}, "want FORMAT=FILE"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			res := specter(t, root, nil, append([]string{"scan", "testdata/examples"}, tt.args...)...)
			if res.code != exitInputError || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", res.code, res.stderr, exitInputError, tt.want)
			}
			for _, name := range []string{"x.pdf", "same", "twice"} {
				if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
					t.Errorf("%s was written by a refused run", name)
				}
			}
		})
	}
}
