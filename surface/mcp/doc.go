// Package mcp reads Model Context Protocol files by content: MCP client
// configs (VS Code and Cursor "servers"/"mcpServers", Claude Desktop and
// Windsurf "mcpServers", Zed "context_servers", VS Code settings' "mcp"
// member), tools/list answers (bare {"tools": [...]} or a JSON-RPC
// envelope) and MCP registry server.json manifests.
//
// Detect names the format of a parsed tree; Servers lists the servers a
// config or manifest launches or reaches, with every command argument,
// environment value, URL and header as a tree node, so that a finding
// points at the file, line and column of the value.
package mcp
