package redos

import (
	"bufio"
	"encoding/json"
	"errors"
	"math"
	"os"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// vulnerable are real-world patterns a backtracking engine takes
// exponential or polynomial time on, with where they were published.
var vulnerable = []struct {
	pattern string
	kind    Kind
	source  string
}{
	// OWASP, "Regular expression Denial of Service - ReDoS" (community
	// attacks page): the "evil regex" examples and the two validators
	// from online repositories it cites.
	{`^(a+)+$`, Exponential, "OWASP ReDoS page, evil regex"},
	{`^([a-zA-Z]+)*$`, Exponential, "OWASP ReDoS page, evil regex"},
	{`^(a|aa)+$`, Exponential, "OWASP ReDoS page, evil regex"},
	{`^(a|a?)+$`, Exponential, "OWASP ReDoS page, evil regex"},
	{`^(([a-z])+.)+[A-Z]([a-z])+$`, Exponential, "OWASP ReDoS page, Java class name validation"},
	{`^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$`, Exponential, "OWASP Validation Regex Repository, e-mail (cited by the OWASP ReDoS page)"},
	{`^([0-9a-zA-Z]([-.\w]*[0-9a-zA-Z])*@([0-9a-zA-Z][-\w]*[0-9a-zA-Z]\.)+[a-zA-Z]{2,9})$`, Exponential, "OWASP ReDoS page, e-mail validation"},
	{`(.*a){12}`, Polynomial, "OWASP ReDoS page, (.*a){x} for x > 10 (whole-value match)"},
	// Wikipedia, "ReDoS", vulnerable regexes in online repositories
	// (RegExLib person-name validator).
	{`^[a-zA-Z]+(([\'\,\.\- ][a-zA-Z ])?[a-zA-Z]*)*$`, Exponential, "Wikipedia ReDoS article, RegExLib name validator"},
	// Doyensec regexploit: README and tests/test_redos.py, patterns from
	// the CVEs and bugs it found.
	{`(,*,)*(,+)[ \t]`, Exponential, "regexploit test_real_cpython_cve (CPython urllib/cookiejar)"},
	{`^([A-Za-z0-9+/=]{4})(\?[\x21-\x7E]*)*$`, Exponential, "regexploit test_real_ssri, CVE-2021-27290 (npm ssri)"},
	{`(a?b+)+c`, Exponential, "regexploit test_regexlib_sequence_exponential"},
	{`(x*[ab]*x?[bc]*x?)*c`, Exponential, "regexploit test_regexlib_sequence_exponential"},
	{`(x?[ab]+x?[bc]+\w*x?)*c`, Exponential, "regexploit test_regexlib_sequence_exponential"},
	{`a(z|\w*b)*d`, Exponential, "regexploit test_dt_branch_exponential"},
	{`v\w*_\w*_\w*$`, Polynomial, "regexploit README (cubic)"},
	{`\bSmartWatch *\( *([^;]+) *; *([^;]+) *;`, Polynomial, "regexploit README, CVE-2020-5243 (uap-core User-Agent regexes)"},
	{`; *([^;/]+) Build[/ ]Huawei(MT1-U06|[A-Z]+\d+[^\);]+)[^\);]*\)`, Polynomial, "regexploit README, CVE-2020-5243 (uap-core)"},
	{`(\d+).?(\d+)?.?(\d+)?.?(\d+)?C`, Polynomial, "regexploit test_optional_starry (ua-parser CFNetwork)"},
	{`^a+(b*b*b*)$`, Polynomial, "regexploit test_dollar"},
	// Incident write-ups.
	{`^[\s\u200c]+|[\s\u200c]+$`, Polynomial, "Stack Overflow outage postmortem, 2016-07-20 (trim regex)"},
	{"(?:(?:\\\"|'|\\]|\\}|\\\\|\\d|(?:nan|infinity|true|false|null|undefined|symbol|math)|\\`|\\-|\\+)+[)]*;?((?:\\s|-|~|!|{}|\\|\\||\\+)*.*(?:.*=.*)))", Polynomial, "Cloudflare outage details, 2019-07-02 (WAF rule)"},
	// npm advisories.
	{`^([+-]?\d*n)?\s*(?:([+-]?)\s*(\d+))?$`, Polynomial, "CVE-2021-3803, nth-check before 2.0.1"},
	{`^((?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|years?|yrs?|y)?$`, Polynomial, "CVE-2015-8315, ms before 0.7.1"},
	// Common validators (also in formats.go).
	{`^(\d+)+$`, Exponential, "digits-only phone/number check with a nested group"},
	{`^\+?(\d+[-\s]?)+$`, Exponential, "international phone number check"},
	{`^\w+([-+.']\w+)*@\w+([-.]\w+)*\.\w+([-.]\w+)*$`, Polynomial, "ASP.NET RegularExpressionValidator Internet e-mail preset"},
	{`^.+@.+\..+$`, Polynomial, "loose e-mail check in mongoose `match` examples"},
	// Found by the analysis in the shared corpora's API descriptions.
	{`^([^:*\/]+\/?)*[^:*\/]+$`, Exponential, "APIs.guru spec (AWS path pattern)"},
	{`^[a-zA-Z0-9]+([-a-zA-Z0-9]?[a-zA-Z0-9])*$`, Exponential, "APIs.guru spec (AWS name pattern)"},
	{`.*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}.*`, Polynomial, "APIs.guru spec (53 uses): .* retried at every offset"},
	// The shapes the analysis looks for, as commonly written.
	{`^(\w+\s?)*$`, Exponential, "word list with optional separators"},
	{`^(a|a)*$`, Exponential, "identical alternatives under a star"},
	{`^(a|ab|b)*$`, Exponential, "alternatives overlapping with their concatenation"},
	{`^\d+\d+$`, Polynomial, "adjacent overlapping quantifiers"},
}

// safe are patterns no attack should come out of: anchored simple
// classes, bounded repeats, validators whose parts a separator keeps
// apart.
var safe = []string{
	`^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$`,
	`^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`,
	// WHATWG HTML valid e-mail address.
	"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$",
	// The widespread e-mail regex of a popular Stack Overflow answer.
	`^(([^<>()[\]\\.,;:\s@"]+(\.[^<>()[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$`,
	`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
	`^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$`,
	`^\d{4}-\d{2}-\d{2}$`,
	`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`,
	`^([01]\d|2[0-3]):[0-5]\d$`,
	`^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$`,
	`^#[0-9a-fA-F]{6}$`,
	`^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$`,
	`^[a-zA-Z][a-zA-Z0-9_]*$`,
	`^[A-Z]{3}$`,
	`^\S{1,80}$`,
	`^\P{C}*$`,
	`^[a-zA-Z0-9](-*_*[a-zA-Z0-9])*$`,
	`^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$`,
	`^(-?\d{1,14}){1}(\.\d{1,4}){0,1}$`,
	// semver.org's suggested regular expression.
	`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`,
	`^\+?[1-9]\d{1,14}$`,
	`^[a-z0-9]+(?:-[a-z0-9]+)*$`,
	// RFC 1123 host name (a widespread Stack Overflow answer).
	`^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9])$`,
	`^\(?(\d{3})\)?[- ]?(\d{3})[- ]?(\d{4})$`,
	`^\d{5}(-\d{4})?$`,
	`^sha256:[a-f0-9]{64}$`,
	`^arn:(aws|aws-cn|aws-iso|aws-iso-[a-z]{1}|aws-us-gov):[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:([a-z]{2}-((iso[a-z]{0,1}-)|(gov-)){0,1}[a-z]+-[0-9]|):[0-9]{12}:[A-Za-z0-9/][A-Za-z0-9:_/+=,@.-]{0,1023}$`,
	`[\w+-.@]+`,
	`(a|ab)*`,
	`^(a|ab)*$`,
}

func TestVulnerablePatterns(t *testing.T) {
	if len(vulnerable) < 25 || len(safe) < 25 {
		t.Fatalf("tables too small: %d vulnerable, %d safe", len(vulnerable), len(safe))
	}
	for _, vc := range vulnerable {
		t.Run(vc.pattern, func(t *testing.T) {
			res, err := Analyze(Schema{Pattern: vc.pattern})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Attacks) == 0 {
				t.Fatalf("no attack (%s); notes %v", vc.source, res.Notes)
			}
			if got := res.Attacks[0].Kind; got != vc.kind {
				t.Errorf("first attack is %v, want %v (%s)", got, vc.kind, vc.source)
			}
			re, err := btParse(vc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			for _, at := range res.Attacks {
				checkAttack(t, at, nil)
				checkGrowth(t, re, at)
			}
		})
	}
}

func TestSafePatterns(t *testing.T) {
	for _, p := range safe {
		res, err := Analyze(Schema{Pattern: p})
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		for _, at := range res.Attacks {
			t.Errorf("%s: unexpected attack %s: %q + %q×n + %q", p, at.Label, at.Prefix, at.Pump, at.Suffix)
		}
	}
}

// TestSafePatternsStayLinear probes the safe patterns with generic
// pumps (no analysis involved) and checks that the backtracker's steps
// grow linearly: 4× the length must cost well under 16× the steps.
func TestSafePatternsStayLinear(t *testing.T) {
	probes := []struct{ prefix, pump, suffix string }{
		{"", "a", "!"}, {"", "ab", "!"}, {"", "0", "!"}, {"", " ", "!"}, {"", "a.", "!"},
		{"a@", "a", "!"}, {"a@", "a.", "!"}, {"", "a-", "!"}, {"", "-", "!"}, {"", "aA0", "!"},
	}
	for _, p := range safe {
		re, err := btParse(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range probes {
			for _, full := range []bool{false, true} {
				at := Attack{Prefix: pr.prefix, Pump: pr.pump, Suffix: pr.suffix}
				s1, _, _ := btSteps(re, at.String(50), full, stepLimit)
				s4, _, ab := btSteps(re, at.String(200), full, stepLimit)
				if ab || float64(s4) > 6*float64(s1)+200 {
					t.Errorf("%s on %q+%q×n+%q (full %v): %d steps at 50, %d at 200", p, pr.prefix, pr.pump, pr.suffix, full, s1, s4)
				}
			}
		}
	}
}

// checkAttack checks what every attack promises about its strings.
func checkAttack(t *testing.T, at Attack, maxLen *uint64) {
	t.Helper()
	if at.Label == "" || at.Pump == "" || at.Kind == 0 {
		t.Errorf("incomplete attack %+v", at)
	}
	if len(at.Strings) == 0 || len(at.Strings) != len(at.Ladder) || len(at.Steps) != len(at.Ladder) {
		t.Fatalf("%s: %d strings, %d rungs, %d step estimates", at.Label, len(at.Strings), len(at.Ladder), len(at.Steps))
	}
	if at.Controls != nil && len(at.Controls) != len(at.Strings) {
		t.Errorf("%s: %d controls for %d strings", at.Label, len(at.Controls), len(at.Strings))
	}
	for i, s := range at.Strings {
		if i > 0 && at.Ladder[i] <= at.Ladder[i-1] {
			t.Errorf("%s: ladder not ascending: %v", at.Label, at.Ladder)
		}
		if s != at.String(at.Ladder[i]) {
			t.Errorf("%s: Strings[%d] is not String(%d)", at.Label, i, at.Ladder[i])
		}
		if s == "" || !utf8.ValidString(s) {
			t.Errorf("%s: rung %d empty or invalid UTF-8", at.Label, i)
		}
		n := utf8.RuneCountInString(s)
		if maxLen != nil && uint64(n) > *maxLen {
			t.Errorf("%s: rung %d has %d characters, maxLength %d", at.Label, i, n, *maxLen)
		}
		if at.Controls != nil && utf8.RuneCountInString(at.Controls[i]) != n {
			t.Errorf("%s: control %d is not as long as its rung", at.Label, i)
		}
	}
	if at.Kind == Exponential && (at.Growth <= 1 || at.Degree != 0) || at.Kind == Polynomial && at.Degree < 2 {
		t.Errorf("%s: kind %v, growth %v, degree %d", at.Label, at.Kind, at.Growth, at.Degree)
	}
}

const stepLimit = 30_000_000

// checkGrowth runs the backtracker along pump counts and checks that
// its steps grow as the attack says: by about Growth per pump, or as a
// power of at least Degree (capped at 3, where small counts are far
// from the asymptote).
func checkGrowth(t *testing.T, re *syntax.Regexp, at Attack) {
	t.Helper()
	steps := func(n int) (float64, bool) {
		s, _, aborted := btSteps(re, at.String(n), at.FullMatchOnly, stepLimit)
		return float64(s), aborted
	}
	// The first count where the matcher takes at least 500 steps.
	n0 := 1
	for ; n0 < 4096; n0 *= 2 {
		if s, ab := steps(n0); s >= 500 || ab {
			break
		}
	}
	n0 = max(n0/2, 1)
	switch at.Kind {
	case Exponential:
		// Pumps per ×16 of predicted work.
		d := max(int(math.Ceil(math.Log(16)/math.Log(at.Growth))), 1)
		var ratios []float64
		prev, _ := steps(n0)
		for i := 1; i <= 3; i++ {
			s, aborted := steps(n0 + i*d)
			if aborted {
				break
			}
			ratios = append(ratios, s/prev)
			prev = s
		}
		if len(ratios) < 2 {
			t.Fatalf("%s: too few measurements (%v) from %d pumps by %d", at.Label, ratios, n0, d)
		}
		for i, r := range ratios {
			if r < 6 {
				t.Errorf("%s: steps grew ×%.1f over %d pumps (step %d), want about ×16: %v", at.Label, r, d, i, ratios)
			}
		}
		if last, first := ratios[len(ratios)-1], ratios[0]; last < first/2 {
			t.Errorf("%s: growth slows down (%v): polynomial, not exponential", at.Label, ratios)
		}
	case Polynomial:
		// Double the pumps until the matcher takes a million steps; the
		// last doubling is nearest the asymptote.
		var slopes []float64
		prev, _ := steps(n0)
		for n := 2 * n0; n <= 1<<14 && len(slopes) < 8; n *= 2 {
			s, aborted := steps(n)
			if aborted {
				slopes = append(slopes, math.Log2(stepLimit/prev))
				break
			}
			slopes = append(slopes, math.Log2(s/prev))
			if prev = s; s > 1e6 {
				break
			}
		}
		want := float64(min(at.Degree, 3)) - 0.6
		if last := slopes[len(slopes)-1]; last < want || last < 1.5 {
			t.Errorf("%s: steps grow as n^%.2f (slopes %v from %d pumps), want at least n^%.1f", at.Label, last, slopes, n0, want)
		}
	}
}

// TestAttackStringsWork checks what the fuzzer relies on for every
// vulnerable pattern: the rung strings fail to match, Go's engine stays
// fast on the longest one, and the controls are linear for a
// backtracking matcher.
func TestAttackStringsWork(t *testing.T) {
	for _, vc := range vulnerable {
		res, err := Analyze(Schema{Pattern: vc.pattern})
		if err != nil {
			t.Fatal(err)
		}
		tr, err := translate(vc.pattern, 0)
		if err != nil {
			t.Fatal(err)
		}
		search := regexp.MustCompile(tr.expr)
		full := regexp.MustCompile(`^(?:` + tr.expr + `)$`)
		re, _ := btParse(vc.pattern)
		for _, at := range res.Attacks {
			top := at.Strings[len(at.Strings)-1]
			start := time.Now()
			for i, s := range at.Strings {
				if at.FullMatchOnly {
					if full.MatchString(s) {
						t.Errorf("%s / %s: rung %d matches the whole value", vc.pattern, at.Label, i)
					}
					continue
				}
				end := len(at.Prefix) + at.Ladder[i]*len(at.Pump)
				if loc := search.FindStringIndex(s); loc != nil && loc[0] < end {
					t.Errorf("%s / %s: rung %d has a match at %d, before the suffix", vc.pattern, at.Label, i, loc[0])
				}
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s: Go's engine took %v on the rungs (longest %d bytes)", vc.pattern, d, len(top))
			}
			if len(at.Controls) > 1 {
				// Steps per character stay flat from the first control
				// to the last.
				perChar := func(c string) float64 {
					steps, _, _ := btSteps(re, c, at.FullMatchOnly, stepLimit)
					return float64(steps) / float64(utf8.RuneCountInString(c))
				}
				lo, hi := perChar(at.Controls[0]), perChar(at.Controls[len(at.Controls)-1])
				if hi > 2*lo+2 {
					t.Errorf("%s / %s: controls took %.1f then %.1f steps per character", vc.pattern, at.Label, lo, hi)
				}
			}
		}
	}
}

func TestMaxLength(t *testing.T) {
	u := func(n uint64) *uint64 { return &n }
	t.Run("exponential fits", func(t *testing.T) {
		ml := u(64)
		res, err := Analyze(Schema{Pattern: `^(\w+\s?)*$`, MaxLength: ml})
		if err != nil || len(res.Attacks) == 0 {
			t.Fatalf("%v %v", res, err)
		}
		at := res.Attacks[0]
		checkAttack(t, at, ml)
		if at.TooShort {
			t.Errorf("64 characters are plenty for an exponential attack: %s", at.Note)
		}
	})
	t.Run("exponential too short", func(t *testing.T) {
		ml := u(12)
		res, _ := Analyze(Schema{Pattern: `^(\w+\s?)*$`, MaxLength: ml})
		if len(res.Attacks) == 0 {
			t.Fatal("no attack")
		}
		at := res.Attacks[0]
		checkAttack(t, at, ml)
		if !at.TooShort || !strings.Contains(at.Note, "too few") {
			t.Errorf("want TooShort with a note, got %v %q", at.TooShort, at.Note)
		}
	})
	t.Run("polynomial too short", func(t *testing.T) {
		ml := u(200)
		res, _ := Analyze(Schema{Pattern: `^\d+\d+$`, MaxLength: ml})
		if len(res.Attacks) == 0 {
			t.Fatal("no attack")
		}
		checkAttack(t, res.Attacks[0], ml)
		if !res.Attacks[0].TooShort {
			t.Error("200 characters of a quadratic attack should be too short")
		}
	})
	t.Run("no room", func(t *testing.T) {
		res, err := Analyze(Schema{Pattern: `^a(b+)+$`, MaxLength: u(2)})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Attacks) != 0 {
			t.Errorf("attacks within 2 characters: %+v", res.Attacks)
		}
		if !strings.Contains(strings.Join(res.Notes, "\n"), "maxLength 2") {
			t.Errorf("notes do not mention the limit: %v", res.Notes)
		}
	})
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		schema Schema
		want   string
	}{
		{Schema{Format: "email"}, "email"},
		{Schema{Format: "idn-email"}, "email"},
		{Schema{Format: "hostname"}, "hostname"},
		{Schema{Format: "uri"}, "uri"},
		{Schema{Name: "mobilePhone"}, "phone"},
		{Schema{Name: "phone_number"}, "phone"},
		{Schema{Name: "msisdn"}, "phone"},
		{Schema{Name: "home_tel"}, "phone"},
	} {
		res, err := Analyze(tc.schema)
		if err != nil {
			t.Fatalf("%+v: %v", tc.schema, err)
		}
		if len(res.Attacks) == 0 {
			t.Errorf("%+v: no attack", tc.schema)
		}
		for _, at := range res.Attacks {
			if at.Validator == "" || !strings.HasPrefix(at.Label, tc.want+" validator") {
				t.Errorf("%+v: attack %q (validator %q)", tc.schema, at.Label, at.Validator)
			}
			checkAttack(t, at, nil)
			re, err := btParse(at.Pattern)
			if err != nil {
				t.Fatal(err)
			}
			checkGrowth(t, re, at)
		}
	}
	// The classic e-mail attack shapes are among them.
	res, _ := Analyze(Schema{Format: "email"})
	var small []string
	for _, at := range res.Attacks {
		small = append(small, at.Strings[0])
	}
	joined := strings.Join(small, "\n")
	if !strings.Contains(joined, "aaaaaaaaaa!") {
		t.Errorf("no aaaa…! attack among %q", small)
	}
	for _, s := range []Schema{{Format: "date-time"}, {Format: "uuid"}, {Name: "telemetry"}, {Name: "cellar"}, {}} {
		if res, _ := Analyze(s); len(res.Attacks) != 0 {
			t.Errorf("%+v: unexpected attacks %v", s, res.Attacks[0].Label)
		}
	}
	// A pattern wins over the format.
	if res, _ := Analyze(Schema{Pattern: `^[a-z]+@[a-z]+\.[a-z]+$`, Format: "email"}); len(res.Attacks) != 0 {
		t.Errorf("format fallback used although a pattern is set: %v", res.Attacks[0].Label)
	}
}

