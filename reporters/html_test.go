package reporters

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
)

const htmlDataOpen = `<script type="application/json" id="specter-data">`

// htmlData returns the page's data document, decoded.
func htmlData(t *testing.T, page []byte) map[string]any {
	t.Helper()
	_, rest, ok := bytes.Cut(page, []byte(htmlDataOpen))
	if !ok {
		t.Fatal("page has no data element")
	}
	data, _, ok := bytes.Cut(rest, []byte("</script>"))
	if !ok {
		t.Fatal("data element is not closed")
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("data element is not JSON: %v", err)
	}
	return doc
}

func renderHTML(t *testing.T, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (&HTML{}).Render(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hostileHTMLReport is a report whose every text tries to end the script
// element or add markup.
func hostileHTMLReport(t *testing.T) *Report {
	t.Helper()
	const evil = `</script><img src=x onerror=alert(1)><!--`
	catalog, err := rules.NewCatalog(rules.Rule{
		ID: "lint/evil", Title: "Title " + evil, Severity: rules.SeverityHigh,
		Help: "**Why** " + evil + "\n\n- [link](javascript:alert(1)) `<b>code</b>`\n\n```yaml\n" + evil + "\n```",
	})
	if err != nil {
		t.Fatal(err)
	}
	f := rules.Finding{
		RuleID: "lint/evil", Severity: rules.SeverityHigh, Message: "message " + evil,
		Location:  rules.Location{File: `api/"><svg onload=alert(1)>.yaml`, Line: 2, Pointer: "/paths/" + evil},
		Operation: &rules.Operation{Method: "GET", Path: "/" + evil},
		Evidence:  evil,
		Related:   []rules.RelatedLocation{{Location: rules.Location{File: "a.yaml", Line: 1}, Message: evil}},
	}
	f.SetFingerprint()
	return &Report{
		Tool: Tool{Name: "specter", Version: evil}, Command: "scan", Catalog: catalog,
		Findings: []rules.Finding{f}, Gate: Gate{FailOn: "high", Reasons: []string{evil}},
		Notes:      []string{evil},
		Operations: []string{"GET /" + evil},
		Sources:    &Sources{Radius: 1, Files: map[string]map[int]string{f.Location.File: {1: evil, 2: evil, 3: evil}}},
		Coverage:   []ScannerCoverage{{Scanner: "fuzz", Operations: []OperationCoverage{{Operation: "GET /" + evil, Reason: evil}}}},
	}
}

// TestHTMLEscapesEverything checks that no text of a report can end the
// script element that holds the data or add an element to the page, and
// that the data still says what the report said.
func TestHTMLEscapesEverything(t *testing.T) {
	page := renderHTML(t, hostileHTMLReport(t))
	lower := bytes.ToLower(page)
	if n := bytes.Count(lower, []byte("</script")); n != 2 {
		t.Errorf("page has %d </script> tags, want 2 (the data's and the script's)", n)
	}
	for _, bad := range []string{"<img", "<svg", "<!--"} {
		if bytes.Contains(lower, []byte(bad)) {
			t.Errorf("page contains %q outside escaped text", bad)
		}
	}
	doc := htmlData(t, page)
	findings := doc["findings"].([]any)
	if len(findings) != 1 {
		t.Fatalf("data has %d findings, want 1", len(findings))
	}
	f := findings[0].(map[string]any)
	if want := "message </script><img src=x onerror=alert(1)><!--"; f["msg"] != want {
		t.Errorf("message round-trips as %q, want %q", f["msg"], want)
	}
	help := doc["rules"].([]any)[0].(map[string]any)["help"].(string)
	for _, bad := range []string{"<img", "<b>", "<script", "<a "} {
		if strings.Contains(help, bad) {
			t.Errorf("rule help keeps markup %q: %s", bad, help)
		}
	}
	if !strings.Contains(help, "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("rule help does not show the text escaped: %s", help)
	}
}

func TestHelpHTML(t *testing.T) {
	tests := []struct {
		name, md, want string
	}{
		{"paragraphs", "One\nline.\n\nTwo.", "<p>One line.</p>\n<p>Two.</p>\n"},
		{"bold and code", "**Why it matters.** Use `a<b>` here.", "<p><strong>Why it matters.</strong> Use <code>a&lt;b&gt;</code> here.</p>\n"},
		{"asterisks inside code stay", "`**x**` and **y**", "<p><code>**x**</code> and <strong>y</strong></p>\n"},
		{"fenced code", "```yaml\nkey: <v>\n  & more\n```", "<pre><code>key: &lt;v&gt;\n  &amp; more</code></pre>\n"},
		{"unclosed fence runs to the end", "```\na\nb", "<pre><code>a\nb</code></pre>\n"},
		{"list", "- one\n* two\n1. three\n\nafter", "<ul>\n<li>one</li>\n<li>two</li>\n<li>three</li>\n</ul>\n<p>after</p>\n"},
		{"heading", "## Fix\ntext", "<h4>Fix</h4>\n<p>text</p>\n"},
		{"indented lines continue a list item", "1. Keep it in a store, or in\n   a local file.\n2. Rotate.", "<ul>\n<li>Keep it in a store, or in a local file.</li>\n<li>Rotate.</li>\n</ul>\n"},
		{"indented code block", "Example:\n\n    Authorization: Bearer <t>\n\n      more\n\nAfter.", "<p>Example:</p>\n<pre><code>Authorization: Bearer &lt;t&gt;\n\n  more</code></pre>\n<p>After.</p>\n"},
		{"near miss: indented without a blank line is text", "Para\n    still para", "<p>Para still para</p>\n"},
		{"a paragraph after a list", "- a\nnot indented", "<ul>\n<li>a</li>\n</ul>\n<p>not indented</p>\n"},
		{"raw html is text", `<a href="javascript:x">l</a>`, "<p>&lt;a href=&#34;javascript:x&#34;&gt;l&lt;/a&gt;</p>\n"},
		{"links are text", "[see](https://example.com)", "<p>[see](https://example.com)</p>\n"},
		{"crlf", "a\r\n\r\nb", "<p>a</p>\n<p>b</p>\n"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := helpHTML(tt.md); got != tt.want {
				t.Errorf("helpHTML(%q)\n got %q\nwant %q", tt.md, got, tt.want)
			}
		})
	}
}

// TestHTMLSurfaceMap checks the map's cells: the worst active finding of
// each scanner on each operation; suppressed findings and findings
// without an operation leave no mark.
func TestHTMLSurfaceMap(t *testing.T) {
	doc, err := buildHTMLDoc(loadReport(t, "full"))
	if err != nil {
		t.Fatal(err)
	}
	m := doc.Map
	cell := func(op, scanner string) string {
		t.Helper()
		i := indexOf(m.Operations, op)
		j := indexOf(m.Scanners, scanner)
		if i < 0 || j < 0 {
			t.Fatalf("map has no row %q or column %q (rows %v, columns %v)", op, scanner, m.Operations, m.Scanners)
		}
		return m.Cells[i][j]
	}
	tests := []struct{ op, scanner, want string }{
		{"GET /users/{id}", "secrets", "critical"},
		{"GET /users/{id}", "lint", ""},
		{"DELETE /users/{id}", "auth", "high"},
		{"GET /users", "lint", "low"},
		{"POST /users", "lint", ""},             // in the surface, no finding
		{"POST /payments", "secrets", ""},       // its only finding is suppressed
		{"DELETE /users/{id}", "inventory", ""}, // covered by the fuzzer only
	}
	for _, tt := range tests {
		if got := cell(tt.op, tt.scanner); got != tt.want {
			t.Errorf("cell %s × %s = %q, want %q", tt.op, tt.scanner, got, tt.want)
		}
	}
	if want := []string{"GET /users", "GET /users/{id}", "DELETE /users/{id}", "POST /users", "POST /payments"}; strings.Join(m.Operations, "|") != strings.Join(want, "|") {
		t.Errorf("rows %v, want the surface's operations in order, then the others sorted: %v", m.Operations, want)
	}
	if got := strings.Join(m.Scanners, ","); got != "secrets,lint,fuzz,inventory,auth,postman" {
		t.Errorf("columns %s, want the four scanners then other rule families", got)
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// TestHTMLHoldsEveryFinding checks that the page's data holds each
// finding of the JSON report, by fingerprint, and its rules once each,
// most severe first.
func TestHTMLHoldsEveryFinding(t *testing.T) {
	for _, fixture := range []string{"full", "inventory", "empty"} {
		t.Run(fixture, func(t *testing.T) {
			var js struct {
				Findings []struct {
					Fingerprint string `json:"fingerprint"`
				} `json:"findings"`
			}
			if err := json.Unmarshal(render(t, renderCase{fixture: fixture, format: "json"}), &js); err != nil {
				t.Fatal(err)
			}
			doc := htmlData(t, render(t, renderCase{fixture: fixture, format: "html"}))
			var got []string
			for _, f := range doc["findings"].([]any) {
				got = append(got, f.(map[string]any)["fp"].(string))
			}
			var want []string
			for _, f := range js.Findings {
				want = append(want, f.Fingerprint)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("html fingerprints %v, JSON report's %v", got, want)
			}
			seen := map[string]bool{}
			last := 5
			for _, r := range doc["rules"].([]any) {
				rule := r.(map[string]any)
				id := rule["id"].(string)
				if seen[id] {
					t.Errorf("rule %s listed twice", id)
				}
				seen[id] = true
				sev, err := rules.ParseSeverity(rule["severity"].(string))
				if err != nil || int(sev) > last {
					t.Errorf("rule %s (%s) is out of severity order", id, rule["severity"])
				}
				last = int(sev)
			}
		})
	}
}

// TestHTMLSelfContained checks that the page names nothing to fetch and
// forbids fetching anything through its content security policy.
func TestHTMLSelfContained(t *testing.T) {
	page := render(t, renderCase{fixture: "full", format: "html"})
	if !bytes.Contains(page, []byte(`content="default-src 'none';`)) {
		t.Error("page has no content security policy forbidding fetches")
	}
	fetches := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:|//)|@import|url\(|fetch\(|XMLHttpRequest`)
	if m := fetches.Find(page); m != nil {
		t.Errorf("page fetches something: %q", m)
	}
}
