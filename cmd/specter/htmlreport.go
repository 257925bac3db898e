package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/specterhq/specter/engine"
	"github.com/specterhq/specter/excerpt"
	"github.com/specterhq/specter/reporters"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

// sourceRadius is how many lines the html report shows before and after
// each finding.
const sourceRadius = 3

// addPageData fills in what only the html report shows: the surface's
// operations (the surface map's rows), the scanners' per-operation
// coverage and the source lines around the findings, with every secret
// on them masked as the secret scanner redacts it.
func (r *scanRun) addPageData(ctx context.Context, report *reporters.Report, res *engine.Result) error {
	for _, api := range res.Surface.APIs {
		for _, op := range api.Operations {
			report.Operations = append(report.Operations, op.Method+" "+op.Path)
		}
	}
	for _, s := range res.Scanners {
		if len(s.Coverage) == 0 {
			continue
		}
		c := reporters.ScannerCoverage{Scanner: s.Name}
		for _, op := range s.Coverage {
			c.Operations = append(c.Operations, reporters.OperationCoverage{
				Operation: op.Operation, Requests: op.Requests, Succeeded: op.Succeeded, Statuses: op.Statuses, Reason: op.Reason,
			})
		}
		report.Coverage = append(report.Coverage, c)
	}
	secrets, err := r.secretsToMask(ctx, res)
	if err != nil {
		return err
	}
	set := excerpt.Around(res.Surface.Files, res.Kept.Findings, secrets, sourceRadius)
	report.Sources = &reporters.Sources{Radius: set.Radius, Files: make(map[string]map[int]string, len(set.Files))}
	for path, lines := range set.Files {
		report.Sources.Files[path] = lines
	}
	return nil
}

// secretsToMask returns the secret scanner's findings on the files the
// report shows lines of: those of the run, suppressed and baselined ones
// included, or, when the run had no secret scanner (lint, fuzz,
// inventory), those of a scan of just these files.
func (r *scanRun) secretsToMask(ctx context.Context, res *engine.Result) ([]rules.Finding, error) {
	for _, s := range res.Scanners {
		if s.Name == "secrets" {
			var out []rules.Finding
			for _, f := range res.Raw {
				if strings.HasPrefix(f.RuleID, "secrets/") {
					out = append(out, f)
				}
			}
			return out, nil
		}
	}
	shown := map[string]bool{}
	for _, f := range res.Kept.Findings {
		shown[f.Location.File] = true
		for _, rel := range f.Related {
			shown[rel.Location.File] = true
		}
	}
	var files []*surface.File
	for _, f := range res.Surface.Files {
		if shown[f.Path] {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	sec, err := r.detector.Scanner()
	if err != nil {
		return nil, err
	}
	found, err := sec.Findings(ctx, &surface.Surface{Files: files})
	if err != nil {
		return nil, fmt.Errorf("finding the secrets to mask in the report's source lines: %w", err)
	}
	return found, nil
}
