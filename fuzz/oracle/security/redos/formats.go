package redos

import "strings"

// validator is a well-known regular expression servers use to check a
// string format; the analysis runs on it like on a schema's pattern.
type validator struct {
	format string
	name   string // what it is and where it was published
	expr   string // ECMA-262
}

// validators lists, per format, vulnerable validators found in the wild.
// A server checking `format: email` with one of them is attacked with
// the strings the analysis derives from it.
func validators() []validator {
	return []validator{
		// E-mail.
		{"email", "OWASP ReDoS article, e-mail validation example",
			`^([0-9a-zA-Z]([-.\w]*[0-9a-zA-Z])*@([0-9a-zA-Z][-\w]*[0-9a-zA-Z]\.)+[a-zA-Z]{2,9})$`},
		{"email", "OWASP Validation Regex Repository, e-mail",
			`^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$`},
		{"email", "ASP.NET RegularExpressionValidator \"Internet e-mail address\" preset",
			`^\w+([-+.']\w+)*@\w+([-.]\w+)*\.\w+([-.]\w+)*$`},
		{"email", "loose e-mail check common in Node.js models (mongoose `match` examples)",
			`^.+@.+\..+$`},
		{"email", "e-mail check with an optional dot in a repeated group (common form)",
			`^([\w-]+\.?)+@([\w-]+\.)+[a-zA-Z]{2,6}$`},
		{"email", "widespread JavaScript e-mail check ^\\w+([\\.-]?\\w+)*@…",
			`^\w+([\.-]?\w+)*@\w+([\.-]?\w+)*(\.\w{2,3})+$`},
		// Host names.
		{"hostname", "host name check with optional hyphen groups (common form)",
			`^([a-zA-Z0-9]+(-?[a-zA-Z0-9]+)*\.)*[a-zA-Z0-9]+(-?[a-zA-Z0-9]+)*$`},
		{"hostname", "host and domain parts of npm url-regex before the CVE-2020-7661 fix",
			`^(?:(?:[a-z\u00a1-\uffff0-9][-_]*)*[a-z\u00a1-\uffff0-9]+)(?:\.(?:[a-z\u00a1-\uffff0-9]-*)*[a-z\u00a1-\uffff0-9]+)*(?:\.(?:[a-z\u00a1-\uffff]{2,}))$`},
		// URIs.
		{"uri", "npm url-regex before the CVE-2020-7661 fix (strict mode, without the IPv4 alternative)",
			`^(?:(?:[a-z]+:)?//)?(?:\S+(?::\S*)?@)?(?:localhost|(?:(?:[a-z\u00a1-\uffff0-9][-_]*)*[a-z\u00a1-\uffff0-9]+)(?:\.(?:[a-z\u00a1-\uffff0-9]-*)*[a-z\u00a1-\uffff0-9]+)*(?:\.(?:[a-z\u00a1-\uffff]{2,})))\.?(?::\d{2,5})?(?:[/?#][^\s"]*)?$`},
		{"uri", "URL check with repeated path groups (common form)",
			`^(https?://)?([\w-]+\.)+[\w-]+(/[\w- ./?%&=]*)*$`},
		// Phone numbers.
		{"phone", "digits-only check with a nested group",
			`^(\d+)+$`},
		{"phone", "international number with optional separators",
			`^\+?(\d+[-\s]?)+$`},
		{"phone", "grouped digits with optional separators and extension",
			`^(\+\d{1,3}\s?)?(\(?\d+\)?[\s.-]?)+(\s*(ext|x)\.?\s*\d+)?$`},
	}
}

// validatorsFor selects the validators for a format or a field name.
func validatorsFor(format, name string) []validator {
	want := ""
	switch strings.ToLower(format) {
	case "email", "idn-email":
		want = "email"
	case "hostname", "idn-hostname":
		want = "hostname"
	case "uri", "uri-reference", "iri", "iri-reference", "url":
		want = "uri"
	case "phone", "tel", "telephone", "phone-number", "e164":
		want = "phone"
	}
	if want == "" && phoneLike(name) {
		want = "phone"
	}
	if want == "" {
		return nil
	}
	var out []validator
	for _, v := range validators() {
		if v.format == want {
			out = append(out, v)
		}
	}
	return out
}

// phoneLike reports whether a property or parameter name holds a phone
// number: phone, phoneNumber, mobile_phone, msisdn, fax, tel, cell...
func phoneLike(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"phone", "mobile", "msisdn", "fax", "telephone", "cellular"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	// Short words only as whole name parts: "tel", "cell".
	for _, part := range strings.FieldsFunc(n, func(r rune) bool { return r == '_' || r == '-' || r == '.' || r == ' ' }) {
		if part == "tel" || part == "cell" || part == "mobile" {
			return true
		}
	}
	return false
}
