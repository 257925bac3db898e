// Package openapi loads OpenAPI 3.0, 3.1 (and 3.2) and Swagger 2.0 documents
// into specter's surface model through kin-openapi, with a $ref policy that
// keeps the loader on local files below the spec's folder, and collects the
// x-specter-ignore annotations written in them.
package openapi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Options steer Load.
type Options struct {
	// AllowRemoteRefs lets $refs name http(s) URLs (fetched with a timeout)
	// and local files outside the root file's folder. Off by default: such
	// refs are refused with an error naming the $ref.
	AllowRemoteRefs bool
	// MaxFileBytes refuses a referenced file (or remote document) larger
	// than this; 0 means sourcemap.DefaultMaxBytes.
	MaxFileBytes int64
}

func (o Options) maxFileBytes() int64 {
	if o.MaxFileBytes > 0 {
		return o.MaxFileBytes
	}
	return sourcemap.DefaultMaxBytes
}

// Result is one loaded document.
type Result struct {
	API *surface.API
	// Files are the local files other than the root reached through $ref,
	// in the order the loader first read them, each with Path, Abs, Data and
	// Tree set. Remote documents are not listed.
	Files []*surface.File
	// Ignores are the x-specter-ignore annotations of the root and of Files.
	Ignores []surface.InlineIgnore
}

// Load reads the OpenAPI or Swagger document root (Path, Abs, Data and Tree
// set) and everything its $refs reach. It returns an error naming the file
// for malformed input, unsupported versions, refused or broken $refs and
// malformed x-specter-ignore annotations, and converts a panic inside
// kin-openapi into such an error.
//
// kin-openapi does not watch a context, so Load runs it on its own goroutine
// and returns ctx.Err() as soon as ctx is done; the abandoned work is
// bounded by the input's size and ends on its own.
func Load(ctx context.Context, root *surface.File, opts Options) (*Result, error) {
	format, refs, err := openRoot(ctx, root, opts)
	if err != nil {
		return nil, err
	}

	type outcome struct {
		doc *openapi3.T
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		doc, err := loadDocument(ctx, root, format, refs)
		done <- outcome{doc, err}
	}()
	var doc *openapi3.T
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: loading stopped: %w", root.Path, ctx.Err())
	case out := <-done:
		if out.err != nil {
			return nil, plainRefError(root, out.err)
		}
		doc = out.doc
	}

	res := &Result{Files: refs.order}
	if res.API, err = buildAPI(root, format, doc, refs); err != nil {
		return nil, err
	}
	if res.Ignores, err = collectAllIgnores(root, refs.order); err != nil {
		return nil, err
	}
	return res, nil
}

// openRoot does what Load and LoadSources share before reading any $ref:
// it parses the root if needed, checks its version and aliases, and
// returns its format and the $ref reader for it.
func openRoot(ctx context.Context, root *surface.File, opts Options) (surface.Format, *refReader, error) {
	if root == nil {
		return "", nil, errors.New("openapi: no file to load")
	}
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	if root.Tree == nil {
		tree, err := sourcemap.ParseWithLimits(root.Data, sourcemap.Limits{MaxBytes: int(opts.maxFileBytes())})
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", root.Path, err)
		}
		root.Tree = tree
	}
	format, err := checkVersion(root)
	if err != nil {
		return "", nil, err
	}
	if err := checkAliases(root); err != nil {
		return "", nil, err
	}
	refs, err := newRefReader(ctx, root, opts)
	if err != nil {
		return "", nil, err
	}
	return format, refs, nil
}

// collectAllIgnores gathers the x-specter-ignore annotations of the root
// and then of files, in that order.
func collectAllIgnores(root *surface.File, files []*surface.File) ([]surface.InlineIgnore, error) {
	var out []surface.InlineIgnore
	for _, f := range append([]*surface.File{root}, files...) {
		ign, err := collectIgnores(f)
		if err != nil {
			return nil, err
		}
		out = append(out, ign...)
	}
	return out, nil
}

// loadDocument runs kin-openapi on the root, recovering from its panics.
func loadDocument(ctx context.Context, root *surface.File, format surface.Format, refs *refReader) (doc *openapi3.T, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%s: the OpenAPI loader crashed on this document (kin-openapi panic: %v)", root.Path, r)
		}
	}()
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IncludeOrigin = true
	loader.IsExternalRefsAllowed = true // enforced by refs.read, see refReader
	loader.ReadFromURIFunc = refs.read

	if format == surface.FormatSwagger20 {
		var doc2 openapi2.T
		if err := openapi2.UnmarshalFromData(root.Data, &doc2); err != nil {
			return nil, fmt.Errorf("%s: reading Swagger 2.0: %w", root.Path, err)
		}
		doc, err = openapi2conv.ToV3WithLoader(&doc2, loader, refs.location())
		if err != nil {
			return nil, fmt.Errorf("%s: converting Swagger 2.0 to OpenAPI 3: %w", root.Path, err)
		}
		return doc, nil
	}
	doc, err = loader.LoadFromDataWithPath(root.Data, refs.location())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root.Path, err)
	}
	return doc, nil
}

// plainRefError drops kin-openapi's wrapping around a refused $ref, whose
// own message already says where the $ref is written; it keeps the root's
// name in front when the $ref is in another file.
func plainRefError(root *surface.File, err error) error {
	var refErr *RefError
	if !errors.As(err, &refErr) || refErr.Site == "" {
		return err
	}
	if strings.HasPrefix(refErr.Site, root.Path+":") {
		return refErr
	}
	return fmt.Errorf("%s: %w", root.Path, refErr)
}
