// Command specter-staging serves the fuzzer's staging API (internal/testserver/staging)
// on a loopback port, for trying `specter fuzz` by hand and for
// bench/fuzz.sh. It writes the spec with --write-spec.
//
//	go run ./cmd/specter-staging -addr 127.0.0.1:8080 -write-spec /tmp/staging.yaml
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/specterhq/specter/internal/testserver/staging"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "loopback address to listen on")
	specPath := flag.String("write-spec", "", "write the OpenAPI document to this file and go on serving")
	flag.Parse()
	if err := run(*addr, *specPath); err != nil {
		fmt.Fprintln(os.Stderr, "specter-staging:", err)
		os.Exit(1)
	}
}

func run(addr, specPath string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr %q: the staging server only listens on loopback", addr)
	}
	if specPath != "" {
		if err := os.WriteFile(specPath, staging.Spec, 0o644); err != nil {
			return fmt.Errorf("writing the spec: %w", err)
		}
	}
	s, err := staging.New()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(os.Stderr, "specter-staging: serving on http://%s\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
