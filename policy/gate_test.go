package policy

import (
	"strings"
	"testing"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/rules"
)

func findingsAt(sevs ...rules.Severity) []rules.Finding {
	out := make([]rules.Finding, len(sevs))
	for i, s := range sevs {
		out[i] = rules.Finding{RuleID: "lint/x", Severity: s}
	}
	return out
}

func TestParseFailOn(t *testing.T) {
	for _, tt := range []struct {
		in       string
		want     rules.Severity
		disabled bool
		err      bool
	}{
		{"critical", rules.SeverityCritical, false, false},
		{"High", rules.SeverityHigh, false, false},
		{"info", rules.SeverityInfo, false, false},
		{"none", 0, true, false},
		{"NONE", 0, true, false},
		{"", 0, false, true},
		{"warning", 0, false, true},
	} {
		g, err := ParseFailOn(tt.in)
		if (err != nil) != tt.err || (!tt.err && (g.FailOn != tt.want || g.Disabled != tt.disabled)) {
			t.Errorf("ParseFailOn(%q) = %+v, %v", tt.in, g, err)
		}
	}
}

func TestGateEvaluate(t *testing.T) {
	suppressed := rules.Finding{RuleID: "lint/x", Severity: rules.SeverityCritical, Suppression: &rules.Suppression{Kind: rules.SuppressedExternal, Source: "config", Reason: "r"}}
	C, H, M, L, I := rules.SeverityCritical, rules.SeverityHigh, rules.SeverityMedium, rules.SeverityLow, rules.SeverityInfo
	for _, tt := range []struct {
		name     string
		gate     Gate
		findings []rules.Finding
		passed   bool
		reasons  []string
		failOn   string
	}{
		{"no findings", DefaultGate(), nil, true, nil, "high"},
		{"below threshold", DefaultGate(), findingsAt(M, L, I), true, nil, "high"},
		{"at threshold", DefaultGate(), findingsAt(H, M), false, []string{"1 finding at or above high"}, "high"},
		{"above threshold", DefaultGate(), findingsAt(C, H, L), false, []string{"2 findings at or above high"}, "high"},
		{"suppressed does not count", DefaultGate(), []rules.Finding{suppressed}, true, nil, "high"},
		{"fail on info", Gate{FailOn: I}, findingsAt(I), false, []string{"1 finding at or above info"}, "info"},
		{"fail on critical, high passes", Gate{FailOn: C}, findingsAt(H, H), true, nil, "critical"},
		{"disabled", Gate{Disabled: true}, findingsAt(C, C), true, nil, "none"},
		{"max within", Gate{Disabled: true, Max: map[rules.Severity]int{M: 2}}, findingsAt(M, M, L), true, nil, "none"},
		{"max exceeded", Gate{Disabled: true, Max: map[rules.Severity]int{M: 2}}, findingsAt(M, M, M), false, []string{"medium: 3 findings, max 2"}, "none"},
		{"max zero", Gate{FailOn: C, Max: map[rules.Severity]int{H: 0}}, findingsAt(H), false, []string{"high: 1 finding, max 0"}, "critical"},
		{"max ignores suppressed", Gate{Disabled: true, Max: map[rules.Severity]int{C: 0}}, []rules.Finding{suppressed}, true, nil, "none"},
		{"both reasons, severity order", Gate{FailOn: H, Max: map[rules.Severity]int{L: 0, C: 0}}, findingsAt(C, L, L), false,
			[]string{"1 finding at or above high", "critical: 1 finding, max 0", "low: 2 findings, max 0"}, "high"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.gate.Evaluate(tt.findings)
			if v.Passed != tt.passed || v.FailOn != tt.failOn || strings.Join(v.Reasons, "|") != strings.Join(tt.reasons, "|") {
				t.Errorf("Evaluate = %+v, want passed=%v failOn=%s reasons=%q", v, tt.passed, tt.failOn, tt.reasons)
			}
		})
	}
}

func TestGateCounts(t *testing.T) {
	v := DefaultGate().Evaluate(findingsAt(rules.SeverityLow, rules.SeverityLow, rules.SeverityInfo))
	if v.Counts[rules.SeverityLow] != 2 || v.Counts[rules.SeverityInfo] != 1 || v.Counts[rules.SeverityHigh] != 0 {
		t.Errorf("Counts = %v", v.Counts)
	}
}

func TestResolveGate(t *testing.T) {
	withGate := &config.Config{Version: 1, Gate: config.GateConfig{FailOn: "medium", Max: map[rules.Severity]int{rules.SeverityLow: 5}}}
	for _, tt := range []struct {
		name     string
		cfg      *config.Config
		flag     string
		flagSet  bool
		want     rules.Severity
		disabled bool
		max      int // maximum for low, -1 for none
		err      bool
	}{
		{"default", config.DefaultConfig(), "", false, rules.SeverityHigh, false, -1, false},
		{"config", withGate, "", false, rules.SeverityMedium, false, 5, false},
		{"flag beats config", withGate, "critical", true, rules.SeverityCritical, false, 5, false},
		{"flag none keeps maxima", withGate, "none", true, 0, true, 5, false},
		{"flag unset leaves config", withGate, "critical", false, rules.SeverityMedium, false, 5, false},
		{"bad flag", withGate, "loud", true, 0, false, 0, true},
		{"empty flag set", config.DefaultConfig(), "", true, 0, false, 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ResolveGate(tt.cfg, tt.flag, tt.flagSet)
			if tt.err {
				if err == nil || !strings.Contains(err.Error(), "--fail-on") {
					t.Fatalf("ResolveGate = %+v, %v; want a --fail-on error", g, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			max, ok := g.Max[rules.SeverityLow]
			if !ok {
				max = -1
			}
			if g.Disabled != tt.disabled || (!g.Disabled && g.FailOn != tt.want) || max != tt.max {
				t.Errorf("ResolveGate = %+v", g)
			}
		})
	}
	// The gate's maxima are a copy: changing them leaves the config alone.
	g, _ := ResolveGate(withGate, "", false)
	g.Max[rules.SeverityLow] = 99
	if withGate.Gate.Max[rules.SeverityLow] != 5 {
		t.Error("ResolveGate shares the config's max map")
	}
}
