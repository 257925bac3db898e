package secrets

import (
	"strconv"
	"strings"

	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface/mcp"
)

// mcpServers checks the servers of an MCP client config or server.json
// manifest: env entries and command-line arguments holding credentials
// (agentvalues.go says which), credential headers and URL query tokens.
// Passwords in URL userinfo (connection strings too) are left to
// userinfoInTree, which runs on every tree.
func (w *walker) mcpServers() {
	f := w.st.file
	for _, s := range mcp.Servers(f.Tree, f.Format) {
		server := strconv.Quote(s.Name)
		for _, e := range s.Env {
			if start, end, kind, ok := envCredential(e.Name, e.Text); ok && kind != KindURLPassword {
				w.report(RuleSecretsMCPConfig, "MCP server "+server+" gets a hard-coded credential in env "+strconv.Quote(e.Name), e.Text[start:end], e.Node, e.Pointer)
			}
		}
		w.mcpArgs(server, s.Args)
		for _, h := range s.Headers {
			if !sensitive.IsCredentialHeader(h.Name) {
				continue
			}
			if secret, ok := headerSecret(h.Name, h.Text); ok {
				w.report(RuleSecretsHeader, "MCP server "+server+" sends header "+strconv.Quote(h.Name)+" with a hard-coded credential", secret, h.Node, h.Pointer)
			}
		}
		for _, u := range s.URLs {
			w.rawURL(u.Node, u.Pointer)
		}
	}
}

// mcpArgs reports the credentials argCredentials finds in a server's
// arguments, naming the flag that takes each one (or the argument's index).
func (w *walker) mcpArgs(server string, args []mcp.Value) {
	texts := make([]string, len(args))
	for i, a := range args {
		texts[i] = a.Text
	}
	for _, sp := range argCredentials(texts) {
		if sp.Kind == KindURLPassword {
			continue
		}
		a := args[sp.Index]
		w.report(RuleSecretsMCPConfig, "MCP server "+server+" gets a hard-coded credential in argument "+strconv.Quote(argLabel(texts, sp)), a.Text[sp.Start:sp.End], a.Node, a.Pointer)
	}
}

// argLabel names where a credential sits in a command line: the flag of
// "--flag=value" or of "--flag value", else the argument's index.
func argLabel(args []string, sp ValueSpan) string {
	if sp.Kind == KindCredentialFlag {
		if name, _, ok := strings.Cut(args[sp.Index], "="); ok && sp.Start == len(name)+1 {
			return name
		}
		if sp.Index > 0 {
			return args[sp.Index-1]
		}
	}
	return "#" + strconv.Itoa(sp.Index)
}
