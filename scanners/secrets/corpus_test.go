package secrets

import (
	"context"
	"path/filepath"
	"testing"
)

// TestCorpusPrecision pins the structural findings on the real Postman
// collections and vulnerable-app specs after the hand review recorded in
// docs/secrets.md. Run with -v to list them (redacted).
func TestCorpusPrecision(t *testing.T) {
	c := corporaDir(t)
	surf := loadSurface(t, filepath.Join(c, "postman"), filepath.Join(c, "vulnapps"))
	got, err := newScanner(t, Options{}).Findings(context.Background(), surf)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range got {
		counts[f.RuleID]++
		t.Logf("%s %s:%d:%d %s %s", f.RuleID, f.Location.File, f.Location.Line, f.Location.Column, f.Location.Pointer, f.Evidence)
	}
	for rule, want := range map[string]int{
		"secrets/postman-auth-credential": 4,
		"secrets/credential-header":       1,
		"secrets/spec-example-credential": 5,
		"secrets/environment-credential":  0,
		"secrets/jwt":                     5,
	} {
		if counts[rule] != want {
			t.Errorf("%s: %d findings, reviewed %d", rule, counts[rule], want)
		}
	}
}
