package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes, documented in the README.
const (
	exitPass       = 0
	exitGateFailed = 1
	exitInputError = 2
)

// streams are the process's standard streams and environment, passed in so
// tests can run commands in-process as well as through the binary.
type streams struct {
	in  io.Reader
	out io.Writer
	err io.Writer
	env func(string) string
}

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: exitInputError, err: fmt.Errorf(format, args...)}
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, st streams) int {
	root := newRootCommand(st)
	root.SetArgs(args)
	root.SetIn(st.in)
	root.SetOut(st.out)
	root.SetErr(st.err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitPass
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.code != exitGateFailed {
			fmt.Fprintf(st.err, "specter: %v\n", ee.err)
		}
		return ee.code
	}
	// cobra's own errors: unknown command or flag, bad arguments.
	fmt.Fprintf(st.err, "specter: %v\nRun 'specter --help' for usage.\n", err)
	return exitInputError
}

func newRootCommand(st streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "specter",
		Short: "Find security problems in HTTP APIs before they ship",
		Long: `specter finds security problems in HTTP APIs before they ship. It reads
OpenAPI 2.0/3.0/3.1 documents, Postman collections with their environments,
and MCP client configs, tool lists and server manifests, and runs four
scanners over them: hard-coded secrets (secrets), security, scope/auth and
MCP tool lint (lint), the spec against recorded traffic (inventory), and a
fuzzer against a staging deployment (fuzz); scan runs the static ones
together. Reports are text, JSON, SARIF 2.1.0, JUnit, GitLab SAST and Code
Quality, GitHub annotations, Markdown or one HTML page; thresholds,
baselines and suppressions decide the exit code. specter mcp serves the
scanners to coding agents over MCP.

Exit codes: 0 gate passed, 1 gate failed, 2 usage or input error.`,
		Example: `  specter scan testdata/examples
  specter secrets . -f sarif -o specter.sarif
  specter rules secrets/postman-auth-credential`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.HiddenDefaultCmd = false
	root.AddCommand(
		newScanCommand(st, scanAll),
		newScanCommand(st, scanSecrets),
		newInventoryCommand(st),
		newScanCommand(st, scanLint),
		newScanCommand(st, scanFuzz),
		newRulesCommand(st),
		newVersionCommand(st),
		newInitCommand(st),
		newMCPCommand(st),
	)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: exitInputError, err: err}
	})
	return root
}
