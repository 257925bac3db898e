package reporters

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/specterhq/specter/rules"
)

// SARIF renders a SARIF 2.1.0 log with one run, shaped for GitHub code
// scanning.
type SARIF struct{}

// srcRoot is the uriBaseId relative artifact locations are resolved against.
const srcRoot = "%SRCROOT%"

// GitHub code-scanning limits the reporter respects.
const (
	maxDescriptionRunes = 1024 // shortDescription and fullDescription
	maxTags             = 20
)

// Render writes the report as SARIF.
func (*SARIF) Render(w io.Writer, r *Report) error {
	log, err := buildSARIF(r)
	if err != nil {
		return fmt.Errorf("build SARIF report: %w", err)
	}
	raw, err := json.Marshal(log)
	if err != nil {
		return fmt.Errorf("encode SARIF report: %w", err)
	}
	// go-sarif writes some optional properties (suppression status,
	// location, guid, justification) as null when unset, which the SARIF
	// schema, and so GitHub's upload validation, rejects. Absent means the
	// same as unset in SARIF, so drop them.
	raw, err = dropNullMembers(raw)
	if err != nil {
		return fmt.Errorf("encode SARIF report: %w", err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return fmt.Errorf("encode SARIF report: %w", err)
	}
	out.WriteByte('\n')
	if _, err := out.WriteTo(w); err != nil {
		return fmt.Errorf("write SARIF report: %w", err)
	}
	return nil
}

func buildSARIF(r *Report) (*sarif.Report, error) {
	if r.Tool.Name == "" {
		return nil, fmt.Errorf("report names no tool")
	}
	if r.Command == "" {
		return nil, fmt.Errorf("report names no command (needed for automationDetails.id)")
	}
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return nil, fmt.Errorf("start SARIF log: %w", err)
	}
	driver := sarif.NewDriver(r.Tool.Name)
	if r.Tool.Version != "" {
		driver.WithVersion(r.Tool.Version)
		if sv, ok := semanticVersion(r.Tool.Version); ok {
			driver.WithSemanticVersion(sv)
		}
	}
	if r.Tool.InformationURI != "" {
		driver.WithInformationURI(r.Tool.InformationURI)
	}
	run := sarif.NewRun(sarif.Tool{Driver: driver})
	run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID(r.Tool.Name + "/" + r.Command + "/"))
	run.WithOriginalUriBaseIds(map[string]*sarif.ArtifactLocation{srcRoot: sourceRootLocation(r.SourceRoot)})
	inv := run.AddInvocation(true)
	for _, n := range r.Notes {
		inv.AddTToolExecutionNotification(sarif.NewNotification().WithLevel("note").WithTextMessage(n))
	}

	ruleIndex, err := addRuleDescriptors(run, r)
	if err != nil {
		return nil, err
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		rule, err := r.ruleOf(f)
		if err != nil {
			return nil, err
		}
		run.Results = append(run.Results, sarifResult(f, rule, ruleIndex[f.RuleID]))
	}
	log.AddRun(run)
	return log, nil
}

// semanticVersion returns the version in Semantic Versioning form ("v1.4.0"
// becomes "1.4.0"); ok is false for versions such as "dev" that are not.
func semanticVersion(v string) (string, bool) {
	v = strings.TrimPrefix(v, "v")
	core, _, _ := strings.Cut(v, "+")
	core, _, _ = strings.Cut(core, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return "", false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" || (len(p) > 1 && p[0] == '0') {
			return "", false
		}
	}
	return v, true
}

// addRuleDescriptors describes each rule that has a result, sorted by id,
// and returns each rule's index in the driver's rule list.
func addRuleDescriptors(run *sarif.Run, r *Report) (map[string]int, error) {
	var used []*rules.Rule
	index := make(map[string]int)
	for i := range r.Findings {
		rule, err := r.ruleOf(&r.Findings[i])
		if err != nil {
			return nil, err
		}
		if _, seen := index[rule.ID]; !seen {
			index[rule.ID] = -1
			used = append(used, rule)
		}
	}
	sort.Slice(used, func(i, j int) bool { return used[i].ID < used[j].ID })
	for i, rule := range used {
		index[rule.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, ruleDescriptor(rule))
	}
	return index, nil
}

func ruleDescriptor(rule *rules.Rule) *sarif.ReportingDescriptor {
	tags := rule.Tags()
	if len(tags) > maxTags {
		tags = tags[:maxTags]
	}
	return sarif.NewRule(rule.ID).
		WithName(ruleName(rule)).
		WithShortDescription(sarif.NewMultiformatMessageString(truncateRunes(rule.Title, maxDescriptionRunes))).
		WithFullDescription(sarif.NewMultiformatMessageString(fullDescription(rule))).
		WithHelp(sarif.NewMultiformatMessageString(helpText(rule)).WithMarkdown(helpMarkdown(rule))).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(rule.Severity))).
		WithProperties(sarif.Properties{
			"security-severity": rule.Severity.SecuritySeverity(),
			"tags":              tags,
			"precision":         string(rule.Precision),
		})
}

