package redos

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode/utf8"
)

// Kind is how a backtracking matcher's time grows with the pump count.
type Kind int

const (
	// Exponential: every extra pump multiplies the work (by Growth).
	Exponential Kind = iota + 1
	// Polynomial: the work grows as the pump count to the power Degree.
	Polynomial
)

// String names the kind: "exponential" or "polynomial".
func (k Kind) String() string {
	switch k {
	case Exponential:
		return "exponential"
	case Polynomial:
		return "polynomial"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Schema is what the analysis reads of a string schema.
type Schema struct {
	// Pattern is the schema's `pattern`, an ECMA-262 regular expression
	// (unanchored, as JSON Schema reads it). When set, only it is
	// analysed.
	Pattern string
	// Format is the schema's `format`; with no Pattern, "email",
	// "hostname" and "uri" (and their idn-/iri-/-reference variants)
	// select well-known validators to attack.
	Format string
	// Name is the property or parameter name; with no Pattern, a
	// phone-like name (phone, mobile, msisdn, fax, tel, ...) selects
	// well-known phone-number validators.
	Name string
	// MaxLength is the schema's maxLength (nil: none). Attack strings
	// never exceed it.
	MaxLength *uint64
}

// Attack is one way to make a backtracking engine slow on a pattern.
// Strings[i] is Prefix + Pump×Ladder[i] + Suffix.
type Attack struct {
	// Label names the vulnerable spot, e.g. `nested quantifier (\w+\s?)*`.
	Label string
	// Kind is exponential or polynomial.
	Kind Kind
	// Degree is the polynomial degree (2 for quadratic); 0 for
	// exponential attacks.
	Degree int
	// Growth is, for exponential attacks, the factor by which a
	// backtracking matcher's work grows per extra pump; 0 otherwise.
	Growth float64
	// Pattern is the regular expression attacked: the schema's pattern,
	// or the well-known validator for its format.
	Pattern string
	// Validator is empty for the schema's own pattern, else the name of
	// the well-known validator (what it is and where it comes from).
	Validator string
	// Prefix reaches the vulnerable spot, Pump is matched there in at
	// least two ways, and Suffix makes the match fail so that the engine
	// tries every way: no match of the pattern starts in the prefix or
	// the pumps (for FullMatchOnly attacks: the whole string does not
	// match).
	Prefix, Pump, Suffix string
	// Ladder is the pump counts to send, ascending: the work estimated
	// for the rungs is about 2^10, 2^16, 2^22 and 2^28 matcher steps
	// (and 2^32 for exponential attacks), fewer rungs when MaxLength
	// cuts the ladder. Send them in order and stop at the first slow
	// answer: the top rungs take seconds to minutes.
	Ladder []int
	// Strings are the attack strings, one per rung.
	Strings []string
	// Steps is the estimated number of steps (paths explored) a
	// backtracking matcher takes on each string: a lower bound, since
	// engines do some work per step.
	Steps []float64
	// Controls are strings of the same lengths as Strings that the
	// pattern rejects at the first character, so a backtracking engine
	// spends linear time on them: the baseline for the payload's size.
	// Nil when every character can start a match.
	Controls []string
	// FullMatchOnly is set when the strings only blow up if the server
	// matches the whole value (Java's String.matches, @Pattern,
	// Python's re.fullmatch, an explicit ^…$): a search for the pattern
	// anywhere in the value (JSON Schema's reading) succeeds early.
	FullMatchOnly bool
	// TooShort is set when MaxLength keeps the ladder below the rung a
	// backtracking engine is measurably slow on (about 2^20 steps);
	// Note says by how much.
	TooShort bool
	// Note is a remark about this attack, e.g. why it is TooShort.
	Note string
}

// String builds the attack string with n pumps.
func (a Attack) String(n int) string {
	return a.Prefix + strings.Repeat(a.Pump, max(n, 0)) + a.Suffix
}

// Result is what Analyze found.
type Result struct {
	// Attacks are the vulnerable spots, one attack each, most worth
	// sending first: those that work whatever the server's matching
	// mode before FullMatchOnly ones, exponential before polynomial,
	// faster growth (per character) and higher degree first. Empty when
	// the pattern is safe for backtracking engines (as far as the
	// analysis can tell).
	Attacks []Attack
	// Notes say what the analysis could not take into account
	// (lookarounds removed, counts lowered, search bound reached, a
	// maxLength leaving no room for an attack).
	Notes []string
}

// Errors Analyze wraps.
var (
	// ErrUnsupported: the pattern uses a construct the analysis cannot
	// read (a backreference, a property Go's tables lack).
	ErrUnsupported = errors.New("unsupported regular expression feature")
	// ErrTooComplex: the pattern is larger than the analysis allows.
	ErrTooComplex = errors.New("pattern too large to analyse")
	errSyntax     = errors.New("invalid ECMA-262 pattern")
)

// Limits of the analysis.
const (
	maxPatternBytes  = 8 << 10
	maxStates        = 2000
	maxAttacks       = 4 // per pattern
	maxFormatAttacks = 8 // per format, over its validators
	maxAttackRunes   = 1 << 18
)

// Analyze returns the attacks on a string schema: on its pattern when it
// has one, else on the well-known validators for its format or its
// phone-like name. A pattern Go's regexp/syntax cannot read (after the
// ECMA-262 spellings are translated) is an error wrapping
// ErrUnsupported or the parse error, one over the analysis' size limits
// wraps ErrTooComplex; lookarounds are removed first and said so in
// Notes. It is safe for concurrent use.
func Analyze(s Schema) (Result, error) {
	maxLen := -1
	if s.MaxLength != nil {
		maxLen = int(min(*s.MaxLength, 1<<30))
	}
	if s.Pattern != "" {
		res, err := analyzePattern(s.Pattern, maxLen)
		if err != nil {
			return res, fmt.Errorf("redos: pattern %s: %w", quoteShort(s.Pattern), err)
		}
		for i := range res.Attacks {
			res.Attacks[i].Pattern = s.Pattern
		}
		return res, nil
	}
	// No pattern: the validators servers commonly use for the format,
	// one attack per distinct string shape, the most worth sending
	// first.
	var res Result
	seen := map[string]bool{}
	for _, v := range validatorsFor(s.Format, s.Name) {
		r, err := analyzePattern(v.expr, maxLen)
		if err != nil {
			return Result{}, fmt.Errorf("redos: %s validator %s: %w", v.format, v.name, err)
		}
		for _, a := range r.Attacks {
			key := a.Prefix + "\x00" + a.Pump + "\x00" + a.Suffix
			if seen[key] {
				continue
			}
			seen[key] = true
			a.Pattern, a.Validator = v.expr, v.name
			a.Label = v.format + " validator (" + v.name + "): " + a.Label
			res.Attacks = append(res.Attacks, a)
		}
		for _, n := range r.Notes {
			res.Notes = append(res.Notes, v.name+": "+n)
		}
	}
	sort.SliceStable(res.Attacks, func(i, j int) bool { return better(res.Attacks[i], res.Attacks[j]) })
	if len(res.Attacks) > maxFormatAttacks {
		res.Attacks = res.Attacks[:maxFormatAttacks]
	}
	return res, nil
}

func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > 80 {
		s = string([]rune(s)[:79]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// analyzePattern runs the whole analysis on one ECMA-262 pattern.
func analyzePattern(pattern string, maxLen int) (Result, error) {
	var res Result
	if len(pattern) > maxPatternBytes {
		return res, fmt.Errorf("%w: %d bytes (limit %d)", ErrTooComplex, len(pattern), maxPatternBytes)
	}
	var tr translated
	var tree *syntax.Regexp
	// Go refuses repeat counts over 1000, nested ones included
	// ((a{0,100}){0,100}); lower them step by step.
	for _, countCap := range []int{0, 30, 9, 3} {
		var err error
		tr, err = translate(pattern, countCap)
		if err != nil {
			return res, err
		}
		tree, err = syntax.Parse(tr.expr, syntax.Perl)
		if err == nil {
			break
		}
		var se *syntax.Error
		if errors.As(err, &se) && se.Code == syntax.ErrInvalidRepeatSize && countCap != 3 {
			continue
		}
		if errors.As(err, &se) && se.Code == syntax.ErrInvalidRepeatSize {
			return res, fmt.Errorf("%w: repeat counts nest too deep", ErrTooComplex)
		}
		return res, fmt.Errorf("parse: %w", err)
	}
	res.Notes = append(res.Notes, tr.notes...)
	if !hasUnbounded(tree) {
		// No loop but the search's retries: nothing can be ambiguous
		// over an unbounded number of pumps.
		return res, nil
	}
	chk := &checker{expr: tr.expr}
	pr := &printer{wrapper: tr.wrapper}
	for _, countCap := range []int{0, 16, 4, 1} {
		if expandedSize(tree, countCap, maxStates) > maxStates {
			continue
		}
		n, err := buildNFA(tree, tr.wrapper, countCap, maxStates)
		if err != nil {
			continue
		}
		an := newAnalysis(n)
		ws := an.witnesses()
		if an.exhausted && countCap != 1 {
			continue
		}
		if countCap > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("counted repeats were lowered to at most %d for the analysis", countCap))
		}
		if an.exhausted {
			res.Notes = append(res.Notes, "the search bound was reached: vulnerable spots may be missing")
		}
		attacks, notes, err := an.attacks(ws, chk, pr, maxLen)
		if err != nil {
			return res, err
		}
		if an.workOut {
			notes = append(notes, "the attack-building bound was reached: some spots have no attack")
		}
		res.Attacks = attacks
		res.Notes = append(res.Notes, notes...)
		return res, nil
	}
	return res, fmt.Errorf("%w: more than %d positions even with counts lowered", ErrTooComplex, maxStates)
}

// hasUnbounded reports whether re has a *, + or {n,}.
func hasUnbounded(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus:
		return true
	case syntax.OpRepeat:
		if re.Max < 0 {
			return true
		}
	}
	for _, sub := range re.Sub {
		if hasUnbounded(sub) {
			return true
		}
	}
	return false
}

// checker holds the Go regular expressions that confirm what attack
// strings do: Go's engine is linear, and it decides whether a string
// matches (searching, as JSON Schema does, or the whole string).
type checker struct {
	expr   string
	search *regexp.Regexp
	full   *regexp.Regexp
	err    error
}

// failsBefore reports whether no match of the pattern starts before
// byte offset end of s when searching for it: the engine then tried,
// and failed, at every offset before end (a match at the very end, such
// as `(\w+\s?)*$` finds, comes too late to save it).
func (c *checker) failsBefore(s string, end int) bool {
	loc := c.search.FindStringIndex(s)
	return loc == nil || loc[0] >= end
}

// viable reports whether s matches: as a whole, or anywhere when
// searching (a search-state witness, whose matches start anywhere).
func (c *checker) viable(s string, search bool) bool {
	if search {
		return c.search.MatchString(s)
	}
	return c.full.MatchString(s)
}

func (c *checker) compile() error {
	if c.search != nil || c.err != nil {
		return c.err
	}
	c.search, c.err = regexp.Compile(c.expr)
	if c.err == nil {
		c.full, c.err = regexp.Compile(`^(?:` + c.expr + `)$`)
	}
	if c.err != nil {
		c.err = fmt.Errorf("compile: %w", c.err)
	}
	return c.err
}
