// Package scanners defines what every scanner implements. Each scanner
// lives in its own subpackage and turns a surface into a Result.
package scanners

import (
	"context"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

// Scanner reads a surface and reports what it found. Findings must carry a
// location with a JSON pointer and a fingerprint (rules.Finding.SetFingerprint),
// and evidence already redacted where it may hold a secret.
type Scanner interface {
	// Name is the scanner's short name ("secrets", "lint", ...).
	Name() string
	Scan(ctx context.Context, s *surface.Surface) (Result, error)
}

// Result is what one scan found and what a reader needs to know about it
// besides the findings.
type Result struct {
	Findings []rules.Finding
	// Notes are run-level facts, one line each: the fuzzer's seed and
	// target, checks that could not run, operations never exercised.
	Notes []string
	// Coverage says, per operation, what a scanner that sends or sees
	// requests (the fuzzer, the inventory diff) did with it; static
	// scanners leave it empty.
	Coverage []OperationCoverage
}

// OperationCoverage is one operation's account in a scanner's run.
type OperationCoverage struct {
	// Operation is the operation's key, "GET /pets/{id}".
	Operation string
	Location  rules.Location
	// Requests counts the requests sent (fuzz) or seen (inventory);
	// Succeeded those answered 2xx.
	Requests, Succeeded int
	// Statuses counts the answers per status code.
	Statuses map[int]int
	// Reason says why the operation never got a 2xx (fuzz) or was never
	// seen (inventory); "" when it did.
	Reason string
}
