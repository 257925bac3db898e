package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func lintJSON(t *testing.T, dir string, args ...string) (jsonReport, result) {
	t.Helper()
	res := specter(t, dir, nil, append([]string{"lint", "-f", "json"}, args...)...)
	var rep jsonReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\nstdout: %.500s\nstderr: %s", err, res.stdout, res.stderr)
	}
	return rep, res
}

func TestLintFindsAtExactLineAndHonoursInlineIgnore(t *testing.T) {
	rep, res := lintJSON(t, ".", "testdata/lint/orders.yaml")
	if res.code != exitGateFailed {
		t.Fatalf("exit code %d, want %d\nstderr: %s", res.code, exitGateFailed, res.stderr)
	}
	var open, suppressed int
	for _, f := range rep.Findings {
		if f.RuleID != "lint/write-without-auth" {
			continue
		}
		switch f.Location.Pointer {
		case "/paths/~1orders/post":
			open++
			if f.Location.File != "testdata/lint/orders.yaml" || f.Location.Line != 7 || f.Location.Column != 5 || f.Suppressed {
				t.Errorf("POST /orders finding at %+v (suppressed %v), want testdata/lint/orders.yaml:7:5", f.Location, f.Suppressed)
			}
		case "/paths/~1health/put":
			suppressed++
			if !f.Suppressed || f.Suppression == nil || f.Suppression.Source != "x-specter-ignore" || f.Suppression.Reason != "internal probe behind the mesh" {
				t.Errorf("PUT /health finding not suppressed inline: %+v", f)
			}
		}
	}
	if open != 1 || suppressed != 1 {
		t.Errorf("write-without-auth: %d open and %d suppressed findings, want 1 and 1", open, suppressed)
	}
	for _, f := range rep.Findings {
		if f.RuleID[:5] != "lint/" {
			t.Errorf("lint ran another scanner's rule: %+v", f)
		}
	}
}

func TestLintExitCodes(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want int
	}{
		{"findings below the gate", []string{"--fail-on", "critical", "testdata/lint/orders.yaml"}, exitPass},
		{"findings at the gate", []string{"testdata/lint/orders.yaml"}, exitGateFailed},
		{"no spec where one is named", []string{"lint_e2e_test.go"}, exitInputError},
		{"missing path", []string{filepath.Join("testdata", "lint", "nope.yaml")}, exitInputError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := specter(t, ".", nil, append([]string{"lint", "-q"}, tt.args...)...)
			if res.code != tt.want {
				t.Errorf("exit code %d, want %d\nstderr: %s", res.code, tt.want, res.stderr)
			}
		})
	}
}

func TestScanIncludesLint(t *testing.T) {
	res := specter(t, ".", nil, "scan", "-f", "json", "--fail-on", "none", "testdata/lint/orders.yaml")
	if res.code != exitPass {
		t.Fatalf("exit code %d, want 0\nstderr: %s", res.code, res.stderr)
	}
	var rep jsonReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.RuleID == "lint/write-without-auth" && f.Location.Line == 7 {
			return
		}
	}
	t.Errorf("specter scan did not run the lint rules: %+v", rep.Findings)
}

// TestLintConfigSection: the config file's lint section reaches the rules
// (a stricter scope grammar flags a scope the default accepts).
func TestLintConfigSection(t *testing.T) {
	dir := t.TempDir()
	spec := `openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://a.example.com/t
          scopes:
            orders.read: Read
`
	writeFile(t, filepath.Join(dir, "api.yaml"), spec)
	count := func() int {
		rep, res := lintJSON(t, dir, "--fail-on", "none", "api.yaml")
		if res.code != exitPass {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		n := 0
		for _, f := range rep.Findings {
			if f.RuleID == "lint/scope-name-grammar" {
				n++
			}
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("default grammar: %d findings, want 0", n)
	}
	writeFile(t, filepath.Join(dir, ".specter.yaml"), "version: 1\nlint:\n  scope-pattern: \"^[a-z]+:[a-z]+$\"\n")
	if n := count(); n != 1 {
		t.Errorf("configured grammar: %d findings, want 1", n)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
