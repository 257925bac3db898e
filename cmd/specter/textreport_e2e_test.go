package main

import (
	"regexp"
	"strings"
	"testing"
)

// findingLine matches a finding listed in full in the text report.
var findingLine = regexp.MustCompile(`(?m)^  \S+\s+(CRITICAL|HIGH|MEDIUM|LOW|INFO) +(\S+)  `)

// TestLintTextGroupsLargeResults runs lint over the bundled examples (more
// findings than DefaultMaxListed) with stdout a pipe: high and critical
// findings are listed, the rest grouped by rule; --details lists every
// finding the JSON report holds.
func TestLintTextGroupsLargeResults(t *testing.T) {
	root := repoRoot(t)
	rep, _ := lintJSON(t, root, "testdata/examples")
	active := map[string]int{}
	total, severe := 0, 0
	for _, f := range rep.Findings {
		if f.Suppressed {
			continue
		}
		total++
		active[f.RuleID]++
		if f.Severity == "high" || f.Severity == "critical" {
			severe++
		}
	}
	if total <= 40 || severe == 0 || severe == total {
		t.Fatalf("the examples have %d findings, %d of them high or critical; the test needs more than 40 and a mix", total, severe)
	}

	grouped := specter(t, root, nil, "lint", "testdata/examples")
	if grouped.code != exitGateFailed {
		t.Fatalf("exit code %d, want %d\nstderr: %s", grouped.code, exitGateFailed, grouped.stderr)
	}
	listed := findingLine.FindAllStringSubmatch(grouped.stdout, -1)
	if len(listed) != severe {
		t.Errorf("grouped output lists %d findings in full, want the %d high and critical ones:\n%s", len(listed), severe, grouped.stdout)
	}
	for _, m := range listed {
		if m[1] != "HIGH" && m[1] != "CRITICAL" {
			t.Errorf("grouped output lists a %s finding of %s in full", m[1], m[2])
		}
	}
	for _, want := range []string{"grouped by", "--details lists every finding", "… and ", "Top rules: "} {
		if !strings.Contains(grouped.stdout, want) {
			t.Errorf("grouped output lacks %q:\n%s", want, grouped.stdout)
		}
	}

	details := specter(t, root, nil, "lint", "--details", "testdata/examples")
	if details.code != exitGateFailed {
		t.Fatalf("--details: exit code %d\nstderr: %s", details.code, details.stderr)
	}
	if g, d := strings.Count(grouped.stdout, "\n"), strings.Count(details.stdout, "\n"); g >= d {
		t.Errorf("grouped output has %d lines, --details %d", g, d)
	}
	perRule := map[string]int{}
	for _, m := range findingLine.FindAllStringSubmatch(details.stdout, -1) {
		perRule[m[2]]++
	}
	for id, n := range active {
		if perRule[id] != n {
			t.Errorf("--details lists %d findings of %s, the JSON report %d", perRule[id], id, n)
		}
	}
	if strings.Contains(details.stdout, "grouped by") || strings.Contains(details.stdout, "Top rules:") {
		t.Errorf("--details output is grouped:\n%s", details.stdout)
	}
	for _, res := range []result{grouped, details} {
		if strings.ContainsAny(res.stderr, "\r\x1b") || strings.ContainsAny(res.stdout, "\r\x1b") {
			t.Errorf("terminal control bytes in output that is not a terminal:\nstdout: %q\nstderr: %q", res.stdout, res.stderr)
		}
	}
}

// TestProgressStaysOutOfLogs runs lint with stderr a pipe: by default no
// progress reaches it; --progress=always prints plain lines, never the
// terminal's carriage returns and erase sequences.
func TestProgressStaysOutOfLogs(t *testing.T) {
	root := repoRoot(t)
	for _, tt := range []struct {
		name  string
		args  []string
		env   []string
		shown bool
	}{
		{"auto", nil, nil, false},
		{"auto in CI", nil, []string{"CI=true"}, false},
		{"never", []string{"--progress=never"}, nil, false},
		{"always", []string{"--progress=always"}, []string{"CI=true"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := specter(t, root, tt.env, append([]string{"lint", "testdata/examples"}, tt.args...)...)
			if res.code != exitGateFailed {
				t.Fatalf("exit code %d\nstderr: %s", res.code, res.stderr)
			}
			if strings.ContainsAny(res.stderr, "\r\x1b") {
				t.Errorf("terminal control bytes on stderr: %q", res.stderr)
			}
			if shown := strings.Contains(res.stderr, "specter: reading "); shown != tt.shown {
				t.Errorf("progress shown %v, want %v; stderr:\n%s", shown, tt.shown, res.stderr)
			}
		})
	}
	if res := specter(t, root, nil, "lint", "--progress=sometimes", "testdata/examples"); res.code != exitInputError || !strings.Contains(res.stderr, "--progress") {
		t.Errorf("--progress=sometimes: exit code %d, stderr %q", res.code, res.stderr)
	}
}
