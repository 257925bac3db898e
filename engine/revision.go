package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/specterhq/specter/internal/gitrev"
	"github.com/specterhq/specter/policy"
)

// findingsAt runs the plan's static scanners over its paths as they are
// at p.Revision and returns the fingerprints found there as a baseline,
// so that only findings introduced since are reported. Fingerprints hold
// no line numbers, so findings that only moved stay known.
func findingsAt(ctx context.Context, p Plan) (*policy.Baseline, error) {
	tree, err := os.MkdirTemp("", "specter-rev-")
	if err != nil {
		return nil, fmt.Errorf("creating a directory for %s: %w", p.Revision, err)
	}
	defer os.RemoveAll(tree)
	old, err := exportRevision(ctx, p.Revision, tree, p.WorkDir, p.Paths)
	if err != nil {
		return nil, err
	}
	earlier := &policy.Baseline{Version: policy.BaselineVersion, Tool: "specter"}
	if len(old.paths) > 0 {
		// The tree is scanned from its own working directory, so that
		// report paths, and with them fingerprints, are the ones the scan
		// of the working tree produces.
		if err := os.MkdirAll(old.wd, 0o755); err != nil {
			return nil, fmt.Errorf("creating %s: %w", old.wd, err)
		}
		then, err := Run(ctx, Plan{
			Paths: old.paths, WorkDir: old.wd,
			MaxFileBytes: p.MaxFileBytes, Excludes: p.Excludes, Ingest: p.Ingest,
			Static: p.Static, Secrets: p.Secrets, Config: p.Config, Gate: p.Gate,
			Progress: atRevision(p.Progress, p.Revision),
		})
		if err != nil {
			return nil, fmt.Errorf("the files at %s: %w", p.Revision, err)
		}
		for _, finding := range then.Raw {
			earlier.Entries = append(earlier.Entries, policy.BaselineEntry{
				Fingerprint: finding.Fingerprint, RuleID: finding.RuleID,
				File: finding.Location.File, Pointer: finding.Location.Pointer,
			})
		}
	}
	p.logf("%d finding(s) at %s (%.12s) are not reported again", len(earlier.Entries), p.Revision, old.commit)
	return earlier, nil
}

// exportedTree is the repository at a revision, written out: the commit,
// the working directory's counterpart in it and the paths to scan there.
type exportedTree struct {
	commit string
	wd     string
	paths  []string
}

// exportRevision writes the paths (relative to workDir, "" for the
// process's working directory) as they are at rev into dir. Paths that
// did not exist at rev are left out.
func exportRevision(ctx context.Context, rev, dir, workDir string, paths []string) (*exportedTree, error) {
	wd := workDir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return nil, fmt.Errorf("finding the working directory: %w", err)
		}
	}
	repo, err := gitrev.Open(ctx, wd)
	if err != nil {
		return nil, err
	}
	commit, err := repo.Resolve(ctx, rev)
	if err != nil {
		return nil, err
	}
	wdRel, ok := repo.RelPath(wd)
	if !ok {
		return nil, fmt.Errorf("the working directory is outside the repository at %s", repo.Top)
	}
	var relPaths []string
	for _, path := range paths {
		abs := path
		if workDir != "" && !filepath.IsAbs(path) {
			abs = filepath.Join(workDir, path)
		}
		rel, ok := repo.RelPath(abs)
		if !ok {
			return nil, fmt.Errorf("%s is outside the repository at %s", path, repo.Top)
		}
		relPaths = append(relPaths, rel)
	}
	if _, err := repo.Export(ctx, commit, dir, relPaths); err != nil {
		return nil, err
	}
	out := &exportedTree{commit: commit, wd: filepath.Join(dir, filepath.FromSlash(wdRel))}
	for _, rel := range relPaths {
		old := filepath.Join(dir, filepath.FromSlash(rel))
		if _, err := os.Stat(old); err == nil {
			out.paths = append(out.paths, old)
		}
	}
	return out, nil
}

// atRevision names the revision in the stages of its run's progress.
func atRevision(report func(stage string, done, total int), rev string) func(string, int, int) {
	if report == nil {
		return nil
	}
	return func(stage string, done, total int) { report(stage+" at "+rev, done, total) }
}
