package lint

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"sync"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/internal/progress"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/scanners/secrets"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/mcp"
)

// Options are the policy values some checks compare against. The zero
// value means the defaults.
type Options struct {
	// MaxTokenTTL is the longest access-token lifetime, in seconds, a
	// scheme may declare with x-token-ttl (default 3600).
	MaxTokenTTL int64
	// AgentMaxTokenTTL is the longest lifetime for schemes agents use
	// (default 900, 15 minutes).
	AgentMaxTokenTTL int64
	// ScopePattern is the grammar scope names must match (default
	// DefaultScopePattern: `resource:action` or `resource.action` words,
	// or a URL as Google and Azure use).
	ScopePattern *regexp.Regexp
	// MaxScopesPerOperation, MaxScopesPerScheme bound scope sprawl
	// (defaults 5 and 50).
	MaxScopesPerOperation int
	MaxScopesPerScheme    int
	// Credentials tells credential-like example values from others
	// (lint/credential-like-example); nil builds the secret scanner's.
	Credentials sensitive.CredentialDetector
	// SecretsReported says the secret scanner runs in the same scan and
	// reports credentials in examples itself (secrets/spec-example-credential,
	// its gitleaks rules): lint/credential-like-example then stays quiet
	// instead of reporting each of them a second time.
	SecretsReported bool
	// Workers is how many documents are linted at once; 0 is GOMAXPROCS.
	Workers int
}

// OptionsFrom turns the config file's lint section into Options (the
// detector fields are left to the caller).
func OptionsFrom(c config.LintConfig) (Options, error) {
	opts := Options{
		MaxTokenTTL:           c.MaxTokenTTL,
		AgentMaxTokenTTL:      c.AgentMaxTokenTTL,
		MaxScopesPerOperation: c.MaxScopesPerOperation,
		MaxScopesPerScheme:    c.MaxScopesPerScheme,
	}
	if c.ScopePattern != "" {
		re, err := regexp.Compile(c.ScopePattern)
		if err != nil {
			return Options{}, fmt.Errorf("lint: scope-pattern: %w", err)
		}
		opts.ScopePattern = re
	}
	return opts, nil
}

// DefaultScopePattern accepts lower-case words joined by `:`, `.`, `_`,
// `-` or `/` (read:users, users.read, repo, admin:org), and absolute https
// URLs (https://www.googleapis.com/auth/drive).
var DefaultScopePattern = `^(?:[a-z][a-z0-9]*(?:[._:/-][a-z0-9]+)*|https://[^\s]+)$`