// TestEveryValidatorIsAttacked checks that each built-in validator
// yields an attack whose growth the backtracker confirms: an entry
// without one would only cost analysis time.
func TestEveryValidatorIsAttacked(t *testing.T) {
	for _, v := range validators() {
		res, err := analyzePattern(v.expr, -1)
		if err != nil {
			t.Errorf("%s: %v", v.name, err)
			continue
		}
		if len(res.Attacks) == 0 {
			t.Errorf("%s: no attack on %s", v.name, v.expr)
			continue
		}
		re, err := btParse(v.expr)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range res.Attacks {
			checkGrowth(t, re, at)
		}
	}
}

// TestBoundedTime runs patterns whose expansion is huge or dense: the
// analysis must stay bounded (lowering counts and saying so).
func TestBoundedTime(t *testing.T) {
	for _, p := range []string{
		`^(a*){1000}$`, `^(?:a*b?){300}c$`, `(\w*){200}!`, `^(a?){999}b$`,
		`^((a{1,20}){1,20}){1,20}$`, `^(.*?,){11}P`, `^(?:[a-z]{0,900}[0-9]{0,900})+$`,
		`^(` + strings.Repeat(`(a|b)*`, 60) + `)+$`,
		strings.Repeat(`\w+\s?`, 300),
	} {
		start := time.Now()
		res, err := Analyze(Schema{Pattern: p})
		if d := time.Since(start); d > time.Second {
			t.Errorf("%.40s…: %v", p, d)
		}
		if err != nil && !errors.Is(err, ErrTooComplex) {
			t.Errorf("%.40s…: %v", p, err)
		}
		for _, at := range res.Attacks {
			checkAttack(t, at, nil)
		}
	}
}

