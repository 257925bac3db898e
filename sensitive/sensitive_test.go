package sensitive

import "testing"

func TestIsCard(t *testing.T) {
	for s, want := range map[string]bool{
		"4111111111111111":    true,
		"5500-0000-0000-0004": true,
		"4111111111111112":    false, // Luhn
		"0000000000000000":    false,
		"1234567812345670":    false, // no network starts with 1
		"411111111111":        false, // too short
		"4111a11111111111":    false,
		"4242 4242 4242 4242": true,
		"2222222222222222":    false, // one digit repeated (passes Luhn)
		"5555555555554444":    true,
	} {
		if got := IsCard(s); got != want {
			t.Errorf("IsCard(%q) = %v", s, got)
		}
	}
}

func TestShapesAndRedaction(t *testing.T) {
	for v, want := range map[string]bool{
		"AKIA" + "IOSFODNN7EXAMPLE":                     true,
		"ghp_" + "4bN7xQ2mK9pL5vR8tY3wZ6cJ1hF0dS2aE7gU": true,
		"-----BEGIN RSA PRIVATE KEY-----\nMIIE":         true,
		"ghp_short":                                     false,
		"an ordinary sentence that is long enough here": false,
	} {
		if got := LooksLikeProviderKey(v); got != want {
			t.Errorf("LooksLikeProviderKey(%.12q) = %v", v, got)
		}
	}
	for _, tt := range []struct{ in, redact, prefix string }{
		{"sk_live_51HqLyjWDarjtT1zdp7dc", "sk_l…", "sk_live_…"},
		{"short", "s…", "…"},
		{"abcdefghijklmnop", "abcd…", "abcd…"},
	} {
		if got := Redact(tt.in); got != tt.redact {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.redact)
		}
		if got := RedactedPrefix(tt.in); got != tt.prefix {
			t.Errorf("RedactedPrefix(%q) = %q, want %q", tt.in, got, tt.prefix)
		}
	}
	if ValidSSN("078", "05", "1120") || !ValidSSN("219", "09", "9999") || ValidSSN("900", "12", "3456") {
		t.Error("ValidSSN: the advertising number and 9xx areas are not SSNs; 219-09-9999 is one")
	}
}

func TestRedactedPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"sk_live_51H8xYzAbCdEfGhIjKlMnOp": "sk_live_…",
		"AKIAIOSFODNN7EXAMPLE":            "AKIA…",
		"xoxb-1234-5678-abcdefgh":         "xoxb-…",
		"3f1c2a9e-8b7d-4c6e-9f0a":         "3f1c…", // digits are not a vendor prefix
		"sk_live_short":                   "sk_l…", // at most a third
		"k_123":                           "…",
		"":                                "…",
	} {
		if got := RedactedPrefix(in); got != want {
			t.Errorf("RedactedPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}
