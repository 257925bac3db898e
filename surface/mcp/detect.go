package mcp

import (
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// serverMapKeys are the members that hold a client config's servers, by
// client: "mcpServers" (Claude Desktop, Cursor, Windsurf, Claude Code),
// "servers" (VS Code .vscode/mcp.json), "context_servers" (Zed).
var serverMapKeys = []string{"mcpServers", "servers", "context_servers"}

// launchKeys are the members of which a server entry holds at least one.
var launchKeys = []string{"command", "url", "serverUrl", "httpUrl", "args", "env", "headers"}

// Detect tells an MCP client config, a tools/list answer or a server.json
// manifest by its content; anything else is FormatOther.
//
// A config is a mapping whose server map (or the "mcp" member's, as in VS
// Code settings) is a non-empty mapping of mappings, each with a command,
// url, args, env or headers member. A tools/list answer is {"tools": [...]}
// (or the "result" of a JSON-RPC envelope) whose non-empty list holds only
// mappings with a string name and an inputSchema mapping. A manifest has a
// $schema under modelcontextprotocol.io naming server.schema.json, or a
// name plus a packages or remotes list of mappings.
func Detect(t *sourcemap.Tree) surface.Format {
	if t == nil || t.Root == nil || t.Root.Kind != yaml.MappingNode {
		return surface.FormatOther
	}
	root := t.Root
	if _, servers := serverMap(root); servers != nil {
		return surface.FormatMCPConfig
	}
	if _, tools := toolsList(root); tools != nil {
		return surface.FormatMCPTools
	}
	if isManifest(root) {
		return surface.FormatMCPServerManifest
	}
	return surface.FormatOther
}

// serverMap finds a config's server map and its pointer.
func serverMap(root *yaml.Node) (string, *yaml.Node) {
	if ptr, m := serverMapIn(root, ""); m != nil {
		return ptr, m
	}
	if _, mcp := sourcemap.Member(root, "mcp"); mcp != nil && mcp.Kind == yaml.MappingNode {
		return serverMapIn(mcp, "/mcp")
	}
	return "", nil
}

func serverMapIn(holder *yaml.Node, base string) (string, *yaml.Node) {
	for _, key := range serverMapKeys {
		_, m := sourcemap.Member(holder, key)
		if m == nil || m.Kind != yaml.MappingNode || len(m.Content) == 0 {
			continue
		}
		ok := true
		for i := 1; i < len(m.Content); i += 2 {
			if !isServerEntry(m.Content[i]) {
				ok = false
				break
			}
		}
		if ok {
			return base + "/" + key, m
		}
	}
	return "", nil
}

func isServerEntry(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	for _, k := range launchKeys {
		if _, v := sourcemap.Member(n, k); v != nil {
			return true
		}
	}
	// Zed nests the launch under "command": {"path", "args", "env"}, or
	// under "settings"; an entry with "source" is a Zed extension server.
	_, src := sourcemap.Member(n, "source")
	return isScalar(src)
}

// toolsList finds the tools list of a tools/list answer and its pointer.
func toolsList(root *yaml.Node) (string, *yaml.Node) {
	holder, base := root, ""
	if _, res := sourcemap.Member(root, "result"); res != nil && res.Kind == yaml.MappingNode {
		if _, rpc := sourcemap.Member(root, "jsonrpc"); isScalar(rpc) {
			holder, base = res, "/result"
		}
	}
	_, tools := sourcemap.Member(holder, "tools")
	if tools == nil || tools.Kind != yaml.SequenceNode || len(tools.Content) == 0 {
		return "", nil
	}
	for _, tool := range tools.Content {
		_, name := sourcemap.Member(tool, "name")
		_, schema := sourcemap.Member(tool, "inputSchema")
		if tool.Kind != yaml.MappingNode || !isScalar(name) || schema == nil || schema.Kind != yaml.MappingNode {
			return "", nil
		}
	}
	return base + "/tools", tools
}

func isManifest(root *yaml.Node) bool {
	if _, s := sourcemap.Member(root, "$schema"); isScalar(s) {
		if strings.Contains(s.Value, "modelcontextprotocol.io") && strings.Contains(s.Value, "server.schema.json") {
			return true
		}
	}
	_, name := sourcemap.Member(root, "name")
	if !isScalar(name) {
		return false
	}
	for _, key := range []string{"packages", "remotes"} {
		_, list := sourcemap.Member(root, key)
		if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
			continue
		}
		ok := true
		for _, e := range list.Content {
			_, rt := sourcemap.Member(e, "registryType")
			_, rn := sourcemap.Member(e, "registry_name")
			_, typ := sourcemap.Member(e, "type")
			_, url := sourcemap.Member(e, "url")
			pkg := isScalar(rt) || isScalar(rn)
			remote := isScalar(typ) && isScalar(url)
			if e.Kind != yaml.MappingNode || !(pkg || remote) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func isScalar(n *yaml.Node) bool { return n != nil && n.Kind == yaml.ScalarNode }
