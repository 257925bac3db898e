package inventory

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/rules"
)

func agentsSpec(t *testing.T) string { return filepath.Join(fixtures, "agents.openapi.yaml") }

// clientRules are the rules of the agents' view.
var clientRules = map[string]bool{
	RuleInventoryOverPrivileged:   true,
	RuleInventoryLongLivedToken:   true,
	RuleInventoryAgentBurst:       true,
	RuleInventorySharedCredential: true,
}

// clientBrief renders a client finding as "rule: message".
func clientBriefs(fs []rules.Finding) []string {
	var out []string
	for _, f := range fs {
		if clientRules[f.RuleID] {
			out = append(out, strings.TrimPrefix(f.RuleID, "inventory/")+": "+f.Message)
		}
	}
	return out
}

// The agents' traffic gives the same client findings and clients in every
// format that carries credentials.
func TestSameClientsInEveryFormat(t *testing.T) {
	surf := load(t, agentsSpec(t))
	want, wantSum := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "agents.har"))}})
	if len(clientBriefs(want)) < 5 {
		t.Fatalf("only %d client findings from the HAR file: %v", len(clientBriefs(want)), clientBriefs(want))
	}
	for _, file := range []string{"agents.otlp.jsonl", "agents.envoy.jsonl"} {
		t.Run(file, func(t *testing.T) {
			got, sum := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, file))}})
			if g, w := strings.Join(comparable(got), "\n"), strings.Join(comparable(want), "\n"); g != w {
				t.Errorf("findings differ from the HAR file's:\n got:\n%s\nwant:\n%s", g, w)
			}
			if g, w := fmt.Sprintf("%+v", sum.Clients), fmt.Sprintf("%+v", wantSum.Clients); g != w {
				t.Errorf("clients differ:\n got: %s\nwant: %s", g, w)
			}
		})
	}
}

// Each client rule fires on its planted client, and the twin next to it
// does not.
func TestClientFindings(t *testing.T) {
	surf := load(t, agentsSpec(t))
	fs, sum := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "agents.har"))}})
	got := clientBriefs(fs)
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"over-privileged-client: agent support-bot holds scope(s) admin, orders:write, refunds:write that the 2 documented operation(s) it called do not need; least privilege: orders:read",
		"long-lived-token: agent support-bot used a token valid for 30d (exp - iat), above the 24h allowed for agents",
		"agent-burst: agent support-bot made 120 call(s) in the minute from 2024-06-01T09:31:00Z, 60× its median of 2 per active minute (31 active minute(s))",
		"credential-shared-by-clients: api key pk_live_… (#ccd4) was used from 3 user agent(s) and 1 source host(s) in 9 request(s)",
		"credential-shared-by-clients: a token of nightly-sync was used from 1 user agent(s) and 3 source host(s) in 6 request(s)",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in\n%s", want, all)
		}
	}
	for _, notWant := range []string{
		"triage-agent",      // the scopes it needs, a 1-hour token, a steady rate
		"checkout-web",      // a 7-day token and a burst, but not an agent
		"report-agent",      // no exp, but not an agent without the config's marker
		"hourly-sync",       // two hosts are one client moving between networks
		"pk_live_… (#0f0b)", // one user agent from two hosts
		"stock-sync/1.0",    // the same
	} {
		if strings.Contains(all, notWant) {
			t.Errorf("unexpected finding about %q:\n%s", notWant, all)
		}
	}
	if len(got) != 5 {
		t.Errorf("%d client findings, want 5:\n%s", len(got), all)
	}
	for _, f := range fs {
		if !clientRules[f.RuleID] {
			continue
		}
		if !strings.HasPrefix(f.Evidence, "client: ") {
			t.Errorf("%s: evidence does not name the client: %s", f.RuleID, f.Evidence)
		}
		if f.Location.File == "" || f.Location.Line == 0 || !strings.HasPrefix(f.Location.Pointer, "/") {
			t.Errorf("%s: no spec location: %+v", f.RuleID, f.Location)
		}
		if len(f.Related) != 1 || f.Related[0].Location.File != "agents.har" || f.Related[0].Location.Line < 3 {
			t.Errorf("%s: no traffic location: %+v", f.RuleID, f.Related)
		}
	}
	byRule := map[string]rules.Finding{}
	for _, f := range fs {
		byRule[f.RuleID] = f
	}
	for rule, pointer := range map[string]string{
		RuleInventoryOverPrivileged: "/components/securitySchemes/oauth",
		RuleInventoryLongLivedToken: "/components/securitySchemes/oauth",
		RuleInventoryAgentBurst:     "/paths/~1orders~1{orderId}/get",
	} {
		if got := byRule[rule].Location.Pointer; got != pointer {
			t.Errorf("%s at %s, want %s", rule, got, pointer)
		}
	}
	if f := byRule[RuleInventoryAgentBurst]; f.Operation == nil || f.Operation.Path != "/orders/{orderId}" {
		t.Errorf("burst should name the operation the agent called most: %+v", f.Operation)
	}
	if len(sum.Clients) != 8 || sum.Clients[0].Name != "support-bot" || sum.Clients[1].Name != "triage-agent" || sum.UnattributedRequests != 0 {
		t.Errorf("clients: %+v", sum.Clients)
	}
	bot := sum.Clients[0]
	if bot.Agent != "claim client_type=ai-agent" || bot.Requests != 180 || bot.PeakPerMinute != 120 || bot.MedianPerMinute != 2 || bot.ActiveMinutes != 31 ||
		strings.Join(bot.RequiredScopes, " ") != "orders:read" || strings.Join(bot.UnusedScopes, " ") != "admin orders:write refunds:write" ||
		bot.MaxTokenLifetime != 30*24*time.Hour || len(bot.Operations) != 2 || bot.Operations[0].Path != "/orders/{orderId}" || bot.Operations[0].Requests != 150 {
		t.Errorf("support-bot: %+v", bot)
	}
}

