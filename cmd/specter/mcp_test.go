package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// mcpSecret is the token in testdata/mcp/*/orders.yaml: no tool result
// may contain it.
const mcpSecret = "ghp_4bN7xQ2mK9pL5vR8tY3wZ6cJ1hF0dS2aE7gU"

// connectMCP serves newMCPServer(root) over in-memory transports and
// returns a client session to it.
func connectMCP(t *testing.T, root string) *mcp.ClientSession {
	t.Helper()
	srv, err := newMCPServer(root)
	if err != nil {
		t.Fatalf("newMCPServer(%s): %v", root, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	serverT, clientT := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, serverT, nil)
	if err != nil {
		t.Fatalf("server connect: %v", err)
	}
	t.Cleanup(func() { ss.Close() })
	client := mcp.NewClient(&mcp.Implementation{Name: "specter-test", Version: "1"}, nil)
	cs, err := client.Connect(ctx, clientT, nil)
	if err != nil {
		t.Fatalf("client connect: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// callJSON calls a tool and returns its whole result as JSON and its
// structured content decoded into a map.
func callJSON(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) (*mcp.CallToolResult, string, map[string]any) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("CallTool(%s, %v): protocol error %v", tool, args, err)
	}
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatalf("marshal result: %v", err)
	}
	var structured map[string]any
	if res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(b, &structured); err != nil {
			t.Fatalf("structured content of %s: %v", tool, err)
		}
	}
	return res, string(raw), structured
}

func TestMCPListTools(t *testing.T) {
	cs := connectMCP(t, filepath.Join("testdata", "mcp", "api"))
	got, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]*mcp.Tool{}
	for _, tool := range got.Tools {
		names[tool.Name] = tool
	}
	for _, want := range []string{"scan", "lint", "secrets", "explain_rule", "list_rules"} {
		tool, ok := names[want]
		if !ok {
			t.Errorf("tool %s missing; have %v", want, names)
			continue
		}
		if tool.Description == "" || tool.InputSchema == nil {
			t.Errorf("tool %s: no description or input schema", want)
		}
		if want == "scan" && tool.OutputSchema == nil {
			t.Errorf("tool scan has no output schema")
		}
	}
}

// ruleIDs returns the rule ids of a scan result's findings, suppressed
// ones with a "suppressed:" prefix.
func ruleIDs(out map[string]any) map[string]bool {
	ids := map[string]bool{}
	findings, _ := out["findings"].([]any)
	for _, f := range findings {
		m := f.(map[string]any)
		id := m["rule_id"].(string)
		if m["suppressed"] == true {
			id = "suppressed:" + id
		}
		ids[id] = true
	}
	return ids
}

func TestMCPScanTools(t *testing.T) {
	cs := connectMCP(t, filepath.Join("testdata", "mcp", "api"))
	tests := []struct {
		tool, path string
		want, not  []string
		gatePassed bool
	}{
		{"scan", "", []string{"secrets/github-pat", "lint/write-without-auth", "suppressed:lint/write-without-auth"}, nil, false},
		{"scan", "orders.yaml", []string{"secrets/github-pat", "lint/no-owner"}, nil, false},
		{"lint", ".", []string{"lint/write-without-auth", "lint/no-owner"}, []string{"secrets/github-pat"}, false},
		{"secrets", "orders.yaml", []string{"secrets/github-pat"}, []string{"lint/no-owner"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.tool+"/"+tt.path, func(t *testing.T) {
			res, raw, out := callJSON(t, cs, tt.tool, map[string]any{"path": tt.path})
			if res.IsError {
				t.Fatalf("tool error: %s", raw)
			}
			if strings.Contains(raw, mcpSecret) || strings.Contains(raw, mcpSecret[8:]) {
				t.Fatalf("the secret leaks in the result: %s", raw)
			}
			ids := ruleIDs(out)
			for _, w := range tt.want {
				if !ids[w] {
					t.Errorf("missing %s in %v", w, ids)
				}
			}
			for _, n := range tt.not {
				if ids[n] {
					t.Errorf("unexpected %s in %v", n, ids)
				}
			}
			sum := out["summary"].(map[string]any)
			if sum["gate_passed"] != tt.gatePassed || sum["fail_on"] != "high" {
				t.Errorf("summary gate = %v/%v, want %v/high", sum["gate_passed"], sum["fail_on"], tt.gatePassed)
			}
			if sum["files_scanned"] != float64(1) {
				t.Errorf("files_scanned = %v, want 1", sum["files_scanned"])
			}
			for _, f := range out["findings"].([]any) {
				m := f.(map[string]any)
				if m["file"] != "orders.yaml" || m["line"].(float64) < 1 || m["fingerprint"] == "" || m["title"] == "" {
					t.Errorf("finding without a root-relative file, line, fingerprint or title: %v", m)
				}
			}
		})
	}
}

func TestMCPToolErrors(t *testing.T) {
	api := connectMCP(t, filepath.Join("testdata", "mcp", "api"))
	bad := connectMCP(t, filepath.Join("testdata", "mcp", "badconfig"))
	tests := []struct {
		name string
		cs   *mcp.ClientSession
		tool string
		args map[string]any
		want string
	}{
		{"outside root", api, "scan", map[string]any{"path": "../badconfig"}, "outside the root"},
		{"absolute outside root", api, "secrets", map[string]any{"path": "/etc"}, "outside the root"},
		{"missing path", api, "lint", map[string]any{"path": "nope.yaml"}, "does not exist"},
		{"unknown rule", api, "explain_rule", map[string]any{"id": "lint/no-such-rule"}, `no rule "lint/no-such-rule"`},
		{"unknown family", api, "list_rules", map[string]any{"family": "nope"}, `no rule family "nope"`},
		{"bad severity", api, "list_rules", map[string]any{"severity": "urgent"}, "severity"},
		{"bad config", bad, "scan", map[string]any{"path": "."}, ".specter.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, raw, _ := callJSON(t, tt.cs, tt.tool, tt.args)
			if !res.IsError || len(res.Content) != 1 {
				t.Fatalf("want a tool error, got %s", raw)
			}
			text, ok := res.Content[0].(*mcp.TextContent)
			if !ok || !strings.Contains(text.Text, tt.want) {
				t.Errorf("error %s does not say %q", raw, tt.want)
			}
		})
	}
}

