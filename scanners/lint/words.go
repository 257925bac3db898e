package lint

import (
	"regexp"
	"strings"
	"unicode"
)

// words splits an identifier, scope or path into lower-case words: at
// anything that is not a letter or digit, and at camelCase humps.
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '*':
			flush()
			out = append(out, "*")
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

func hasWord(ws []string, set map[string]bool) bool {
	for _, w := range ws {
		if set[w] {
			return true
		}
	}
	return false
}

var (
	readWords  = map[string]bool{"read": true, "readonly": true, "ro": true, "view": true, "viewer": true, "list": true, "get": true, "reader": true}
	writeWords = map[string]bool{
		"write": true, "admin": true, "manage": true, "delete": true, "create": true, "update": true, "edit": true,
		"modify": true, "rw": true, "readwrite": true, "full": true, "all": true, "owner": true, "writer": true,
		"editor": true, "*": true, "superuser": true, "root": true,
	}
)

// readClassScope reports whether a scope grants only reading.
func readClassScope(name string) bool {
	ws := words(name)
	return hasWord(ws, readWords) && !hasWord(ws, writeWords)
}

// writeClassScope reports whether a scope grants writing or administration.
func writeClassScope(name string) bool { return hasWord(words(name), writeWords) }

var (
	broadNames = map[string]bool{
		"admin": true, "root": true, "all": true, "full": true, "*": true, "superuser": true, "sudo": true,
		"god": true, "everything": true, "full_access": true, "fullaccess": true, "full-access": true,
		"all_access": true, "allaccess": true, "write": true, "readwrite": true, "read_write": true, "owner": true,
	}
	// The phrase must end the clause or go on with to/on/for/over/of, so
	// "full access logs" is not read as a grant.
	broadDescription = regexp.MustCompile(`(?i)\b(?:(?:full|unrestricted|complete|unlimited|total)\s+(?:access|control|permissions?|privileges?|rights)|super\s?user|all\s+(?:resources|permissions|privileges|scopes|operations))(?:\s*$|\s*[.,;:!)]|\s+(?:to|on|for|over|of|in)\b)`)
)

// broadScope says why a scope grants too much, from its name and its
// declared description.
func broadScope(name, description string) (string, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	ws := words(n)
	switch {
	case broadNames[n]:
		return "its name grants everything", true
	case strings.Contains(n, "*"):
		return "it is a wildcard", true
	case len(ws) > 1 && (ws[len(ws)-1] == "all" || ws[0] == "all"):
		return "it covers all resources", true
	case broadDescription.MatchString(description):
		return "its description says it grants " + broadDescription.FindString(description), true
	}
	return "", false
}
