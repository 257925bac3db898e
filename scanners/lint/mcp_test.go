package lint

import "testing"

func TestDecodeHidden(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Search issues by keyword.", ""},
		{"ok\U000E0068\U000E0069", "«hi»"},
		{"a\u200bb\u202e", "\\u200B\\u202E"},
		{"Ελληνικά and English", ""},
	}
	for _, tt := range tests {
		if got := decodeHidden(tt.in); got != tt.want {
			t.Errorf("decodeHidden(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMixedScriptWords(t *testing.T) {
	tests := []struct{ in, want string }{
		{"r\u0435ad_file", `"r\u0435ad_file"`},
		{"Translate English to Ελληνικά or Русский", ""},
		{"caf\u00e9 na\u00efve", ""},
	}
	for _, tt := range tests {
		got := ""
		for i, w := range mixedScriptWords(tt.in) {
			if i > 0 {
				got += ","
			}
			got += w
		}
		if got != tt.want {
			t.Errorf("mixedScriptWords(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
