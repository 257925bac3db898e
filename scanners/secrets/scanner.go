// Package secrets finds hard-coded credentials in every file a scan read:
// gitleaks' default rules over the text, and structure-aware checks over
// parsed OpenAPI documents, Postman collections and environments for
// values written where a credential goes. Evidence is redacted unless
// Options.ShowSecrets is set.
package secrets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/logging"
	"github.com/zricethezav/gitleaks/v8/report"

	"github.com/specterhq/specter/internal/progress"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
)

// DefaultMaxFileBytes is the largest file scanned when Options leaves it 0.
const DefaultMaxFileBytes = 64 << 20

// Options configure the scanner.
type Options struct {
	// ShowSecrets puts the full secret in Evidence (the CLI's
	// --show-secrets). By default Evidence is redacted.
	ShowSecrets bool
	// Workers is how many files and fragments are scanned at once;
	// 0 means GOMAXPROCS.
	Workers int
	// MaxFileBytes skips the content of larger files; 0 means
	// DefaultMaxFileBytes.
	MaxFileBytes int
}

// Scanner is the secrets scanner. It is safe for concurrent use.
type Scanner struct {
	opts   Options
	engine *engine
}

// New builds the scanner and its gitleaks detector from gitleaks' default
// configuration. It silences gitleaks' global logger, which would
// otherwise write to stderr.
func New(opts Options) (*Scanner, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	logging.Logger = zerolog.Nop()
	cfg, err := GitleaksConfig()
	if err != nil {
		return nil, fmt.Errorf("secrets scanner: %w", err)
	}
	addAIKeyRules(&cfg)
	return &Scanner{opts: opts, engine: newEngine(cfg)}, nil
}

// Name is "secrets".
func (s *Scanner) Name() string { return "secrets" }

// candidate is a finding before redaction, with the secret it is about.
type candidate struct {
	rules.Finding
	secret  string
	decoded bool // found by gitleaks after decoding; not literally in the text
}

// fileState is what the scan keeps per file.
type fileState struct {
	file  *surface.File
	text  string
	lines lineIndex
	mu    sync.Mutex
	found []candidate
	// pending counts the file's fragments gitleaks has still to see; the
	// file is done, for progress, when it reaches 0.
	pending atomic.Int64
}

// Scan implements scanners.Scanner: the findings, with no notes or
// coverage.
func (s *Scanner) Scan(ctx context.Context, surf *surface.Surface) (scanners.Result, error) {
	findings, err := s.Findings(ctx, surf)
	return scanners.Result{Findings: findings}, err
}

