package inventory

import (
	"regexp"
	"strings"

	"github.com/specterhq/specter/sensitive"
)

var (
	reBodyEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(\.[A-Za-z0-9\-]{1,63})*\.[A-Za-z]{2,24}`)
	reJSONPair  = regexp.MustCompile(`"([A-Za-z0-9_\-.]{1,64})"\s*:\s*"([^"\\]{8,512})"`)
)

// maxPairs bounds the key/value pairs handed to the credential check per body.
const maxPairs = 200

// detectSensitive names the first kind of sensitive data found in a
// response body: "email address", "payment card number" (Luhn valid) or
// the secret rule that matched a "key": "value" pair; "" when none. Cards
// are checked with sensitive.IsCard, the one card rule of every scanner.
func detectSensitive(body string, credentials sensitive.CredentialDetector) string {
	for _, m := range reBodyEmail.FindAllString(body, 20) {
		if !strings.HasSuffix(m, ".example") && !strings.Contains(m, "@example.") {
			return "an email address"
		}
	}
	for _, m := range sensitive.CardPattern.FindAllString(body, 20) {
		if sensitive.IsCard(m) {
			return "a payment card number"
		}
	}
	if credentials != nil {
		for _, m := range reJSONPair.FindAllStringSubmatch(body, maxPairs) {
			if rule, ok := credentials.LooksLikeCredential(m[1], m[2]); ok {
				return "a credential (" + rule + ")"
			}
		}
	}
	return ""
}
