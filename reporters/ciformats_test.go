package reporters

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
)

func TestGitLabSASTMatchesSchema(t *testing.T) {
	sch := compileSchema(t, "gitlab-sast-report-format.schema.json")
	for _, fixture := range []string{"full", "empty"} {
		if err := validate(sch, render(t, renderCase{fixture: fixture, format: "gitlab-sast"})); err != nil {
			t.Errorf("%s: GitLab SAST report does not match the schema: %v", fixture, err)
		}
	}
	full := render(t, renderCase{fixture: "full", format: "gitlab-sast"})
	vuln := func(v map[string]any) map[string]any { return v["vulnerabilities"].([]any)[0].(map[string]any) }
	for name, edit := range map[string]func(map[string]any){
		"no end_time":          func(v map[string]any) { delete(v["scan"].(map[string]any), "end_time") },
		"time with a zone":     func(v map[string]any) { v["scan"].(map[string]any)["start_time"] = "2026-11-26T09:14:03Z" },
		"empty analyzer id":    func(v map[string]any) { v["scan"].(map[string]any)["analyzer"].(map[string]any)["id"] = "" },
		"lower-case severity":  func(v map[string]any) { vuln(v)["severity"] = "high" },
		"no identifiers":       func(v map[string]any) { vuln(v)["identifiers"] = []any{} },
		"start line 0":         func(v map[string]any) { vuln(v)["location"].(map[string]any)["start_line"] = 0 },
		"schema version 14":    func(v map[string]any) { v["version"] = "14.1.2" },
		"unknown vuln member":  func(v map[string]any) { vuln(v)["cve"] = "x" },
		"id that is no UUID":   func(v map[string]any) { vuln(v)["id"] = "42" },
		"vulnerabilities null": func(v map[string]any) { v["vulnerabilities"] = nil },
	} {
		if err := validate(sch, mutate(t, full, edit)); err == nil {
			t.Errorf("schema accepts a report with %s", name)
		}
	}
}

func TestGitLabSASTContent(t *testing.T) {
	var doc gitlabReport
	if err := json.Unmarshal(render(t, renderCase{fixture: "full", format: "gitlab-sast"}), &doc); err != nil {
		t.Fatal(err)
	}
	r := loadReport(t, "full")
	if len(doc.Vulnerabilities) != r.Active() {
		t.Fatalf("%d vulnerabilities, want the %d unsuppressed findings", len(doc.Vulnerabilities), r.Active())
	}
	ids := map[string]bool{}
	for _, v := range doc.Vulnerabilities {
		if v.Identifiers[0].Type != "specter_rule_id" {
			t.Errorf("%s: primary identifier is %+v, want the rule id", v.Name, v.Identifiers[0])
		}
		if ids[v.ID] {
			t.Errorf("duplicate vulnerability id %s", v.ID)
		}
		ids[v.ID] = true
	}
	aws := doc.Vulnerabilities[1]
	if aws.Identifiers[0].Value != "secrets/aws-access-key" || aws.Identifiers[1].Value != "798" || aws.Identifiers[2].Value != "API8:2023" {
		t.Errorf("identifiers = %+v, want rule id, CWE-798, OWASP API8:2023 in that order", aws.Identifiers)
	}
	if !strings.HasPrefix(aws.Solution, "Revoke the key") {
		t.Errorf("solution = %q, want the help's Fix section", aws.Solution)
	}
	if doc.Scan.StartTime != "2026-11-26T09:14:03" || doc.Scan.EndTime != "2026-11-26T09:14:05" {
		t.Errorf("scan times = %s, %s", doc.Scan.StartTime, doc.Scan.EndTime)
	}
	if got := uuidFromFingerprint("abc"); got != uuidFromFingerprint("abc") || got == uuidFromFingerprint("abd") || got[14] != '5' {
		t.Errorf("uuidFromFingerprint is not a stable version-5 UUID: %s", got)
	}
}

