package fuzz

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/specterhq/specter/fuzz/canary"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/generate"
	"github.com/specterhq/specter/fuzz/identity"
	"github.com/specterhq/specter/fuzz/internal/accounts"
	"github.com/specterhq/specter/fuzz/internal/safety"
	"github.com/specterhq/specter/fuzz/internal/versions"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

// Config is one fuzzing run.
type Config struct {
	Executor execute.Config
	Generate generate.Options
	// Oracles judge the exchanges; nil runs DefaultOracles.
	Oracles []oracle.Oracle
	// Catalog gives each finding its rule's severity; required.
	Catalog *rules.Catalog
	// Duration bounds the run; 0 is unbounded (the budget still is).
	Duration time.Duration
	// Safe restricts the run to GET, HEAD and OPTIONS operations.
	Safe bool
	// Notes are the caller's lines for the scanner's notes, after the
	// summary's own (why no accounts were signed up, for example).
	Notes []string
	// ShowSecrets leaves credentials unredacted in reproducers.
	ShowSecrets bool
	// Identities are the run's named identities; the engine adds the
	// accounts it provisions. nil starts with none. When Executor's
	// Credentials is nil the set is used as the credentials.
	Identities *identity.Set
	// Accounts lets the run sign up and log in accounts of its own when
	// the spec has a sign-up and a login operation (never with Safe).
	Accounts bool
	// OlderVersions lets the run try, for operations whose path has a
	// version segment, the older versions the spec does not document,
	// and fuzz those the target still serves (fuzz/older-api-version-served).
	OlderVersions bool
	// Peer and LowPrivilege name the identities of the authorization
	// checks ("" picks: the second identity as peer; a provisioned
	// account as the low-privilege one when the default is declared).
	Peer, LowPrivilege string
	// Progress is told how far the run is, every 250 ms and once when it
	// ends, from one goroutine at a time; nil is told nothing.
	Progress func(Progress)
	// RequestLog receives one JSON line per request sent (nil: none).
	RequestLog io.Writer
	// Canary is where the run's canary listener binds and what it
	// advertises (SSRF and JWT key-URL checks); nil runs without one.
	Canary *canary.Config
}

// Defaults of the command line: modest enough for a shared staging
// deployment, fast enough that a 15-operation API finishes in seconds.
const (
	DefaultRate        = 100.0
	DefaultConcurrency = 4
)

// Stop reasons a summary can carry.
const (
	StopCompleted   = "plan completed"
	StopBudget      = "request budget (--max-requests) reached"
	StopDuration    = "time budget (--duration) reached"
	StopBreaker     = "circuit breaker: too many server errors or timeouts in a row"
	StopInterrupted = "interrupted"
)

// ErrNoAnswer is returned when not one request got an answer: the target
// is unreachable, refuses TLS, or times out on everything.
var ErrNoAnswer = errors.New("no answer from the target")

// Result is what a run found and did.
type Result struct {
	Findings []rules.Finding
	Summary  Summary
}

// Engine runs the plan through the executor and the oracles.
type Engine struct {
	cfg      Config
	exec     *execute.Executor
	gen      *generate.Generator
	oracles  []oracle.Oracle
	state    *learn.State
	policy   safety.Policy
	ids      *identity.Set
	findings *findingSet
	stats    *runStats
	notes    *noteSet
	log      *requestLog
	// validation are the openapi3filter options of requestValidity.
	validation *openapi3filter.Options

	unrouted unrouted
	canary   *canary.Listener
	// postmanSecrets ([]string) are the secret values of the run's
	// Postman collections and environments.
	postmanSecrets atomic.Value
	// runSecrets are the passwords the run chose for its own accounts and
	// the values oracles found that no output may show (Verdict.Mask).
	runSecretsMu sync.Mutex
	runSecrets   []string
	// envs are the oracles' Envs, in the oracles' order; specBound says
	// which oracles judge answers against the spec (oracle.SpecBound).
	envs      []oracle.Env
	specBound []bool
	// started is when Run began; firstFinding how long after it the first
	// finding came (0 for none yet).
	started      time.Time
	firstFinding atomic.Int64

	rosterMu sync.RWMutex
	roster   oracle.Roster
	// denied are the operations the default identity got 401 or 403 on:
	// later requests go as the escalated identity when there is one.
	denied sync.Map // *plan.Target -> bool
}

