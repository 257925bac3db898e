package generate

import (
	"fmt"
	"hash/fnv"
	"iter"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/internal/safety"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
)

// as says whom the cases of a stage are sent as: identity is the case's
// Identity ("" the default one), name the identity's resolved name, which
// the run's state knows it by.
type as struct {
	identity, name string
}

// Stage is a group of cases the engine sends, and waits for, before it
// starts the next: a phase, or one level of the examples and stateful
// phases, where later requests take the ids earlier ones created.
type Stage struct {
	Phase plan.Phase
	// Name says what the stage sends ("examples: creates").
	Name  string
	Cases iter.Seq[*plan.Case]
}

// exampleLevels order the examples phase producers before consumers:
// creates before lists, lists before the items they name, reads before
// updates, updates before deletes.
var exampleLevels = []string{"creates", "lists", "creates under an object", "item reads", "updates", "deletes"}

func exampleLevel(t *plan.Target) int {
	params := strings.Contains(t.Op.Path, "{")
	switch m := t.Op.Method; {
	case m == http.MethodPost && !params:
		return 0
	case safety.Read(m) && !params:
		return 1
	case m == http.MethodPost:
		return 2
	case safety.Read(m):
		return 3
	case m == http.MethodPut || m == http.MethodPatch:
		return 4
	case m == http.MethodDelete:
		return 5
	}
	return 3
}

// Stages is the plan as the engine sends it: every enabled phase in order
// (the accounts phase is the engine's own), operations round-robin within
// a stage, destructive operations after the others. The examples phase is
// split in levels (exampleLevels); the stateful phase runs, for each of
// the identities (resolved names, the default one first, at most two),
// create, read, update, read back and list on every resource. Case.Seq
// numbers the cases from 0 across stages; stages must be consumed in
// order.
func (g *Generator) Stages(targets []*plan.Target, identities []string) []Stage {
	ordered := append([]*plan.Target(nil), targets...)
	sort.SliceStable(ordered, func(i, j int) bool { return !destructive(ordered[i]) && destructive(ordered[j]) })
	seq := new(int)
	def := as{}
	if len(identities) > 0 {
		def.name = identities[0]
	}
	var out []Stage
	for _, phase := range g.opts.Phases {
		switch phase {
		case plan.PhaseAccounts:
			continue
		case plan.PhaseExamples:
			for lvl, name := range exampleLevels {
				var level []*plan.Target
				for _, t := range ordered {
					if exampleLevel(t) == lvl {
						level = append(level, t)
					}
				}
				if len(level) > 0 {
					out = append(out, Stage{Phase: phase, Name: "examples: " + name, Cases: g.roundRobin(level, phase, def, seq)})
				}
			}
		case plan.PhaseStateful:
			out = append(out, g.statefulStages(ordered, identities, seq)...)
		case plan.PhaseReplay:
			out = append(out, g.replayStages(targets, ordered, def, seq)...)
		default:
			out = append(out, Stage{Phase: phase, Name: phase.String(), Cases: g.roundRobin(ordered, phase, def, seq)})
		}
	}
	return out
}

// replayStages replay the recorded requests. A collection whose test
// scripts set variables is a flow: its requests are replayed one stage
// each, in collection order, so that each takes the values the answers
// before it set (a login's token, a create's id). Other recorded
// requests are one stage, round-robin.
func (g *Generator) replayStages(targets, ordered []*plan.Target, def as, seq *int) []Stage {
	var flow, rest []*plan.Target
	for _, t := range targets {
		if t.Spec == nil && t.Op.Request != nil && t.Op.Request.Runtime != nil {
			flow = append(flow, t)
		}
	}
	sort.SliceStable(flow, func(i, j int) bool { return flow[i].Index < flow[j].Index })
	for _, t := range ordered {
		if t.Spec != nil || t.Op.Request == nil || t.Op.Request.Runtime == nil {
			rest = append(rest, t)
		}
	}
	var out []Stage
	for _, t := range flow {
		out = append(out, Stage{Phase: plan.PhaseReplay, Name: "replay: " + t.Op.Request.Name, Cases: g.roundRobin([]*plan.Target{t}, plan.PhaseReplay, def, seq)})
	}
	if len(rest) > 0 {
		out = append(out, Stage{Phase: plan.PhaseReplay, Name: plan.PhaseReplay.String(), Cases: g.roundRobin(rest, plan.PhaseReplay, def, seq)})
	}
	return out
}

