package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/rules"
)

// maxConfigBytes bounds the config file size; real ones are a few hundred
// bytes.
const maxConfigBytes = 1 << 20

// ParseConfig parses a config file's content; name is used in errors. A
// file with no content (empty, only comments) gives DefaultConfig. Every
// structural problem is reported with its file:line; rule ids are checked
// against the catalog by Validate.
func ParseConfig(data []byte, name string) (cfg *Config, err error) {
	if len(data) > maxConfigBytes {
		return nil, fmt.Errorf("%s: config is %d bytes, over the %d byte limit", name, len(data), maxConfigBytes)
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: config is not UTF-8 text", name)
	}
	defer func() {
		if r := recover(); r != nil { // the YAML parser panics on a few malformed inputs
			cfg, err = nil, fmt.Errorf("%s: malformed YAML: %v", name, r)
		}
	}()
	loader, err := yaml.NewLoader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: malformed YAML: %w", name, err)
	}
	var doc yaml.Node
	if err := loader.Load(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return emptyConfig(name), nil
		}
		return nil, fmt.Errorf("%s: malformed YAML: %w", name, err)
	}
	var extra yaml.Node
	switch err := loader.Load(&extra); {
	case err == nil:
		return nil, fmt.Errorf("%s:%d: config holds more than one YAML document", name, extra.Line)
	case !errors.Is(err, io.EOF):
		return nil, fmt.Errorf("%s: malformed YAML: %w", name, err)
	}
	root := &doc
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return emptyConfig(name), nil
		}
		root = doc.Content[0]
	}
	root = deref(root)
	if root.Kind == 0 || isNull(root) {
		return emptyConfig(name), nil
	}
	p := &configParser{file: name, cfg: &Config{File: name}}
	p.parse(root)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return p.cfg, nil
}

func emptyConfig(name string) *Config {
	c := DefaultConfig()
	c.File = name
	return c
}

// configParser walks the YAML node tree by the schema, collecting every
// problem with its position.
type configParser struct {
	file string
	cfg  *Config
	errs []error
}

func (p *configParser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s:%d:%d: %s", p.file, n.Line, n.Column, fmt.Sprintf(format, args...)))
}

// members returns a mapping's key/value pairs, reporting non-string keys,
// duplicate keys, merge keys and keys outside allowed (nil allows any).
// what names the mapping in messages.
func (p *configParser) members(n *yaml.Node, what string, allowed []string) [][2]*yaml.Node {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping, found %s", what, describe(n))
		return nil
	}
	var out [][2]*yaml.Node
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%s: keys must be strings, found %s", what, describe(k))
			continue
		}
		if k.Value == "<<" && k.Tag == "!!merge" {
			p.errorf(k, "%s: merge keys (<<) are not supported", what)
			continue
		}
		if line, dup := first[k.Value]; dup {
			p.errorf(k, "%s: duplicate key %q (first at line %d)", what, k.Value, line)
			continue
		}
		first[k.Value] = k.Line
		if allowed != nil && !slices.Contains(allowed, k.Value) {
			p.errorf(k, "%s: unknown key %q (want one of %s)", what, k.Value, strings.Join(allowed, ", "))
			continue
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out
}

func (p *configParser) parse(root *yaml.Node) {
	members := p.members(root, "config", []string{"version", "exclude", "rules", "ignore", "gate", "lint", "inventory", "identities"})
	if root.Kind != yaml.MappingNode {
		return
	}
	sawVersion := false
	for _, kv := range members {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "version":
			sawVersion = true
			p.version(v)
		case "exclude":
			p.exclude(v)
		case "rules":
			p.rules(v)
		case "ignore":
			p.ignore(v)
		case "gate":
			p.gate(v)
		case "lint":
			p.lint(v)
		case "inventory":
			p.inventory(v)
		case "identities":
			p.identities(v)
		}
	}
	if !sawVersion {
		p.errorf(root, "config has no version (add \"version: %d\" at the top)", ConfigVersion)
	}
}

func (p *configParser) version(v *yaml.Node) {
	s, ok := p.scalar(v, "version")
	if !ok {
		return
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		p.errorf(v, "version: want a number, found %q", s)
	case n != ConfigVersion:
		p.errorf(v, "unsupported config version %d (this specter reads version %d)", n, ConfigVersion)
	default:
		p.cfg.Version = n
	}
}

func (p *configParser) exclude(v *yaml.Node) {
	for _, item := range p.sequence(v, "exclude") {
		s, ok := p.scalar(item, "exclude entry")
		if !ok {
			continue
		}
		if err := ValidatePathGlob(s); err != nil {
			p.errorf(item, "exclude: %v", err)
			continue
		}
		p.cfg.Exclude = append(p.cfg.Exclude, s)
		p.cfg.excludeLines = append(p.cfg.excludeLines, item.Line)
	}
}

