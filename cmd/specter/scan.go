package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/specterhq/specter/catalog"
	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/engine"
	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/internal/cienv"
	"github.com/specterhq/specter/internal/progress"
	"github.com/specterhq/specter/policy"
	"github.com/specterhq/specter/reporters"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/scanners/secrets"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/discover"
	"github.com/specterhq/specter/surface/ingest"
)

// scanKind says which scanners a command runs.
type scanKind string

const (
	scanAll       scanKind = "scan"
	scanSecrets   scanKind = "secrets"
	scanInventory scanKind = "inventory"
	scanFuzz      scanKind = "fuzz"
)

// scanFlags are the flags scan and secrets share.
type scanFlags struct {
	format          string
	output          string
	failOn          string
	config          string
	baseline        string
	writeBaseline   string
	noColor         bool
	quiet           bool
	details         bool
	reports         []string
	progress        string
	exclude         []string
	showSecrets     bool
	allowRemoteRefs bool
	maxFileBytes    int64
	newFromRev      string
	traffic         trafficFlags
	// fuzz holds the fuzzer's flags (fuzz, and scan --target).
	fuzz fuzzFlags
}

func newScanCommand(st streams, kind scanKind) *cobra.Command {
	f := &scanFlags{}
	cmd := &cobra.Command{
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.fuzz.seedSet = cmd.Flags().Changed("seed")
			f.fuzz.canaryListenSet = cmd.Flags().Changed("canary-listen")
			if kind == scanFuzz {
				if len(f.fuzz.specs) == 0 {
					return usageError("--spec is required: the OpenAPI document or Postman collection to fuzz from")
				}
				args = f.fuzz.specs
			}
			if len(args) == 0 {
				args = []string{"."}
			}
			return runScan(cmd.Context(), st, kind, f, args, cmd.Flags().Changed("fail-on"))
		},
	}
	describeScanCommand(cmd, kind)
	addReportFlags(cmd, f, kind)
	fl := cmd.Flags()
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip paths matching GLOB (repeatable; ** matches any depth)")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "print secrets in full (local use only; never in CI)")
	if kind == scanAll {
		addTrafficFlags(cmd, &f.traffic, false)
	}
	return cmd
}

