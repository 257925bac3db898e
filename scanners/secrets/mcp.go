package secrets

import (
	"strconv"
	"strings"

	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface/mcp"
)

// mcpServers checks the servers of an MCP client config or server.json
// manifest: env values named like credentials or shaped like provider
// keys, credential arguments, credential headers and URL query tokens.
// Passwords in URL userinfo (connection strings too) are left to
// userinfoInTree, which runs on every tree.
func (w *walker) mcpServers() {
	f := w.st.file
	for _, s := range mcp.Servers(f.Tree, f.Format) {
		server := strconv.Quote(s.Name)
		for _, e := range s.Env {
			if secret, ok := credentialValue(e.Name, e.Text); ok {
				w.report(RuleSecretsMCPConfig, "MCP server "+server+" gets a hard-coded credential in env "+strconv.Quote(e.Name), secret, e.Node, e.Pointer)
			}
		}
		for _, a := range argCredentials(s.Args) {
			w.report(RuleSecretsMCPConfig, "MCP server "+server+" gets a hard-coded credential in argument "+strconv.Quote(a.flag), a.secret, a.value.Node, a.value.Pointer)
		}
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

// credentialValue reports the secret a named value holds: any
// provider-shaped key, or under a credential name a single-word value that
// is not a placeholder.
func credentialValue(name, value string) (string, bool) {
	v := strings.TrimSpace(value)
	if sensitive.LooksLikeProviderKey(v) {
		return v, true
	}
	if !sensitive.IsCredentialName(name) || sensitive.IsPlaceholder(v) || strings.ContainsAny(v, " \t\n") {
		return "", false
	}
	return v, true
}

// argCredential is a credential found in a command's arguments.
type argCredential struct {
	flag   string
	secret string
	value  mcp.Value
}

// argCredentials finds credentials in an argument list: --name=value and
// --name value where the flag names a credential, and provider-shaped keys
// in any argument.
func argCredentials(args []mcp.Value) []argCredential {
	var out []argCredential
	for i := 0; i < len(args); i++ {
		a := args[i]
		flag, inline, hasInline := strings.Cut(a.Text, "=")
		isFlag := strings.HasPrefix(flag, "-") && !strings.ContainsAny(flag, " /")
		switch {
		case isFlag && hasInline:
			if secret, ok := credentialValue(strings.TrimLeft(flag, "-"), inline); ok {
				out = append(out, argCredential{flag: flag, secret: secret, value: a})
				continue
			}
		case isFlag && i+1 < len(args) && !strings.HasPrefix(args[i+1].Text, "-"):
			if sensitive.IsCredentialName(strings.TrimLeft(flag, "-")) {
				next := args[i+1]
				if secret, ok := credentialValue(strings.TrimLeft(flag, "-"), next.Text); ok {
					out = append(out, argCredential{flag: flag, secret: secret, value: next})
				}
				i++
				continue
			}
		}
		if sensitive.LooksLikeProviderKey(a.Text) {
			out = append(out, argCredential{flag: "#" + strconv.Itoa(i), secret: providerKeyIn(a.Text), value: a})
		}
	}
	return out
}

// providerKeyIn narrows an argument holding a provider key to the key
// (after a "=" or ":" when there is one) so the redacted value and the
// column point at it.
func providerKeyIn(arg string) string {
	if i := strings.LastIndexAny(arg, "=:"); i >= 0 && sensitive.LooksLikeProviderKey(arg[i+1:]) {
		return arg[i+1:]
	}
	return arg
}
