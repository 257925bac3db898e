package redos

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// TestTranslate checks that the Go spelling of ECMA-262 patterns
// matches what JavaScript matches.
func TestTranslate(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{`^(?<year>\d{4})-(?<month>\d{2})$`, []string{"2024-01"}, []string{"24-01"}},
		{`^\s$`, []string{" ", "\t", "\v", "\u00a0", "\u2028", "\ufeff"}, []string{"a", "\u200b"}},
		{`^\S$`, []string{"a", "\u200b"}, []string{"\v", "\u3000"}},
		{`^[\s\d]$`, []string{"\v", "7"}, []string{"a"}},
		{`^[^\S]$`, []string{"\v"}, []string{"a"}},
		{`^.$`, []string{"a", "\u00e9", "😀"}, []string{"\n", "\r", "\u2028", "\u2029"}},
		{`^\u00e9\u{1F600}\uD83D\uDE00$`, []string{"é😀😀"}, nil},
		{`^[^]$`, []string{"\n", "a"}, []string{""}},
		{`^a[]b$`, nil, []string{"ab", "a]b"}},
		{`^\cJ$`, []string{"\n"}, []string{"cJ"}},
		{`^\/\a\e\-$`, []string{"/ae-"}, nil},
		{`^a{$`, []string{"a{"}, nil},
		{`^{}$`, []string{"{}"}, nil},
		{`^a{,2}$`, []string{"a{,2}"}, []string{"aa"}},
		{`^[\b]$`, []string{"\b"}, []string{"b"}},
		{`^\0$`, []string{"\x00"}, []string{"0"}},
		{`^[\w-]+$`, []string{"a-b"}, []string{"a b"}},
		{`^[\w-z]$`, []string{"-", "z", "_"}, []string{"y!"}},
		{`^[a-]$`, []string{"-", "a"}, []string{"b"}},
		{`^[[]$`, []string{"["}, nil},
		{`^\p{Lu}\p{Letter}\P{L}$`, []string{"Aé1"}, []string{"aé1"}},
		{`^\p{Script=Greek}$`, []string{"α"}, []string{"a"}},
		{`^\x41\x4$`, []string{"Ax4"}, nil},
		{`^(?=a)ab$`, []string{"ab"}, nil},
		{`^a(?!b)c$`, []string{"ac"}, nil},
		{`^(?:a|b(?<=b))c$`, []string{"ac", "bc"}, nil},
		{`^a{2,1200}$`, []string{strings.Repeat("a", 1000)}, []string{"a"}},
	} {
		tr, err := translate(tc.pattern, 0)
		if err != nil {
			t.Errorf("%s: %v", tc.pattern, err)
			continue
		}
		re, err := regexp.Compile(tr.expr)
		if err != nil {
			t.Errorf("%s → %s: %v", tc.pattern, tr.expr, err)
			continue
		}
		for _, s := range tc.match {
			if !re.MatchString(s) {
				t.Errorf("%s (%s) does not match %q", tc.pattern, tr.expr, s)
			}
		}
		for _, s := range tc.noMatch {
			if re.MatchString(s) {
				t.Errorf("%s (%s) matches %q", tc.pattern, tr.expr, s)
			}
		}
	}
}

func TestTranslateRefuses(t *testing.T) {
	for _, p := range []string{`(a)\1`, `(?<n>a)\k<n>`, `\p{Emoji}`, `(?P<n>a)`, "\xff"} {
		if _, err := translate(p, 0); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%q: err %v, want ErrUnsupported", p, err)
		}
	}
	for _, p := range []string{`a)`, `(a`, `[a`, `a\`} {
		if _, err := translate(p, 0); err == nil {
			t.Errorf("%q: no error", p)
		}
	}
}

// TestWrappersKeepAlternatives checks the reason for the added groups:
// Go's parser would merge `a|a` into `a`, hiding the ambiguity.
func TestWrappersKeepAlternatives(t *testing.T) {
	for _, p := range []string{`^(a|a)*$`, `^(\d|\w)+$`, `^(?:a|ab|b)*$`} {
		res, err := Analyze(Schema{Pattern: p})
		if err != nil || len(res.Attacks) == 0 || res.Attacks[0].Kind != Exponential {
			t.Errorf("%s: %v %+v", p, err, res)
		}
	}
	res, _ := Analyze(Schema{Pattern: `^(\d|\w)+$`})
	if got := res.Attacks[0].Label; got != `overlapping alternatives under a repeat (\d|\w)+` {
		t.Errorf("label %q", got)
	}
}

func TestLabels(t *testing.T) {
	for p, want := range map[string]string{
		`^(\w+\s?)*$`:                   `nested quantifier (\w+\s?)*`,
		`^(a|a)*$`:                      `overlapping alternatives under a repeat (a|a)*`,
		`^\d+\d+$`:                      `overlapping quantifiers \d+ and \d+`,
		`\d+$`:                          `\d+ retried at every offset (pattern not anchored with ^)`,
		`^[a-z]+([-.a-z]?[a-z])*$`:      `ambiguous repeat ([\-.a-z]?[a-z])*`,
		`^(?:[\u00e9 ]+\+?)+$`:          `nested quantifier (?:[ é]+\+?)+`,
		`^(a+){2,}$`:                    `nested quantifier (a+){2,}`,
		`^a(x+x+)+$`:                    `nested quantifier (x+x+)+`,
		`^(?<n>[0-9a-f]+)([0-9a-f]+)*$`: `nested quantifier ([\da-f]+)*`,
	} {
		res, err := Analyze(Schema{Pattern: p})
		if err != nil || len(res.Attacks) == 0 {
			t.Errorf("%s: %v %+v", p, err, res)
			continue
		}
		if got := res.Attacks[0].Label; got != want {
			t.Errorf("%s: label %q, want %q", p, got, want)
		}
	}
}