// Config markers make clients agents; other clients get a lifetime limit
// only when the config sets one.
func TestAgentMarkersAndLifetimeOptions(t *testing.T) {
	surf := load(t, agentsSpec(t))
	src := []Source{fileSource(filepath.Join(fixtures, "agents.har"))}
	fs, sum := scan(t, surf, Options{Traffic: src, AgentMarkers: []AgentMarker{{UserAgent: "reportagent"}, {Client: "hourly-sync"}}})
	all := strings.Join(clientBriefs(fs), "\n")
	if !strings.Contains(all, "long-lived-token: agent report-agent used 1 token(s) without an expiry (no exp claim); agents may hold tokens for at most 24h") {
		t.Errorf("report-agent marked by its user agent should be held to the agent lifetime:\n%s", all)
	}
	agents := map[string]string{}
	for _, c := range sum.Clients {
		agents[c.Name] = c.Agent
	}
	if agents["report-agent"] != "user agent containing reportagent" || agents["hourly-sync"] != "client hourly-sync" || agents["checkout-web"] != "" {
		t.Errorf("agents %v", agents)
	}
	fs, _ = scan(t, surf, Options{Traffic: src, MaxTokenLifetime: 24 * time.Hour, AgentMaxTokenLifetime: 31 * 24 * time.Hour})
	all = strings.Join(clientBriefs(fs), "\n")
	if !strings.Contains(all, "client checkout-web used a token valid for 7d (exp - iat), above the 24h allowed for clients") ||
		!strings.Contains(all, "client report-agent used 1 token(s) without an expiry") || strings.Contains(all, "support-bot used a token") {
		t.Errorf("lifetime limits:\n%s", all)
	}
}

// Sources without credentials group clients by user agent, with no client
// findings; nothing a token or key holds reaches a finding or a summary.
func TestClientsWithoutCredentialsAndNoSecrets(t *testing.T) {
	surf := load(t, shop(t))
	fs, sum := scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "shop.combined.log"))}})
	if len(clientBriefs(fs)) != 0 {
		t.Errorf("client findings from an access log: %v", clientBriefs(fs))
	}
	if len(sum.Clients) != 1 || sum.Clients[0].Name != "shop-app/3.1 (iOS)" || sum.Clients[0].IdentifiedBy != "user agent" || sum.Clients[0].Requests != 57 { // 58 less the CORS preflight
		t.Errorf("clients %+v", sum.Clients)
	}

	surf = load(t, agentsSpec(t))
	fs, sum = scan(t, surf, Options{Traffic: []Source{fileSource(filepath.Join(fixtures, "agents.har"))}})
	out := fmt.Sprintf("%+v %+v", fs, sum)
	raw := string(mustRead(t, "agents.har"))
	for _, secret := range []string{"pk_live_4eC39HqLyjWDarjtT1zdp7dc", "pk_live_9xQ2mBvT7aLpR3sK8dW1yZ5n", "4eC39", "eyJhbGci", "bm90LWEtcmVhbC1zaWduYXR1cmU"} {
		if strings.Contains(raw, secret) && strings.Contains(out, secret) {
			t.Errorf("%q reached the findings or the summary", secret)
		}
	}
	if !strings.Contains(raw, "pk_live_4eC39HqLyjWDarjtT1zdp7dc") {
		t.Fatal("the fixture lost its key; the check above checks nothing")
	}
}

// The number of clients held is bounded; the requests of the others are
// counted.
func TestClientsBounded(t *testing.T) {
	surf := load(t, shop(t))
	var b strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "10.0.0.1 - - [01/Jun/2024:10:00:00 +0000] \"GET /api/v2/health HTTP/1.1\" 200 1 \"-\" \"bot-%d/1.0\"\n", i)
	}
	_, sum := scan(t, surf, Options{Traffic: []Source{stringSource("uas.log", b.String(), "")}, MaxClients: 100})
	if len(sum.Clients) != 100 || sum.ClientsOverflow != 200 {
		t.Errorf("%d clients held, %d requests over the limit", len(sum.Clients), sum.ClientsOverflow)
	}
}

func TestMinuteRate(t *testing.T) {
	var r minuteRate
	for m := int64(0); m < 20; m++ {
		r.add(m, 3)
	}
	r.add(15, 2) // within the ring: counted in its minute
	r.add(25, 90)
	r.add(2, 1) // later than the ring: left out
	r.flush()
	if r.active != 21 || r.peak != 90 || r.peakMinute != 25 || r.median() != 3 || r.late != 1 {
		t.Errorf("active %d peak %d at %d median %d late %d", r.active, r.peak, r.peakMinute, r.median(), r.late)
	}
	var big minuteRate
	for m := int64(0); m < 9; m++ {
		big.add(m, 1000)
	}
	big.flush()
	if med := big.median(); med < 910 || med > 1090 {
		t.Errorf("median %d, want 1000 within 9%%", med)
	}
}
