package openapi

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
)

// LoadSources reads the document root and every local file its $refs reach,
// under the same $ref policy as Load, and collects their x-specter-ignore
// annotations, without building the kin-openapi model: Result.API is nil.
// It is what the lint scanner needs (parse trees with positions for every
// file a document is written in) at a fraction of Load's time and memory.
//
// Remote $refs are refused unless opts.AllowRemoteRefs; when allowed they
// are not fetched (nothing here reads their content). $refs to files that
// are missing, outside the folder or malformed are errors naming the $ref
// and where it is written, as with Load. $refs inside a document
// ("#/...") are not checked here.
func LoadSources(ctx context.Context, root *surface.File, opts Options) (*Result, error) {
	_, refs, err := openRoot(ctx, root, opts)
	if err != nil {
		return nil, err
	}
	// Breadth-first over files: each file's external $refs are read through
	// the reader, which appends new files to refs.order.
	queue := []*surface.File{root}
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: loading stopped: %w", root.Path, err)
		}
		f := queue[0]
		queue = queue[1:]
		before := len(refs.order)
		for _, ref := range externalRefs(f.Tree.Root) {
			u, err := url.Parse(ref)
			if err != nil {
				continue // the loader would refuse it too; lint treats it as unresolved
			}
			base := &url.URL{Path: filepath.ToSlash(f.Abs)}
			if !isFileURL(u) {
				if !opts.AllowRemoteRefs {
					return nil, plainRefError(root, refs.refError(targetKey(u), "names a URL; specter does not fetch remote $refs unless --allow-remote-refs is given"))
				}
				continue
			}
			target := resolveAgainst(base, u)
			if _, err := refs.read(nil, &url.URL{Path: target}); err != nil {
				return nil, plainRefError(root, err)
			}
		}
		queue = append(queue, refs.order[before:]...)
	}
	res := &Result{Files: refs.order}
	if res.Ignores, err = collectAllIgnores(root, refs.order); err != nil {
		return nil, err
	}
	return res, nil
}

// externalRefs lists the distinct $ref values below n that name another
// document (anything not starting with "#"), in document order.
func externalRefs(n *yaml.Node) []string {
	var out []string
	seen := map[string]bool{}
	var visit func(n *yaml.Node)
	visit = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value == "$ref" && v.Kind == yaml.ScalarNode {
					if !strings.HasPrefix(v.Value, "#") && v.Value != "" && !seen[v.Value] {
						seen[v.Value] = true
						out = append(out, v.Value)
					}
					continue
				}
				visit(v)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				visit(c)
			}
		}
	}
	visit(n)
	return out
}
