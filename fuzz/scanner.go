package fuzz

import (
	"context"
	"fmt"
	"sync"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

// Scanner runs the fuzzer as a scanners.Scanner, so `specter scan --target`
// runs it next to the static scanners. The summary of the last run is kept
// for the command to print.
type Scanner struct {
	cfg  Config
	mu   sync.Mutex
	last *Result
}

// NewScanner returns a scanner that fuzzes with cfg.
func NewScanner(cfg Config) *Scanner { return &Scanner{cfg: cfg} }

// Name implements scanners.Scanner.
func (*Scanner) Name() string { return "fuzz" }

// Scan implements scanners.Scanner. On an interrupted or budget-limited
// run it returns the findings so far and no error; on a target that never
// answered it returns the (empty) findings and ErrNoAnswer.
func (s *Scanner) Scan(ctx context.Context, surf *surface.Surface) ([]rules.Finding, error) {
	e, err := New(ctx, s.cfg)
	if err != nil {
		return nil, fmt.Errorf("fuzz: %w", err)
	}
	res, err := e.Run(ctx, surf)
	s.mu.Lock()
	s.last = res
	s.mu.Unlock()
	if res == nil {
		return nil, err
	}
	return res.Findings, err
}

// Summary returns the summary of the last Scan, or nil.
func (s *Scanner) Summary() *Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		return nil
	}
	sum := s.last.Summary
	return &sum
}
