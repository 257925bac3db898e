package security

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// serializedOrigin matches what a browser can put in an Origin header:
// scheme://host[:port], nothing after it.
var serializedOrigin = regexp.MustCompile(`^https?://[a-z0-9.-]+(:[0-9]+)?$`)

func TestLookAlikes(t *testing.T) {
	tests := []struct {
		allowed string
		want    []string // must all be among the look-alikes
		notWant []string
	}{
		{"https://app.example.com", []string{
			"https://app.example.com.specter-probe.invalid",
			"https://specterprobeexample.com",
			"https://specter.example.com.specter-probe.invalid",
			"null",
		}, []string{"https://app.example.com", "https://example.com"}},
		{"https://example.com", []string{
			"https://example.com.specter-probe.invalid",
			"https://specterprobeexample.com",
		}, []string{"https://example.com"}},
		// The port follows the host: "host:3000.attacker" is no origin at
		// all, a browser never sends it, and an allow-list matched by
		// prefix against "http://localhost:3000" cannot be abused.
		{"http://localhost:3000", []string{
			"http://localhost.specter-probe.invalid:3000",
			"http://specterprobelocalhost:3000",
			"null",
		}, []string{"http://localhost:3000.specter-probe.invalid"}},
		{"https://app.example.com:8443", []string{
			"https://app.example.com.specter-probe.invalid:8443",
			"https://specterprobeexample.com:8443",
		}, nil},
		{"not a url", []string{"null"}, nil},
	}
	for _, tt := range tests {
		got := lookAlikes(tt.allowed)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("lookAlikes(%q) = %q, missing %q", tt.allowed, got, w)
			}
		}
		for _, w := range tt.notWant {
			if slices.Contains(got, w) {
				t.Errorf("lookAlikes(%q) = %q, has %q", tt.allowed, got, w)
			}
		}
		for _, v := range got {
			if v != "null" && !serializedOrigin.MatchString(v) {
				t.Errorf("lookAlikes(%q): %q is not an origin a browser sends (scheme://host[:port])", tt.allowed, v)
			}
			u, err := url.Parse(v)
			if v != "null" && (err != nil || u.Hostname() == "" || strings.HasSuffix("."+u.Hostname(), "."+registrable(mustHost(t, tt.allowed)))) {
				t.Errorf("lookAlikes(%q): %q is not outside the allowed site", tt.allowed, v)
			}
		}
	}
}

func mustHost(t *testing.T, s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return "\x00" // nothing is under it
	}
	return u.Hostname()
}