func (o Options) withDefaults() Options {
	if o.MaxTokenTTL <= 0 {
		o.MaxTokenTTL = 3600
	}
	if o.AgentMaxTokenTTL <= 0 {
		o.AgentMaxTokenTTL = 900
	}
	if o.ScopePattern == nil {
		o.ScopePattern = regexp.MustCompile(DefaultScopePattern)
	}
	if o.MaxScopesPerOperation <= 0 {
		o.MaxScopesPerOperation = 5
	}
	if o.MaxScopesPerScheme <= 0 {
		o.MaxScopesPerScheme = 50
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Check is one lint rule's logic. It implements the hooks it needs; the
// engine calls each hook once per indexed element of that kind, in one
// pass over the index (not one walk of the document per rule).
type Check struct {
	// Rule is the rule id; the catalog (rules.LintRules) holds its
	// metadata and default severity.
	Rule string
	// Document is called once per document, after the others.
	Document func(c *Context, d *Document)
	// Scheme is called for every declared security scheme.
	Scheme func(c *Context, s *Scheme)
	// Operation is called for every operation under paths (not webhooks
	// or callbacks; read Document.Webhooks / Callbacks in a Document hook).
	Operation func(c *Context, op *Operation)
	// Schema is called for every indexed schema, once.
	Schema func(c *Context, s *Schema)
	// Text is called for every description, summary and title.
	Text func(c *Context, t Text)
	// Collection is called for every Postman collection of the surface
	// (loaded by ingest into a surface.API with Operations carrying Auth
	// and Request). Context.Doc is nil; report with Context.ReportAt and
	// the locations the model holds (Auth.Location, Request.Location...).
	Collection func(c *Context, api *surface.API)
	// Tools is called for every MCP tools/list answer of the surface with
	// its tools. Context.Doc is nil; report with Context.ReportAt and
	// f.Locate of the tool's pointers.
	Tools func(c *Context, f *surface.File, tools []mcp.Tool)
	// Surface is called once per scan, after the other hooks, with what
	// rules comparing files need: the indexed OpenAPI documents and every
	// tools/list answer. Context.Doc is nil; report with Context.ReportAt.
	Surface func(c *Context, s *SurfaceIndex)
}

// SurfaceIndex is the scan as a whole: the OpenAPI documents the scanner
// indexed and the MCP tools/list answers with their tools.
type SurfaceIndex struct {
	Surface   *surface.Surface
	Documents []*Document
	Answers   []ToolAnswer
}

// ToolAnswer is one tools/list answer of the surface.
type ToolAnswer struct {
	File  *surface.File
	Tools []mcp.Tool
}

// Finding is what a check reports; the engine adds the rule id, severity,
// location and fingerprint.
type Finding struct {
	// At is the node the finding is about: the key where the problem is
	// written (a member's key gives the line; its pointer is what
	// x-specter-ignore matches).
	At Node
	// Operation is the operation concerned, when there is one.
	Operation *Operation
	Message   string
	// Evidence is what was seen (a scope name, a URL); never a secret.
	Evidence string
	// Key tells apart findings of the rule at the same node (a scope
	// name, an operation): it feeds the fingerprint.
	Key string
}

// Context is handed to every hook: the document (nil in Collection
// hooks), the scanner's options, and Report.
type Context struct {
	Doc     *Document
	Options Options
	rule    *rules.Rule
	out     *collector
}

// Report records a finding of the hook's rule. Findings with the same rule,
// file, pointer and key are reported once (a path-level parameter shared by
// several operations, a component used many times).
func (c *Context) Report(f Finding) {
	if f.At.File == nil {
		return
	}
	rf := rules.Finding{
		RuleID:   c.rule.ID,
		Severity: c.rule.Severity,
		Message:  f.Message,
		Location: f.At.Location(),
		Evidence: f.Evidence,
		Key:      f.Key,
	}
	if f.Operation != nil {
		rf.Operation = f.Operation.Ref()
	}
	rf.SetFingerprint()
	c.out.add(rf)
}

// ReportAt records a finding at a location the surface model already
// holds (Postman auth blocks, requests, variables); f.At is ignored.
func (c *Context) ReportAt(loc rules.Location, f Finding) {
	if loc.File == "" {
		return
	}
	rf := rules.Finding{RuleID: c.rule.ID, Severity: c.rule.Severity, Message: f.Message, Location: loc, Evidence: f.Evidence, Key: f.Key}
	if f.Operation != nil {
		rf.Operation = f.Operation.Ref()
	}
	rf.SetFingerprint()
	c.out.add(rf)
}

type collector struct {
	seen     map[string]bool
	findings []rules.Finding
}

func (c *collector) add(f rules.Finding) {
	if c.seen[f.Fingerprint] {
		return
	}
	c.seen[f.Fingerprint] = true
	c.findings = append(c.findings, f)
}

// Scanner is the lint scanner. It is safe for concurrent use.
type Scanner struct {
	opts   Options
	checks []boundCheck
}

type boundCheck struct {
	Check
	rule *rules.Rule
}

// New builds the scanner with every check of Checks(); it fails when a
// check names a rule the catalog does not hold.
func New(opts Options) (*Scanner, error) {
	return newScanner(opts, rules.LintRules(), Checks())
}

func newScanner(opts Options, rs []rules.Rule, checks []Check) (*Scanner, error) {
	catalog, err := rules.NewCatalog(rs...)
	if err != nil {
		return nil, fmt.Errorf("lint scanner: %w", err)
	}
	s := &Scanner{opts: opts.withDefaults()}
	if s.opts.Credentials == nil {
		det, err := secrets.New(secrets.Options{})
		if err != nil {
			return nil, fmt.Errorf("lint scanner: %w", err)
		}
		s.opts.Credentials = det
	}
	for _, ch := range checks {
		r := catalog.Lookup(ch.Rule)
		if r == nil {
			return nil, fmt.Errorf("lint scanner: check %s has no rule in the catalog", ch.Rule)
		}
		s.checks = append(s.checks, boundCheck{Check: ch, rule: r})
	}
	return s, nil
}

// Name is "lint".
func (s *Scanner) Name() string { return "lint" }

// Scan implements scanners.Scanner: the findings, with no notes or
// coverage.
func (s *Scanner) Scan(ctx context.Context, surf *surface.Surface) (scanners.Result, error) {
	findings, err := s.Findings(ctx, surf)
	return scanners.Result{Findings: findings}, err
}

// Findings lints every OpenAPI document of the surface, sorted by file, line,
// column and rule.
func (s *Scanner) Findings(ctx context.Context, surf *surface.Surface) ([]rules.Finding, error) {
	var roots []*surface.File
	for _, f := range surf.Files {
		if f.Format.IsOpenAPI() && f.Tree != nil {
			roots = append(roots, f)
		}
	}
	res := make([][]rules.Finding, len(roots))
	docs := make([]*Document, len(roots))
	errs := make([]error, len(roots))
	counter := progress.CounterFrom(ctx)
	counter.SetTotal(len(roots))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < s.opts.Workers && w < len(roots); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newResolver(surf.Files)
			for i := range next {
				res[i], docs[i], errs[i] = s.lintFile(ctx, roots[i], r)
				counter.Add(1)
			}
		}()
	}
	for i := range roots {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []rules.Finding
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("linting %s: %w", roots[i].Path, err)
		}
		out = append(out, res[i]...)
	}
	for _, api := range surf.APIs {
		if api.Format.IsPostman() {
			out = append(out, s.lintCollection(api)...)
		}
	}
	index := &SurfaceIndex{Surface: surf}
	for _, d := range docs {
		if d != nil {
			index.Documents = append(index.Documents, d)
		}
	}
	for _, f := range surf.Files {
		if f.Format == surface.FormatMCPTools {
			a := ToolAnswer{File: f, Tools: mcp.Tools(f.Tree, f.Format)}
			index.Answers = append(index.Answers, a)
			out = append(out, s.lintTools(a)...)
		}
	}
	return append(out, s.lintSurface(index)...), nil
}

