package mcp

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

func parseFixture(t *testing.T, name string) *sourcemap.Tree {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := sourcemap.Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return tree
}

func TestDetect(t *testing.T) {
	tests := []struct {
		file string
		want surface.Format
	}{
		{"vscode-mcp.json", surface.FormatMCPConfig},
		{"claude_desktop_config.json", surface.FormatMCPConfig},
		{"zed-settings.json", surface.FormatMCPConfig},
		{"vscode-settings.json", surface.FormatMCPConfig},
		{"tools-list.json", surface.FormatMCPTools},
		{"tools-rpc.json", surface.FormatMCPTools},
		{"server.json", surface.FormatMCPServerManifest},
		{"not-mcp-package.json", surface.FormatOther},
		{"not-mcp-compose.yaml", surface.FormatOther},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if got := Detect(parseFixture(t, tt.file)); got != tt.want {
				t.Errorf("Detect = %q, want %q", got, tt.want)
			}
		})
	}
}

// describe renders servers as name, then kind:pointer@line:col=text lines.
func describe(servers []Server) string {
	var b strings.Builder
	line := func(kind, name string, v Value) {
		b.WriteString(kind + " " + name + " " + v.Pointer + "@" + itoa(v.Node.Line) + ":" + itoa(v.Node.Column) + "=" + v.Text + "\n")
	}
	for _, s := range servers {
		b.WriteString("server " + s.Name + " " + s.Pointer + "\n")
		for _, a := range s.Args {
			line("arg", "", a)
		}
		for _, e := range s.Env {
			line("env", e.Name, e.Value)
		}
		for _, u := range s.URLs {
			line("url", "", u)
		}
		for _, h := range s.Headers {
			line("header", h.Name, h.Value)
		}
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestServers(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"vscode-mcp.json", `server github /servers/github
url  /servers/github/url@8:14=https://api.githubcopilot.com/mcp/
header Authorization /servers/github/headers/Authorization@9:36=Bearer ${input:github-token}
server postgres /servers/postgres
arg  /servers/postgres/args/0@13:16=-y
arg  /servers/postgres/args/1@13:22=@modelcontextprotocol/server-postgres
arg  /servers/postgres/args/2@13:63=postgresql://app:${env:PGPASSWORD}@db.internal:5432/app
`},
		{"zed-settings.json", `server linear /context_servers/linear
arg  /context_servers/linear/command/args/0@6:43=-y
arg  /context_servers/linear/command/args/1@6:49=linear-mcp
env LINEAR_API_KEY /context_servers/linear/command/env/LINEAR_API_KEY@6:90=${LINEAR_API_KEY}
`},
		{"server.json", `server io.github.example/weather /packages/0
arg  /packages/0/packageArguments/0/name@10:54=--units
arg  /packages/0/packageArguments/0/value@10:74=metric
server io.github.example/weather /remotes/0
url  /remotes/0/url@15:40=https://weather.example.com/mcp
`},
		{"tools-list.json", ``},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			tree := parseFixture(t, tt.file)
			if got := describe(Servers(tree, Detect(tree))); got != tt.want {
				t.Errorf("Servers:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestTools(t *testing.T) {
	tree := parseFixture(t, "tools-annotated.json")
	if got := ServerName(tree); got != "files" {
		t.Errorf("ServerName = %q, want files", got)
	}
	var b strings.Builder
	for _, tool := range Tools(tree, Detect(tree)) {
		a := tool.Annotations
		fmt.Fprintf(&b, "tool %s %s title=%q readOnly=%v/%v@%s destructive=%v/%v@%s\n", tool.Name, a.Pointer,
			a.Title.Text, a.ReadOnly.Set, a.ReadOnly.Value, a.ReadOnly.Pointer, a.Destructive.Set, a.Destructive.Value, a.Destructive.Pointer)
		for _, p := range tool.Params {
			fmt.Fprintf(&b, "param %s %s type=%s bounds=%v\n", p.Name, p.Pointer, p.Type, p.Bounds)
		}
	}
	want := `tool delete_file /result/tools/0/annotations title="Delete file" readOnly=true/false@/result/tools/0/annotations/readOnlyHint destructive=true/true@/result/tools/0/annotations/destructiveHint
param path /result/tools/0/inputSchema/properties/path type=string bounds=[pattern maxLength]
param mode /result/tools/0/inputSchema/properties/mode type=string bounds=[enum]
param force /result/tools/0/inputSchema/properties/force type=boolean bounds=[]
tool read_file /result/tools/1/annotations title="" readOnly=false/false@ destructive=false/false@
param path /result/tools/1/inputSchema/properties/path type=string bounds=[]
`
	if got := b.String(); got != want {
		t.Errorf("Tools:\n%s\nwant:\n%s", got, want)
	}
	if got := ServerName(parseFixture(t, "tools-list.json")); got != "" {
		t.Errorf("ServerName of an answer without serverInfo = %q", got)
	}
}

func TestPromptsAndResources(t *testing.T) {
	tree := parseFixture(t, "tools-with-prompts.json")
	format := Detect(tree)
	if format != surface.FormatMCPTools {
		t.Fatalf("Detect = %v, want a tools/list answer", format)
	}
	var b strings.Builder
	for _, p := range Prompts(tree, format) {
		fmt.Fprintf(&b, "prompt %s %s %q@%s\n", p.Name, p.NamePointer, p.Description.Text, p.Description.Pointer)
		for _, a := range p.Args {
			fmt.Fprintf(&b, "arg %s %s %q@%s\n", a.Name, a.Pointer, a.Description.Text, a.Description.Pointer)
		}
	}
	for _, r := range Resources(tree, format) {
		fmt.Fprintf(&b, "%s %s %s %q@%s\n", r.Kind, r.Name, r.NamePointer, r.Description.Text, r.Description.Pointer)
	}
	want := `prompt summarize /result/prompts/0/name "Summarize a note."@/result/prompts/0/description
arg note_id /result/prompts/0/arguments/0/name "The note to summarize."@/result/prompts/0/arguments/0/description
arg style /result/prompts/0/arguments/1/name ""@
resource All notes /result/resources/0/name "Every note of the user."@/result/resources/0/description
resource template Note /result/resourceTemplates/0/name "One note by id."@/result/resourceTemplates/0/description
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// A bare answer without prompts, and a file that is not a tools/list
	// answer, have none.
	for _, fixture := range []string{"tools-list.json", "claude_desktop_config.json"} {
		tr := parseFixture(t, fixture)
		if p, r := Prompts(tr, Detect(tr)), Resources(tr, Detect(tr)); len(p)+len(r) != 0 {
			t.Errorf("%s: prompts %v, resources %v", fixture, p, r)
		}
	}
}
