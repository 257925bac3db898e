package secrets

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/report"
)

// The gitleaks engine does not hand whole files to gitleaks. gitleaks
// decides per fragment which rules to run (a rule runs when one of its
// keywords occurs in the fragment) and then runs each chosen regex over the
// whole fragment. On an API description nearly every 100 KB chunk holds
// "key", "token" or "twitter" somewhere, so the CLI runs dozens of
// expensive regexes over every byte. The engine instead finds, with one
// Aho-Corasick pass over the file, the lines that hold a keyword or
// something gitleaks' decoder could decode, and hands gitleaks only those
// lines with contextBefore and contextAfter lines of context. Every match a keyword
// rule can make lies on or next to a line with its keyword; the two rules
// whose matches span many lines (private keys, Kubernetes secrets) get
// multilineSpan bytes of trailing context.
const (
	contextBefore    = 0
	contextAfter     = 2
	multilineSpan    = 16 << 10
	maxFragmentBytes = 1 << 10
	// decodeDepth is gitleaks' CLI default for --max-decode-depth.
	decodeDepth = 5
	// Lines longer than longLineBytes (minified JSON is one line of
	// megabytes) are never handed to gitleaks whole: gitleaks' allowlists
	// run their regexes over the whole line of every match, which is
	// quadratic. Such a line is scanned in pieces around its keyword hits
	// (pieceBefore bytes before, pieceAfter after) and around what the
	// decoder could decode, cut into chunks of pieceChunk bytes that
	// overlap by pieceOverlap, longer than any single-line match.
	longLineBytes = 4 << 10
	pieceBefore   = 256
	pieceAfter    = 1 << 10
	pieceChunk    = 4 << 10
	pieceOverlap  = 1 << 10
	// longLineHead is how much of a long line is kept when it is only
	// context after a marked line.
	longLineHead = 2 << 10
)

// engine runs gitleaks' rules over the interesting windows of a file.
type engine struct {
	// plain runs the rules once; decoding also runs them over what
	// gitleaks' decoder makes of the text, up to decodeDepth times. Only
	// lines that hold something decodable go through decoding.
	plain, decoding *detect.Detector
	cfg             config.Config
	// trie finds every rule keyword, lower case.
	trie *ahocorasick.Trie
	// multiline holds the keywords of rules whose matches span lines.
	multiline map[string]bool
	// unconditional is true when some content rule has no keyword and so
	// must see every line.
	unconditional bool
	// gated maps a keyword to the pre-checks of the rules that use it,
	// for keywords whose every rule has a pre-check (see prechecks.go).
	// A hit on a gated keyword marks its line only when one of the checks
	// passes; on API descriptions most hits of "key", "token", "secret",
	// "s." or "ey" are prose, and the regexes behind them are the most
	// expensive ones.
	gated map[string][]keywordCheck
}

func newEngine(cfg config.Config) *engine {
	e := &engine{cfg: cfg, multiline: map[string]bool{}, gated: map[string][]keywordCheck{}}
	var words []string
	seen := map[string]bool{}
	ungated := map[string]bool{}
	for id, r := range cfg.Rules {
		if r.Regex == nil {
			continue // path-only rules
		}
		if len(r.Keywords) == 0 {
			e.unconditional = true
		}
		re := r.Regex.String()
		spans := strings.Contains(re, `[\s\S`) || strings.Contains(re, `(?s`)
		check := prechecks[id]
		for _, k := range r.Keywords {
			k = strings.ToLower(k)
			if spans {
				e.multiline[k] = true
			}
			if check == nil {
				ungated[k] = true
			} else {
				e.gated[k] = append(e.gated[k], keywordCheck{rule: id, pass: check, multiline: spans})
			}
			if !seen[k] {
				seen[k] = true
				words = append(words, k)
			}
		}
	}
	for k := range ungated {
		delete(e.gated, k)
	}
	for _, checks := range e.gated {
		sort.Slice(checks, func(i, j int) bool { return checks[i].rule < checks[j].rule })
	}
	sort.Strings(words)
	e.trie = ahocorasick.NewTrieBuilder().AddStrings(words).Build()
	e.plain = detect.NewDetector(cfg)
	e.decoding = detect.NewDetector(cfg)
	e.decoding.MaxDecodeDepth = decodeDepth
	return e
}

// fragment is a run of whole lines of one file.
type fragment struct {
	file      int // index into the surface's files
	path      string
	text      string
	startLine int // 1-based
	// colOffset is the byte offset of the fragment's start within its
	// first line (non-zero only for pieces of long lines).
	colOffset int
	decode    bool
}