// New validates the configuration and builds an engine. It checks the
// target against the host policy (a network lookup for names).
func New(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Catalog == nil {
		return nil, errors.New("fuzz: no rule catalog")
	}
	if err := cfg.Executor.Hosts.Check(ctx, cfg.Executor.Target); err != nil {
		return nil, err
	}
	if cfg.Executor.Headers == nil {
		cfg.Executor.Headers = http.Header{}
	}
	if cfg.Executor.Headers.Get("User-Agent") == "" {
		cfg.Executor.Headers.Set("User-Agent", "specter-fuzz")
	}
	cfg.Executor.Headers.Set("X-Specter-Seed", fmt.Sprint(cfg.Generate.Seed))
	ids := cfg.Identities
	if ids == nil {
		if set, ok := cfg.Executor.Credentials.(*identity.Set); ok {
			ids = set
		} else {
			ids = identity.NewSet()
		}
	}
	if cfg.Executor.Credentials == nil {
		cfg.Executor.Credentials = ids
	}
	state := learn.New()
	cfg.Generate.State = state
	ex, err := execute.New(cfg.Executor)
	if err != nil {
		return nil, err
	}
	oracles := cfg.Oracles
	if oracles == nil {
		oracles = DefaultOracles()
	}
	for _, o := range oracles {
		for _, id := range o.Rules() {
			if cfg.Catalog.Lookup(id) == nil {
				return nil, fmt.Errorf("fuzz: oracle %s reports rule %s, which is not in the catalog", o.Name(), id)
			}
		}
	}
	if cfg.OlderVersions && cfg.Catalog.Lookup(versions.RuleOlderVersion) == nil {
		return nil, fmt.Errorf("fuzz: the older-version discovery reports rule %s, which is not in the catalog", versions.RuleOlderVersion)
	}
	for _, id := range accounts.EscalationRules() {
		if cfg.Catalog.Lookup(id) == nil {
			return nil, fmt.Errorf("fuzz: the privilege-escalation check reports rule %s, which is not in the catalog", id)
		}
	}
	e := &Engine{
		cfg: cfg, exec: ex, gen: generate.New(cfg.Generate), oracles: oracles, state: state, ids: ids,
		policy:   safety.Policy{Safe: cfg.Safe, AllowDestructive: cfg.Generate.AllowDestructive, State: state},
		findings: newFindingSet(cfg.Catalog, cfg.Generate.Seed, cfg.ShowSecrets),
		stats:    newRunStats(), notes: &noteSet{}, validation: validationOptions(),
		log: newRequestLog(cfg.RequestLog, cfg.ShowSecrets),
	}
	e.findings.steps = e.stepsOf
	e.findings.secrets = e.givenSecrets
	if e.log != nil {
		e.log.secrets = e.givenSecrets
	}
	for _, o := range oracles {
		e.envs = append(e.envs, oracleEnv{e, o.Name()})
		_, bound := o.(oracle.SpecBound)
		e.specBound = append(e.specBound, bound)
	}
	e.setRoster()
	return e, nil
}

// DefaultOracles are the conformance oracles of the engine, in the order
// they run on each exchange.
func DefaultOracles() []oracle.Oracle {
	return []oracle.Oracle{
		oracle.ServerError{},
		oracle.UndocumentedStatus{},
		oracle.ContentTypeMismatch{},
		oracle.ResponseHeaders{},
		oracle.ResponseSchema{},
		&oracle.UndocumentedProperties{},
		oracle.NegativeDataAccepted{},
		oracle.ValidInputRejected{},
		&oracle.UseAfterDelete{},
	}
}

// Targets are the operations a run on the surface exercises.
func (e *Engine) Targets(s *surface.Surface) []*plan.Target {
	return generate.Targets(s, func(op *surface.Operation) bool {
		if !e.cfg.Safe {
			return true
		}
		switch op.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return true
		}
		return false
	})
}

// Plan returns the request budget per phase and per operation without
// sending anything (--dry-run).
func (e *Engine) Plan(s *surface.Surface) (perPhase map[plan.Phase]int, perOp map[string]int, targets []*plan.Target) {
	targets = e.Targets(s)
	perPhase, perOp = e.gen.Budget(targets)
	return perPhase, perOp, targets
}

