package sensitive

import (
	"regexp"
	"strings"
)

// CardPattern finds runs of 13 to 19 digits, spaces and dashes allowed
// between them: candidates for IsCard.
var CardPattern = regexp.MustCompile(`\b(?:\d[ -]?){12,18}\d\b`)

// SSNPattern finds the US social security number shape ddd-dd-dddd, its
// three parts captured for ValidSSN.
var SSNPattern = regexp.MustCompile(`\b(\d{3})-(\d{2})-(\d{4})\b`)

// IsCard reports whether s is a payment card number: 13 to 19 digits
// (spaces and dashes allowed between) that pass the Luhn check, start like
// a card network's number (2 to 6) and are not a run of one digit. It is
// specter's one card check; every scanner that looks for cards calls it.
func IsCard(s string) bool {
	var digits []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = append(digits, c-'0')
		case c == ' ' || c == '-':
		default:
			return false
		}
	}
	if len(digits) < 13 || len(digits) > 19 {
		return false
	}
	switch digits[0] {
	case 2, 3, 4, 5, 6:
	default:
		return false
	}
	same := true
	for _, d := range digits[1:] {
		if d != digits[0] {
			same = false
		}
	}
	if same {
		return false
	}
	sum := 0
	for i := range digits {
		d := int(digits[len(digits)-1-i])
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// MaskCard shows only the last four digits of a card number.
func MaskCard(s string) string {
	var digits []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits = append(digits, s[i])
		}
	}
	return "**** " + string(digits[len(digits)-4:])
}

// SSNName reports whether a field name says it holds a social security
// or national identifier; a bare ddd-dd-dddd shape is also an order
// number or a part number.
func SSNName(key string) bool {
	n := NormalizeName(key)
	for _, w := range []string{"ssn", "socialsecurity", "taxid", "nationalid"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// SSNNearby reports whether the text before a number names it an SSN.
func SSNNearby(before string) bool {
	l := strings.ToLower(before)
	return strings.Contains(l, "ssn") || strings.Contains(l, "social security")
}

// ValidSSN applies the SSA's rules: no 000, 666 or 9xx area, no 00 group,
// no 0000 serial; the advertising number 078-05-1120 and 123-45-6789 are
// examples, not data.
func ValidSSN(area, group, serial string) bool {
	if area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000" {
		return false
	}
	whole := area + group + serial
	return whole != "078051120" && whole != "123456789"
}
