// Package excerpt holds the lines of the input files around each finding,
// with every secret on them masked, for the reports that show the source
// (html). It reads only what the scan already read (the surface's files);
// a finding in a file the surface does not hold (a traffic log) gets no
// lines.
package excerpt

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

// MaxLineRunes caps one held line; longer lines end in "…" (minified JSON
// would otherwise put a whole document into one line of the report).
const MaxLineRunes = 400

// Lines maps 1-based line numbers of one file to their text.
type Lines map[int]string

// Set holds, per report path, the lines shown around the findings.
type Set struct {
	// Radius is how many lines before a finding's first line and after
	// its last line are held.
	Radius int
	Files  map[string]Lines
}

// Around collects the lines within radius of each finding's location (and
// of its related locations) from the files that hold them, then masks the
// secrets: every span of a finding in secrets is replaced by that
// finding's evidence (already redacted by the secret scanner, "…" when it
// has none); a secret finding without a column masks its whole line.
func Around(files []*surface.File, findings []rules.Finding, secrets []rules.Finding, radius int) Set {
	if radius < 0 {
		radius = 0
	}
	byPath := make(map[string]*surface.File, len(files))
	for _, f := range files {
		byPath[f.Path] = f
	}
	set := Set{Radius: radius, Files: map[string]Lines{}}
	split := map[string][]string{}
	for i := range findings {
		f := &findings[i]
		set.hold(byPath, split, f.Location, radius)
		for _, rel := range f.Related {
			set.hold(byPath, split, rel.Location, radius)
		}
	}
	for i := range secrets {
		s := &secrets[i]
		text, ok := split[s.Location.File]
		if !ok || s.Location.Line < 1 {
			continue
		}
		set.mask(s, text)
	}
	for path, lines := range set.Files {
		for n, l := range lines {
			lines[n] = clip(l)
		}
		if len(lines) == 0 {
			delete(set.Files, path)
		}
	}
	return set
}

// hold copies the lines around loc, splitting its file once.
func (s *Set) hold(byPath map[string]*surface.File, split map[string][]string, loc rules.Location, radius int) {
	if loc.Line < 1 {
		return
	}
	text, ok := split[loc.File]
	if !ok {
		f := byPath[loc.File]
		if f == nil || !isText(f.Data) {
			split[loc.File] = nil
			return
		}
		text = strings.Split(strings.ReplaceAll(string(f.Data), "\r\n", "\n"), "\n")
		split[loc.File] = text
	}
	if text == nil {
		return
	}
	last := max(loc.EndLine, loc.Line)
	lines := s.Files[loc.File]
	if lines == nil {
		lines = Lines{}
		s.Files[loc.File] = lines
	}
	for n := max(1, loc.Line-radius); n <= min(len(text), last+radius); n++ {
		lines[n] = text[n-1]
	}
}

// mask replaces a secret finding's span on the held lines.
func (s *Set) mask(sec *rules.Finding, text []string) {
	lines := s.Files[sec.Location.File]
	if lines == nil {
		return
	}
	loc := sec.Location
	shown := sec.Evidence
	if shown == "" {
		shown = "…"
	}
	if loc.Column < 1 {
		if l, ok := lines[loc.Line]; ok {
			lines[loc.Line] = leadingSpace(l) + shown
		}
		return
	}
	end, endCol := loc.EndLine, loc.EndColumn
	if end < loc.Line || endCol < 1 {
		// No end: the secret runs to the end of its line.
		end, endCol = loc.Line, 0
	}
	for n := loc.Line; n <= end && n <= len(text); n++ {
		l, held := lines[n]
		if !held {
			continue
		}
		from, to := 1, 0 // rune columns, to exclusive; 0: end of line
		if n == loc.Line {
			from = loc.Column
		}
		if n == end {
			to = endCol
		}
		repl := ""
		if n == loc.Line {
			repl = shown
		}
		lines[n] = replaceRunes(l, from, to, repl)
	}
}

// replaceRunes replaces the runes of l from column from up to column to
// (exclusive, 1-based; 0 means the end of the line) with repl.
func replaceRunes(l string, from, to int, repl string) string {
	r := []rune(l)
	start := min(max(from-1, 0), len(r))
	stop := len(r)
	if to > 0 {
		stop = min(max(to-1, start), len(r))
	}
	return string(r[:start]) + repl + string(r[stop:])
}

func leadingSpace(l string) string {
	return l[:len(l)-len(strings.TrimLeft(l, " \t"))]
}

// clip shortens a line to MaxLineRunes.
func clip(l string) string {
	if utf8.RuneCountInString(l) <= MaxLineRunes {
		return l
	}
	return string([]rune(l)[:MaxLineRunes]) + "…"
}

// isText reports whether data looks like text: valid UTF-8 without NUL
// bytes in its first 8 KiB.
func isText(data []byte) bool {
	head := data
	if len(head) > 8<<10 {
		head = head[:8<<10]
	}
	return bytes.IndexByte(head, 0) < 0 && utf8.Valid(data)
}
