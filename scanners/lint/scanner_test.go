package lint

import (
	"strings"
	"testing"
)

// TestNewNeedsDetector: the scanner does not build a secret detector of its
// own; without one New fails.
func TestNewNeedsDetector(t *testing.T) {
	if _, err := New(Options{}); err == nil || !strings.Contains(err.Error(), "no credential detector") {
		t.Fatalf("New without Options.Credentials = %v, want an error", err)
	}
	if _, err := New(withDetector(t, Options{})); err != nil {
		t.Fatal(err)
	}
}