func TestRegistrable(t *testing.T) {
	for in, want := range map[string]string{
		"app.example.com":   "example.com",
		"example.com":       "example.com",
		"a.b.c.example.org": "example.org",
		"localhost":         "localhost",
	} {
		if got := registrable(in); got != want {
			t.Errorf("registrable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOwnOrigins(t *testing.T) {
	api := &surface.API{Servers: []surface.Server{{URL: "https://api.shop.example.com/v1"}, {URL: "/relative"}, {URL: "http://127.0.0.1:8080"}}}
	o := NewCORS(Config{CORSOrigins: []string{"https://front.example.net/"}, TargetURL: "http://localhost:3000"})
	got := o.ownOrigins(&plan.Target{API: api, Op: &surface.Operation{Method: "GET", Path: "/x"}})
	want := []string{
		"https://front.example.net", // configured first, trailing slash dropped
		"https://api.shop.example.com",
		"https://example.com", "https://app.example.com", "https://www.example.com", "https://api.example.com",
		"http://127.0.0.1:8080", // an IP: no front ends guessed
		"http://localhost:3000",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ownOrigins =\n %q\nwant\n %q", got, want)
	}
	// An IP or localhost target has no registrable domain to guess.
	o = NewCORS(Config{TargetURL: "http://127.0.0.1:8080"})
	got = o.ownOrigins(&plan.Target{Op: &surface.Operation{Method: "GET", Path: "/x"}})
	if !slices.Equal(got, []string{"http://127.0.0.1:8080"}) {
		t.Errorf("ownOrigins for an IP target = %q", got)
	}
}

// corsServer answers every request with the CORS headers allow gives for
// its Origin ("" for none), with credentials allowed.
func corsServer(allow func(origin string) string) func(c *plan.Case) *execute.Exchange {
	return func(c *plan.Case) *execute.Exchange {
		origin := ""
		for _, h := range c.Headers {
			if strings.EqualFold(h.Name, "Origin") {
				origin = h.Value
			}
		}
		h := http.Header{}
		if a := allow(origin); a != "" {
			h.Set("Access-Control-Allow-Origin", a)
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		return &execute.Exchange{Case: c, Status: 200, Header: h, Body: []byte(`{"ok":true}`)}
	}
}

func exact(list ...string) func(string) string {
	return func(o string) string {
		if slices.Contains(list, o) {
			return o
		}
		return ""
	}
}

func TestCORSDecisions(t *testing.T) {
	const front = "https://app.example.com"
	tests := []struct {
		name  string
		cfg   Config
		allow func(origin string) string
		want  string // rule, "" for none
		shows string // the message names it
	}{
		{"exact allow-list", Config{CORSOrigins: []string{front}}, exact(front), "", ""},
		{"exact allow-list of the target's front ends", Config{TargetURL: "https://api.example.com"}, exact("https://www.example.com"), "", ""},
		{"reflects any origin", Config{}, func(o string) string { return o }, RuleCORSCredentials, "https://specter-probe.invalid"},
		// Browsers refuse "*" with credentials: nothing is exposed.
		{"wildcard with credentials", Config{CORSOrigins: []string{front}}, func(string) string { return "*" }, "", ""},
		{"suffix match on the registrable domain", Config{CORSOrigins: []string{front}},
			func(o string) string { return pick(strings.HasSuffix(o, "example.com"), o) }, RuleCORSOriginBypass, "specterprobeexample.com"},
		{"prefix match", Config{CORSOrigins: []string{front}},
			func(o string) string { return pick(strings.HasPrefix(o, front), o) }, RuleCORSOriginBypass, "app.example.com.specter-probe.invalid"},
		{"subdomain pattern open at the end", Config{CORSOrigins: []string{front}},
			func(o string) string { return pick(regexp.MustCompile(`^https://.*\.example\.com`).MatchString(o), o) }, RuleCORSOriginBypass, ".specter-probe.invalid"},
		{"null allowed", Config{CORSOrigins: []string{front}}, exact(front, "null"), RuleCORSOriginBypass, "look-alike null"},
		// A suffix match on the whole front-end host lets in only hosts
		// under example.com ("xapp.example.com"): no origin an attacker
		// owns, and browsers put no path in an Origin.
		{"suffix match on the whole host", Config{CORSOrigins: []string{front}},
			func(o string) string { return pick(strings.HasSuffix(o, "app.example.com"), o) }, "", ""},
		// A prefix that ends with the port cannot be extended into
		// another host.
		{"prefix match with the port", Config{CORSOrigins: []string{"http://localhost:3000"}},
			func(o string) string { return pick(strings.HasPrefix(o, "http://localhost:3000"), o) }, "", ""},
		{"prefix match without the port", Config{CORSOrigins: []string{"http://localhost:3000"}},
			func(o string) string { return pick(strings.HasPrefix(o, "http://localhost"), o) }, RuleCORSOriginBypass, "localhost.specter-probe.invalid:3000"},
		{"reflects but no credentials", Config{CORSOrigins: []string{front}}, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer := corsServer(tt.allow)
			if tt.allow == nil { // echoes the Origin, without Allow-Credentials
				answer = func(c *plan.Case) *execute.Exchange {
					h := http.Header{}
					for _, p := range c.Headers {
						if p.Name == "Origin" {
							h.Set("Access-Control-Allow-Origin", p.Value)
						}
					}
					return &execute.Exchange{Case: c, Status: 200, Header: h}
				}
			}
			env := &fakeEnv{answer: answer}
			o := NewCORS(tt.cfg)
			tg := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/account"}}
			c := &plan.Case{Seq: 3, Target: tg, Method: "GET", Phase: plan.PhaseExamples}
			o.Check(context.Background(), &oracle.Observation{Exchange: &execute.Exchange{Case: c, Status: 200}}, env)
			o.Finish(context.Background(), env)
			var got []string
			for _, v := range env.verdicts {
				got = append(got, v.Rule)
				if v.Rule == tt.want && !strings.Contains(v.Message, tt.shows) {
					t.Errorf("message %q does not name %q", v.Message, tt.shows)
				}
			}
			if tt.want == "" && len(got) > 0 {
				t.Errorf("verdicts %q, want none: %s", got, env.verdicts[0].Message)
			}
			if tt.want != "" && !slices.Equal(got, []string{tt.want}) {
				t.Errorf("verdicts %q, want [%s]", got, tt.want)
			}
		})
	}
}

func pick(ok bool, o string) string {
	if ok {
		return o
	}
	return ""
}
