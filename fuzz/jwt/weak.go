package jwt

import "context"

// weakSecrets are HMAC secrets found in tutorials, framework defaults,
// vulnerable-by-design APIs and the first lines of jwt-secrets lists. The
// list is short on purpose: the check runs offline on every HS* token seen
// in a run and must stay instant.
var weakSecrets = []string{
	"secret", "secretkey", "secret_key", "secret-key", "mysecret", "my_secret", "mysecretkey",
	"your-256-bit-secret", "your-384-bit-secret", "your-512-bit-secret", "your_jwt_secret",
	"jwt_secret", "jwtsecret", "jwt-secret", "JWT_SECRET", "jwtSecret", "SECRET_KEY", "SECRET",
	"secret123", "changeme", "changeit", "password", "password123", "123456", "12345678",
	"1234567890", "admin", "test", "testing", "dev", "development", "default", "key", "private",
	"shhhhh", "shhhhhhared-secret", "keyboard cat", "supersecret", "super-secret", "supersecretkey",
	"random_secret_key", "replace-me", "change-this", "qwerty", "letmein", "token", "auth",
	"hello", "s3cr3t", "gottacatchemall", "random", "", "null", "undefined", "example",
}

// WeakSecrets returns a copy of the dictionary.
func WeakSecrets() []string { return append([]string(nil), weakSecrets...) }

// GuessSecret tries the dictionary (plus extra, e.g. secrets the user asked
// to add) against an HS* token and returns the secret that verifies it.
func GuessSecret(t *Token, extra ...string) (string, bool) {
	if !t.IsHMAC() {
		return "", false
	}
	for _, list := range [][]string{weakSecrets, extra} {
		for _, s := range list {
			if t.Verify([]byte(s)) {
				return s, true
			}
		}
	}
	return "", false
}

// SecretSource names the pass of GuessSecretContext that found a secret.
type SecretSource string

// The passes of GuessSecretContext, in the order they run.
const (
	// FromDictionary: the secret is in the built-in weak-secret list.
	FromDictionary SecretSource = "dictionary"
	// FromExtra: the secret is one of the caller's extra candidates.
	FromExtra SecretSource = "extra"
	// FromNumeric: the secret is a decimal string of 1 to
	// NumericMaxDigits digits.
	FromNumeric SecretSource = "numeric"
)

// Guess is a secret that verifies a token and the pass that found it.
type Guess struct {
	Secret string
	Source SecretSource
}

// GuessSecretContext tries the dictionary, then extra, then every numeric
// key (GuessNumericSecret) against an HS* token. The first two passes are
// instant; the numeric one costs about a second of CPU on every core when
// nothing is found (docs/performance.md, "JWT secret guessing"), so call it
// once per distinct token, off the per-exchange path. It returns ctx's
// error, wrapped, when ctx ends during the numeric pass.
func GuessSecretContext(ctx context.Context, t *Token, extra ...string) (Guess, bool, error) {
	if !t.IsHMAC() {
		return Guess{}, false, nil
	}
	for _, pass := range []struct {
		list   []string
		source SecretSource
	}{{weakSecrets, FromDictionary}, {extra, FromExtra}} {
		for _, s := range pass.list {
			if t.Verify([]byte(s)) {
				return Guess{Secret: s, Source: pass.source}, true, nil
			}
		}
	}
	s, ok, err := GuessNumericSecret(ctx, t)
	if err != nil || !ok {
		return Guess{}, false, err
	}
	return Guess{Secret: s, Source: FromNumeric}, true, nil
}