// Run fuzzes the surface's operations. On a cancelled context, an expired
// duration, an exhausted budget or an open circuit breaker it stops and
// returns what it found so far, the stop reason in the summary. It returns
// ErrNoAnswer (with the partial result) when no request got an answer.
func (e *Engine) Run(ctx context.Context, s *surface.Surface) (*Result, error) {
	start := time.Now()
	e.started = start
	targets := e.Targets(s)
	e.postmanSecrets.Store(postmanSecrets(s))
	e.noteUnfollowedSets(targets)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if e.cfg.Duration > 0 {
		var cancelT context.CancelFunc
		runCtx, cancelT = context.WithTimeout(runCtx, e.cfg.Duration)
		defer cancelT()
	}
	defer e.exec.CloseIdle()
	if e.cfg.Canary != nil {
		l, err := canary.Start(*e.cfg.Canary)
		if err != nil {
			return nil, fmt.Errorf("fuzz: the canary listener: %w", err)
		}
		e.canary = l
		defer l.Close()
	}
	var stopReason atomic.Value
	stop := func(reason string) {
		stopReason.CompareAndSwap(nil, reason)
		cancel()
	}
	for _, t := range targets {
		e.stats.target(t)
	}
	for _, o := range e.oracles {
		if p, ok := o.(oracle.Preparer); ok {
			p.Prepare(runCtx, targets, e.envFor(o))
		}
	}
	stopProgress := e.startProgress(start)

	e.learnDeclared(runCtx)
	if err := e.measureUnrouted(runCtx, plan.NoCredentials); err != nil {
		stop(e.stopReasonFor(ctx, runCtx, err))
	}
	if e.cfg.Accounts && !e.cfg.Safe && e.phaseOn(plan.PhaseAccounts) {
		if err := e.provision(runCtx, targets); err != nil {
			stop(e.stopReasonFor(ctx, runCtx, err))
		}
	}
	if e.Roster().Default != "" && runCtx.Err() == nil {
		if err := e.measureUnrouted(runCtx, ""); err != nil {
			stop(e.stopReasonFor(ctx, runCtx, err))
		}
	}
	if e.cfg.OlderVersions && e.phaseOn(plan.PhaseExamples) && runCtx.Err() == nil {
		targets = append(targets, e.addOlderVersions(runCtx, targets)...)
	}
	r := e.Roster()
	names := []string{r.Default}
	if r.Peer != "" {
		names = append(names, r.Peer)
	}
	for _, st := range e.gen.Stages(targets, names) {
		if runCtx.Err() != nil {
			break
		}
		e.runStage(runCtx, st, stop)
	}
	if runCtx.Err() != nil && stopReason.Load() == nil {
		stop(e.stopReasonFor(ctx, runCtx, runCtx.Err()))
	}
	// Finishers may still send (a confirmation), unless the user stopped
	// the run: give them the parent context with what budget remains.
	finishCtx := ctx
	var unfinished []string
	stoppedEarly := stopReason.Load() != nil
	for _, o := range e.oracles {
		f, ok := o.(oracle.Finisher)
		_, explores := o.(oracle.Explorer)
		switch {
		case !ok:
		case finishCtx.Err() != nil, explores && stoppedEarly:
			unfinished = append(unfinished, o.Name())
		default:
			f.Finish(finishCtx, e.envFor(o))
		}
	}
	if len(unfinished) > 0 {
		e.notes.add("", "the run was stopped before these checks sent their probes: "+strings.Join(unfinished, ", "))
	}
	stopProgress()

	reason, _ := stopReason.Load().(string)
	if reason == "" {
		reason = StopCompleted
	}
	res := &Result{
		Findings: e.findings.list(),
		Summary:  e.summary(targets, reason, time.Since(start)),
	}
	if e.stats.answered.Load() == 0 && e.stats.failed.Load() > 0 {
		return res, fmt.Errorf("%w at %s: %v", ErrNoAnswer, e.cfg.Executor.Target.Redacted(), e.stats.firstError())
	}
	return res, nil
}

// runStage sends one stage's cases with the run's workers and returns when
// every case is answered: the next stage may need what this one created.
func (e *Engine) runStage(ctx context.Context, st generate.Stage, stop func(string)) {
	// Workers pull the next case under a lock: no generator goroutine
	// and no channel hand-off per case.
	next, stopCases := iter.Pull(st.Cases)
	defer stopCases()
	var pullMu sync.Mutex
	pull := func() (*plan.Case, bool) {
		pullMu.Lock()
		defer pullMu.Unlock()
		if ctx.Err() != nil {
			return nil, false
		}
		return next()
	}
	workers := max(1, e.cfg.Executor.Concurrency)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, ok := pull()
				if !ok {
					return
				}
				if _, err := e.handle(ctx, c); err != nil {
					stop(e.stopReasonFor(context.Background(), ctx, err))
				}
			}
		}()
	}
	wg.Wait()
}

