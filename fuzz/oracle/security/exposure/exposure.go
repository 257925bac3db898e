// Package exposure finds credentials and personal data in response
// bodies: credential-named fields holding real-looking values and provider
// keys (through the secret scanner's LooksLikeCredential), payment card
// numbers that pass the Luhn check and US social security numbers. Values
// the request itself sent, and the session tokens an authentication
// operation is expected to hand out, are not findings. Evidence is always
// redacted.
package exposure

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/specterhq/specter/sensitive"
)

// MaxScanBytes is how much of a body is read.
const MaxScanBytes = 256 << 10

// maxValues bounds how many string values of one body are examined.
const maxValues = 4096

// Kind separates credentials from personal data.
type Kind string

// Kinds.
const (
	Secret Kind = "secret"
	PII    Kind = "pii"
)

// Match is one sensitive value in a body.
type Match struct {
	Kind Kind
	// Field is a JSON pointer to the value ("/users/0/password"), or ""
	// for text bodies.
	Field string
	// What names it: the secret scanner's rule id, "payment-card", "us-ssn".
	What string
	// Redacted is the value with all but its first characters hidden.
	Redacted string
	// Value is the value as found, for the caller to mask wherever the
	// answer is shown; never print it.
	Value string
}

// issuedTokenFields are fields in which an authentication answer hands the
// caller its own session: reporting them would flag every login.
var issuedTokenFields = map[string]bool{
	"accesstoken": true, "refreshtoken": true, "idtoken": true, "token": true, "jwt": true,
	"sessiontoken": true, "sessionid": true, "authtoken": true, "bearertoken": true, "csrftoken": true,
	"xsrftoken": true, "nexttoken": true, "pagetoken": true, "nextpagetoken": true,
}

// Finder examines bodies. It is safe for concurrent use when the
// sensitive.CredentialDetector is.
type Finder struct {
	classify sensitive.CredentialDetector
	// Per Find call: name caches, made once a body has more than a few
	// values (a greeting needs none).
	names    map[string]bool // key -> credential-like name
	ssnNames map[string]bool // key -> names an SSN
	lookups  int
}

// New returns a Finder using the secret scanner's classifier.
func New(c sensitive.CredentialDetector) *Finder { return &Finder{classify: c} }

