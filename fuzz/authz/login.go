package authz

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Issued is a credential a login (or token) answer hands out.
type Issued struct {
	Value string
	// From says where it was: a JSON pointer ("/auth_token",
	// "/data/token") or "cookie NAME".
	From string
	// Cookie is the cookie's name when the credential is a session cookie.
	Cookie string
	// Type is the answer's token_type ("bearer") when it names one.
	Type string
}

// tokenMembers are the names login answers put tokens under, most
// telling first (normalised).
var tokenMembers = []string{"accesstoken", "token", "authtoken", "jwt", "idtoken", "sessiontoken", "bearertoken", "apitoken", "sessionid", "session", "apikey", "key"}

var jwtShape = regexp.MustCompile(`^eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*$`)

var sessionCookie = regexp.MustCompile(`(?i)sess|sid|token|auth|jwt|login|remember`)

// csrfCookie names the anti-forgery cookies frameworks set beside the
// session (Django's csrftoken, Laravel's and Angular's XSRF-TOKEN): not
// credentials.
var csrfCookie = regexp.MustCompile(`(?i)csrf|xsrf`)

// IssuedCredential finds the credential an answer hands out: a token
// member of its JSON body (at any depth up to 4), any JWT-shaped string in
// it, or a session cookie it sets. A failed login hands out none, whatever
// its status: many frameworks answer 200 with an error message.
func IssuedCredential(h http.Header, body []byte) (Issued, bool) {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&doc) == nil {
		if is, ok := tokenIn(doc, "", 0); ok {
			if obj, ok := doc.(map[string]any); ok {
				is.Type, _ = obj["token_type"].(string)
			}
			return is, true
		}
	}
	lines := h.Values("Set-Cookie")
	if len(lines) > 0 && failureWords.Match(statusText(body)) {
		// A failed login may still set a session cookie (PHP, Express
		// and Flask start sessions for anonymous visitors too): it is
		// not a credential.
		return Issued{}, false
	}
	for _, line := range lines {
		c, err := http.ParseSetCookie(line)
		if err != nil || c.Value == "" || c.MaxAge < 0 || strings.EqualFold(c.Value, "deleted") || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			continue
		}
		if sessionCookie.MatchString(c.Name) && !csrfCookie.MatchString(c.Name) {
			return Issued{Value: c.Value, From: "cookie " + c.Name, Cookie: c.Name}, true
		}
	}
	return Issued{}, false
}

func tokenIn(v any, pointer string, depth int) (Issued, bool) {
	if depth > 4 {
		return Issued{}, false
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, want := range tokenMembers {
			for _, k := range keys {
				if s, ok := x[k].(string); ok && normalize(k) == want && len(s) >= 8 && !strings.ContainsAny(s, " \n") {
					return Issued{Value: s, From: pointer + "/" + escapePointer(k)}, true
				}
			}
		}
		for _, k := range keys {
			if s, ok := x[k].(string); ok && jwtShape.MatchString(s) {
				return Issued{Value: s, From: pointer + "/" + escapePointer(k)}, true
			}
		}
		for _, k := range keys {
			if is, ok := tokenIn(x[k], pointer+"/"+escapePointer(k), depth+1); ok {
				return is, true
			}
		}
	case []any:
		if len(x) == 1 {
			return tokenIn(x[0], pointer+"/0", depth+1)
		}
	}
	return Issued{}, false
}

func escapePointer(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// failureWords are what failed logins and sign-ups say, whatever their
// status.
var failureWords = regexp.MustCompile(`(?i)\b(fail(ed|ure)?|invalid|incorrect|wrong|not (found|exist|correct|valid|registered)|does ?n[o']t exist|unknown|denied|unauthori[sz]ed|forbidden|error|bad (credentials|request)|already (exists|registered|taken|in use)|exists|taken|mismatch|locked|disabled|too many)\b`)

// Outcome is what a login, sign-up or password-reset answer says.
type Outcome int

// Outcomes.
const (
	// Refused: an error status, or a 2xx that says it failed.
	Refused Outcome = iota
	// Accepted: a 2xx that does not say it failed.
	Accepted
	// Throttled: a rate limit or lockout.
	Throttled
)

// Judge reads an authentication answer the way a person would: a rate
// limit or lockout is Throttled; a 4xx or 5xx is Refused; a 2xx whose body reports a
// failure (`"status": "fail"`, "Password is not correct", "User already
// exists") is Refused too; any other 2xx is Accepted. For a login, pair it
// with IssuedCredential: no credential handed out is a failure.
func Judge(status int, h http.Header, body []byte) Outcome {
	switch {
	case LimitedAnswer(status, h, body):
		return Throttled
	case status < 200 || status > 299:
		return Refused
	}
	if failureWords.Match(statusText(body)) {
		return Refused
	}
	return Accepted
}

// LimitedAnswer reports whether an answer is a rate limit or a lockout:
// Limited's statuses, or an answer that says it (too many attempts,
// locked, try again later) whatever its status.
func LimitedAnswer(status int, h http.Header, body []byte) bool {
	if Limited(status, h) {
		return true
	}
	return lockoutWords.Match(statusText(body))
}

var lockoutWords = regexp.MustCompile(`(?i)too many (requests|attempts|tries|failed)|(account|user) (is )?(temporarily )?(locked|blocked|suspended)|locked out|try again (later|in)|rate.?limit|slow down|attempts (remaining|left)|exceeded`)

// statusText is what an answer says in words: its status and message
// members when it is JSON, else its text (HTML tags and all: the words
// still count), cut at 4 KiB.
func statusText(body []byte) []byte {
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		if len(body) > 4096 {
			body = body[:4096]
		}
		return body
	}
	var b bytes.Buffer
	for _, k := range []string{"status", "message", "msg", "error", "errors", "detail", "result", "success", "ok", "errordescription", "title"} {
		for key, v := range obj {
			if normalize(key) != k {
				continue
			}
			switch x := v.(type) {
			case string:
				b.WriteString(x)
			case bool:
				if !x && (k == "success" || k == "ok") {
					b.WriteString(" failed")
				}
			case nil:
			default:
				raw, _ := json.Marshal(x)
				b.Write(raw)
			}
			b.WriteByte(' ')
		}
	}
	return b.Bytes()
}
