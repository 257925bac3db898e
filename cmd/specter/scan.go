package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/specterhq/specter/catalog"
	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/policy"
	"github.com/specterhq/specter/reporters"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/scanners/inventory"
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
	fl.StringVar(&f.failOn, "fail-on", "high", "lowest severity that fails the gate: critical, high, medium, low, info or none")
	fl.StringVar(&f.config, "config", "", "config file (default .specter.yaml in the working directory when present)")
	fl.StringVar(&f.baseline, "baseline", "", "drop findings whose fingerprints this baseline file lists")
	fl.BoolVar(&f.noColor, "no-color", false, "never colour the text report (NO_COLOR is honoured too)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the summary and errors")
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

// fetchRemoteSpecs GETs each --spec URL under the fuzzer's host policy
// and adds it to the walked files, named by its URL in reports.
func fetchRemoteSpecs(ctx context.Context, urls []string, f *scanFlags, walked *discover.Result) error {
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
		walked.Files = append(walked.Files, &surface.File{Path: u.Redacted(), Data: body})
		if walked.Named == nil {
			walked.Named = map[string][]string{}
		}
		walked.Named[raw] = []string{u.Redacted()}
	}
	return nil
}

// scanRun is one run of a scanning command: what it read up front (the
// catalog, the config, the gate, the baselines) and what it built once (the
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
	earlier  *policy.Baseline // the findings at --new-from-rev
	detector *runSecrets
	static   []scanners.Scanner
	excludes []string
}

// scanned is what the scanners found on the ingested surface.
type scanned struct {
	surface  *surface.Surface
	problems []ingest.Problem
	findings []rules.Finding
	notes    []string
	fuzzErr  error
	inv      *inventory.Scanner
}

