package sensitive

import (
	"unicode"
)

// Redact keeps at most the first 4 characters of a secret, and never more
// than a third of it, followed by "…". Findings' evidence uses it.
func Redact(secret string) string {
	r := []rune(secret)
	keep := len(r) / 3
	if keep > 4 {
		keep = 4
	}
	return string(r[:keep]) + "…"
}

// RedactedPrefix returns what may be shown of a recorded credential,
// followed by "…": its vendor prefix when it has one (letters and
// separators up to the last "_" or "-", as in sk_live_ or xoxb-), else its
// first four characters, and never more than a third of it. Secrets
// shorter than 12 bytes show nothing but "…".
func RedactedPrefix(secret string) string {
	if len(secret) < 12 {
		return "…"
	}
	limit := len(secret) / 3
	prefix := secret[:4]
	if v := VendorPrefix(secret); v != "" {
		prefix = v
	}
	if len(prefix) > limit {
		prefix = prefix[:limit]
	}
	if !printable(prefix) {
		return "…"
	}
	return prefix + "…"
}

// VendorPrefix is the leading run of letters and separators that ends
// with a separator within the first 12 bytes ("sk_live_", "ghp_"), or "".
func VendorPrefix(s string) string {
	end := 0
	for i := 0; i < len(s) && i < 12; i++ {
		c := s[i]
		switch {
		case c == '_' || c == '-':
			end = i + 1
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		default:
			return s[:end]
		}
	}
	return s[:end]
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
