// Package gitlab holds the GitLab CI template and CI/CD component
// (specter.gitlab-ci.yml) and its tests, which run the job's script
// locally the way a GitLab runner would.
package gitlab

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v4"
)

type specHeader struct {
	Spec struct {
		Inputs map[string]struct {
			Default any      `yaml:"default"`
			Type    string   `yaml:"type"`
			Options []string `yaml:"options"`
		} `yaml:"inputs"`
	} `yaml:"spec"`
}

type job struct {
	Script    []string          `yaml:"script"`
	Variables map[string]string `yaml:"variables"`
	Artifacts struct {
		When    string            `yaml:"when"`
		Reports map[string]string `yaml:"reports"`
		Paths   []string          `yaml:"paths"`
	} `yaml:"artifacts"`
}

var inputRef = regexp.MustCompile(`\$\[\[\s*inputs\.([a-z-]+)\s*\]\]`)

// readTemplate returns the spec header, the raw job document and the
// job with inputs interpolated.
func readTemplate(t *testing.T, inputs map[string]string) (specHeader, string, job) {
	t.Helper()
	data, err := os.ReadFile("specter.gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var header specHeader
	if err := dec.Decode(&header); err != nil {
		t.Fatalf("spec header: %v", err)
	}
	parts := strings.SplitN(string(data), "\n---\n", 2)
	if len(parts) != 2 {
		t.Fatal("no --- between the spec header and the job")
	}
	body := inputRef.ReplaceAllStringFunc(parts[1], func(ref string) string {
		name := inputRef.FindStringSubmatch(ref)[1]
		if v, ok := inputs[name]; ok {
			return v
		}
		in, ok := header.Spec.Inputs[name]
		if !ok {
			t.Errorf("the job uses undeclared input %q", name)
		}
		if in.Default == nil {
			return ""
		}
		return fmt.Sprint(in.Default)
	})
	var jobs map[string]job
	if err := yaml.Unmarshal([]byte(body), &jobs); err != nil {
		t.Fatalf("job document after interpolation: %v\n%s", err, body)
	}
	if len(jobs) != 1 {
		t.Fatalf("%d jobs, want 1", len(jobs))
	}
	for name, j := range jobs {
		if !strings.HasSuffix(name, "specter_sast") {
			t.Errorf("job name %q does not follow GitLab's <tool>_sast convention", name)
		}
		return header, parts[1], j
	}
	panic("unreachable")
}

func TestTemplateDeclaresWhatItUses(t *testing.T) {
	header, body, j := readTemplate(t, nil)
	used := map[string]bool{}
	for _, m := range inputRef.FindAllStringSubmatch(body, -1) {
		used[m[1]] = true
	}
	for name := range header.Spec.Inputs {
		if !used[name] {
			t.Errorf("input %q is declared but not used", name)
		}
	}
	for _, line := range j.Script {
		if inputRef.MatchString(line) {
			t.Errorf("script line splices an input instead of reading a variable: %s", line)
		}
	}
	want := map[string]string{"sast": "gl-sast-report.json", "codequality": "gl-code-quality-report.json", "junit": "specter-junit.xml"}
	for kind, file := range want {
		if j.Artifacts.Reports[kind] != file {
			t.Errorf("artifacts:reports:%s = %q, want %q", kind, j.Artifacts.Reports[kind], file)
		}
	}
	if j.Artifacts.When != "always" {
		t.Error("reports must be uploaded when the gate fails too (artifacts:when: always)")
	}
}

// runJob runs the job's script with sh in dir, as a runner does: one
// shell, the job's variables and CI_PROJECT_DIR in the environment,
// stopping at the first failing line.
func runJob(t *testing.T, j job, dir string, env ...string) (int, string) {
	t.Helper()
	script := "set -e\n" + strings.Join(j.Script, "\n") + "\n"
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = t.TempDir() // the script must cd to CI_PROJECT_DIR itself
	cmd.Env = append(os.Environ(), "CI_PROJECT_DIR="+dir, "GITLAB_CI=true", "CI=true", "GITHUB_ACTIONS=")
	for k, v := range j.Variables {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	}
	t.Fatalf("running the job: %v", err)
	return 0, ""
}

func buildSpecter(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "specter"), "../../cmd/specter")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building specter: %v\n%s", err, out)
	}
	return dir
}

// project makes a git repository holding two example files, committed
// in two steps, and returns its directory and the first commit.
func project(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	copyFile := func(name string) {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dir, "api"), 0o755)
		os.WriteFile(filepath.Join(dir, "api", name), data, 0o644)
	}
	git("init", "-q")
	copyFile("payments-openapi-3.0.yaml")
	git("add", "-A")
	git("commit", "-q", "-m", "one")
	base := git("rev-parse", "HEAD")
	copyFile("storefront.postman_collection.json")
	git("add", "-A")
	git("commit", "-q", "-m", "two")
	return dir, base
}

