package lint

import (
	"net"
	"net/url"
	"strings"
	"unicode"
)

// nameWords splits an identifier into lower-case words at separators and
// camel-case humps: "callbackURL" -> [callback url], "owner_id" -> [owner
// id], "X-RateLimit-Limit" -> [x rate limit limit].
func nameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case unicode.IsUpper(r) && len(cur) > 0:
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || (unicode.IsUpper(rs[i-1]) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// squashName lower-cases a name and drops everything but letters and
// digits: "Date-Of_Birth" -> "dateofbirth".
func squashName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lastWord is the last word of a name, "" for none.
func lastWord(name string) string {
	w := nameWords(name)
	if len(w) == 0 {
		return ""
	}
	return w[len(w)-1]
}

// isLoopbackHost reports whether a host (no port) is localhost or a
// loopback address.
func isLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// cleartextURL reports whether u is an absolute http:// URL to a host that
// is not loopback. URLs whose host is still a template ({var}, {{var}})
// are not judged.
func cleartextURL(u string) (host string, ok bool) {
	u = strings.TrimSpace(u)
	if len(u) < 7 || !strings.EqualFold(u[:7], "http://") {
		return "", false
	}
	parsed, err := url.Parse(u)
	if err != nil || parsed.Hostname() == "" || strings.ContainsAny(parsed.Host, "{}") {
		return "", false
	}
	if isLoopbackHost(parsed.Hostname()) {
		return "", false
	}
	return parsed.Hostname(), true
}

// displayURL is a URL as findings may show it: without userinfo (it may
// hold a password), query or fragment (they may hold keys). Strings that
// do not parse as URLs are cut at the first '@', '?' or '#'.
func displayURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		if i := strings.IndexAny(raw, "@?#"); i >= 0 {
			return raw[:i] + "…"
		}
		return raw
	}
	u.User, u.RawQuery, u.Fragment, u.ForceQuery = nil, "", "", false
	return u.String()
}
