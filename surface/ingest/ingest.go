// Package ingest turns the files a walk found into a surface: it recognises
// OpenAPI documents, Postman collections and environments and MCP files
// (client configs, tools/list answers, server.json manifests) by content,
// parses them, and loads each into the surface model through its format
// package.
package ingest

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/specterhq/specter/internal/progress"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/mcp"
	"github.com/specterhq/specter/surface/openapi"
	"github.com/specterhq/specter/surface/postman"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Options tune ingestion.
type Options struct {
	// Models loads the API models (OpenAPI through kin-openapi, Postman
	// collections). Without it only the parse trees are built, which is
	// all the secret scanner needs.
	Models bool
	// SkipOpenAPIModel, with Models, reads OpenAPI documents with
	// openapi.LoadSources instead of openapi.Load: every file their $refs
	// reach and their inline ignores, but no kin-openapi model and no
	// surface.API. The lint scanner needs only that, and kin-openapi's
	// model is most of the time and memory of a load.
	SkipOpenAPIModel bool
	// AllowRemoteRefs lets OpenAPI documents follow $refs to URLs and to
	// files outside their folder.
	AllowRemoteRefs bool
	// MaxFileBytes bounds the size of files reached through $ref.
	MaxFileBytes int64
}

// Problem is an input error in one file: malformed, unsupported, or a
// refused $ref. The scan goes on without the file; the CLI exits 2.
type Problem struct {
	Path string
	Err  error
}

func (p Problem) Error() string {
	msg := p.Err.Error()
	if strings.HasPrefix(msg, p.Path+":") {
		return msg // the format package already named the file
	}
	return p.Path + ": " + msg
}

// Result is the ingested surface and the problems met on the way.
type Result struct {
	Surface  *surface.Surface
	Problems []Problem
}

// sniff is a cheap pre-filter: only files mentioning one of these can be a
// document specter recognises, so only they are parsed.
var sniffWords = [][]byte{[]byte("openapi"), []byte("swagger"), []byte("_postman"), []byte("postman.com"),
	[]byte("mcpServers"), []byte(`"servers"`), []byte("context_servers"), []byte("inputSchema"), []byte("modelcontextprotocol")}

// declaresSpec matches a top-level-looking openapi/swagger key or a Postman
// schema URL: a file that matches and does not parse is reported as a
// problem instead of being passed over as some other text file.
var declaresSpec = regexp.MustCompile(`(?m)^(?:openapi|swagger)\s*:|^\s{0,4}"(?:openapi|swagger)"\s*:|schema\.(?:get)?postman\.com/(?:json/)?collection`)

// Load parses and classifies files and, with opts.Models, loads the APIs.
func Load(ctx context.Context, files []*surface.File, opts Options) (*Result, error) {
	res := &Result{Surface: &surface.Surface{Files: files}}
	problems := make([]error, len(files))
	counter := progress.CounterFrom(ctx)
	counter.SetTotal(len(files))
	parallel(ctx, len(files), func(i int) {
		problems[i] = classify(files[i])
		counter.Add(1)
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, err := range problems {
		if err != nil {
			res.Problems = append(res.Problems, Problem{Path: files[i].Path, Err: err})
		}
	}
	if !opts.Models {
		return res, nil
	}
	if err := loadModels(ctx, res, opts); err != nil {
		return nil, err
	}
	sort.Slice(res.Problems, func(i, j int) bool { return res.Problems[i].Path < res.Problems[j].Path })
	return res, nil
}

// classify parses a file that may be a document and sets its Format.
func classify(f *surface.File) error {
	if !mayBeDocument(f.Data) {
		return nil
	}
	tree, err := sourcemap.Parse(f.Data)
	if err != nil {
		if declaresSpec.Match(f.Data) {
			return err
		}
		return nil // some other text file that mentions the words
	}
	format := openapi.Detect(tree)
	if format == surface.FormatOther {
		format = postman.Detect(tree)
	}
	if format == surface.FormatOther {
		format = mcp.Detect(tree)
	}
	if format == surface.FormatOther {
		return nil
	}
	f.Tree, f.Format = tree, format
	return nil
}

func mayBeDocument(data []byte) bool {
	for _, w := range sniffWords {
		if bytes.Contains(data, w) {
			return true
		}
	}
	return false
}

func loadModels(ctx context.Context, res *Result, opts Options) error {
	s := res.Surface
	for _, f := range s.Files {
		if f.Format != surface.FormatPostmanEnvironment {
			continue
		}
		env, err := postman.LoadEnvironment(f)
		if err != nil {
			res.Problems = append(res.Problems, Problem{Path: f.Path, Err: err})
			continue
		}
		s.Environments = append(s.Environments, env)
	}

	type loaded struct {
		api     *surface.API
		files   []*surface.File
		ignores []surface.InlineIgnore
		err     error
	}
	var docs []*surface.File
	for _, f := range s.Files {
		if f.Format.IsOpenAPI() || f.Format.IsPostman() {
			docs = append(docs, f)
		}
	}
	out := make([]loaded, len(docs))
	parallel(ctx, len(docs), func(i int) {
		f := docs[i]
		if f.Format.IsPostman() {
			api, err := postman.LoadCollection(f, s.Environments)
			out[i] = loaded{api: api, err: err}
			return
		}
		load := openapi.Load
		if opts.SkipOpenAPIModel {
			load = openapi.LoadSources
		}
		r, err := load(ctx, f, openapi.Options{AllowRemoteRefs: opts.AllowRemoteRefs, MaxFileBytes: opts.MaxFileBytes})
		if err != nil {
			out[i] = loaded{err: err}
			return
		}
		out[i] = loaded{api: r.API, files: r.Files, ignores: r.Ignores}
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	byAbs := make(map[string]*surface.File, len(s.Files))
	for _, f := range s.Files {
		byAbs[f.Abs] = f
	}
	for i, l := range out {
		if l.err != nil {
			res.Problems = append(res.Problems, Problem{Path: docs[i].Path, Err: l.err})
			continue
		}
		if l.api != nil {
			s.APIs = append(s.APIs, l.api)
		}
		s.Ignores = append(s.Ignores, l.ignores...)
		for _, rf := range l.files {
			if known, ok := byAbs[rf.Abs]; ok {
				if known.Tree == nil {
					known.Tree = rf.Tree
				}
				continue
			}
			byAbs[rf.Abs] = rf
			s.Files = append(s.Files, rf)
		}
	}
	sort.SliceStable(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
	return nil
}

// CheckNamed reports a problem for every path named on the command line
// under which no OpenAPI document, Postman collection or MCP file was found.
func CheckNamed(s *surface.Surface, named map[string][]string) []Problem {
	isDoc := map[string]bool{}
	for _, f := range s.Files {
		if f.Format.IsOpenAPI() || f.Format.IsPostman() || f.Format.IsMCP() {
			isDoc[f.Path] = true
		}
	}
	var problems []Problem
	for root, paths := range named {
		found := false
		for _, p := range paths {
			if isDoc[p] {
				found = true
				break
			}
		}
		if !found {
			problems = append(problems, Problem{Path: root, Err: fmt.Errorf("no OpenAPI document, Postman collection or MCP file found")})
		}
	}
	sort.Slice(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
	return problems
}

// parallel runs fn(0..n-1) on GOMAXPROCS workers, stopping early when ctx ends.
func parallel(ctx context.Context, n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
