package security

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/specterhq/specter/fuzz/oracle"
)

// HiddenAdmin asks, at the end of the run and as the low-privilege
// identity, for the administrative twins of the spec's operations that
// the spec does not list: the path with its user segment turned into
// "admin" (/api/v2/user/videos/{id} -> /api/v2/admin/videos/{id}, crAPI's
// hidden video delete) or with "admin" after its version or api prefix
// (/api/v2/orders -> /api/v2/admin/orders). One that answers as a routed
// handler is a function-level authorization failure on an operation no
// review saw (fuzz/bfla). Writes go only at an id that cannot exist, so
// they touch nothing; GETs carry the documented operation's values.
type HiddenAdmin struct {
	shadowBase
	cfg Config
}

// NewHiddenAdmin returns the oracle.
func NewHiddenAdmin(cfg Config) *HiddenAdmin { return &HiddenAdmin{cfg: cfg} }

// Name implements oracle.Oracle.
func (*HiddenAdmin) Name() string { return "hidden-admin" }

// Rules implements oracle.Oracle.
func (*HiddenAdmin) Rules() []string { return []string{RuleBFLA} }

// Explores implements oracle.Explorer: its probes look for new problems.
func (*HiddenAdmin) Explores() {}

// maxAdminProbes bounds the requests of the check in a run.
const maxAdminProbes = 30

// userSegments are path segments that name the caller's own side of an
// API, whose administrative twin is the same path under "admin".
var userSegments = map[string]bool{"user": true, "users": true, "me": true, "my": true, "account": true, "accounts": true,
	"customer": true, "customers": true, "member": true, "members": true}

var prefixSegment = regexp.MustCompile(`^(?i:api|v[0-9]+(?:\.[0-9]+)?)$`)

// adminTwins are the undocumented administrative paths tried for a path:
// its first user segment replaced by "admin" (/user/videos/{id} ->
// /admin/videos/{id}), or "admin" put before it when a parameter follows
// (/users/{id} -> /admin/users/{id}); and "admin" inserted after its api or
// version prefix. A path that has an admin segment has none.
func adminTwins(path string) []string {
	segs := strings.Split(path, "/")
	for _, s := range segs {
		if strings.EqualFold(s, "admin") {
			return nil
		}
	}
	var out []string
	add := func(p string) {
		for _, have := range out {
			if have == p {
				return
			}
		}
		out = append(out, p)
	}
	for i, s := range segs {
		if !userSegments[strings.ToLower(s)] {
			continue
		}
		if i+1 < len(segs) && segs[i+1] != "" && !strings.HasPrefix(segs[i+1], "{") {
			// /user/videos/{id}: the caller's videos; admin/videos are all.
			q := append([]string(nil), segs...)
			q[i] = "admin"
			add(strings.Join(q, "/"))
		} else {
			// /users/{id}: the collection itself, under admin.
			add(strings.Join(append(append(append([]string(nil), segs[:i]...), "admin"), segs[i:]...), "/"))
		}
		break
	}
	at := 0
	for i := 1; i < len(segs) && i <= 3; i++ {
		if prefixSegment.MatchString(segs[i]) {
			at = i
		}
	}
	if at > 0 && at < len(segs)-1 {
		q := append(append(append([]string(nil), segs[:at+1]...), "admin"), segs[at+1:]...)
		add(strings.Join(q, "/"))
	}
	return out
}

// Finish implements oracle.Finisher.
func (o *HiddenAdmin) Finish(ctx context.Context, env oracle.Env) {
	low := lowPrivilege(o.cfg, env.Roster())
	if low == "" {
		env.Note(RuleBFLA, "hidden administrative paths not tried: no low-privilege identity (--low-privilege, or a sign-up operation for the run's own accounts)")
		return
	}
	targets := o.spec()
	sort.SliceStable(targets, func(i, j int) bool { return targets[i].Index < targets[j].Index })
	paths := map[string]bool{}
	for _, t := range targets {
		paths[t.Op.Path] = true
	}
	tried := map[string]bool{}
	var r routing
	for _, t := range targets {
		write := t.Op.Method != http.MethodGet
		if write && o.cfg.Safe {
			continue
		}
		for _, path := range adminTwins(t.Op.Path) {
			key := t.Op.Method + " " + path
			if paths[path] || tried[key] {
				continue // documented (any method), or already asked
			}
			tried[key] = true
			if r.sent >= maxAdminProbes {
				env.Note(RuleBFLA, fmt.Sprintf("hidden administrative paths were tried for the first operations only (at most %d requests)", maxAdminProbes))
				return
			}
			c, ok := o.shadowCase(t, t.Op.Method, path, low, env)
			if !ok || capturedBy(targets, c) {
				continue // a write that names no object there, or a documented route
			}
			at := "with the values of " + t.Key()
			c.Mutation = "the administrative twin " + path + " of " + t.Key() + ", as " + low
			if write {
				at = "at an id that cannot exist (the lookup ran, so no role check stopped it first)"
				c.Mutation += ", at an id that cannot exist"
			}
			x, routed, err := r.send(ctx, env, c)
			if err != nil {
				return
			}
			if !routed {
				continue
			}
			env.Report(oracle.Verdict{Rule: RuleBFLA, Exchange: x, At: c.Target, Key: "hidden",
				Message: fmt.Sprintf("%s %s, an administrative twin of %s that the spec does not list, answered %d to the low-privilege identity %s %s: a hidden privileged operation without a role check",
					c.Method, path, t.Key(), x.Status, low, at)})
		}
	}
}
