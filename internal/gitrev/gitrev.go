// Package gitrev reads the files of a git revision without checking it out:
// it resolves a revision in the repository around a directory and writes
// the files under some paths, as they were at that revision, to a
// directory. It runs the git command.
package gitrev

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// Repo is a git work tree.
type Repo struct {
	// Top is the absolute path of the work tree's top-level directory.
	Top string
}

// Open finds the repository whose work tree holds dir.
func Open(ctx context.Context, dir string) (*Repo, error) {
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s is not in a git work tree: %w", dir, err)
	}
	top := strings.TrimSpace(string(out))
	// git prints the top level with symbolic links resolved; so must the
	// paths made relative to it.
	if abs, err := filepath.EvalSymlinks(filepath.FromSlash(top)); err == nil {
		top = abs
	}
	return &Repo{Top: top}, nil
}

// Resolve returns the commit id a revision (branch, tag, sha, HEAD~1, …)
// names.
func (r *Repo) Resolve(ctx context.Context, rev string) (string, error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("invalid revision %q", rev)
	}
	out, err := git(ctx, r.Top, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("revision %q is not a commit in this repository (in CI, fetch it or clone with full history): %w", rev, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// RelPath returns p (absolute, or relative to the process's working
// directory) relative to the top level, slash-separated; ok is false when
// p lies outside the work tree.
func (r *Repo) RelPath(p string) (string, bool) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	rel, err := filepath.Rel(r.Top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// Export writes the regular files under each path (relative to the top
// level, slash-separated) as they are at commit into dest, keeping their
// paths relative to the top level. Paths that do not exist at commit are
// skipped: their files are new. It returns how many files it wrote.
func (r *Repo) Export(ctx context.Context, commit, dest string, paths []string) (int, error) {
	var specs []string
	for _, p := range paths {
		out, err := git(ctx, r.Top, "ls-tree", "--name-only", commit, "--", pathspec(p))
		if err != nil {
			return 0, fmt.Errorf("listing %s at %s: %w", p, commit, err)
		}
		if len(bytes.TrimSpace(out)) > 0 {
			specs = append(specs, pathspec(p))
		}
	}
	if len(specs) == 0 {
		return 0, nil
	}
	args := append([]string{"archive", "--format=tar", commit, "--"}, specs...)
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = r.Top
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, fmt.Errorf("git archive: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("git archive: %w", err)
	}
	n, extractErr := extract(tar.NewReader(stdout), dest)
	if extractErr != nil {
		io.Copy(io.Discard, stdout)
	}
	waitErr := cmd.Wait()
	switch {
	case extractErr != nil:
		return n, fmt.Errorf("extracting %s: %w", commit, extractErr)
	case waitErr != nil:
		return n, fmt.Errorf("git archive %s: %w: %s", commit, waitErr, strings.TrimSpace(stderr.String()))
	}
	return n, nil
}

// pathspec makes a relative path a literal pathspec, so a file name with
// glob characters names only itself.
func pathspec(p string) string {
	if p == "" {
		p = "."
	}
	return ":(literal)" + p
}

// extract writes the regular files of a tar stream below dest.
func extract(tr *tar.Reader, dest string) (int, error) {
	n := 0
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if h.Typeflag != tar.TypeReg {
			continue // directories are made on demand; links are not scanned
		}
		name := path.Clean(h.Name)
		if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return n, fmt.Errorf("archive entry %q leaves the directory", h.Name)
		}
		target := filepath.Join(dest, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return n, err
		}
		f, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return n, err
		}
		if _, err := io.Copy(f, tr); err != nil {
			f.Close()
			return n, err
		}
		if err := f.Close(); err != nil {
			return n, err
		}
		n++
	}
}

func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out, nil
}
