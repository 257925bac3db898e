package openapi

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
)

// IgnoreKey is the extension that suppresses findings at and below the
// object carrying it.
const IgnoreKey = "x-specter-ignore"

// ruleIDPattern accepts "*", "family/*" and "family/name".
var ruleIDPattern = regexp.MustCompile(`^(\*|[A-Za-z0-9][A-Za-z0-9._-]*/(\*|[A-Za-z0-9][A-Za-z0-9._-]*))$`)

// collectIgnores walks a file for objects carrying x-specter-ignore. It
// accepts a rule id, a list of rule ids, and a list of {rule, reason}
// entries (mixed with plain ids if wanted), and returns one InlineIgnore per
// distinct reason of each object, in document order. Every malformed
// annotation is reported, each with file:line:col.
func collectIgnores(f *surface.File) ([]surface.InlineIgnore, error) {
	if f.Tree == nil || f.Tree.Root == nil {
		return nil, nil
	}
	if f.Data != nil && !bytes.Contains(f.Data, []byte(IgnoreKey)) {
		return nil, nil // no annotation: skip the walk (a key spelt with escapes is not recognised)
	}
	var out []surface.InlineIgnore
	var errs []error
	f.Tree.Walk(func(ptr string, key, value *yaml.Node) bool {
		if key != nil && key.Value == IgnoreKey {
			return false // the annotation itself; its object was handled
		}
		if value.Kind != yaml.MappingNode {
			return true
		}
		for i := 0; i+1 < len(value.Content); i += 2 {
			k, v := value.Content[i], value.Content[i+1]
			if k.Value != IgnoreKey {
				continue
			}
			ign, err := parseIgnore(f, ptr, v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s:%d:%d: %s: %w", f.Path, err.line, err.col, IgnoreKey, err))
				continue
			}
			out = append(out, ign...)
		}
		return true
	})
	return out, errors.Join(errs...)
}

type ignoreError struct {
	line, col int
	msg       string
}

func (e *ignoreError) Error() string { return e.msg }

func ignoreErrorf(n *yaml.Node, format string, args ...any) *ignoreError {
	return &ignoreError{line: n.Line, col: n.Column, msg: fmt.Sprintf(format, args...)}
}

func parseIgnore(f *surface.File, ptr string, v *yaml.Node) ([]surface.InlineIgnore, *ignoreError) {
	loc := f.Locate(ptr + "/" + IgnoreKey)
	mk := func(rules []string, reason string) surface.InlineIgnore {
		return surface.InlineIgnore{File: f.Path, Pointer: ptr, Rules: rules, Reason: reason, Location: loc}
	}
	switch v.Kind {
	case yaml.ScalarNode:
		id, err := ruleID(v)
		if err != nil {
			return nil, err
		}
		return []surface.InlineIgnore{mk([]string{id}, "")}, nil
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			return nil, ignoreErrorf(v, "empty list; name at least one rule id")
		}
		var reasons []string
		byReason := map[string][]string{}
		add := func(reason, id string) {
			if _, ok := byReason[reason]; !ok {
				reasons = append(reasons, reason)
			}
			byReason[reason] = append(byReason[reason], id)
		}
		for _, item := range v.Content {
			switch item.Kind {
			case yaml.ScalarNode:
				id, err := ruleID(item)
				if err != nil {
					return nil, err
				}
				add("", id)
			case yaml.MappingNode:
				id, reason, err := ruleEntry(item)
				if err != nil {
					return nil, err
				}
				add(reason, id)
			default:
				return nil, ignoreErrorf(item, "each entry must be a rule id or {rule: <id>, reason: <text>}")
			}
		}
		out := make([]surface.InlineIgnore, 0, len(reasons))
		for _, r := range reasons {
			out = append(out, mk(byReason[r], r))
		}
		return out, nil
	default:
		return nil, ignoreErrorf(v, "must be a rule id, a list of rule ids, or a list of {rule, reason} entries")
	}
}

func ruleID(n *yaml.Node) (string, *ignoreError) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", ignoreErrorf(n, "rule id must be a string")
	}
	if !ruleIDPattern.MatchString(n.Value) {
		return "", ignoreErrorf(n, "%q is not a rule id (want family/name, family/* or *)", n.Value)
	}
	return n.Value, nil
}

func ruleEntry(m *yaml.Node) (id, reason string, err *ignoreError) {
	var haveRule bool
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		switch k.Value {
		case "rule":
			if id, err = ruleID(v); err != nil {
				return "", "", err
			}
			haveRule = true
		case "reason":
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				return "", "", ignoreErrorf(v, "reason must be a string")
			}
			reason = v.Value
		default:
			return "", "", ignoreErrorf(k, "unknown member %q (want rule and reason)", k.Value)
		}
	}
	if !haveRule {
		return "", "", ignoreErrorf(m, "entry has no rule")
	}
	return id, reason, nil
}
