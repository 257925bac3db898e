// Package action holds the scripts of the GitHub Action (action.yml at the
// repository root) and their end-to-end tests: the install and run steps
// are executed locally against a fake release directory.
package action

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v4"
)

type actionMetadata struct {
	Inputs  map[string]struct{ Default string } `yaml:"inputs"`
	Outputs map[string]struct{ Value string }   `yaml:"outputs"`
	Runs    struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID   string            `yaml:"id"`
			If   string            `yaml:"if"`
			Run  string            `yaml:"run"`
			Uses string            `yaml:"uses"`
			Env  map[string]string `yaml:"env"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) actionMetadata {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionMetadata
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// TestActionMetadata checks what actionlint does not: every input reaches
// a step, no expression is spliced into a script (inputs travel in env,
// which keeps them from being run as shell code) and the scripts the steps
// name exist.
func TestActionMetadata(t *testing.T) {
	a := readAction(t)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q, want composite", a.Runs.Using)
	}
	used := map[string]bool{}
	expr := regexp.MustCompile(`\$\{\{[^}]*\}\}`)
	input := regexp.MustCompile(`inputs\.([a-z-]+)`)
	for _, step := range a.Runs.Steps {
		if expr.MatchString(step.Run) {
			t.Errorf("step %q splices an expression into its script: %q", step.ID, expr.FindString(step.Run))
		}
		for _, values := range []map[string]string{step.Env, step.With, {"if": step.If}} {
			for _, v := range values {
				for _, m := range input.FindAllStringSubmatch(v, -1) {
					used[m[1]] = true
				}
			}
		}
		if strings.Contains(step.Run, "$GITHUB_ACTION_PATH/") {
			script := strings.Trim(strings.Fields(strings.SplitN(step.Run, "$GITHUB_ACTION_PATH/", 2)[1])[0], `"`)
			if _, err := os.Stat(filepath.Join("..", script)); err != nil {
				t.Errorf("step %q runs %s: %v", step.ID, script, err)
			}
		}
	}
	for name := range a.Inputs {
		if !used[name] {
			t.Errorf("input %q is not passed to any step", name)
		}
	}
	for _, name := range []string{"sarif-file", "html-file", "findings", "exit-code"} {
		if a.Outputs[name].Value == "" {
			t.Errorf("output %q is missing", name)
		}
	}
}

// fakeRelease writes a release directory laid out like GitHub's download
// URLs (latest/download/ and download/vX/) holding a specter archive for
// this machine and checksums.txt.
func fakeRelease(t *testing.T, binary string, tamper bool) (string, string) {
	t.Helper()
	root := t.TempDir()
	asset := fmt.Sprintf("specter_%s_%s.tar.gz", runtime.GOOS, runtime.GOARCH)
	data, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	var archive bytes.Buffer
	gz := gzip.NewWriter(&archive)
	tw := tar.NewWriter(gz)
	for _, f := range []struct {
		name string
		body []byte
		mode int64
	}{{"specter", data, 0o755}, {"README.md", []byte("readme\n"), 0o644}} {
		tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body)), Typeflag: tar.TypeReg})
		tw.Write(f.body)
	}
	tw.Close()
	gz.Close()
	sum := sha256.Sum256(archive.Bytes())
	body := archive.Bytes()
	if tamper {
		body = append(append([]byte(nil), body...), 0)
	}
	checksums := fmt.Sprintf("%s  %s\n%s  specter_other_arch.tar.gz\n", hex.EncodeToString(sum[:]), asset, strings.Repeat("0", 64))
	for _, dir := range []string{"latest/download", "download/v9.9.9"} {
		d := filepath.Join(root, filepath.FromSlash(dir))
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, asset), body, 0o644)
		os.WriteFile(filepath.Join(d, "checksums.txt"), []byte(checksums), 0o644)
	}
	return "file://" + filepath.ToSlash(root), asset
}

func runnerOS() string {
	return map[string]string{"linux": "Linux", "darwin": "macOS"}[runtime.GOOS]
}

func runnerArch() string {
	return map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
}

type scriptResult struct {
	code    int
	output  string
	outputs map[string]string
	path    string
}

