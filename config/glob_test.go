package config

import (
	"strings"
	"testing"
)

func TestMatchPath(t *testing.T) {
	for _, tt := range []struct {
		glob, path string
		want       bool
	}{
		{"legacy/*.yaml", "legacy/a.yaml", true},
		{"legacy/*.yaml", "legacy/sub/a.yaml", false},
		{"legacy/*.yaml", "other/legacy/a.yaml", false},
		{"*.yaml", "a.yaml", true},
		{"*.yaml", "dir/a.yaml", false},
		{"**/*.yaml", "a.yaml", true},
		{"**/*.yaml", "x/y/z/a.yaml", true},
		{"**/*.yaml", "x/y/z/a.json", false},
		{"**/generated/**", "generated", true},
		{"**/generated/**", "a/generated/b/c.yaml", true},
		{"**/generated/**", "a/generated-not/c.yaml", false},
		{"testdata/**", "testdata/keys.json", true},
		{"testdata/**", "src/testdata/keys.json", false},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/x/y/c", false},
		{"a/**/**/b", "a/x/b", true},
		{"./specs/*.json", "specs/api.json", true},
		{"specs/*.json", "./specs/api.json", true},
		{"specs//api.json", "specs/api.json", true},
		{"specs/api.json", `specs\api.json`, true},
		{"spec?/[ab].json", "specs/a.json", true},
		{"spec?/[ab].json", "specs/c.json", false},
		{"/abs/**", "/abs/x.yaml", true},
		{"*/x.yaml", "/x.yaml", false},
		{"abs/**", "/abs/x.yaml", false},
		{"**", "anything/at/all", true},
		{"[", "[", false}, // malformed globs match nothing
		{"", "a", false},
	} {
		if got := MatchPath(tt.glob, tt.path); got != tt.want {
			t.Errorf("MatchPath(%q, %q) = %v, want %v", tt.glob, tt.path, got, tt.want)
		}
	}
}

func TestMatchPathManyStars(t *testing.T) {
	// Backtracking matchers go exponential here; the table matcher must not.
	glob := strings.Repeat("**/a/", 40) + "b"
	path := strings.Repeat("a/", 200) + "c"
	if MatchPath(glob, path) {
		t.Error("matched a path that does not end in b")
	}
}

func TestValidatePathGlob(t *testing.T) {
	for _, tt := range []struct {
		glob string
		ok   bool
	}{
		{"**/generated/**", true},
		{"a/[bc]/*.yaml", true},
		{"a/b**c", true},
		{"a/[bc", false},
		{`a/b\`, false},
		{"", false},
		{"  ", false},
	} {
		if err := ValidatePathGlob(tt.glob); (err == nil) != tt.ok {
			t.Errorf("ValidatePathGlob(%q) = %v", tt.glob, err)
		}
	}
}
