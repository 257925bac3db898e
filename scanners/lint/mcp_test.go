package lint

import (
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/mcp"
)

func TestDecodeHidden(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Search issues by keyword.", ""},
		{"ok\U000E0068\U000E0069", "«hi»"},
		{"a\u200bb\u202e", "\\u200B\\u202E"},
		{"Ελληνικά and English", ""},
	}
	for _, tt := range tests {
		if got := decodeHidden(tt.in); got != tt.want {
			t.Errorf("decodeHidden(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMixedScriptWords(t *testing.T) {
	tests := []struct{ in, want string }{
		{"r\u0435ad_file", `"r\u0435ad_file"`},
		{"Translate English to Ελληνικά or Русский", ""},
		{"caf\u00e9 na\u00efve", ""},
	}
	for _, tt := range tests {
		got := ""
		for i, w := range mixedScriptWords(tt.in) {
			if i > 0 {
				got += ","
			}
			got += w
		}
		if got != tt.want {
			t.Errorf("mixedScriptWords(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestToolAction(t *testing.T) {
	tests := []struct {
		name, description string
		destructive       bool
		verb, where       string
	}{
		{"delete_file", "", false, "delete", "name"},
		{"sendMessage", "", false, "send", "name"},
		{"branch_update", "", false, "update", "name"},
		{"get_post", "Get a blog post.", false, "", ""},
		{"list_commit", "", false, "", ""},
		{"records", "This tool deletes the given records.", false, "delete", "description"},
		{"volumes", "Wipes the given volume.", true, "wipe", "description"},
		{"get_removal_status", "Removes nothing; reports a removal's status.", true, "", ""},
		{"create_issue", "", true, "", ""},
		{"query", "Run a read-only SQL query", false, "", ""},
		{"sql", "Runs a SQL statement.", false, "run", "description"},
	}
	for _, tt := range tests {
		want := isChangeVerb
		if tt.destructive {
			want = func(w string) bool { return destructiveVerbs[w] }
		}
		tool := mcp.Tool{Name: tt.name, Description: mcp.Value{Text: tt.description}}
		if verb, where := toolAction(tool, want); verb != tt.verb || where != tt.where {
			t.Errorf("toolAction(%s, %q) = %q, %q; want %q, %q", tt.name, tt.description, verb, where, tt.verb, tt.where)
		}
	}
}

func TestAnswerServer(t *testing.T) {
	servers := []string{"github", "git", "gmail", "mailer"}
	tests := []struct{ path, want string }{
		{"captures/github.tools.json", "github"},
		{"tools-github.json", "github"},
		{"github.json", "github"},
		{"tools_git.json", "git"},
		{"mailer-2025-11.json", "mailer"},
		{"tools.json", ""},
		{"githubby.json", ""},
	}
	for _, tt := range tests {
		f := &surface.File{Path: tt.path}
		if got := answerServer(f, servers); got != tt.want {
			t.Errorf("answerServer(%s) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestDistinctiveName(t *testing.T) {
	for name, want := range map[string]bool{"send_email": true, "getUser": true, "fetch-url": true, "s3cp": true, "search": false, "add": false, "a_b": false} {
		if got := distinctiveName(name); got != want {
			t.Errorf("distinctiveName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestOpMatcherWraps(t *testing.T) {
	ops := map[string]*Operation{
		"create": {Method: "POST", Path: "/orders", ID: "createOrder"},
		"delete": {Method: "DELETE", Path: "/orders/{id}", ID: "deleteOrder"},
		"noid":   {Method: "PUT", Path: "/refunds/{id}"},
	}
	tests := []struct {
		op, name, text string
		how            string
		pathOnly       bool
	}{
		{"create", "create_order", "", "its name is the operationId createOrder", false},
		{"create", "orders", "Wraps createOrder.", "it names the operationId createOrder", false},
		{"create", "orders", "Wraps createOrders.", "", false},
		{"create", "orders", "Calls POST /orders.", "it names POST /orders", false},
		{"create", "orders", "Calls POST https://api.example.com/v1/orders", "it names POST /orders", false},
		{"create", "orders", "Reads /orders/{id}.", "", false},
		{"create", "orders", "Reads /orders-v2", "", false},
		{"create", "orders", "Summary of https://api.example.com/v1/orders for the dashboard.", "it names the path /orders", true},
		{"delete", "cleanup", "Calls DELETE /orders/:id on stale ones", "it names DELETE /orders/{id}", false},
		{"delete", "details", "GET /orders/{id}", "it names the path /orders/{id}", true},
		{"noid", "refund", "Show https://api.example.com/v1/refunds/{id}", "it names the path /refunds/{id}", true},
	}
	for _, tt := range tests {
		how, pathOnly := newOpMatcher(ops[tt.op]).wraps(tt.name, tt.name+"\n"+tt.text)
		if how != tt.how || pathOnly != tt.pathOnly {
			t.Errorf("%s wraps(%s, %q) = %q, %v; want %q, %v", tt.op, tt.name, tt.text, how, pathOnly, tt.how, tt.pathOnly)
		}
	}
}