// lintFile indexes one document and runs every check over the index; it
// returns the index for the Surface hooks.
func (s *Scanner) lintFile(ctx context.Context, root *surface.File, r *resolver) (out []rules.Finding, d *Document, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, d, err = nil, nil, fmt.Errorf("lint crashed on this document (please report it): %v", p)
		}
	}()
	d, err = buildDocument(ctx, root, r)
	if err != nil {
		return nil, nil, err
	}
	return s.Lint(d), d, nil
}

// lintCollection runs the Collection hooks over a Postman collection.
func (s *Scanner) lintCollection(api *surface.API) []rules.Finding {
	col := &collector{seen: map[string]bool{}}
	for _, ch := range s.checks {
		if ch.Collection != nil {
			ch.Collection(&Context{Options: s.opts, rule: ch.rule, out: col}, api)
		}
	}
	return col.findings
}

// lintTools runs the Tools hooks over an MCP tools/list answer.
func (s *Scanner) lintTools(a ToolAnswer) []rules.Finding {
	col := &collector{seen: map[string]bool{}}
	for _, ch := range s.checks {
		if ch.Tools != nil {
			ch.Tools(&Context{Options: s.opts, rule: ch.rule, out: col}, a.File, a.Tools)
		}
	}
	return col.findings
}

// lintSurface runs the Surface hooks once over the whole scan.
func (s *Scanner) lintSurface(index *SurfaceIndex) []rules.Finding {
	col := &collector{seen: map[string]bool{}}
	for _, ch := range s.checks {
		if ch.Surface != nil {
			ch.Surface(&Context{Options: s.opts, rule: ch.rule, out: col}, index)
		}
	}
	return col.findings
}

// Lint runs every check over an indexed document.
func (s *Scanner) Lint(d *Document) []rules.Finding {
	col := &collector{seen: map[string]bool{}}
	ctxs := make([]*Context, len(s.checks))
	for i := range s.checks {
		ctxs[i] = &Context{Doc: d, Options: s.opts, rule: s.checks[i].rule, out: col}
	}
	for _, sc := range d.Schemes {
		for i, ch := range s.checks {
			if ch.Scheme != nil {
				ch.Scheme(ctxs[i], sc)
			}
		}
	}
	for _, op := range d.Operations {
		for i, ch := range s.checks {
			if ch.Operation != nil {
				ch.Operation(ctxs[i], op)
			}
		}
	}
	for _, sc := range d.Schemas {
		for i, ch := range s.checks {
			if ch.Schema != nil {
				ch.Schema(ctxs[i], sc)
			}
		}
	}
	for _, t := range d.Texts {
		for i, ch := range s.checks {
			if ch.Text != nil {
				ch.Text(ctxs[i], t)
			}
		}
	}
	for i, ch := range s.checks {
		if ch.Document != nil {
			ch.Document(ctxs[i], d)
		}
	}
	return col.findings
}
