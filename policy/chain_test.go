package policy

import (
	"reflect"
	"strings"
	"testing"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

func mustConfig(t *testing.T, yaml string) *config.Config {
	t.Helper()
	cfg, err := config.ParseConfig([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// describeFindings renders what a test compares: rule, file, pointer,
// severity and suppression source.
func describeFindings(fs []rules.Finding) string {
	var parts []string
	for _, f := range fs {
		s := f.RuleID + "@" + f.Location.File + "#" + f.Location.Pointer + ":" + f.Severity.String()
		if f.Suppression != nil {
			s += "[" + string(f.Suppression.Kind) + "/" + f.Suppression.Source + "/" + f.Suppression.Reason + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestApplySteps(t *testing.T) {
	key := finding("secrets/generic-api-key", rules.SeverityHigh, "api.yaml", 5, "/paths/~1a/get", "k")
	header := finding("secrets/credential-header", rules.SeverityHigh, "api.yaml", 6, "/paths/~1ab/get", "h")
	auth := finding("lint/missing-auth", rules.SeverityMedium, "api.yaml", 7, "/paths/~1a/get/security", "")
	fixtureKey := finding("secrets/generic-api-key", rules.SeverityHigh, "testdata/keys.yaml", 1, "/token", "t")
	all := []rules.Finding{key, header, auth, fixtureKey}
	baseline := &Baseline{Entries: []BaselineEntry{{Fingerprint: header.Fingerprint}}}

	for _, tt := range []struct {
		name      string
		in        Inputs
		want      string
		disabled  int
		excluded  int
		baselined int
	}{
		{
			name: "no policy",
			want: "secrets/generic-api-key@api.yaml#/paths/~1a/get:high secrets/credential-header@api.yaml#/paths/~1ab/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium secrets/generic-api-key@testdata/keys.yaml#/token:high",
		},
		{
			name:     "rule off",
			in:       Inputs{Config: mustConfig(t, "version: 1\nrules:\n  secrets/generic-api-key: off\n")},
			want:     "secrets/credential-header@api.yaml#/paths/~1ab/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium",
			disabled: 2,
		},
		{
			name: "rule explicitly on",
			in:   Inputs{Config: mustConfig(t, "version: 1\nrules:\n  secrets/*: off\n  secrets/generic-api-key: on\n")},
			want: "secrets/generic-api-key@api.yaml#/paths/~1a/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium secrets/generic-api-key@testdata/keys.yaml#/token:high", disabled: 1,
		},
		{
			name: "severity override",
			in:   Inputs{Config: mustConfig(t, "version: 1\nrules:\n  lint/*: {severity: low}\n  secrets/credential-header: {severity: critical}\n")},
			want: "secrets/generic-api-key@api.yaml#/paths/~1a/get:high secrets/credential-header@api.yaml#/paths/~1ab/get:critical lint/missing-auth@api.yaml#/paths/~1a/get/security:low secrets/generic-api-key@testdata/keys.yaml#/token:high",
		},
		{
			name:     "path excluded",
			in:       Inputs{Config: mustConfig(t, "version: 1\nexclude: [\"testdata/**\"]\n")},
			want:     "secrets/generic-api-key@api.yaml#/paths/~1a/get:high secrets/credential-header@api.yaml#/paths/~1ab/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium",
			excluded: 1,
		},
		{
			name: "exclude that matches nothing",
			in:   Inputs{Config: mustConfig(t, "version: 1\nexclude: [\"**/generated/**\", \"*.json\"]\n")},
			want: "secrets/generic-api-key@api.yaml#/paths/~1a/get:high secrets/credential-header@api.yaml#/paths/~1ab/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium secrets/generic-api-key@testdata/keys.yaml#/token:high",
		},
		{
			name: "inline ignore covers the pointer and below, not siblings",
			in:   Inputs{Ignores: []surface.InlineIgnore{{File: "api.yaml", Pointer: "/paths/~1a", Rules: []string{"*"}, Reason: "demo"}}},
			want: "secrets/generic-api-key@api.yaml#/paths/~1a/get:high[inSource/x-specter-ignore/demo] secrets/credential-header@api.yaml#/paths/~1ab/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium[inSource/x-specter-ignore/demo] secrets/generic-api-key@testdata/keys.yaml#/token:high",
		},
		{
			name: "inline ignore by family and exact id",
			in: Inputs{Ignores: []surface.InlineIgnore{
				{File: "api.yaml", Pointer: "/paths/~1a/get", Rules: []string{"lint/*"}},
				{File: "api.yaml", Pointer: "", Rules: []string{"secrets/credential-header"}, Reason: "whole file"},
			}},
			want: "secrets/generic-api-key@api.yaml#/paths/~1a/get:high secrets/credential-header@api.yaml#/paths/~1ab/get:high[inSource/x-specter-ignore/whole file] lint/missing-auth@api.yaml#/paths/~1a/get/security:medium[inSource/x-specter-ignore/] secrets/generic-api-key@testdata/keys.yaml#/token:high",
		},
		{
			name: "inline ignore in another file or for another rule",
			in: Inputs{Ignores: []surface.InlineIgnore{
				{File: "other.yaml", Pointer: "", Rules: []string{"*"}},
				{File: "api.yaml", Pointer: "/paths/~1a", Rules: []string{"lint/other", "fuzz/*"}},
			}},
			want: "secrets/generic-api-key@api.yaml#/paths/~1a/get:high secrets/credential-header@api.yaml#/paths/~1ab/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium secrets/generic-api-key@testdata/keys.yaml#/token:high",
		},
		{
			name: "config ignore by path, pointer and fingerprint",
			in: Inputs{Config: mustConfig(t, `version: 1
ignore:
  - rule: secrets/*
    path: "testdata/**"
    reason: fake keys
  - rule: lint/missing-auth
    pointer: /paths/~1a
    reason: public
  - fingerprint: `+header.Fingerprint+`
    reason: accepted
`)},
			want: "secrets/generic-api-key@api.yaml#/paths/~1a/get:high secrets/credential-header@api.yaml#/paths/~1ab/get:high[external/config/accepted] lint/missing-auth@api.yaml#/paths/~1a/get/security:medium[external/config/public] secrets/generic-api-key@testdata/keys.yaml#/token:high[external/config/fake keys]",
		},
		{
			name: "config ignore that must not apply",
			in: Inputs{Config: mustConfig(t, `version: 1
ignore:
  - rule: secrets/*
    path: "src/**"
    reason: wrong path
  - rule: lint/missing-auth
    pointer: /paths/~1ab
    reason: sibling pointer
  - rule: lint/*
    fingerprint: `+header.Fingerprint+`
    reason: fingerprint of another rule
`)},
			want: "secrets/generic-api-key@api.yaml#/paths/~1a/get:high secrets/credential-header@api.yaml#/paths/~1ab/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium secrets/generic-api-key@testdata/keys.yaml#/token:high",
		},
		{
			name: "inline suppression wins over config",
			in: Inputs{
				Config:  mustConfig(t, "version: 1\nignore:\n  - rule: lint/*\n    reason: from config\n"),
				Ignores: []surface.InlineIgnore{{File: "api.yaml", Pointer: "/paths", Rules: []string{"lint/missing-auth"}, Reason: "inline"}},
			},
			want: "secrets/generic-api-key@api.yaml#/paths/~1a/get:high secrets/credential-header@api.yaml#/paths/~1ab/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium[inSource/x-specter-ignore/inline] secrets/generic-api-key@testdata/keys.yaml#/token:high",
		},
		{
			name:      "baseline drops listed fingerprints",
			in:        Inputs{Baseline: baseline},
			want:      "secrets/generic-api-key@api.yaml#/paths/~1a/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium secrets/generic-api-key@testdata/keys.yaml#/token:high",
			baselined: 1,
		},
		{
			name: "baseline of other findings",
			in:   Inputs{Baseline: &Baseline{Entries: []BaselineEntry{{Fingerprint: "0123456789abcdef0123456789abcdef"}}}},
			want: "secrets/generic-api-key@api.yaml#/paths/~1a/get:high secrets/credential-header@api.yaml#/paths/~1ab/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium secrets/generic-api-key@testdata/keys.yaml#/token:high",
		},
		{
			name:     "disabled before baseline",
			in:       Inputs{Config: mustConfig(t, "version: 1\nrules:\n  secrets/credential-header: off\n"), Baseline: baseline},
			want:     "secrets/generic-api-key@api.yaml#/paths/~1a/get:high lint/missing-auth@api.yaml#/paths/~1a/get/security:medium secrets/generic-api-key@testdata/keys.yaml#/token:high",
			disabled: 1,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := Apply(all, tt.in)
			if got := describeFindings(res.Findings); got != tt.want {
				t.Errorf("findings\n got: %s\nwant: %s", got, tt.want)
			}
			disabled, excluded := res.Count(StepRuleSettings).Dropped, res.Count(StepPathExcludes).Dropped
			if disabled != tt.disabled || excluded != tt.excluded || res.Baselined() != tt.baselined {
				t.Errorf("counts disabled=%d excluded=%d baselined=%d, want %d %d %d", disabled, excluded, res.Baselined(), tt.disabled, tt.excluded, tt.baselined)
			}
		})
	}
}

func TestApplySorts(t *testing.T) {
	in := []rules.Finding{
		finding("lint/b", rules.SeverityLow, "b.yaml", 1, "/x", ""),
		finding("lint/b", rules.SeverityLow, "a.yaml", 10, "/x", ""),
		finding("lint/b", rules.SeverityLow, "a.yaml", 2, "/y", ""),
		finding("lint/a", rules.SeverityLow, "a.yaml", 2, "/z", ""),
	}
	in[2].Location.Column = 9
	in[3].Location.Column = 9
	var got []string
	for _, f := range Apply(in, Inputs{}).Findings {
		got = append(got, f.Location.File+":"+f.RuleID+f.Location.Pointer)
	}
	want := "a.yaml:lint/a/z a.yaml:lint/b/y a.yaml:lint/b/x b.yaml:lint/b/x"
	if strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
}

func TestApplyDoesNotMutateInput(t *testing.T) {
	in := []rules.Finding{
		finding("lint/b", rules.SeverityLow, "b.yaml", 1, "/x", ""),
		finding("lint/a", rules.SeverityLow, "a.yaml", 1, "/x", ""),
	}
	in[1].Suppression = &rules.Suppression{Kind: rules.SuppressedExternal, Source: "scanner"}
	before := make([]rules.Finding, len(in))
	copy(before, in)
	sup := *in[1].Suppression
	cfg := mustConfig(t, "version: 1\nrules:\n  lint/*: {severity: critical}\nignore:\n  - rule: '*'\n    reason: all\n")
	res := Apply(in, Inputs{Config: cfg})
	if !reflect.DeepEqual(in, before) || *in[1].Suppression != sup {
		t.Errorf("Apply changed its input: %+v", in)
	}
	if res.Findings[0].Suppression == in[1].Suppression {
		t.Error("result shares a suppression with the input")
	}
	if res.Findings[0].Suppression.Source != "scanner" || res.Findings[1].Suppression.Source != SourceConfig {
		t.Errorf("suppressions %+v %+v", res.Findings[0].Suppression, res.Findings[1].Suppression)
	}
}

// TestChainCounts: every step is counted in chain order, each finding
// counted by the first step that drops it; a finding a step drops never
// reaches the later steps.
func TestChainCounts(t *testing.T) {
	off := finding("lint/off", rules.SeverityLow, "api.yaml", 1, "/a", "")
	rerated := finding("lint/missing-auth", rules.SeverityMedium, "api.yaml", 2, "/b", "")
	excluded := finding("lint/missing-auth", rules.SeverityMedium, "gen/api.yaml", 3, "/c", "")
	inline := finding("lint/missing-auth", rules.SeverityMedium, "api.yaml", 4, "/paths/~1x", "")
	ignored := finding("secrets/generic-api-key", rules.SeverityHigh, "api.yaml", 5, "/d", "k")
	baselined := finding("lint/http-server", rules.SeverityLow, "api.yaml", 6, "/e", "")
	earlier := finding("lint/http-server", rules.SeverityLow, "api.yaml", 7, "/f", "")
	kept := finding("lint/http-server", rules.SeverityLow, "api.yaml", 8, "/g", "")
	cfg := mustConfig(t, "version: 1\nexclude: [gen/**]\nrules:\n  lint/off: off\n  lint/missing-auth: {severity: high}\nignore:\n  - rule: secrets/*\n    reason: fixture\n")
	in := Inputs{
		Config:   cfg,
		Ignores:  []surface.InlineIgnore{{File: "api.yaml", Pointer: "/paths/~1x", Rules: []string{"lint/*"}, Reason: "r"}},
		Baseline: &Baseline{Entries: []BaselineEntry{{Fingerprint: baselined.Fingerprint}}},
		Earlier:  &Baseline{Entries: []BaselineEntry{{Fingerprint: earlier.Fingerprint}, {Fingerprint: off.Fingerprint}}},
	}
	res := Apply([]rules.Finding{kept, earlier, baselined, ignored, inline, excluded, rerated, off, kept}, in)
	want := []StepCount{
		{Step: StepRuleSettings, Dropped: 1, Changed: 3}, // off dropped; rerated, excluded, inline re-rated
		{Step: StepPathExcludes, Dropped: 1},
		{Step: StepInlineIgnores, Changed: 1},
		{Step: StepConfigIgnores, Changed: 1},
		{Step: StepBaseline, Dropped: 1},
		{Step: StepNewFromRev, Dropped: 1},
		{Step: StepDedupe, Dropped: 1},
		{Step: StepSort},
	}
	if !reflect.DeepEqual(res.Steps, want) {
		t.Errorf("steps\n got %+v\nwant %+v", res.Steps, want)
	}
	if res.Baselined() != 2 {
		t.Errorf("Baselined() = %d, want 2 (baseline and earlier revision)", res.Baselined())
	}
	var lines []int
	for _, f := range res.Findings {
		lines = append(lines, f.Location.Line)
	}
	if !reflect.DeepEqual(lines, []int{2, 4, 5, 8}) {
		t.Errorf("kept lines %v, want [2 4 5 8] in order", lines)
	}
	for _, tt := range []struct {
		c    StepCount
		want string
	}{
		{StepCount{Step: StepRuleSettings, Dropped: 2, Changed: 47}, "rule settings: 2 dropped (rule off), 47 re-rated"},
		{StepCount{Step: StepConfigIgnores, Changed: 8}, "config ignores: 8 suppressed"},
		{StepCount{Step: StepDedupe, Dropped: 1}, "dedupe: 1 dropped"},
		{StepCount{Step: StepSort}, ""},
	} {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.c, got, tt.want)
		}
	}
}
