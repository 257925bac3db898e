package secrets

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/surface/mcp"
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

func TestMCPArgCredentials(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // flag=secret pairs, comma-separated
	}{
		{"inline flag", []string{"--api-key=Zp4Lw9Qx2Rt7Vn3K"}, "--api-key=Zp4Lw9Qx2Rt7Vn3K"},
		{"separate value", []string{"--token", "Hk2Jd8Fq5Wm1Zr6T", "--verbose"}, "--token=Hk2Jd8Fq5Wm1Zr6T"},
		{"provider key in a header argument", []string{"--header", "Authorization:ghp_0123456789abcdefghijABCDEFGHIJ012345"}, "#1=ghp_0123456789abcdefghijABCDEFGHIJ012345"},
		{"placeholder inline", []string{"--api-key=${env:API_KEY}"}, ""},
		{"placeholder separate", []string{"--token", "<YOUR_TOKEN>"}, ""},
		{"flag then flag", []string{"--token", "--stdio"}, ""},
		{"not a credential flag", []string{"--max-results", "Hk2Jd8Fq5Wm1Zr6T", "--region=eu-west-1"}, ""},
		{"paths and packages", []string{"-y", "@modelcontextprotocol/server-filesystem", "/Users/me/token-files"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []mcp.Value
			for _, a := range tt.args {
				args = append(args, mcp.Value{Text: a})
			}
			var got []string
			for _, c := range argCredentials(args) {
				got = append(got, c.flag+"="+c.secret)
			}
			if g := strings.Join(got, ","); g != tt.want {
				t.Errorf("argCredentials = %q, want %q", g, tt.want)
			}
		})
	}
}
