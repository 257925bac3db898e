package secrets

import (
	"context"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// Every structural rule has a folder testdata/rules/<name> (the id without
// "secrets/") with trigger* fixtures, whose lines are exactly the lines
// the rule reports, and near-miss* fixtures, on which it reports nothing.
//
// A fixture holds no credential: where one goes it holds a token that the
// test replaces with a fresh value before scanning, so the repository
// itself gives no finding to specter, gitleaks or a push protection.
// __WANT_<KIND>__ is a credential the folder's rule must report, once per
// token, on the token's line; __<KIND>__ is one it must not report (other
// rules may). Kinds:
//
//	SECRET        a random credential-like value
//	GITHUB_TOKEN  a value in GitHub's token format (a provider key)
//	BASIC         base64 of "svc:<random>", for Basic credentials
//
// On disk the tokens are placeholders (__NAME__), which every check skips.

var fixtureToken = regexp.MustCompile(`__(WANT_)?(SECRET|GITHUB_TOKEN|BASIC)__`)

// fixtureSecrets generates the values of one fixture, deterministically
// from its path, so a failure reproduces.
type fixtureSecrets struct {
	rng  *rand.Rand
	seen map[string]bool
}

func newFixtureSecrets(path string) *fixtureSecrets {
	h := fnv.New64a()
	h.Write([]byte(path))
	return &fixtureSecrets{rng: rand.New(rand.NewPCG(h.Sum64(), 13)), seen: map[string]bool{}}
}

func (g *fixtureSecrets) random(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[g.rng.IntN(len(alphabet))]
		}
		if s := string(b); !sensitive.IsPlaceholder(s) && !g.seen[s] {
			g.seen[s] = true
			return s
		}
	}
}

func (g *fixtureSecrets) value(kind string) string {
	switch kind {
	case "GITHUB_TOKEN":
		return "ghp_" + g.random(36)
	case "BASIC":
		return base64.StdEncoding.EncodeToString([]byte("svc:" + g.random(20)))
	}
	return g.random(24)
}

// materialise writes the fixture (a file, or a folder of files) under dir
// with its tokens replaced, and returns the lines that must be reported,
// as "file:line" (relative to dir) with counts, and the values it put in.
func materialise(t *testing.T, fixture, dir string) (want map[string]int, values []string) {
	t.Helper()
	want = map[string]int{}
	gen := newFixtureSecrets(filepath.ToSlash(fixture))
	err := filepath.Walk(fixture, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(filepath.Dir(fixture), path)
		if err != nil {
			return err
		}
		lines := strings.SplitAfter(string(data), "\n")
		for i, line := range lines {
			lines[i] = fixtureToken.ReplaceAllStringFunc(line, func(tok string) string {
				m := fixtureToken.FindStringSubmatch(tok)
				if m[1] != "" {
					want[fmt.Sprintf("%s:%d", filepath.ToSlash(rel), i+1)]++
				}
				v := gen.value(m[2])
				values = append(values, v)
				return v
			})
		}
		out := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, []byte(strings.Join(lines, "")), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return want, values
}

func TestStructuralRuleFixtures(t *testing.T) {
	s := newScanner(t, Options{})
	for _, r := range structuralSecretRules() {
		t.Run(strings.TrimPrefix(r.ID, "secrets/"), func(t *testing.T) {
			triggers, nearMisses := ruleFixtures(t, r.ID)
			if len(triggers) == 0 || len(nearMisses) == 0 {
				t.Errorf("rule %s: %d trigger and %d near-miss fixtures, want at least one of each", r.ID, len(triggers), len(nearMisses))
			}
			for _, f := range triggers {
				checkFixture(t, s, r, f, true)
			}
			for _, f := range nearMisses {
				checkFixture(t, s, r, f, false)
			}
		})
	}
}

// ruleFixtures lists the fixtures of a rule's folder; anything in it that
// is neither a trigger nor a near miss is an error.
func ruleFixtures(t *testing.T, id string) (triggers, nearMisses []string) {
	t.Helper()
	dir := filepath.Join("testdata", "rules", strings.TrimPrefix(id, "secrets/"))
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("rule %s has no fixtures: %v", id, err)
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), "trigger"):
			triggers = append(triggers, path)
		case strings.HasPrefix(e.Name(), "near-miss"):
			nearMisses = append(nearMisses, path)
		default:
			t.Errorf("%s: neither a trigger nor a near-miss", path)
		}
	}
	return triggers, nearMisses
}

// checkFixture scans one fixture and compares the rule's findings with
// its marked lines.
func checkFixture(t *testing.T, s *Scanner, r rules.Rule, fixture string, trigger bool) {
	t.Helper()
	tmp := t.TempDir()
	want, values := materialise(t, fixture, tmp)
	switch {
	case trigger && len(want) == 0:
		t.Errorf("%s: a trigger fixture without a __WANT_…__ token", fixture)
	case !trigger && len(want) != 0:
		t.Errorf("%s: a near-miss fixture with __WANT_…__ tokens", fixture)
	}
	surf := ingesttest.Load(t, filepath.Join(tmp, filepath.Base(fixture)))
	all, err := s.Findings(context.Background(), surf)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range all {
		for _, v := range values {
			if strings.Contains(f.Message, v) || strings.Contains(f.Evidence, v) {
				t.Errorf("%s:%d: %s shows the secret unredacted: %q / %q", f.Location.File, f.Location.Line, f.RuleID, f.Message, f.Evidence)
			}
		}
		if f.RuleID != r.ID {
			continue
		}
		rel, err := filepath.Rel(tmp, f.Location.File)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = f.Location.File
		}
		got[fmt.Sprintf("%s:%d", filepath.ToSlash(rel), f.Location.Line)]++
		if f.Severity != r.Severity {
			t.Errorf("%s: severity %v, catalog says %v", fixture, f.Severity, r.Severity)
		}
		if f.Location.Column < 1 || f.Fingerprint == "" || f.Key == "" {
			t.Errorf("%s: incomplete finding %+v", fixture, f)
		}
		if file := surf.FileByPath(f.Location.File); file != nil && file.Tree != nil && f.Location.Pointer == "" {
			t.Errorf("%s:%d: finding in a document without a JSON pointer", f.Location.File, f.Location.Line)
		}
	}
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		if want[k] != got[k] {
			t.Errorf("%s: %s: want %d finding(s), got %d", fixture, k, want[k], got[k])
		}
	}
	if t.Failed() {
		for _, f := range all {
			t.Logf("  %s %s:%d:%d %s: %s", f.RuleID, f.Location.File, f.Location.Line, f.Location.Column, f.Location.Pointer, f.Message)
		}
	}
}