// runScan runs a scanning command: read the config and baselines, walk and
// ingest the inputs, run the scanners, pass the findings through the policy
// chain and the gate, write the report and decide the exit code.
func runScan(ctx context.Context, st streams, kind scanKind, f *scanFlags, paths []string, failOnSet bool) error {
	r, err := prepareRun(st, kind, f, failOnSet)
	if err != nil {
		return err
	}
	walked, err := r.walk(ctx, paths)
	if err != nil {
		return err
	}
	fuzzCfg, closeLog, err := r.fuzzSetup(ctx)
	if err != nil {
		return err
	}
	defer closeLog()
	ingested, err := ingest.Load(ctx, walked.Files, ingestOptions(kind, f))
	if err != nil {
		return err
	}
	r.logf("specter: %s", describeSurface(ingested.Surface))
	problems := ingested.Problems
	if kind != scanSecrets {
		problems = append(problems, ingest.CheckNamed(ingested.Surface, walked.Named)...)
	}
	for _, p := range problems {
		fmt.Fprintf(st.err, "specter: input error: %v\n", p)
	}
	if fuzzCfg != nil && f.fuzz.dryRun {
		return r.dryRun(ctx, *fuzzCfg, ingested.Surface, problems)
	}
	res, err := r.scan(ctx, ingested.Surface, fuzzCfg)
	if err != nil {
		return err
	}
	res.problems = problems
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
	if r.reporter, err = reporters.New(f.format, reporters.Options{Color: useColor(st, f), Quiet: f.quiet}); err != nil {
		return nil, usageError("%v", err)
	}
	if r.cfg, err = loadConfig(f.config, ".", r.catalog); err != nil {
		return nil, &exitError{code: exitInputError, err: err}
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
	r.detector = newRunSecrets(f)
	if r.static, err = scannersFor(kind, f, r.cfg, r.detector); err != nil {
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

// logf prints a progress line on stderr unless --quiet.
func (r *scanRun) logf(format string, args ...any) {
	if !r.f.quiet {
		fmt.Fprintf(r.st.err, format+"\n", args...)
	}
}

// walk finds the findings at --new-from-rev, then the files to scan now
// (local paths walked, remote specs fetched).
func (r *scanRun) walk(ctx context.Context, paths []string) (*discover.Result, error) {
	var err error
	if r.f.newFromRev != "" {
		if r.earlier, err = findingsAtRevision(ctx, r.st, r.kind, r.f, r.static, r.excludes, paths, r.logf); err != nil {
			return nil, &exitError{code: exitInputError, err: fmt.Errorf("--new-from-rev: %w", err)}
		}
	}
	local, remote := splitRemote(paths, r.kind)
	walked, err := discover.Walk(ctx, local, discover.Options{
		MaxFileBytes: r.f.maxFileBytes,
		Excluded:     excludedBy(r.excludes),
	})
	if err != nil {
		var ie *discover.InputError
		if errors.As(err, &ie) {
			return nil, &exitError{code: exitInputError, err: err}
		}
		return nil, err
	}
	if err := fetchRemoteSpecs(ctx, remote, r.f, walked); err != nil {
		return nil, err
	}
	if n := len(walked.Skipped); n > 0 {
		r.logf("specter: skipped %d file(s): %s", n, describeSkipped(walked.Skipped))
	}
	return walked, nil
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
	cfg, closeLog, err := fuzzConfig(ctx, r.st, &r.f.fuzz, r.catalog, r.detector, r.f.quiet, r.f.showSecrets)
	if err != nil {
		return nil, nil, err
	}
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

// scan runs the static scanners, the fuzzer and the inventory diff over the
// surface. The fuzzer's partial results are kept even when the target
// stopped answering; its error decides the exit code later.
func (r *scanRun) scan(ctx context.Context, s *surface.Surface, fuzzCfg *fuzz.Config) (*scanned, error) {
	res := &scanned{surface: s}
	var err error
	res.findings, err = runScanners(ctx, r.static, s)
	if err == nil {
		err = r.detector.failed()
	}
	if err != nil {
		return nil, err
	}
	if fuzzCfg != nil {
		fs := fuzz.NewScanner(*fuzzCfg)
		got, err := fs.Scan(ctx, s)
		res.notes = fuzzNotes(fs, &r.f.fuzz)
		if r.f.format != "text" || r.f.output != "" {
			for _, n := range res.notes {
				r.logf("specter: %s", n)
			}
		}
		res.findings = append(res.findings, got...)
		if err != nil {
			res.fuzzErr = fuzzRunError(err)
		}
	}
	if r.kind == scanInventory || len(r.f.traffic.files) > 0 {
		if res.inv, err = newInventoryScanner(ctx, r.st, &r.f.traffic, r.cfg.Inventory, r.detector, r.f); err != nil {
			return nil, err
		}
		got, err := res.inv.Scan(ctx, s)
		if err == nil {
			err = r.detector.failed()
		}
		if err != nil {
			return nil, fmt.Errorf("%s scanner: %w", res.inv.Name(), err)
		}
		res.findings = append(res.findings, got...)
	}
	return res, nil
}

// finish passes the findings through the policy chain and the gate,
// writes the baseline and the report, and returns the exit code's error.
func (r *scanRun) finish(ctx context.Context, res *scanned) error {
	kept := policy.Apply(res.findings, policy.Inputs{Config: r.cfg, Ignores: res.surface.Ignores, Baseline: r.baseline, Earlier: r.earlier})
	if line := describeChain(kept); line != "" {
		r.logf("%s", line)
	}
	verdict := r.gate.Evaluate(kept.Findings)
	if r.f.writeBaseline != "" {
		if err := writeBaselineFile(r.f.writeBaseline, kept.Findings); err != nil {
			return &exitError{code: exitInputError, err: err}
		}
		r.logf("specter: wrote baseline %s", r.f.writeBaseline)
	}
	report := r.report(kept, verdict, res)
	if err := writeReport(r.st, r.f.output, r.reporter, report); err != nil {
		return &exitError{code: exitInputError, err: err}
	}
	if inGitHubActions(r.st) {
		publishToGitHub(r.st, r.f, report)
	}
	if r.f.format != "text" || r.f.output != "" {
		r.logf("specter: %s", summaryLine(report))
	}
	return exitFor(ctx, res, verdict)
}

// report assembles what the reporter renders.
func (r *scanRun) report(kept policy.Result, verdict policy.Verdict, res *scanned) *reporters.Report {
	b := currentBuild()
	report := &reporters.Report{
		Tool:         reporters.Tool{Name: "specter", Version: b.Version, InformationURI: "https://github.com/specterhq/specter"},
		Catalog:      r.catalog,
		Findings:     kept.Findings,
		Gate:         reporters.Gate{Passed: verdict.Passed, FailOn: verdict.FailOn, Reasons: verdict.Reasons},
		Command:      string(r.kind),
		FilesScanned: len(res.surface.Files),
		Baselined:    kept.Baselined(),
		SourceRoot:   workDir(),
		Started:      r.started,
		Finished:     time.Now(),
		Notes:        res.notes,
	}
	if res.inv != nil {
		sum := res.inv.Summary()
		report.Inventory = inventoryReport(sum)
		r.logf("specter: %s", describeInventory(sum))
	}
	return report
}

// exitFor turns the run's outcome into its exit: the fuzzer's error, an
// interruption, input errors, then the gate.
func exitFor(ctx context.Context, res *scanned, verdict policy.Verdict) error {
	var ee *exitError
	switch {
	case errors.As(res.fuzzErr, &ee):
		return ee
	case res.fuzzErr != nil:
		return &exitError{code: exitInputError, err: res.fuzzErr}
	case ctx.Err() != nil:
		return &exitError{code: exitInputError, err: fmt.Errorf("interrupted: %w", ctx.Err())}
	case len(res.problems) > 0:
		return &exitError{code: exitInputError, err: fmt.Errorf("%d input error(s); the report covers the rest", len(res.problems))}
	case !verdict.Passed:
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

// runScanners runs the command's static scanners over a surface.
func runScanners(ctx context.Context, static []scanners.Scanner, s *surface.Surface) ([]rules.Finding, error) {
	var findings []rules.Finding
	for _, sc := range static {
		got, err := sc.Scan(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("%s scanner: %w", sc.Name(), err)
		}
		findings = append(findings, got...)
	}
	return findings, nil
}

// runSecrets is the run's one secret detector: the secret scanner (gitleaks'
// 222 compiled rules plus the structural checks: about 30 ms and 32 MB to
// build), built on first use and handed to every consumer: the secrets
// scanner itself, lint's credential-like example check, inventory's
// sensitive-data check and the fuzzer's response oracle. A run that needs
// none of them does not build it.
type runSecrets struct {
	once sync.Once
	sec  *secrets.Scanner
	opts secrets.Options
	err  error // from building it
}

func newRunSecrets(f *scanFlags) *runSecrets {
	return &runSecrets{opts: secrets.Options{ShowSecrets: f.showSecrets}}
}

// Scanner builds the secret scanner on the first call.
func (r *runSecrets) Scanner() (*secrets.Scanner, error) {
	r.once.Do(func() {
		if r.sec, r.err = secrets.New(r.opts); r.err != nil {
			r.err = fmt.Errorf("starting the secret scanner: %w", r.err)
		}
	})
	return r.sec, r.err
}

// failed returns the error of building the scanner, if it was built and
// failed; it does not build it. Call it after the consumers are done.
func (r *runSecrets) failed() error { return r.err }

// LooksLikeCredential asks the secret scanner, building it on first use;
// when building fails, nothing is a credential and Scanner's error says
// why.
func (r *runSecrets) LooksLikeCredential(name, value string) (string, bool) {
	sec, err := r.Scanner()
	if err != nil {
		return "", false
	}
	return sec.LooksLikeCredential(name, value)
}

// excludedBy matches report paths against exclude globs.
func excludedBy(globs []string) func(string) bool {
	return func(p string) bool {
		for _, g := range globs {
			if config.MatchPath(g, p) {
				return true
			}
		}
		return false
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

func describeSkipped(skipped []discover.Skipped) string {
	const shown = 3
	parts := make([]string, 0, shown+1)
	for i, s := range skipped {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more", len(skipped)-shown))
			break
		}
		parts = append(parts, s.Path+" ("+s.Reason+")")
	}
	return strings.Join(parts, ", ")
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

// describeSurface is the progress line naming what ingest recognised.
func describeSurface(s *surface.Surface) string {
	var specs, collections, environments int
	for _, f := range s.Files {
		switch {
		case f.Format.IsOpenAPI():
			specs++
		case f.Format.IsPostman():
			collections++
		case f.Format == surface.FormatPostmanEnvironment:
			environments++
		}
	}
	return fmt.Sprintf("scanning %d file(s): %d OpenAPI document(s), %d Postman collection(s), %d environment(s)", len(s.Files), specs, collections, environments)
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
	return "specter: policy chain: " + strings.Join(parts, "; ")
}