// Cases yields every stage's cases in order, for callers that do not need
// the stages apart (tests, the budget).
func (g *Generator) Cases(targets []*plan.Target) iter.Seq[*plan.Case] {
	return func(yield func(*plan.Case) bool) {
		for _, st := range g.Stages(targets, nil) {
			for c := range st.Cases {
				if !yield(c) {
					return
				}
			}
		}
	}
}

// roundRobin yields the cases of one phase for the targets, one operation
// after the other.
func (g *Generator) roundRobin(targets []*plan.Target, phase plan.Phase, who as, seq *int) iter.Seq[*plan.Case] {
	return func(yield func(*plan.Case) bool) {
		pulls := make([]func() (*plan.Case, bool), 0, len(targets))
		stops := make([]func(), 0, len(targets))
		defer func() {
			for _, stop := range stops {
				stop()
			}
		}()
		for _, t := range targets {
			next, stop := iter.Pull(g.operationCases(t, phase, who))
			pulls, stops = append(pulls, next), append(stops, stop)
		}
		for live := len(pulls); live > 0; {
			live = 0
			for i := range pulls {
				if pulls[i] == nil {
					continue
				}
				c, ok := pulls[i]()
				if !ok {
					pulls[i] = nil
					continue
				}
				live++
				c.Seq = *seq
				*seq++
				if !yield(c) {
					return
				}
			}
		}
	}
}

// resource is a collection with the operations that create, list, read
// and update its objects.
type resource struct {
	collection                 string
	create, list, read, update *plan.Target
	readParam                  string
}

// resources finds the collections the stateful phase exercises: a create
// (a POST whose body is not a sign-up or login: it has no password) and a
// read of one object; lists and updates where the spec has them.
func resources(targets []*plan.Target) []*resource {
	byCol := map[string]*resource{}
	get := func(c string) *resource {
		if byCol[c] == nil {
			byCol[c] = &resource{collection: c}
		}
		return byCol[c]
	}
	for _, t := range targets {
		if t.Spec == nil {
			continue
		}
		path := t.Op.Path
		switch t.Op.Method {
		case http.MethodPost:
			if !hasPasswordField(t) {
				if r := get(learn.CollectionOfCreate(path)); r.create == nil {
					r.create = t
				}
			}
		case http.MethodGet:
			// A list: no parameter, or a collection under an object
			// (/posts/{postId}/comments).
			if !strings.HasSuffix(strings.TrimSuffix(path, "/"), "}") {
				if r := get(strings.TrimSuffix(path, "/")); r.list == nil {
					r.list = t
				}
				continue
			}
			fallthrough
		case http.MethodPut, http.MethodPatch:
			name, ok := lastParamOf(path)
			if !ok || !strings.HasSuffix(strings.TrimSuffix(path, "/"), "{"+name+"}") {
				continue
			}
			col, _ := learn.ParamCollection(path, name)
			r := get(col)
			if t.Op.Method == http.MethodGet && r.read == nil {
				r.read, r.readParam = t, name
			} else if t.Op.Method != http.MethodGet && r.update == nil {
				r.update = t
			}
		}
	}
	var out []*resource
	for _, r := range byCol {
		if r.create != nil && r.read != nil {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		// Parents first: /posts before /posts/{postId}/comments.
		if a, b := strings.Count(out[i].collection, "{"), strings.Count(out[j].collection, "{"); a != b {
			return a < b
		}
		return out[i].collection < out[j].collection
	})
	return out
}

func lastParamOf(path string) (string, bool) {
	segs := learn.Segments(path)
	for i := len(segs) - 1; i >= 0; i-- {
		if n, ok := learn.IsParam(segs[i]); ok {
			return n, true
		}
	}
	return "", false
}

// hasPasswordField reports whether an operation's body takes a password
// (a sign-up, a login, a password change: not a resource's create).
func hasPasswordField(t *plan.Target) bool {
	s := newShape(t, nil)
	if s == nil {
		return false
	}
	for _, f := range s.fields {
		if n := learn.Norm(f.name); strings.Contains(n, "password") || n == "passwd" || n == "pwd" {
			return true
		}
	}
	return false
}

// statefulSteps are the levels of the stateful phase.
var statefulSteps = []string{"create", "read", "update", "read back", "list"}

