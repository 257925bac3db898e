package openapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// remoteTimeout bounds one HTTP fetch of a remote $ref when they are allowed.
const remoteTimeout = 15 * time.Second

// RefError is a $ref that Load refused or could not follow.
type RefError struct {
	Ref    string // the $ref as written; "" when the loader asked for a location no $ref names
	Target string // where it resolves: a cleaned absolute path or a URL
	// Site is where the $ref is written ("file:line:col"), when known.
	Site   string
	Reason string
}

func (e *RefError) Error() string {
	var b strings.Builder
	if e.Site != "" {
		b.WriteString(e.Site)
		b.WriteString(": ")
	}
	if e.Ref != "" {
		fmt.Fprintf(&b, "$ref %q", e.Ref)
	} else {
		fmt.Fprintf(&b, "$ref to %s", e.Target)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// refSite is where a $ref is written.
type refSite struct {
	raw  string
	file *surface.File
	line int
	col  int
}

func (s refSite) String() string { return fmt.Sprintf("%s:%d:%d", s.file.Path, s.line, s.col) }

// refReader is the loader's only way to read anything: it serves the root
// file and local files below the root's folder, and refuses the rest unless
// remote refs are allowed. kin-openapi does not enforce
// IsExternalRefsAllowed once a ReadFromURIFunc is set, so every check lives
// here.
type refReader struct {
	ctx      context.Context
	opts     Options
	root     *surface.File
	rootAbs  string // cleaned absolute path of the root file
	rootDir  string // its folder, symlinks resolved
	maxBytes int64
	client   *http.Client

	files map[string]*surface.File // by cleaned absolute path, root included
	order []*surface.File          // files other than the root, in the order first read
	// sites maps each target (absolute path or URL without fragment) to the
	// first $ref naming it. It is built on the first refusal only: walking
	// every file for it costs a large share of a lint run, and only an
	// error message needs it.
	sites   map[string]refSite
	indexed int // how many files (root, then order) sites covers
}

func newRefReader(ctx context.Context, root *surface.File, opts Options) (*refReader, error) {
	abs, err := filepath.Abs(root.Abs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root.Path, err)
	}
	dir := filepath.Dir(abs)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	r := &refReader{
		ctx:      ctx,
		opts:     opts,
		root:     root,
		rootAbs:  abs,
		rootDir:  dir,
		maxBytes: opts.maxFileBytes(),
		files:    map[string]*surface.File{abs: root},
		sites:    map[string]refSite{},
	}
	if opts.AllowRemoteRefs {
		r.client = &http.Client{Timeout: remoteTimeout}
	}
	return r, nil
}

// location is the URL the loader resolves the root's relative refs against.
func (r *refReader) location() *url.URL { return &url.URL{Path: filepath.ToSlash(r.rootAbs)} }

// indexSites indexes the files read since the last call, root first then
// in the order they were read, so that sites keeps the first $ref naming
// each target.
func (r *refReader) indexSites() {
	files := append([]*surface.File{r.root}, r.order...)
	for ; r.indexed < len(files); r.indexed++ {
		r.index(files[r.indexed])
	}
}

// index records where each $ref of a file is written, keyed by the location
// the loader will ask for, so that a refusal names the $ref as written.
func (r *refReader) index(f *surface.File) {
	base := &url.URL{Path: filepath.ToSlash(f.Abs)}
	f.Tree.Walk(func(ptr string, key, value *yaml.Node) bool {
		if key == nil || value.Kind != yaml.ScalarNode || strings.HasPrefix(value.Value, "#") {
			return true
		}
		// $ref members, and discriminator mappings, which kin-openapi
		// resolves as references too.
		if key.Value != "$ref" && !strings.HasSuffix(ptr[:strings.LastIndexByte(ptr, '/')], "/discriminator/mapping") {
			return true
		}
		u, err := url.Parse(value.Value)
		if err != nil {
			return true
		}
		target := resolveAgainst(base, u)
		if _, seen := r.sites[target]; !seen {
			r.sites[target] = refSite{raw: value.Value, file: f, line: value.Line, col: value.Column}
		}
		return true
	})
}

// resolveAgainst mirrors how kin-openapi joins a $ref with the document it
// is written in, and returns the key index and read share.
func resolveAgainst(base, ref *url.URL) string {
	if isFileURL(ref) {
		if path.IsAbs(ref.Path) {
			return path.Clean(ref.Path)
		}
		return path.Join(path.Dir(base.Path), ref.Path)
	}
	return targetKey(ref)
}

func isFileURL(u *url.URL) bool {
	return u.Path != "" && u.Host == "" && u.Opaque == "" && (u.Scheme == "" || u.Scheme == "file")
}

func targetKey(u *url.URL) string {
	if isFileURL(u) {
		return path.Clean(u.Path)
	}
	c := *u
	c.Fragment = ""
	c.RawFragment = ""
	return c.String()
}

func (r *refReader) refError(target, reason string) error {
	r.indexSites()
	e := &RefError{Target: target, Reason: reason}
	if s, ok := r.sites[target]; ok {
		e.Ref, e.Site = s.raw, s.String()
	}
	return e
}

// read is the loader's ReadFromURIFunc.
func (r *refReader) read(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
	if err := r.ctx.Err(); err != nil {
		return nil, err
	}
	if !isFileURL(u) {
		return r.readRemote(u)
	}
	target := filepath.Clean(filepath.FromSlash(u.Path))
	if f, ok := r.files[target]; ok {
		return f.Data, nil
	}
	key := path.Clean(u.Path)
	if !r.opts.AllowRemoteRefs && !r.inside(target) {
		return nil, r.refError(key, fmt.Sprintf("resolves to %s, outside the spec's folder %s; specter only follows local $refs below the root file's folder unless --allow-remote-refs is given", target, r.rootDir))
	}
	f, err := r.readLocal(key, target)
	if err != nil {
		return nil, err
	}
	return f.Data, nil
}

// inside reports whether target is in the root's folder or below it, after
// resolving symlinks so that a link cannot lead out.
func (r *refReader) inside(target string) bool {
	if real, err := filepath.EvalSymlinks(target); err == nil {
		target = real
	} else if real, err := filepath.EvalSymlinks(filepath.Dir(target)); err == nil {
		target = filepath.Join(real, filepath.Base(target))
	}
	rel, err := filepath.Rel(r.rootDir, target)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func (r *refReader) readLocal(key, target string) (*surface.File, error) {
	st, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, r.refError(key, fmt.Sprintf("file %s does not exist", r.reportPath(target)))
	case err != nil:
		return nil, r.refError(key, err.Error())
	case !st.Mode().IsRegular():
		return nil, r.refError(key, fmt.Sprintf("%s is not a regular file", r.reportPath(target)))
	case st.Size() > r.maxBytes:
		return nil, r.refError(key, fmt.Sprintf("%s is %d bytes, over the %d byte limit", r.reportPath(target), st.Size(), r.maxBytes))
	}
	fh, err := os.Open(target)
	if err != nil {
		return nil, r.refError(key, err.Error())
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, r.maxBytes+1))
	if err != nil {
		return nil, r.refError(key, fmt.Sprintf("reading %s: %v", r.reportPath(target), err))
	}
	if int64(len(data)) > r.maxBytes {
		return nil, r.refError(key, fmt.Sprintf("%s is over the %d byte limit", r.reportPath(target), r.maxBytes))
	}
	f := &surface.File{Path: r.reportPath(target), Abs: target, Data: data}
	tree, err := sourcemap.ParseWithLimits(data, sourcemap.Limits{MaxBytes: int(r.maxBytes)})
	if err != nil {
		return nil, r.refError(key, fmt.Sprintf("%s: %v", f.Path, err))
	}
	f.Tree = tree
	if err := checkAliases(f); err != nil {
		return nil, err
	}
	r.files[target] = f
	r.order = append(r.order, f)
	return f, nil
}

