package sensitive

import (
	"strings"
	"testing"
)

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

// TestAIKeyShapes: every AI-provider shape is a provider key to
// LooksLikeProviderKey, in its shortest and longest lengths, and a value
// one character short of it, or with another prefix, is not. Keys are
// built at run time so the repository holds none.
func TestAIKeyShapes(t *testing.T) {
	alnum := func(n int) string { return strings.Repeat("aB3dE9gH2k", n/10+1)[:n] }
	hex := func(n int) string { return strings.Repeat("0a9b8c7d6e", n/10+1)[:n] }
	letters := func(n int) string { return strings.Repeat("qWeRtYuIoP", n/10+1)[:n] }
	for _, tt := range []struct {
		name string
		key  string
		want bool
	}{
		{"openai project", "sk-proj-" + alnum(48), true},
		{"openai service account long", "sk-svcacct-" + alnum(240), true},
		{"openai admin", "sk-admin-" + alnum(100), true},
		{"openai marker", "sk-" + alnum(20) + "T3BlbkFJ" + alnum(20), true},
		{"anthropic 86", "sk-ant-api03-" + alnum(86) + "AA", true},
		{"anthropic admin", "sk-ant-admin01-" + alnum(100) + "AA", true},
		{"groq", "gsk_" + alnum(52), true},
		{"xai", "xai-" + alnum(80), true},
		{"replicate", "r8_" + alnum(37), true},
		{"openrouter", "sk-or-v1-" + hex(64), true},
		{"langsmith", "lsv2_pt_" + hex(32) + "_" + hex(10), true},
		{"hugging face", "hf_" + letters(34), true},
		{"perplexity", "pplx-" + alnum(48), true},
		{"openai project too short", "sk-proj-" + alnum(30), false},
		{"groq too short", "gsk_" + alnum(40), false},
		{"a slug with the prefix", "sk-proj-roadmap-and-notes", false},
		{"xai in prose", "the xai-team shipped it last week, see notes", false},
		{"hugging face with digits", "hf_" + alnum(34), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := LooksLikeProviderKey(tt.key); got != tt.want {
				t.Errorf("LooksLikeProviderKey(%.20q…) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
	for _, k := range AIKeyShapes() {
		if k.Name == "" || k.Title == "" || k.Entropy <= 0 || len(k.Keywords) == 0 || len(k.Markers) == 0 {
			t.Errorf("incomplete shape %+v", k)
		}
		for _, kw := range k.Keywords {
			if kw != strings.ToLower(kw) {
				t.Errorf("%s: keyword %q is not lower-case (gitleaks gates on lower-cased text)", k.Name, kw)
			}
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
