package main

import (
	"fmt"
	"os"

	"github.com/specterhq/specter/reporters"
)

// inGitHubActions reports whether specter runs in a GitHub Actions job.
func inGitHubActions(st streams) bool { return st.env("GITHUB_ACTIONS") == "true" }

// publishToGitHub adds what a GitHub Actions job shows besides the report:
// annotations (workflow commands on stderr, unless the report itself is
// annotations on stdout), a markdown job summary appended to
// $GITHUB_STEP_SUMMARY, and the step outputs findings and gate in
// $GITHUB_OUTPUT. A failure here is a warning: the report and the exit
// code are what count.
func publishToGitHub(st streams, f *scanFlags, report *reporters.Report) {
	if f.format != "github" || (f.output != "" && f.output != "-") {
		if err := (&reporters.GitHubAnnotations{}).Render(st.err, report); err != nil {
			fmt.Fprintf(st.err, "specter: warning: %v\n", err)
		}
	}
	if path := st.env("GITHUB_STEP_SUMMARY"); path != "" {
		if err := appendTo(path, func(file *os.File) error { return (&reporters.Markdown{}).Render(file, report) }); err != nil {
			fmt.Fprintf(st.err, "specter: warning: writing the job summary: %v\n", err)
		}
	}
	if path := st.env("GITHUB_OUTPUT"); path != "" {
		gate := "passed"
		if !report.Gate.Passed {
			gate = "failed"
		}
		err := appendTo(path, func(file *os.File) error {
			_, err := fmt.Fprintf(file, "findings=%d\ngate=%s\n", report.Active(), gate)
			return err
		})
		if err != nil {
			fmt.Fprintf(st.err, "specter: warning: writing step outputs: %v\n", err)
		}
	}
}

// appendTo opens path for appending, creating it, and lets write fill it.
func appendTo(path string, write func(*os.File) error) error {
	file, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := write(file); err != nil {
		file.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return file.Close()
}
