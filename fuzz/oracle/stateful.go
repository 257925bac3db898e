package oracle

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/specterhq/specter/fuzz/plan"
)

// UseAfterDelete reads an object back after the API said it deleted it
// (Schemathesis' use_after_free): a 2xx DELETE /items/{id} followed by a GET
// /items/{id} with the same path parameters and identity that still
// answers 2xx is a soft delete the API does not admit, or a cache serving
// deleted data. It costs one GET per checked DELETE, at most
// maxDeleteChecks per operation, and needs a GET at the same path with no
// required parameter besides the path's.
type UseAfterDelete struct {
	mu      sync.Mutex
	readers map[string]*plan.Target // path template -> its GET operation
	checked map[*plan.Target]int
}

// maxDeleteChecks bounds the GETs the oracle sends per DELETE operation.
const maxDeleteChecks = 3

// Name implements Oracle.
func (*UseAfterDelete) Name() string { return "use-after-delete" }

// Rules implements Oracle.
func (*UseAfterDelete) Rules() []string { return []string{RuleUseAfterDelete} }

// Prepare implements Preparer: it finds, for every path with a DELETE, the
// GET at the same path the check can send without inventing parameters.
func (o *UseAfterDelete) Prepare(_ context.Context, targets []*plan.Target, env Env) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.readers = map[string]*plan.Target{}
	o.checked = map[*plan.Target]int{}
	deletes := 0
	for _, t := range targets {
		switch {
		case t.Op.Method == http.MethodDelete:
			deletes++
		case t.Op.Method == http.MethodGet && t.Spec != nil && onlyPathRequired(t):
			o.readers[t.Op.Path] = t
		}
	}
	if deletes > 0 && len(o.readers) == 0 {
		env.Note(RuleUseAfterDelete, "no DELETE operation has a GET at its path that needs only path parameters; deleted objects are not read back")
	}
}

// onlyPathRequired reports whether an operation needs no parameter besides
// its path parameters.
func onlyPathRequired(t *plan.Target) bool {
	for _, ref := range t.Spec.Parameters {
		if ref != nil && ref.Value != nil && ref.Value.Required && ref.Value.In != "path" {
			return false
		}
	}
	if t.PathItem != nil {
		for _, ref := range t.PathItem.Parameters {
			if ref != nil && ref.Value != nil && ref.Value.Required && ref.Value.In != "path" {
				return false
			}
		}
	}
	return true
}

// Check implements Oracle.
func (o *UseAfterDelete) Check(ctx context.Context, obs *Observation, env Env) {
	c := obs.Case
	if c.Method != http.MethodDelete || obs.Err != nil || obs.Status < 200 || obs.Status > 299 || c.RecordedURL != "" {
		return
	}
	o.mu.Lock()
	reader := o.readers[c.Target.Op.Path]
	if reader == nil || o.checked[c.Target] >= maxDeleteChecks {
		o.mu.Unlock()
		return
	}
	o.checked[c.Target]++
	o.mu.Unlock()
	read := &plan.Case{
		Seq: c.Seq, Phase: c.Phase, Target: reader, Method: http.MethodGet,
		PathParams: append([]plan.Param(nil), c.PathParams...), Identity: c.Identity,
		Mutation: "read back after " + c.Target.Key(), Intent: plan.IntentValid,
	}
	x, err := env.Send(ctx, read)
	if err != nil || x == nil || x.Err != nil || x.Status < 200 || x.Status > 299 {
		return
	}
	env.Report(Verdict{
		Rule: RuleUseAfterDelete, Exchange: obs.Exchange,
		Message: fmt.Sprintf("%s answered %d, yet %s %s then answered %d: the object is still readable after its deletion",
			c.Target.Key(), obs.Status, http.MethodGet, x.Request.URL.Path, x.Status),
	})
}
