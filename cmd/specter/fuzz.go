package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/fuzz/canary"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/generate"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
)

// fuzzFlags are the flags of `specter fuzz` and of `specter scan --target`.
type fuzzFlags struct {
	specs            []string
	target           string
	seed             int64
	rate             float64
	concurrency      int
	maxRequests      int64
	duration         time.Duration
	timeout          time.Duration
	allowHosts       []string
	insecure         bool
	safe             bool
	allowDestructive bool
	dryRun           bool
	phases           []string
	randomCases      int
	maxPerPhase      int
	maxBodyBytes     int64
	headers          []string
	requestLog       string
	canaryListen     string
	canaryURL        string
	noCanary         bool
	seedSet          bool
	canaryListenSet  bool // --canary-listen was given
	security         securityFlags
}

func addFuzzFlags(fl *pflag.FlagSet, f *fuzzFlags, withSpec bool) {
	if withSpec {
		fl.StringArrayVar(&f.specs, "spec", nil, "OpenAPI document or Postman collection to fuzz from (repeatable)")
	}
	fl.StringVar(&f.target, "target", "", "base URL of the staging deployment to send requests to")
	fl.Int64Var(&f.seed, "seed", 0, "seed of the generated requests (default: random, printed in the report)")
	fl.Float64Var(&f.rate, "rate", fuzz.DefaultRate, "most requests per second (0: unlimited)")
	fl.IntVar(&f.concurrency, "concurrency", fuzz.DefaultConcurrency, "requests in flight at once")
	fl.Int64Var(&f.maxRequests, "max-requests", 0, "stop after this many requests, oracle probes and retries included (0: the whole plan)")
	fl.DurationVar(&f.duration, "duration", 0, "stop after this long and report what was found (0: no limit)")
	fl.DurationVar(&f.timeout, "timeout", execute.DefaultTimeout, "per-request timeout, body included")
	fl.StringArrayVar(&f.allowHosts, "allow-host", nil, "allow a target host outside loopback and private ranges (repeatable)")
	fl.BoolVar(&f.insecure, "insecure", false, "do not verify the target's TLS certificate")
	fl.BoolVar(&f.safe, "safe", false, "send only GET, HEAD and OPTIONS requests")
	fl.BoolVar(&f.allowDestructive, "allow-destructive", false, "let DELETE/PUT/PATCH touch objects this run did not create")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the plan (operations, requests per phase) and send nothing")
	fl.StringSliceVar(&f.phases, "phases", nil, "phases to run, comma-separated (default all: "+phaseNames()+")")
	fl.IntVar(&f.randomCases, "random-cases", generate.DefaultRandomCases, "random valid requests per operation")
	fl.IntVar(&f.maxPerPhase, "max-per-phase", generate.DefaultMaxPerPhase, "most boundary, negative and injection requests per operation and phase")
	fl.Int64Var(&f.maxBodyBytes, "max-response-bytes", execute.DefaultMaxBodyBytes, "read at most this much of each response body")
	fl.StringArrayVar(&f.headers, "header", nil, "extra header 'Name: value' on every request (repeatable)")
	fl.StringVar(&f.requestLog, "request-log", "", "write every request sent and its answer to FILE, one JSON line each (credentials redacted)")
	fl.StringVar(&f.canaryListen, "canary-listen", "127.0.0.1:0", "address of the canary listener the SSRF and JWT key-URL checks hand out URLs on")
	fl.StringVar(&f.canaryURL, "canary-url", "", "base URL the target reaches the canary listener at, when it is not the listen address (a container, another host)")
	fl.BoolVar(&f.noCanary, "no-canary", false, "run without a canary listener (no SSRF or JWT key-URL checks)")
	addSecurityFlags(fl, &f.security)
}

func phaseNames() string {
	var names []string
	for _, p := range plan.Phases() {
		names = append(names, p.String())
	}
	return strings.Join(names, ",")
}

// fuzzConfig turns the flags into the engine's configuration, checking the
// target against the host policy before anything is sent. closeLog closes
// the --request-log file (a no-op without one).
func fuzzConfig(ctx context.Context, st streams, f *fuzzFlags, catalog *rules.Catalog, detector sensitive.CredentialDetector, showSecrets bool) (cfg fuzz.Config, closeLog func(), err error) {
	closeLog = func() {}
	cfg, err = buildFuzzConfig(ctx, st, f, catalog, detector, showSecrets)
	if err != nil || f.requestLog == "" || f.dryRun {
		return cfg, closeLog, err
	}
	file, err := os.Create(f.requestLog)
	if err != nil {
		return cfg, closeLog, &exitError{code: exitInputError, err: fmt.Errorf("--request-log: %w", err)}
	}
	cfg.RequestLog = file
	return cfg, func() { file.Close() }, nil
}

