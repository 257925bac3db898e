package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/internal/fuzzseed"
)

func FuzzLoadConfig(f *testing.F) {
	fuzzseed.Files(f, filepath.Join("testdata", "config"))
	f.Add([]byte(StarterConfig()))
	f.Add([]byte("version: 1\nrules: &a\n  lint/*: *a\n"))
	f.Add([]byte("version: 1\nignore:\n  - <<: {rule: x}\n"))
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data, "fuzz.yaml")
		if err != nil {
			if cfg != nil {
				t.Fatal("ParseConfig returned a config with an error")
			}
			return
		}
		// A parsed config is structurally valid; only rule ids may be unknown.
		if err := cfg.Validate(nil); err != nil {
			t.Fatalf("ParseConfig accepted a config Validate rejects: %v", err)
		}
		_ = cfg.Validate(cat)
	})
}

func FuzzMatchPath(f *testing.F) {
	for _, s := range [][2]string{{"**/generated/**", "a/generated/b"}, {"legacy/*.yaml", "legacy/a.yaml"}, {"/abs/**", "/abs/x"}, {"a/[b", "a/b"}, {"./x/**/y", `x\z\y`}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, glob, name string) {
		matched := MatchPath(glob, name)
		if matched && ValidatePathGlob(glob) != nil && glob != "" {
			t.Fatalf("malformed glob %q matched %q", glob, name)
		}
		if !MatchPath("**", name) {
			t.Fatalf("** does not match %q", name)
		}
		if ValidatePathGlob(name) == nil && !strings.ContainsAny(name, `*?[\`) && !MatchPath(name, name) {
			t.Fatalf("a literal path does not match itself: %q", name)
		}
	})
}
