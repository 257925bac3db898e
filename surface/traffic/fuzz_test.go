package traffic

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// checkObservation holds for every observation any parser returns.
func checkObservation(t *testing.T, o Observation) {
	t.Helper()
	if !isToken(o.Method) {
		t.Fatalf("method %q is not a token", o.Method)
	}
	if o.Target == "" || o.Target[0] != '/' {
		t.Fatalf("target %q does not start with /", o.Target)
	}
	if o.Status < 100 || o.Status > 999 {
		t.Fatalf("status %d out of range", o.Status)
	}
	if len(o.Body) > MaxBodyBytes {
		t.Fatalf("body of %d bytes kept", len(o.Body))
	}
}

// seedLines adds every line of a fixture as a seed.
func seedLines(f *testing.F, name string) {
	data, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		f.Add(line)
	}
}

func fuzzLineParser(f *testing.F, parse func(string) (Observation, error), seeds ...string) {
	for _, s := range seeds {
		seedLines(f, s)
	}
	f.Add([]byte(`"`))
	f.Add([]byte("[ ] \"\" 200"))
	f.Fuzz(func(t *testing.T, line []byte) {
		o, err := parse(string(line))
		if err == nil {
			checkObservation(t, o)
		}
		if err != nil && reasonOf(err) == "" {
			t.Fatalf("error without a reason: %v", err)
		}
	})
}

func FuzzCombined(f *testing.F) {
	fuzzLineParser(f, parseCombined, "shop.combined.log", "shop.common.log", "malformed.combined.log")
}
func FuzzALB(f *testing.F)   { fuzzLineParser(f, parseALB, "shop.alb.log") }
func FuzzEnvoy(f *testing.F) { fuzzLineParser(f, parseEnvoy, "shop.envoy.log", "shop.istio.log") }
func FuzzEnvoyJSON(f *testing.F) {
	fuzzLineParser(f, parseEnvoyJSON, "shop.envoy.jsonl", "agents.envoy.jsonl")
}
func FuzzAPIGateway(f *testing.F)    { fuzzLineParser(f, parseAPIGateway, "shop.apigateway.jsonl") }
func FuzzAggregateJSON(f *testing.F) { fuzzLineParser(f, parseAggregateJSON, "shop.aggregate.jsonl") }

// fuzzStream runs a whole-input decoder over arbitrary bytes.
func fuzzStream(f *testing.F, format Format, seeds ...string) {
	for _, s := range seeds {
		data, err := os.ReadFile(filepath.Join(fixtures, s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/3])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &Reader{Format: format, br: bufio.NewReader(bytes.NewReader(data))}
		if err := r.setFormat(format); err != nil {
			t.Fatal(err)
		}
		_ = r.Each(context.Background(), func(o *Observation) error {
			checkObservation(t, *o)
			return nil
		})
	})
}

func FuzzHAR(f *testing.F) { fuzzStream(f, FormatHAR, "shop.har", "auth.har", "bad-entries.har") }
func FuzzOTLP(f *testing.F) {
	fuzzStream(f, FormatOTLP, "shop.otlp-old.jsonl", "shop.otlp-new.jsonl", "agents.otlp.jsonl")
}
func FuzzAggregateCSV(f *testing.F) { fuzzStream(f, FormatCSV, "shop.aggregate.csv") }

// FuzzOpen covers detection and gzip unwrapping.
func FuzzOpen(f *testing.F) {
	for _, s := range []string{"shop.combined.log", "shop.har", "shop.alb.log", "shop.apigateway.jsonl", "shop.envoy.jsonl"} {
		data, err := os.ReadFile(filepath.Join(fixtures, s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data[:min(len(data), 2048)])
	}
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Open(bytes.NewReader(data), "")
		if err != nil {
			return
		}
		_ = r.Each(context.Background(), func(o *Observation) error {
			checkObservation(t, *o)
			return nil
		})
	})
}

// FuzzCombinedFastPath checks that the combined parser's fast path, when
// it accepts a line, reads it exactly as the field-by-field parser does.
func FuzzCombinedFastPath(f *testing.F) {
	seedLines(f, "shop.combined.log")
	seedLines(f, "shop.common.log")
	seedLines(f, "malformed.combined.log")
	f.Add([]byte(`203.0.113.7 - - [01/Jun/2024:10:00:00 +0000] "GET /a HTTP/1.1" 200 5 "-" "x \"y\" z"`))
	f.Add([]byte(`203.0.113.7 - - [01/Jun/2024:10:00:00 +0000] "GET /a HTTP/1.1" 200  5 "r" "ua"`))
	f.Add([]byte("\u00a0h - - [01/Jun/2024:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 5"))
	f.Fuzz(func(t *testing.T, data []byte) {
		line := string(data)
		p := &combinedParser{}
		var fast Observation
		if !p.parseFast(line, &fast) {
			return
		}
		slow, err := (&combinedParser{}).parseFields(line)
		if err != nil {
			t.Fatalf("fast path accepted %q, field parser refused: %v", line, err)
		}
		if fmt.Sprintf("%+v", fast) != fmt.Sprintf("%+v", slow) {
			t.Fatalf("%q:\nfast %+v\nslow %+v", line, fast, slow)
		}
	})
}