func TestMCPRules(t *testing.T) {
	cs := connectMCP(t, filepath.Join("testdata", "mcp", "api"))
	res, raw, out := callJSON(t, cs, "explain_rule", map[string]any{"id": "secrets/github-pat"})
	if res.IsError || out["id"] != "secrets/github-pat" || out["family"] != "secrets" || out["help"] == "" || out["severity"] == "" {
		t.Fatalf("explain_rule: %s", raw)
	}
	tests := []struct {
		args     map[string]any
		min, max int
		check    func(map[string]any) bool
	}{
		{map[string]any{}, 50, 10000, func(map[string]any) bool { return true }},
		{map[string]any{"family": "secrets"}, 1, 1000, func(r map[string]any) bool { return r["family"] == "secrets" }},
		{map[string]any{"severity": "critical"}, 1, 1000, func(r map[string]any) bool { return r["severity"] == "critical" }},
	}
	for _, tt := range tests {
		res, raw, out := callJSON(t, cs, "list_rules", tt.args)
		if res.IsError {
			t.Fatalf("list_rules(%v): %s", tt.args, raw)
		}
		list := out["rules"].([]any)
		if len(list) < tt.min || len(list) > tt.max {
			t.Errorf("list_rules(%v): %d rules, want %d..%d", tt.args, len(list), tt.min, tt.max)
		}
		for _, r := range list {
			if m := r.(map[string]any); !tt.check(m) || m["help"] != nil {
				t.Errorf("list_rules(%v): unexpected %v", tt.args, m)
			}
		}
	}
}

