// Package redos derives regular-expression denial-of-service (ReDoS)
// attack strings from an OpenAPI string schema: from its `pattern`, or,
// when it has none, from well-known vulnerable validators for its
// `format` (email, hostname, uri) or its phone-like name.
//
// Go's regexp runs in linear time, so the attacks are aimed at the
// backtracking engines servers use (JavaScript, Python's re, Java,
// PCRE, Ruby, .NET): an attack is a prefix reaching an ambiguous spot,
// a pump the spot matches in at least two ways, repeated N times, and
// a suffix that makes the whole match fail so that the engine tries
// every way. Each comes with the ladder of pump counts to send and the
// matcher steps expected at each, so a fuzzer can tell exponential or
// polynomial growth from noise.
//
// # How
//
// The pattern (ECMA-262) is translated into Go's syntax (\s, `.`,
// \u escapes, named groups, Annex B literals; lookarounds removed,
// backreferences refused) and parsed by regexp/syntax. The tree is
// compiled into a position automaton with edge multiplicities, which
// has exactly the paths a backtracking matcher explores (see nfa.go).
// Exponential spots are states with two different loops over the same
// word (a pair product); polynomial spots are two loops over the same
// word with a path between them (a triple product). Each candidate is
// confirmed with Go's engine (the pumped string can still be completed
// into a match; the attack string is rejected) and its growth measured
// by counting the automaton's paths over the attack strings.
//
// # Using the attacks
//
// Target every string parameter or property (query, path, header,
// body) whose schema has a pattern, or, without one, a format of
// email, hostname or uri, or a phone-like name. Analyze once per
// schema, before the run. For each attack, in Result order:
//
//  1. Baseline: the operation's own median latency, and the Controls
//     (same lengths, rejected at once), which price the payload's size.
//  2. Send Strings in ladder order, each followed by its control, and
//     stop at the first rung slower than a budget (say 5 s or the
//     client timeout): the next rungs cost 64 times more, and a
//     single-threaded server (Node.js) is blocked meanwhile.
//  3. A rung is slow when it exceeds both ten times the larger of the
//     median and its control and the control plus a second (the
//     latency package's Factor and MinExcess), and the rungs before it
//     grew (each rung is about 64 times the work of the previous one,
//     so even a hundredth of the predicted growth is unmistakable).
//  4. Confirm: resend the slow rung and its control twice more,
//     alternating, and report only when both repeats are slow again;
//     alternating cancels load drift on a shared staging machine.
//
// FullMatchOnly attacks only bite servers that match the whole value;
// TooShort ones are cut by maxLength (call Analyze without MaxLength
// to test whether the server enforces maxLength before its pattern).
//
// # Limitations
//
//   - Lookarounds are removed before the analysis: an attack may stop
//     at one (a length check in a lookahead, for instance), and
//     vulnerable lookaround bodies are not found. Backreferences are
//     not supported at all.
//   - The ambiguity searches read word boundaries and multi-line
//     anchors as always true; attack strings are then measured with
//     \b and \B honoured (multi-line anchors stay true), so a spot a \b
//     disambiguates is dropped rather than reported.
//   - Only loops are searched: ambiguity inside a bounded repeat, such
//     as (a?){999} or (a|a){1,30}, which is exponential up to its
//     bound, is not reported.
//   - Engine optimisations are not modelled: Ruby 3.2+ memoises
//     backtracking, .NET's NonBacktracking and RE2-based engines are
//     linear, PCRE/Perl auto-possessify some quantifiers and reject
//     early when a required literal is missing, Java and V8 skip some
//     impossible starts.
//   - Repeat counts over 1000 (or nested ones past Go's limits) and
//     patterns expanding past 2000 positions are analysed with lowered
//     counts; the result says so in its notes.
package redos
