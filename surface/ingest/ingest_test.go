package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/discover"
)

func walk(t *testing.T, paths ...string) *discover.Result {
	t.Helper()
	res, err := discover.Walk(context.Background(), paths, discover.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func examplesDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadExamples(t *testing.T) {
	walked := walk(t, examplesDir(t))
	res, err := Load(context.Background(), walked.Files, Options{Models: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 0 {
		t.Fatalf("problems: %v", res.Problems)
	}
	s := res.Surface
	formats := map[string]surface.Format{}
	for _, f := range s.Files {
		formats[filepath.Base(f.Path)] = f.Format
	}
	want := map[string]surface.Format{
		"payments-openapi-3.0.yaml":                   surface.FormatOpenAPI30,
		"inventory-openapi-3.1.json":                  surface.FormatOpenAPI31,
		"legacy-swagger-2.0.yaml":                     surface.FormatSwagger20,
		"openapi.yaml":                                surface.FormatOpenAPI30,
		"storefront.postman_collection.json":          surface.FormatPostman21,
		"storefront-staging.postman_environment.json": surface.FormatPostmanEnvironment,
		"pets.yaml":                                   surface.FormatOther,
		"README.md":                                   surface.FormatOther,
	}
	for name, format := range want {
		if got, ok := formats[name]; !ok || got != format {
			t.Errorf("%s: format %q (present %v), want %q", name, got, ok, format)
		}
	}
	if len(s.APIs) != 5 {
		t.Errorf("APIs = %d, want 5", len(s.APIs))
	}
	if len(s.Environments) != 1 || s.Environments[0].Name != "Storefront staging" {
		t.Errorf("environments = %+v", s.Environments)
	}
	// Files reached through $ref are parsed, so secrets and findings in
	// them get pointers.
	for _, f := range s.Files {
		if strings.HasSuffix(f.Path, "schemas/pet.yaml") && f.Tree == nil {
			t.Error("schemas/pet.yaml was reached through $ref but has no tree")
		}
	}
	if len(s.Ignores) != 1 || s.Ignores[0].Pointer != "/paths/~1health" {
		t.Errorf("ignores = %+v", s.Ignores)
	}
	// Environment values resolve into the collection's requests.
	for _, api := range s.APIs {
		if api.Format != surface.FormatPostman21 {
			continue
		}
		for _, op := range api.Operations {
			if op.OperationID != "" && op.Request != nil && strings.Contains(op.Request.RawURL, "{{baseUrl}}") &&
				!strings.HasPrefix(op.Request.URL, "https://staging.storefront.example.com") {
				t.Errorf("%s: URL %q not resolved from the environment", op.Summary, op.Request.URL)
			}
		}
	}
}

func TestLoadTreesOnly(t *testing.T) {
	walked := walk(t, examplesDir(t))
	res, err := Load(context.Background(), walked.Files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Surface.APIs) != 0 {
		t.Error("models were loaded without Options.Models")
	}
	trees := 0
	for _, f := range res.Surface.Files {
		if f.Tree != nil {
			trees++
		}
	}
	if trees != 6 {
		t.Errorf("%d files parsed, want the 6 recognised documents", trees)
	}
}

func TestProblems(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"broken-spec.yaml":  "openapi: 3.0.3\ninfo: [\n",
		"notes.yaml":        "text: mentions openapi in passing\nbroken: [\n",
		"unsupported.yaml":  "openapi: 4.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
		"escaping-ref.yaml": "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    $ref: ../outside.yaml\n",
		"fine.yaml":         "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	walked := walk(t, dir)
	res, err := Load(context.Background(), walked.Files, Options{Models: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range res.Problems {
		got[filepath.Base(p.Path)] = p.Err.Error()
	}
	for name, want := range map[string]string{
		"broken-spec.yaml":  "malformed YAML",
		"unsupported.yaml":  "unsupported OpenAPI version",
		"escaping-ref.yaml": "--allow-remote-refs",
	} {
		if !strings.Contains(got[name], want) {
			t.Errorf("%s: problem %q, want one containing %q", name, got[name], want)
		}
	}
	for _, quiet := range []string{"notes.yaml", "fine.yaml"} {
		if msg, ok := got[quiet]; ok {
			t.Errorf("%s must not be a problem, got %q", quiet, msg)
		}
	}
	if len(res.Surface.APIs) != 1 {
		t.Errorf("APIs = %d, want only fine.yaml", len(res.Surface.APIs))
	}
}

func TestCheckNamed(t *testing.T) {
	s := &surface.Surface{Files: []*surface.File{
		{Path: "a/spec.yaml", Format: surface.FormatOpenAPI30},
		{Path: "b/notes.txt"},
	}}
	problems := CheckNamed(s, map[string][]string{"a": {"a/spec.yaml"}, "b": {"b/notes.txt"}, "c": nil})
	if len(problems) != 2 || problems[0].Path != "b" || problems[1].Path != "c" {
		t.Fatalf("problems = %v, want b and c", problems)
	}
}

func TestLoadCancelled(t *testing.T) {
	walked := walk(t, examplesDir(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, walked.Files, Options{Models: true}); err == nil {
		t.Fatal("Load ignored a cancelled context")
	}
}

func TestProblemNamesTheFileOnce(t *testing.T) {
	for _, tt := range []struct {
		p    Problem
		want string
	}{
		{Problem{Path: "a.yaml", Err: errors.New("malformed YAML: x")}, "a.yaml: malformed YAML: x"},
		{Problem{Path: "a.yaml", Err: errors.New("a.yaml:3:4: $ref refused")}, "a.yaml:3:4: $ref refused"},
	} {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestLoadMCPOnlyFolder(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "mcp", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	walked := walk(t, dir)
	res, err := Load(context.Background(), walked.Files, Options{Models: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 0 {
		t.Fatalf("problems: %v", res.Problems)
	}
	want := map[string]surface.Format{
		"vscode-mcp.json":            surface.FormatMCPConfig,
		"claude_desktop_config.json": surface.FormatMCPConfig,
		"zed-settings.json":          surface.FormatMCPConfig,
		"tools-rpc.json":             surface.FormatMCPTools,
		"server.json":                surface.FormatMCPServerManifest,
		"not-mcp-package.json":       surface.FormatOther,
	}
	for _, f := range res.Surface.Files {
		if format, ok := want[filepath.Base(f.Path)]; ok && f.Format != format {
			t.Errorf("%s: format %q, want %q", f.Path, f.Format, format)
		}
		if f.Format.IsMCP() && f.Tree == nil {
			t.Errorf("%s: MCP file without a tree", f.Path)
		}
	}
	if problems := CheckNamed(res.Surface, walked.Named); len(problems) != 0 {
		t.Errorf("a folder of MCP files is valid input; got %v", problems)
	}
}
