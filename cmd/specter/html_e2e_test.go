package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// htmlPageData reads the data document of an html report.
type htmlPageData struct {
	Findings []struct {
		Fingerprint string `json:"fp"`
		File        int    `json:"file"` // index into Files
		Line        int    `json:"line"`
		Rule        int    `json:"rule"`
	} `json:"findings"`
	Files []string `json:"files"`
	Rules []struct {
		ID string `json:"id"`
	} `json:"rules"`
	Sources struct {
		Radius int                          `json:"radius"`
		Files  map[string]map[string]string `json:"files"`
	} `json:"sources"`
	Map struct {
		Operations []string `json:"operations"`
	} `json:"map"`
	Gate struct {
		Passed bool `json:"passed"`
	} `json:"gate"`
}

func readHTMLReport(t *testing.T, path string) ([]byte, htmlPageData) {
	t.Helper()
	var doc htmlPageData
	page := decodeHTMLPage(t, path, &doc)
	return page, doc
}

// decodeHTMLPage reads the html report at path, decodes its data element
// into doc and returns the page.
func decodeHTMLPage(t *testing.T, path string, doc any) []byte {
	t.Helper()
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the report was not written: %v", err)
	}
	_, rest, ok := bytes.Cut(page, []byte(`<script type="application/json" id="specter-data">`))
	data, _, ok2 := bytes.Cut(rest, []byte("</script>"))
	if !ok || !ok2 {
		t.Fatalf("%s has no data element", path)
	}
	if err := json.Unmarshal(data, doc); err != nil {
		t.Fatalf("data element is not JSON: %v", err)
	}
	return page
}

// pageCoverage is one scanner's coverage in the page's data.
type pageCoverage struct {
	Scanner    string `json:"scanner"`
	Operations []struct {
		Op        string   `json:"op"`
		Requests  int      `json:"requests"`
		Succeeded int      `json:"succeeded"`
		Statuses  [][2]int `json:"statuses"`
		Reason    string   `json:"reason"`
	} `json:"operations"`
}

// TestHTMLReportOfTheExamples runs scan -f html -o on the bundled examples:
// the exit code is the gate's, the page holds every finding of the JSON
// report of the same run, the spec lines around them, and no secret.
func TestHTMLReportOfTheExamples(t *testing.T) {
	root := repoRoot(t)
	out := filepath.Join(t.TempDir(), "out.html")
	res := specter(t, root, nil, "scan", "testdata/examples", "-f", "html", "-o", out)
	if res.code != exitGateFailed {
		t.Fatalf("exit %d, want %d (the examples fail the gate)\nstderr: %s", res.code, exitGateFailed, res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("stdout is not empty with -o: %.200s", res.stdout)
	}
	page, doc := readHTMLReport(t, out)
	if doc.Gate.Passed {
		t.Error("page says the gate passed")
	}
	rep, _ := scanJSON(t, root, "testdata/examples")
	if len(rep.Findings) == 0 || len(doc.Findings) != len(rep.Findings) {
		t.Fatalf("page has %d findings, the JSON report %d", len(doc.Findings), len(rep.Findings))
	}
	for i, f := range rep.Findings {
		if doc.Findings[i].Fingerprint != f.Fingerprint {
			t.Errorf("finding %d: page fingerprint %s, JSON report's %s", i, doc.Findings[i].Fingerprint, f.Fingerprint)
		}
	}
	for _, s := range plantedSecrets {
		if bytes.Contains(page, []byte(s)) {
			t.Errorf("page contains the secret %q", s)
		}
	}
	// Every finding with a line in a file the scan read shows that line.
	withLines := 0
	for _, f := range doc.Findings {
		if f.Line < 1 {
			continue
		}
		file := doc.Files[f.File]
		if _, ok := doc.Sources.Files[file][strconv.Itoa(f.Line)]; !ok {
			t.Errorf("finding %s at %s:%d has no source line", doc.Rules[f.Rule].ID, file, f.Line)
		}
		withLines++
	}
	if withLines == 0 || doc.Sources.Radius < 1 {
		t.Errorf("%d findings with lines, radius %d", withLines, doc.Sources.Radius)
	}
	// The secret's line shows the redacted value where the secret was.
	stripe := doc.Sources.Files["testdata/examples/payments-openapi-3.0.yaml"]
	found := false
	for _, l := range stripe {
		found = found || strings.Contains(l, "sk_l…")
	}
	if !found {
		t.Error("the Stripe key's line does not show the key redacted")
	}
	if len(doc.Map.Operations) < 5 {
		t.Errorf("surface map has %d operations: %v", len(doc.Map.Operations), doc.Map.Operations)
	}
}

// TestHTMLReportMasksSecretsWithoutTheSecretScanner runs lint, which has
// no secret scanner: the lines around lint findings must still hide the
// secrets planted next to them.
func TestHTMLReportMasksSecretsWithoutTheSecretScanner(t *testing.T) {
	root := repoRoot(t)
	out := filepath.Join(t.TempDir(), "lint.html")
	res := specter(t, root, nil, "lint", "testdata/examples", "-f", "html", "-o", out, "--fail-on", "none")
	if res.code != 0 {
		t.Fatalf("exit %d with --fail-on none\nstderr: %s", res.code, res.stderr)
	}
	page, doc := readHTMLReport(t, out)
	if len(doc.Sources.Files) == 0 {
		t.Fatal("lint report holds no source lines")
	}
	for _, s := range plantedSecrets {
		if bytes.Contains(page, []byte(s)) {
			t.Errorf("lint page contains the secret %q", s)
		}
	}
	if !doc.Gate.Passed {
		t.Error("page says the gate failed under --fail-on none")
	}
}

// TestHTMLReportOfAnInventoryRun checks the page of an inventory run: the
// inventory's per-operation coverage and summary, and no lines of the
// traffic (only inputs the scan read as files are shown).
func TestHTMLReportOfAnInventoryRun(t *testing.T) {
	root := repoRoot(t)
	out := filepath.Join(t.TempDir(), "inventory.html")
	args := []string{"inventory", "--spec", "testdata/traffic/shop.openapi.yaml", "--traffic", "testdata/traffic/shop.combined.log", "--fail-on", "none"}
	if res := specter(t, root, nil, append(args, "-f", "html", "-o", out)...); res.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", res.code, res.stderr)
	}
	js := decodeInventory(t, specter(t, root, nil, append(args, "-f", "json")...))
	var doc struct {
		Coverage  []pageCoverage `json:"coverage"`
		Inventory *struct {
			Requests int `json:"requests"`
		} `json:"inventory"`
		Findings []json.RawMessage              `json:"findings"`
		Sources  struct{ Files map[string]any } `json:"sources"`
	}
	decodeHTMLPage(t, out, &doc)
	if js.Inventory == nil || doc.Inventory == nil || doc.Inventory.Requests != js.Inventory.Requests {
		t.Fatalf("page's inventory %+v, JSON report's %+v", doc.Inventory, js.Inventory)
	}
	if len(doc.Findings) != len(js.Findings) {
		t.Errorf("page has %d findings, the JSON report %d", len(doc.Findings), len(js.Findings))
	}
	if len(doc.Coverage) != 1 || doc.Coverage[0].Scanner != "inventory" || len(doc.Coverage[0].Operations) == 0 {
		t.Fatalf("coverage %+v, want the inventory's per-operation account", doc.Coverage)
	}
	seen, unseen := 0, 0
	for _, op := range doc.Coverage[0].Operations {
		switch {
		case op.Requests > 0 && op.Reason == "":
			seen++
		case op.Requests == 0 && op.Reason != "":
			unseen++
		default:
			t.Errorf("operation %s: %d requests and reason %q", op.Op, op.Requests, op.Reason)
		}
	}
	if seen == 0 {
		t.Error("no operation seen in the traffic")
	}
	for file := range doc.Sources.Files {
		if strings.HasPrefix(file, "testdata/traffic/shop.combined") {
			t.Errorf("page shows lines of the traffic file %s", file)
		}
	}
}

