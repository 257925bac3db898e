package mcp

import (
	"strconv"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Value is one string of a server's launch or connection: its text, the
// tree node holding it (for line and column) and its JSON pointer.
type Value struct {
	Text    string
	Node    *yaml.Node
	Pointer string
}

// Entry is a named value: an environment variable or a header.
type Entry struct {
	Name string
	Value
}

// Server is one server a config or manifest starts or connects to.
type Server struct {
	// Name is the config's key for the server, or the manifest's name.
	Name    string
	Pointer string
	// Args are the command's arguments in order (for a manifest's named
	// arguments, the name followed by the value).
	Args    []Value
	Env     []Entry
	URLs    []Value
	Headers []Entry
}

// Servers lists the servers of an MCP client config or server.json
// manifest, in file order; other formats have none.
func Servers(t *sourcemap.Tree, format surface.Format) []Server {
	if t == nil || t.Root == nil {
		return nil
	}
	switch format {
	case surface.FormatMCPConfig:
		ptr, m := serverMap(t.Root)
		if m == nil {
			return nil
		}
		var out []Server
		for i := 0; i+1 < len(m.Content); i += 2 {
			name := m.Content[i].Value
			out = append(out, configServer(name, m.Content[i+1], ptr+"/"+sourcemap.EscapeToken(name)))
		}
		return out
	case surface.FormatMCPServerManifest:
		return manifestServers(t.Root)
	}
	return nil
}

func configServer(name string, n *yaml.Node, ptr string) Server {
	s := Server{Name: name, Pointer: ptr}
	launch, lptr := n, ptr
	// Zed: "command": {"path": ..., "args": [...], "env": {...}}.
	if _, cmd := sourcemap.Member(n, "command"); cmd != nil && cmd.Kind == yaml.MappingNode {
		launch, lptr = cmd, ptr+"/command"
	}
	s.Args = stringList(launch, "args", lptr)
	s.Env = stringMap(launch, "env", lptr)
	if launch != n {
		s.Env = append(s.Env, stringMap(n, "env", ptr)...)
	}
	for _, key := range []string{"url", "serverUrl", "httpUrl"} {
		if _, u := sourcemap.Member(n, key); isString(u) {
			s.URLs = append(s.URLs, Value{Text: u.Value, Node: u, Pointer: ptr + "/" + key})
		}
	}
	s.Headers = stringMap(n, "headers", ptr)
	return s
}

func manifestServers(root *yaml.Node) []Server {
	name := ""
	if _, n := sourcemap.Member(root, "name"); isScalar(n) {
		name = n.Value
	}
	var out []Server
	if _, pkgs := sourcemap.Member(root, "packages"); pkgs != nil && pkgs.Kind == yaml.SequenceNode {
		for i, p := range pkgs.Content {
			ptr := "/packages/" + strconv.Itoa(i)
			s := Server{Name: name, Pointer: ptr}
			for _, key := range []string{"runtimeArguments", "packageArguments"} {
				s.Args = append(s.Args, manifestArgs(p, key, ptr)...)
			}
			s.Env = manifestEntries(p, "environmentVariables", ptr)
			out = append(out, s)
		}
	}
	if _, remotes := sourcemap.Member(root, "remotes"); remotes != nil && remotes.Kind == yaml.SequenceNode {
		for i, r := range remotes.Content {
			ptr := "/remotes/" + strconv.Itoa(i)
			s := Server{Name: name, Pointer: ptr}
			if _, u := sourcemap.Member(r, "url"); isString(u) {
				s.URLs = append(s.URLs, Value{Text: u.Value, Node: u, Pointer: ptr + "/url"})
			}
			s.Headers = manifestEntries(r, "headers", ptr)
			out = append(out, s)
		}
	}
	return out
}

// manifestArgs reads server.json arguments: a named argument contributes
// its name and then its value (or default), a positional one its value.
func manifestArgs(holder *yaml.Node, key, base string) []Value {
	_, list := sourcemap.Member(holder, key)
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	var out []Value
	for i, a := range list.Content {
		ptr := base + "/" + key + "/" + strconv.Itoa(i)
		if _, n := sourcemap.Member(a, "name"); isString(n) {
			out = append(out, Value{Text: n.Value, Node: n, Pointer: ptr + "/name"})
		}
		if v, vk := valueOrDefault(a); v != nil {
			out = append(out, Value{Text: v.Value, Node: v, Pointer: ptr + "/" + vk})
		}
	}
	return out
}

// manifestEntries reads server.json name/value lists (environment
// variables, headers), taking "value" or else "default".
func manifestEntries(holder *yaml.Node, key, base string) []Entry {
	_, list := sourcemap.Member(holder, key)
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	var out []Entry
	for i, e := range list.Content {
		_, n := sourcemap.Member(e, "name")
		v, vk := valueOrDefault(e)
		if !isString(n) || v == nil {
			continue
		}
		ptr := base + "/" + key + "/" + strconv.Itoa(i) + "/" + vk
		out = append(out, Entry{Name: n.Value, Value: Value{Text: v.Value, Node: v, Pointer: ptr}})
	}
	return out
}

func valueOrDefault(n *yaml.Node) (*yaml.Node, string) {
	for _, k := range []string{"value", "default"} {
		if _, v := sourcemap.Member(n, k); isString(v) {
			return v, k
		}
	}
	return nil, ""
}

func stringList(holder *yaml.Node, key, base string) []Value {
	_, list := sourcemap.Member(holder, key)
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	var out []Value
	for i, a := range list.Content {
		if isString(a) {
			out = append(out, Value{Text: a.Value, Node: a, Pointer: base + "/" + key + "/" + strconv.Itoa(i)})
		}
	}
	return out
}

func stringMap(holder *yaml.Node, key, base string) []Entry {
	_, m := sourcemap.Member(holder, key)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out []Entry
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if isString(v) {
			ptr := base + "/" + key + "/" + sourcemap.EscapeToken(k.Value)
			out = append(out, Entry{Name: k.Value, Value: Value{Text: v.Value, Node: v, Pointer: ptr}})
		}
	}
	return out
}

func isString(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && (n.Tag == "!!str" || n.Tag == "")
}
