package inventory

import (
	"regexp"
	"strings"
)

var (
	reBodyEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(\.[A-Za-z0-9\-]{1,63})*\.[A-Za-z]{2,24}`)
	reCardLike  = regexp.MustCompile(`\b(?:\d[ -]?){12,18}\d\b`)
	reJSONPair  = regexp.MustCompile(`"([A-Za-z0-9_\-.]{1,64})"\s*:\s*"([^"\\]{8,512})"`)
)

// maxPairs bounds the key/value pairs handed to the credential check per body.
const maxPairs = 200

// detectSensitive names the first kind of sensitive data found in a
// response body: "email address", "payment card number" (Luhn valid) or
// the secret rule that matched a "key": "value" pair; "" when none.
func detectSensitive(body string, credential func(name, value string) (string, bool)) string {
	for _, m := range reBodyEmail.FindAllString(body, 20) {
		if !strings.HasSuffix(m, ".example") && !strings.Contains(m, "@example.") {
			return "an email address"
		}
	}
	for _, m := range reCardLike.FindAllString(body, 20) {
		if luhn(m) {
			return "a payment card number"
		}
	}
	if credential != nil {
		for _, m := range reJSONPair.FindAllStringSubmatch(body, maxPairs) {
			if rule, ok := credential(m[1], m[2]); ok {
				return "a credential (" + rule + ")"
			}
		}
	}
	return ""
}

// luhn checks a card number's check digit, ignoring spaces and dashes.
func luhn(s string) bool {
	var digits []int
	for _, c := range s {
		if c >= '0' && c <= '9' {
			digits = append(digits, int(c-'0'))
		}
	}
	if len(digits) < 13 || len(digits) > 19 {
		return false
	}
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := digits[i]
		if (len(digits)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
