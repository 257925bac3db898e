package reporters

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/specterhq/specter/rules"
)

// JUnit renders a JUnit XML report for CI test views (GitLab's
// artifacts:reports:junit, test-report actions on GitHub): one test case
// per rule and file with unsuppressed findings, failed when any of its
// findings is at or above the gate's fail-on severity, and one "gate" test
// case carrying the verdict, which also fails on per-severity maximums.
type JUnit struct{}

type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		File      string        `xml:"file,attr,omitempty"`
		Failure   *junitFailure `xml:"failure"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// Render writes the report as XML.
func (*JUnit) Render(w io.Writer, r *Report) error {
	suite := junitSuite{Name: strings.TrimSpace(r.Tool.Name + " " + r.Command)}
	suite.Cases = append(suite.Cases, gateCase(r))
	threshold, gated := failOnSeverity(r.Gate.FailOn)

	type key struct{ file, rule string }
	index := make(map[key]int)
	var groups [][]*rules.Finding
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed() {
			continue
		}
		k := key{f.Location.File, f.RuleID}
		gi, ok := index[k]
		if !ok {
			gi = len(groups)
			index[k] = gi
			groups = append(groups, nil)
		}
		groups[gi] = append(groups[gi], f)
	}
	for _, g := range groups {
		first := g[0]
		c := junitCase{Name: first.RuleID, Classname: displayFile(first.Location.File), File: first.Location.File}
		var lines []string
		failing, worst := 0, first.Severity
		for _, f := range g {
			lines = append(lines, junitLine(f))
			worst = max(worst, f.Severity)
			if gated && f.Severity >= threshold {
				failing++
			}
		}
		body := strings.Join(lines, "\n")
		if failing > 0 {
			c.Failure = &junitFailure{
				Message: fmt.Sprintf("%d %s at or above %s", failing, plural(failing, "finding", "findings"), threshold),
				Type:    worst.String(),
				Text:    body,
			}
		} else {
			c.SystemOut = body
		}
		suite.Cases = append(suite.Cases, c)
	}
	for _, c := range suite.Cases {
		if c.Failure != nil {
			suite.Failures++
		}
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Name: r.Tool.Name, Tests: suite.Tests, Failures: suite.Failures, Suites: []junitSuite{suite}}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	return nil
}

// gateCase is the test case for the gate verdict.
func gateCase(r *Report) junitCase {
	failOn := r.Gate.FailOn
	if failOn == "" {
		failOn = "none"
	}
	c := junitCase{Name: "gate (fail-on " + failOn + ")", Classname: r.Tool.Name}
	if !r.Gate.Passed {
		c.Failure = &junitFailure{Message: "the gate failed", Type: "gate", Text: strings.Join(r.Gate.Reasons, "\n")}
	}
	return c
}

// failOnSeverity reads the gate's fail-on; ok is false for "none".
func failOnSeverity(name string) (rules.Severity, bool) {
	s, err := rules.ParseSeverity(name)
	return s, err == nil
}

// junitLine describes one finding on one line of a failure or output.
func junitLine(f *rules.Finding) string {
	line := fmt.Sprintf("%s %s %s", locationLabel(f.Location), strings.ToUpper(f.Severity.String()), f.Message)
	if f.Operation != nil {
		line += " (" + operationLabel(f.Operation) + ")"
	}
	if f.Evidence != "" {
		line += " evidence: " + f.Evidence
	}
	return strings.Join(strings.Fields(line), " ")
}
