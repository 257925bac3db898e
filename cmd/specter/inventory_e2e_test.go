package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The inventory end-to-end tests run the binary on the fixture spec and
// traffic in testdata/traffic.

type inventoryJSON struct {
	Findings []struct {
		RuleID    string `json:"rule_id"`
		Severity  string `json:"severity"`
		Message   string `json:"message"`
		Operation *struct {
			Method string `json:"method"`
			Path   string `json:"path"`
		} `json:"operation"`
		Location struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Pointer string `json:"pointer"`
		} `json:"location"`
		Related []struct {
			Location struct {
				File string `json:"file"`
				Line int    `json:"line"`
			} `json:"location"`
			Message string `json:"message"`
		} `json:"related"`
	} `json:"findings"`
	Inventory *struct {
		Requests       int `json:"requests"`
		ProbeRequests  int `json:"probe_requests"`
		ProbeEndpoints int `json:"probe_endpoints"`
		Sources        []struct {
			Name    string `json:"name"`
			Format  string `json:"format"`
			Records int    `json:"records"`
		} `json:"sources"`
	} `json:"inventory"`
}

func (r inventoryJSON) has(rule, method, path string) bool {
	for _, f := range r.Findings {
		if f.RuleID == rule && f.Operation != nil && f.Operation.Method == method && f.Operation.Path == path {
			return true
		}
	}
	return false
}

func decodeInventory(t *testing.T, res result) inventoryJSON {
	t.Helper()
	var rep inventoryJSON
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\nstdout: %.500s\nstderr: %s", err, res.stdout, res.stderr)
	}
	return rep
}

func TestInventoryCommand(t *testing.T) {
	root := repoRoot(t)
	res := specter(t, root, nil, "inventory", "--spec", "testdata/traffic/shop.openapi.yaml",
		"--traffic", "testdata/traffic/shop.combined.log", "-f", "json")
	if res.code != exitPass {
		t.Fatalf("exit %d (medium and info findings pass the default gate): %s", res.code, res.stderr)
	}
	rep := decodeInventory(t, res)
	for _, want := range [][3]string{
		{"inventory/shadow-endpoint", "POST", "/api/v2/orders/{orderId}/refund"},
		{"inventory/zombie-endpoint", "GET", "/legacy/search"},
		{"inventory/zombie-endpoint", "GET", "/api/v1/users/{param}"},
		{"inventory/orphan-endpoint", "GET", "/admin/audit"},
	} {
		if !rep.has(want[0], want[1], want[2]) {
			t.Errorf("missing %v", want)
		}
	}
	if rep.Inventory == nil || rep.Inventory.Requests != 58 || rep.Inventory.ProbeRequests != 5 || rep.Inventory.Sources[0].Format != "combined" {
		t.Errorf("inventory summary %+v", rep.Inventory)
	}
	for _, f := range rep.Findings {
		if f.RuleID == "inventory/shadow-endpoint" && (len(f.Related) == 0 || f.Related[0].Location.File != "testdata/traffic/shop.combined.log") {
			t.Errorf("shadow finding without the traffic line: %+v", f)
		}
	}
	if !strings.Contains(res.stderr, "probe noise: 5 request(s) to 5 undocumented path(s)") {
		t.Errorf("stderr lacks the probe-noise summary: %s", res.stderr)
	}
	if strings.Contains(res.stdout, "a.lovelace@gmail.com") {
		t.Error("an email from a path reached the report")
	}
}

func TestInventoryStdinGzipAndFormats(t *testing.T) {
	root := repoRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, "testdata", "traffic", "shop.envoy.log"))
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	cmd := exec.Command(specterBin, "inventory", "--spec", "testdata/traffic/shop.openapi.yaml", "--traffic", "-", "-f", "json")
	cmd.Dir = root
	cmd.Stdin = &gz
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	rep := decodeInventory(t, result{stdout: out.String()})
	if rep.Inventory.Sources[0].Name != "-" || rep.Inventory.Sources[0].Format != "envoy" || rep.Inventory.Requests != 58 {
		t.Errorf("stdin source %+v", rep.Inventory.Sources)
	}

	// Forcing the wrong format is an input error, exit 2.
	res := specter(t, root, nil, "inventory", "--spec", "testdata/traffic/shop.openapi.yaml",
		"--traffic", "testdata/traffic/shop.combined.log", "--traffic-format", "har")
	if res.code != exitInputError || !strings.Contains(res.stderr, "not a HAR file") {
		t.Errorf("forced har on a combined log: exit %d, %s", res.code, res.stderr)
	}
	for _, args := range [][]string{
		{"inventory", "--spec", "testdata/traffic/shop.openapi.yaml", "--traffic", "testdata/traffic/shop.har", "--traffic-format", "pcap"},
		{"inventory", "--spec", "testdata/traffic/shop.openapi.yaml"},
		{"inventory", "--traffic", "testdata/traffic/shop.har"},
		{"inventory", "--spec", "testdata/traffic/shop.openapi.yaml", "--traffic", "testdata/traffic/missing.log"},
		{"inventory", "--spec", "testdata/traffic/shop.combined.log", "--traffic", "testdata/traffic/shop.har"},
	} {
		if res := specter(t, root, nil, args...); res.code != exitInputError {
			t.Errorf("%v: exit %d, want 2 (%s)", args, res.code, res.stderr)
		}
	}
}