func TestGitLabSASTRespectsLimits(t *testing.T) {
	r := loadReport(t, "full")
	var rs []rules.Rule
	for _, rule := range r.Catalog.All() {
		rule := *rule
		rule.Title = strings.Repeat("t", 400)
		rule.Help = "Why.\n\n## Fix\n\n" + strings.Repeat("f", 9000)
		for i := range 30 {
			rule.CWE = append(rule.CWE, fmt.Sprintf("CWE-%d", i+1))
		}
		rs = append(rs, rule)
	}
	catalog, err := rules.NewCatalog(rs...)
	if err != nil {
		t.Fatal(err)
	}
	r.Catalog = catalog
	var buf bytes.Buffer
	if err := (&GitLabSAST{}).Render(&buf, r); err != nil {
		t.Fatal(err)
	}
	if err := validate(compileSchema(t, "gitlab-sast-report-format.schema.json"), buf.Bytes()); err != nil {
		t.Errorf("report with long titles, help and 30 CWEs does not validate: %v", err)
	}
}

func TestSolutionOf(t *testing.T) {
	for _, tt := range []struct{ help, want string }{
		{"Why.\n\n## Fix\n\nDo this.\n\n## Example\n\nx", "Do this."},
		{"**Why it matters.** x\n\n**How to fix.**\n1. Rotate.\n2. Move.\n\n**Example.** y", "1. Rotate.\n2. Move."},
		{"No fix section here.", ""},
	} {
		if got := solutionOf(&rules.Rule{Help: tt.help}); got != tt.want {
			t.Errorf("solutionOf(%q) = %q, want %q", tt.help, got, tt.want)
		}
	}
}

func TestCodeQualityMatchesSchema(t *testing.T) {
	sch := compileSchema(t, "codequality.schema.json")
	for _, fixture := range []string{"full", "empty"} {
		out := render(t, renderCase{fixture: fixture, format: "codequality"})
		if err := validate(sch, out); err != nil {
			t.Errorf("%s: Code Quality report does not match the schema: %v", fixture, err)
		}
		if bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
			t.Errorf("%s: report starts with a BOM, which GitLab rejects", fixture)
		}
	}
	full := render(t, renderCase{fixture: "full", format: "codequality"})
	var issues []map[string]any
	if err := json.Unmarshal(full, &issues); err != nil {
		t.Fatal(err)
	}
	if len(issues) != loadReport(t, "full").Active() {
		t.Errorf("%d issues, want one per unsuppressed finding", len(issues))
	}
	seen := map[any]bool{}
	for _, is := range issues {
		if seen[is["fingerprint"]] {
			t.Errorf("fingerprint %v repeats; GitLab would merge the issues", is["fingerprint"])
		}
		seen[is["fingerprint"]] = true
	}
	edit := func(f func(map[string]any)) []byte {
		var v []map[string]any
		json.Unmarshal(full, &v)
		f(v[0])
		out, _ := json.Marshal(v)
		return out
	}
	for name, bad := range map[string][]byte{
		"unknown severity": edit(func(i map[string]any) { i["severity"] = "high" }),
		"no fingerprint":   edit(func(i map[string]any) { delete(i, "fingerprint") }),
		"absolute path":    edit(func(i map[string]any) { i["location"].(map[string]any)["path"] = "/home/ci/api.yaml" }),
		"no line":          edit(func(i map[string]any) { delete(i["location"].(map[string]any), "lines") }),
		"not an array":     []byte(`{"issues": []}`),
	} {
		if err := validate(sch, bad); err == nil {
			t.Errorf("schema accepts a report with %s", name)
		}
	}
}

func TestRepoPath(t *testing.T) {
	for _, tt := range []struct{ file, root, want string }{
		{"api/openapi.yaml", "/src", "api/openapi.yaml"},
		{"./api/../api/x.yaml", "", "api/x.yaml"},
		{"/src/app/api.yaml", "/src/app", "api.yaml"},
		{"/src/application/api.yaml", "/src/app", "/src/application/api.yaml"},
		{`C:\w\repo\spec.yaml`, `C:\w\repo`, "spec.yaml"},
	} {
		if got := repoPath(tt.file, tt.root); got != tt.want {
			t.Errorf("repoPath(%q, %q) = %q, want %q", tt.file, tt.root, got, tt.want)
		}
	}
}

