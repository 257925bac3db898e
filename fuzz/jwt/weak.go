package jwt

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
