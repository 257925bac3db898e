package sensitive

import (
	"regexp"
	"strings"
	"unicode"
)

// minSecretLen is the shortest value treated as a possible credential.
const minSecretLen = 6

var (
	templateVar   = regexp.MustCompile(`\{\{[^{}]*\}\}|\$\{[^{}]*\}|<[^<>]+>|\[[^\[\]]+\]|__[A-Za-z0-9_]+__`)
	shellVar      = regexp.MustCompile(`^\$[A-Za-z_][A-Za-z0-9_]*$`)
	windowsVar    = regexp.MustCompile(`^%[A-Za-z_][A-Za-z0-9_]*%$`)
	maskedRun     = regexp.MustCompile(`(?i)x{4,}|\*{3,}|\.{3,}|…|#{4,}|0{8,}`)
	yourSomething = regexp.MustCompile(`(?i)^(?:your|my|insert|enter|replace|put|add)[-_ .]?(?:[a-z]+[-_ .]?)*(?:key|token|secret|password|passwd|pass|id|here|value|credentials?)(?:[-_ .]?here)?$`)
)

// placeholderWords are values (compared lower-case, without separators)
// that stand for a credential rather than being one.
var placeholderWords = map[string]bool{
	"changeme": true, "changeit": true, "example": true, "examples": true, "test": true, "testing": true,
	"password": true, "passwd": true, "pass": true, "secret": true, "token": true, "string": true,
	"null": true, "nil": true, "undefined": true, "none": true, "redacted": true, "removed": true,
	"hidden": true, "masked": true, "dummy": true, "sample": true, "placeholder": true, "foo": true,
	"bar": true, "baz": true, "foobar": true, "abc123": true, "abcdef": true, "12345": true,
	"123456": true, "1234567": true, "12345678": true, "123456789": true, "1234567890": true,
	"qwerty": true, "letmein": true, "value": true, "apikey": true, "key": true, "todo": true,
	"tbd": true, "fake": true, "demo": true, "true": true, "false": true, "default": true,
	"secretkey": true, "accesstoken": true, "refreshtoken": true, "clientsecret": true,
	"bearertoken": true, "authtoken": true, "privatekey": true, "secretpassword": true,
	"mypassword": true, "mysecret": true, "mytoken": true, "myapikey": true, "testpassword": true,
	"testtoken": true, "testsecret": true, "testkey": true, "notasecret": true, "xxx": true,
	"username": true, "user": true, "admin": true, "guest": true, "anonymous": true, "bearer": true,
	"basic": true, "empty": true, "na": true, "unknown": true, "sometoken": true, "somesecret": true,
	"somepassword": true, "strongpassword": true, "supersecret": true, "s3cr3t": true, "p4ssw0rd": true,
	"passw0rd": true, "password1": true, "password123": true, "secret123": true, "token123": true,
}

// fakeMarkers mark a value as illustrative wherever they appear in it.
var fakeMarkers = []string{"example", "placeholder", "changeme", "dummy", "sample", "redacted", "your_", "your-", "yourkey", "yourtoken", "yoursecret", "yourpassword", "notreal", "not-a-real", "fake", "bogus"}

// IsPlaceholder reports whether a value stands for a credential instead of
// being one: templates ({{var}}, ${VAR}, $VAR, %VAR%, <your-key>), masked
// values (xxxx, ****, ....), well-known filler words (changeme, example,
// test, password, null, ...), repeated or sequential characters, and values
// too short to be a credential.
func IsPlaceholder(v string) bool {
	v = strings.TrimSpace(strings.Trim(strings.TrimSpace(v), `"'`+"`"))
	if len([]rune(v)) < minSecretLen {
		return true
	}
	if templateVar.MatchString(v) || shellVar.MatchString(v) || windowsVar.MatchString(v) || maskedRun.MatchString(v) {
		return true
	}
	lower := strings.ToLower(v)
	if yourSomething.MatchString(lower) {
		return true
	}
	for _, m := range fakeMarkers {
		if strings.Contains(lower, m) {
			return true
		}
	}
	bare := alnumOnly(lower)
	if placeholderWords[bare] || len(bare) < 4 {
		return true
	}
	return lowVariety(bare) || sequential(bare)
}

func alnumOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lowVariety is true for values made of at most two distinct characters
// ("aaaaaa", "ababab", "000000").
func lowVariety(s string) bool {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
		if len(seen) > 2 {
			return false
		}
	}
	return true
}

// sequential is true for runs like "123456789" or "abcdefgh".
func sequential(s string) bool {
	const digits, letters = "01234567890123456789", "abcdefghijklmnopqrstuvwxyz"
	return strings.Contains(digits, s) || strings.Contains(letters, s)
}
