package lint

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners/lint/engine"
)

// mustRules is Rules() for tests.
func mustRules(t testing.TB) []rules.Rule {
	t.Helper()
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestRulesLoad: every folder under rules/ is a rule whose rule.yaml and
// help.md are embedded and valid, and the rules form a catalog.
func TestRulesLoad(t *testing.T) {
	rs := mustRules(t)
	entries, err := os.ReadDir("rules")
	if err != nil {
		t.Fatal(err)
	}
	loaded := map[string]bool{}
	for _, r := range rs {
		loaded[strings.TrimPrefix(r.ID, "lint/")] = true
	}
	folders := 0
	for _, e := range entries {
		if !e.IsDir() {
			t.Errorf("rules/%s: only rule folders belong in rules/", e.Name())
			continue
		}
		folders++
		if !loaded[e.Name()] {
			t.Errorf("rules/%s: a folder without rule.yaml or help.md", e.Name())
		}
	}
	if folders != len(rs) {
		t.Errorf("%d rule folders, %d rules loaded", folders, len(rs))
	}
	if _, err := rules.NewCatalog(rs...); err != nil {
		t.Fatal(err)
	}
	rs[0].ID = "changed"
	if again := mustRules(t); again[0].ID == "changed" {
		t.Error("Rules returned its cached slice, not a copy")
	}
}

const (
	goodMeta = "id: lint/some-rule\ntitle: Some rule\nseverity: medium\nowasp: API8:2023\ncwe: [CWE-16]\nprecision: high\n"
	goodHelp = "**Why it matters.** Because.\n\n**How to fix.** Fix it.\n\n```yaml\nopenapi: 3.1.0\n```\n"
)

func TestLoadRules(t *testing.T) {
	for _, tt := range []struct {
		name       string
		meta, help string
		noMeta     bool
		noHelp     bool
		err        string
	}{
		{name: "ok", meta: goodMeta, help: goodHelp},
		{name: "no cwe", meta: strings.Replace(goodMeta, "cwe: [CWE-16]\n", "", 1), help: goodHelp},
		{name: "unknown field", meta: goodMeta + "family: auth\n", help: goodHelp, err: "field family not found"},
		{name: "missing title", meta: strings.Replace(goodMeta, "title: Some rule\n", "", 1), help: goodHelp, err: "missing title"},
		{name: "missing owasp and precision", meta: strings.NewReplacer("owasp: API8:2023\n", "", "precision: high\n", "").Replace(goodMeta), help: goodHelp, err: "missing owasp, precision"},
		{name: "id of another folder", meta: strings.Replace(goodMeta, "lint/some-rule", "lint/other-rule", 1), help: goodHelp, err: "want lint/some-rule"},
		{name: "bad severity", meta: strings.Replace(goodMeta, "medium", "severe", 1), help: goodHelp, err: `unknown severity "severe"`},
		{name: "bad precision", meta: strings.Replace(goodMeta, "precision: high", "precision: exact", 1), help: goodHelp, err: `unknown precision "exact"`},
		{name: "bad owasp", meta: strings.Replace(goodMeta, "API8:2023", "API11:2023", 1), help: goodHelp, err: "unknown OWASP"},
		{name: "bad cwe", meta: strings.Replace(goodMeta, "CWE-16", "16", 1), help: goodHelp, err: `cwe "16"`},
		{name: "not yaml", meta: "id: [", help: goodHelp, err: "rule.yaml"},
		{name: "no rule.yaml", noMeta: true, help: goodHelp, err: "rule.yaml"},
		{name: "no help.md", meta: goodMeta, noHelp: true, err: "help.md"},
		{name: "help without why", meta: goodMeta, help: strings.TrimPrefix(goodHelp, "**Why it matters.** "), err: "help.md: want"},
		{name: "help without fix", meta: goodMeta, help: strings.Replace(goodHelp, "**How to fix.**", "**Fix.**", 1), err: "help.md: want"},
		{name: "help without example", meta: goodMeta, help: strings.Replace(goodHelp, "```yaml\nopenapi: 3.1.0\n```\n", "none\n", 1), err: "help.md: want"},
		{name: "help with an empty example", meta: goodMeta, help: strings.Replace(goodHelp, "openapi: 3.1.0\n", "", 1), err: "help.md: want"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"rules/some-rule/trigger.yaml": {Data: []byte("openapi: 3.1.0\n")}}
			if !tt.noMeta {
				fsys["rules/some-rule/rule.yaml"] = &fstest.MapFile{Data: []byte(tt.meta)}
			}
			if !tt.noHelp {
				fsys["rules/some-rule/help.md"] = &fstest.MapFile{Data: []byte(tt.help)}
			}
			got, err := loadRules(fsys, "rules")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "some-rule") {
					t.Fatalf("loadRules error = %v, want one naming some-rule and %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := rules.Rule{ID: "lint/some-rule", Title: "Some rule", Severity: rules.SeverityMedium, OWASP: "API8:2023", CWE: []string{"CWE-16"}, Precision: rules.PrecisionHigh,
				Help: strings.TrimSuffix(goodHelp, "\n")}
			if !strings.Contains(tt.meta, "cwe:") {
				want.CWE = nil
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
				t.Errorf("loadRules = %+v, want %+v", got, want)
			}
		})
	}
	if _, err := loadRules(fstest.MapFS{}, "rules"); err == nil {
		t.Error("an empty rule tree was accepted")
	}
}

// TestExposureFamiliesSeverity holds the data exposure, resource limits,
// transport, SSRF, authorization hints, governance and Postman families to
// the catalog's standard: high or critical only where the configuration is
// exploitable as written.
func TestExposureFamiliesSeverity(t *testing.T) {
	exploitable := map[string]bool{
		"lint/classified-data-public-response": true, "lint/card-verification-in-response": true,
		"lint/credential-like-example": true, "lint/cors-wildcard-with-credentials": true,
		"lint/admin-path-public": true, "lint/postman-credentials-over-http": true,
		"lint/postman-http-token-url": true,
	}
	byID := map[string]rules.Rule{}
	for _, r := range mustRules(t) {
		byID[r.ID] = r
	}
	for _, family := range [][]engine.Check{dataExposureChecks(), resourceLimitChecks(), transportChecks(), ssrfChecks(), authorizationHintChecks(), governanceChecks(), postmanChecks()} {
		for _, c := range family {
			r, ok := byID[c.Rule]
			if !ok {
				t.Errorf("%s: no rule folder", c.Rule)
				continue
			}
			if high := r.Severity >= rules.SeverityHigh; high != exploitable[r.ID] {
				t.Errorf("%s: severity %s, exploitable=%v", r.ID, r.Severity, exploitable[r.ID])
			}
		}
	}
}