// describeScanCommand sets a scanning command's name, help and examples.
func describeScanCommand(cmd *cobra.Command, kind scanKind) {
	switch kind {
	case scanAll:
		cmd.Use = "scan [PATH...]"
		cmd.Short = "Run every static scanner over the specs and collections under PATHs"
		cmd.Long = `Scan finds OpenAPI documents (by a top-level openapi or swagger key) and
Postman collections and environments (by their schema) under each PATH
(default: the current directory), loads them into one model of the API
surface, and runs every static scanner over them. Secrets are searched in
every text file found, not only in specs. With --target URL the fuzzer
also runs against that staging deployment (see specter fuzz --help).`
		cmd.Example = `  specter scan                               # everything under .
  specter scan api/openapi.yaml -f sarif -o specter.sarif
  specter scan . -f sarif -o specter.sarif --report html=specter.html
  specter scan . --fail-on critical --baseline .specter-baseline.json
  specter scan . --write-baseline .specter-baseline.json
  specter scan api/ --target http://127.0.0.1:8080 --duration 2m`
	case scanSecrets:
		cmd.Use = "secrets [PATH...]"
		cmd.Short = "Run only the secret scanner over every file under PATHs"
		cmd.Long = `Secrets runs gitleaks' default rules over every text file under each PATH
and, in OpenAPI documents, Postman collections and environments, the
structure-aware checks: credentials in auth blocks, headers, query
parameters, variables, examples and URLs. Placeholders are ignored and
secrets are redacted in every output unless --show-secrets is given.`
		cmd.Example = `  specter secrets
  specter secrets collections/ -f json -o secrets.json
  specter secrets . --exclude 'testdata/**'`
	case scanLint:
		describeLint(cmd)
	case scanFuzz:
		cmd.Use = "fuzz --spec SPEC --target URL"
		cmd.Args = cobra.NoArgs
		cmd.Short = "Send schema-driven requests to a staging deployment and report what the answers reveal"
		cmd.Long = `Fuzz reads an OpenAPI document or a Postman collection (its requests are
the seeds) and sends requests to --target phase by phase: sign-up and login
of accounts of its own where the spec has a sign-up operation, recorded
Postman flows in order, spec examples, create-read-update-delete chains,
boundary, random, negative and injection values. Values learned from the
answers (ids, usernames, OpenAPI links, Postman variables) feed later
requests.

The conformance oracles report server errors, undocumented statuses and
content types, answers that do not match their schema, undocumented
properties, invalid input accepted and valid input rejected. The security
oracles report broken object and function level authorization on every
method, privilege escalation and mass assignment read back, SSRF to a
canary, injections, token tampering and weak JWT keys, unlimited logins
and one-time codes, user enumeration, ReDoS, CORS bypasses and leaks.

Safe by default: it creates objects, changes only what the run created,
the accounts it signed up and the --identity test accounts (no credential
changes on those), and deletes only what the run created (--safe: reads
only; --allow-destructive: everything). Only loopback and private addresses are fuzzed unless
--allow-host names the host; redirects are not followed; TLS is verified
unless --insecure. The seed is printed in every report: --seed N
regenerates the same requests. Every finding has a curl reproducer (the
whole chain for stateful ones). Ctrl-C or --duration writes the partial
report. See docs/fuzz.md and docs/fuzz-security.md.`
		cmd.Example = `  specter fuzz --spec api/openapi.yaml --target http://127.0.0.1:8080
  specter fuzz --spec http://127.0.0.1:8000/openapi.json --target http://127.0.0.1:8000 --request-log requests.jsonl
  specter fuzz --spec api/openapi.yaml --target http://127.0.0.1:8080 --identity alice='Authorization: Bearer $ALICE' --identity bob='Authorization: Bearer $BOB'
  specter fuzz --spec api/openapi.yaml --target http://staging.internal:8080 --dry-run
  specter fuzz --spec collection.json --target http://10.0.0.5 --safe --duration 2m -f sarif -o fuzz.sarif`
	}
}

// addReportFlags registers the flags every scanning command shares:
// report format and destination, gate, config, baseline, output styling,
// and for commands that load specs, --write-baseline and
// --allow-remote-refs.
func addReportFlags(cmd *cobra.Command, f *scanFlags, kind scanKind) {
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "report format: "+strings.Join(reporters.Formats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to FILE instead of stdout")
	fl.StringArrayVar(&f.reports, "report", nil, "also write a report in FORMAT to FILE, from the same run (repeatable; e.g. --report html=specter.html)")
	fl.StringVar(&f.failOn, "fail-on", "high", "lowest severity that fails the gate: critical, high, medium, low, info or none")
	fl.StringVar(&f.config, "config", "", "config file (default .specter.yaml in the working directory when present)")
	fl.StringVar(&f.baseline, "baseline", "", "drop findings whose fingerprints this baseline file lists")
	fl.BoolVar(&f.noColor, "no-color", false, "never colour the text report (NO_COLOR is honoured too)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the summary and errors")
	fl.StringVar(&f.progress, "progress", "auto", "show progress on stderr: auto (on a terminal, not in CI), always (also in logs, a line every 5s) or never")
	fl.BoolVar(&f.details, "details", false, "list every finding in the text report; without it, results longer than a screen list high and critical findings and group the rest by rule")
	fl.Int64Var(&f.maxFileBytes, "max-file-size", discover.DefaultMaxFileBytes, "skip files larger than this many bytes")
	fl.StringVar(&f.newFromRev, "new-from-rev", "", "report only findings that are not at git revision REF (\"auto\": the pull or merge request's base in GitHub Actions and GitLab CI)")
	if kind == scanAll || kind == scanFuzz {
		addFuzzFlags(fl, &f.fuzz, kind == scanFuzz)
	}
	if kind != scanSecrets {
		fl.StringVar(&f.writeBaseline, "write-baseline", "", "write the fingerprints of the reported findings to FILE")
		fl.BoolVar(&f.allowRemoteRefs, "allow-remote-refs", false, "let $refs name URLs and files outside the spec's folder")
	}
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(reporters.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("progress", cobra.FixedCompletions([]string{"auto", "always", "never"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"critical", "high", "medium", "low", "info", "none"}, cobra.ShellCompDirectiveNoFileComp))
}

// splitRemote separates the --spec values of the fuzzer that are URLs
// (the target's own description) from local paths.
func splitRemote(paths []string, kind scanKind) (local, remote []string) {
	for _, p := range paths {
		if kind == scanFuzz && (strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://")) {
			remote = append(remote, p)
			continue
		}
		local = append(local, p)
	}
	return local, remote
}

// fetchRemoteSpecs GETs each --spec URL under the fuzzer's host policy;
// reports name each document by its URL.
func fetchRemoteSpecs(ctx context.Context, urls []string, f *scanFlags, plan *engine.Plan) error {
	policy := execute.HostPolicy{Allowed: f.fuzz.allowHosts}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return usageError("--spec %q is not an absolute URL", raw)
		}
		body, _, err := policy.Fetch(ctx, u, f.maxFileBytes, f.fuzz.timeout, f.fuzz.insecure)
		if err != nil {
			return &exitError{code: exitInputError, err: fmt.Errorf("--spec: %w", err)}
		}
		plan.Fetched = append(plan.Fetched, &surface.File{Path: u.Redacted(), Data: body})
		if plan.FetchedNamed == nil {
			plan.FetchedNamed = map[string][]string{}
		}
		plan.FetchedNamed[raw] = []string{u.Redacted()}
	}
	return nil
}

