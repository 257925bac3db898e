package secrets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMCPLocations checks that MCP findings point at the secret itself
// (inside "--api-key=…" and after "Bearer ") and never print it.
func TestMCPLocations(t *testing.T) {
	s := newScanner(t, Options{})
	path := filepath.Join("testdata", "mcp.json")
	lines := strings.Split(string(mustRead(t, path)), "\n")
	want := map[string]string{
		"/mcpServers/stripe/args/3":                           "Zp4Lw9Qx2Rt7Vn3K",
		"/mcpServers/search/args/2":                           "Hk2Jd8Fq5Wm1Zr6T",
		"/mcpServers/remote/headers/Authorization":            "Tq8Wm3Zr5Lp1Kd7N",
		"/mcpServers/github/env/GITHUB_PERSONAL_ACCESS_TOKEN": "Qm9vLnRva2VuLmZvci5tY3A7u5",
	}
	seen := map[string]bool{}
	for _, f := range scanFile(t, s, path) {
		if f.RuleID != RuleSecretsMCPConfig && f.RuleID != RuleSecretsHeader {
			continue
		}
		secret, ok := want[f.Location.Pointer]
		if !ok {
			t.Errorf("unexpected %s at %s", f.RuleID, f.Location.Pointer)
			continue
		}
		seen[f.Location.Pointer] = true
		line := lines[f.Location.Line-1]
		if got := line[f.Location.Column-1 : f.Location.EndColumn-1]; got != secret {
			t.Errorf("%s: span %q, want %q", f.Location.Pointer, got, secret)
		}
		if strings.Contains(f.Message, secret) || strings.Contains(f.Evidence, secret) {
			t.Errorf("%s: secret not redacted: %q / %q", f.Location.Pointer, f.Message, f.Evidence)
		}
	}
	for ptr := range want {
		if !seen[ptr] {
			t.Errorf("no finding at %s", ptr)
		}
	}
}

// TestStructuralRulesYieldToProviderRules: every structural rule takes part
// in dedupe as structural, so a provider rule's finding on the same secret
// is the one reported (mcp-config-credential was once missing and a key in
// an MCP config's env or arguments came out twice).
func TestStructuralRulesYieldToProviderRules(t *testing.T) {
	for _, r := range structuralSecretRules() {
		if !isStructural(r.ID) {
			t.Errorf("isStructural(%q) = false", r.ID)
		}
	}
	s := newScanner(t, Options{})
	gh := "ghp_" + fakeKey(7, "", 36, alnum, "")
	dir := t.TempDir()
	path := filepath.Join(dir, "mcp.json")
	if err := os.WriteFile(path, []byte(`{"mcpServers": {"gh": {"command": "gh-mcp",
  "args": ["--token", "`+gh+`", "-p", "Wq7rT2zKp9"],
  "env": {"GITHUB_TOKEN": "`+gh+`", "LOG_LEVEL": "debug"}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range scanFile(t, s, path) {
		got[f.Location.Pointer+" "+f.RuleID]++
	}
	want := map[string]int{
		"/mcpServers/gh/args/1 secrets/github-pat":            1,
		"/mcpServers/gh/args/3 secrets/mcp-config-credential": 1,
		"/mcpServers/gh/env/GITHUB_TOKEN secrets/github-pat":  1,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings %v, want %v", got, want)
	}
}
