package secrets

import (
	"math"
	"net/url"
	"strings"

	"github.com/specterhq/specter/sensitive"
)

// Agent-config value classification: where a credential sits in the
// values of an MCP or agent configuration (a server's command-line
// arguments, its env map). The functions are pure; mcpServers (mcp.go)
// calls them and reports what they return. Placeholders
// (${input:name}, ${env:NAME}, ${NAME}, $NAME, %NAME%, <YOUR_TOKEN>,
// your-api-key-here, xxxx, changeme, empty) are never credentials.

// ValueSpan is a credential inside one string of a list: Index is the
// string's position, [Start, End) the credential's bytes in it, Kind what
// made it one.
type ValueSpan struct {
	Index, Start, End int
	Kind              string
}

// Kinds of ValueSpan.
const (
	KindCredentialFlag   = "credential-flag"   // --api-key=VALUE, --token VALUE, -p VALUE
	KindCredentialHeader = "credential-header" // Authorization: Bearer VALUE inside an argument
	KindURLPassword      = "url-password"      // scheme://user:PASSWORD@host
	KindQueryCredential  = "query-credential"  // ?token=VALUE, JDBC ;password=VALUE
	KindProviderKey      = "provider-key"      // a value of a provider key's published shape
	KindCredentialName   = "credential-name"   // an env entry named like a credential
)

// knownKeySpan returns the span of a provider-shaped key in v, or ok false.
func knownKeySpan(v string) (start, end int, ok bool) {
	for _, r := range aiKeyRules() {
		if !containsAnyFold(v, r.Keywords) {
			continue
		}
		if m := r.re.FindStringSubmatchIndex(v); m != nil && shannon(v[m[2]:m[3]]) >= r.Entropy {
			return m[2], m[3], true
		}
	}
	if sensitive.LooksLikeProviderKey(v) {
		return 0, len(v), true
	}
	return 0, 0, false
}

// shannon is the Shannon entropy of s in bits per byte, as gitleaks
// computes a rule's entropy threshold.
func shannon(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(len(s))
			h -= p * math.Log2(p)
		}
	}
	return h
}

func containsAnyFold(v string, words []string) bool {
	lv := strings.ToLower(v)
	for _, w := range words {
		if strings.Contains(lv, w) {
			return true
		}
	}
	return false
}

// passwordFlags are short or unusual flags that take a password although
// their name is not a credential name.
var passwordFlags = map[string]bool{"-p": true, "--pass": true, "--pw": true}

// argCredentials finds the credentials in a command line's arguments.
func argCredentials(args []string) []ValueSpan {
	var out []ValueSpan
	add := func(i, start, end int, kind string) {
		if !sensitive.IsPlaceholder(args[i][start:end]) {
			out = append(out, ValueSpan{Index: i, Start: start, End: end, Kind: kind})
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if name, value, ok := strings.Cut(a, "="); ok && strings.HasPrefix(name, "-") && !strings.Contains(name, " ") {
			if isCredentialFlag(name) && value != "" {
				add(i, len(name)+1, len(a), KindCredentialFlag)
				continue
			}
		} else if strings.HasPrefix(a, "-") && isCredentialFlag(a) && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			if next := args[i+1]; next != "" && !(a == "-p" && allDigits(next)) {
				add(i+1, 0, len(next), KindCredentialFlag)
			}
			i++
			continue
		}
		if s, e, ok := headerCredential(a); ok {
			add(i, s, e, KindCredentialHeader)
			continue
		}
		if spans := urlCredentials(a); len(spans) > 0 {
			for _, sp := range spans {
				add(i, sp.Start, sp.End, sp.Kind)
			}
			continue
		}
		if s, e, ok := knownKeySpan(a); ok {
			add(i, s, e, KindProviderKey)
		}
	}
	return out
}

func isCredentialFlag(flag string) bool {
	return passwordFlags[flag] || (strings.HasPrefix(flag, "--") && sensitive.IsCredentialName(strings.TrimLeft(flag, "-")))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// headerCredential finds the credential of a "Name: value" header written
// in one string; the auth scheme (Bearer, Basic, Token) is not part of it.
func headerCredential(h string) (start, end int, ok bool) {
	name, _, found := strings.Cut(h, ":")
	if !found || strings.ContainsAny(name, " /") || !sensitive.IsCredentialHeader(name) {
		return 0, 0, false
	}
	start = len(name) + 1
	for start < len(h) && h[start] == ' ' {
		start++
	}
	if sp := strings.IndexByte(h[start:], ' '); sp > 0 {
		switch strings.ToLower(h[start : start+sp]) {
		case "bearer", "basic", "token", "apikey":
			start += sp + 1
		}
	}
	if start >= len(h) {
		return 0, 0, false
	}
	return start, len(h), true
}

// urlCredentials finds the password of a URL's userinfo and the values of
// credential query or JDBC parameters, offsets within u.
func urlCredentials(u string) []ValueSpan {
	var out []ValueSpan
	scheme := strings.Index(u, "://")
	if scheme > 0 {
		rest := u[scheme+3:]
		host := rest
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			host = rest[:i]
		}
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			if colon := strings.IndexByte(host[:at], ':'); colon >= 0 && colon+1 < at {
				out = append(out, ValueSpan{Start: scheme + 3 + colon + 1, End: scheme + 3 + at, Kind: KindURLPassword})
			}
		}
	}
	if !strings.HasPrefix(u, "jdbc:") && scheme <= 0 {
		return out
	}
	// Query (?a=b&c=d) and JDBC (;password=x) parameters.
	from := strings.IndexAny(u, "?;")
	for from >= 0 && from < len(u) {
		from++
		end := strings.IndexAny(u[from:], "&;#")
		if end < 0 {
			end = len(u) - from
		}
		param := u[from : from+end]
		if k, v, ok := strings.Cut(param, "="); ok && v != "" {
			name, err := url.QueryUnescape(k)
			if err == nil && (sensitive.IsCredentialQueryParam(name) || sensitive.IsCredentialName(name)) {
				out = append(out, ValueSpan{Start: from + len(k) + 1, End: from + end, Kind: KindQueryCredential})
			}
		}
		from += end
	}
	return out
}

// envCredential reports whether an env-map entry holds a credential: a
// credential name with a value that is not a placeholder, or a value of a
// known key shape whatever the name, or a connection string with a
// password. It returns the credential's span in value.
func envCredential(name, value string) (start, end int, kind string, ok bool) {
	if sp := urlCredentials(value); len(sp) > 0 {
		for _, s := range sp {
			if !sensitive.IsPlaceholder(value[s.Start:s.End]) {
				return s.Start, s.End, s.Kind, true
			}
		}
		return 0, 0, "", false
	}
	if s, e, found := knownKeySpan(value); found && !sensitive.IsPlaceholder(value[s:e]) {
		return s, e, KindProviderKey, true
	}
	if value != "" && sensitive.IsCredentialName(name) && !sensitive.IsPlaceholder(value) && !strings.ContainsAny(value, " \t\n") {
		return 0, len(value), KindCredentialName, true
	}
	return 0, 0, "", false
}
