package fuzz

import (
	"context"
	"fmt"
	"slices"

	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/surface"
)

// Scanner runs the fuzzer as a scanners.Scanner, so `specter scan --target`
// runs it next to the static scanners; its result carries the run's
// summary as notes and coverage.
type Scanner struct {
	cfg Config
}

// NewScanner returns a scanner that fuzzes with cfg.
func NewScanner(cfg Config) *Scanner { return &Scanner{cfg: cfg} }

// Name implements scanners.Scanner.
func (*Scanner) Name() string { return "fuzz" }

// Scan implements scanners.Scanner. On an interrupted or budget-limited
// run it returns the findings so far and no error; on a target that never
// answered it returns the (empty) findings and ErrNoAnswer. The notes are
// the summary's lines (seed, target, requests, operations never
// exercised) followed by the config's Notes; the coverage is the
// summary's per-operation account.
func (s *Scanner) Scan(ctx context.Context, surf *surface.Surface) (scanners.Result, error) {
	e, err := New(ctx, s.cfg)
	if err != nil {
		return scanners.Result{}, fmt.Errorf("fuzz: %w", err)
	}
	res, err := e.Run(ctx, surf)
	if res == nil {
		return scanners.Result{}, err
	}
	sum := res.Summary
	sum.Notes = append(slices.Clip(sum.Notes), s.cfg.Notes...)
	out := scanners.Result{Findings: res.Findings, Notes: sum.Lines()}
	for _, op := range sum.Operations {
		out.Coverage = append(out.Coverage, scanners.OperationCoverage{
			Operation: op.Key, Location: op.Location,
			Requests: op.Sent, Succeeded: op.Succeeded, Statuses: op.Statuses, Reason: op.Reason,
		})
	}
	return out, err
}
