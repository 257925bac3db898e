package identity

import (
	"fmt"
	"net/textproto"
	"os"
	"regexp"
	"strings"
)

// Getenv looks an environment variable up; os.LookupEnv in the CLI, a map
// in tests.
type Getenv func(name string) (string, bool)

// OSEnv is the process environment.
func OSEnv() Getenv { return os.LookupEnv }

var envRef = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))`)

// Expand replaces $VAR and ${VAR} with the variable's value. An unset
// variable is an error: sending the literal "$TOKEN" as a credential
// would make every authorization check meaningless. "$$" is a literal "$".
func Expand(s string, env Getenv) (string, error) {
	const dollar = "\x00dollar\x00"
	s = strings.ReplaceAll(s, "$$", dollar)
	var missing []string
	out := envRef.ReplaceAllStringFunc(s, func(m string) string {
		sub := envRef.FindStringSubmatch(m)
		name := sub[1] + sub[2]
		v, ok := env(name)
		if !ok {
			missing = append(missing, name)
			return m
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("environment variable %s is not set", strings.Join(missing, ", "))
	}
	return strings.ReplaceAll(out, dollar, "$"), nil
}

// Flag is one parsed --identity value.
type Flag struct {
	Name   string
	Header Header
}

// ParseFlag reads NAME='Header: value'. The value may reference
// environment variables. A repeated NAME adds headers to the same
// identity; the first NAME seen is the default identity.
func ParseFlag(s string, env Getenv) (Flag, error) {
	name, spec, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Flag{}, fmt.Errorf("--identity %q: want NAME='Header: value'", redactFlag(s))
	}
	if err := checkName(name); err != nil {
		return Flag{}, fmt.Errorf("--identity: %w", err)
	}
	hname, value, ok := strings.Cut(spec, ":")
	hname = strings.TrimSpace(hname)
	value = strings.TrimSpace(value)
	if !ok || hname == "" || value == "" {
		return Flag{}, fmt.Errorf("--identity %s: want NAME='Header: value', got no header name or value", name)
	}
	if !validHeaderName(hname) {
		return Flag{}, fmt.Errorf("--identity %s: %q is not a header name", name, hname)
	}
	expanded, err := Expand(value, env)
	if err != nil {
		return Flag{}, fmt.Errorf("--identity %s: %w", name, err)
	}
	if strings.ContainsAny(expanded, "\r\n") {
		return Flag{}, fmt.Errorf("--identity %s: header value holds a line break", name)
	}
	return Flag{Name: name, Header: Header{Name: textproto.CanonicalMIMEHeaderKey(hname), Value: expanded}}, nil
}

func validHeaderName(s string) bool {
	for _, r := range s {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// redactFlag keeps only the part of a malformed flag before any value.
func redactFlag(s string) string {
	if i := strings.IndexAny(s, ":="); i >= 0 {
		return s[:i] + "…"
	}
	if len(s) > 8 {
		return s[:4] + "…"
	}
	return s
}

// FromFlags builds static identities from --identity values, in order.
func FromFlags(values []string, env Getenv) (*Set, error) {
	set := NewSet()
	statics := map[string]*Static{}
	for _, v := range values {
		f, err := ParseFlag(v, env)
		if err != nil {
			return nil, err
		}
		st, ok := statics[f.Name]
		if !ok {
			st = &Static{}
			statics[f.Name] = st
			if err := set.Add(f.Name, st); err != nil {
				return nil, err
			}
		}
		st.Headers = append(st.Headers, f.Header)
	}
	return set, nil
}
