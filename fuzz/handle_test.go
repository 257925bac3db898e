package fuzz

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/specterhq/specter/fuzz/internal/safety"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// seen is an oracle that keeps what it was shown.
type seen struct {
	mu  sync.Mutex
	obs []*oracle.Observation
}

func (*seen) Name() string    { return "seen" }
func (*seen) Rules() []string { return nil }
func (s *seen) Check(_ context.Context, obs *oracle.Observation, _ oracle.Env) {
	s.mu.Lock()
	s.obs = append(s.obs, obs)
	s.mu.Unlock()
}

func (s *seen) last() *oracle.Observation {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.obs) == 0 {
		return nil
	}
	return s.obs[len(s.obs)-1]
}

// handleServer is a books API in the manner of Express: its own
// "Cannot GET" page for what it does not route, 429 once on /slow.
func handleServer(t *testing.T) (*url.URL, *atomic.Int64) {
	var hits atomic.Int64
	var slowed atomic.Bool
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch {
		case r.Method == "POST" && r.URL.Path == "/books":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(201)
			w.Write([]byte(`{"id":"b1","title":"Dune"}`))
		case r.Method == "GET" && r.URL.Path == "/books/b1":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":"b1","title":"Dune"}`))
		case r.Method == "DELETE" && strings.HasPrefix(r.URL.Path, "/books/"):
			w.WriteHeader(204)
		case r.URL.Path == "/slow":
			if slowed.CompareAndSwap(false, true) {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(429)
				return
			}
			w.Write([]byte("ok"))
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(404)
			w.Write([]byte("<pre>Cannot " + r.Method + " " + r.URL.EscapedPath() + "</pre>"))
		}
	}))
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	return u, &hits
}

