// Package credential reads what a recorded credential says about its
// caller: the claims of a JWT, decoded without verifying the signature,
// and a short redacted prefix of opaque tokens and API keys. It never
// returns the credential itself, nor a JWT's raw claims.
package credential

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/specterhq/specter/sensitive"
)

// Kind says what a credential is.
type Kind string

// Credential kinds.
const (
	KindJWT    Kind = "jwt"     // a bearer token that decodes as a JWT
	KindBearer Kind = "bearer"  // an opaque bearer token
	KindAPIKey Kind = "api key" // an API-key header or query parameter
	KindBasic  Kind = "basic"   // HTTP Basic credentials
	KindOther  Kind = "other"   // another Authorization scheme
)

// Info is what a credential says about its caller. Nothing in it is
// secret: no token, key, password or signature.
type Info struct {
	Kind Kind
	// Scheme is the Authorization scheme as sent ("Bearer", "DPoP"), or
	// the API key's header or parameter name.
	Scheme string
	// Prefix is what may be shown of an opaque token or API key
	// (sensitive.RedactedPrefix); "" for JWTs.
	Prefix string
	// User is the user name of Basic credentials (never the password).
	User string

	// The claims of a JWT. ClientID is the first of client_id, azp, cid
	// and appid, ClientIDClaim the claim it came from.
	ClientID, ClientIDClaim string
	Subject, Issuer         string
	// Scopes are the scope (space-separated) or scp (a string or a list)
	// claim, sorted.
	Scopes []string
	// ClientType is the client_type claim.
	ClientType string
	// IssuedAt and Expires are iat and exp; HasExpiry says whether exp
	// was there.
	IssuedAt, Expires time.Time
	HasExpiry         bool
	// Claims are the token's top-level string, number and boolean claims
	// as text (at most maxClaims, values at most maxClaimValue bytes), for
	// matching agent markers. They are never to be printed.
	Claims map[string]string
}

// Limits on what a token may make this package hold.
const (
	maxTokenBytes = 16 << 10
	maxClaims     = 64
	maxClaimValue = 256
)

// Lifetime is exp - iat, or 0 when either is missing.
func (i Info) Lifetime() time.Duration {
	if !i.HasExpiry || i.IssuedAt.IsZero() {
		return 0
	}
	return i.Expires.Sub(i.IssuedAt)
}

// ParseAuthorization reads an Authorization header value.
func ParseAuthorization(value string) Info {
	value = strings.TrimSpace(value)
	scheme, rest, ok := strings.Cut(value, " ")
	if !ok {
		// A bare token (some clients omit the scheme).
		scheme, rest = "", value
	}
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(scheme) {
	case "bearer", "dpop", "":
		if info, ok := parseJWT(rest); ok {
			info.Scheme = scheme
			return info
		}
		return Info{Kind: KindBearer, Scheme: scheme, Prefix: sensitive.RedactedPrefix(rest)}
	case "basic":
		info := Info{Kind: KindBasic, Scheme: scheme}
		if raw, err := base64.StdEncoding.DecodeString(rest); err == nil {
			if user, _, ok := strings.Cut(string(raw), ":"); ok && printable(user) {
				info.User = clip(user, 64)
			}
		}
		return info
	}
	return Info{Kind: KindOther, Scheme: clip(scheme, 32), Prefix: sensitive.RedactedPrefix(rest)}
}

// ParseAPIKey reads an API key sent in the named header or parameter; a
// JWT sent as a key is read as one.
func ParseAPIKey(name, value string) Info {
	value = strings.TrimSpace(value)
	if info, ok := parseJWT(value); ok {
		info.Scheme = name
		return info
	}
	return Info{Kind: KindAPIKey, Scheme: name, Prefix: sensitive.RedactedPrefix(value)}
}

// parseJWT decodes a compact JWS's payload without verifying it.
func parseJWT(tok string) (Info, bool) {
	if len(tok) > maxTokenBytes || strings.Count(tok, ".") != 2 || !strings.HasPrefix(tok, "eyJ") {
		return Info{}, false
	}
	_, rest, _ := strings.Cut(tok, ".")
	payload, _, _ := strings.Cut(rest, ".")
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(payload, "="))
	if err != nil {
		return Info{}, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil || claims == nil {
		return Info{}, false
	}
	info := Info{Kind: KindJWT, Claims: map[string]string{}}
	keys := make([]string, 0, len(claims))
	for k := range claims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(info.Claims) == maxClaims {
			break
		}
		if s, ok := scalar(claims[k]); ok && len(s) <= maxClaimValue {
			info.Claims[k] = s
		}
	}
	for _, k := range []string{"client_id", "azp", "cid", "appid"} {
		if s := info.Claims[k]; s != "" {
			info.ClientID, info.ClientIDClaim = clip(s, 128), k
			break
		}
	}
	info.Subject = clip(info.Claims["sub"], 128)
	info.Issuer = clip(info.Claims["iss"], 256)
	info.ClientType = info.Claims["client_type"]
	info.Scopes = scopes(claims)
	if t, ok := epoch(claims["iat"]); ok {
		info.IssuedAt = t
	}
	if t, ok := epoch(claims["exp"]); ok {
		info.Expires, info.HasExpiry = t, true
	}
	return info, true
}

// scopes reads scope (space-separated) or scp (a string or a list).
func scopes(claims map[string]any) []string {
	var out []string
	add := func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, strings.Fields(v)...)
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					out = append(out, strings.Fields(s)...)
				}
			}
		}
	}
	add(claims["scope"])
	add(claims["scp"])
	sort.Strings(out)
	uniq := out[:0]
	for i, s := range out {
		if i == 0 || s != out[i-1] {
			uniq = append(uniq, clip(s, 128))
		}
		if len(uniq) == 256 {
			break
		}
	}
	return uniq
}

func scalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		if v {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// epoch reads a NumericDate.
func epoch(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > 1e11 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// clip cuts s to at most n bytes at a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
