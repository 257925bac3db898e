package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/specterhq/specter/reporters"
)

// extraReport is one --report FORMAT=FILE: a report in another format,
// written to its own file from the same run as the main report.
type extraReport struct {
	format   string
	path     string
	reporter reporters.Reporter
}

// parseExtraReports reads the --report values. Every file must differ
// from the others and from -o, so that no report overwrites another.
func parseExtraReports(values []string, f *scanFlags) ([]extraReport, error) {
	seen := map[string]string{}
	if f.output != "" && f.output != "-" {
		seen[filepath.Clean(f.output)] = "-o"
	}
	var out []extraReport
	for _, v := range values {
		format, path, ok := strings.Cut(v, "=")
		if !ok || format == "" || path == "" || path == "-" {
			return nil, usageError("--report %q: want FORMAT=FILE, for example --report html=specter.html", v)
		}
		clean := filepath.Clean(path)
		if by, dup := seen[clean]; dup {
			return nil, usageError("--report %q: %s already writes %s", v, by, path)
		}
		seen[clean] = "--report " + v
		rep, err := reporters.New(format, reporters.Options{Details: f.details, MaxListed: reporters.DefaultMaxListed})
		if err != nil {
			return nil, usageError("--report %q: %v", v, err)
		}
		out = append(out, extraReport{format: format, path: path, reporter: rep})
	}
	return out, nil
}

// needsPageData reports whether a report of the run is html, which shows
// the surface map, the coverage and the source lines the others leave out.
func (r *scanRun) needsPageData() bool {
	if r.f.format == "html" {
		return true
	}
	for _, x := range r.extra {
		if x.format == "html" {
			return true
		}
	}
	return false
}

// writeExtraReports writes every --report file.
func (r *scanRun) writeExtraReports(report *reporters.Report) error {
	for _, x := range r.extra {
		if err := writeReport(r.st, x.path, x.reporter, report); err != nil {
			return fmt.Errorf("--report %s=%s: %w", x.format, x.path, err)
		}
		r.logf("wrote the %s report %s", x.format, x.path)
	}
	return nil
}
