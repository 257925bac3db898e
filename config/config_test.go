package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
)

// testCatalog is the rule catalog the tests validate against.
func testCatalog(t testing.TB) *rules.Catalog {
	t.Helper()
	cat, err := rules.NewCatalog(
		rules.Rule{ID: "secrets/generic-api-key", Title: "Generic API key", Help: "h", Severity: rules.SeverityHigh},
		rules.Rule{ID: "secrets/credential-header", Title: "Credential header", Help: "h", Severity: rules.SeverityHigh},
		rules.Rule{ID: "lint/missing-auth", Title: "Missing auth", Help: "h", Severity: rules.SeverityMedium},
		rules.Rule{ID: "lint/http-server", Title: "Plain HTTP server", Help: "h", Severity: rules.SeverityMedium},
	)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func fixture(name string) string { return filepath.Join("testdata", "config", name) }

func TestLoadConfigFull(t *testing.T) {
	cfg, err := LoadConfig(fixture("full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(testCatalog(t)); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if cfg.Version != 1 || cfg.File != fixture("full.yaml") {
		t.Errorf("Version %d File %q", cfg.Version, cfg.File)
	}
	if strings.Join(cfg.Exclude, ",") != "**/generated/**,legacy/*.yaml" {
		t.Errorf("Exclude = %q", cfg.Exclude)
	}
	if len(cfg.Rules) != 4 {
		t.Fatalf("Rules = %+v", cfg.Rules)
	}
	if r := cfg.Rules[0]; r.Rule != "secrets/generic-api-key" || r.Enabled == nil || *r.Enabled || r.Severity != nil || r.Line != 5 {
		t.Errorf("Rules[0] = %+v", r)
	}
	if r := cfg.Rules[1]; r.Rule != "lint/*" || r.Enabled != nil || r.Severity == nil || *r.Severity != rules.SeverityLow {
		t.Errorf("Rules[1] = %+v", r)
	}
	if r := cfg.Rules[2]; !*r.Enabled || *r.Severity != rules.SeverityCritical {
		t.Errorf("Rules[2] = %+v", r)
	}
	if len(cfg.Ignore) != 3 {
		t.Fatalf("Ignore = %+v", cfg.Ignore)
	}
	if ig := cfg.Ignore[0]; ig.Rule != "secrets/*" || ig.Path != "testdata/**" || ig.Reason != "fixtures hold fake keys" || ig.Line != 10 {
		t.Errorf("Ignore[0] = %+v", ig)
	}
	if ig := cfg.Ignore[1]; ig.Pointer != "/paths/~1health" {
		t.Errorf("Ignore[1] = %+v", ig)
	}
	if ig := cfg.Ignore[2]; ig.Rule != "*" || ig.Fingerprint != "0123456789abcdef0123456789abcdef" {
		t.Errorf("Ignore[2] = %+v (a fingerprint-only entry matches any rule, lower-cased)", ig)
	}
	if cfg.Gate.FailOn != "medium" || cfg.Gate.Max[rules.SeverityMedium] != 25 || len(cfg.Gate.Max) != 3 {
		t.Errorf("Gate = %+v", cfg.Gate)
	}
}

func TestLoadConfigEmpty(t *testing.T) {
	for _, name := range []string{"empty.yaml", "comments-only.yaml"} {
		t.Run(name, func(t *testing.T) {
			cfg, err := LoadConfig(fixture(name))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Version != ConfigVersion || len(cfg.Rules)+len(cfg.Ignore)+len(cfg.Exclude) != 0 || cfg.Gate.FailOn != "" {
				t.Errorf("config = %+v, want the default", cfg)
			}
			if err := cfg.Validate(testCatalog(t)); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestLoadConfigAnchors(t *testing.T) {
	cfg, err := LoadConfig(fixture("anchors.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.RuleSeverity("secrets/generic-api-key", rules.SeverityHigh); got != rules.SeverityLow {
		t.Errorf("aliased rule setting: severity %v, want low", got)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		file string
		want []string // substrings of the error
	}{
		{"unknown-key.yaml", []string{"unknown-key.yaml:4:3:", `unknown key "fial-on"`, "fail-on, max"}},
		{"unknown-top-key.yaml", []string{"unknown-top-key.yaml:2:1:", `unknown key "excludes"`}},
		{"bad-severity.yaml", []string{"bad-severity.yaml:3:23:", `unknown severity "severe"`}},
		{"bad-fail-on.yaml", []string{"bad-fail-on.yaml:3:12:", `"sometimes"`, "none"}},
		{"bad-glob.yaml", []string{"bad-glob.yaml:3:5:", "bad path glob", "syntax error in pattern"}},
		{"bad-ignore-glob.yaml", []string{"bad-ignore-glob.yaml:3:5:", `"a/[b"`}},
		{"missing-reason.yaml", []string{"missing-reason.yaml:3:5:", "no reason"}},
		{"wrong-version.yaml", []string{"wrong-version.yaml:1:10:", "unsupported config version 2"}},
		{"no-version.yaml", []string{"no-version.yaml:1:1:", "no version"}},
		{"malformed.yaml", []string{"malformed.yaml", "malformed YAML"}},
		{"duplicate-key.yaml", []string{"duplicate-key.yaml:4:3:", `duplicate key "lint/*" (first at line 3)`}},
		{"two-documents.yaml", []string{"two-documents.yaml", "more than one YAML document"}},
		{"bad-pointer.yaml", []string{"bad-pointer.yaml:3:5:", "does not start with /"}},
		{"negative-max.yaml", []string{"negative-max.yaml:3:18:", "0 or more"}},
		{"rule-wildcard-misuse.yaml", []string{"rule-wildcard-misuse.yaml:3:3:", "only allowed as <family>/* or *"}},
		{"not-a-mapping.yaml", []string{"not-a-mapping.yaml:1:1:", "want a mapping, found a list"}},
		{"does-not-exist.yaml", []string{"read config", "does-not-exist.yaml"}},
		{"bad-lint.yaml", []string{"bad-lint.yaml:3:18: lint: scope-pattern: error parsing regexp", `bad-lint.yaml:4:18: lint: max-token-ttl: want a positive whole number, found "-5"`, `bad-lint.yaml:5:24: lint: agent-max-token-ttl: want a positive whole number, found "soon"`, `bad-lint.yaml:6:3: lint: unknown key "max-scope"`}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			cfg, err := LoadConfig(fixture(tt.file))
			if err == nil {
				t.Fatalf("LoadConfig = %+v, want an error", cfg)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadConfigLint(t *testing.T) {
	cfg, err := LoadConfig(fixture("lint.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := LintConfig{ScopePattern: "^[a-z]+:[a-z]+$", MaxTokenTTL: 1800, AgentMaxTokenTTL: 300, MaxScopesPerOperation: 3, MaxScopesPerScheme: 20}
	if cfg.Lint != want {
		t.Errorf("Lint = %+v, want %+v", cfg.Lint, want)
	}
	if DefaultConfig().Lint != (LintConfig{}) {
		t.Error("the default config sets lint values")
	}
}

func TestValidateRuleIDs(t *testing.T) {
	cat := testCatalog(t)
	for _, tt := range []struct {
		file string
		want string // "" for no error
	}{
		{"full.yaml", ""},
		{"unknown-rule.yaml", `unknown-rule.yaml:3: unknown rule "secrets/generic-api-kee" (did you mean "secrets/generic-api-key"?)`},
		{"unknown-family.yaml", `unknown-family.yaml:3: rule "secret/*": no rule family "secret" (did you mean "secrets/*"?)`},
	} {
		t.Run(tt.file, func(t *testing.T) {
			cfg, err := LoadConfig(fixture(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.Validate(cat)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate error = %v, want %q", err, tt.want)
			}
			if err := cfg.Validate(nil); err != nil {
				t.Errorf("Validate(nil) checks rule ids: %v", err)
			}
		})
	}
}

func TestValidateCodeBuiltConfig(t *testing.T) {
	bad := rules.Severity(9)
	for _, tt := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"valid", Config{Version: 1, Exclude: []string{"a/**"}, Ignore: []IgnoreRule{{Rule: "lint/*", Reason: "r"}}}, ""},
		{"bad version", Config{}, "unsupported config version 0"},
		{"bad exclude", Config{Version: 1, Exclude: []string{"["}}, "bad path glob"},
		{"no rule", Config{Version: 1, Ignore: []IgnoreRule{{Reason: "r"}}}, "no rule"},
		{"bad fingerprint", Config{Version: 1, Ignore: []IgnoreRule{{Rule: "*", Fingerprint: "xyz", Reason: "r"}}}, "hex digits"},
		{"twice", Config{Version: 1, Rules: []RuleSetting{{Rule: "lint/*"}, {Rule: "lint/*"}}}, "set twice"},
		{"bad severity", Config{Version: 1, Rules: []RuleSetting{{Rule: "lint/*", Severity: &bad}}}, "invalid severity"},
		{"bad fail-on", Config{Version: 1, Gate: GateConfig{FailOn: "x"}}, "fail-on"},
		{"negative max", Config{Version: 1, Gate: GateConfig{Max: map[rules.Severity]int{rules.SeverityLow: -1}}}, "negative"},
		{"unknown rule", Config{Version: 1, Rules: []RuleSetting{{Rule: "lint/nope"}}}, `config: unknown rule "lint/nope"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate(testCatalog(t))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRuleResolution(t *testing.T) {
	cfg, err := ParseConfig([]byte(`version: 1
rules:
  "*": { severity: info }
  lint/*: off
  lint/missing-auth: { severity: high }
  lint/http-server: on
  secrets/*: { severity: critical }
  secrets/generic-api-key: { enabled: false }
`), "rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		id      string
		enabled bool
		sev     rules.Severity
	}{
		{"lint/missing-auth", false, rules.SeverityHigh}, // family off; exact sets only severity
		{"lint/http-server", true, rules.SeverityInfo},   // exact on beats family off; severity from "*"
		{"secrets/credential-header", true, rules.SeverityCritical},
		{"secrets/generic-api-key", false, rules.SeverityCritical},
		{"other/rule", true, rules.SeverityInfo},
	} {
		if got := cfg.RuleEnabled(tt.id); got != tt.enabled {
			t.Errorf("RuleEnabled(%s) = %v", tt.id, got)
		}
		if got := cfg.RuleSeverity(tt.id, rules.SeverityMedium); got != tt.sev {
			t.Errorf("RuleSeverity(%s) = %v, want %v", tt.id, got, tt.sev)
		}
	}
	if got := DefaultConfig().RuleSeverity("lint/x", rules.SeverityMedium); got != rules.SeverityMedium {
		t.Errorf("default config changes severity to %v", got)
	}
}

func TestLoadDefaultConfig(t *testing.T) {
	dir := t.TempDir()
	cfg, err := LoadDefaultConfig(dir)
	if err != nil || cfg.File != "" || cfg.Version != ConfigVersion {
		t.Fatalf("without a file: %+v, %v", cfg, err)
	}
	if err := os.WriteFile(filepath.Join(dir, DefaultConfigFile), []byte("version: 1\nexclude: [x/**]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err = LoadDefaultConfig(dir)
	if err != nil || len(cfg.Exclude) != 1 {
		t.Fatalf("with a file: %+v, %v", cfg, err)
	}
	if err := os.WriteFile(filepath.Join(dir, DefaultConfigFile), []byte("version: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDefaultConfig(dir); err == nil {
		t.Fatal("a bad default config file is not an error")
	}
}

func TestParseConfigRejectsBinary(t *testing.T) {
	for _, data := range [][]byte{{0}, {0xff, 0xfe}, []byte(strings.Repeat("#", maxConfigBytes+1))} {
		if _, err := ParseConfig(data, "bin.yaml"); err == nil {
			t.Errorf("ParseConfig(%q...) accepted", data[:1])
		}
	}
}

func TestStarterConfig(t *testing.T) {
	cfg, err := ParseConfig([]byte(StarterConfig()), DefaultConfigFile)
	if err != nil {
		t.Fatalf("starter config does not load: %v", err)
	}
	if err := cfg.Validate(testCatalog(t)); err != nil {
		t.Fatalf("starter config does not validate: %v", err)
	}
	if sev, none, err := ParseThreshold(cfg.Gate.FailOn); err != nil || sev != rules.SeverityHigh || none {
		t.Errorf("starter gate fail-on %q: %v %v %v", cfg.Gate.FailOn, sev, none, err)
	}
	// The commented examples must be valid too once uncommented.
	var uncommented []string
	for _, line := range strings.Split(StarterConfig(), "\n") {
		if strings.HasPrefix(line, "#  ") {
			line = line[1:]
		}
		line = strings.Replace(line, "rules: {}", "rules:", 1)
		line = strings.Replace(line, "ignore: []", "ignore:", 1)
		uncommented = append(uncommented, line)
	}
	full, err := ParseConfig([]byte(strings.Join(uncommented, "\n")), "uncommented.yaml")
	if err != nil {
		t.Fatalf("uncommented starter config: %v", err)
	}
	if len(full.Rules) != 3 || len(full.Ignore) != 2 || len(full.Gate.Max) != 3 {
		t.Errorf("uncommented starter config = %+v", full)
	}
	if err := full.Validate(testCatalog(t)); err != nil {
		t.Errorf("uncommented starter config: %v", err)
	}
}

func TestInventoryHosts(t *testing.T) {
	for _, tt := range []struct {
		name, doc string
		hosts     []string
		err       string
	}{
		{"hosts", "version: 1\ninventory:\n  hosts: [staging.example.com, \"api.example.com:8443\"]\n", []string{"staging.example.com", "api.example.com:8443"}, ""},
		{"no section", "version: 1\n", nil, ""},
		{"a URL is not a host", "version: 1\ninventory:\n  hosts: [\"https://x.example/\"]\n", nil, "not a host name"},
		{"not a list", "version: 1\ninventory:\n  hosts: staging.example.com\n", nil, "want a list"},
		{"unknown key", "version: 1\ninventory:\n  environments: {}\n", nil, "environments"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte(tt.doc), "c.yaml")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(cfg.Inventory.Hosts, ",") != strings.Join(tt.hosts, ",") {
				t.Errorf("hosts = %v, want %v", cfg.Inventory.Hosts, tt.hosts)
			}
		})
	}
}

func TestInventoryAgentSettings(t *testing.T) {
	cfg, err := ParseConfig([]byte(`version: 1
inventory:
  agent-markers:
    - claim: client_type=agent
    - user-agent: LangChain
    - client: support-bot
  agent-max-token-lifetime: 3600
  max-token-lifetime: 604800
  burst-factor: 8
`), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	inv := cfg.Inventory
	want := []AgentMarker{{Claim: "client_type", Value: "agent"}, {UserAgent: "LangChain"}, {Client: "support-bot"}}
	if fmt.Sprint(inv.AgentMarkers) != fmt.Sprint(want) || inv.AgentMaxTokenLifetime != 3600 || inv.MaxTokenLifetime != 604800 || inv.BurstFactor != 8 {
		t.Errorf("inventory = %+v", inv)
	}
	for doc, wantErr := range map[string]string{
		"agent-markers: [{claim: client_type}]":    "want name=value",
		"agent-markers: [{claim: a=b, client: c}]": "one key",
		"agent-markers: [{agent: x}]":              `unknown key "agent"`,
		"agent-markers: [null]":                    "found null",
		"agent-markers: [support-bot]":             "want a mapping",
		"agent-markers: [{user-agent: ''}]":        "empty",
		"agent-max-token-lifetime: 24h":            "positive number of seconds",
		"max-token-lifetime: -1":                   "positive number of seconds",
		"burst-factor: 1":                          "above 1",
		"burst-factor: many":                       "above 1",
	} {
		_, err := ParseConfig([]byte("version: 1\ninventory:\n  "+doc+"\n"), "c.yaml")
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: err = %v, want %q", doc, err, wantErr)
		}
	}
}

func TestPointerCovers(t *testing.T) {
	for _, tt := range []struct {
		prefix, p string
		want      bool
	}{
		{"/paths/~1a", "/paths/~1a", true},
		{"/paths/~1a", "/paths/~1a/get", true},
		{"/paths/~1a", "/paths/~1ab", false},
		{"/paths/~1a", "/paths", false},
		{"", "/anything", true},
		{"", "", true},
	} {
		if got := PointerCovers(tt.prefix, tt.p); got != tt.want {
			t.Errorf("PointerCovers(%q, %q) = %v", tt.prefix, tt.p, got)
		}
	}
}