// scanRun is one run of a scanning command: what it read up front (the
// catalog, the config, the gate, the baseline) and what it built once (the
// reporter, the secret detector, the static scanners).
type scanRun struct {
	st       streams
	kind     scanKind
	f        *scanFlags
	started  time.Time
	catalog  *rules.Catalog
	reporter reporters.Reporter
	cfg      *config.Config
	gate     policy.Gate
	baseline *policy.Baseline // --baseline
	detector *engine.Secrets
	static   []scanners.Scanner
	excludes []string
	progress *progress.Line // nil without progress
	extra    []extraReport  // --report
}

// runScan runs a scanning command: read the config and baselines, map the
// flags to a plan, run it, write the report and decide the exit code.
func runScan(ctx context.Context, st streams, kind scanKind, f *scanFlags, paths []string, failOnSet bool) error {
	r, err := prepareRun(st, kind, f, failOnSet)
	if err != nil {
		return err
	}
	plan, closeLog, err := r.plan(ctx, paths)
	if err != nil {
		return err
	}
	defer closeLog()
	res, err := engine.Run(ctx, plan)
	r.progress.Close()
	var ie *engine.InputError
	var re *engine.RevisionError
	switch {
	case errors.As(err, &re):
		return &exitError{code: exitInputError, err: fmt.Errorf("--new-from-rev: %w", re.Err)}
	case errors.As(err, &ie):
		return &exitError{code: exitInputError, err: err}
	case err != nil:
		return err
	}
	if plan.DryRun {
		return r.dryRun(ctx, *plan.Fuzz, res.Surface, res.Problems)
	}
	return r.finish(ctx, res)
}

