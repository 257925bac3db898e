package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGitHubActionsMode runs a scan the way a GitHub Actions step does and
// checks the annotations, the job summary and the step outputs.
func TestGitHubActionsMode(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	summary := filepath.Join(dir, "summary.md")
	outputs := filepath.Join(dir, "output")
	os.WriteFile(summary, []byte("earlier step\n"), 0o644)
	env := []string{"GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY=" + summary, "GITHUB_OUTPUT=" + outputs}
	sarif := filepath.Join(dir, "specter.sarif")
	res := specter(t, root, env, "scan", "testdata/examples", "-f", "sarif", "-o", sarif)
	if res.code != exitGateFailed {
		t.Fatalf("exit %d, want %d\nstderr: %s", res.code, exitGateFailed, res.stderr)
	}
	rep, _ := scanJSON(t, root, "testdata/examples")
	active := 0
	for _, f := range rep.Findings {
		if !f.Suppressed {
			active++
		}
	}
	var annotations []string
	for _, line := range strings.Split(res.stderr, "\n") {
		if strings.HasPrefix(line, "::") {
			annotations = append(annotations, line)
		}
	}
	if len(annotations) != active || active == 0 {
		t.Errorf("%d annotations on stderr for %d unsuppressed findings", len(annotations), active)
	}
	if len(annotations) > 0 && !strings.HasPrefix(annotations[0], "::error file=testdata/examples/") {
		t.Errorf("first annotation is not an error on an example file: %s", annotations[0])
	}
	sum, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(sum), "earlier step\n## specter scan: ❌ gate failed") {
		t.Errorf("job summary was not appended:\n%.300s", sum)
	}
	out, err := os.ReadFile(outputs)
	if err != nil {
		t.Fatal(err)
	}
	if want := "findings=" + strconv.Itoa(active) + "\ngate=failed\n"; string(out) != want {
		t.Errorf("step outputs = %q, want %q", out, want)
	}
	for _, s := range plantedSecrets {
		if strings.Contains(res.stderr, s) || strings.Contains(string(sum), s) {
			t.Errorf("annotations or summary contain the secret %q", s)
		}
	}

	// -f github on stdout is not repeated on stderr.
	again := specter(t, root, []string{"GITHUB_ACTIONS=true"}, "scan", "testdata/examples", "-f", "github")
	if strings.Contains(again.stderr, "::error") || strings.Count(again.stdout, "::error") == 0 {
		t.Errorf("-f github: annotations on stderr or missing from stdout\nstderr: %s", again.stderr)
	}
	// Outside Actions nothing of this is written.
	plain := specter(t, root, nil, "scan", "testdata/examples", "-f", "json")
	if strings.Contains(plain.stderr, "::") {
		t.Errorf("annotations outside GitHub Actions:\n%s", plain.stderr)
	}
}
