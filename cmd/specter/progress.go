package main

import (
	"fmt"
	"os"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/internal/cienv"
	"github.com/specterhq/specter/internal/progress"
)

// startProgress resolves --progress: with progress on, it returns the
// status line and routes st.err through it, so log lines clear the status
// before they print; nil with progress off. --quiet turns auto off.
func startProgress(st *streams, f *scanFlags) (*progress.Line, error) {
	mode, err := progress.ParseMode(f.progress)
	if err != nil {
		return nil, usageError("--progress: %v", err)
	}
	if f.quiet && mode == progress.Auto {
		mode = progress.Never
	}
	terminal := isTerminal(st.err) && st.env("TERM") != "dumb"
	if !mode.Enabled(terminal, cienv.Detected(st.env)) {
		return nil, nil
	}
	width := 0
	if file, ok := st.err.(*os.File); ok && terminal {
		width, _, _ = term.GetSize(file.Fd())
	}
	line := progress.NewLine(st.err, terminal, width)
	st.err = line
	return line, nil
}

// fileProgress shows the engine's stages on the line; nil without one.
func fileProgress(line *progress.Line) func(stage string, done, total int) {
	if line == nil {
		return nil
	}
	return func(stage string, done, total int) { line.Show(fileStatus(stage, done, total)) }
}

// fileStatus is "specter: secrets 120/4000 files", without the total
// while it is unknown.
func fileStatus(stage string, done, total int) string {
	if total <= 0 {
		return fmt.Sprintf("specter: %s %d %s", stage, done, filesWord(done))
	}
	return fmt.Sprintf("specter: %s %d/%d %s", stage, done, total, filesWord(total))
}

func filesWord(n int) string {
	if n == 1 {
		return "file"
	}
	return "files"
}

// fuzzProgress shows the fuzzer's progress on the line; nil without one.
func fuzzProgress(line *progress.Line) func(fuzz.Progress) {
	if line == nil {
		return nil
	}
	return func(p fuzz.Progress) { line.Show(fuzzStatus(p)) }
}

// fuzzStatus is "fuzz: 1200 requests (96/s), 14/20 operations, 3
// findings, 12s".
func fuzzStatus(p fuzz.Progress) string {
	rate := float64(p.Requests) / max(p.Elapsed.Seconds(), 0.001)
	return fmt.Sprintf("fuzz: %d request(s) (%.0f/s), %d/%d operation(s), %d finding(s), %s",
		p.Requests, rate, p.Operations, p.OperationsTotal, p.Findings, p.Elapsed.Round(time.Second))
}
