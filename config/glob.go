package config

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// MatchPath reports whether a slash-separated path matches a glob. The glob
// is matched segment by segment with path.Match, and a segment that is
// exactly "**" matches any number of segments, none included. Globs are
// anchored at the start of the path: "*.yaml" matches "a.yaml" but not
// "dir/a.yaml"; "**/*.yaml" matches both. A leading "./" on either side is
// ignored and backslashes in the path are read as slashes. A malformed glob
// matches nothing; ValidatePathGlob reports why.
func MatchPath(glob, name string) bool {
	if strings.TrimSpace(glob) == "" {
		return false
	}
	g := splitSegments(glob)
	p := splitSegments(strings.ReplaceAll(name, `\`, "/"))
	// matched[j] is true when the glob segments seen so far match p[:j].
	matched := make([]bool, len(p)+1)
	matched[0] = true
	for _, seg := range g {
		next := make([]bool, len(p)+1)
		if seg == "**" {
			reached := false
			for j := range matched {
				reached = reached || matched[j]
				next[j] = reached
			}
		} else {
			for j := 0; j < len(p); j++ {
				if !matched[j] {
					continue
				}
				ok, err := path.Match(seg, p[j])
				if err != nil {
					return false
				}
				next[j+1] = ok
			}
		}
		matched = next
	}
	return matched[len(p)]
}

// ValidatePathGlob reports a glob MatchPath cannot use: an empty glob or a
// segment path.Match rejects (an unclosed "[", a trailing "\").
func ValidatePathGlob(glob string) error {
	if strings.TrimSpace(glob) == "" {
		return errors.New("empty path glob")
	}
	for _, seg := range splitSegments(glob) {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("bad path glob %q: segment %q: %w", glob, seg, err)
		}
	}
	return nil
}

// splitSegments cuts a slash-separated path or glob into segments, dropping
// a leading "./", empty segments from doubled slashes and runs of "**". A
// leading "/" becomes a first segment "/", which no wildcard matches, so
// absolute paths only match absolute globs.
func splitSegments(s string) []string {
	for strings.HasPrefix(s, "./") {
		s = s[2:]
	}
	var out []string
	for i, seg := range strings.Split(s, "/") {
		switch {
		case seg == "" && i == 0:
			if len(s) > 0 {
				out = append(out, "/")
			}
		case seg == "" || seg == ".":
		case seg == "**" && len(out) > 0 && out[len(out)-1] == "**":
		default:
			out = append(out, seg)
		}
	}
	return out
}