// junitDoc is what GitLab's JUnit parser reads.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func decodeJUnit(t *testing.T, out []byte) junitDoc {
	t.Helper()
	var doc junitDoc
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("JUnit report is not well-formed XML: %v\n%s", err, out)
	}
	return doc
}

// TestJUnitStructure checks the report against what JUnit consumers
// require (there is no normative published schema for the dialect GitLab
// reads): counts that add up, a name and classname on every case, and
// failures exactly for the rule and file pairs with a finding at or above
// the gate.
func TestJUnitStructure(t *testing.T) {
	doc := decodeJUnit(t, render(t, renderCase{fixture: "full", format: "junit"}))
	if len(doc.Suites) != 1 {
		t.Fatalf("%d suites, want 1", len(doc.Suites))
	}
	s := doc.Suites[0]
	failed := map[string]bool{}
	failures := 0
	for _, c := range s.Cases {
		if c.Name == "" || c.Classname == "" {
			t.Errorf("test case without name or classname: %+v", c)
		}
		if c.Failure != nil {
			failures++
			failed[c.Name] = true
		}
	}
	if s.Tests != len(s.Cases) || doc.Tests != s.Tests || s.Failures != failures || doc.Failures != failures {
		t.Errorf("counts: suites %d/%d, suite %d/%d; %d cases, %d failed", doc.Tests, doc.Failures, s.Tests, s.Failures, len(s.Cases), failures)
	}
	// 4 active findings of 4 rules (gate at high): the critical and high
	// ones fail, low and info pass, plus the failed gate.
	want := map[string]bool{"gate (fail-on high)": true, "secrets/aws-access-key": true, "auth/operation-without-security": true}
	if len(s.Cases) != 5 || fmt.Sprint(failed) != fmt.Sprint(want) {
		t.Errorf("%d cases, failed %v; want 5 cases, failed %v", len(s.Cases), failed, want)
	}

	// With the gate off, findings pass and stay visible in system-out.
	r := loadReport(t, "full")
	r.Gate = Gate{Passed: true, FailOn: "none"}
	var buf bytes.Buffer
	if err := (&JUnit{}).Render(&buf, r); err != nil {
		t.Fatal(err)
	}
	for _, c := range decodeJUnit(t, buf.Bytes()).Suites[0].Cases {
		if c.Failure != nil {
			t.Errorf("fail-on none: case %s failed", c.Name)
		}
	}
	if !strings.Contains(buf.String(), "AKIA************MPLE") {
		t.Error("passing cases do not list their findings")
	}
}

// hostileReport is a report whose scanned text tries to break out of every
// format: workflow commands, markdown tables and links, XML and JSON.
func hostileReport(t *testing.T) *Report {
	t.Helper()
	r := loadReport(t, "full")
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Message = "100% bad\r\n::error file=evil.yaml::forged, line=1: x ]]> </failure> <script>|[click](http://x)` \x1b[31m"
		f.Location.File = "dir,a:b%c/evil\nfile.yaml"
		f.Evidence = "sk_l****\n::add-mask::x"
	}
	return r
}

// parseWorkflowCommand reads a workflow command line the way the runner
// does, returning its name, properties and message.
func parseWorkflowCommand(line string) (string, map[string]string, string, error) {
	rest, ok := strings.CutPrefix(line, "::")
	if !ok {
		return "", nil, "", fmt.Errorf("not a command: %q", line)
	}
	head, data, ok := strings.Cut(rest, "::")
	if !ok {
		return "", nil, "", fmt.Errorf("no data separator: %q", line)
	}
	name, propText, _ := strings.Cut(head, " ")
	props := map[string]string{}
	if propText != "" {
		for _, kv := range strings.Split(propText, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return "", nil, "", fmt.Errorf("property without '=': %q", kv)
			}
			props[k] = strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(v)
		}
	}
	return name, props, strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(data), nil
}

