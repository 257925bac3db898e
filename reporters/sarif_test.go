package reporters

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
)

// githubLog is the part of a SARIF log GitHub code scanning reads.
type githubLog struct {
	Version string `json:"version"`
	Schema  string `json:"$schema"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name            string `json:"name"`
				Version         string `json:"version"`
				SemanticVersion string `json:"semanticVersion"`
				InformationURI  string `json:"informationUri"`
				Rules           []struct {
					ID               string                 `json:"id"`
					Name             string                 `json:"name"`
					ShortDescription *githubMessage         `json:"shortDescription"`
					FullDescription  *githubMessage         `json:"fullDescription"`
					Help             *githubMessage         `json:"help"`
					Default          struct{ Level string } `json:"defaultConfiguration"`
					Properties       struct {
						SecuritySeverity string   `json:"security-severity"`
						Tags             []string `json:"tags"`
						Precision        string   `json:"precision"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful *bool `json:"executionSuccessful"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string         `json:"ruleId"`
			RuleIndex *int           `json:"ruleIndex"`
			Level     string         `json:"level"`
			Message   *githubMessage `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
						EndLine     int `json:"endLine"`
						EndColumn   int `json:"endColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
			Properties map[string]any `json:"properties"`
		} `json:"results"`
		AutomationDetails struct {
			ID string `json:"id"`
		} `json:"automationDetails"`
		OriginalURIBaseIDs map[string]json.RawMessage `json:"originalUriBaseIds"`
	} `json:"runs"`
}

type githubMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

// TestSARIFGitHubRequirements checks what GitHub code scanning requires
// beyond the schema: non-empty descriptions, help and messages, start
// lines of at least 1, fingerprints, unique rule ids and correct indexes.
func TestSARIFGitHubRequirements(t *testing.T) {
	for _, fixture := range []string{"full", "empty", "inventory"} {
		t.Run(fixture, func(t *testing.T) {
			report := loadReport(t, fixture)
			var log githubLog
			if err := json.Unmarshal(render(t, renderCase{fixture: fixture, format: "sarif"}), &log); err != nil {
				t.Fatal(err)
			}
			if log.Version != "2.1.0" || log.Schema == "" || len(log.Runs) != 1 {
				t.Fatalf("version %q, $schema %q, %d runs; want 2.1.0, a schema, 1 run", log.Version, log.Schema, len(log.Runs))
			}
			run := log.Runs[0]
			d := run.Tool.Driver
			if d.Name != "specter" || d.Version != "1.4.0" || d.SemanticVersion != "1.4.0" || d.InformationURI == "" {
				t.Errorf("driver = %+v", d)
			}
			if run.AutomationDetails.ID != "specter/"+report.Command+"/" {
				t.Errorf("automationDetails.id = %q", run.AutomationDetails.ID)
			}
			if _, ok := run.OriginalURIBaseIDs["%SRCROOT%"]; !ok {
				t.Error("originalUriBaseIds lacks %SRCROOT%")
			}
			if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful == nil || !*run.Invocations[0].ExecutionSuccessful {
				t.Error("want one invocation with executionSuccessful: true")
			}

			index := make(map[string]int)
			for i, rule := range d.Rules {
				if _, dup := index[rule.ID]; dup {
					t.Errorf("rule %s is described twice", rule.ID)
				}
				index[rule.ID] = i
				for what, m := range map[string]*githubMessage{"shortDescription": rule.ShortDescription, "fullDescription": rule.FullDescription, "help": rule.Help} {
					if m == nil || strings.TrimSpace(m.Text) == "" {
						t.Errorf("rule %s has no %s.text", rule.ID, what)
					}
				}
				if rule.Help == nil || rule.Help.Markdown == "" || rule.Name == "" {
					t.Errorf("rule %s lacks help.markdown or a name", rule.ID)
				}
				catalogRule := report.Catalog.Lookup(rule.ID)
				if catalogRule == nil {
					t.Fatalf("rule %s is not in the catalog", rule.ID)
				}
				if rule.Default.Level != sarifLevel(catalogRule.Severity) ||
					rule.Properties.SecuritySeverity != catalogRule.Severity.SecuritySeverity() ||
					rule.Properties.Precision != string(catalogRule.Precision) ||
					len(rule.Properties.Tags) == 0 || len(rule.Properties.Tags) > 20 {
					t.Errorf("rule %s: level %q, security-severity %q, precision %q, tags %v",
						rule.ID, rule.Default.Level, rule.Properties.SecuritySeverity, rule.Properties.Precision, rule.Properties.Tags)
				}
			}

			if len(run.Results) != len(report.Findings) {
				t.Fatalf("%d results for %d findings (suppressed findings stay as results)", len(run.Results), len(report.Findings))
			}
			used := make(map[string]bool)
			for i, res := range run.Results {
				f := report.Findings[i]
				used[res.RuleID] = true
				if res.RuleIndex == nil || *res.RuleIndex != index[res.RuleID] || d.Rules[*res.RuleIndex].ID != res.RuleID {
					t.Errorf("result %d (%s): ruleIndex %v does not point at its rule", i, res.RuleID, res.RuleIndex)
				}
				if res.Message == nil || strings.TrimSpace(res.Message.Text) == "" {
					t.Errorf("result %d has no message", i)
				}
				if res.Level != sarifLevel(f.Severity) {
					t.Errorf("result %d level %q, want %q", i, res.Level, sarifLevel(f.Severity))
				}
				if len(res.Locations) != 1 {
					t.Fatalf("result %d has %d locations, want 1", i, len(res.Locations))
				}
				pl := res.Locations[0].PhysicalLocation
				if pl.ArtifactLocation.URI != f.Location.File || pl.ArtifactLocation.URIBaseID != "%SRCROOT%" {
					t.Errorf("result %d artifact location %+v", i, pl.ArtifactLocation)
				}
				if pl.Region.StartLine < 1 || (f.Location.Line > 0 && pl.Region.StartLine != f.Location.Line) {
					t.Errorf("result %d startLine %d for line %d", i, pl.Region.StartLine, f.Location.Line)
				}
				if pl.Region.StartColumn != f.Location.Column || pl.Region.EndLine != f.Location.EndLine || pl.Region.EndColumn != f.Location.EndColumn {
					t.Errorf("result %d region %+v for location %+v", i, pl.Region, f.Location)
				}
				if res.PartialFingerprints["primaryLocationLineHash"] != f.Fingerprint || f.Fingerprint == "" {
					t.Errorf("result %d primaryLocationLineHash %q, want %q", i, res.PartialFingerprints["primaryLocationLineHash"], f.Fingerprint)
				}
				if f.Location.Pointer != "" && res.Properties["pointer"] != f.Location.Pointer {
					t.Errorf("result %d pointer property %v", i, res.Properties["pointer"])
				}
				if f.Operation != nil && res.Properties["operation"] != f.Operation.Method+" "+f.Operation.Path {
					t.Errorf("result %d operation property %v", i, res.Properties["operation"])
				}
				switch {
				case f.Suppression == nil && len(res.Suppressions) != 0:
					t.Errorf("result %d is not suppressed but has suppressions", i)
				case f.Suppression != nil && (len(res.Suppressions) != 1 ||
					res.Suppressions[0].Kind != string(f.Suppression.Kind) ||
					res.Suppressions[0].Justification != f.Suppression.Reason):
					t.Errorf("result %d suppressions %+v for %+v", i, res.Suppressions, f.Suppression)
				}
			}
			if len(used) != len(d.Rules) {
				t.Errorf("%d rules described for %d rules with results; describe only rules with results", len(d.Rules), len(used))
			}
		})
	}
}

func TestSARIFLevel(t *testing.T) {
	for s, want := range map[rules.Severity]string{
		rules.SeverityCritical: "error", rules.SeverityHigh: "error", rules.SeverityMedium: "warning",
		rules.SeverityLow: "note", rules.SeverityInfo: "note",
	} {
		if got := sarifLevel(s); got != want {
			t.Errorf("sarifLevel(%s) = %s, want %s", s, got, want)
		}
	}
}

func TestArtifactLocation(t *testing.T) {
	for _, tt := range []struct{ file, uri, base string }{
		{"api/openapi.yaml", "api/openapi.yaml", "%SRCROOT%"},
		{"./api/openapi.yaml", "api/openapi.yaml", "%SRCROOT%"},
		{`specs\petstore.json`, "specs/petstore.json", "%SRCROOT%"},
		{"my specs/pet#1.yaml", "my%20specs/pet%231.yaml", "%SRCROOT%"},
		{"c:odd.yaml", "./c:odd.yaml", "%SRCROOT%"},
		{"/tmp/api.yaml", "file:///tmp/api.yaml", ""},
		{`C:\work\api.yaml`, "file:///C:/work/api.yaml", ""},
	} {
		loc := artifactLocation(tt.file)
		base := ""
		if loc.URIBaseId != nil {
			base = *loc.URIBaseId
		}
		if *loc.URI != tt.uri || base != tt.base {
			t.Errorf("artifactLocation(%q) = %q base %q; want %q base %q", tt.file, *loc.URI, base, tt.uri, tt.base)
		}
	}
}

func TestSARIFRegion(t *testing.T) {
	for _, tt := range []struct {
		loc  rules.Location
		want string
	}{
		{rules.Location{Line: 4, Column: 2}, `{"startLine":4,"startColumn":2}`},
		{rules.Location{Line: 4, Column: 2, EndLine: 6, EndColumn: 9}, `{"startLine":4,"startColumn":2,"endLine":6,"endColumn":9}`},
		{rules.Location{Line: 7}, `{"startLine":7}`},
		{rules.Location{}, `{"startLine":1}`},
		{rules.Location{Column: 5}, `{"startLine":1}`},
		{rules.Location{Line: 9, Column: 1, EndLine: 3, EndColumn: 2}, `{"startLine":9,"startColumn":1}`},
	} {
		got, err := json.Marshal(sarifRegion(tt.loc))
		if err != nil || string(got) != tt.want {
			t.Errorf("sarifRegion(%+v) = %s, %v; want %s", tt.loc, got, err, tt.want)
		}
	}
}

func TestRuleName(t *testing.T) {
	for _, tt := range []struct{ id, title, want string }{
		{"secrets/aws", "AWS access key in an example", "AWSAccessKeyInAnExample"},
		{"lint/http", "Server URL uses plain HTTP", "ServerURLUsesPlainHTTP"},
		{"lint/rate", "No 429 response (rate-limit)", "No429ResponseRateLimit"},
		{"lint/x", "élan vital", "ÉlanVital"},
		{"lint/no-letters", "!!!", "NoLetters"},
	} {
		if got := ruleName(&rules.Rule{ID: tt.id, Title: tt.title}); got != tt.want {
			t.Errorf("ruleName(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

func TestFullDescription(t *testing.T) {
	for _, tt := range []struct{ help, want string }{
		{"First line\nstill first.\n\nSecond paragraph.", "First line still first."},
		{"## Heading\n\nBody.", "Title"},
		{"- a list", "Title"},
		{"**Why it matters.** A key in `example` leaks.\n\nMore.", "A key in example leaks."},
		{"**Only a label**", "Title"},
		{strings.Repeat("x", 1100), strings.Repeat("x", 1023) + "…"},
	} {
		if got := fullDescription(&rules.Rule{Title: "Title", Help: tt.help}); got != tt.want {
			t.Errorf("fullDescription(%.20q) = %.40q, want %.40q", tt.help, got, tt.want)
		}
	}
}

func TestSARIFNeedsToolAndCommand(t *testing.T) {
	for name, edit := range map[string]func(*Report){
		"no tool":    func(r *Report) { r.Tool.Name = "" },
		"no command": func(r *Report) { r.Command = "" },
	} {
		r := loadReport(t, "empty")
		edit(r)
		if err := (&SARIF{}).Render(&strings.Builder{}, r); err == nil {
			t.Errorf("%s: Render succeeded", name)
		}
	}
}

func TestSemanticVersion(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"1.4.0", "1.4.0", true},
		{"v1.4.0", "1.4.0", true},
		{"1.4.0-rc.1+build.5", "1.4.0-rc.1+build.5", true},
		{"dev", "", false},
		{"(devel)", "", false},
		{"1.4", "", false},
		{"01.4.0", "", false},
	} {
		got, ok := semanticVersion(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("semanticVersion(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