func sarifResult(f *rules.Finding, rule *rules.Rule, ruleIndex int) *sarif.Result {
	message := f.Message
	if strings.TrimSpace(message) == "" {
		// GitHub rejects empty messages; the rule's title is the best
		// description of a finding whose scanner gave none.
		message = rule.Title
	}
	res := sarif.NewRuleResult(f.RuleID).
		WithRuleIndex(ruleIndex).
		WithLevel(sarifLevel(f.Severity)).
		WithMessage(sarif.NewTextMessage(message)).
		WithPartialFingerPrints(map[string]interface{}{"primaryLocationLineHash": fingerprintOf(*f)})
	if f.Location.File != "" {
		res.AddLocation(sarif.NewLocationWithPhysicalLocation(
			sarif.NewPhysicalLocation().
				WithArtifactLocation(artifactLocation(f.Location.File)).
				WithRegion(sarifRegion(f.Location))))
	}
	props := sarif.Properties{}
	if f.Location.Pointer != "" {
		props["pointer"] = f.Location.Pointer
	}
	if op := f.Operation; op != nil {
		props["operation"] = strings.TrimSpace(op.Method + " " + op.Path)
		if op.OperationID != "" {
			props["operationId"] = op.OperationID
		}
	}
	if len(props) > 0 {
		res.Properties = props
	}
	if s := f.Suppression; s != nil {
		sup := sarif.NewSuppression(string(s.Kind)).WithStatus("accepted")
		if s.Reason != "" {
			sup.WithJustifcation(s.Reason)
		}
		if s.Source != "" {
			sup.Properties = sarif.Properties{"source": s.Source}
		}
		res.WithSuppression([]*sarif.Suppression{sup})
	}
	return res
}

// sarifRegion maps a location to a region. SARIF lines are 1-based and
// GitHub requires a start line, so an unknown line becomes line 1.
func sarifRegion(loc rules.Location) *sarif.Region {
	region := sarif.NewRegion().WithStartLine(max(loc.Line, 1))
	if loc.Line > 0 && loc.Column > 0 {
		region.WithStartColumn(loc.Column)
	}
	if loc.EndLine >= loc.Line && loc.EndLine > 0 {
		region.WithEndLine(loc.EndLine)
		if loc.EndColumn > 0 {
			region.WithEndColumn(loc.EndColumn)
		}
	}
	return region
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s rules.Severity) string {
	switch {
	case s >= rules.SeverityHigh:
		return "error"
	case s == rules.SeverityMedium:
		return "warning"
	default:
		return "note"
	}
}