func TestUnsupported(t *testing.T) {
	for _, p := range []string{`^(['"])\w+\1$`, `(?<q>a)\k<q>`, `\p{Alphabetic}+`} {
		if _, err := Analyze(Schema{Pattern: p}); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: err %v, want ErrUnsupported", p, err)
		}
	}
	if _, err := Analyze(Schema{Pattern: `a(b`}); err == nil || errors.Is(err, ErrUnsupported) {
		t.Errorf("unbalanced group: err %v", err)
	}
	if _, err := Analyze(Schema{Pattern: strings.Repeat("a", maxPatternBytes+1)}); !errors.Is(err, ErrTooComplex) {
		t.Errorf("huge pattern: err %v", err)
	}
	// Lookarounds are removed and said so; the rest is analysed.
	res, err := Analyze(Schema{Pattern: `^(?=.*\d)(\w+\s?)*$`})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Attacks) == 0 || len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "lookaround") {
		t.Errorf("lookahead pattern: %d attacks, notes %v", len(res.Attacks), res.Notes)
	}
}

// TestSpecPatterns runs the analysis over every pattern of the corpus:
// no error but ErrUnsupported, every attack well formed.
func TestSpecPatterns(t *testing.T) {
	found := 0
	for _, p := range specPatterns(t) {
		res, err := Analyze(Schema{Pattern: p})
		if err != nil {
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("%q: %v", p, err)
			}
			continue
		}
		if len(res.Attacks) > 0 {
			found++
		}
		for _, at := range res.Attacks {
			checkAttack(t, at, nil)
		}
	}
	t.Logf("%d patterns with attacks", found)
}

// specPatterns reads testdata/spec-patterns.jsonl: the 480 distinct
// `pattern` values of the public API descriptions in the shared corpora
// (Stripe, GitHub, 300 APIs.guru specs, crAPI, VAmPI), one JSON string a
// line, most frequent first.
func specPatterns(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open("testdata/spec-patterns.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var p string
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			tb.Fatal(err)
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