func (e *Engine) phaseOn(p plan.Phase) bool {
	if len(e.cfg.Generate.Phases) == 0 {
		return true
	}
	for _, q := range e.cfg.Generate.Phases {
		if q == p {
			return true
		}
	}
	return false
}

// stopReasonFor names why the run stopped.
func (e *Engine) stopReasonFor(parent, runCtx context.Context, err error) string {
	switch {
	case errors.Is(err, execute.ErrBudgetExhausted):
		return StopBudget
	case errors.Is(err, execute.ErrCircuitOpen):
		return StopBreaker
	case parent.Err() != nil:
		return StopInterrupted
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(runCtx.Err(), context.DeadlineExceeded):
		return StopDuration
	case errors.Is(err, context.Canceled):
		return StopInterrupted
	}
	return "error: " + err.Error()
}

// handle sends one case and shows the exchange to every oracle, unless
// the safety policy refuses it (the skip is counted with its class).
func (e *Engine) handle(ctx context.Context, c *plan.Case) (*execute.Exchange, error) {
	if c.Identity == "" {
		if esc := e.Roster().Escalated; esc != "" {
			if _, denied := e.denied.Load(c.Target); denied {
				c.Identity = esc
			}
		}
	}
	who := e.resolve(c.Identity)
	e.refreshDeleted(c, who)
	if d := e.policy.Decide(c, who); !d.Allowed {
		e.stats.skip(c.Target, "skipped: "+d.Class+" (--allow-destructive lifts this)", d.Class)
		return nil, nil
	}
	// One request serves the check against the spec and the executor.
	req, err := c.Request(e.exec.Target())
	if err != nil {
		return nil, err
	}
	validity, violation := requestValidity(ctx, c, req, e.validation)
	x, err := e.exec.DoRequest(ctx, c, req)
	e.log.record(x, who, false)
	if x != nil {
		e.stats.record(x, validity)
		obs := &oracle.Observation{Exchange: x, Validity: validity, Violation: violation, Unrouted: e.Unrouted(x)}
		e.learn(obs, who)
		if (x.Status == 401 || x.Status == 403) && (c.Identity == "" || who == e.Roster().Default) {
			e.denied.Store(c.Target, true)
		}
		for i, o := range e.oracles {
			if e.specBound[i] && c.Target.OlderVersionOf != nil {
				continue
			}
			o.Check(ctx, obs, e.envs[i])
		}
	}
	return x, err
}

// learn records what an exchange teaches the run's state.
func (e *Engine) learn(obs *oracle.Observation, who string) {
	x := obs.Exchange
	if x.Status < 200 || x.Status > 299 {
		return
	}
	var answer any
	if len(x.Body) > 0 && isJSONAnswer(x.Header.Get("Content-Type"), x.Body) {
		answer, _ = obs.JSON()
	}
	e.state.Learn(x, who, answer)
}

