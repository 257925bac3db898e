package lint

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/rules"
)

// ruleFolders holds each rule's folder rules/<name>/: its metadata
// (rule.yaml) and help (help.md). The fixtures beside them are read by the
// tests from disk, not embedded.
//
//go:embed rules/*/rule.yaml rules/*/help.md
var ruleFolders embed.FS

// Rules returns the metadata of every lint rule, sorted by id, read once
// from the embedded rule folders. An error means a folder is malformed,
// which TestRulesLoad catches before a release.
func Rules() ([]rules.Rule, error) {
	rs, err := embeddedRules()
	return slices.Clone(rs), err
}

var embeddedRules = sync.OnceValues(func() ([]rules.Rule, error) { return loadRules(ruleFolders, "rules") })

// ruleFile is rule.yaml: every field but cwe is required.
type ruleFile struct {
	ID        string   `yaml:"id"`
	Title     string   `yaml:"title"`
	Severity  string   `yaml:"severity"`
	OWASP     string   `yaml:"owasp"`
	CWE       []string `yaml:"cwe"`
	Precision string   `yaml:"precision"`
}

// The sections of help.md, in order: why it matters, how to fix, and a
// compliant example in a yaml code block that ends the file.
const (
	helpWhy     = "**Why it matters.** "
	helpFix     = "\n\n**How to fix.** "
	helpExample = "\n\n```yaml\n"
	helpEnd     = "\n```"
)

// loadRules reads every folder under dir of fsys as one rule.
func loadRules(fsys fs.FS, dir string) ([]rules.Rule, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("lint rules: %w", err)
	}
	var out []rules.Rule
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		r, err := loadRule(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("lint rule %s: %w", e.Name(), err)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("lint rules: no rule folder in %s", dir)
	}
	return out, nil
}

// loadRule reads rule.yaml and help.md of one rule folder.
func loadRule(fsys fs.FS, dir string) (rules.Rule, error) {
	meta, err := fs.ReadFile(fsys, path.Join(dir, "rule.yaml"))
	if err != nil {
		return rules.Rule{}, err
	}
	var rf ruleFile
	dec := yaml.NewDecoder(bytes.NewReader(meta))
	dec.KnownFields(true)
	if err := dec.Decode(&rf); err != nil {
		return rules.Rule{}, fmt.Errorf("rule.yaml: %w", err)
	}
	r, err := rf.rule(path.Base(dir))
	if err != nil {
		return rules.Rule{}, fmt.Errorf("rule.yaml: %w", err)
	}
	help, err := fs.ReadFile(fsys, path.Join(dir, "help.md"))
	if err != nil {
		return rules.Rule{}, err
	}
	if r.Help, err = parseHelp(string(help)); err != nil {
		return rules.Rule{}, fmt.Errorf("help.md: %w", err)
	}
	return r, nil
}

// rule checks the fields of rule.yaml for the folder name.
func (rf ruleFile) rule(name string) (rules.Rule, error) {
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"id", rf.ID}, {"title", rf.Title}, {"severity", rf.Severity}, {"owasp", rf.OWASP}, {"precision", rf.Precision},
	} {
		if strings.TrimSpace(f.value) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return rules.Rule{}, fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	if rf.ID != "lint/"+name {
		return rules.Rule{}, fmt.Errorf("id %s in the folder %s (want lint/%s)", rf.ID, name, name)
	}
	sev, err := rules.ParseSeverity(rf.Severity)
	if err != nil {
		return rules.Rule{}, err
	}
	if rules.OWASPTitle(rf.OWASP) == "" {
		return rules.Rule{}, fmt.Errorf("unknown OWASP API Top 10 2023 category %q", rf.OWASP)
	}
	prec := rules.Precision(rf.Precision)
	switch prec {
	case rules.PrecisionVeryHigh, rules.PrecisionHigh, rules.PrecisionMedium, rules.PrecisionLow:
	default:
		return rules.Rule{}, fmt.Errorf("unknown precision %q (want very-high, high, medium or low)", rf.Precision)
	}
	for _, cwe := range rf.CWE {
		if !strings.HasPrefix(cwe, "CWE-") {
			return rules.Rule{}, fmt.Errorf("cwe %q is not CWE-<number>", cwe)
		}
	}
	return rules.Rule{ID: rf.ID, Title: rf.Title, Severity: sev, OWASP: rf.OWASP, CWE: rf.CWE, Precision: prec}, nil
}

// parseHelp checks that help.md holds the three sections in order and
// returns it without the file's final newline.
func parseHelp(text string) (string, error) {
	help := strings.TrimSuffix(text, "\n")
	why, rest, ok := strings.Cut(help, helpFix)
	if !ok || !strings.HasPrefix(why, helpWhy) || strings.TrimSpace(strings.TrimPrefix(why, helpWhy)) == "" {
		return "", errors.New(`want "**Why it matters.** …", then "**How to fix.** …", then a yaml example`)
	}
	fix, example, ok := strings.Cut(rest, helpExample)
	if !ok || strings.TrimSpace(fix) == "" || !strings.HasSuffix(example, helpEnd) || strings.TrimSpace(strings.TrimSuffix(example, helpEnd)) == "" {
		return "", errors.New("want a non-empty how to fix, then a compliant example in a ```yaml block that ends the file")
	}
	return help, nil
}
