package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The end-to-end tests build the real binary once and run it the way a user
// or a CI job does: exit codes, streams, formats, redaction, baseline,
// suppression and config.

var specterBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "specter-e2e")
	if err != nil {
		panic(err)
	}
	specterBin = filepath.Join(dir, "specter")
	if runtime.GOOS == "windows" {
		specterBin += ".exe"
	}
	build := exec.Command("go", "build", "-o", specterBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building specter: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is two levels up from cmd/specter.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

type result struct {
	code           int
	stdout, stderr string
}

// specter runs the binary in dir with extra environment variables.
// readAndValidate reads the JSON report at path and validates it against
// the JSON schema at schemaPath: it returns the report and the validation
// error, and fails the test when the schema does not compile or the report
// cannot be read or is not JSON.
func readAndValidate(t *testing.T, schemaPath, path string) ([]byte, error) {
	t.Helper()
	schema, err := jsonschema.NewCompiler().Compile(schemaPath)
	if err != nil {
		t.Fatalf("compiling %s: %v", schemaPath, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return data, schema.Validate(doc)
}

func specter(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(specterBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=", "CI=", "GITHUB_ACTIONS=", "GITLAB_CI=")
	cmd.Env = append(cmd.Env, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running specter %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// plantedSecrets are the full values planted in testdata/examples; none may
// ever reach an output unless --show-secrets is given.
var plantedSecrets = []string{
	"Sup3rS3cretDeployPw",
	"sk_live_51HqLyjWDarjtT1zdp7dcXwcP3kQmN9vR8sT2uY4w",
	"3a7f9c2e81d64b0f9e5a1c7d2b8e4f60",
	"ghp_4bN7xQ2mK9pL5vR8tY3wZ6cJ1hF0dS2aE7gU",
	"Adm1n!Storefront#2024",
	"a91f0c7d3e5b48d2b6f4e8a0c2d4f6b8",
	"tok_8Jd02kLmQz71NxYb4RtV",
	"Vw3nB7kP0QxL2mZr9sT4uY6iO8aE1cD5fG7hJ9kL0nM",
}

type jsonReport struct {
	Version  string `json:"version"`
	Findings []struct {
		RuleID   string `json:"rule_id"`
		Severity string `json:"severity"`
		Title    string `json:"title"`
		Message  string `json:"message"`
		Location struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Column  int    `json:"column"`
			Pointer string `json:"pointer"`
		} `json:"location"`
		Evidence    string `json:"evidence"`
		Fingerprint string `json:"fingerprint"`
		Suppressed  bool   `json:"suppressed"`
		Suppression *struct {
			Kind   string `json:"kind"`
			Source string `json:"source"`
			Reason string `json:"reason"`
		} `json:"suppression"`
	} `json:"findings"`
	Gate struct {
		Passed bool   `json:"passed"`
		FailOn string `json:"fail_on"`
	} `json:"gate"`
	Policy []policyStep `json:"policy"`
}

type policyStep struct {
	Step    string `json:"step"`
	Dropped int    `json:"dropped"`
	Changed int    `json:"changed"`
}

func scanJSON(t *testing.T, dir string, args ...string) (jsonReport, result) {
	t.Helper()
	res := specter(t, dir, nil, append([]string{"scan", "-f", "json"}, args...)...)
	var rep jsonReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\nstdout: %.500s\nstderr: %s", err, res.stdout, res.stderr)
	}
	return rep, res
}

func TestScanExamplesFindsPlantedSecrets(t *testing.T) {
	root := repoRoot(t)
	rep, res := scanJSON(t, root, "testdata/examples")
	if res.code != exitGateFailed {
		t.Fatalf("exit code %d, want %d (high findings fail the default gate)\nstderr: %s", res.code, exitGateFailed, res.stderr)
	}
	if rep.Gate.Passed || rep.Gate.FailOn != "high" {
		t.Errorf("gate = %+v, want failed at high", rep.Gate)
	}
	type want struct{ file, rulePrefix string }
	wants := []want{
		{"testdata/examples/payments-openapi-3.0.yaml", "secrets/"},
		{"testdata/examples/legacy-swagger-2.0.yaml", "secrets/"},
		{"testdata/examples/petstore-refs/schemas/pet.yaml", "secrets/"},
		{"testdata/examples/storefront.postman_collection.json", "secrets/"},
		{"testdata/examples/storefront-staging.postman_environment.json", "secrets/"},
	}
	for _, w := range wants {
		found := false
		for _, f := range rep.Findings {
			if f.Location.File == w.file && strings.HasPrefix(f.RuleID, w.rulePrefix) && !f.Suppressed {
				found = true
				if f.Location.Line < 1 || f.Location.Column < 1 || f.Fingerprint == "" || f.Title == "" {
					t.Errorf("finding lacks location, fingerprint or title: %+v", f)
				}
			}
		}
		if !found {
			t.Errorf("no unsuppressed %s finding in %s", w.rulePrefix, w.file)
		}
	}
	// Placeholders are never findings.
	for _, f := range rep.Findings {
		for _, placeholder := range []string{"YOUR_API_SECRET", "<your-token>", "{{", "changeme"} {
			if strings.Contains(f.Evidence, placeholder) {
				t.Errorf("placeholder %q reported: %+v", placeholder, f)
			}
		}
		if f.Location.File == "testdata/examples/inventory-openapi-3.1.json" && strings.HasPrefix(f.RuleID, "secrets/") {
			t.Errorf("the 3.1 example holds only placeholders, got %+v", f)
		}
	}
}

func TestInlineSuppressionIsKeptAndMarked(t *testing.T) {
	rep, _ := scanJSON(t, repoRoot(t), "testdata/examples")
	for _, f := range rep.Findings {
		// The annotation under /health names secrets/*: lint findings there stay.
		if f.Location.File == "testdata/examples/payments-openapi-3.0.yaml" && strings.HasPrefix(f.Location.Pointer, "/paths/~1health") && strings.HasPrefix(f.RuleID, "secrets/") {
			if !f.Suppressed || f.Suppression == nil || f.Suppression.Source != "x-specter-ignore" || !strings.Contains(f.Suppression.Reason, "test fixture") {
				t.Fatalf("finding under /health not suppressed inline: %+v", f)
			}
			return
		}
	}
	t.Fatal("the token example under /health was not reported at all (it must be reported as suppressed)")
}

func TestSecretsAreRedactedInEveryFormat(t *testing.T) {
	root := repoRoot(t)
	for _, format := range []string{"text", "json", "sarif", "github", "markdown", "gitlab-sast", "codequality", "junit", "html"} {
		t.Run(format, func(t *testing.T) {
			res := specter(t, root, nil, "scan", "testdata/examples", "-f", format)
			if res.code != exitGateFailed || len(res.stdout) < 100 {
				t.Fatalf("exit %d, %d bytes of output\nstderr: %s", res.code, len(res.stdout), res.stderr)
			}
			for _, s := range plantedSecrets {
				if strings.Contains(res.stdout, s) || strings.Contains(res.stderr, s) {
					t.Errorf("%s output contains the secret %q", format, s)
				}
			}
		})
	}
	t.Run("show-secrets", func(t *testing.T) {
		res := specter(t, root, nil, "scan", "testdata/examples", "-f", "json", "--show-secrets")
		if !strings.Contains(res.stdout, "Adm1n!Storefront#2024") {
			t.Error("--show-secrets did not show the basic-auth password")
		}
	})
}

func TestExitCodes(t *testing.T) {
	root := repoRoot(t)
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "notes.txt"), []byte("nothing here"), 0o644); err != nil {
		t.Fatal(err)
	}
	malformed := t.TempDir()
	if err := os.WriteFile(filepath.Join(malformed, "broken.yaml"), []byte("openapi: 3.0.3\npaths: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		dir    string
		args   []string
		code   int
		stderr string
	}{
		{"gate passes with fail-on none", root, []string{"scan", "testdata/examples", "--fail-on", "none", "-q"}, exitPass, ""},
		{"gate fails at the default", root, []string{"scan", "testdata/examples", "-q"}, exitGateFailed, ""},
		{"missing path", root, []string{"scan", "no/such/dir"}, exitInputError, "no such file"},
		{"no spec where one was named", empty, []string{"scan", "."}, exitInputError, "no OpenAPI document, Postman collection or MCP file"},
		{"secrets does not need a spec", empty, []string{"secrets", "."}, exitPass, ""},
		{"malformed spec", malformed, []string{"scan", "."}, exitInputError, "broken.yaml"},
		{"unknown format", root, []string{"scan", "testdata/examples", "-f", "pdf"}, exitInputError, "unknown format"},
		{"unknown fail-on", root, []string{"scan", "testdata/examples", "--fail-on", "severe"}, exitInputError, "fail-on"},
		{"unknown flag", root, []string{"scan", "--frobnicate"}, exitInputError, "unknown flag"},
		{"unknown command", root, []string{"frobnicate"}, exitInputError, "unknown command"},
		{"unknown rule", root, []string{"rules", "nope/nope"}, exitInputError, "unknown rule"},
		{"missing baseline", root, []string{"scan", "testdata/examples", "--baseline", "no-such-baseline.json"}, exitInputError, "no-such-baseline.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := specter(t, tt.dir, nil, tt.args...)
			if res.code != tt.code {
				t.Fatalf("exit code %d, want %d\nstdout: %.800s\nstderr: %s", res.code, tt.code, res.stdout, res.stderr)
			}
			if tt.stderr != "" && !strings.Contains(res.stderr, tt.stderr) {
				t.Errorf("stderr %q does not mention %q", res.stderr, tt.stderr)
			}
		})
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	root := repoRoot(t)
	baseline := filepath.Join(t.TempDir(), "baseline.json")
	first := specter(t, root, nil, "scan", "testdata/examples", "--write-baseline", baseline, "-q")
	if first.code != exitGateFailed {
		t.Fatalf("first scan exit %d, want %d: %s", first.code, exitGateFailed, first.stderr)
	}
	rep, res := scanJSON(t, root, "testdata/examples", "--baseline", baseline)
	if res.code != exitPass {
		t.Fatalf("scan with baseline exit %d, want 0: %s", res.code, res.stderr)
	}
	for _, f := range rep.Findings {
		if !f.Suppressed {
			t.Errorf("finding survived its baseline: %+v", f)
		}
	}
}

func TestConfigFile(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	examples := filepath.Join(root, "testdata", "examples")
	config := `version: 1
rules:
  secrets/*: { severity: low }
  lint/*: { severity: low }
gate:
  fail-on: medium
`
	if err := os.WriteFile(filepath.Join(dir, ".specter.yaml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, res := scanJSON(t, dir, examples)
	if res.code != exitPass {
		t.Fatalf("exit %d, want 0 (every secret and lint finding downgraded to low, gate at medium): %s", res.code, res.stderr)
	}
	if len(rep.Findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range rep.Findings {
		if f.Severity != "low" {
			t.Errorf("severity override not applied: %+v", f)
		}
	}
	if rep.Gate.FailOn != "medium" {
		t.Errorf("gate fail_on = %q, want the config's medium", rep.Gate.FailOn)
	}
	// The report counts what the chain did: the findings that were not
	// low already were re-rated, and the inline ignore of the examples
	// suppressed one.
	if p := rep.Policy; len(p) != 2 || p[0].Step != "rule settings" || p[0].Changed == 0 || p[0].Changed >= len(rep.Findings) ||
		p[1] != (policyStep{Step: "inline ignores", Changed: 1}) {
		t.Errorf("policy = %+v, want rule settings re-rating some of the %d findings, then inline ignores suppressing 1", p, len(rep.Findings))
	}
	if !strings.Contains(res.stderr, "specter: policy chain: rule settings: ") {
		t.Errorf("stderr does not count the chain's steps: %s", res.stderr)
	}
	// The flag beats the config file.
	_, res = scanJSON(t, dir, examples, "--fail-on", "low")
	if res.code != exitGateFailed {
		t.Errorf("--fail-on low over the config: exit %d, want 1", res.code)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nfrobnicate: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res = specter(t, dir, nil, "scan", examples, "--config", bad)
	if res.code != exitInputError || !strings.Contains(res.stderr, "frobnicate") {
		t.Errorf("unknown config key: exit %d, stderr %q", res.code, res.stderr)
	}
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	root := repoRoot(t)
	out := filepath.Join(t.TempDir(), "specter.sarif")
	res := specter(t, root, nil, "scan", "testdata/examples", "-f", "sarif", "-o", out)
	if res.code != exitGateFailed {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("with -o, stdout must stay empty, got %.200s", res.stdout)
	}
	if !strings.Contains(res.stderr, "finding") {
		t.Errorf("the human summary belongs on stderr, got %q", res.stderr)
	}
	schemaPath := filepath.Join(root, "reporters", "testdata", "sarif-schema-2.1.0.json")
	data, err := readAndValidate(t, schemaPath, out)
	if err != nil {
		t.Fatalf("SARIF output does not validate: %v", err)
	}
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID       string         `json:"ruleId"`
				Suppressions []any          `json:"suppressions"`
				Fingerprints map[string]any `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &sarif); err != nil {
		t.Fatal(err)
	}
	if len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) == 0 {
		t.Fatalf("want one run with results, got %+v", sarif.Runs)
	}
	suppressed := 0
	for _, r := range sarif.Runs[0].Results {
		if r.Fingerprints["primaryLocationLineHash"] == nil {
			t.Errorf("result %s has no primaryLocationLineHash", r.RuleID)
		}
		if len(r.Suppressions) > 0 {
			suppressed++
		}
	}
	if suppressed == 0 {
		t.Error("the inline-suppressed finding is missing from SARIF (it must be kept with suppressions)")
	}
}

func TestTextReportIsPlainWhenNotATerminal(t *testing.T) {
	res := specter(t, repoRoot(t), nil, "scan", "testdata/examples")
	if strings.Contains(res.stdout, "\x1b[") {
		t.Error("text report piped to a file contains ANSI escapes")
	}
	if !strings.Contains(res.stdout, "payments-openapi-3.0.yaml") {
		t.Errorf("text report does not name the files: %.500s", res.stdout)
	}
}

func TestRulesAndVersion(t *testing.T) {
	root := repoRoot(t)
	list := specter(t, root, nil, "rules")
	if list.code != 0 || !strings.Contains(list.stdout, "secrets/aws-access-token") {
		t.Fatalf("rules list: exit %d, %.300s", list.code, list.stdout)
	}
	one := specter(t, root, nil, "rules", "secrets/aws-access-token")
	if one.code != 0 || !strings.Contains(one.stdout, "# secrets/aws-access-token") || !strings.Contains(one.stdout, "CWE-798") {
		t.Fatalf("rules explain: exit %d, %s", one.code, one.stdout)
	}
	v := specter(t, root, nil, "version")
	if v.code != 0 || !strings.Contains(v.stdout, "specter ") || !strings.Contains(v.stdout, "go: go1.") {
		t.Fatalf("version: %+v", v)
	}
	comp := specter(t, root, nil, "completion", "bash")
	if comp.code != 0 || !strings.Contains(comp.stdout, "bash completion") {
		t.Fatalf("completion bash: exit %d", comp.code)
	}
}

func TestInitWritesALoadableConfig(t *testing.T) {
	dir := t.TempDir()
	res := specter(t, dir, nil, "init")
	if res.code != exitPass {
		t.Fatalf("init: exit %d: %s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, ".specter.yaml")); err != nil {
		t.Fatal(err)
	}
	if again := specter(t, dir, nil, "init"); again.code != exitInputError || !strings.Contains(again.stderr, "already exists") {
		t.Errorf("second init: exit %d, stderr %q", again.code, again.stderr)
	}
	// The starter file is picked up and accepted by a scan.
	scan := specter(t, dir, nil, "scan", filepath.Join(repoRoot(t), "testdata", "examples"), "-q")
	if scan.code == exitInputError {
		t.Fatalf("scan with the starter config: exit 2: %s", scan.stderr)
	}
}

// TestBadIdentitiesFailEveryCommand: the config file is parsed and checked
// once, up front, by every command that reads it, so a bad identities
// entry (the fuzzer's section) stops scan, secrets, lint and inventory the
// same way it stops fuzz: exit 2 and the same message, with the file and
// line, before anything is scanned or sent.
func TestBadIdentitiesFailEveryCommand(t *testing.T) {
	root := repoRoot(t)
	spec := filepath.Join(root, "testdata", "traffic", "shop.openapi.yaml")
	for _, bad := range []struct{ name, yaml, want string }{
		{"no credentials", "  - name: alice\n", ":3:5: identity alice: set exactly one of headers, login and oauth2"},
		{"login without token", "  - name: bob\n    login: {path: /auth/login}\n", ":3:5: identity bob: login: set exactly one of token (a JSON pointer) and cookie"},
		{"unknown key", "  - name: carol\n    header: {X-Key: k}\n", `:4:5: identities[0]: unknown key "header" (want one of name, headers, login, oauth2)`},
	} {
		t.Run(bad.name, func(t *testing.T) {
			cfg := filepath.Join(t.TempDir(), "bad-identities.yaml")
			if err := os.WriteFile(cfg, []byte("version: 1\nidentities:\n"+bad.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			want := "specter: " + cfg + bad.want + "\n"
			for _, args := range [][]string{
				{"scan", "testdata/examples"},
				{"secrets", "testdata/examples"},
				{"lint", "testdata/examples"},
				{"inventory", "--spec", spec, "--traffic", "testdata/traffic/shop.combined.log"},
				{"fuzz", "--spec", spec, "--target", "http://127.0.0.1:9"},
			} {
				res := specter(t, root, nil, append(args, "--config", cfg)...)
				if res.code != exitInputError || res.stderr != want {
					t.Errorf("specter %s: exit %d, stderr\n%s\nwant exit 2, stderr\n%s", args[0], res.code, res.stderr, want)
				}
			}
		})
	}
}
