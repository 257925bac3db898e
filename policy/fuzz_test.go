package policy

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/internal/fuzzseed"
	"github.com/specterhq/specter/rules"
)

func FuzzReadBaseline(f *testing.F) {
	fuzzseed.Files(f, filepath.Join("testdata", "baseline"))
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

// FuzzChainConfig runs the gate and the chain under every config the
// config package accepts (its seed corpus is config's).
func FuzzChainConfig(f *testing.F) {
	fuzzseed.Files(f, filepath.Join("..", "config", "testdata", "config"))
	f.Add([]byte(config.StarterConfig()))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.ParseConfig(data, "fuzz.yaml")
		if err != nil {
			return
		}
		if _, err := ResolveGate(cfg, "", false); err != nil {
			t.Fatalf("ResolveGate on a parsed config: %v", err)
		}
		findings := []rules.Finding{finding("lint/missing-auth", rules.SeverityMedium, "a/b.yaml", 1, "/paths/~1a", "")}
		res := Apply(findings, Inputs{Config: cfg})
		if len(res.Findings) > len(findings) {
			t.Fatalf("the chain added findings: %v", res.Findings)
		}
	})
}
