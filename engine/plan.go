package engine

import (
	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/policy"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/scanners/inventory"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/discover"
	"github.com/specterhq/specter/surface/ingest"
)

// Plan is everything a command decided before the run: what to read, how
// deeply to load it, which scanners run and how their findings are judged.
type Plan struct {
	// Paths are the files and folders to walk; relative ones are relative
	// to WorkDir.
	Paths []string
	// WorkDir is the directory report paths are relative to; "" is the
	// process's working directory.
	WorkDir string
	// Fetched are documents the command already fetched (the fuzzer's
	// --spec URLs), added to the walked files; FetchedNamed maps each
	// URL to the report path of what it fetched.
	Fetched      []*surface.File
	FetchedNamed map[string][]string
	// MaxFileBytes skips larger files (0: discover's default).
	MaxFileBytes int64
	// Excludes are path globs (config.MatchPath) the walk skips.
	Excludes []string
	// Ingest says how much of each document to load.
	Ingest ingest.Options
	// CheckNamed reports a path given by name that holds no document as
	// an input problem (every command but secrets).
	CheckNamed bool

	// Static are the static scanners, run in order.
	Static []scanners.Scanner
	// Fuzz, when set, runs the fuzzer against its target after the static
	// scanners.
	Fuzz *fuzz.Config
	// Inventory, when set, compares its recorded traffic with the surface
	// after the fuzzer.
	Inventory *inventory.Scanner
	// Secrets is the run's secret detector, handed by the command to the
	// scanners that ask it; Run reports its build error after they ran.
	// nil when no scanner asks it.
	Secrets *Secrets

	// Config is the loaded .specter.yaml (never nil for a run that
	// reports).
	Config *config.Config
	// Baseline drops the findings it lists (--baseline).
	Baseline *policy.Baseline
	// Revision is a git revision (already resolved from "auto"): the
	// findings the static scanners report on the paths as they are there
	// are not reported again. "" compares with nothing.
	Revision string
	// Gate decides the verdict.
	Gate policy.Gate

	// DryRun stops after ingest: the Result holds the surface and the
	// problems, and nothing is scanned.
	DryRun bool
	// EchoNotes logs the scanners' notes as they come (for reports that
	// do not print them on the terminal).
	EchoNotes bool
	// Log receives progress lines (without a trailing newline); nil is
	// silent.
	Log func(format string, args ...any)
	// Problem is called for each input problem as soon as it is known;
	// nil is silent. Result.Problems holds them all either way.
	Problem func(ingest.Problem)
	// Progress is told the files done and the files there are (0 while
	// unknown) in each stage: "reading" (the walk), "loading" (ingest) and
	// each static scanner by name, every 100 ms while the stage runs and
	// once when it ends; nil is silent. It is called from one goroutine
	// at a time. The fuzzer reports through Fuzz.Progress.
	Progress func(stage string, done, total int)
}

// Result is what a run found and how it was judged.
type Result struct {
	Surface *surface.Surface
	// Walked is what the walk read and skipped.
	Walked *discover.Result
	// Problems are the inputs that could not be read or loaded; the rest
	// was scanned.
	Problems []ingest.Problem
	// Raw are the scanners' findings, before the policy chain.
	Raw []rules.Finding
	// Kept is the policy chain's result: the findings to report (with
	// suppressed ones marked) and what each step did.
	Kept policy.Result
	// Verdict is the gate's.
	Verdict policy.Verdict
	// Scanners holds each scanner's account, in run order.
	Scanners []ScannerResult
	// Inventory summarises the traffic the inventory diff read; nil when
	// it did not run.
	Inventory *inventory.Summary
	// Earlier counts the findings at Plan.Revision (not reported again).
	Earlier *policy.Baseline
	// FuzzErr is the fuzzer's error; its partial findings are kept.
	FuzzErr error
}

// ScannerResult is one scanner's account of the run.
type ScannerResult struct {
	Name     string
	Findings int
	Notes    []string
	Coverage []scanners.OperationCoverage
}

// Notes returns every scanner's notes, in run order.
func (r *Result) Notes() []string {
	var out []string
	for _, s := range r.Scanners {
		out = append(out, s.Notes...)
	}
	return out
}

// Coverage returns the named scanner's per-operation coverage, or nil
// when it did not run.
func (r *Result) Coverage(scanner string) []scanners.OperationCoverage {
	for _, s := range r.Scanners {
		if s.Name == scanner {
			return s.Coverage
		}
	}
	return nil
}