// statefulStages builds the stateful phase: for each resource and each
// identity, two creates (unique values in the fields that name the
// object, so they do not collide with the examples phase's), a read of
// the identity's object, an update with changed values, a read back and
// a list.
func (g *Generator) statefulStages(targets []*plan.Target, identities []string, seq *int) []Stage {
	res := resources(targets)
	if len(res) == 0 {
		return nil
	}
	whos := []as{{}}
	if len(identities) > 0 {
		whos = []as{{identity: "", name: identities[0]}}
		if len(identities) > 1 {
			whos = append(whos, as{identity: identities[1], name: identities[1]})
		}
	}
	var out []Stage
	for step, name := range statefulSteps {
		step := step
		out = append(out, Stage{Phase: plan.PhaseStateful, Name: "stateful: " + name, Cases: func(yield func(*plan.Case) bool) {
			for _, r := range res {
				for wi, who := range whos {
					var t *plan.Target
					copies := 1
					switch step {
					case 0:
						t, copies = r.create, 2
					case 1, 3:
						t = r.read
					case 2:
						t = r.update
					case 4:
						t = r.list
					}
					if t == nil {
						continue
					}
					for n := 0; n < copies; n++ {
						c, ok := g.statefulCase(t, who, step, wi*copies+n)
						if !ok {
							continue
						}
						c.Seq = *seq
						*seq++
						if !yield(c) {
							return
						}
					}
				}
			}
		}})
	}
	return out
}

// statefulCase is one request of the stateful phase: the operation's
// example as who, with unique values for a create and changed values for
// an update.
func (g *Generator) statefulCase(t *plan.Target, who as, step, n int) (*plan.Case, bool) {
	s := newShape(t, g.opts.State)
	if s == nil || s.recorded {
		return nil, false
	}
	vals := &values{rng: g.rngFor(t, plan.PhaseStateful)}
	d := s.base(vals)
	g.fillLearned(d, s, plan.PhaseStateful, who)
	mutation := statefulSteps[step]
	switch step {
	case 0:
		d.body = distinct(d.body, s.bodySchema, g.tag(who.name, n))
		mutation = "create an object as " + displayIdentity(who)
	case 2:
		d.body = distinct(d.body, s.bodySchema, g.tag(who.name, n)+"u")
		mutation = "update the identity's object as " + displayIdentity(who)
	default:
		mutation += " as " + displayIdentity(who)
	}
	c, err := d.render(t)
	if err != nil {
		return nil, false
	}
	c.Phase, c.Mutation, c.Intent, c.Identity = plan.PhaseStateful, mutation, plan.IntentValid, who.identity
	return c, true
}

func displayIdentity(who as) string {
	if who.name == "" {
		return "the default identity"
	}
	return who.name
}

// tag is a short value unique to the run, the identity and the copy, for
// the fields that name a created object.
func (g *Generator) tag(identity string, n int) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d\x00%s\x00%d", g.opts.Seed, identity, n)
	return strconv.FormatUint(uint64(h.Sum32()&0xfffff), 36)
}

// distinct appends a tag to the free-text string members of a body (those
// without enum, format or pattern), so a create does not collide with an
// earlier one on a unique field, and an update changes something the read
// back can show.
func distinct(body any, schema *openapi3.Schema, tag string) any {
	obj, ok := body.(map[string]any)
	if !ok {
		return body
	}
	out := make(map[string]any, len(obj))
	props := map[string]*openapi3.Schema{}
	if sc := pick(schema); sc != nil {
		for k, p := range sc.Properties {
			if p != nil && p.Value != nil {
				props[k] = pick(p.Value)
			}
		}
	}
	for k, v := range obj {
		out[k] = v
		str, ok := v.(string)
		if !ok {
			continue
		}
		p := props[k]
		if p != nil && (len(p.Enum) > 0 || p.Format != "" || p.Pattern != "") {
			continue
		}
		if n := learn.Norm(k); strings.HasSuffix(n, "id") || strings.Contains(n, "password") || strings.Contains(n, "url") {
			continue
		}
		nv := str + "-" + tag
		if p != nil && p.MaxLength != nil && uint64(len(nv)) > *p.MaxLength {
			if int(*p.MaxLength) <= len(tag) {
				continue
			}
			nv = str[:int(*p.MaxLength)-len(tag)-1] + "-" + tag
		}
		out[k] = nv
	}
	return out
}
