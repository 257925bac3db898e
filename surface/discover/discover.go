// Package discover finds and reads the files a scan covers: every regular
// text file below the given paths, minus version-control, dependency and
// excluded folders, binaries and oversized files. It decides nothing about
// formats; surface/ingest recognises specs by content.
package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/specterhq/specter/internal/progress"
	"github.com/specterhq/specter/surface"
)

// DefaultMaxFileBytes is the size above which a file found in a directory
// is skipped (a file named on the command line is an error instead).
const DefaultMaxFileBytes = 64 << 20

// skippedDirs are never descended into.
var skippedDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, "node_modules": true, "vendor": true,
}

// Options tune a walk.
type Options struct {
	// WorkDir is the directory report paths are made relative to; "" means
	// the process's working directory.
	WorkDir string
	// Excluded reports whether a report path (slash-separated, relative) is
	// excluded; nil excludes nothing. Directories are offered with a
	// trailing slash as well as without.
	Excluded func(path string) bool
	// MaxFileBytes bounds the files read; 0 means DefaultMaxFileBytes.
	MaxFileBytes int64
}

// Skipped is a file the walk passed over, with the reason.
type Skipped struct {
	Path   string
	Reason string
}

// Result is what a walk found.
type Result struct {
	// Files are sorted by Path; each has Path, Abs and Data set.
	Files   []*surface.File
	Skipped []Skipped
	// Named maps each path given on the command line (as given) to the
	// report paths of the files found below it.
	Named map[string][]string
}

// InputError is a problem with what the user named: a missing path, an
// unreadable or oversized file named directly.
type InputError struct {
	Path string
	Err  error
}

func (e *InputError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Walk lists and reads the files below paths. Paths that do not exist or
// cannot be read are InputErrors.
func Walk(ctx context.Context, paths []string, opts Options) (*Result, error) {
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	wd := opts.WorkDir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return nil, fmt.Errorf("finding the working directory: %w", err)
		}
	}
	w := &walker{opts: opts, wd: wd, seen: map[string]bool{}, res: &Result{Named: map[string][]string{}}}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := w.walkRoot(ctx, p); err != nil {
			return nil, err
		}
	}
	if err := w.readAll(ctx); err != nil {
		return nil, err
	}
	sort.Slice(w.res.Files, func(i, j int) bool { return w.res.Files[i].Path < w.res.Files[j].Path })
	sort.Slice(w.res.Skipped, func(i, j int) bool { return w.res.Skipped[i].Path < w.res.Skipped[j].Path })
	return w.res, nil
}

type candidate struct {
	file  *surface.File
	named bool // given on the command line itself
}

type walker struct {
	opts  Options
	wd    string
	seen  map[string]bool
	cands []candidate
	res   *Result
}

func (w *walker) walkRoot(ctx context.Context, root string) error {
	info, err := os.Stat(root)
	if err != nil {
		return &InputError{Path: root, Err: describeStatError(err)}
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return &InputError{Path: root, Err: err}
	}
	if !info.IsDir() {
		if !info.Mode().IsRegular() {
			return &InputError{Path: root, Err: errors.New("not a regular file")}
		}
		if info.Size() > w.opts.MaxFileBytes {
			return &InputError{Path: root, Err: fmt.Errorf("file is %d bytes, over the %d byte limit", info.Size(), w.opts.MaxFileBytes)}
		}
		w.add(root, abs, true)
		return nil
	}
	return filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		rel := w.reportPath(p)
		if err != nil {
			if p == abs {
				return &InputError{Path: root, Err: err}
			}
			w.res.Skipped = append(w.res.Skipped, Skipped{Path: rel, Reason: err.Error()})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != abs && (skippedDirs[d.Name()] || w.excluded(rel, true)) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			w.res.Skipped = append(w.res.Skipped, Skipped{Path: rel, Reason: "symbolic link"})
			return nil
		}
		if !d.Type().IsRegular() || w.excluded(rel, false) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			w.res.Skipped = append(w.res.Skipped, Skipped{Path: rel, Reason: err.Error()})
			return nil
		}
		if info.Size() > w.opts.MaxFileBytes {
			w.res.Skipped = append(w.res.Skipped, Skipped{Path: rel, Reason: fmt.Sprintf("%d bytes, over the %d byte limit", info.Size(), w.opts.MaxFileBytes)})
			return nil
		}
		w.res.Named[root] = append(w.res.Named[root], rel)
		w.add(p, p, false)
		return nil
	})
}

func (w *walker) excluded(rel string, dir bool) bool {
	if w.opts.Excluded == nil {
		return false
	}
	return w.opts.Excluded(rel) || (dir && w.opts.Excluded(rel+"/"))
}

func (w *walker) add(p, abs string, named bool) {
	if w.seen[abs] {
		return
	}
	w.seen[abs] = true
	rel := w.reportPath(abs)
	if named {
		w.res.Named[p] = append(w.res.Named[p], rel)
	}
	w.cands = append(w.cands, candidate{file: &surface.File{Path: rel, Abs: abs}, named: named})
}

// reportPath is the slash-separated path relative to the working directory
// when the file is below it, the absolute path otherwise.
func (w *walker) reportPath(abs string) string {
	if !filepath.IsAbs(abs) {
		if a, err := filepath.Abs(abs); err == nil {
			abs = a
		}
	}
	if rel, err := filepath.Rel(w.wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

// readAll reads the candidates with a small pool; binaries are dropped.
func (w *walker) readAll(ctx context.Context) error {
	type outcome struct {
		skip string
		err  error
	}
	out := make([]outcome, len(w.cands))
	counter := progress.CounterFrom(ctx)
	counter.SetTotal(len(w.cands))
	var wg sync.WaitGroup
	next := make(chan int)
	workers := runtime.GOMAXPROCS(0)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c := w.cands[i]
				data, err := os.ReadFile(c.file.Abs)
				switch {
				case err != nil:
					out[i].err = err
				case isBinary(data):
					out[i].skip = "binary file"
				default:
					c.file.Data = data
				}
				counter.Add(1)
			}
		}()
	}
	for i := range w.cands {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, c := range w.cands {
		switch {
		case out[i].err != nil && c.named:
			return &InputError{Path: c.file.Path, Err: out[i].err}
		case out[i].err != nil:
			w.res.Skipped = append(w.res.Skipped, Skipped{Path: c.file.Path, Reason: out[i].err.Error()})
		case out[i].skip != "":
			w.res.Skipped = append(w.res.Skipped, Skipped{Path: c.file.Path, Reason: out[i].skip})
		default:
			w.res.Files = append(w.res.Files, c.file)
		}
	}
	return nil
}

// isBinary reports whether data looks binary: a NUL byte in its first 8 KiB.
func isBinary(data []byte) bool {
	head := data
	if len(head) > 8<<10 {
		head = head[:8<<10]
	}
	return bytes.IndexByte(head, 0) >= 0
}

func describeStatError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file or directory")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("permission denied")
	}
	return err
}