// Engine.handle sends a case, checks it against the spec, learns from
// the answer and shows it to every oracle; the safety policy may refuse
// it, and then nothing is sent.
func TestEngineHandle(t *testing.T) {
	ctx := context.Background()
	target, hits := handleServer(t)
	rec := &seen{}
	var log bytes.Buffer
	cfg := testConfig(t, target, 1)
	cfg.Oracles, cfg.RequestLog = []oracle.Oracle{rec}, &log
	e, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	targets := e.Targets(ingesttest.Load(t, "testdata/handle.yaml"))
	byKey := map[string]*plan.Target{}
	for _, tg := range targets {
		byKey[tg.Key()] = tg
		e.stats.target(tg)
	}
	if err := e.measureUnrouted(ctx, plan.NoCredentials); err != nil {
		t.Fatal(err)
	}
	mk := func(key, id, body string, intent plan.Intent) *plan.Case {
		tg := byKey[key]
		c := &plan.Case{Target: tg, Method: tg.Op.Method, Phase: plan.PhaseExamples, Intent: intent}
		if id != "" {
			c.PathParams = []plan.Param{{Name: "id", Value: id}}
		}
		if body != "" {
			c.Body, c.ContentType = []byte(body), "application/json"
		}
		return c
	}

	// A foreign delete is not sent: counted as skipped, with its class.
	before := hits.Load()
	x, err := e.handle(ctx, mk("DELETE /books/{id}", "b1", "", plan.IntentValid))
	if x != nil || err != nil || hits.Load() != before || rec.last() != nil {
		t.Fatalf("a delete of an object the run did not create: %v %v, %d requests", x, err, hits.Load()-before)
	}
	if e.stats.skipped.Load() != 1 || e.stats.skippedClasses[safety.ClassForeignDelete] != 1 {
		t.Errorf("skip not counted: %d %v", e.stats.skipped.Load(), e.stats.skippedClasses)
	}

	// A valid create: checked against the spec, learned, shown.
	if _, err := e.handle(ctx, mk("POST /books", "", `{"title":"Dune"}`, plan.IntentValid)); err != nil {
		t.Fatal(err)
	}
	obs := rec.last()
	if obs == nil || obs.Status != 201 || obs.Validity != oracle.Valid || obs.Unrouted {
		t.Fatalf("create observation %+v", obs)
	}
	if objs := e.state.Objects("/books", ""); len(objs) != 1 {
		t.Errorf("the create was not learned: %v", objs)
	}

	// The created object may now be deleted.
	before = hits.Load()
	if _, err := e.handle(ctx, mk("DELETE /books/{id}", "b1", "", plan.IntentValid)); err != nil || hits.Load() != before+1 {
		t.Errorf("a delete of the run's own object: %v, %d requests", err, hits.Load()-before)
	}

	// An invalid body is known invalid before the answer is judged.
	if _, err := e.handle(ctx, mk("POST /books", "", `{"title":5}`, plan.IntentInvalid)); err != nil {
		t.Fatal(err)
	}
	if obs := rec.last(); obs.Validity != oracle.Invalid || !strings.Contains(obs.Violation, "title") {
		t.Errorf("invalid body: validity %v, violation %q", obs.Validity, obs.Violation)
	}

	// The framework's own page for a route it lacks is marked so.
	if _, err := e.handle(ctx, mk("GET /books/{id}", "nope/x", "", plan.IntentValid)); err != nil {
		t.Fatal(err)
	}
	if obs := rec.last(); obs.Status != 404 || !obs.Unrouted {
		t.Errorf("the framework's 404 page: status %d unrouted %v", obs.Status, obs.Unrouted)
	}

	// A 429 waited out: one case, two requests, both in the log.
	if _, err := e.handle(ctx, mk("GET /slow", "", "", plan.IntentValid)); err != nil {
		t.Fatal(err)
	}
	if obs := rec.last(); obs.Status != 200 || len(obs.Earlier) != 1 {
		t.Errorf("/slow: status %d, %d earlier", obs.Status, len(obs.Earlier))
	}
	if got := e.stats.resent.Load(); got != 1 {
		t.Errorf("resent %d", got)
	}
	lines := logLines(t, &log)
	// measure + create + delete + invalid create + unrouted + 429 + 200
	if len(lines) != 7 || lines[0].Probe != true || lines[5].Status != 429 || lines[5].Resent == "" || lines[6].Status != 200 {
		t.Errorf("request log:\n%s", log.String())
	}
	if got, want := e.stats.sent.Load()+e.stats.extra.Load()+e.stats.resent.Load(), hits.Load(); got != want {
		t.Errorf("the summary counts %d requests, the target got %d", got, want)
	}
}

// explorer is an oracle whose Finish explores; it counts its calls.
type explorer struct {
	seen
	finished atomic.Int32
}

func (*explorer) Explores() {}
func (x *explorer) Finish(context.Context, oracle.Env) {
	x.finished.Add(1)
}

// An exploring finisher runs after a completed run, not after one its
// request budget stopped: the budget holds, and the summary says so.
func TestExplorersSkippedWhenStoppedEarly(t *testing.T) {
	target, _ := handleServer(t)
	spec := ingesttest.Load(t, "testdata/handle.yaml")
	for _, budget := range []int{0, 3} {
		x := &explorer{}
		cfg := testConfig(t, target, 1)
		cfg.Oracles = []oracle.Oracle{x}
		cfg.Executor.MaxRequests = int64(budget)
		res := runEngine(t, cfg, spec)
		stopped := strings.Contains(strings.Join(res.Summary.Lines(), "\n"), "these checks sent their probes: seen")
		switch {
		case budget == 0 && (x.finished.Load() != 1 || stopped):
			t.Errorf("completed run: Finish called %d times, summary says skipped: %v", x.finished.Load(), stopped)
		case budget > 0 && (x.finished.Load() != 0 || !stopped):
			t.Errorf("stopped run: Finish called %d times, summary says skipped: %v\n%s", x.finished.Load(), stopped, strings.Join(res.Summary.Lines(), "\n"))
		}
	}
}
