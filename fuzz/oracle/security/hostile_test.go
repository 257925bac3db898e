package security

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/canary"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/scanners/secrets"
	"github.com/specterhq/specter/surface"
)

// fakeEnv answers every Send with a canned exchange and records verdicts.
type fakeEnv struct {
	mu       sync.Mutex
	answer   func(c *plan.Case) *execute.Exchange
	verdicts []oracle.Verdict
	notes    []string
	sent     int
	roster   oracle.Roster
	state    *learn.State
}

func (e *fakeEnv) Report(v oracle.Verdict) {
	e.mu.Lock()
	e.verdicts = append(e.verdicts, v)
	e.mu.Unlock()
}
func (e *fakeEnv) Send(_ context.Context, c *plan.Case) (*execute.Exchange, error) {
	e.mu.Lock()
	e.sent++
	e.mu.Unlock()
	return e.answer(c), nil
}
func (e *fakeEnv) Note(rule, text string) {
	e.mu.Lock()
	e.notes = append(e.notes, rule+": "+text)
	e.mu.Unlock()
}
func (e *fakeEnv) Seed() int64                             { return 1 }
func (e *fakeEnv) Unrouted(*execute.Exchange) bool         { return false }
func (e *fakeEnv) Canary() *canary.Listener                { return nil }
func (e *fakeEnv) Example(*plan.Target) (*plan.Case, bool) { return nil, false }
func (e *fakeEnv) Roster() oracle.Roster {
	return e.roster
}
func (e *fakeEnv) State() *learn.State {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.state == nil {
		e.state = learn.New()
	}
	return e.state
}

func securedTarget(method, path string) *plan.Target {
	api := &surface.API{SecuritySchemes: map[string]*surface.SecurityScheme{"bearer": {Type: "http", Scheme: "bearer"}}}
	return &plan.Target{API: api, Op: &surface.Operation{Method: method, Path: path, Security: []surface.SecurityRequirement{{"bearer": nil}}}}
}

// TestHostileAnswers runs every oracle over answers built to break
// parsers: megabytes of binary, unterminated JSON, deeply nested arrays,
// huge headers, HTML with half a stack trace, a body of JWT-looking dots.
// Nothing may panic, and no verdict may come from garbage.
func TestHostileAnswers(t *testing.T) {
	s, err := secrets.New(secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bodies := [][]byte{
		bytes.Repeat([]byte{0xff, 0x00, 0xfe}, 1<<19),
		[]byte(`{"a":` + strings.Repeat("[", 100000)),
		[]byte(strings.Repeat("eyJ.eyJ.", 50000)),
		[]byte("<html>" + strings.Repeat("at (", 100000)),
		[]byte(`{"id":` + strings.Repeat("9", 5000) + `}`),
		nil,
	}
	for i, body := range bodies {
		h := http.Header{}
		h.Set("Content-Type", "text/html")
		h.Set("Access-Control-Allow-Origin", strings.Repeat("x", 1<<16))
		h.Set("Set-Cookie", strings.Repeat("eyJhbGciOi.", 1000))
		answer := func(c *plan.Case) *execute.Exchange {
			return &execute.Exchange{Case: c, Status: 401, Header: h, Body: body, Duration: time.Millisecond,
				Request: httptest.NewRequest(c.Method, "http://127.0.0.1/x", nil)}
		}
		env := &fakeEnv{answer: answer}
		cfg := Config{Identities: []string{"admin", "bob"}, LowPrivilege: "bob", Classifier: s, TimeBased: true,
			TimeBasedDelay: time.Second, RateLimitBurst: 3, Now: time.Now}
		oracles := Oracles(cfg)
		targets := []*plan.Target{securedTarget("POST", "/auth/login"), securedTarget("GET", "/admin/things/{id}"), securedTarget("POST", "/admin/things")}
		ctx := context.Background()
		for _, o := range oracles {
			if p, ok := o.(oracle.Preparer); ok {
				p.Prepare(ctx, targets, env)
			}
		}
		for _, tg := range targets {
			for _, status := range []int{200, 201, 400, 500} {
				req := httptest.NewRequest(tg.Op.Method, "http://127.0.0.1/x", nil)
				req.Header.Set("Authorization", "Bearer "+string(body[:min(len(body), 64)]))
				c := &plan.Case{Target: tg, Method: tg.Op.Method, Body: []byte(`{"username":"a","password":"b"}`),
					Payload: &plan.Payload{Family: "sql", Value: `specter'"`, Field: "body.username"}}
				if status == 201 || status == 400 {
					c.Payload = nil // seeds for the login checks
				}
				x := &execute.Exchange{Case: c, Request: req, Status: status, Header: h, Body: body, Duration: time.Millisecond}
				for _, o := range oracles {
					o.Check(ctx, &oracle.Observation{Exchange: x, Validity: oracle.Valid}, env)
				}
			}
		}
		for _, o := range oracles {
			if f, ok := o.(oracle.Finisher); ok {
				f.Finish(ctx, env)
			}
		}
		for _, v := range env.verdicts {
			if v.Rule == "fuzz/no-auth-rate-limit" {
				continue // three 401s without a 429: true whatever the body
			}
			t.Errorf("body %d: verdict from garbage: %s %s", i, v.Rule, v.Message)
		}
		if env.sent == 0 {
			t.Errorf("body %d: no oracle sent anything; the test exercises nothing", i)
		}
	}
}