// Find returns the sensitive values in a response body that none of sent
// (the request's parameters, body and credentials) contains.
func (f *Finder) Find(body []byte, sent []string) []Match {
	if len(body) > MaxScanBytes {
		body = body[:MaxScanBytes]
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := dec.Decode(&doc)
	return f.FindDecoded(body, doc, err == nil, func() []string { return sent })
}

// FindDecoded is Find on a body its caller has decoded already (numbers as
// json.Number); decoded is false when the body is not JSON, and its text
// is then searched for personal data. sent is only called when something
// sensitive is found, to drop the values the request itself carried.
func (f *Finder) FindDecoded(body []byte, doc any, decoded bool, sent func() []string) []Match {
	if len(body) > MaxScanBytes {
		body = body[:MaxScanBytes]
	}
	f = &Finder{classify: f.classify} // per call: safe for concurrent use
	var sentValues []string
	sentRead := false
	echoed := func(v string) bool {
		if !sentRead {
			sentValues, sentRead = sent(), true
		}
		for _, s := range sentValues {
			if s != "" && (s == v || strings.Contains(s, v)) {
				return true
			}
		}
		return false
	}
	var out []Match
	if decoded {
		n := 0
		var path [16]string
		walk(doc, path[:0], "", func(at []string, key, value string) {
			n++
			if n > maxValues || value == "" {
				return
			}
			m, ok := f.secret(key, value)
			if !ok {
				m, ok = f.pii(key, value)
			}
			if ok && !echoed(value) {
				m.Field = pointer(at)
				out = append(out, m)
			}
		})
	} else {
		for _, m := range piiInText(string(body)) {
			if !echoed(m.raw) {
				out = append(out, m.Match)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// cached looks a key up in a name cache, computing and (past the first
// few lookups of a body) remembering it.
func (f *Finder) cached(cache *map[string]bool, key string, compute func(string) bool) bool {
	if v, ok := (*cache)[key]; ok {
		return v
	}
	v := compute(key)
	f.lookups++
	if f.lookups > 8 {
		if *cache == nil {
			*cache = map[string]bool{}
		}
		if len(*cache) < 256 {
			(*cache)[key] = v
		}
	}
	return v
}

func (f *Finder) secret(key, value string) (Match, bool) {
	if what, ok := exposedCredential(key, value); ok {
		return Match{Kind: Secret, What: what, Redacted: sensitive.Redact(value), Value: value}, true
	}
	if f.classify == nil || key == "" {
		return Match{}, false
	}
	named := f.cached(&f.names, key, sensitive.IsCredentialName)
	if !named && !sensitive.LooksLikeProviderKey(value) {
		return Match{}, false
	}
	if issuedTokenFields[sensitive.NormalizeName(key)] {
		return Match{}, false
	}
	rule, ok := f.classify.LooksLikeCredential(key, value)
	if !ok {
		return Match{}, false
	}
	return Match{Kind: Secret, What: rule, Redacted: sensitive.Redact(value), Value: value}, true
}

// exposedCredential reports members that must never leave a service
// whatever their value looks like: a password ("pass1" is still one), a
// password hash, a reset or one-time code. A secret scanner calls short
// or common values placeholders; in an answer, a password member with
// any unmasked value is the exposure.
func exposedCredential(key, value string) (string, bool) {
	n := sensitive.NormalizeName(key)
	if n == "" || masked(value) {
		return "", false
	}
	switch {
	case strings.Contains(n, "password") || strings.Contains(n, "passwd") || n == "pwd" || n == "pass" || n == "passcode" || strings.HasSuffix(n, "pwhash") || n == "hashedpw":
		if strings.Contains(n, "hash") || passwordHash(value) {
			return "password hash", true
		}
		if strings.Contains(n, "reset") || strings.Contains(n, "forgot") || strings.Contains(n, "expir") || strings.Contains(n, "changed") || strings.Contains(n, "policy") || strings.Contains(n, "required") || strings.Contains(n, "set") && !strings.Contains(n, "reset") {
			return "", false // password metadata, not the password
		}
		return "password", true
	case n == "otp" || n == "resetcode" || n == "resettoken" || n == "verificationcode" || n == "otpcode" || n == "mfasecret" || n == "totpsecret":
		return "one-time or reset code", true
	}
	return "", false
}

// masked reports values that show nothing: empty, all mask characters,
// a redaction word, a boolean or null written as text.
func masked(v string) bool {
	if len(v) < 3 {
		return true
	}
	if strings.Trim(v, "*•xX#.-_ ") == "" {
		return true
	}
	switch strings.ToLower(v) {
	case "redacted", "[redacted]", "<redacted>", "hidden", "<hidden>", "[hidden]", "null", "none", "true", "false", "n/a", "protected", "[filtered]":
		return true
	}
	return false
}

// passwordHash recognises the common password hash formats.
func passwordHash(v string) bool {
	for _, p := range []string{"$2a$", "$2b$", "$2y$", "$argon2", "$pbkdf2", "pbkdf2_sha256$", "$scrypt$", "$6$", "$5$", "$1$", "sha1$", "{SSHA}", "{SHA}"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// walk calls fn for every string (and number, as text) in a JSON value
// with its path (member names and array indexes, a stack reused between
// calls: pointer renders it) and its member name ("" inside arrays of
// scalars). Members are visited in name order.
func walk(v any, path []string, key string, fn func(path []string, key, value string)) {
	switch x := v.(type) {
	case map[string]any:
		var buf [16]string
		keys := buf[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			walk(x[k], append(path, k), k, fn)
		}
	case []any:
		for i, e := range x {
			walk(e, append(path, itoa(i)), key, fn)
		}
	case string:
		fn(path, key, x)
	case json.Number:
		fn(path, key, x.String())
	}
}

// pointer renders a path as a JSON pointer ("/items/0/token").
func pointer(path []string) string {
	var b strings.Builder
	for _, seg := range path {
		b.WriteByte('/')
		b.WriteString(escape(seg))
	}
	return b.String()
}

func escape(k string) string { return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1") }

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

// pii checks one JSON value: a whole-value card number or SSN.
func (f *Finder) pii(key, value string) (Match, bool) {
	v := strings.TrimSpace(value)
	if len(v) < 11 || len(v) > 23 {
		return Match{}, false // neither a card number nor an SSN
	}
	if sensitive.IsCard(v) && sensitive.CardPattern.FindString(v) == v {
		return Match{Kind: PII, What: "payment-card", Redacted: sensitive.MaskCard(v), Value: v}, true
	}
	if !f.cached(&f.ssnNames, key, sensitive.SSNName) {
		return Match{}, false
	}
	if m := sensitive.SSNPattern.FindStringSubmatch(v); m != nil && m[0] == v && sensitive.ValidSSN(m[1], m[2], m[3]) {
		return Match{Kind: PII, What: "us-ssn", Redacted: "***-**-" + m[3], Value: v}, true
	}
	return Match{}, false
}

type textMatch struct {
	Match
	raw string
}

func piiInText(text string) []textMatch {
	var out []textMatch
	for _, c := range sensitive.CardPattern.FindAllString(text, 16) {
		if sensitive.IsCard(c) {
			out = append(out, textMatch{Match{Kind: PII, What: "payment-card", Redacted: sensitive.MaskCard(c), Value: c}, c})
		}
	}
	for _, loc := range sensitive.SSNPattern.FindAllStringSubmatchIndex(text, 16) {
		m := []string{text[loc[0]:loc[1]], text[loc[2]:loc[3]], text[loc[4]:loc[5]], text[loc[6]:loc[7]]}
		if sensitive.SSNNearby(text[max(0, loc[0]-40):loc[0]]) && sensitive.ValidSSN(m[1], m[2], m[3]) {
			out = append(out, textMatch{Match{Kind: PII, What: "us-ssn", Redacted: "***-**-" + m[3], Value: m[0]}, m[0]})
		}
	}
	return out
}
