package main

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz"
)

func TestFileStatus(t *testing.T) {
	for _, tt := range []struct {
		stage       string
		done, total int
		want        string
	}{
		{"reading", 12, 0, "specter: reading 12 files"},
		{"reading", 1, 0, "specter: reading 1 file"},
		{"secrets", 120, 4000, "specter: secrets 120/4000 files"},
		{"lint", 1, 1, "specter: lint 1/1 file"},
		{"lint at main", 0, 3, "specter: lint at main 0/3 files"},
	} {
		if got := fileStatus(tt.stage, tt.done, tt.total); got != tt.want {
			t.Errorf("fileStatus(%q, %d, %d) = %q, want %q", tt.stage, tt.done, tt.total, got, tt.want)
		}
	}
}

func TestFuzzStatus(t *testing.T) {
	got := fuzzStatus(fuzz.Progress{Requests: 1200, Operations: 14, OperationsTotal: 20, Findings: 3, Elapsed: 12400 * time.Millisecond})
	if want := "fuzz: 1200 request(s) (97/s), 14/20 operation(s), 3 finding(s), 12s"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := fuzzStatus(fuzz.Progress{}); got != "fuzz: 0 request(s) (0/s), 0/0 operation(s), 0 finding(s), 0s" {
		t.Errorf("at the start: %q", got)
	}
}

// TestStartProgress checks --progress against where stderr goes: a
// buffer is not a terminal, so auto shows nothing; always shows plain
// lines (no control bytes) even in CI; never and -q silence it.
func TestStartProgress(t *testing.T) {
	for _, tt := range []struct {
		name    string
		mode    string
		quiet   bool
		env     map[string]string
		shown   string
		wantErr bool
	}{
		{"auto off a terminal", "auto", false, nil, "", false},
		{"auto in CI", "auto", false, map[string]string{"CI": "true"}, "", false},
		{"always in CI", "always", false, map[string]string{"CI": "true"}, "specter: secrets 1/2 files\n", false},
		{"always with -q", "always", true, nil, "specter: secrets 1/2 files\n", false},
		{"never", "never", false, nil, "", false},
		{"unknown", "sometimes", false, nil, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var errOut bytes.Buffer
			st := streams{err: &errOut, env: func(k string) string { return tt.env[k] }}
			line, err := startProgress(&st, &scanFlags{progress: tt.mode, quiet: tt.quiet})
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if (line != nil) != (tt.shown != "") {
				t.Fatalf("line %v, want one: %v", line, tt.shown != "")
			}
			if report := fileProgress(line); report != nil {
				report("secrets", 1, 2)
			}
			fmt.Fprintln(st.err, "specter: a log line")
			line.Close()
			if got, want := errOut.String(), tt.shown+"specter: a log line\n"; got != want {
				t.Errorf("stderr %q, want %q", got, want)
			}
		})
	}
}