func requireTools(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("GitLab jobs with this template run in a Linux image")
	}
	for _, tool := range []string{"sh", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
}

func TestJobWritesValidReports(t *testing.T) {
	requireTools(t)
	bin := buildSpecter(t)
	path := "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")
	dir, base := project(t)
	_, _, j := readTemplate(t, map[string]string{"paths": "api"})

	code, out := runJob(t, j, dir, path)
	if code != 1 {
		t.Fatalf("job exit %d, want 1 (the gate fails on the examples' secrets)\n%s", code, out)
	}
	sch := compileSchema(t, "gitlab-sast-report-format.schema.json")
	sast := readFile(t, dir, "gl-sast-report.json")
	if err := validate(sch, sast); err != nil {
		t.Errorf("gl-sast-report.json: %v", err)
	}
	cq := readFile(t, dir, "gl-code-quality-report.json")
	if err := validate(compileSchema(t, "codequality.schema.json"), cq); err != nil {
		t.Errorf("gl-code-quality-report.json: %v", err)
	}
	var junit struct {
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(readFile(t, dir, "specter-junit.xml"), &junit); err != nil || junit.Failures == 0 {
		t.Errorf("specter-junit.xml: %v, %d failures", err, junit.Failures)
	}
	if page := readFile(t, dir, "specter-report.html"); !bytes.Contains(page, []byte(`id="specter-data"`)) {
		t.Error("specter-report.html is not specter's HTML report")
	}
	var all struct{ Vulnerabilities []json.RawMessage }
	json.Unmarshal(sast, &all)

	// In a merge request pipeline only the second commit's findings count.
	for _, f := range []string{"gl-sast-report.json", "gl-code-quality-report.json", "specter-junit.xml", "specter-report.html"} {
		os.Remove(filepath.Join(dir, f))
	}
	code, out = runJob(t, j, dir, path, "CI_MERGE_REQUEST_DIFF_BASE_SHA="+base)
	var onlyNew struct {
		Vulnerabilities []struct{ Location struct{ File string } }
	}
	json.Unmarshal(readFile(t, dir, "gl-sast-report.json"), &onlyNew)
	if code != 1 || len(onlyNew.Vulnerabilities) == 0 || len(onlyNew.Vulnerabilities) >= len(all.Vulnerabilities) {
		t.Fatalf("merge request: exit %d, %d of %d vulnerabilities\n%s", code, len(onlyNew.Vulnerabilities), len(all.Vulnerabilities), out)
	}
	for _, v := range onlyNew.Vulnerabilities {
		if v.Location.File != "api/storefront.postman_collection.json" {
			t.Errorf("merge request report holds %s, which the merge request did not change", v.Location.File)
		}
	}

	// fail-on none passes; inputs are data, not shell code.
	_, _, lenient := readTemplate(t, map[string]string{"paths": "api $(touch pwned) `touch pwned2`", "fail-on": "none", "args": "--exclude *;touch${IFS}pwned3"})
	code, out = runJob(t, lenient, dir, path)
	if matches, _ := filepath.Glob(filepath.Join(dir, "pwned*")); len(matches) > 0 {
		t.Errorf("an input ran as shell code: %v", matches)
	}
	if code != 2 || !strings.Contains(out, "$(touch") {
		t.Errorf("hostile paths: exit %d, want specter's input error naming the literal path\n%s", code, out)
	}
	_, _, passing := readTemplate(t, map[string]string{"paths": "api", "fail-on": "none"})
	if code, out := runJob(t, passing, dir, path); code != 0 {
		t.Errorf("fail-on none: exit %d\n%s", code, out)
	}
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("the job did not write %s: %v", name, err)
	}
	return data
}

func compileSchema(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "reporters", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	id := doc.(map[string]any)["$id"].(string)
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validate(sch *jsonschema.Schema, doc []byte) error {
	inst, err := jsonschema.UnmarshalJSON(io.NopCloser(bytes.NewReader(doc)))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// TestInputsDocumented checks that docs/ci/gitlab.md describes every input.
func TestInputsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "ci", "gitlab.md"))
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := readTemplate(t, nil)
	for name := range header.Spec.Inputs {
		if !strings.Contains(string(doc), "| `"+name+"` |") {
			t.Errorf("docs/ci/gitlab.md has no table row for input %q", name)
		}
	}
}
