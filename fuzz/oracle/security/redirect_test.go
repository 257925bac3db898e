package security

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func TestRedirectsTo(t *testing.T) {
	for loc, want := range map[string]bool{
		"https://specter-redirect.invalid/landing":             true,
		"//specter-redirect.invalid/landing":                   true,
		`/\specter-redirect.invalid/landing`:                   true, // browsers read \ as /
		"HTTPS://SPECTER-REDIRECT.INVALID":                     true,
		"https://specter-redirect.invalid:443/x":               true,
		"/login?next=https://specter-redirect.invalid":         false,
		"https://app.example.com/?to=specter-redirect.invalid": false,
		"https://specter-redirect.invalid.example.com/":        false,
		"/landing": false,
		"":         false,
	} {
		if got := redirectsTo(loc, redirectHost); got != want {
			t.Errorf("redirectsTo(%q) = %v, want %v", loc, got, want)
		}
	}
}

// TestOpenRedirectDecisions replays a login's next parameter against
// redirect handlers as real ones are written.
func TestOpenRedirectDecisions(t *testing.T) {
	tests := []struct {
		name  string
		next  func(v string) (int, string) // status and Location for a next value
		want  bool
		tries int
	}{
		{"any URL", func(v string) (int, string) { return 302, v }, true, 1},
		{"starts-with-slash check", func(v string) (int, string) {
			if strings.HasPrefix(v, "/") {
				return 302, v
			}
			return 302, "/"
		}, true, 2},
		{"own paths only", func(v string) (int, string) { return 302, "/home" }, false, 2},
		{"quoted in a query", func(v string) (int, string) { return 302, "/login?next=" + v }, false, 2},
		{"refused with 400", func(v string) (int, string) { return 400, "" }, false, 2},
		{"shown in a 200 page", func(v string) (int, string) { return 200, v }, false, 2},
	}
	tg := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/auth/continue"}}
	tg.Seal()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent := 0
			env := &fakeEnv{answer: func(c *plan.Case) *execute.Exchange {
				sent++
				v := ""
				for _, q := range c.Query {
					if q.Name == "next" {
						v = q.Value
					}
				}
				status, loc := tt.next(v)
				h := http.Header{}
				if loc != "" {
					h.Set("Location", loc)
				}
				return &execute.Exchange{Case: c, Status: status, Header: h}
			}}
			o := NewOpenRedirect()
			c := &plan.Case{Seq: 4, Target: tg, Method: "GET", Phase: plan.PhaseExamples, Query: []plan.Param{{Name: "next", Value: "/home"}, {Name: "lang", Value: "en"}}}
			o.Check(context.Background(), &oracle.Observation{Exchange: &execute.Exchange{Case: c, Status: 302}}, env)
			// A request without a redirect-named parameter is no candidate.
			other := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/items"}}
			o.Check(context.Background(), &oracle.Observation{Exchange: &execute.Exchange{Case: &plan.Case{Seq: 1, Target: other, Method: "GET", Query: []plan.Param{{Name: "q", Value: "x"}}}, Status: 200}}, env)
			o.Finish(context.Background(), env)
			vs := env.Verdicts()
			if got := len(vs) == 1; got != tt.want {
				t.Errorf("%d verdicts, want finding %v", len(vs), tt.want)
			}
			if sent != tt.tries {
				t.Errorf("sent %d probes, want %d", sent, tt.tries)
			}
			if len(vs) == 1 && !strings.Contains(vs[0].Message, "Location: ") {
				t.Errorf("message %q", vs[0].Message)
			}
		})
	}
}