// Findings reports the secrets in every file of the surface, sorted by file,
// line and column.
func (s *Scanner) Findings(ctx context.Context, surf *surface.Surface) ([]rules.Finding, error) {
	states := make([]*fileState, len(surf.Files))
	for i, f := range surf.Files {
		states[i] = &fileState{file: f}
	}
	counter := progress.CounterFrom(ctx)
	counter.SetTotal(len(states))
	// Stage 1, per file: structure-aware checks, path rules and the
	// fragments gitleaks must see.
	var (
		fragMu sync.Mutex
		frags  []fragment
	)
	err := s.parallel(ctx, len(states), func(i int) error {
		st := states[i]
		got, err := s.engine.detectPath(ctx, st.file.Path)
		if err != nil {
			return err
		}
		for _, g := range got {
			st.found = append(st.found, s.fromGitleaks(st, g))
		}
		if !isScannableText(st.file.Data, s.opts.MaxFileBytes) {
			counter.Add(1)
			return nil
		}
		st.text = string(st.file.Data)
		st.lines = newLineIndex(st.text)
		st.found = append(st.found, s.structural(st)...)
		w := s.engine.windows(i, st.file.Path, st.text, st.lines)
		if st.pending.Add(int64(len(w))) == 0 {
			counter.Add(1)
		}
		fragMu.Lock()
		frags = append(frags, w...)
		fragMu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Stage 2: gitleaks over the fragments, both cores busy even when one
	// file dominates.
	err = s.parallel(ctx, len(frags), func(i int) error {
		fr := frags[i]
		got, err := s.engine.detect(ctx, fr)
		if err != nil {
			return err
		}
		st := states[fr.file]
		if st.pending.Add(-1) == 0 {
			counter.Add(1)
		}
		if len(got) == 0 {
			return nil
		}
		cands := make([]candidate, 0, len(got))
		for _, g := range got {
			if sensitive.IsPlaceholder(g.Secret) {
				continue
			}
			cands = append(cands, s.fromGitleaks(st, g))
		}
		st.mu.Lock()
		st.found = append(st.found, cands...)
		st.mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("secrets scan: %w", err)
	}
	var out []rules.Finding
	for _, st := range states {
		for _, c := range dedupe(dropCoveredAIKeys(st.found)) {
			out = append(out, s.finish(c))
		}
	}
	return out, nil
}

// parallel calls fn(0..n-1) on the scanner's workers, stopping at the
// first error or when ctx is done.
func (s *Scanner) parallel(ctx context.Context, n int, fn func(int) error) error {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		next    int
		firstEr error
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if firstEr != nil || next >= n || ctx.Err() != nil {
			return 0, false
		}
		next++
		return next - 1, true
	}
	for w := 0; w < s.opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, ok := take()
				if !ok {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if firstEr == nil {
						firstEr = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstEr != nil {
		return firstEr
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("secrets scan: %w", err)
	}
	return nil
}

// isScannableText skips empty, oversized and binary files (a NUL byte in
// the first 8 KB, as git and gitleaks' file type sniffing do).
func isScannableText(data []byte, max int) bool {
	if len(data) == 0 || len(data) > max {
		return false
	}
	head := data
	if len(head) > 8<<10 {
		head = head[:8<<10]
	}
	return bytes.IndexByte(head, 0) < 0
}

// fromGitleaks turns a gitleaks finding into a candidate located at the
// secret itself (gitleaks locates the whole match).
func (s *Scanner) fromGitleaks(st *fileState, g report.Finding) candidate {
	c := candidate{secret: g.Secret}
	c.RuleID = GitleaksRulePrefix + g.RuleID
	c.Severity = SecretSeverity(g.RuleID)
	c.Message = strings.TrimSuffix(g.Description, ".") + " (gitleaks rule " + g.RuleID + ")"
	c.Location = rules.Location{File: st.file.Path, Line: g.StartLine, Column: g.StartColumn, EndLine: g.EndLine, EndColumn: g.EndColumn + 1}
	for _, t := range g.Tags {
		if strings.HasPrefix(t, "decoded:") {
			c.decoded = true
		}
	}
	if g.Secret == "" || strings.HasPrefix(g.Match, "file detected: ") {
		c.secret = ""
		c.Location = rules.Location{File: st.file.Path}
		return c
	}
	if !c.decoded && g.StartLine >= 1 && g.StartLine <= len(st.lines) {
		// gitleaks' column is one too far on every line of a fragment but
		// its first, so the search starts a little before it.
		matchOff := max(st.lines[g.StartLine-1], st.lines[g.StartLine-1]+g.StartColumn-3)
		if matchOff >= 0 && matchOff <= len(st.text) {
			if i := strings.Index(st.text[matchOff:], g.Secret); i >= 0 && i <= len(g.Match)+3 {
				s.setSpan(st, &c.Location, matchOff+i, matchOff+i+len(g.Secret))
			}
		}
	}
	if st.file.Tree != nil && c.Location.Line > 0 {
		c.Location.Pointer = st.file.Tree.PointerAt(c.Location.Line, c.Location.Column)
		c.Operation = operationAt(st.file, c.Location.Pointer)
	}
	return c
}

// setSpan sets a location's start and (exclusive) end from byte offsets,
// counting columns in characters as the parsed tree does.
func (s *Scanner) setSpan(st *fileState, loc *rules.Location, from, to int) {
	l := st.lines.lineOf(from)
	loc.Line = l + 1
	loc.Column = utf8.RuneCountInString(st.text[st.lines[l]:from]) + 1
	el := st.lines.lineOf(to - 1)
	if to <= from {
		el = l
	}
	loc.EndLine = el + 1
	loc.EndColumn = utf8.RuneCountInString(st.text[st.lines[el]:to]) + 1
}

// finish redacts a candidate and computes its fingerprint.
func (s *Scanner) finish(c candidate) rules.Finding {
	f := c.Finding
	if c.secret != "" {
		sum := sha256.Sum256([]byte(c.secret))
		f.Key = hex.EncodeToString(sum[:16])
		if s.opts.ShowSecrets {
			f.Evidence = c.secret
		} else {
			f.Evidence = sensitive.Redact(c.secret)
		}
	}
	f.SetFingerprint()
	return f
}

// dedupe merges findings about the same secret at the same place. Exact
// duplicates (overlapping fragments) collapse. A structural finding and a
// gitleaks finding on the same secret make one: a provider rule wins and
// takes the structural pointer; a generic-* gitleaks rule yields to the
// structural rule, which knows what the value is.
func dedupe(in []candidate) []candidate {
	type exact struct {
		rule, secret string
		line         int
	}
	seen := map[exact]bool{}
	var gl, st []candidate
	for _, c := range in {
		k := exact{c.RuleID, c.secret, c.Location.Line}
		if seen[k] {
			continue
		}
		seen[k] = true
		if isStructural(c.RuleID) {
			st = append(st, c)
		} else {
			gl = append(gl, c)
		}
	}
	dropGL := make([]bool, len(gl))
	var out []candidate
	for _, s := range st {
		keep := true
		for i, g := range gl {
			if dropGL[i] || g.secret == "" || !sameSecretPlace(s, g) {
				continue
			}
			if strings.HasPrefix(g.RuleID, GitleaksRulePrefix+"generic-") {
				dropGL[i] = true
				continue
			}
			if s.Location.Pointer != "" {
				gl[i].Location.Pointer = s.Location.Pointer
				if s.Operation != nil {
					gl[i].Operation = s.Operation
				}
			}
			keep = false
		}
		if keep {
			out = append(out, s)
		}
	}
	for i, g := range gl {
		if !dropGL[i] {
			out = append(out, g)
		}
	}
	return out
}

func sameSecretPlace(s, g candidate) bool {
	if g.Location.Line > s.Location.Line || s.Location.Line > max(g.Location.EndLine, g.Location.Line) {
		return false
	}
	return strings.Contains(s.secret, g.secret) || strings.Contains(g.secret, s.secret)
}

func isStructural(id string) bool {
	switch id {
	case RuleSecretsPostmanAuth, RuleSecretsHeader, RuleSecretsQueryParameter,
		RuleSecretsEnvironment, RuleSecretsPostmanVariable, RuleSecretsSpecExample,
		RuleSecretsURLUserinfo, RuleSecretsHardcodedCredential, RuleSecretsMCPConfig:
		return true
	}
	return false
}
