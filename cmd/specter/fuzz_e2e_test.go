package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/specterhq/specter/internal/testserver/staging"
)

// The fuzzer's end-to-end tests run the binary against the staging server
// (internal/testserver/staging) started in this process on loopback.

type fuzzReport struct {
	Findings []struct {
		RuleID    string `json:"rule_id"`
		Severity  string `json:"severity"`
		Message   string `json:"message"`
		Evidence  string `json:"evidence"`
		Operation *struct {
			Method string `json:"method"`
			Path   string `json:"path"`
		} `json:"operation"`
		Location struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"location"`
	} `json:"findings"`
	Notes []string `json:"notes"`
	Gate  struct {
		Passed bool `json:"passed"`
	} `json:"gate"`
}

type stagingTarget struct {
	server *staging.Server
	url    string
	dir    string // holds staging.yaml
}

func startStagingTarget(t *testing.T) stagingTarget {
	t.Helper()
	s, err := staging.New()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "staging.yaml"), staging.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	return stagingTarget{server: s, url: ts.URL, dir: dir}
}

func fuzzJSON(t *testing.T, dir string, args ...string) (fuzzReport, result) {
	t.Helper()
	res := specter(t, dir, nil, append([]string{"fuzz", "-f", "json"}, args...)...)
	var rep fuzzReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\nstdout: %.500s\nstderr: %s", err, res.stdout, res.stderr)
	}
	return rep, res
}

func (r fuzzReport) byOperation() map[string]string {
	out := map[string][]string{}
	for _, f := range r.Findings {
		if f.Operation == nil {
			continue // document-level findings (lint) name no operation
		}
		k := f.Operation.Method + " " + f.Operation.Path
		out[k] = append(out[k], f.RuleID)
	}
	joined := map[string]string{}
	for k, v := range out {
		sort.Strings(v)
		joined[k] = strings.Join(v, ",")
	}
	return joined
}

func (r fuzzReport) note(substr string) bool {
	for _, n := range r.Notes {
		if strings.Contains(n, substr) {
			return true
		}
	}
	return false
}

func TestFuzzStagingEndToEnd(t *testing.T) {
	st := startStagingTarget(t)
	rep, res := fuzzJSON(t, st.dir, "--spec", "staging.yaml", "--target", st.url, "--seed", "11", "--fail-on", "medium",
		"--header", "Authorization: Bearer e2eSuperSecretToken123")
	if res.code != exitGateFailed {
		t.Fatalf("exit %d, want 1 (medium findings with --fail-on medium)\nstderr: %s", res.code, res.stderr)
	}
	got := rep.byOperation()
	if len(got) != len(staging.Planted) {
		t.Errorf("findings on %d operations, want %d: %v", len(got), len(staging.Planted), got)
	}
	for op, rule := range staging.Planted {
		if got[op] != rule {
			t.Errorf("%s: findings %q, want %q", op, got[op], rule)
		}
	}
	for _, f := range rep.Findings {
		if f.Location.File != "staging.yaml" || f.Location.Line == 0 {
			t.Errorf("%s not located in the spec: %+v", f.RuleID, f.Location)
		}
		if !strings.Contains(f.Evidence, "seed 11, case ") || !strings.Contains(f.Evidence, "curl -sS") {
			t.Errorf("%s: evidence without seed or curl: %s", f.RuleID, f.Evidence)
		}
		if !strings.Contains(f.Evidence, "Authorization: Bearer e2eS…") {
			t.Errorf("%s: the reproducer does not carry the redacted credential: %s", f.RuleID, f.Evidence)
		}
	}
	if strings.Contains(res.stdout+res.stderr, "e2eSuperSecretToken123") {
		t.Error("the credential reached an output unredacted")
	}
	if !rep.note("seed 11") || !rep.note("plan completed") {
		t.Errorf("notes lack the seed or the stop reason: %v", rep.Notes)
	}
	if !strings.Contains(res.stderr, "specter: fuzz: seed 11") {
		t.Errorf("stderr lacks the run summary:\n%s", res.stderr)
	}
}

func TestFuzzSafetyAndBudgets(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
		maxSent    int // requests the server may see; -1 unchecked
		check      func(t *testing.T, rep fuzzReport)
	}{
		{
			name: "dry run sends nothing", args: []string{"--dry-run"}, wantCode: exitPass, maxSent: 0,
		},
		{
			name: "public target refused", args: []string{"--target", "http://93.184.216.34"}, wantCode: exitInputError,
			wantStderr: "not a loopback or private address", maxSent: 0,
		},
		{
			name: "unreachable target", args: []string{"--target", "http://127.0.0.1:1"}, wantCode: exitInputError,
			wantStderr: "no answer from the target", maxSent: 0,
		},
		{
			name: "request budget", args: []string{"--max-requests", "25"}, wantCode: exitPass, maxSent: 25,
			check: func(t *testing.T, rep fuzzReport) {
				if !rep.note("request budget (--max-requests) reached") {
					t.Errorf("notes do not say the budget stopped the run: %v", rep.Notes)
				}
			},
		},
		{
			name: "duration", args: []string{"--duration", "700ms", "--rate", "50"}, wantCode: exitPass, maxSent: 60,
			check: func(t *testing.T, rep fuzzReport) {
				if !rep.note("time budget (--duration) reached") {
					t.Errorf("notes do not say the deadline stopped the run: %v", rep.Notes)
				}
			},
		},
		{
			name: "safe mode sends only reads", args: []string{"--safe"}, wantCode: exitPass, maxSent: -1,
			check: func(t *testing.T, rep fuzzReport) {
				for _, f := range rep.Findings {
					if f.Operation.Method != "GET" {
						t.Errorf("--safe reported %s %s", f.Operation.Method, f.Operation.Path)
					}
				}
				if !rep.note("seed") {
					t.Errorf("no notes: %v", rep.Notes)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := startStagingTarget(t)
			args := append([]string{"fuzz", "-f", "json", "--spec", "staging.yaml", "--target", st.url, "--seed", "3"}, tt.args...)
			start := time.Now()
			res := specter(t, st.dir, nil, args...)
			if res.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstderr: %s", res.code, tt.wantCode, res.stderr)
			}
			if !strings.Contains(res.stderr, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, res.stderr)
			}
			if tt.maxSent >= 0 && st.server.Requests() > tt.maxSent {
				t.Errorf("the server saw %d requests, want at most %d", st.server.Requests(), tt.maxSent)
			}
			if time.Since(start) > 30*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
			if tt.check != nil {
				var rep fuzzReport
				if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
					t.Fatalf("not a JSON report: %v\n%s", err, res.stdout)
				}
				tt.check(t, rep)
			}
		})
	}
}

func TestFuzzDryRunPrintsPlan(t *testing.T) {
	st := startStagingTarget(t)
	res := specter(t, st.dir, nil, "fuzz", "--spec", "staging.yaml", "--target", st.url, "--seed", "3", "--dry-run")
	if res.code != exitPass {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	for _, want := range []string{"fuzz plan: 15 operation(s)", "seed 3 (nothing sent)", "injection", "GET /items/{id}", "staging.yaml:"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, res.stdout)
		}
	}
	if n := st.server.Requests(); n != 0 {
		t.Errorf("--dry-run sent %d requests", n)
	}
}

// TestFuzzInterruptWritesPartialReport: SIGINT mid-run still writes the
// report (what was found so far) and exits 2.
func TestFuzzInterruptWritesPartialReport(t *testing.T) {
	st := startStagingTarget(t)
	cmd := exec.Command(specterBin, "fuzz", "-f", "json", "--spec", "staging.yaml", "--target", st.url, "--seed", "3", "--rate", "20")
	cmd.Dir = st.dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the examples phase has reached every operation.
	deadline := time.Now().Add(20 * time.Second)
	for st.server.Requests() < 20 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("specter did not stop within 15s of SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInputError {
		t.Errorf("exit %d after SIGINT, want 2\nstderr: %s", code, errOut.String())
	}
	var rep fuzzReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("no partial report: %v\n%s", err, out.String())
	}
	if !rep.note("interrupted") {
		t.Errorf("notes do not say the run was interrupted: %v", rep.Notes)
	}
	if len(rep.Findings) == 0 {
		t.Error("the partial report has no findings; the examples phase alone finds several")
	}
}

// TestScanWithTarget: scan --target runs the secret scanner and the fuzzer.
func TestScanWithTarget(t *testing.T) {
	st := startStagingTarget(t)
	res := specter(t, st.dir, nil, "scan", ".", "-f", "json", "--target", st.url, "--seed", "4", "--fail-on", "none")
	var rep fuzzReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("not a JSON report: %v\nstderr: %s", err, res.stderr)
	}
	if res.code != exitPass {
		t.Fatalf("exit %d\nstderr: %s", res.code, res.stderr)
	}
	if got := rep.byOperation(); !strings.Contains(got["GET /crash"], "fuzz/server-error") {
		t.Errorf("scan --target did not run the fuzzer: %v", got)
	}
	if !rep.note("seed 4") {
		t.Errorf("notes lack the seed: %v", rep.Notes)
	}
}

// TestFuzzPostmanSeeds: a Postman collection's requests are replayed as
// recorded, onto --target, then mutated field by field.
func TestFuzzPostmanSeeds(t *testing.T) {
	st := startStagingTarget(t)
	collection := `{
  "info": {"name": "staging", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "variable": [{"key": "base", "value": "https://staging.example.com"}],
  "item": [
    {"name": "crash", "request": {"method": "GET", "url": "{{base}}/crash?q=books"}},
    {"name": "echo", "request": {"method": "POST", "url": "{{base}}/echo",
      "header": [{"key": "Content-Type", "value": "application/json"}],
      "body": {"mode": "raw", "raw": "{\"message\": \"hello\"}"}}}
  ]
}`
	if err := os.WriteFile(filepath.Join(st.dir, "staging.postman_collection.json"), []byte(collection), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, res := fuzzJSON(t, st.dir, "--spec", "staging.postman_collection.json", "--target", st.url, "--seed", "2")
	if res.code != exitPass {
		t.Fatalf("exit %d\nstderr: %s", res.code, res.stderr)
	}
	got := rep.byOperation()
	if got["GET /crash"] != "fuzz/server-error" || len(got) != 1 {
		t.Errorf("findings %v, want only the 5xx of GET /crash", got)
	}
	if !rep.note("replay 2") {
		t.Errorf("the recorded requests were not replayed first: %v", rep.Notes)
	}
	if !rep.note("cannot run on Postman requests") {
		t.Errorf("the schema checks do not say they cannot run: %v", rep.Notes)
	}
}
