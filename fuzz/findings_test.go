package fuzz

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/internal/testserver/staging"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

func TestReproductionRedactsCredentials(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:8080/items?api_key=liveKey1234567890&q=books")
	req, _ := http.NewRequest("POST", u.String(), nil)
	req.Header.Set("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.secretpayload")
	req.Header.Set("X-Api-Key", "k3yk3yk3yk3yk3y")
	req.Header.Set("Cookie", "session=abcdef123456")
	req.Header.Set("X-Trace", "keep-me")
	x := &execute.Exchange{
		Case:        &plan.Case{Seq: 3, Phase: plan.PhaseNegative, Mutation: "body.name: null", Target: &plan.Target{Op: &surface.Operation{Method: "POST", Path: "/items"}}},
		Request:     req,
		RequestBody: []byte(`{"name":null,"it's":1}`),
		Status:      500,
		Header:      http.Header{"Content-Type": {"application/json"}},
		Body:        []byte(`{"error":"boom","access_token":"tok_abcdefghijklmnop","user":"ada"}`),
	}
	tests := []struct {
		show          bool
		want, notWant []string
	}{
		{false,
			[]string{"seed 9, case 3, phase negative: body.name: null", "curl -sS -X 'POST'", "'Authorization: Bearer eyJh…'", "'X-Trace: keep-me'",
				`--data-raw '{"name":null,"it'\''s":1}'`, "response: 500 Internal Server Error, application/json", `"access_token":"tok_…"`, "api_key=live%E2%80%A6"},
			[]string{"secretpayload", "k3yk3yk3yk3yk3y", "abcdef123456", "tok_abcdefghijklmnop", "liveKey1234567890"}},
		{true, []string{"secretpayload", "tok_abcdefghijklmnop", "liveKey1234567890"}, nil},
	}
	for _, tt := range tests {
		got := Reproduction(x, 9, tt.show)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("show=%v: reproduction lacks %q:\n%s", tt.show, w, got)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(got, w) {
				t.Errorf("show=%v: reproduction leaks %q:\n%s", tt.show, w, got)
			}
		}
	}
}

// TestBreakerStopsAStorm: a target answering 500 to everything trips the
// circuit breaker; the run stops early with the findings so far.
func TestBreakerStopsAStorm(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }))
	defer srv.Close()
	target, _ := url.Parse(srv.URL)
	var mu sync.Mutex
	var reports []Progress
	cfg := testConfig(t, target, 1)
	cfg.Executor.Breaker = execute.DefaultBreaker
	cfg.Progress = func(p Progress) {
		mu.Lock()
		reports = append(reports, p)
		mu.Unlock()
	}
	cfg.Executor.Rate = 500
	res := runEngine(t, cfg, ingesttest.Load(t, stagingSpec(t)))
	if res.Summary.StopReason != StopBreaker {
		t.Fatalf("stop reason %q, want the breaker", res.Summary.StopReason)
	}
	if res.Summary.Sent > int64(execute.DefaultBreaker.Window)+int64(cfg.Executor.Concurrency) {
		t.Errorf("sent %d requests into a storm", res.Summary.Sent)
	}
	if len(res.Findings) == 0 {
		t.Error("no server-error findings kept from the stopped run")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reports) == 0 {
		t.Fatal("no progress reported")
	}
	// The last report, made as the run ended, holds its final counts.
	last := reports[len(reports)-1]
	if last.Requests != res.Summary.Sent+res.Summary.Extra || last.Findings != len(res.Findings) ||
		last.OperationsTotal != len(res.Summary.Operations) || last.Operations == 0 || last.Operations > last.OperationsTotal {
		t.Errorf("final progress %+v; the run sent %d+%d requests to %d operations and found %d",
			last, res.Summary.Sent, res.Summary.Extra, len(res.Summary.Operations), len(res.Findings))
	}
	for i := 1; i < len(reports); i++ {
		if reports[i].Requests < reports[i-1].Requests || reports[i].Elapsed < reports[i-1].Elapsed {
			t.Errorf("progress went backwards: %+v after %+v", reports[i], reports[i-1])
		}
	}
}