// piece is a byte range [from, to) of one long line.
type piece struct{ from, to int }

// mergePieces sorts and joins overlapping or touching pieces.
func mergePieces(ps []piece) []piece {
	sort.Slice(ps, func(i, j int) bool { return ps[i].from < ps[j].from })
	var out []piece
	for _, p := range ps {
		if n := len(out); n > 0 && p.from <= out[n-1].to {
			out[n-1].to = max(out[n-1].to, p.to)
			continue
		}
		out = append(out, p)
	}
	return out
}

// cutPieces turns merged pieces of the long line starting at lineStart
// (0-based line l) into overlapping fragments.
func cutPieces(fileIdx int, path, text string, l, lineStart int, ps []piece, decode bool) []fragment {
	var out []fragment
	for _, p := range ps {
		for from := p.from; ; from += pieceChunk - pieceOverlap {
			to := min(p.to, from+pieceChunk)
			out = append(out, fragment{file: fileIdx, path: path, text: text[from:to], startLine: l + 1, colOffset: from - lineStart, decode: decode})
			if to >= p.to {
				break
			}
		}
	}
	return out
}

// lineIndex holds the byte offset where each line starts.
type lineIndex []int

func newLineIndex(text string) lineIndex {
	idx := lineIndex{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// lineOf returns the 0-based line holding byte offset off.
func (li lineIndex) lineOf(off int) int { return sort.SearchInts(li, off+1) - 1 }

// end returns the byte offset just after 0-based line l (its newline included).
func (li lineIndex) end(l int, textLen int) int {
	if l+1 < len(li) {
		return li[l+1]
	}
	return textLen
}

// windows returns the fragments of text gitleaks must see.
func (e *engine) windows(fileIdx int, path, text string, li lineIndex) []fragment {
	n := len(li)
	if e.unconditional {
		return chunkLines(fileIdx, path, text, li, 0, n-1, true)
	}
	lower := asciiLower(text)
	type span struct{ from, to int } // 0-based inclusive lines
	add := func(spans []span, from, to int) []span {
		from -= contextBefore
		to += contextAfter
		if from < 0 {
			from = 0
		}
		if to > n-1 {
			to = n - 1
		}
		// Merge with every earlier span this one touches (a multiline
		// rule's leading context can reach back over several).
		for len(spans) > 0 && from <= spans[len(spans)-1].to+1 {
			last := spans[len(spans)-1]
			from, to = min(from, last.from), max(to, last.to)
			spans = spans[:len(spans)-1]
		}
		return append(spans, span{from, to})
	}
	// Walk lines in order: keyword hits (sorted by position) and lines the
	// decoder could rewrite, merged as we go.
	var plain, decode []span
	var pieces []fragment // of long lines
	hits := e.trie.MatchString(lower)
	h := 0
	for l := 0; l < n; l++ {
		start, end := li[l], li.end(l, len(text))
		long := end-start > longLineBytes
		marked, extend, first := false, 0, l
		var linePieces []piece
		for ; h < len(hits) && int(hits[h].Pos()) < end; h++ {
			kw := string(hits[h].Match())
			pos := int(hits[h].Pos())
			hitMarks, hitExtends := true, e.multiline[kw]
			if checks, ok := e.gated[kw]; ok {
				hitMarks, hitExtends = evaluate(checks, lower, pos, pos+len(kw))
			}
			if !hitMarks {
				continue
			}
			if long {
				after := pieceAfter
				if hitExtends {
					after = multilineSpan
				}
				linePieces = append(linePieces, piece{max(start, pos-pieceBefore), min(end, pos+len(kw)+after)})
				continue
			}
			marked = true
			if hitExtends {
				extend = pos + multilineSpan
				if before := li.lineOf(max(pos-multilineSpan/8, 0)); before < first {
					first = before
				}
			}
		}
		if long {
			pieces = append(pieces, cutPieces(fileIdx, path, text, l, start, mergePieces(linePieces), false)...)
			var decodable []piece
			for b := start; b < end; b += pieceChunk {
				if mayDecode(text[b:min(end, b+pieceChunk+pieceBefore)]) {
					decodable = append(decodable, piece{max(start, b-pieceBefore), min(end, b+pieceChunk+2*pieceBefore)})
				}
			}
			pieces = append(pieces, cutPieces(fileIdx, path, text, l, start, mergePieces(decodable), true)...)
			continue
		}
		if marked {
			to := l
			if extend > 0 {
				if extend >= len(text) {
					extend = len(text) - 1
				}
				to = li.lineOf(extend)
			}
			plain = add(plain, first, to)
		}
		if mayDecode(text[start:end]) {
			decode = add(decode, l, l)
		}
	}
	out := pieces
	for _, s := range plain {
		out = append(out, chunkLines(fileIdx, path, text, li, s.from, s.to, false)...)
	}
	for _, s := range decode {
		out = append(out, chunkLines(fileIdx, path, text, li, s.from, s.to, true)...)
	}
	return out
}

// chunkLines cuts lines from..to into fragments of about maxFragmentBytes,
// overlapping by the context lines so no match is cut in two (duplicates are
// removed later).
func chunkLines(fileIdx int, path, text string, li lineIndex, from, to int, decode bool) []fragment {
	isLong := func(l int) bool { return li.end(l, len(text))-li[l] > longLineBytes }
	var out []fragment
	for from <= to {
		last := from
		for last < to && li.end(last, len(text))-li[from] < maxFragmentBytes && !isLong(last+1) && !isLong(last) {
			last++
		}
		end := li.end(last, len(text))
		if isLong(last) {
			// A long line reached as context: only its head can continue a
			// match that started on an earlier line.
			end = li[last] + longLineHead
		}
		out = append(out, fragment{file: fileIdx, path: path, text: text[li[from]:end], startLine: from + 1, decode: decode})
		if last >= to {
			break
		}
		next := last + 1 - contextBefore - contextAfter
		if next <= from {
			next = from + 1
		}
		from = next
	}
	return out
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// detect runs gitleaks over one fragment, turning a panic into an error.
func (e *engine) detect(ctx context.Context, fr fragment) (out []report.Finding, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("gitleaks panicked on %s line %d: %v", fr.path, fr.startLine, r)
		}
	}()
	d := e.plain
	if fr.decode {
		d = e.decoding
	}
	found := d.DetectContext(ctx, detect.Fragment{Raw: fr.text, FilePath: fr.path, StartLine: fr.startLine})
	for _, f := range found {
		if r, ok := e.cfg.Rules[f.RuleID]; ok && r.Regex == nil {
			continue // path-only rules are reported once per file by detectPath
		}
		if fr.colOffset > 0 && f.StartLine == fr.startLine {
			f.StartColumn += fr.colOffset
			if f.EndLine == f.StartLine {
				f.EndColumn += fr.colOffset
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// detectPath runs the path-only rules (pkcs12-file) on a file name.
func (e *engine) detectPath(ctx context.Context, path string) (out []report.Finding, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("gitleaks panicked on path %s: %v", path, r)
		}
	}()
	for _, f := range e.plain.DetectContext(ctx, detect.Fragment{FilePath: path}) {
		if r, ok := e.cfg.Rules[f.RuleID]; ok && r.Regex == nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// mayDecode reports whether gitleaks' decoder (percent, unicode escapes,
// hex, base64) would decode something on the line into printable text, in
// which case the line must be scanned even without a keyword: the keyword
// may only appear once decoded. It mirrors detect/codec's patterns.
func mayDecode(line string) bool {
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '%' && i+2 < len(line) && isHex(line[i+1]) && isHex(line[i+2]):
			return true
		case (c == '\\' && i+5 < len(line) && (line[i+1] == 'u' || line[i+1] == 'U')) && allHex(line[i+2:i+6]):
			return true
		case c == 'U' && i+5 < len(line) && line[i+1] == '+' && allHex(line[i+2:i+6]):
			return true
		case isB64(c):
			j := i
			for j < len(line) && isB64(line[j]) {
				j++
			}
			if j-i >= 16 && decodesPrintable(line[i:j], line[j:]) {
				return true
			}
			i = j
		}
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

func isB64(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '/' || c == '+' || c == '-'
}

func decodesPrintable(run, rest string) bool {
	if !strings.ContainsAny(run, "0123456789+/-_") {
		return false // codec skips runs without these
	}
	if len(run) >= 32 && len(run)%2 == 0 && allHex(run) {
		return true
	}
	pad := 0
	for pad < 2 && pad < len(rest) && rest[pad] == '=' {
		pad++
	}
	for _, try := range []func() ([]byte, error){
		func() ([]byte, error) { return base64.StdEncoding.DecodeString(run + rest[:pad]) },
		func() ([]byte, error) { return base64.RawURLEncoding.DecodeString(run) },
	} {
		if b, err := try(); err == nil && printable(b) {
			return true
		}
	}
	return false
}

func printable(b []byte) bool {
	for _, c := range b {
		if c <= '\x08' || c >= '\x7f' {
			return false
		}
	}
	return true
}
