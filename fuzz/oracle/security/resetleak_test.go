package security

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// TestResetCodeLeak asks a reset for the run's spare account from
// reset operations that answer as real ones do, and reports those that
// hand the secret back.
func TestResetCodeLeak(t *testing.T) {
	const spare = "specter.v@example.com"
	tests := []struct {
		name   string
		status int
		body   string
		want   string // the member reported, "" for none
	}{
		{"otp in the answer", 200, `{"message":"OTP sent","otp":"4821"}`, "otp"},
		{"numeric otp", 200, `{"status":"ok","data":{"otp":482193}}`, "otp"},
		{"reset token", 201, `{"detail":"Reset requested","reset_token":"q9XvB2mK7LpR4tZsW8yNcE3hJ6aD"}`, "reset_token"},
		{"reset link", 200, `{"sent":true,"link":"https://shop.example.com/reset-password?token=q9XvB2mK7LpR4tZsW8yNcE3hJ6aD"}`, "link"},
		{"code in a message", 200, `{"message":"Your verification code is 550912. It expires in 10 minutes."}`, "message"},
		{"code in plain text", 200, `OTP: 7731`, "the body"},
		{"a string code", 200, `{"code":"0042"}`, "code"},
		{"secure: neutral message", 200, `{"message":"If the account exists, we sent it a link."}`, ""},
		{"secure: crAPI's message", 200, `{"message":"OTP Sent on the provided email, ` + spare + `","status":200}`, ""},
		{"secure: a numbered status", 200, `{"code":1000,"msg":"success"}`, ""},
		{"secure: a request id", 200, `{"message":"sent","request_id":"7f3c2a9e-0d4b-4c1e-9a8f-2b6d5e4c3a21"}`, ""},
		{"secure: the address echoed", 200, `{"email":"` + spare + `","sent":true}`, ""},
		{"secure: the code in an error", 404, `{"otp":"4821"}`, ""},
		{"secure: a link without a secret", 200, `{"link":"https://shop.example.com/help/password"}`, ""},
	}
	reset := &plan.Target{Op: &surface.Operation{Method: "POST", Path: "/auth/forgot-password"}, Spec: &openapi3.Operation{}}
	check := &plan.Target{Op: &surface.Operation{Method: "POST", Path: "/auth/reset-password"}, Spec: &openapi3.Operation{}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []string
			env := &fakeEnv{answer: func(c *plan.Case) *execute.Exchange {
				var in map[string]string
				_ = json.Unmarshal(c.Body, &in)
				asked = append(asked, c.Target.Key()+" "+in["email"])
				h := http.Header{"Content-Type": {"application/json"}}
				return &execute.Exchange{Case: c, Status: tt.status, Header: h, Body: []byte(tt.body)}
			}}
			env.roster = oracle.Roster{Default: "specter-a", Provisioned: []string{"specter-a", "specter-b", "specter-v"}, Spare: "specter-v"}
			env.State().AddAccount("specter-v", true, map[string]string{"email": spare})
			o := NewResetCodeLeak(Config{})
			ctx := context.Background()
			o.Prepare(ctx, []*plan.Target{reset, check}, env)
			for _, c := range []*plan.Case{
				{Seq: 1, Target: reset, Method: "POST", Phase: plan.PhaseExamples, Body: []byte(`{"email":"user@example.com"}`)},
				{Seq: 2, Target: check, Method: "POST", Phase: plan.PhaseExamples, Body: []byte(`{"email":"user@example.com","otp":"1234","password":"N3w-pass!"}`)},
			} {
				o.Check(ctx, &oracle.Observation{Exchange: &execute.Exchange{Case: c, Status: 400}}, env)
			}
			o.Finish(ctx, env)
			if len(asked) != 1 || asked[0] != "POST /auth/forgot-password "+spare {
				t.Fatalf("asked %v, want one reset for the spare account", asked)
			}
			vs := env.Verdicts()
			if tt.want == "" {
				if len(vs) != 0 {
					t.Errorf("verdict %q", vs[0].Message)
				}
				return
			}
			if len(vs) != 1 {
				t.Fatalf("%d verdicts, want 1", len(vs))
			}
			v := vs[0]
			if !strings.Contains(v.Message, "("+tt.want+": ") || len(v.Mask) != 1 || strings.Contains(v.Message, v.Mask[0]) {
				t.Errorf("message %q, mask %v: want the member %s named and the value masked", v.Message, v.Mask, tt.want)
			}
		})
	}
	// --safe sends no reset, and without an account of its own the run
	// says why instead.
	env := &fakeEnv{answer: func(c *plan.Case) *execute.Exchange { t.Fatal("sent"); return nil }}
	o := NewResetCodeLeak(Config{Safe: true})
	o.Prepare(context.Background(), []*plan.Target{reset}, env)
	o.Finish(context.Background(), env)
	o = NewResetCodeLeak(Config{})
	o.Prepare(context.Background(), []*plan.Target{reset}, env)
	o.Check(context.Background(), &oracle.Observation{Exchange: &execute.Exchange{Case: &plan.Case{Seq: 1, Target: reset, Method: "POST", Phase: plan.PhaseExamples, Body: []byte(`{"email":"user@example.com"}`)}, Status: 200}}, env)
	o.Finish(context.Background(), env)
	if len(env.notes) != 1 || !strings.Contains(env.notes[0], "needs an account of the run's own") {
		t.Errorf("notes %v", env.notes)
	}
}
