package fuzz

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func loggedExchange(status int, body string) *execute.Exchange {
	tg := &plan.Target{Op: &surface.Operation{Method: "POST", Path: "/login"}}
	tg.Seal()
	c := &plan.Case{Seq: 9, Phase: plan.PhaseExamples, Target: tg, Method: "POST", Mutation: "spec examples"}
	u, _ := url.Parse("http://api.test/login?api_key=k-123456789")
	req := &http.Request{Method: "POST", URL: u, Header: http.Header{"Authorization": {"Bearer tok-abcdefghijkl"}, "Content-Type": {"application/json"}}}
	return &execute.Exchange{Case: c, Request: req, RequestBody: []byte(`{"user":"ann","password":"hunter2-secret"}`),
		Status: status, Header: http.Header{}, Body: []byte(body), Duration: 12 * time.Millisecond}
}

func logLines(t *testing.T, buf *bytes.Buffer) []logLine {
	t.Helper()
	var out []logLine
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var line logLine
		if err := json.Unmarshal([]byte(l), &line); err != nil {
			t.Fatalf("not a JSON line: %s", l)
		}
		out = append(out, line)
	}
	return out
}

// One line per request the target got: the attempts sent again after a
// 429 or a 401 first, saying why, then the last.
func TestRequestLogResentAttempts(t *testing.T) {
	var buf bytes.Buffer
	l := newRequestLog(&buf, false)
	x := loggedExchange(200, `{"ok":true}`)
	first, second := loggedExchange(429, "slow down"), loggedExchange(401, `{"error":"expired"}`)
	first.Resent, second.Resent = "429: sent again after waiting 1s", "401: sent again with renewed credentials"
	x.Earlier = []*execute.Exchange{first, second}
	l.record(x, "alice", false)
	lines := logLines(t, &buf)
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), buf.String())
	}
	for i, want := range []struct {
		status int
		resent string
	}{{429, first.Resent}, {401, second.Resent}, {200, ""}} {
		got := lines[i]
		if got.Status != want.status || got.Resent != want.resent || got.Seq != 9 || got.Identity != "alice" || got.Phase != "examples" ||
			got.Operation != "POST /login" || got.DurationMS != 12 || got.Probe {
			t.Errorf("line %d: %+v", i, got)
		}
	}
	if !strings.Contains(buf.String(), `"response":"slow down"`) {
		t.Errorf("the 429's answer is not logged:\n%s", buf.String())
	}
}

// Credentials never show unless --show-secrets: the credential headers
// and query parameters, the secrets the run was given wherever they
// are, credential-named members of the answer.
func TestRequestLogMasksSecrets(t *testing.T) {
	given := []string{"hunter2-secret"}
	answer := `{"token":"eyJhbGciOiJIUzI1NiJ9.payload.sig","echo":"hunter2-secret"}`
	for _, show := range []bool{false, true} {
		var buf bytes.Buffer
		l := newRequestLog(&buf, show)
		l.secrets = func() []string { return given }
		l.record(loggedExchange(200, answer), "", true)
		out := buf.String()
		for _, secret := range []string{"tok-abcdefghijkl", "k-123456789", "hunter2-secret", "eyJhbGciOiJIUzI1NiJ9.payload.sig"} {
			if strings.Contains(out, secret) != show {
				t.Errorf("show=%v: %q in the log is %v:\n%s", show, secret, !show, out)
			}
		}
		if lines := logLines(t, &buf); len(lines) != 1 || !lines[0].Probe {
			t.Errorf("show=%v: lines %+v", show, lines)
		}
	}
}

// Only a prefix of a long answer is logged: a secret the cut runs
// through must not show its first part.
func TestRequestLogMasksBeforeCutting(t *testing.T) {
	for _, tt := range []struct{ name, answer, secret string }{
		{"a secret the run was given", strings.Repeat("x", maxLoggedResponse-8) + `"hunter2-secret"`, "hunter2"},
		{"a credential member", strings.Repeat(" ", maxLoggedResponse-27) + `{"access_token":"eyJhbGciOiJIUzI1NiJ9.payload.sig"}`, "eyJhbGci"},
	} {
		var buf bytes.Buffer
		l := newRequestLog(&buf, false)
		l.secrets = func() []string { return []string{"hunter2-secret"} }
		l.record(loggedExchange(200, tt.answer), "", false)
		lines := logLines(t, &buf)
		if len(lines) != 1 {
			t.Fatalf("%s: %d lines", tt.name, len(lines))
		}
		if len(lines[0].Response) > maxLoggedResponse+8 {
			t.Errorf("%s: %d bytes of the answer logged", tt.name, len(lines[0].Response))
		}
		if strings.Contains(lines[0].Response, tt.secret) {
			t.Errorf("%s: the cut answer shows part of the secret: %q", tt.name, lines[0].Response)
		}
	}
}

func TestRequestLogNothingToLog(t *testing.T) {
	var nilLog *requestLog
	nilLog.record(loggedExchange(200, ""), "", false) // no log: no panic
	if newRequestLog(nil, false) != nil {
		t.Error("a log without a writer")
	}
	var buf bytes.Buffer
	l := newRequestLog(&buf, false)
	l.record(nil, "", false)
	l.record(&execute.Exchange{}, "", false)
	if buf.Len() != 0 {
		t.Errorf("logged %s", buf.String())
	}
	// A request that got no answer is logged with its error.
	x := loggedExchange(0, "")
	x.Err = context_deadline{}
	l.record(x, "", false)
	if lines := logLines(t, &buf); len(lines) != 1 || lines[0].Error != "deadline" || lines[0].Status != 0 {
		t.Errorf("lines %+v", lines)
	}
}

type context_deadline struct{}

func (context_deadline) Error() string { return "deadline" }

// The same for a finding's response excerpt.
func TestResponseExcerptRedactsBeforeCutting(t *testing.T) {
	x := loggedExchange(200, strings.Repeat(" ", maxResponseBody-27)+`{"access_token":"eyJhbGciOiJIUzI1NiJ9.payload.sig"}`)
	if got := responseExcerpt(x, false); strings.Contains(got, "eyJhbGci") || !strings.HasSuffix(got, "…") {
		t.Errorf("excerpt %q", got[len(got)-40:])
	}
	if got := responseExcerpt(x, true); !strings.Contains(got, "eyJhbGciOi") {
		t.Errorf("--show-secrets excerpt %q", got[len(got)-40:])
	}
}