// runScript runs one of the action's scripts (a path relative to this
// directory) in dir with a runner-like
// environment: fresh GITHUB_OUTPUT, GITHUB_PATH and RUNNER_TEMP.
func runScript(t *testing.T, dir, script string, env ...string) scriptResult {
	t.Helper()
	tmp := t.TempDir()
	outputs := filepath.Join(tmp, "output")
	pathFile := filepath.Join(tmp, "path")
	abs, _ := filepath.Abs(script)
	cmd := exec.Command("bash", abs)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "RUNNER_TEMP="+tmp, "GITHUB_OUTPUT="+outputs, "GITHUB_PATH="+pathFile,
		"GITHUB_STEP_SUMMARY="+filepath.Join(tmp, "summary"), "GITHUB_ACTIONS=true", "CI=true",
		"RUNNER_OS="+runnerOS(), "RUNNER_ARCH="+runnerArch())
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running %s: %v", script, err)
		}
		code = ee.ExitCode()
	}
	res := scriptResult{code: code, output: string(out), outputs: map[string]string{}}
	data, _ := os.ReadFile(outputs)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			res.outputs[k] = v
		}
	}
	p, _ := os.ReadFile(pathFile)
	res.path = strings.TrimSpace(string(p))
	return res
}

func requireTools(t *testing.T) {
	t.Helper()
	if runnerOS() == "" || runnerArch() == "" {
		t.Skipf("the scripts are tested on Linux and macOS, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	for _, tool := range []string{"bash", "curl", "tar", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// buildSpecter builds the binary the fake releases ship, once per test
// binary.
func buildSpecter(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "specter-action-test")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "specter")
		build := exec.Command("go", "build", "-o", builtBin, "-ldflags", "-X main.version=v9.9.9", "../cmd/specter")
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building specter: %v", buildErr)
	}
	return builtBin
}

