package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/specterhq/specter/internal/cienv"
	"github.com/specterhq/specter/internal/gitrev"
	"github.com/specterhq/specter/policy"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/surface/discover"
	"github.com/specterhq/specter/surface/ingest"
)

// findingsAtRevision scans the same paths as they are at --new-from-rev
// and returns the fingerprints found there as a baseline, so that only
// findings introduced since are reported. Fingerprints hold no line
// numbers, so findings that only moved stay known. It returns nil when
// "auto" finds no pull or merge request to compare with.
func findingsAtRevision(ctx context.Context, st streams, kind scanKind, f *scanFlags, static []scanners.Scanner, excludes, paths []string, logf func(string, ...any)) (*policy.Baseline, error) {
	rev := f.newFromRev
	if rev == "auto" {
		base, ok, err := cienv.BaseRevision(st.env)
		if err != nil {
			return nil, err
		}
		if !ok {
			logf("specter: --new-from-rev auto: not a pull or merge request build; reporting every finding")
			return nil, nil
		}
		rev = base.Rev
		logf("specter: comparing with %s (from %s)", rev, base.Source)
	}
	tree, err := os.MkdirTemp("", "specter-rev-")
	if err != nil {
		return nil, fmt.Errorf("creating a directory for %s: %w", rev, err)
	}
	defer os.RemoveAll(tree)
	old, err := exportRevision(ctx, rev, tree, paths)
	if err != nil {
		return nil, err
	}
	earlier := &policy.Baseline{Version: policy.BaselineVersion, Tool: "specter"}
	if len(old.paths) > 0 {
		findings, err := scanTree(ctx, kind, f, static, excludes, old, rev)
		if err != nil {
			return nil, err
		}
		for _, finding := range findings {
			earlier.Entries = append(earlier.Entries, policy.BaselineEntry{
				Fingerprint: finding.Fingerprint, RuleID: finding.RuleID,
				File: finding.Location.File, Pointer: finding.Location.Pointer,
			})
		}
	}
	logf("specter: %d finding(s) at %s (%.12s) are not reported again", len(earlier.Entries), rev, old.commit)
	return earlier, nil
}

// exportedTree is the repository at a revision, written out: the commit,
// the working directory's counterpart in it and the paths to scan there.
type exportedTree struct {
	commit string
	wd     string
	paths  []string
}

// exportRevision writes the paths as they are at rev into dir. Paths that
// did not exist at rev are left out.
func exportRevision(ctx context.Context, rev, dir string, paths []string) (*exportedTree, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("finding the working directory: %w", err)
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
	for _, p := range paths {
		rel, ok := repo.RelPath(p)
		if !ok {
			return nil, fmt.Errorf("%s is outside the repository at %s", p, repo.Top)
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

// scanTree scans an exported tree from its own working directory, so that
// report paths, and with them fingerprints, are the ones the scan of the
// working tree produces.
func scanTree(ctx context.Context, kind scanKind, f *scanFlags, static []scanners.Scanner, excludes []string, tree *exportedTree, rev string) ([]rules.Finding, error) {
	if err := os.MkdirAll(tree.wd, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", tree.wd, err)
	}
	_, findings, err := scanFiles(ctx, kind, f, static, excludes, tree.paths, tree.wd, "the files at "+rev)
	return findings, err
}

// scanFiles walks paths (relative to workDir; "" for the working
// directory), ingests what it finds and runs the static scanners over it:
// the whole static pipeline, for a scan that reports nothing itself
// (--new-from-rev's earlier tree, a tool call of specter mcp). what names
// the files in errors.
func scanFiles(ctx context.Context, kind scanKind, f *scanFlags, static []scanners.Scanner, excludes, paths []string, workDir, what string) (*ingest.Result, []rules.Finding, error) {
	walked, err := discover.Walk(ctx, paths, discover.Options{WorkDir: workDir, MaxFileBytes: f.maxFileBytes, Excluded: excludedBy(excludes)})
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", what, err)
	}
	ingested, err := ingest.Load(ctx, walked.Files, ingestOptions(kind, f))
	if err != nil {
		return nil, nil, fmt.Errorf("loading %s: %w", what, err)
	}
	findings, err := runScanners(ctx, static, ingested.Surface)
	if err != nil {
		return nil, nil, fmt.Errorf("scanning %s: %w", what, err)
	}
	return ingested, findings, nil
}
