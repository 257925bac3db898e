package inventory

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzResolve matches arbitrary request targets and routes against the
// matching fixture spec: no panic, and every resolution has a key and a
// template that starts with "/".
func FuzzResolve(f *testing.F) {
	for _, seed := range []string{"/users/me", "/users/%34%32;x=1?q", "//a//b/", "/files/a.b.c", "/jobs/x:cancel", "/%zz/%2F", "/api/v1/name", "", "/"} {
		f.Add("GET", seed, "")
	}
	f.Add("OPTIONS", "/users/1", "/users/{id}")
	f.Add("HEAD", "/x", "{proxy+}")
	f.Add("GET", "/a", "/:b/{c")
	surf := load(&testing.T{}, filepath.Join(fixtures, "matching.openapi.yaml"))
	f.Fuzz(func(t *testing.T, method, target, route string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		r := newRun(New(Options{}).opts, surf)
		res := r.resolver.resolve(method, target, route, method == "OPTIONS")
		if res.kind == kindPreflight {
			return
		}
		if res.key == "" {
			t.Fatalf("%s %s: empty key", method, target)
		}
		if res.kind != kindDocumented && !strings.HasPrefix(res.template, "/") {
			t.Fatalf("%s %s (route %q): template %q", method, target, route, res.template)
		}
		_ = redactPath(parsePath(target).segs)
		_ = string(r.resolver.appendCacheKey(nil, method, target, route, false))
	})
}

// FuzzScan runs the whole scanner, the agents' view included, over
// arbitrary traffic: no panic, and no client finding without a client.
func FuzzScan(f *testing.F) {
	for _, name := range []string{"agents.envoy.jsonl", "agents.otlp.jsonl", "shop.combined.log", "shop.apigateway.jsonl"} {
		data := mustRead(&testing.T{}, name)
		f.Add(data[:min(len(data), 4096)])
	}
	surf := load(&testing.T{}, filepath.Join(fixtures, "agents.openapi.yaml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := New(Options{Traffic: []Source{stringSource("fuzz", string(data), "")}})
		res, err := s.Scan(t.Context(), surf)
		fs := res.Findings
		if err != nil {
			return // unreadable input is an error, not a panic
		}
		for _, f := range fs {
			if clientRules[f.RuleID] && !strings.HasPrefix(f.Evidence, "client: ") {
				t.Fatalf("%s without a client: %+v", f.RuleID, f)
			}
		}
	})
}
