package engine

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"github.com/specterhq/specter/surface"
)

// maxRefHops bounds a chain of $refs ($ref to a $ref to ...), against
// cycles like A -> B -> A.
const maxRefHops = 32

// resolver follows $refs between the files a scan loaded. It never reads
// anything: a $ref to a file the loader did not read (remote, refused) is
// unresolved.
type resolver struct {
	byAbs map[string]*surface.File
	cache map[refKey]Node
}

type refKey struct {
	file *surface.File
	ref  string
}

func newResolver(files []*surface.File) *resolver {
	r := &resolver{byAbs: make(map[string]*surface.File, len(files)), cache: map[refKey]Node{}}
	for _, f := range files {
		if f.Tree != nil {
			r.byAbs[filepath.Clean(f.Abs)] = f
		}
	}
	return r
}

// resolve returns what n is: n itself when it has no $ref, else the node
// its $ref chain ends at. ok is false when a $ref cannot be followed (the
// returned node is then the last one reached).
func (r *resolver) resolve(n Node) (Node, bool) {
	for hop := 0; hop < maxRefHops; hop++ {
		ref := n.Member("$ref")
		if !ref.Exists() {
			return n, true
		}
		next, ok := r.target(n.File, ref.Str())
		if !ok {
			return n, false
		}
		n = next
	}
	return n, false
}

// target is where a $ref written in f points.
func (r *resolver) target(f *surface.File, ref string) (Node, bool) {
	k := refKey{f, ref}
	if n, ok := r.cache[k]; ok {
		return n, n.Exists()
	}
	n := r.lookup(f, ref)
	r.cache[k] = n
	return n, n.Exists()
}

func (r *resolver) lookup(f *surface.File, ref string) Node {
	if ref == "" || f == nil {
		return Node{}
	}
	file, frag, _ := strings.Cut(ref, "#")
	target := f
	if file != "" {
		u, err := url.Parse(file)
		if err != nil || (u.Scheme != "" && u.Scheme != "file") || u.Host != "" {
			return Node{}
		}
		p := u.Path
		if !path.IsAbs(p) {
			p = path.Join(path.Dir(filepath.ToSlash(f.Abs)), p)
		}
		target = r.byAbs[filepath.Clean(filepath.FromSlash(p))]
		if target == nil || target.Tree == nil {
			return Node{}
		}
	}
	if unescaped, err := url.PathUnescape(frag); err == nil {
		frag = unescaped
	}
	if (frag != "" && !strings.HasPrefix(frag, "/")) || target.Tree == nil || target.Tree.Root == nil {
		return Node{} // a named anchor, not a pointer; or a file without a tree
	}
	v, at, ok := target.Tree.Lookup(frag)
	if !ok {
		return Node{}
	}
	if v = deref(v); v == nil {
		return Node{}
	}
	n := Node{File: target, Ptr: frag, Value: v}
	if at != nil && at != v && frag != "" {
		n.Key = at
	}
	return n
}
