package policy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/rules"
)

// addFixtures seeds a fuzz target with every file of a testdata directory.
func addFixtures(f *testing.F, dir string) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seed fixtures in testdata/%s: %v", dir, err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzLoadConfig(f *testing.F) {
	addFixtures(f, "config")
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
		if _, err := cfg.ResolveGate("", false); err != nil {
			t.Fatalf("ResolveGate on a parsed config: %v", err)
		}
		findings := []rules.Finding{finding("lint/missing-auth", rules.SeverityMedium, "a/b.yaml", 1, "/paths/~1a", "")}
		Apply(findings, Inputs{Config: cfg})
	})
}

func FuzzReadBaseline(f *testing.F) {
	addFixtures(f, "baseline")
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBaseline(data, "fuzz.json")
		if err != nil {
			if b != nil {
				t.Fatal("ParseBaseline returned a baseline with an error")
			}
			return
		}
		// Whatever was read must survive a write and a read.
		var findings []rules.Finding
		for _, e := range b.Entries {
			findings = append(findings, rules.Finding{RuleID: e.RuleID, Fingerprint: e.Fingerprint, Location: rules.Location{File: e.File, Pointer: e.Pointer}})
		}
		var buf bytes.Buffer
		if err := WriteBaseline(&buf, findings, time.Unix(0, 0)); err != nil {
			t.Fatalf("WriteBaseline of a read baseline: %v", err)
		}
		again, err := ParseBaseline(buf.Bytes(), "again.json")
		if err != nil {
			t.Fatalf("re-reading a written baseline: %v\n%s", err, buf.String())
		}
		if again.Len() != b.Len() {
			t.Fatalf("round trip changed the fingerprint count: %d -> %d", b.Len(), again.Len())
		}
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
