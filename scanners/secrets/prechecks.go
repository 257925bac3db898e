package secrets

import "strings"

// A keyword pre-check is a necessary condition for one gitleaks rule to
// match with a given occurrence of its keyword. Each accepts a superset of
// what the rule's regex matches around that occurrence, never less, so
// skipping a line whose keyword hits all fail their checks cannot lose a
// finding: the rule's regex would not have matched there. Checks read the
// lower-cased file text; start and end delimit the keyword hit.
type precheck func(lower string, start, end int) bool

type keywordCheck struct {
	rule string
	pass precheck
	// multiline is set for rules whose matches span lines; their passing
	// check extends the line's window.
	multiline bool
}

// evaluate runs the checks of one keyword hit: marked when any passes,
// extend when a multiline rule's passes.
func evaluate(checks []keywordCheck, lower string, start, end int) (marked, extend bool) {
	for _, c := range checks {
		if c.pass(lower, start, end) {
			marked = true
			extend = extend || c.multiline
		}
	}
	return marked, extend
}

// prechecks holds the rules whose keywords are common words in API
// descriptions. The regexes are gitleaks v8.30.1's; TestPrechecksAreNecessary
// runs every rule's true-positive samples through its check.
var prechecks = map[string]precheck{
	// (?i)[\w.-]{0,50}?(?:access|auth|[Aa]pi|API|credential|creds|key|passw(?:or)?d|secret|token)
	// (?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}
	// ([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)
	"generic-api-key": genericAssignment,
	// \b((?:hvs\.[\w-]{90,120}|s\.(?i:[a-z0-9]{24})))(?:[\x60'"\s;]|\\[nr]|$)
	"vault-service-token": func(lower string, _, end int) bool {
		return runOf(lower, end, 24, isWordByte, '-')
	},
	// \b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?)...
	"jwt": func(lower string, _, end int) bool {
		return runOf(lower, end, 17, isAlnum) && strings.Contains(lower[end:min(len(lower), end+4096)], ".ey")
	},
	// SK[0-9a-fA-F]{32}
	"twilio-api-key": func(lower string, _, end int) bool {
		return runOf(lower, end, 32, isHexByte)
	},
	// (?i)(?:\bkind:[ \t]*["']?\bsecret\b["']?...) in both of its
	// alternatives the keyword follows "kind:", optional blanks and quote.
	"kubernetes-secret-yaml": func(lower string, start, _ int) bool {
		i := start - 1
		if i >= 0 && (lower[i] == '"' || lower[i] == '\'') {
			i--
		}
		for i >= 0 && (lower[i] == ' ' || lower[i] == '\t') {
			i--
		}
		return i >= 4 && lower[i-4:i+1] == "kind:"
	},
}

// genericAssignment: after the keyword, at most 20 of [ \t\w.-] and 3 of
// [\s'"], then an operator starting with one of = > : | ? , then at most
// 4 more operator characters and 5 of [`'"\s=], then at least 10
// characters of [\w.=+/-].
func genericAssignment(lower string, _, end int) bool {
	i, limit := end, end+23
	for ; i < len(lower) && i <= limit; i++ {
		c := lower[i]
		if strings.IndexByte("=>:|?,", c) >= 0 {
			break
		}
		if !isWordByte(c) && strings.IndexByte(" \t\r\n\f\v.-'\"", c) < 0 {
			return false
		}
	}
	if i >= len(lower) || i > limit {
		return false
	}
	for skip := 0; i < len(lower) && skip < 4+5 && strings.IndexByte("=>:|?,`'\" \t\r\n\f\v", lower[i]) >= 0; skip++ {
		i++
	}
	return runOf(lower, i, 10, isWordByte, '.', '=', '-', '+', '/')
}

// runOf reports whether text holds at least n bytes from position at on
// that satisfy ok or are among extra.
func runOf(text string, at, n int, ok func(byte) bool, extra ...byte) bool {
	if at+n > len(text) {
		return false
	}
	for i := at; i < at+n; i++ {
		c := text[i]
		if ok(c) {
			continue
		}
		found := false
		for _, e := range extra {
			if c == e {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isHexByte(c byte) bool { return isHex(c) }
