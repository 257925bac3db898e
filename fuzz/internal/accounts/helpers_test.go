package accounts

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/generate"
	"github.com/specterhq/specter/fuzz/identity"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// targetsOf loads a spec the way the fuzz command does and lists its
// operations as the run's targets.
func targetsOf(t *testing.T, name string, spec []byte) []*plan.Target {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, spec, 0o600); err != nil {
		t.Fatal(err)
	}
	targets := generate.Targets(ingesttest.Load(t, p), nil)
	if len(targets) == 0 {
		t.Fatalf("%s: no targets", name)
	}
	return targets
}

// target finds the target named "METHOD /path".
func target(t *testing.T, targets []*plan.Target, key string) *plan.Target {
	t.Helper()
	for _, tg := range targets {
		if tg.Key() == key {
			return tg
		}
	}
	t.Fatalf("no target %s", key)
	return nil
}

// rig is a test server behind a real executor: the sender the
// provisioner uses, the identities its accounts are added to, and every
// exchange sent.
type rig struct {
	t    *testing.T
	srv  *httptest.Server
	exec *execute.Executor
	ids  *identity.Set
	gen  *generate.Generator

	mu        sync.Mutex
	exchanges []*execute.Exchange
	verdicts  []oracle.Verdict
}

func newRig(t *testing.T, h http.Handler) *rig {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	policy := execute.HostPolicy{}
	if err := policy.Check(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, srv: srv, ids: identity.NewSet(), gen: generate.New(generate.Options{Seed: 7})}
	r.exec, err = execute.New(execute.Config{Target: u, Hosts: policy, Timeout: 5 * time.Second, Credentials: r.ids})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.exec.CloseIdle)
	return r
}

// Send implements Sender.
func (r *rig) Send(ctx context.Context, c *plan.Case) (*execute.Exchange, error) {
	x, err := r.exec.Do(ctx, c)
	if x != nil {
		r.mu.Lock()
		r.exchanges = append(r.exchanges, x)
		r.mu.Unlock()
	}
	return x, err
}

func (r *rig) sent() []*execute.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*execute.Exchange(nil), r.exchanges...)
}

func (r *rig) report(v oracle.Verdict) {
	r.mu.Lock()
	r.verdicts = append(r.verdicts, v)
	r.mu.Unlock()
}

// provisioner detects the flow among targets and builds a provisioner
// sending through the rig.
func (r *rig) provisioner(targets []*plan.Target) *Provisioner {
	r.t.Helper()
	flow, why := Detect(targets)
	if flow == nil {
		r.t.Fatalf("Detect: %s", why)
	}
	su, ok1 := r.gen.Example(flow.SignUp)
	lg, ok2 := r.gen.Example(flow.Login)
	if !ok1 || !ok2 {
		r.t.Fatal("no example request for the sign-up or the login")
	}
	return &Provisioner{Flow: flow, SignUpCase: su, LoginCase: lg, Send: r, Seed: 42}
}

// send sends an operation without a body as identity and returns the
// exchange.
func (r *rig) send(tg *plan.Target, identityName string) *execute.Exchange {
	r.t.Helper()
	c := &plan.Case{Target: tg, Method: tg.Op.Method, Identity: identityName}
	x, err := r.exec.Do(context.Background(), c)
	if err != nil {
		r.t.Fatal(err)
	}
	if x.Err != nil {
		r.t.Fatal(x.Err)
	}
	return x
}
