// Package oracle holds the fuzzer's oracles: each reads the exchanges of a
// run and reports violations of one property (a rule in the catalog,
// family fuzz/). Oracles run concurrently on every exchange; an oracle may
// send its own extra requests through Env.Send, which goes through the same
// budget, rate limit and circuit breaker as the generated ones.
package oracle

import (
	"context"
	"sync"

	"github.com/specterhq/specter/fuzz/canary"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
)

// Validity is the engine's verdict on a request against the spec, made
// before sending it (openapi3filter). Oracles about accepting invalid or
// rejecting valid input read it instead of trusting the generator's intent.
type Validity int

// Validities.
const (
	// Unchecked: no schema to check against (Postman), or the check
	// could not run.
	Unchecked Validity = iota
	Valid
	Invalid
)

func (v Validity) String() string {
	switch v {
	case Valid:
		return "valid"
	case Invalid:
		return "invalid"
	}
	return "unchecked"
}

// Observation is one exchange as oracles see it.
type Observation struct {
	*execute.Exchange
	// Validity is whether the request conforms to the documented request.
	Validity Validity
	// Violation says why an Invalid request is invalid (first problem).
	Violation string
	// Unrouted marks an answer the framework gave without routing the
	// request to the operation (its own 404 page, as for a path that
	// does not exist): it says nothing about the operation.
	Unrouted bool

	jsonOnce sync.Once
	jsonBody any
	jsonErr  error
}

// JSON decodes the response body once for every oracle that needs it.
// Numbers are json.Number, so no digit of a long identifier or card number
// is lost (kin-openapi validates json.Number like float64). Anything but
// white space after the value is an error, as with json.Unmarshal.
func (o *Observation) JSON() (any, error) {
	o.jsonOnce.Do(func() { o.jsonBody, o.jsonErr = DecodeJSON(o.Body) })
	return o.jsonBody, o.jsonErr
}

// Target is the operation the exchange exercised.
func (o *Observation) Target() *plan.Target { return o.Case.Target }

// Verdict is one violation an oracle saw. The engine turns it into a
// finding: located at the operation in the spec, with the seed, a curl
// reproducer (credentials redacted) and a request/response excerpt, and
// deduplicated per operation and rule (the exchange with the smallest case
// sequence number is kept, so reports are stable).
type Verdict struct {
	Rule     string // a fuzz/ rule id in the catalog
	Exchange *execute.Exchange
	// Message says what is wrong, in a sentence, without the reproducer.
	Message string
	// Key separates findings of one rule on one operation that are
	// different problems (rarely needed; "" dedupes per operation).
	Key string
	// Mask are values the answer showed that no output may (a secret,
	// a card number the oracle found): the evidence of every finding of
	// the run and the request log from then on show them redacted.
	Mask []string
	// At is the operation the finding is about when it is not the one
	// the exchange called: a read back that shows what a sign-up did is
	// reported at the sign-up. nil is the exchange's operation.
	At *plan.Target
}

// Env is what an oracle can do besides reading the exchange.
type Env interface {
	// Report records a violation.
	Report(v Verdict)
	// Send sends an extra request (a replay without credentials, a
	// repeat, a burst) through the run's budget, rate limit and breaker.
	// The exchange is not shown to other oracles. It fails when the run
	// is stopping.
	Send(ctx context.Context, c *plan.Case) (*execute.Exchange, error)
	// Note records, once per distinct text, something the summary must
	// say: a check that could not run and why.
	Note(rule, text string)
	// Seed is the run's seed, for oracles that need their own randomness
	// (derive a generator from it; never use a global one).
	Seed() int64
	// Roster says who the run's identities are; it is complete once the
	// run has provisioned its accounts (from the first Check on).
	Roster() Roster
	// State is what the run learned: the objects its identities created
	// (who created what, and the request that did it), its accounts,
	// the identifiers answers carried.
	State() *learn.State
	// Canary is the run's canary listener (URLs the target may be made to
	// fetch, documents to serve there); nil when the run has none.
	Canary() *canary.Listener
	// Example is the request the examples phase builds for an operation
	// (its spec examples, plain valid values elsewhere), for probes on
	// operations the run never got an answer from.
	Example(t *plan.Target) (*plan.Case, bool)
	// Unrouted reports whether an answer is the one the target gives to a
	// path no route matches (measured at the start of the run): a 404
	// the framework wrote, not the operation's handler.
	Unrouted(x *execute.Exchange) bool
}

// Roster is who the run's identities are.
type Roster struct {
	// Default is the name of the default identity ("" when the run has
	// no credentials at all); cases with Identity "" are sent as it.
	Default string
	// Peer must not reach the default identity's objects (BOLA).
	Peer string
	// LowPrivilege must not call privileged operations (BFLA); "" when
	// none is known. Accounts the run signed up are ordinary users.
	LowPrivilege string
	// Provisioned are the accounts the run signed up.
	Provisioned []string
	// Spare is the provisioned account the checks that change or lock an
	// account aim at (brute force, code guessing, resets, another
	// identity's writes), so that the default and peer stay usable; ""
	// when the run signed none up.
	Spare string
	// Escalated is an account that gained privileges during the run
	// (a role it sent on sign-up was honoured); "" when none did.
	Escalated string
	// Names lists every identity, the default first.
	Names []string
}

// Resolve is the name of the identity a case is sent as: its Identity,
// or the default identity for "".
func (r Roster) Resolve(identity string) string {
	if identity == "" {
		return r.Default
	}
	return identity
}

// IsProvisioned reports whether an identity is an account the run
// signed up.
func (r Roster) IsProvisioned(identity string) bool {
	for _, p := range r.Provisioned {
		if p == identity {
			return true
		}
	}
	return false
}

// Oracle checks one property of exchanges. Check is called for every
// exchange of the generated plan, from several goroutines at once: an
// oracle must be safe for concurrent use and must not keep exchanges it
// does not need (memory stays flat over long runs).
type Oracle interface {
	// Name is a short name for logs and --oracles ("server-error").
	Name() string
	// Rules are the rule ids the oracle reports.
	Rules() []string
	Check(ctx context.Context, obs *Observation, env Env)
}

// Finisher is implemented by oracles that decide at the end of the run
// (outliers against a median, aggregates); Finish is called once, after
// the last Check, with the run still able to Send.
type Finisher interface {
	Finish(ctx context.Context, env Env)
}

// SpecBound is implemented by oracles that judge an answer against what
// the spec documents for the operation (statuses, content types, headers,
// schemas, request validity). The engine does not show them exchanges of
// targets the spec does not describe (plan.Target.OlderVersionOf).
type SpecBound interface {
	SpecBound()
}

// Explorer is implemented by finishers whose Finish looks for new
// problems (probes of their own) rather than confirming what the run saw:
// the engine does not call it when the run stopped early (its request or
// time budget, the breaker), so a budget holds; the summary names it.
type Explorer interface {
	Finisher
	Explores()
}

// Extender is implemented by preparers whose preparation must also cover
// the targets the run finds once it has started (the older API versions
// the target still serves): Extend is called once with them, after
// Prepare and before any of their exchanges.
type Extender interface {
	Extend(targets []*plan.Target)
}

// Preparer is implemented by oracles that need to look at the plan's
// targets before the run (to say a check cannot run, to pick the login
// operations). It is called once, before the first Check.
type Preparer interface {
	Prepare(ctx context.Context, targets []*plan.Target, env Env)
}