// prepareRun reads and checks everything a run needs before it touches
// the inputs; every error here is a usage or input error.
func prepareRun(st streams, kind scanKind, f *scanFlags, failOnSet bool) (*scanRun, error) {
	r := &scanRun{st: st, kind: kind, f: f, started: time.Now()}
	var err error
	if r.catalog, err = catalog.Builtin(); err != nil {
		return nil, fmt.Errorf("building the rule catalog: %w", err)
	}
	if r.reporter, err = reporters.New(f.format, reporters.Options{Color: useColor(st, f), Quiet: f.quiet, Details: f.details, MaxListed: maxListed(st, f)}); err != nil {
		return nil, usageError("%v", err)
	}
	if r.extra, err = parseExtraReports(f.reports, f); err != nil {
		return nil, err
	}
	if r.cfg, err = loadConfig(f.config, ".", r.catalog); err != nil {
		return nil, &exitError{code: exitInputError, err: err}
	}
	if r.progress, err = startProgress(&r.st, f); err != nil {
		return nil, err
	}
	if r.gate, err = policy.ResolveGate(r.cfg, f.failOn, failOnSet); err != nil {
		return nil, usageError("--fail-on: %v", err)
	}
	if f.baseline != "" {
		if r.baseline, err = policy.ReadBaseline(f.baseline); err != nil {
			return nil, &exitError{code: exitInputError, err: err}
		}
	}
	// The static scanners are built once per run and serve the current
	// files, the files at --new-from-rev and the inventory.
	r.detector = engine.NewSecrets(secrets.Options{ShowSecrets: f.showSecrets})
	if r.static, err = engine.StaticScanners(selectionFor(kind), r.cfg, r.detector); err != nil {
		return nil, fmt.Errorf("starting the scanners: %w", err)
	}
	r.excludes = append(append([]string(nil), r.cfg.Exclude...), f.exclude...)
	for _, g := range f.exclude {
		if err := config.ValidatePathGlob(g); err != nil {
			return nil, usageError("--exclude %q: %v", g, err)
		}
	}
	return r, nil
}

// selectionFor names the static scanners of a command.
func selectionFor(kind scanKind) engine.Selection {
	return engine.Selection{Secrets: kind == scanAll || kind == scanSecrets, Lint: kind == scanAll || kind == scanLint}
}

// plan maps the command's flags to the engine's plan: the paths (remote
// specs fetched), the revision to compare with, the fuzzer's and the
// inventory's inputs. The returned func closes the fuzzer's request log.
func (r *scanRun) plan(ctx context.Context, paths []string) (engine.Plan, func(), error) {
	plan := engine.Plan{
		MaxFileBytes: r.f.maxFileBytes,
		Excludes:     r.excludes,
		Ingest:       ingestOptions(r.kind, r.f),
		CheckNamed:   r.kind != scanSecrets,
		Static:       r.static,
		Secrets:      r.detector,
		Config:       r.cfg,
		Baseline:     r.baseline,
		Gate:         r.gate,
		DryRun:       r.f.fuzz.dryRun,
		EchoNotes:    r.f.format != "text" || r.f.output != "",
		Log:          r.logf,
		Problem:      func(p ingest.Problem) { fmt.Fprintf(r.st.err, "specter: input error: %v\n", p) },
		Progress:     fileProgress(r.progress),
	}
	noop := func() {}
	var err error
	if plan.Revision, err = r.revision(); err != nil {
		return plan, noop, &exitError{code: exitInputError, err: fmt.Errorf("--new-from-rev: %w", err)}
	}
	var remote []string
	plan.Paths, remote = splitRemote(paths, r.kind)
	if err := fetchRemoteSpecs(ctx, remote, r.f, &plan); err != nil {
		return plan, noop, err
	}
	fuzzCfg, closeLog, err := r.fuzzSetup(ctx)
	if err != nil {
		return plan, noop, err
	}
	plan.Fuzz = fuzzCfg
	if r.kind == scanInventory || len(r.f.traffic.files) > 0 {
		if plan.Inventory, err = newInventoryScanner(ctx, r.st, &r.f.traffic, r.cfg.Inventory, r.detector, r.f); err != nil {
			closeLog()
			return plan, noop, err
		}
	}
	return plan, closeLog, nil
}

// revision resolves --new-from-rev: "auto" becomes the pull or merge
// request's base, or "" outside one.
func (r *scanRun) revision() (string, error) {
	if r.f.newFromRev != "auto" {
		return r.f.newFromRev, nil
	}
	base, ok, err := cienv.BaseRevision(r.st.env)
	if err != nil {
		return "", err
	}
	if !ok {
		r.logf("--new-from-rev auto: not a pull or merge request build; reporting every finding")
		return "", nil
	}
	r.logf("comparing with %s (from %s)", base.Rev, base.Source)
	return base.Rev, nil
}

