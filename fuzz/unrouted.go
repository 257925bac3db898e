package fuzz

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// unrouted is what the target answers to a path no route matches, once
// without credentials and once as the default identity (frameworks that
// authenticate before routing answer 401 to the first, their 404 page to
// the second). An answer of the same status, type and shape says nothing
// about the operation it was meant for: an empty path segment, a
// parameter the router refuses, the framework's own error page.
type unrouted struct {
	mu  sync.RWMutex
	fps map[bool]oracle.Fingerprint // credentials sent -> fingerprint
}

// noRoute is the path the fingerprints are taken at: two segments no API
// routes, so that neither a root handler nor a catch-all parameter on
// the first level takes it.
func (e *Engine) noRoute() string {
	return fmt.Sprintf("/specter-no-such-route-%x/specter-no-such-route", uint32(e.cfg.Generate.Seed))
}

// measureUnrouted takes the fingerprint for one identity ("" the default
// one, plan.NoCredentials none). It sends one GET.
func (e *Engine) measureUnrouted(ctx context.Context, identity string) error {
	t := &plan.Target{Op: &surface.Operation{Method: http.MethodGet, Path: e.noRoute()}}
	t.Seal()
	c := &plan.Case{Seq: -1000, Phase: plan.PhaseAccounts, Target: t, Method: http.MethodGet, Identity: identity,
		Mutation: "a path no route matches, to know the framework's own answer", Intent: plan.IntentUnknown}
	x, err := e.exec.Do(ctx, c)
	e.log.record(x, e.resolve(identity), true)
	if err != nil || x == nil || x.Status == 0 {
		return err
	}
	e.stats.extra.Add(1)
	e.stats.resent.Add(int64(len(x.Earlier)))
	fp := oracle.FingerprintOf(x)
	e.unrouted.mu.Lock()
	if e.unrouted.fps == nil {
		e.unrouted.fps = map[bool]oracle.Fingerprint{}
	}
	e.unrouted.fps[identity != plan.NoCredentials] = fp
	e.unrouted.mu.Unlock()
	return nil
}

// Unrouted implements oracle.Env.
func (e *Engine) Unrouted(x *execute.Exchange) bool {
	if x == nil || x.Status == 0 || x.Case == nil {
		return false
	}
	if x.Status >= 200 && x.Status <= 299 {
		return false
	}
	e.unrouted.mu.RLock()
	fp, ok := e.unrouted.fps[x.Case.Identity != plan.NoCredentials]
	if !ok {
		fp, ok = e.unrouted.fps[false]
	}
	e.unrouted.mu.RUnlock()
	if !ok || fp.Status != x.Status {
		return false
	}
	return oracle.FingerprintOf(x) == fp
}
