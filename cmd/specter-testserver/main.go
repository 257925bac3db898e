// Command specter-testserver serves one of the fuzzer's "real framework"
// test servers (internal/testserver) on a loopback port, for trying `specter
// fuzz` by hand and for measuring it:
//
//	go run ./cmd/specter-testserver -app flask -addr 127.0.0.1:5000 -write-spec /tmp/flask.yaml
//	go run ./cmd/specter-testserver -app fastapi -addr 127.0.0.1:8000   # spec at /openapi.json
//	go run ./cmd/specter-testserver -app spring -addr 127.0.0.1:8888    # spec at /v3/api-docs
//	go run ./cmd/specter-testserver -app express -addr 127.0.0.1:3000 -write-spec /tmp/express.yaml
//	go run ./cmd/specter-testserver -app laravel -addr 127.0.0.1:8898 -write-spec /tmp/laravel.yaml
//
// -secure serves the same API with every planted flaw fixed. -flaws lists
// the planted flaws (rule and operation) and exits.
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

	"github.com/specterhq/specter/internal/testserver/expresslike"
	"github.com/specterhq/specter/internal/testserver/fastapilike"
	"github.com/specterhq/specter/internal/testserver/flasklike"
	"github.com/specterhq/specter/internal/testserver/laravellike"
	"github.com/specterhq/specter/internal/testserver/springlike"
)

// app is one test server as this command serves it.
type app struct {
	handler http.Handler
	spec    []byte
	flaws   [][3]string // rule, operation, id
}

func build(name string, secure bool) (app, error) {
	switch name {
	case "flask":
		s := flasklike.New(flasklike.Options{Secure: secure})
		var fl [][3]string
		for _, f := range s.Planted() {
			fl = append(fl, [3]string{f.Rule, f.Operation, f.ID})
		}
		return app{s, flasklike.Spec(), fl}, nil
	case "fastapi":
		s := fastapilike.New(fastapilike.Options{Secure: secure})
		var fl [][3]string
		for _, f := range s.Planted() {
			fl = append(fl, [3]string{f.Rule, f.Operation, f.ID})
		}
		return app{s, fastapilike.Spec(), fl}, nil
	case "spring":
		s := springlike.New(springlike.Options{Secure: secure})
		var fl [][3]string
		for _, f := range s.Planted() {
			fl = append(fl, [3]string{f.Rule, f.Operation, f.ID})
		}
		return app{s, springlike.Spec(), fl}, nil
	case "express":
		s := expresslike.New(expresslike.Options{Secure: secure})
		var fl [][3]string
		for _, f := range s.Planted() {
			fl = append(fl, [3]string{f.Rule, f.Operation, f.ID})
		}
		return app{s, expresslike.Spec(), fl}, nil
	case "laravel":
		s := laravellike.New(laravellike.Options{Secure: secure})
		var fl [][3]string
		for _, f := range s.Planted() {
			fl = append(fl, [3]string{f.Rule, f.Operation, f.ID})
		}
		return app{s, laravellike.Spec(), fl}, nil
	}
	return app{}, fmt.Errorf("-app %q: want flask, fastapi, spring, express or laravel", name)
}

func main() {
	name := flag.String("app", "flask", "which server: flask (VAmPI-like), fastapi (RESTaurant-like), spring (crAPI-like), express (a Node notes API, dvws-node-like) or laravel (vAPI-like)")
	addr := flag.String("addr", "127.0.0.1:5000", "loopback address to listen on")
	secure := flag.Bool("secure", false, "fix every planted flaw")
	specPath := flag.String("write-spec", "", "write the OpenAPI document to this file and go on serving")
	listFlaws := flag.Bool("flaws", false, "print the planted flaws and exit")
	flag.Parse()
	if err := run(*name, *addr, *specPath, *secure, *listFlaws); err != nil {
		fmt.Fprintln(os.Stderr, "specter-testserver:", err)
		os.Exit(1)
	}
}

func run(name, addr, specPath string, secure, listFlaws bool) error {
	a, err := build(name, secure)
	if err != nil {
		return err
	}
	if listFlaws {
		for _, f := range a.flaws {
			fmt.Printf("%s\t%s\t%s\n", f[0], f[1], f[2])
		}
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr %q: the test servers only listen on loopback", addr)
	}
	if specPath != "" {
		if err := os.WriteFile(specPath, a.spec, 0o644); err != nil {
			return fmt.Errorf("writing the spec: %w", err)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(os.Stderr, "specter-testserver: %s on http://%s\n", name, ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