func isJSONAnswer(ct string, body []byte) bool {
	if strings.Contains(strings.ToLower(ct), "json") {
		return true
	}
	for _, b := range body {
		switch b {
		case ' ', '\t', '\n', '\r':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}

// refreshDeleted replaces, in a write, a path parameter naming an object
// the run has since deleted with another live object of the identity.
func (e *Engine) refreshDeleted(c *plan.Case, who string) {
	if safety.Read(c.Method) || c.RecordedURL != "" || c.Varied != "" {
		return
	}
	for i := range c.PathParams {
		p := &c.PathParams[i]
		col, ok := learn.ParamCollection(c.Target.Op.Path, p.Name)
		if !ok {
			continue
		}
		if _, live := e.state.ObjectFor(col, p.Name, p.Value); live || !e.state.WasCreated(col, p.Name, p.Value) {
			continue
		}
		for _, o := range e.state.Objects(col, who) {
			if v, ok := o.KeyFor(p.Name); ok {
				p.Value = v
				c.Steps = append(c.Steps, o.Step)
				break
			}
		}
	}
}

// resolve is the name of the identity a case is sent as.
func (e *Engine) resolve(identity string) string { return e.Roster().Resolve(identity) }

// Report implements oracle.Env.
func (e *Engine) Report(v oracle.Verdict) {
	for _, m := range v.Mask {
		e.addRunSecret(m)
	}
	if e.findings.add(v) {
		e.firstFinding.CompareAndSwap(0, int64(time.Since(e.started)))
	}
}

// oracleEnv is the Env one oracle sees: its probes are counted under its
// name (the summary's requests per oracle).
type oracleEnv struct {
	*Engine
	name string
}

// Send implements oracle.Env.
func (o oracleEnv) Send(ctx context.Context, c *plan.Case) (*execute.Exchange, error) {
	x, err := o.Engine.Send(ctx, c)
	if x != nil && x.Status != 0 || x != nil && x.Err != nil && !errors.Is(x.Err, ErrRefused) {
		o.stats.probe(o.name)
	}
	return x, err
}

// envFor is the Env of an oracle of the engine's list.
func (e *Engine) envFor(o oracle.Oracle) oracle.Env {
	for i, have := range e.oracles {
		if have == o {
			return e.envs[i]
		}
	}
	return oracleEnv{e, o.Name()}
}

// Send implements oracle.Env: extra requests go through the executor.
func (e *Engine) Send(ctx context.Context, c *plan.Case) (*execute.Exchange, error) {
	if c.Target == nil {
		return nil, errors.New("fuzz: an oracle sent a case without a target")
	}
	who := e.resolve(c.Identity)
	if d := e.policy.Decide(c, who); !d.Allowed {
		e.stats.skipProbe(d.Class)
		return &execute.Exchange{Case: c, Err: fmt.Errorf("%w: %s", ErrRefused, d.Class)}, nil
	}
	x, err := e.exec.Do(ctx, c)
	e.log.record(x, who, true)
	if x != nil {
		e.stats.extra.Add(1)
		e.stats.resent.Add(int64(len(x.Earlier)))
		e.learn(&oracle.Observation{Exchange: x}, who)
	}
	return x, err
}

// ErrRefused is the error of an oracle probe the safety policy did not
// send: its exchange has no answer.
var ErrRefused = errors.New("not sent by the safety policy")

// Roster implements oracle.Env.
func (e *Engine) Roster() oracle.Roster {
	e.rosterMu.RLock()
	defer e.rosterMu.RUnlock()
	r := e.roster
	r.Names = append([]string(nil), r.Names...)
	r.Provisioned = append([]string(nil), r.Provisioned...)
	return r
}

// Canary implements oracle.Env.
func (e *Engine) Canary() *canary.Listener { return e.canary }

// Example implements oracle.Env.
func (e *Engine) Example(t *plan.Target) (*plan.Case, bool) { return e.gen.Example(t) }

// State implements oracle.Env.
func (e *Engine) State() *learn.State { return e.state }

// Note implements oracle.Env.
func (e *Engine) Note(rule, text string) { e.notes.add(rule, text) }

// Seed implements oracle.Env.
func (e *Engine) Seed() int64 { return e.cfg.Generate.Seed }

// noteUnfollowedSets says which test-script sets of the recorded
// requests the replay cannot follow (a value the script computes): the
// requests that use them get the collection's own value.
func (e *Engine) noteUnfollowedSets(targets []*plan.Target) {
	var names []string
	for _, t := range targets {
		if t.Op.Request == nil {
			continue
		}
		for _, set := range t.Op.Request.Sets {
			if set.Source == "" {
				names = append(names, fmt.Sprintf("%s (%s:%d)", set.Name, set.Location.File, set.Location.Line))
			}
		}
	}
	if len(names) > 0 {
		sort.Strings(names)
		what := fmt.Sprintf("%d variable sets of test scripts compute their values", len(names))
		if len(names) == 1 {
			what = "1 variable set of a test script computes its value"
		}
		e.notes.add("", "postman: "+what+" is not followed (the collection's own value is sent): "+strings.Join(names, ", "))
	}
}

// noteSet collects distinct notes in the order they came.
type noteSet struct {
	mu    sync.Mutex
	seen  map[string]bool
	notes []string
}

func (n *noteSet) add(rule, text string) {
	line := text
	if rule != "" {
		line = rule + ": " + text
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seen == nil {
		n.seen = map[string]bool{}
	}
	if !n.seen[line] {
		n.seen[line] = true
		n.notes = append(n.notes, line)
	}
}

func (n *noteSet) list() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := append([]string(nil), n.notes...)
	sort.Strings(out)
	return out
}