// artifactLocation turns a report path into a SARIF artifact location:
// relative paths become URI references against %SRCROOT%, absolute ones
// file URIs.
func artifactLocation(file string) *sarif.ArtifactLocation {
	p := strings.ReplaceAll(file, `\`, "/")
	if isAbsolutePath(p) {
		return sarif.NewSimpleArtifactLocation(fileURI(p))
	}
	p = strings.TrimPrefix(p, "./")
	return sarif.NewSimpleArtifactLocation(relativeURI(p)).WithUriBaseId(srcRoot)
}

// sourceRootLocation describes %SRCROOT%: a file URI of the root when the
// report knows it, a description otherwise.
func sourceRootLocation(root string) *sarif.ArtifactLocation {
	if root == "" {
		return sarif.NewArtifactLocation().WithDescriptionText("The directory the scan ran in; finding paths are relative to it.")
	}
	uri := fileURI(strings.ReplaceAll(root, `\`, "/"))
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return sarif.NewSimpleArtifactLocation(uri)
}

func isAbsolutePath(p string) bool {
	return strings.HasPrefix(p, "/") || hasDriveLetter(p)
}

// hasDriveLetter reports a Windows path such as C:/specs/api.yaml.
func hasDriveLetter(p string) bool {
	return len(p) >= 3 && p[1] == ':' && p[2] == '/' &&
		(('a' <= p[0] && p[0] <= 'z') || ('A' <= p[0] && p[0] <= 'Z'))
}

func fileURI(p string) string {
	if hasDriveLetter(p) {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// relativeURI percent-encodes a relative slash path as a URI reference.
// A first segment holding a colon gets "./" so it is not read as a scheme.
func relativeURI(p string) string {
	return (&url.URL{Path: p}).String()
}

// ruleName is the rule's title in PascalCase ("AWS access key in an
// example" → "AWSAccessKeyInAnExample"), or its id's name when the title
// has no letters or digits.
func ruleName(rule *rules.Rule) string {
	if name := pascalCase(rule.Title); name != "" {
		return name
	}
	_, name, _ := strings.Cut(rule.ID, "/")
	return pascalCase(name)
}

func pascalCase(s string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		first, size := utf8.DecodeRuneInString(word)
		b.WriteRune(unicode.ToUpper(first))
		b.WriteString(word[size:])
	}
	return b.String()
}

// fullDescription is the first paragraph of the rule's help, whitespace
// folded, or the title when the help starts with something else than
// prose (a heading, a list, code).
func fullDescription(rule *rules.Rule) string {
	para, _, _ := strings.Cut(strings.TrimSpace(strings.ReplaceAll(rule.Help, "\r\n", "\n")), "\n\n")
	para = strings.Join(strings.Fields(para), " ")
	// A leading bold label ("**Why it matters.** ...") is a heading in
	// disguise; the plain-text description starts after it.
	if rest, ok := strings.CutPrefix(para, "**"); ok {
		if _, after, found := strings.Cut(rest, "**"); found {
			para = strings.TrimSpace(after)
		}
	}
	para = strings.NewReplacer("**", "", "`", "").Replace(para)
	if para == "" || strings.ContainsAny(para[:1], "#-*>|") {
		para = rule.Title
	}
	return truncateRunes(para, maxDescriptionRunes)
}

// references lists the OWASP category and CWEs of a rule as (label, URL).
func references(rule *rules.Rule) [][2]string {
	var refs [][2]string
	if title := rules.OWASPTitle(rule.OWASP); title != "" {
		num, _, _ := strings.Cut(strings.TrimPrefix(rule.OWASP, "API"), ":")
		if n, err := strconv.Atoi(num); err == nil {
			page := fmt.Sprintf("0xa%x-%s", n, strings.ToLower(strings.ReplaceAll(title, " ", "-")))
			refs = append(refs, [2]string{
				"OWASP " + rule.OWASP + " " + title,
				"https://owasp.org/API-Security/editions/2023/en/" + page + "/",
			})
		}
	}
	for _, cwe := range rule.CWE {
		num := strings.TrimPrefix(strings.ToUpper(cwe), "CWE-")
		refs = append(refs, [2]string{cwe, "https://cwe.mitre.org/data/definitions/" + num + ".html"})
	}
	return refs
}

func helpText(rule *rules.Rule) string {
	text := strings.TrimSpace(rule.Help)
	refs := references(rule)
	if len(refs) > 0 {
		text += "\n\nReferences:"
		for _, ref := range refs {
			text += "\n" + ref[0] + ": " + ref[1]
		}
	}
	return text
}

func helpMarkdown(rule *rules.Rule) string {
	md := strings.TrimSpace(rule.Help)
	refs := references(rule)
	if len(refs) > 0 {
		md += "\n\n**References**\n"
		for _, ref := range refs {
			md += "\n- [" + ref[0] + "](" + ref[1] + ")"
		}
	}
	return md
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}

// dropNullMembers re-encodes a JSON document without the object members
// whose value is null, keeping member order and every other value as is.
func dropNullMembers(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var out bytes.Buffer
	if err := copyWithoutNulls(dec, &out); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the JSON document")
	}
	return out.Bytes(), nil
}

func copyWithoutNulls(dec *json.Decoder, out *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	return copyValue(dec, out, tok)
}

func copyValue(dec *json.Decoder, out *bytes.Buffer, tok json.Token) error {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return copyObject(dec, out)
		case '[':
			return copyArray(dec, out)
		}
		return fmt.Errorf("unexpected %q", t)
	case json.Number:
		out.WriteString(t.String())
		return nil
	default:
		return writeScalar(out, t)
	}
}

func copyObject(dec *json.Decoder, out *bytes.Buffer) error {
	out.WriteByte('{')
	first := true
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return err
		}
		valTok, err := dec.Token()
		if err != nil {
			return err
		}
		if valTok == nil {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		if err := writeScalar(out, keyTok); err != nil {
			return err
		}
		out.WriteByte(':')
		if err := copyValue(dec, out, valTok); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return err
	}
	out.WriteByte('}')
	return nil
}

func copyArray(dec *json.Decoder, out *bytes.Buffer) error {
	out.WriteByte('[')
	first := true
	for dec.More() {
		if !first {
			out.WriteByte(',')
		}
		first = false
		if err := copyWithoutNulls(dec, out); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return err
	}
	out.WriteByte(']')
	return nil
}

// writeScalar encodes a string, boolean or null token without HTML
// escaping, so markdown such as "<id>" stays readable.
func writeScalar(out *bytes.Buffer, v json.Token) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	return nil
}
