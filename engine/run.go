package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/policy"
	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/discover"
	"github.com/specterhq/specter/surface/ingest"
)

// InputError is an error in what the run was asked to read: a path that
// does not exist or cannot be read. The CLI exits 2 on it.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// RevisionError is an error in finding the findings at Plan.Revision: not
// a git repository, an unknown revision, a path outside the repository.
type RevisionError struct{ Err error }

func (e *RevisionError) Error() string { return e.Err.Error() }
func (e *RevisionError) Unwrap() error { return e.Err }

// Run runs the plan. Errors are the run's own (a scanner that failed, a
// path that cannot be read: *InputError, a revision that cannot be
// exported: *RevisionError); problems with single inputs are in
// Result.Problems and the rest is scanned. The fuzzer's error is in
// Result.FuzzErr, next to its partial findings.
func Run(ctx context.Context, p Plan) (*Result, error) {
	res := &Result{}
	watch := watchStages(p.Progress)
	defer watch.close()
	if p.Revision != "" {
		earlier, err := findingsAt(ctx, p)
		if err != nil {
			return nil, &RevisionError{Err: err}
		}
		res.Earlier = earlier
	}
	if err := load(ctx, &p, res, watch); err != nil {
		return nil, err
	}
	if p.DryRun {
		return res, nil
	}
	if err := scan(ctx, &p, res, watch); err != nil {
		return nil, err
	}
	res.Kept = policy.Apply(res.Raw, policy.Inputs{Config: p.Config, Ignores: res.Surface.Ignores, Baseline: p.Baseline, Earlier: res.Earlier})
	res.Verdict = p.Gate.Evaluate(res.Kept.Findings)
	return res, nil
}

// load walks the paths, adds the fetched documents and ingests them.
func load(ctx context.Context, p *Plan, res *Result, watch *stageWatch) error {
	paths := p.Paths
	if p.WorkDir != "" {
		paths = make([]string, len(p.Paths))
		for i, path := range p.Paths {
			if !filepath.IsAbs(path) {
				path = filepath.Join(p.WorkDir, path)
			}
			paths[i] = path
		}
	}
	walked, err := discover.Walk(watch.enter(ctx, "reading"), paths, discover.Options{
		WorkDir:      p.WorkDir,
		MaxFileBytes: p.MaxFileBytes,
		Excluded:     excludedBy(p.Excludes),
	})
	watch.leave()
	if err != nil {
		var ie *discover.InputError
		if errors.As(err, &ie) {
			return &InputError{Err: err}
		}
		return err
	}
	walked.Files = append(walked.Files, p.Fetched...)
	for raw, named := range p.FetchedNamed {
		if walked.Named == nil {
			walked.Named = map[string][]string{}
		}
		walked.Named[raw] = named
	}
	if n := len(walked.Skipped); n > 0 {
		p.logf("skipped %d file(s): %s", n, describeSkipped(walked.Skipped))
	}
	res.Walked = walked
	ingested, err := ingest.Load(watch.enter(ctx, "loading"), walked.Files, p.Ingest)
	watch.leave()
	if err != nil {
		return err
	}
	res.Surface = ingested.Surface
	p.logf("%s", describeSurface(ingested.Surface))
	res.Problems = ingested.Problems
	if p.CheckNamed {
		res.Problems = append(res.Problems, ingest.CheckNamed(ingested.Surface, walked.Named)...)
	}
	if p.Problem != nil {
		for _, pr := range res.Problems {
			p.Problem(pr)
		}
	}
	return nil
}

// scan runs the static scanners, the fuzzer and the inventory diff over
// the surface, in that order.
func scan(ctx context.Context, p *Plan, res *Result, watch *stageWatch) error {
	for _, sc := range p.Static {
		err := res.add(watch.enter(ctx, sc.Name()), p, sc)
		watch.leave()
		if err != nil {
			return fmt.Errorf("%s scanner: %w", sc.Name(), err)
		}
	}
	if err := p.Secrets.Err(); err != nil {
		return err
	}
	if p.Fuzz != nil {
		// The fuzzer's partial results are kept when the target stopped
		// answering; its error decides the exit code later.
		res.FuzzErr = res.add(ctx, p, fuzz.NewScanner(*p.Fuzz))
	}
	if p.Inventory != nil {
		if err := res.add(ctx, p, p.Inventory); err != nil {
			return fmt.Errorf("%s scanner: %w", p.Inventory.Name(), err)
		}
		if err := p.Secrets.Err(); err != nil {
			return fmt.Errorf("%s scanner: %w", p.Inventory.Name(), err)
		}
		sum := p.Inventory.Summary()
		res.Inventory = &sum
	}
	return nil
}

// add runs one scanner and keeps its account, also when it failed: the
// fuzzer's findings so far count next to its error.
func (res *Result) add(ctx context.Context, p *Plan, sc scanners.Scanner) error {
	got, err := sc.Scan(ctx, res.Surface)
	res.Raw = append(res.Raw, got.Findings...)
	res.Scanners = append(res.Scanners, ScannerResult{Name: sc.Name(), Findings: len(got.Findings), Notes: got.Notes, Coverage: got.Coverage})
	if p.EchoNotes {
		for _, n := range got.Notes {
			p.logf("%s", n)
		}
	}
	return err
}

func (p *Plan) logf(format string, args ...any) {
	if p.Log != nil {
		p.Log(format, args...)
	}
}

// excludedBy matches report paths against exclude globs.
func excludedBy(globs []string) func(string) bool {
	return func(path string) bool {
		for _, g := range globs {
			if config.MatchPath(g, path) {
				return true
			}
		}
		return false
	}
}

// describeSkipped names the first few skipped files and why.
func describeSkipped(skipped []discover.Skipped) string {
	const shown = 3
	parts := make([]string, 0, shown+1)
	for i, s := range skipped {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more", len(skipped)-shown))
			break
		}
		parts = append(parts, s.Path+" ("+s.Reason+")")
	}
	return strings.Join(parts, ", ")
}

// describeSurface is the progress line naming what ingest recognised.
func describeSurface(s *surface.Surface) string {
	var specs, collections, environments int
	for _, f := range s.Files {
		switch {
		case f.Format.IsOpenAPI():
			specs++
		case f.Format.IsPostman():
			collections++
		case f.Format == surface.FormatPostmanEnvironment:
			environments++
		}
	}
	return fmt.Sprintf("scanning %d file(s): %d OpenAPI document(s), %d Postman collection(s), %d environment(s)", len(s.Files), specs, collections, environments)
}
