// Package scanners defines what every static scanner implements. Each
// scanner lives in its own subpackage and turns a surface into findings.
package scanners

import (
	"context"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

// Scanner reads a surface and reports findings. Findings must carry a
// location with a JSON pointer and a fingerprint (rules.Finding.SetFingerprint),
// and evidence already redacted where it may hold a secret.
type Scanner interface {
	// Name is the scanner's short name ("secrets", "lint", ...).
	Name() string
	Scan(ctx context.Context, s *surface.Surface) ([]rules.Finding, error)
}
