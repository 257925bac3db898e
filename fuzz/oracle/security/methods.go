package security

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// UndocumentedMethods asks, at the end of the run, every path of the spec
// for the methods it does not document, as the default identity, and
// reports those the target routes to a handler: shadow operations that
// frameworks add on their own (a generated CRUD controller, a REST
// resource, a viewset) and that no review of the spec sees. DELETE, PUT,
// PATCH and POST are only asked for at an id that cannot exist (the path
// must end in a parameter), so they touch nothing; GET anywhere, with the
// values the run used for the path's documented operations.
//
// A method is routed when it answers 2xx (not an HTML page), or, for a
// write at an id that cannot exist, the lookup's 404, 409 or 410 or a
// validation 400 or 422, in a shape that is neither the framework's
// answer to a path no route matches nor its answer to the same method at
// such a path; 401, 403, 405 and 501 never count, nor a concrete path a
// documented operation of the method takes ("GET /users/v1/login" is
// "GET /users/v1/{username}").
type UndocumentedMethods struct {
	shadowBase
	cfg Config
}

// NewUndocumentedMethods returns the oracle.
func NewUndocumentedMethods(cfg Config) *UndocumentedMethods { return &UndocumentedMethods{cfg: cfg} }

// Name implements oracle.Oracle.
func (*UndocumentedMethods) Name() string { return "undocumented-methods" }

// Rules implements oracle.Oracle.
func (*UndocumentedMethods) Rules() []string { return []string{RuleUndocumentedMethod} }

// maxMethodProbes bounds the requests of the check in a run.
const maxMethodProbes = 40

// probedMethods are the methods asked for, in order.
var probedMethods = []string{http.MethodGet, http.MethodDelete, http.MethodPut, http.MethodPatch, http.MethodPost}

// Explores implements oracle.Explorer: its probes look for new problems.
func (*UndocumentedMethods) Explores() {}

// Finish implements oracle.Finisher.
func (o *UndocumentedMethods) Finish(ctx context.Context, env oracle.Env) {
	targets := o.spec()
	methods := map[string]map[string]bool{} // path -> documented methods
	first := map[string]*plan.Target{}      // path -> its first operation
	var paths []string
	for _, t := range targets {
		if methods[t.Op.Path] == nil {
			methods[t.Op.Path] = map[string]bool{}
			paths = append(paths, t.Op.Path)
		}
		methods[t.Op.Path][t.Op.Method] = true
		if f := first[t.Op.Path]; f == nil || t.Index < f.Index {
			first[t.Op.Path] = t
		}
	}
	sort.Strings(paths)
	var r routing
	for _, path := range paths {
		_, item := lastParamAtEnd(path)
		documented := make([]string, 0, len(methods[path]))
		for m := range methods[path] {
			documented = append(documented, m)
		}
		sort.Strings(documented)
		for _, m := range probedMethods {
			if methods[path][m] || m != http.MethodGet && (!item || o.cfg.Safe) {
				continue
			}
			if r.sent >= maxMethodProbes {
				env.Note(RuleUndocumentedMethod, fmt.Sprintf("undocumented methods were asked for on the first paths only (at most %d requests)", maxMethodProbes))
				return
			}
			c, ok := o.shadowCase(first[path], m, path, "", env)
			if !ok || capturedBy(targets, c) {
				continue
			}
			at := "with the values of the documented operations"
			c.Mutation = "the undocumented method " + m + ", to learn whether the target routes it"
			if m != http.MethodGet {
				at = "at an id that cannot exist"
				c.Mutation = "the undocumented method " + m + " at an id that cannot exist, to learn whether the target routes it"
			}
			x, routed, err := r.send(ctx, env, c)
			if err != nil {
				return
			}
			if !routed {
				continue
			}
			env.Report(oracle.Verdict{Rule: RuleUndocumentedMethod, Exchange: x, At: c.Target,
				Message: fmt.Sprintf("%s %s answered %d %s, not as the framework answers a request it does not route, though the spec documents only %s there: a shadow operation",
					m, path, x.Status, at, strings.Join(documented, ", "))})
		}
	}
}
