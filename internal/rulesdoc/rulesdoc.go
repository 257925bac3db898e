// Package rulesdoc renders docs/rules.md from the rule catalog, so the
// reference can never drift from what `specter rules` prints. Regenerate
// with `go generate ./internal/rulesdoc` (which runs
// `go test -run TestRulesDocCurrent -update`).
package rulesdoc

//go:generate go test -run TestRulesDocCurrent -update .

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/specterhq/specter/rules"
)

// familyTitles name the families in the order the page lists them.
var familyTitles = []struct{ family, title string }{
	{"lint", "Lint (`specter lint`)"},
	{"secrets", "Secrets (`specter secrets`)"},
}

// gitleaksHelpPrefix starts the help every gitleaks-pattern rule shares
// (secrets.GitleaksRule); those rules are listed in one table with the shared
// help once instead of 200 identical sections.
const gitleaksHelpPrefix = "A value in the file matches gitleaks'"

// Render writes the markdown reference of every rule in the catalog.
func Render(c *rules.Catalog) []byte {
	var b bytes.Buffer
	b.WriteString("# Rules\n\n")
	b.WriteString("<!-- Generated from the rule catalog by internal/rulesdoc: do not edit. Regenerate with `go generate ./internal/rulesdoc`. -->\n\n")
	fmt.Fprintf(&b, "specter has %d rules. `specter rules` lists them and `specter rules RULE-ID` prints one rule's help. ", c.Len())
	b.WriteString("Severities are the defaults; `.specter.yaml` overrides them (docs/configuration.md). ")
	b.WriteString("Any rule can be suppressed inline with `x-specter-ignore` on the object where it is reported.\n\n")

	byFamily := map[string][]*rules.Rule{}
	for _, r := range c.All() {
		byFamily[r.Family()] = append(byFamily[r.Family()], r)
	}
	listed := map[string]bool{}
	for _, ft := range familyTitles {
		listed[ft.family] = true
		renderFamily(&b, ft.title, byFamily[ft.family])
	}
	for _, r := range c.All() { // families not named above, so none is missed
		if !listed[r.Family()] {
			listed[r.Family()] = true
			renderFamily(&b, "`"+r.Family()+"`", byFamily[r.Family()])
		}
	}
	return b.Bytes()
}

func renderFamily(b *bytes.Buffer, title string, rs []*rules.Rule) {
	if len(rs) == 0 {
		return
	}
	var full, patterns []*rules.Rule
	for _, r := range rs {
		if strings.HasPrefix(r.Help, gitleaksHelpPrefix) {
			patterns = append(patterns, r)
		} else {
			full = append(full, r)
		}
	}
	fmt.Fprintf(b, "## %s\n\n", title)
	if len(full) > 0 {
		b.WriteString("| rule | severity | OWASP API 2023 | CWE | title |\n|---|---|---|---|---|\n")
		for _, r := range full {
			fmt.Fprintf(b, "| [`%s`](#%s) | %s | %s | %s | %s |\n", r.ID, anchor(r.ID), r.Severity, r.OWASP, strings.Join(r.CWE, ", "), escape(r.Title))
		}
		b.WriteString("\n")
		for _, r := range full {
			fmt.Fprintf(b, "### %s\n\n", r.ID)
			fmt.Fprintf(b, "**%s.** Severity `%s`, precision `%s`", escape(r.Title), r.Severity, r.Precision)
			if r.OWASP != "" {
				fmt.Fprintf(b, ", OWASP %s %s", r.OWASP, rules.OWASPTitle(r.OWASP))
			}
			if len(r.CWE) > 0 {
				fmt.Fprintf(b, ", %s", strings.Join(r.CWE, ", "))
			}
			b.WriteString(".\n\n")
			b.WriteString(strings.TrimSpace(r.Help))
			b.WriteString("\n\n")
		}
	}
	if len(patterns) > 0 {
		fmt.Fprintf(b, "### Provider patterns (gitleaks), %d rules\n\n", len(patterns))
		help := patterns[0].Help
		if i := strings.Index(help, "**Why it matters.**"); i >= 0 {
			help = help[i:]
		}
		b.WriteString("Each rule reports a value matching one of gitleaks' default patterns, with OWASP API8:2023 and CWE-798. They share this help:\n\n")
		b.WriteString(strings.TrimSpace(help))
		b.WriteString("\n\n| rule | severity | precision | title |\n|---|---|---|---|\n")
		for _, r := range patterns {
			fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", r.ID, r.Severity, r.Precision, escape(r.Title))
		}
		b.WriteString("\n")
	}
}

// anchor is the GitHub heading anchor of a rule's section.
func anchor(id string) string {
	return strings.NewReplacer("/", "", ".", "").Replace(strings.ToLower(id))
}

func escape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
