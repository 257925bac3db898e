// Command specter finds security problems in HTTP API descriptions: secrets
// in OpenAPI documents and Postman collections, and (with later scanners)
// spec lint, fuzzing and inventory drift. See `specter --help`.
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