// logf prints a progress line on stderr unless --quiet.
func (r *scanRun) logf(format string, args ...any) {
	if !r.f.quiet {
		fmt.Fprintf(r.st.err, "specter: "+format+"\n", args...)
	}
}

// fuzzSetup builds the fuzzer's configuration when the run fuzzes (fuzz,
// or scan with --target); nil otherwise. The returned func closes the
// request log.
func (r *scanRun) fuzzSetup(ctx context.Context) (*fuzz.Config, func(), error) {
	if !(r.kind == scanFuzz || (r.kind == scanAll && r.f.fuzz.target != "")) {
		if r.f.fuzz.dryRun {
			return nil, nil, usageError("--dry-run needs --target")
		}
		return nil, func() {}, nil
	}
	r.f.fuzz.security.declared = r.cfg.Identities
	cfg, closeLog, err := fuzzConfig(ctx, r.st, &r.f.fuzz, r.catalog, r.detector, r.f.showSecrets)
	if err != nil {
		return nil, nil, err
	}
	cfg.Progress = fuzzProgress(r.progress)
	return &cfg, closeLog, nil
}

// dryRun prints the fuzz plan instead of sending it.
func (r *scanRun) dryRun(ctx context.Context, cfg fuzz.Config, s *surface.Surface, problems []ingest.Problem) error {
	if err := printPlan(ctx, r.st.out, cfg, s); err != nil {
		return &exitError{code: exitInputError, err: err}
	}
	if len(problems) > 0 {
		return &exitError{code: exitInputError, err: fmt.Errorf("%d input error(s); the plan covers the rest", len(problems))}
	}
	return nil
}

// finish writes the baseline and the report, and returns the exit code's
// error.
func (r *scanRun) finish(ctx context.Context, res *engine.Result) error {
	if line := describeChain(res.Kept); line != "" {
		r.logf("%s", line)
	}
	if r.f.writeBaseline != "" {
		if err := writeBaselineFile(r.f.writeBaseline, res.Kept.Findings); err != nil {
			return &exitError{code: exitInputError, err: err}
		}
		r.logf("wrote baseline %s", r.f.writeBaseline)
	}
	report := r.report(res)
	if r.needsPageData() {
		if err := r.addPageData(ctx, report, res); err != nil {
			return err
		}
	}
	if err := writeReport(r.st, r.f.output, r.reporter, report); err != nil {
		return &exitError{code: exitInputError, err: err}
	}
	if err := r.writeExtraReports(report); err != nil {
		return &exitError{code: exitInputError, err: err}
	}
	if inGitHubActions(r.st) {
		publishToGitHub(r.st, r.f, report)
	}
	if r.f.format != "text" || r.f.output != "" {
		r.logf("%s", summaryLine(report))
	}
	return exitFor(ctx, res)
}

// report assembles what the reporter renders.
func (r *scanRun) report(res *engine.Result) *reporters.Report {
	b := currentBuild()
	report := &reporters.Report{
		Tool:         reporters.Tool{Name: "specter", Version: b.Version, InformationURI: "https://github.com/specterhq/specter"},
		Catalog:      r.catalog,
		Findings:     res.Kept.Findings,
		Gate:         reporters.Gate{Passed: res.Verdict.Passed, FailOn: res.Verdict.FailOn, Reasons: res.Verdict.Reasons},
		Command:      string(r.kind),
		FilesScanned: len(res.Surface.Files),
		Baselined:    res.Kept.Baselined(),
		SourceRoot:   workDir(),
		Started:      r.started,
		Finished:     time.Now(),
		Notes:        res.Notes(),
	}
	for _, st := range res.Kept.Steps {
		if st.Dropped > 0 || st.Changed > 0 {
			report.Policy = append(report.Policy, reporters.PolicyStep{Step: st.Step, Dropped: st.Dropped, Changed: st.Changed})
		}
	}
	if res.Inventory != nil {
		report.Inventory = inventoryReport(*res.Inventory)
		r.logf("%s", describeInventory(*res.Inventory))
	}
	return report
}