func TestInstallAndRunSteps(t *testing.T) {
	requireTools(t)
	release, asset := fakeRelease(t, buildSpecter(t), false)

	for _, version := range []string{"latest", "9.9.9", "v9.9.9"} {
		res := runScript(t, ".", "install.sh", "SPECTER_VERSION="+version, "SPECTER_RELEASE_URL="+release)
		if res.code != 0 || !strings.Contains(res.output, "specter v9.9.9") {
			t.Fatalf("install %s: exit %d\n%s", version, res.code, res.output)
		}
		if res.outputs["path"] != filepath.Join(res.path, "specter") {
			t.Errorf("install %s: path output %q, GITHUB_PATH %q", version, res.outputs["path"], res.path)
		}
	}

	installed := runScript(t, ".", "install.sh", "SPECTER_RELEASE_URL="+release)
	bin := installed.outputs["path"]
	repo, _ := filepath.Abs("..")
	sarif := filepath.Join(t.TempDir(), "out.sarif")

	html := filepath.Join(t.TempDir(), "report.html")
	scan := runScript(t, repo, "run.sh", "SPECTER_BIN="+bin, "SPECTER_PATHS=testdata/examples",
		"SPECTER_SARIF_FILE="+sarif, "SPECTER_FAIL_ON=", "SPECTER_ARGS=", "SPECTER_HTML_FILE="+html)
	if page, err := os.ReadFile(html); err != nil || !bytes.Contains(page, []byte(`id="specter-data"`)) || scan.outputs["html-file"] != html {
		t.Errorf("html-file: read error %v, output %q; want the page written beside the SARIF", err, scan.outputs["html-file"])
	}
	if scan.code != 0 {
		t.Fatalf("run step failed instead of recording the exit code: %d\n%s", scan.code, scan.output)
	}
	if scan.outputs["exit-code"] != "1" || scan.outputs["sarif-file"] != sarif || scan.outputs["findings"] == "" || scan.outputs["findings"] == "0" {
		t.Errorf("outputs = %v, want exit-code 1, the SARIF file, some findings", scan.outputs)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	data, err := os.ReadFile(sarif)
	if err != nil || json.Unmarshal(data, &log) != nil || log.Version != "2.1.0" || len(log.Runs[0].Results) == 0 {
		t.Errorf("SARIF file: %v, version %q", err, log.Version)
	}
	if !strings.Contains(scan.output, "::error file=testdata/examples/") {
		t.Errorf("no annotations in the step log:\n%.2000s", scan.output)
	}

	pass := runScript(t, repo, "run.sh", "SPECTER_BIN="+bin, "SPECTER_PATHS=testdata/examples/petstore-refs testdata/examples/legacy-swagger-2.0.yaml",
		"SPECTER_SARIF_FILE="+sarif, "SPECTER_FAIL_ON=none", "SPECTER_ARGS=--exclude testdata/examples/petstore-refs/**")
	if _, ok := pass.outputs["html-file"]; ok {
		t.Errorf("html-file output without SPECTER_HTML_FILE: %v", pass.outputs)
	}
	if pass.code != 0 || pass.outputs["exit-code"] != "0" || pass.outputs["findings"] == "" || pass.outputs["findings"] == "0" {
		t.Errorf("fail-on none with two paths and an exclude: exit %d, outputs %v\n%s", pass.code, pass.outputs, pass.output)
	}
	if data, err := os.ReadFile(sarif); err != nil || strings.Contains(string(data), "petstore-refs") || !strings.Contains(string(data), "legacy-swagger-2.0.yaml") {
		t.Errorf("the SARIF of the second run must cover legacy-swagger-2.0.yaml and nothing under the excluded petstore-refs (read error %v)", err)
	}

	// Inputs are data, never shell code.
	work := t.TempDir()
	hostile := runScript(t, work, "run.sh", "SPECTER_BIN="+bin,
		"SPECTER_PATHS=$(touch pwned-paths) `touch pwned-tick`", "SPECTER_ARGS=--fail-on;touch${IFS}pwned-args",
		"SPECTER_CONFIG=x\"; touch pwned-config; \"", "SPECTER_SARIF_FILE=out.sarif")
	if matches, _ := filepath.Glob(filepath.Join(work, "pwned*")); len(matches) > 0 {
		t.Errorf("an input ran as shell code: %v", matches)
	}
	if hostile.code != 0 || hostile.outputs["exit-code"] != "2" {
		t.Errorf("hostile inputs: exit %d, outputs %v (want specter's usage error recorded)\n%s", hostile.code, hostile.outputs, hostile.output)
	}
	_ = asset
}

func TestInstallRejectsBadDownloads(t *testing.T) {
	requireTools(t)
	bin := buildSpecter(t)
	tampered, asset := fakeRelease(t, bin, true)
	res := runScript(t, ".", "install.sh", "SPECTER_RELEASE_URL="+tampered)
	if res.code == 0 || !strings.Contains(res.output, "checksum mismatch for "+asset) {
		t.Errorf("tampered archive: exit %d\n%s", res.code, res.output)
	}
	release, _ := fakeRelease(t, bin, false)
	for name, env := range map[string][]string{
		"missing version":   {"SPECTER_VERSION=1.0.0"},
		"unlisted asset":    {"RUNNER_ARCH=ARM64", "RUNNER_OS=Linux"},
		"unknown arch":      {"RUNNER_ARCH=S390X"},
		"version injection": {"SPECTER_VERSION=latest/../../x"},
	} {
		if runtime.GOARCH == "arm64" && name == "unlisted asset" {
			continue
		}
		res := runScript(t, ".", "install.sh", append([]string{"SPECTER_RELEASE_URL=" + release}, env...)...)
		if res.code == 0 || !strings.Contains(res.output, "::error title=specter install::") {
			t.Errorf("%s: exit %d\n%s", name, res.code, res.output)
		}
	}
}

// TestInputsDocumented checks that docs/ci/github.md describes every input
// and output of the action.
func TestInputsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "ci", "github.md"))
	if err != nil {
		t.Fatal(err)
	}
	a := readAction(t)
	for name := range a.Inputs {
		if !strings.Contains(string(doc), "| `"+name+"` |") {
			t.Errorf("docs/ci/github.md has no table row for input %q", name)
		}
	}
	for name := range a.Outputs {
		if !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("docs/ci/github.md does not name output %q", name)
		}
	}
}
