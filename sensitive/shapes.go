package sensitive

import (
	"regexp"
	"strings"
)

// providerKey finds values that are credentials whatever the field is
// called: cloud, VCS, chat and payment provider key formats and private
// keys. Other values are only classified under a credential-like name,
// which keeps a check cheap on ordinary answers (ids, names, prose).
var providerKey = regexp.MustCompile(`\b(?:(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_\w{30,}|glpat-[\w-]{20}|xox[abpors]-[\w-]{10,}|(?:sk|rk)_live_[0-9A-Za-z]{16,}|AIza[\w-]{35}|SG\.[\w-]{22}\.[\w-]{43}|npm_[A-Za-z0-9]{36}|hf_[A-Za-z]{34}|pplx-[A-Za-z0-9]{48}` + aiKeyAlternatives() + `)|-----BEGIN [A-Z ]*PRIVATE KEY-----`)

// providerMarkers are substrings every providerKey match holds; the
// regular expression only runs on values that have one.
var providerMarkers = append([]string{"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox", "_live_", "AIza", "SG.", "npm_", "hf_", "pplx-", "PRIVATE KEY"}, aiKeyMarkers()...)

// markersByFirstByte indexes providerMarkers by their first byte, so a
// value is searched for all of them in one pass. Read-only.
var markersByFirstByte = func() (t [256][]string) {
	for _, m := range providerMarkers {
		t[m[0]] = append(t[m[0]], m)
	}
	return t
}()

// LooksLikeProviderKey reports whether v holds a key in a provider's
// published format (cloud, VCS, chat, payment, registry) or a PEM private
// key, whatever the field holding it is called. The regular expression only
// runs on values that hold one of the providers' markers. A new shape goes
// into providerKey and its marker into providerMarkers (an AI provider's
// into AIKeyShapes, which feeds both).
func LooksLikeProviderKey(v string) bool {
	if len(v) < 20 {
		return false
	}
	for i := 0; i < len(v); i++ {
		for _, m := range markersByFirstByte[v[i]] {
			if strings.HasPrefix(v[i:], m) {
				return providerKey.MatchString(v)
			}
		}
	}
	return false
}

// aiKeyAlternatives is AIKeyShapes as alternatives of providerKey.
func aiKeyAlternatives() string {
	var b strings.Builder
	for _, k := range AIKeyShapes() {
		b.WriteString("|" + k.Pattern)
	}
	return b.String()
}

// aiKeyMarkers are the markers of AIKeyShapes.
func aiKeyMarkers() []string {
	var out []string
	for _, k := range AIKeyShapes() {
		out = append(out, k.Markers...)
	}
	return out
}