func (p *configParser) rules(v *yaml.Node) {
	for _, kv := range p.members(v, "rules", nil) {
		k, val := kv[0], kv[1]
		if err := checkRulePattern(k.Value); err != nil {
			p.errorf(k, "rules: %v", err)
			continue
		}
		setting := RuleSetting{Rule: k.Value, Line: k.Line}
		if val.Kind == yaml.ScalarNode && !isNull(val) {
			on, err := parseSwitch(val.Value)
			if err != nil {
				p.errorf(val, "rules: %s: %v, or a mapping {enabled, severity}", k.Value, err)
				continue
			}
			setting.Enabled = &on
			p.cfg.Rules = append(p.cfg.Rules, setting)
			continue
		}
		what := "rules: " + k.Value
		fields := p.members(val, what, []string{"enabled", "severity"})
		if val.Kind != yaml.MappingNode {
			continue
		}
		ok := true
		for _, f := range fields {
			s, isScalar := p.scalar(f[1], what+": "+f[0].Value)
			if !isScalar {
				ok = false
				continue
			}
			switch f[0].Value {
			case "enabled":
				on, err := parseSwitch(s)
				if err != nil {
					p.errorf(f[1], "%s: enabled: %v", what, err)
					ok = false
					continue
				}
				setting.Enabled = &on
			case "severity":
				sev, err := rules.ParseSeverity(s)
				if err != nil {
					p.errorf(f[1], "%s: %v", what, err)
					ok = false
					continue
				}
				setting.Severity = &sev
			}
		}
		if ok && setting.Enabled == nil && setting.Severity == nil {
			p.errorf(val, "%s: sets neither enabled nor severity", what)
			continue
		}
		if ok {
			p.cfg.Rules = append(p.cfg.Rules, setting)
		}
	}
}

func (p *configParser) ignore(v *yaml.Node) {
	for _, item := range p.sequence(v, "ignore") {
		fields := p.members(item, "ignore entry", []string{"rule", "path", "pointer", "fingerprint", "reason"})
		if item.Kind != yaml.MappingNode {
			if isNull(item) {
				p.errorf(item, "ignore entry is empty")
			}
			continue
		}
		ig := IgnoreRule{Line: item.Line}
		ok := true
		for _, f := range fields {
			s, isScalar := p.scalar(f[1], "ignore entry: "+f[0].Value)
			if !isScalar {
				ok = false
				continue
			}
			switch f[0].Value {
			case "rule":
				ig.Rule = s
			case "path":
				ig.Path = s
			case "pointer":
				ig.Pointer = s
			case "fingerprint":
				ig.Fingerprint = strings.ToLower(s)
			case "reason":
				ig.Reason = s
			}
		}
		if !ok {
			continue
		}
		if ig.Rule == "" && ig.Fingerprint != "" {
			ig.Rule = "*"
		}
		if err := ig.check(); err != nil {
			p.errorf(item, "ignore entry: %v", err)
			continue
		}
		p.cfg.Ignore = append(p.cfg.Ignore, ig)
	}
}

func (p *configParser) gate(v *yaml.Node) {
	for _, kv := range p.members(v, "gate", []string{"fail-on", "max"}) {
		k, val := kv[0], kv[1]
		switch k.Value {
		case "fail-on":
			s, ok := p.scalar(val, "gate: fail-on")
			if !ok {
				continue
			}
			if _, _, err := ParseThreshold(s); err != nil {
				p.errorf(val, "gate: %v", err)
				continue
			}
			p.cfg.Gate.FailOn = s
			p.cfg.Gate.Line = val.Line
		case "max":
			for _, m := range p.members(val, "gate: max", nil) {
				sev, err := rules.ParseSeverity(m[0].Value)
				if err != nil {
					p.errorf(m[0], "gate: max: %v", err)
					continue
				}
				s, ok := p.scalar(m[1], "gate: max: "+m[0].Value)
				if !ok {
					continue
				}
				n, err := strconv.Atoi(s)
				if err != nil || n < 0 {
					p.errorf(m[1], "gate: max: %s: want a count of 0 or more, found %q", m[0].Value, s)
					continue
				}
				if p.cfg.Gate.Max == nil {
					p.cfg.Gate.Max = map[rules.Severity]int{}
				}
				p.cfg.Gate.Max[sev] = n
			}
		}
	}
}