// exitFor turns the run's outcome into its exit: the fuzzer's error, an
// interruption, input errors, then the gate.
func exitFor(ctx context.Context, res *engine.Result) error {
	fuzzErr := fuzzRunError(res.FuzzErr)
	var ee *exitError
	switch {
	case errors.As(fuzzErr, &ee):
		return ee
	case fuzzErr != nil:
		return &exitError{code: exitInputError, err: fuzzErr}
	case ctx.Err() != nil:
		return &exitError{code: exitInputError, err: fmt.Errorf("interrupted: %w", ctx.Err())}
	case len(res.Problems) > 0:
		return &exitError{code: exitInputError, err: fmt.Errorf("%d input error(s); the report covers the rest", len(res.Problems))}
	case !res.Verdict.Passed:
		return &exitError{code: exitGateFailed}
	}
	return nil
}

// ingestOptions says how much of each document a command needs: lint reads
// parse trees only, secrets not even the models, the rest kin-openapi's.
func ingestOptions(kind scanKind, f *scanFlags) ingest.Options {
	return ingest.Options{
		Models:           kind != scanSecrets,
		SkipOpenAPIModel: kind == scanLint,
		AllowRemoteRefs:  f.allowRemoteRefs,
		MaxFileBytes:     f.maxFileBytes,
	}
}

// loadConfig reads path (--config), else .specter.yaml in dir when present,
// else the defaults, and checks it against the catalog.
func loadConfig(path, dir string, catalog *rules.Catalog) (*config.Config, error) {
	var cfg *config.Config
	var err error
	if path == "" {
		cfg, err = config.LoadDefaultConfig(dir)
	} else {
		cfg, err = config.LoadConfig(path)
	}
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(catalog); err != nil {
		return nil, err
	}
	return cfg, nil
}

func workDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	return wd
}

func writeReport(st streams, output string, r reporters.Reporter, report *reporters.Report) error {
	if output == "" || output == "-" {
		return r.Render(st.out, report)
	}
	file, err := os.Create(output)
	if err != nil {
		return fmt.Errorf("creating the report file: %w", err)
	}
	if err := r.Render(file, report); err != nil {
		file.Close()
		return fmt.Errorf("writing %s: %w", output, err)
	}
	return file.Close()
}

func writeBaselineFile(path string, findings []rules.Finding) error {
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating the baseline: %w", err)
	}
	if err := policy.WriteBaseline(file, findings, time.Now().UTC()); err != nil {
		file.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return file.Close()
}

// useColor decides whether the text report is styled: only on a terminal,
// never under CI, NO_COLOR or --no-color, and never into a file.
func useColor(st streams, f *scanFlags) bool {
	if f.noColor || f.output != "" || st.env("NO_COLOR") != "" || st.env("CI") != "" || st.env("TERM") == "dumb" {
		return false
	}
	return isTerminal(st.out)
}

func isTerminal(w io.Writer) bool {
	file, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := file.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// summaryLine is the one-line human summary printed on stderr when the
// report itself is machine-readable or goes to a file.
func summaryLine(r *reporters.Report) string {
	counts := r.Counts()
	total := 0
	var parts []string
	for _, s := range rules.AllSeverities() {
		total += counts[s]
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	verdict := "gate passed"
	if !r.Gate.Passed {
		verdict = "gate FAILED (" + strings.Join(r.Gate.Reasons, "; ") + ")"
	}
	detail := ""
	if len(parts) > 0 {
		detail = " (" + strings.Join(parts, ", ") + ")"
	}
	return fmt.Sprintf("%d finding(s)%s in %d file(s); %s", total, detail, r.FilesScanned, verdict)
}

// describeChain says what the policy chain's steps did, or "" when none
// dropped or changed a finding.
func describeChain(r policy.Result) string {
	var parts []string
	for _, c := range r.Steps {
		if d := c.String(); d != "" {
			parts = append(parts, d)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "policy chain: " + strings.Join(parts, "; ")
}