// TestMCPBinary runs the built binary as an MCP server over stdio and
// calls scan through it.
func TestMCPBinary(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.Command(specterBin, "mcp", "--root", filepath.Join("testdata", "mcp", "api"))
	client := mcp.NewClient(&mcp.Implementation{Name: "specter-e2e", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connecting to specter mcp: %v", err)
	}
	defer cs.Close()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "scan", Arguments: map[string]any{"path": "."}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(res)
	if res.IsError || strings.Contains(string(raw), mcpSecret) {
		t.Fatalf("scan through the binary: %s", raw)
	}
	var out map[string]any
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if ids := ruleIDs(out); !ids["secrets/github-pat"] || !ids["lint/write-without-auth"] {
		t.Errorf("scan through the binary found %v", ids)
	}
}

// TestMCPSymlinkOutsideRoot checks that a symlink under the root that
// points out of it is refused like a .. path.
func TestMCPSymlinkOutsideRoot(t *testing.T) {
	root := t.TempDir()
	outside, err := filepath.Abs(filepath.Join("testdata", "mcp", "api"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "elsewhere")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	cs := connectMCP(t, root)
	res, raw, _ := callJSON(t, cs, "scan", map[string]any{"path": "elsewhere"})
	if !res.IsError || !strings.Contains(raw, "outside the root") || strings.Contains(raw, "secrets/github-pat") {
		t.Fatalf("want the symlink refused, got %s", raw)
	}
}

// A tool call reports the fingerprints `specter scan` run in the root
// computes, so a baseline written by the CLI applies to the agent's scan.
func TestMCPFingerprintsMatchTheCLIInTheRoot(t *testing.T) {
	root := filepath.Join("testdata", "mcp", "api")
	_, _, out := callJSON(t, connectMCP(t, root), "scan", map[string]any{"path": ""})
	rep, _ := scanJSON(t, root, ".")
	cli := map[string]bool{}
	for _, f := range rep.Findings {
		cli[f.Fingerprint] = true
	}
	findings := out["findings"].([]any)
	if len(findings) == 0 || len(findings) != len(rep.Findings) {
		t.Fatalf("%d findings over MCP, %d from the CLI", len(findings), len(rep.Findings))
	}
	for _, f := range findings {
		m := f.(map[string]any)
		if !cli[m["fingerprint"].(string)] {
			t.Errorf("%s at %v:%v: fingerprint %v is not the CLI's", m["rule_id"], m["file"], m["line"], m["fingerprint"])
		}
	}
}

// TestMCPBaselineAndNewFromRev: the scan tools take a baseline file under
// the root and a git revision, as specter scan --baseline and
// --new-from-rev do, and say how many findings each left out.
func TestMCPBaselineAndNewFromRev(t *testing.T) {
	r := newGitRepo(t)
	r.copyExample("payments-openapi-3.0.yaml", "api/payments.yaml", "")
	base := r.commit("payments")
	r.copyExample("storefront.postman_collection.json", "api/store.postman_collection.json", "")
	r.commit("storefront")
	cs := connectMCP(t, r.dir)

	_, raw, all := callJSON(t, cs, "scan", map[string]any{"path": "api"})
	files := map[string]int{}
	for _, f := range all["findings"].([]any) {
		files[f.(map[string]any)["file"].(string)]++
	}
	if files["api/payments.yaml"] == 0 || files["api/store.postman_collection.json"] == 0 {
		t.Fatalf("want findings in both files: %v\n%.500s", files, raw)
	}

	res, raw, onlyNew := callJSON(t, cs, "scan", map[string]any{"path": "api", "new_from_rev": base})
	if res.IsError {
		t.Fatalf("new_from_rev: %s", raw)
	}
	for _, f := range onlyNew["findings"].([]any) {
		if file := f.(map[string]any)["file"]; file != "api/store.postman_collection.json" {
			t.Errorf("new_from_rev %s returned a finding in %v, which the revision already had", base[:8], file)
		}
	}
	sum := onlyNew["summary"].(map[string]any)
	if n := len(onlyNew["findings"].([]any)); n != files["api/store.postman_collection.json"] || sum["at_revision"] != float64(files["api/payments.yaml"]) {
		t.Errorf("new_from_rev: %d findings, at_revision %v; want %d and %d", n, sum["at_revision"], files["api/store.postman_collection.json"], files["api/payments.yaml"])
	}

	if res := specter(t, r.dir, nil, "scan", "api", "--write-baseline", "specter-baseline.json", "-q"); res.code == exitInputError {
		t.Fatalf("writing the baseline: %s", res.stderr)
	}
	res, raw, baselined := callJSON(t, cs, "scan", map[string]any{"path": "api", "baseline": "specter-baseline.json"})
	if res.IsError {
		t.Fatalf("baseline: %s", raw)
	}
	sum = baselined["summary"].(map[string]any)
	// What is left is the inline-suppressed finding, which baselines do
	// not list.
	if sum["total"] != float64(0) || sum["baselined"].(float64) == 0 || sum["gate_passed"] != true {
		t.Errorf("with the baseline of every finding: %v unsuppressed findings, baselined %v, gate %v", sum["total"], sum["baselined"], sum["gate_passed"])
	}

	outside := filepath.Join(t.TempDir(), "outside.json")
	if err := os.WriteFile(outside, []byte(`{"version":1,"findings":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"baseline": outside}, "outside the root"},
		{map[string]any{"baseline": "nope.json"}, "does not exist"},
		{map[string]any{"baseline": "api/payments.yaml"}, "baseline"},
		{map[string]any{"new_from_rev": "--output=/tmp/x"}, "not a revision"},
		{map[string]any{"new_from_rev": "no-such-branch"}, "new_from_rev"},
	} {
		res, raw, _ := callJSON(t, cs, "scan", tt.args)
		if !res.IsError || !strings.Contains(raw, tt.want) {
			t.Errorf("%v: want a tool error saying %q, got %.300s", tt.args, tt.want, raw)
		}
	}
}