// TestHTMLReportOfAFuzzRun checks the fuzzer's coverage on the page of a
// run against the staging server: one row per operation of the spec, the
// requests sent and the statuses seen adding up, and a reason for each
// operation that never got a 2xx.
func TestHTMLReportOfAFuzzRun(t *testing.T) {
	st := startStagingTarget(t)
	out := filepath.Join(t.TempDir(), "fuzz.html")
	res := specter(t, st.dir, nil, "fuzz", "--spec", "staging.yaml", "--target", st.url, "--seed", "11", "--fail-on", "none", "-f", "html", "-o", out)
	if res.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", res.code, res.stderr)
	}
	var doc struct {
		Coverage []pageCoverage `json:"coverage"`
		Map      struct {
			Operations []string `json:"operations"`
		} `json:"map"`
		Notes []string `json:"notes"`
	}
	decodeHTMLPage(t, out, &doc)
	if len(doc.Coverage) != 1 || doc.Coverage[0].Scanner != "fuzz" {
		t.Fatalf("coverage %+v, want the fuzzer's", doc.Coverage)
	}
	ops := doc.Coverage[0].Operations
	if len(ops) != 15 || len(doc.Map.Operations) < 15 {
		t.Errorf("%d operations covered, %d on the map; the staging spec has 15", len(ops), len(doc.Map.Operations))
	}
	sent := 0
	for _, op := range ops {
		answered, ok := 0, 0
		for _, s := range op.Statuses {
			answered += s[1]
			if s[0] >= 200 && s[0] < 300 {
				ok += s[1]
			}
		}
		if answered > op.Requests || ok != op.Succeeded {
			t.Errorf("%s: %d requests, %d answers, %d 2xx counted, %d succeeded", op.Op, op.Requests, answered, ok, op.Succeeded)
		}
		if op.Succeeded == 0 && op.Reason == "" {
			t.Errorf("%s never got a 2xx and says no reason", op.Op)
		}
		sent += op.Requests
	}
	if sent == 0 || len(doc.Notes) == 0 {
		t.Errorf("%d requests sent, %d notes", sent, len(doc.Notes))
	}
}
