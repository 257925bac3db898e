// Command specter finds security problems in HTTP APIs before they ship:
// secrets, security lint of OpenAPI documents, fuzzing of a staging
// deployment, and the inventory diff against recorded traffic. This package
// only wires: it maps each command's flags to an engine.Plan and the
// engine.Result to a report and an exit code. See `specter --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr, env: os.Getenv})
	stop()
	os.Exit(code)
}