// reportPath names a local file the way the root is named: the root's Path
// joined with the target's path relative to the root's folder.
func (r *refReader) reportPath(target string) string {
	rel, err := filepath.Rel(filepath.Dir(r.rootAbs), target)
	if err != nil {
		return filepath.ToSlash(target)
	}
	return path.Join(path.Dir(r.root.Path), filepath.ToSlash(rel))
}

func (r *refReader) readRemote(u *url.URL) ([]byte, error) {
	key := targetKey(u)
	if !r.opts.AllowRemoteRefs {
		return nil, r.refError(key, "names a URL; specter does not fetch remote $refs unless --allow-remote-refs is given")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, r.refError(key, fmt.Sprintf("scheme %q is not supported (only http and https)", u.Scheme))
	}
	ctx, cancel := context.WithTimeout(r.ctx, remoteTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, key, nil)
	if err != nil {
		return nil, r.refError(key, err.Error())
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, r.refError(key, err.Error())
	}
	defer resp.Body.Close()
	if resp.StatusCode > 399 {
		return nil, r.refError(key, fmt.Sprintf("server answered %s", resp.Status))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, r.maxBytes+1))
	if err != nil {
		return nil, r.refError(key, err.Error())
	}
	if int64(len(data)) > r.maxBytes {
		return nil, r.refError(key, fmt.Sprintf("response is over the %d byte limit", r.maxBytes))
	}
	return data, nil
}
