package traffic

import (
	"bufio"
	"bytes"
	"context"
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

func fuzzLineParser(f *testing.F, parse func([]byte) (Observation, error), seeds ...string) {
	for _, s := range seeds {
		seedLines(f, s)
	}
	f.Add([]byte(`"`))
	f.Add([]byte("[ ] \"\" 200"))
	f.Fuzz(func(t *testing.T, line []byte) {
		o, err := parse(line)
		if err == nil {
			checkObservation(t, o)
		}
	})
}

func FuzzCombined(f *testing.F) {
	fuzzLineParser(f, parseCombined, "shop.combined.log", "shop.common.log", "malformed.combined.log")
}
func FuzzALB(f *testing.F)           { fuzzLineParser(f, parseALB, "shop.alb.log") }
func FuzzEnvoy(f *testing.F)         { fuzzLineParser(f, parseEnvoy, "shop.envoy.log", "shop.istio.log") }
func FuzzEnvoyJSON(f *testing.F)     { fuzzLineParser(f, parseEnvoyJSON, "shop.envoy.jsonl") }
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
		dec, err := newDecoder(format, bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			t.Fatal(err)
		}
		r := &Reader{Format: format, dec: dec}
		_ = r.Each(context.Background(), func(o *Observation) error {
			checkObservation(t, *o)
			return nil
		})
	})
}

func FuzzHAR(f *testing.F)          { fuzzStream(f, FormatHAR, "shop.har", "auth.har") }
func FuzzOTLP(f *testing.F)         { fuzzStream(f, FormatOTLP, "shop.otlp-old.jsonl", "shop.otlp-new.jsonl") }
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