func TestGitHubAnnotationsResistInjection(t *testing.T) {
	r := hostileReport(t)
	var buf bytes.Buffer
	if err := (&GitHubAnnotations{}).Render(&buf, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != r.Active() {
		t.Fatalf("%d lines for %d findings: a message broke a line\n%s", len(lines), r.Active(), buf.String())
	}
	active := activeBySeverity(r.Findings)
	for i, line := range lines {
		name, props, msg, err := parseWorkflowCommand(line)
		if err != nil {
			t.Fatal(err)
		}
		if name != annotationLevel(active[i].Severity) {
			t.Errorf("line %d: command %q", i, name)
		}
		if props["file"] != "dir,a:b%c/evil\nfile.yaml" {
			t.Errorf("file property round-trips to %q", props["file"])
		}
		if !strings.HasPrefix(msg, active[i].Message) || !strings.Contains(msg, "evidence: sk_l****\n::add-mask::x") {
			t.Errorf("message round-trips to %q", msg)
		}
		for k := range props {
			if !map[string]bool{"file": true, "line": true, "endLine": true, "col": true, "endColumn": true, "title": true}[k] {
				t.Errorf("forged property %q in %q", k, line)
			}
		}
	}
}

func TestGitHubAnnotationsOrder(t *testing.T) {
	out := string(render(t, renderCase{fixture: "full", format: "github"}))
	var levels []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		name, props, _, err := parseWorkflowCommand(line)
		if err != nil {
			t.Fatal(err)
		}
		levels = append(levels, name+" "+props["title"][len("specter "):strings.Index(props["title"], ":")])
	}
	want := "[error CRITICAL error HIGH notice LOW notice INFO]"
	if fmt.Sprint(levels) != want {
		t.Errorf("annotations %v, want %s (most severe first, suppressed left out)", levels, want)
	}
	for _, tt := range []struct{ in, data, prop string }{
		{"a%b", "a%25b", "a%25b"},
		{"l1\r\nl2", "l1%0D%0Al2", "l1%0D%0Al2"},
		{"k:v,w", "k:v,w", "k%3Av%2Cw"},
		{"%0A", "%250A", "%250A"},
	} {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

func TestMarkdownResistsInjection(t *testing.T) {
	r := hostileReport(t)
	var buf bytes.Buffer
	if err := (&Markdown{}).Render(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"<script>", "[click](", "\r", "\x1b", "\n::error"} {
		if strings.Contains(out, bad) {
			t.Errorf("summary contains %q", bad)
		}
	}
	// Every table row keeps its cell count: no cell text added a '|'.
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Severity | Findings") {
			continue
		}
		cells := len(strings.Split(strings.ReplaceAll(line, `\|`, ""), "|")) - 2
		if cells != 2 && cells != 4 {
			t.Errorf("row with %d cells: %s", cells, line)
		}
	}
}

func TestMarkdownStaysSmall(t *testing.T) {
	r := loadReport(t, "full")
	long := strings.Repeat("x", 100_000)
	base := *activeBySeverity(r.Findings)[0]
	r.Findings = nil
	for i := range 20_000 {
		f := base
		f.Message = long
		f.Location.File = long
		f.RuleID = "secrets/aws-access-key"
		if i%2 == 0 {
			f.RuleID = "lint/server-http"
		}
		r.Findings = append(r.Findings, f)
	}
	var buf bytes.Buffer
	if err := (&Markdown{}).Render(&buf, r); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 200<<10 {
		t.Errorf("summary of 20000 huge findings is %d bytes; GitHub's step summary limit is 1 MiB", buf.Len())
	}
	if !strings.Contains(buf.String(), "50 of 20000 findings shown") {
		t.Error("summary does not say it left findings out")
	}
}

func TestCIFormatsLeaveSuppressedOut(t *testing.T) {
	for _, format := range []string{"github", "markdown", "gitlab-sast", "codequality", "junit"} {
		out := string(render(t, renderCase{fixture: "full", format: format}))
		for _, suppressed := range []string{"Server http://api.example.com", "Literal bearer token"} {
			if strings.Contains(out, suppressed) {
				t.Errorf("%s report shows the suppressed finding %q", format, suppressed)
			}
		}
	}
}