func (p *configParser) lint(v *yaml.Node) {
	for _, kv := range p.members(v, "lint", []string{"scope-pattern", "max-token-ttl", "agent-max-token-ttl", "max-scopes-per-operation", "max-scopes-per-scheme"}) {
		k, val := kv[0], kv[1]
		s, ok := p.scalar(val, "lint: "+k.Value)
		if !ok {
			continue
		}
		if k.Value == "scope-pattern" {
			if _, err := regexp.Compile(s); err != nil {
				p.errorf(val, "lint: scope-pattern: %v", err)
				continue
			}
			p.cfg.Lint.ScopePattern = s
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 || n > 1<<31 {
			p.errorf(val, "lint: %s: want a positive whole number, found %q", k.Value, s)
			continue
		}
		switch k.Value {
		case "max-token-ttl":
			p.cfg.Lint.MaxTokenTTL = n
		case "agent-max-token-ttl":
			p.cfg.Lint.AgentMaxTokenTTL = n
		case "max-scopes-per-operation":
			p.cfg.Lint.MaxScopesPerOperation = int(n)
		case "max-scopes-per-scheme":
			p.cfg.Lint.MaxScopesPerScheme = int(n)
		}
	}
}

func (p *configParser) inventory(v *yaml.Node) {
	for _, kv := range p.members(v, "inventory", []string{"hosts", "agent-markers", "agent-max-token-lifetime", "max-token-lifetime", "burst-factor"}) {
		k, val := kv[0], kv[1]
		switch k.Value {
		case "hosts":
			p.inventoryHosts(val)
		case "agent-markers":
			p.agentMarkers(val)
		case "agent-max-token-lifetime", "max-token-lifetime":
			s, ok := p.scalar(val, "inventory: "+k.Value)
			if !ok {
				continue
			}
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 || n > 1<<40 {
				p.errorf(val, "inventory: %s: want a positive number of seconds, found %q", k.Value, s)
				continue
			}
			if k.Value == "max-token-lifetime" {
				p.cfg.Inventory.MaxTokenLifetime = n
			} else {
				p.cfg.Inventory.AgentMaxTokenLifetime = n
			}
		case "burst-factor":
			s, ok := p.scalar(val, "inventory: burst-factor")
			if !ok {
				continue
			}
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || f <= 1 || f > 1e6 {
				p.errorf(val, "inventory: burst-factor: want a number above 1, found %q", s)
				continue
			}
			p.cfg.Inventory.BurstFactor = f
		}
	}
}

func (p *configParser) inventoryHosts(v *yaml.Node) {
	for _, h := range p.sequence(v, "inventory: hosts") {
		host, ok := p.scalar(h, "inventory: hosts")
		if !ok {
			continue
		}
		if host = strings.TrimSpace(host); host == "" || strings.ContainsAny(host, "/ ") {
			p.errorf(h, "inventory: hosts: %q is not a host name (want e.g. staging.example.com or api.example.com:8443)", host)
			continue
		}
		p.cfg.Inventory.Hosts = append(p.cfg.Inventory.Hosts, host)
	}
}

// agentMarkers reads entries of one key each: "claim: name=value",
// "user-agent: substring" or "client: id".
func (p *configParser) agentMarkers(v *yaml.Node) {
	const what = "inventory: agent-markers"
	for _, item := range p.sequence(v, what) {
		if item.Kind == yaml.MappingNode && len(item.Content) != 2 {
			p.errorf(item, "%s: each entry has one key, claim, user-agent or client (found %d)", what, len(item.Content)/2)
			continue
		}
		if isNull(item) {
			p.errorf(item, "%s: want a mapping such as {user-agent: LangChain}, found null", what)
			continue
		}
		members := p.members(item, what+" entry", []string{"claim", "user-agent", "client"})
		if len(members) != 1 {
			continue // members said why
		}
		k, val := members[0][0], members[0][1]
		s, ok := p.scalar(val, what+": "+k.Value)
		if !ok {
			continue
		}
		if s = strings.TrimSpace(s); s == "" {
			p.errorf(val, "%s: %s: empty", what, k.Value)
			continue
		}
		var m AgentMarker
		switch k.Value {
		case "claim":
			name, value, ok := strings.Cut(s, "=")
			if !ok || strings.TrimSpace(name) == "" || strings.TrimSpace(value) == "" {
				p.errorf(val, "%s: claim: want name=value (client_type=ai-agent), found %q", what, s)
				continue
			}
			m.Claim, m.Value = strings.TrimSpace(name), strings.TrimSpace(value)
		case "user-agent":
			m.UserAgent = s
		case "client":
			m.Client = s
		}
		p.cfg.Inventory.AgentMarkers = append(p.cfg.Inventory.AgentMarkers, m)
	}
}

// scalar returns a non-null scalar's value, reporting anything else.
func (p *configParser) scalar(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		p.errorf(n, "%s: want a single value, found %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

// sequence returns a list's items (dereferenced); null counts as empty.
func (p *configParser) sequence(n *yaml.Node, what string) []*yaml.Node {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s: want a list, found %s", what, describe(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out
}

// parseSwitch reads on/off/true/false.
func parseSwitch(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "true":
		return true, nil
	case "off", "false":
		return false, nil
	}
	return false, fmt.Errorf("want on or off, found %q", s)
}

// deref follows aliases to their anchored node. The walk is bounded by the
// schema's depth, so aliases cannot make it expensive.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an unresolved alias"
	}
	return "an empty document"
}