func TestInventoryGateAndPreviousSpec(t *testing.T) {
	root := repoRoot(t)
	// auth.har holds a secured operation answered without credentials (high).
	res := specter(t, root, nil, "inventory", "--spec", "testdata/traffic/shop.openapi.yaml", "--traffic", "testdata/traffic/auth.har", "-f", "json")
	if res.code != exitGateFailed {
		t.Fatalf("exit %d, want 1: %s", res.code, res.stderr)
	}
	rep := decodeInventory(t, res)
	if !rep.has("inventory/unauthenticated-2xx", "GET", "/orders/{orderId}") || !rep.has("inventory/sensitive-data-in-response", "GET", "/legacy/search") {
		t.Errorf("findings %+v", rep.Findings)
	}

	res = specter(t, root, nil, "inventory", "--spec", "testdata/traffic/shop.openapi.yaml",
		"--previous-spec", "testdata/traffic/shop-previous.openapi.yaml", "--traffic", "testdata/traffic/shop.alb.log", "-f", "json")
	rep = decodeInventory(t, res)
	if !rep.has("inventory/zombie-endpoint", "GET", "/coupons/{code}") {
		t.Errorf("removed operation not reported as a zombie: %s", res.stdout)
	}
}

func TestScanWithTrafficAddsInventory(t *testing.T) {
	root := repoRoot(t)
	res := specter(t, root, nil, "scan", "testdata/traffic/shop.openapi.yaml", "--traffic", "testdata/traffic/shop.otlp-new.jsonl", "-f", "json")
	if res.code != exitPass {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	rep := decodeInventory(t, res)
	if !rep.has("inventory/shadow-endpoint", "GET", "/api/v2/users/export") || rep.Inventory == nil {
		t.Errorf("scan --traffic did not run the inventory: %.400s", res.stdout)
	}
	// Without --traffic, scan carries no inventory.
	res = specter(t, root, nil, "scan", "testdata/traffic/shop.openapi.yaml", "-f", "json")
	plain := decodeInventory(t, res)
	if plain.Inventory != nil {
		t.Errorf("plain scan carries an inventory summary: %+v", plain.Inventory)
	}
	for _, f := range plain.Findings {
		if strings.HasPrefix(f.RuleID, "inventory/") {
			t.Errorf("plain scan reported %s (no traffic was given)", f.RuleID)
		}
	}
}

func TestInventoryReportsValidate(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	for _, tc := range []struct{ format, schema string }{
		{"json", filepath.Join(root, "reporters", "testdata", "json-report.schema.json")},
		{"sarif", filepath.Join(root, "reporters", "testdata", "sarif-schema-2.1.0.json")},
	} {
		out := filepath.Join(dir, "inventory."+tc.format)
		res := specter(t, root, nil, "inventory", "--spec", "testdata/traffic/shop.openapi.yaml",
			"--traffic", "testdata/traffic/shop.har", "-f", tc.format, "-o", out)
		if res.code != exitPass {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		data, err := readAndValidate(t, tc.schema, out)
		if err != nil {
			t.Errorf("%s report does not validate: %v", tc.format, err)
		}
		if tc.format == "sarif" && !bytes.Contains(data, []byte(`"relatedLocations"`)) {
			t.Error("SARIF lacks relatedLocations")
		}
	}
}

// TestInventoryHostsFromConfig: hosts listed under `inventory: hosts` in the
// config file serve the documented API, like --host.
func TestInventoryHostsFromConfig(t *testing.T) {
	root := repoRoot(t)
	spec := filepath.Join(root, "testdata", "traffic", "shop.openapi.yaml")
	logFile := filepath.Join(root, "testdata", "traffic", "shop.istio.log")
	mentionsBeta := func(rep inventoryJSON) bool {
		for _, f := range rep.Findings {
			if f.RuleID == "inventory/shadow-endpoint" && strings.Contains(f.Message, "beta.shop.example") {
				return true
			}
		}
		return false
	}
	dir := t.TempDir()
	plain := specter(t, dir, nil, "inventory", "--spec", spec, "--traffic", logFile, "-f", "json", "--fail-on", "none")
	if !mentionsBeta(decodeInventory(t, plain)) {
		t.Fatalf("without configuration the undocumented host beta.shop.example must be reported: %.600s", plain.stdout)
	}
	if err := os.WriteFile(filepath.Join(dir, ".specter.yaml"), []byte("version: 1\ninventory:\n  hosts: [beta.shop.example]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	configured := specter(t, dir, nil, "inventory", "--spec", spec, "--traffic", logFile, "-f", "json", "--fail-on", "none")
	if configured.code != exitPass || mentionsBeta(decodeInventory(t, configured)) {
		t.Errorf("inventory.hosts in the config did not cover beta.shop.example: exit %d %.600s %s", configured.code, configured.stdout, configured.stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, ".specter.yaml"), []byte("version: 1\ninventory:\n  hosts: [\"https://beta.shop.example/\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := specter(t, dir, nil, "inventory", "--spec", spec, "--traffic", logFile)
	if bad.code != exitInputError || !strings.Contains(bad.stderr, "not a host name") {
		t.Errorf("a URL in inventory.hosts: exit %d, stderr %q", bad.code, bad.stderr)
	}
}

// TestInventoryAgentsView runs the binary on the agents' traffic: the JSON
// report's clients section validates and names the planted clients, the
// text and markdown reports print the per-client table, the config's
// agent markers apply, and no token or key reaches any output.
func TestInventoryAgentsView(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "agents.json")
	args := []string{"inventory", "--spec", "testdata/traffic/agents.openapi.yaml", "--traffic", "testdata/traffic/agents.har", "--fail-on", "none"}
	res := specter(t, root, nil, append(args, "-f", "json", "-o", out)...)
	if res.code != exitPass {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	data, err := readAndValidate(t, filepath.Join(root, "reporters", "testdata", "json-report.schema.json"), out)
	if err != nil {
		t.Fatalf("report does not validate: %v", err)
	}
	var rep struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
		} `json:"findings"`
		Clients []struct {
			Name         string   `json:"name"`
			Agent        bool     `json:"agent"`
			UnusedScopes []string `json:"unused_scopes"`
			Lifetime     int64    `json:"max_token_lifetime_seconds"`
		} `json:"clients"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	rules := map[string]int{}
	for _, f := range rep.Findings {
		rules[f.RuleID]++
	}
	for rule, n := range map[string]int{"inventory/over-privileged-client": 1, "inventory/long-lived-token": 1, "inventory/agent-burst": 1, "inventory/credential-shared-by-clients": 2} {
		if rules[rule] != n {
			t.Errorf("%d %s finding(s), want %d", rules[rule], rule, n)
		}
	}
	if len(rep.Clients) != 8 || rep.Clients[0].Name != "support-bot" || !rep.Clients[0].Agent ||
		strings.Join(rep.Clients[0].UnusedScopes, " ") != "admin orders:write refunds:write" || rep.Clients[0].Lifetime != 30*86400 {
		t.Errorf("clients %+v", rep.Clients)
	}

	outputs := []string{string(data)}
	for _, format := range []string{"text", "markdown", "sarif"} {
		res := specter(t, root, nil, append(args, "-f", format)...)
		if res.code != exitPass {
			t.Fatalf("%s: exit %d: %s", format, res.code, res.stderr)
		}
		outputs = append(outputs, res.stdout)
		if format == "text" && !strings.Contains(res.stdout, "Clients in the traffic: 8, 2 agents") {
			t.Errorf("text report lacks the client table:\n%s", res.stdout)
		}
		if format == "markdown" && !strings.Contains(res.stdout, "### Clients in the traffic") {
			t.Errorf("markdown report lacks the client table:\n%s", res.stdout)
		}
	}
	har, err := os.ReadFile(filepath.Join(root, "testdata", "traffic", "agents.har"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"pk_live_4eC39HqLyjWDarjtT1zdp7dc", "pk_live_9xQ2mBvT7aLpR3sK8dW1yZ5n", "eyJhbGciOiAiUlMyNTYi"} {
		if !bytes.Contains(har, []byte(secret)) {
			t.Fatalf("the fixture lost %q; the check below checks nothing", secret)
		}
		for i, o := range outputs {
			if strings.Contains(o, secret) {
				t.Errorf("output %d holds %q", i, secret)
			}
		}
	}

	cfg := filepath.Join(dir, "specter.yaml")
	if err := os.WriteFile(cfg, []byte("version: 1\ninventory:\n  agent-markers:\n    - user-agent: ReportAgent\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res = specter(t, root, nil, append(args, "-f", "json", "--config", cfg)...)
	if res.code != exitPass || !strings.Contains(res.stdout, `"agent_marker": "user agent containing ReportAgent"`) ||
		!strings.Contains(res.stdout, "agent report-agent used 1 token(s) without an expiry") {
		t.Errorf("config marker: exit %d\n%.3000s\n%s", res.code, res.stdout, res.stderr)
	}
}