func TestCancelledRunReturnsPartialResult(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := staging.New()
	if err != nil {
		t.Fatal(err)
	}
	var seen atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) == 5 {
			cancel() // Ctrl-C after the fifth request
		}
		st.ServeHTTP(w, r)
	}))
	defer srv.Close()
	target, _ := url.Parse(srv.URL)
	cfg := testConfig(t, target, 1)
	cfg.Executor.Concurrency = 1
	e, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Run(ctx, ingesttest.Load(t, stagingSpec(t)))
	if err != nil {
		t.Fatal(err)
	}
	// The server saw five requests: the plan's and the run's own probe
	// of an unrouted path.
	if sent := res.Summary.Sent + res.Summary.Extra; res.Summary.StopReason != StopInterrupted || sent < 4 || sent > 6 {
		t.Errorf("summary after cancel: %q, %d sent (%d probes)", res.Summary.StopReason, sent, res.Summary.Extra)
	}
	var never int
	for _, op := range res.Summary.Operations {
		if op.Reason == "never sent (budget or time ran out first)" {
			never++
		}
	}
	if never == 0 {
		t.Errorf("a cut-short run lists no operation as never sent: %+v", res.Summary.Operations)
	}
}

// TestFindingSetKeepsLowestCaseUnderConcurrency: verdicts about one
// problem from many workers make one finding, counted exactly, with the
// reproducer of the lowest case number.
func TestFindingSetKeepsLowestCaseUnderConcurrency(t *testing.T) {
	catalog := testConfig(t, &url.URL{Scheme: "http", Host: "127.0.0.1"}, 1).Catalog
	set := newFindingSet(catalog, 1, false)
	target := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/x"}}
	req, _ := http.NewRequest("GET", "http://127.0.0.1/x", nil)
	const n = 400
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				seq := n - i // descending, so later adds keep winning
				x := &execute.Exchange{Case: &plan.Case{Seq: seq, Target: target, Mutation: fmt.Sprint(seq)}, Request: req, Status: 500, Header: http.Header{}}
				set.add(oracle.Verdict{Rule: "fuzz/server-error", Exchange: x, Message: "boom"})
			}
		}(w)
	}
	wg.Wait()
	got := set.list()
	if len(got) != 1 {
		t.Fatalf("%d findings, want 1", len(got))
	}
	if !strings.Contains(got[0].Message, fmt.Sprintf("(%d requests showed it)", n)) || !strings.Contains(got[0].Evidence, "case 1,") {
		t.Errorf("message %q / evidence %q: want %d requests and case 1", got[0].Message, got[0].Evidence, n)
	}
}

// TestMaskSecretsAcrossCuts: a given secret is masked where it is written
// whole, form-encoded, and where an excerpt's cut ran through it (the
// response excerpt's ellipsis, the curl body's cut), never its first part
// left readable; short values and ordinary text are left alone.
func TestMaskSecretsAcrossCuts(t *testing.T) {
	const sec = "Sp3cter-9f3ax9!"
	masked := maskSecrets("x", []string{sec})
	red := maskSecrets(sec, []string{sec}) // the redaction's own form
	tests := []struct {
		name, text string
		gone       []string // must not be in the masked text
		want       string   // must be in it
	}{
		{"whole", `{"password":"` + sec + `"}`, []string{sec, "Sp3cter-9"}, red},
		{"form-encoded", "password=" + url.QueryEscape(sec) + "&u=a", []string{url.QueryEscape(sec), "Sp3cter-9"}, red},
		{"response cut", `response: 200 OK, 900 bytes: {"echo":"` + sec[:11] + "…", []string{sec[:11], sec[:6]}, red + "…"},
		{"curl body cut", "--data-raw '{\"pw\":\"" + sec[:9] + "' # body cut at 2048 of 4000 bytes", []string{sec[:9]}, red + "' # body cut"},
		{"prefix too short", `{"note":"Sp3cte"} …`, nil, `"Sp3cte"`},
		{"unrelated text", "response: 200 OK: hello…", nil, "hello…"},
	}
	if masked != "x" {
		t.Fatalf("maskSecrets changed text without the secret: %q", masked)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := maskSecrets(tt.text, []string{sec})
			for _, g := range tt.gone {
				if strings.Contains(got, g) {
					t.Errorf("%q still shows %q", got, g)
				}
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("%q does not hold %q", got, tt.want)
			}
		})
	}
}
