package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunReportsProgress checks the stages a static run reports and
// that each ends with its full count: files read, loaded and scanned by
// each scanner (lint only the OpenAPI documents).
func TestRunReportsProgress(t *testing.T) {
	dir := t.TempDir()
	spec, err := os.ReadFile(filepath.Join("testdata", "api", "orders.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"a/orders.yaml": string(spec),
		"b/orders.yaml": string(spec),
		"notes.txt":     "nothing here\n",
		"config.env":    "PORT=8080\n",
		"empty.md":      "",
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan := staticPlan(t, Selection{Secrets: true, Lint: true}, dir)
	var stages []string
	final := map[string]string{}
	plan.Progress = func(stage string, done, total int) {
		if len(stages) == 0 || stages[len(stages)-1] != stage {
			stages = append(stages, stage)
		}
		if done > total {
			t.Errorf("%s: %d done of %d", stage, done, total)
		}
		final[stage] = fmt.Sprintf("%d/%d", done, total)
	}
	res, err := Run(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(stages, ","), "reading,loading,secrets,lint"; got != want {
		t.Errorf("stages %s, want %s", got, want)
	}
	n := len(res.Surface.Files)
	for stage, want := range map[string]string{
		"reading": fmt.Sprintf("%d/%d", n, n),
		"loading": fmt.Sprintf("%d/%d", n, n),
		"secrets": fmt.Sprintf("%d/%d", n, n),
		"lint":    "2/2",
	} {
		if final[stage] != want {
			t.Errorf("%s ended at %s, want %s", stage, final[stage], want)
		}
	}
	if n != len(files) {
		t.Errorf("the run read %d files, want %d", n, len(files))
	}
}

// TestRunWithoutProgress checks that a plan without Progress runs as
// before (the watcher is nil throughout).
func TestRunWithoutProgress(t *testing.T) {
	res, err := Run(context.Background(), staticPlan(t, Selection{Secrets: true, Lint: true}, filepath.Join("testdata", "api")))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Surface.Files) == 0 {
		t.Fatal("no files read")
	}
}
