package lint

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
)

// Every rule has a folder testdata/rules/<name> (the id without "lint/")
// holding trigger*.yaml fixtures, whose lines marked `# want: <rule-id>`
// are exactly the lines the rule reports (one marker per finding; a line
// may carry several, comma-separated), and near-miss*.yaml fixtures, on
// which the rule must report nothing. A fixture may be a folder instead of
// a file (multi-file documents): its markers are read from every file in
// it. For JSON (no comments), a sidecar file <fixture>.want lists the
// expected findings as `LINE RULE-ID` lines.

var wantMarker = regexp.MustCompile(`#\s*want:\s*(.+)$`)

// expected reads the `# want:` markers of a fixture (a file or a folder)
// for rule id, as "file:line" keys with counts.
func expected(t *testing.T, fixture, id string) map[string]int {
	t.Helper()
	want := map[string]int{}
	err := filepath.Walk(fixture, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		if strings.HasSuffix(path, ".want") {
			return sidecarMarkers(path, id, want)
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for line := 1; sc.Scan(); line++ {
			m := wantMarker.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			for _, w := range strings.Split(m[1], ",") {
				if strings.TrimSpace(w) == id {
					want[fmt.Sprintf("%s:%d", filepath.ToSlash(path), line)]++
				}
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// sidecarMarkers reads a .want file: `LINE RULE-ID` per line, about the
// fixture named like it without .want.
func sidecarMarkers(path, id string, want map[string]int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	target := filepath.ToSlash(strings.TrimSuffix(path, ".want"))
	for _, line := range strings.Split(string(data), "\n") {
		var n int
		var rule string
		if _, err := fmt.Sscanf(line, "%d %s", &n, &rule); err == nil && rule == id {
			want[fmt.Sprintf("%s:%d", target, n)]++
		}
	}
	return nil
}

func TestRuleFixtures(t *testing.T) {
	for _, r := range rules.LintRules() {
		name := strings.TrimPrefix(r.ID, "lint/")
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", "rules", name)
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatalf("rule %s has no fixtures: %v", r.ID, err)
			}
			var triggers, nearMisses int
			for _, e := range entries {
				fixture := filepath.ToSlash(filepath.Join(dir, e.Name()))
				if strings.HasSuffix(e.Name(), ".want") {
					continue // read with its fixture
				}
				switch {
				case strings.HasPrefix(e.Name(), "trigger"):
					triggers++
				case strings.HasPrefix(e.Name(), "near-miss"):
					nearMisses++
				default:
					continue
				}
				want := expected(t, fixture, r.ID)
				if _, err := os.Stat(fixture + ".want"); err == nil {
					for k, n := range expected(t, fixture+".want", r.ID) {
						want[k] += n
					}
				}
				if strings.HasPrefix(e.Name(), "trigger") && len(want) == 0 {
					t.Errorf("%s: a trigger fixture without a `# want: %s` marker", fixture, r.ID)
				}
				if strings.HasPrefix(e.Name(), "near-miss") && len(want) != 0 {
					t.Errorf("%s: a near-miss fixture with markers", fixture)
				}
				got := map[string]int{}
				surf := load(t, fixture)
				sc, err := New(Options{})
				if err != nil {
					t.Fatal(err)
				}
				all, err := sc.Findings(context.Background(), surf)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range byRule(all, r.ID) {
					// The pointer names the reported key in the reported
					// file: what x-specter-ignore on it or any ancestor
					// matches.
					if file := surf.FileByPath(f.Location.File); file == nil || file.Tree == nil {
						t.Errorf("%s: finding in a file the scan did not read: %+v", fixture, f.Location)
					} else if line, col := file.Tree.Position(f.Location.Pointer); line != f.Location.Line || col != f.Location.Column {
						t.Errorf("%s: finding at %d:%d but its pointer %s names %d:%d", fixture, f.Location.Line, f.Location.Column, f.Location.Pointer, line, col)
					}
					got[fmt.Sprintf("%s:%d", f.Location.File, f.Location.Line)]++
					if f.Severity != r.Severity {
						t.Errorf("%s: severity %v, catalog says %v", fixture, f.Severity, r.Severity)
					}
					if f.Location.Pointer == "" && f.Location.Line != 1 {
						t.Errorf("%s:%d: finding without a JSON pointer", f.Location.File, f.Location.Line)
					}
				}
				for _, k := range keysOf(want, got) {
					if want[k] != got[k] {
						t.Errorf("%s: want %d finding(s), got %d", k, want[k], got[k])
					}
				}
				if t.Failed() {
					for _, f := range byRule(lintPaths(t, fixture), r.ID) {
						t.Logf("  %s:%d:%d %s %s", f.Location.File, f.Location.Line, f.Location.Column, f.Location.Pointer, f.Message)
					}
				}
			}
			if triggers == 0 || nearMisses == 0 {
				t.Errorf("rule %s needs at least one trigger and one near-miss fixture (have %d and %d)", r.ID, triggers, nearMisses)
			}
		})
	}
}

func keysOf(ms ...map[string]int) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestChecksMatchCatalog: every check names a lint rule, every lint rule
// has exactly one check, so the catalog lists no rule nothing emits.
func TestChecksMatchCatalog(t *testing.T) {
	checks := map[string]int{}
	for _, c := range Checks() {
		checks[c.Rule]++
		if c.Document == nil && c.Scheme == nil && c.Operation == nil && c.Schema == nil && c.Text == nil && c.Collection == nil && c.Tools == nil && c.Surface == nil {
			t.Errorf("check %s has no hook", c.Rule)
		}
	}
	for _, r := range rules.LintRules() {
		if checks[r.ID] != 1 {
			t.Errorf("rule %s has %d checks, want 1", r.ID, checks[r.ID])
		}
		delete(checks, r.ID)
	}
	for id := range checks {
		t.Errorf("check %s has no rule in rules.LintRules()", id)
	}
}
