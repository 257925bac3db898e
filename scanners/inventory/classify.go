package inventory

import (
	"regexp"
	"strings"
)

// segmentKind says what an observed path segment looks like.
type segmentKind int

const (
	kindLiteral  segmentKind = iota
	kindVersion              // v1, v2.7, 1.0 — never a parameter
	kindDate                 // 2024-06-01
	kindNumber               // 42, 007, -3
	kindUUID                 // any version, with hyphens
	kindULID                 // 26 Crockford base32 characters
	kindObjectID             // 24 hex
	kindHex                  // ≥6 hex characters with a digit
	kindPrefixed             // cus_9s6XKzkNRiz8i3
	kindEmail                // a@b.example
	kindToken                // base64-like, JWT, long mixed strings
)

var (
	reVersion  = regexp.MustCompile(`^[vV]\d+(\.\d+)*([a-z]+\d*)?$|^\d+\.\d+$`)
	reDate     = regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)
	reNumber   = regexp.MustCompile(`^-?\d+$`)
	reUUID     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reULID     = regexp.MustCompile(`^[0-7][0-9A-HJKMNP-TV-Z]{25}$`)
	reObjectID = regexp.MustCompile(`^[0-9a-f]{24}$`)
	reHex      = regexp.MustCompile(`^[0-9a-fA-F]{6,}$`)
	rePrefixed = regexp.MustCompile(`^[a-z]{2,8}_[A-Za-z0-9]{8,}$`)
	reEmail    = regexp.MustCompile(`^[^@\s/]+@[^@\s/]+\.[A-Za-z]{2,}$`)
	reToken    = regexp.MustCompile(`^[A-Za-z0-9_\-.=+~]{16,}$`)
)

// classify says whether a segment is a literal word, a version, or a value
// that templating turns into a parameter.
func classify(s string) segmentKind {
	// One pass over the bytes settles the common cases without regular
	// expressions: words (no digit) are literals, digit runs are numbers.
	digits, at := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '@':
			at = true
		}
	}
	switch {
	case s == "":
		return kindLiteral
	case digits == 0 && !at:
		return kindLiteral
	case digits == len(s) || digits == len(s)-1 && s[0] == '-':
		return kindNumber
	case reVersion.MatchString(s):
		return kindVersion
	case reDate.MatchString(s):
		return kindDate
	case reNumber.MatchString(s):
		return kindNumber
	case reUUID.MatchString(s):
		return kindUUID
	case reULID.MatchString(s):
		return kindULID
	case reObjectID.MatchString(s):
		return kindObjectID
	case reHex.MatchString(s) && strings.ContainsAny(s, "0123456789"):
		return kindHex
	case rePrefixed.MatchString(s) && hasDigit(s):
		return kindPrefixed
	case reEmail.MatchString(s):
		return kindEmail
	case reToken.MatchString(s) && mixedClasses(s):
		return kindToken
	}
	return kindLiteral
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// mixedClasses reports whether a long string mixes digits with letters or
// upper with lower case the way generated tokens do; "account-settings-page"
// does not.
func mixedClasses(s string) bool {
	var lower, upper, digit int
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z':
			lower++
		case c >= 'A' && c <= 'Z':
			upper++
		case c >= '0' && c <= '9':
			digit++
		}
	}
	return digit >= 2 && lower+upper > 0 || lower > 0 && upper > 1 && digit > 0
}

// templateSegments turns an undocumented path into a template: values
// become {param}; versions stay; a date is a version in first position
// (/2024-06-01/charges) and a value elsewhere (/reports/2024-06-01).
func templateSegments(segs []string) []string {
	out := make([]string, len(segs))
	for i, s := range segs {
		switch classify(s) {
		case kindLiteral, kindVersion:
			out[i] = s
		case kindDate:
			if i == 0 || isScaffold(segs[i-1]) {
				out[i] = s
			} else {
				out[i] = "{param}"
			}
		default:
			out[i] = "{param}"
		}
	}
	return out
}

// isScaffold names segments that precede versions and resources, never
// values: /api/v1, /rest/2024-06-01.
func isScaffold(s string) bool {
	switch strings.ToLower(s) {
	case "api", "apis", "rest", "services", "public", "internal":
		return true
	}
	return classify(s) == kindVersion
}

// redactSegment hides the identifying part of a value segment in sample
// paths: ids and tokens keep two characters (a prefix like "cus_" is kept),
// emails the first character and the domain.
func redactSegment(s string) string {
	switch classify(s) {
	case kindLiteral, kindVersion, kindDate:
		if len(s) > 40 {
			return s[:4] + "…"
		}
		return s
	case kindEmail:
		at := strings.LastIndexByte(s, '@')
		return s[:1] + "…" + s[at:]
	case kindPrefixed:
		return s[:strings.IndexByte(s, '_')+1] + "…"
	case kindNumber:
		if len(s) <= 2 {
			return s
		}
	}
	return s[:2] + "…"
}

// redactPath redacts every value segment of a path.
func redactPath(segs []string) string {
	out := make([]string, len(segs))
	for i, s := range segs {
		out[i] = redactSegment(s)
	}
	return joinPath(out)
}
