// Command hello is the trivial local endpoint of bench/fuzz.sh: GET /hello
// answers a small JSON document, the same for wrk and for specter fuzz.
// With -write-spec it writes the one-operation OpenAPI document that
// describes it.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

const spec = `openapi: 3.0.3
info: {title: hello, version: "1"}
paths:
  /hello:
    get:
      operationId: hello
      parameters:
        - name: name
          in: query
          schema: {type: string, maxLength: 32}
      responses:
        "200":
          description: A greeting.
          content:
            application/json:
              schema:
                type: object
                required: [message]
                properties:
                  message: {type: string}
`

var body = []byte(`{"message":"hello"}`)

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "loopback address to listen on")
	specPath := flag.String("write-spec", "", "write the OpenAPI document here and exit")
	flag.Parse()
	if *specPath != "" {
		if err := os.WriteFile(*specPath, []byte(spec), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "hello:", err)
			os.Exit(1)
		}
		return
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
}
