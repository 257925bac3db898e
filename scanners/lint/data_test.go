package lint

import (
	"context"
	"strings"
	"testing"
)

// TestCredentialExamplesLeftToSecretsScanner: when the secret scanner runs
// in the same scan, lint does not report its findings a second time; on
// its own it reports them, redacted.
func TestCredentialExamplesLeftToSecretsScanner(t *testing.T) {
	surf := load(t, "rules/credential-like-example/trigger.yaml")
	for _, tt := range []struct {
		reported bool
		want     int
	}{{false, 3}, {true, 0}} {
		s, err := New(withDetector(t, Options{SecretsReported: tt.reported}))
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Findings(context.Background(), surf)
		if err != nil {
			t.Fatal(err)
		}
		found := byRule(got, "lint/credential-like-example")
		if len(found) != tt.want {
			t.Errorf("SecretsReported=%v: %d findings, want %d", tt.reported, len(found), tt.want)
		}
		for _, f := range found {
			for _, secret := range []string{"ghp_R8dK2mXq7ZpL4vN9sT1wY6cB3fH5jA0eU2iO", "Zt8kQ2vLmP4xR7nW9sB3dF6hJ1aC5eG0", "AKIAZ3MUWJ7Q5RN2XK4D"} {
				if strings.Contains(f.Evidence+f.Message, secret) {
					t.Errorf("finding shows the secret: %+v", f)
				}
			}
		}
	}
}