func buildFuzzConfig(ctx context.Context, st streams, f *fuzzFlags, catalog *rules.Catalog, detector sensitive.CredentialDetector, showSecrets bool) (fuzz.Config, error) {
	var cfg fuzz.Config
	if f.target == "" {
		return cfg, usageError("--target is required: the base URL of the staging deployment")
	}
	target, err := url.Parse(f.target)
	if err != nil || target.Host == "" {
		return cfg, usageError("--target %q is not an absolute http(s) URL", f.target)
	}
	hosts := execute.HostPolicy{Allowed: f.allowHosts}
	if err := hosts.Check(ctx, target); err != nil {
		return cfg, usageError("%v", err)
	}
	if f.concurrency < 1 || f.rate < 0 || f.maxRequests < 0 || f.duration < 0 || f.timeout <= 0 {
		return cfg, usageError("--concurrency must be at least 1; --rate, --max-requests and --duration not negative; --timeout positive")
	}
	var phases []plan.Phase
	for _, name := range f.phases {
		p, err := plan.ParsePhase(name)
		if err != nil {
			return cfg, usageError("--phases: %v", err)
		}
		phases = append(phases, p)
	}
	headers := http.Header{}
	for _, h := range f.headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return cfg, usageError("--header %q: want 'Name: value'", h)
		}
		headers.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	if err := checkCanaryFlags(f); err != nil {
		return cfg, err
	}
	for _, o := range f.security.corsOrigins {
		if !isOrigin(o) {
			return cfg, usageError("--cors-origin %q: want an origin, scheme://host[:port] (https://app.example.com)", o)
		}
	}
	if !f.seedSet {
		f.seed = time.Now().UnixNano() & 0x7fffffff
	}
	cfg = fuzz.Config{
		Executor: execute.Config{
			Target: target, Rate: f.rate, Concurrency: f.concurrency, MaxRequests: f.maxRequests,
			Timeout: f.timeout, MaxBodyBytes: f.maxBodyBytes, Insecure: f.insecure, Hosts: hosts,
			Breaker: execute.DefaultBreaker, Headers: headers,
		},
		Generate: generate.Options{
			Seed: f.seed, Phases: phases, RandomCases: f.randomCases, MaxPerPhase: f.maxPerPhase,
			AllowDestructive: f.allowDestructive,
		},
		Catalog:     catalog,
		Duration:    f.duration,
		Canary:      canaryConfig(f),
		Safe:        f.safe,
		ShowSecrets: showSecrets,
	}
	if err := applySecurity(ctx, st, &cfg, &f.security, detector, f.safe); err != nil {
		return cfg, err
	}
	cfg.Notes = accountNotes(f)
	return cfg, nil
}

// canaryConfig is the canary listener of the flags, nil with --no-canary.
func canaryConfig(f *fuzzFlags) *canary.Config {
	if f.noCanary {
		return nil
	}
	return &canary.Config{Listen: f.canaryListen, PublicURL: f.canaryURL}
}

// checkCanaryFlags rejects --canary-listen and --canary-url given with
// --no-canary, and binds the listener they describe once: a bad address
// or URL is a usage error before anything is sent, not a run that fails
// after its report.
func checkCanaryFlags(f *fuzzFlags) error {
	if f.noCanary {
		if f.canaryListenSet || f.canaryURL != "" {
			return usageError("--no-canary runs without a canary listener: drop --canary-listen and --canary-url, or --no-canary")
		}
		return nil
	}
	l, err := canary.Start(*canaryConfig(f))
	if err != nil {
		return usageError("the canary listener (--canary-listen, --canary-url): %v", err)
	}
	return l.Close()
}

// isOrigin reports whether s is a web origin: http(s)://host[:port], a
// trailing slash allowed.
func isOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil &&
		(u.Path == "" || u.Path == "/") && u.RawQuery == "" && !u.ForceQuery && u.Fragment == ""
}

// printPlan writes the --dry-run plan: operations and requests per phase.
func printPlan(ctx context.Context, w io.Writer, cfg fuzz.Config, s *surface.Surface) error {
	e, err := fuzz.New(ctx, cfg)
	if err != nil {
		return err
	}
	perPhase, perOp, targets := e.Plan(s)
	total := 0
	for _, n := range perPhase {
		total += n
	}
	fmt.Fprintf(w, "fuzz plan: %d operation(s), %d request(s) before oracle probes; target %s, seed %d (nothing sent)\n\n",
		len(targets), total, cfg.Executor.Target.Redacted(), cfg.Generate.Seed)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PHASE\tREQUESTS")
	for _, p := range plan.Phases() {
		fmt.Fprintf(tw, "%s\t%d\n", p, perPhase[p])
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "OPERATION\tREQUESTS\tSPEC")
	for _, t := range targets {
		fmt.Fprintf(tw, "%s\t%d\t%s:%d\n", t.Key(), perOp[t.Key()], t.Op.Location.File, t.Op.Location.Line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if cfg.Executor.Rate > 0 {
		fmt.Fprintf(w, "\nat --rate %.0f/s the plan takes about %s\n", cfg.Executor.Rate, (time.Duration(float64(total)/cfg.Executor.Rate*1e9) * time.Nanosecond).Round(time.Second))
	}
	return nil
}

// fuzzRunError classifies a fuzz scanner error: a target that never
// answered is an input error (exit 2) reported after the partial report.
func fuzzRunError(err error) error {
	if errors.Is(err, fuzz.ErrNoAnswer) {
		return &exitError{code: exitInputError, err: err}
	}
	return err
}

// accountNotes says why the run signs up no accounts of its own, when it
// does not.
func accountNotes(f *fuzzFlags) []string {
	switch {
	case f.security.noAccounts:
		return []string{"accounts: none signed up (--no-accounts)"}
	case f.safe:
		return []string{"accounts: none signed up (--safe sends no sign-up)"}
	}
	return nil
}
