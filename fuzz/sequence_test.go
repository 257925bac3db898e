package fuzz

import (
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func stepOf(t *testing.T, title, identity, method, rawURL string, header http.Header, body string, status int, yields ...plan.Yield) *plan.Step {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	req := &http.Request{Method: method, URL: u, Header: header}
	st := plan.NewStep(title, identity, req, []byte(body), status)
	st.Yields = yields
	return st
}

// A create-read sequence as the run played it: a sign-up and a login of
// the run's own account, a create with the login's token, then the read
// that shows the problem.
func crudSequence(t *testing.T) ([]*plan.Step, *execute.Exchange) {
	const pw, token = "Sp3cter-pw!9", "eyJhbGciOiJIUzI1NiJ9.tok.sig"
	signup := stepOf(t, "sign up specter-a", "specter-a", "POST", "http://api.test/signup", http.Header{"Content-Type": {"application/json"}},
		`{"username":"specter-a","password":"`+pw+`"}`, 201, plan.Yield{Name: "password", Value: pw, Secret: true})
	login := stepOf(t, "log in specter-a", "specter-a", "POST", "http://api.test/login", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		"username=specter-a&password="+url.QueryEscape(pw), 200, plan.Yield{Name: "token", Value: token, From: "/data/access_token", Secret: true})
	create := stepOf(t, "POST /books", "specter-a", "POST", "http://api.test/books", http.Header{"Authorization": {"Bearer " + token}},
		`{"title":"Dune"}`, 201, plan.Yield{Name: "id", Value: "42", From: "/id"})
	tg := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/books/{id}"}}
	tg.Seal()
	c := &plan.Case{Seq: 17, Phase: plan.PhaseStateful, Target: tg, Method: "GET", Mutation: "read as specter-b"}
	u, _ := url.Parse("http://api.test/books/42")
	req := &http.Request{Method: "GET", URL: u, Header: http.Header{"Authorization": {"Bearer " + token}}}
	x := &execute.Exchange{Case: c, Request: req, Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id":42,"title":"Dune"}`)}
	return []*plan.Step{signup, login, create}, x
}

func TestSequenceScript(t *testing.T) {
	steps, x := crudSequence(t)
	for _, show := range []bool{false, true} {
		got := Sequence(steps, x, 5, show)
		want := []string{
			"seed 5, case 17, phase stateful: read as specter-b\n",
			"# 4 requests: run them in order",
			"# 1. sign up specter-a: answered 201\n",
			`--data-raw '{"username":"specter-a","password":"'"$PASSWORD_SPECTER_A"'"}'`,
			// The form-encoded login carries the variable too, and its
			// token is read from the answer with jq.
			"# 2. log in specter-a: answered 200\nTOKEN_SPECTER_A=$(curl -sS -X 'POST' 'http://api.test/login'",
			`password='"$PASSWORD_SPECTER_A"'' | jq -r '.data.access_token')`,
			"# 3. POST /books as specter-a: answered 201; gave id=42 (/id)\n",
			`-H 'Authorization: Bearer '"$TOKEN_SPECTER_A"`,
			// The default identity is the one the sequence logged in.
			"# 4. the request that shows the problem\ncurl -sS 'http://api.test/books/42' -H 'Authorization: Bearer '\"$TOKEN_SPECTER_A\"\n",
			`response: 200 OK, application/json`,
		}
		if show {
			want = append(want, "# The passwords of the accounts the run signed up:\nPASSWORD_SPECTER_A='Sp3cter-pw!9'\n")
		} else {
			want = append(want, "are redacted: set them (or rerun with --show-secrets).\nPASSWORD_SPECTER_A='Sp3c…'\n")
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("show=%v: the script lacks %q:\n%s", show, w, got)
			}
		}
		// The secrets show only where the script sets them.
		if n := strings.Count(got, "Sp3cter-pw"); n != map[bool]int{false: 0, true: 1}[show] {
			t.Errorf("show=%v: the password shows %d times:\n%s", show, n, got)
		}
		if strings.Contains(got, "eyJhbGci") || strings.Contains(got, url.QueryEscape("Sp3cter-pw!9")) {
			t.Errorf("show=%v: a token or an encoded password in the script:\n%s", show, got)
		}
	}
	// Sent as another identity, or without credentials, the script says so.
	x.Case.Identity = "specter-b"
	if got := Sequence(steps, x, 5, false); !strings.Contains(got, "# 4. the request that shows the problem, as specter-b\n") {
		t.Errorf("identity not named:\n%s", got)
	}
	x.Case.Identity = plan.NoCredentials
	if got := Sequence(steps, x, 5, false); !strings.Contains(got, ", without credentials\n") {
		t.Errorf("no credentials not said:\n%s", got)
	}
}

// The token a login answers with is read at its JSON pointer with jq
// (the jq 1.6 that Debian and Ubuntu ship reads no ".a.[0]"), or from
// the Set-Cookie header.
func TestExtractToken(t *testing.T) {
	for _, tt := range []struct{ from, want string }{
		{"/token", `cmd | jq -r '.token'`},
		{"/data/access_token", `cmd | jq -r '.data.access_token'`},
		{"/data/0/token", `cmd | jq -r '.data[0].token'`},
		{"/0/token", `cmd | jq -r '.[0].token'`},
		{"/auth/access-token", `cmd | jq -r '.auth["access-token"]'`},
		{"/a~1b/x~0y", `cmd | jq -r '.["a/b"]["x~y"]'`},
		{"", `cmd | jq -r '.'`},
		{"cookie session", `cmd -o /dev/null -D - | sed -n 's/^[Ss]et-[Cc]ookie: session=\([^;]*\).*/\1/p'`},
	} {
		if got := extract("cmd", tt.from); got != tt.want {
			t.Errorf("extract(%q) = %s, want %s", tt.from, got, tt.want)
		}
	}
	// Where jq is installed, the filters run on it.
	jq, err := exec.LookPath("jq")
	if err != nil {
		return
	}
	doc := `{"token":"t1","data":[{"token":"t2"}],"auth":{"access-token":"t3"},"a/b":{"x~y":"t4"}}`
	for from, want := range map[string]string{"/token": "t1", "/data/0/token": "t2", "/auth/access-token": "t3", "/a~1b/x~0y": "t4"} {
		cmd := extract("cmd", from)
		_, filter, _ := strings.Cut(cmd, "jq -r ")
		filter = strings.Trim(filter, "'")
		run := exec.Command(jq, "-r", filter)
		run.Stdin = strings.NewReader(doc)
		out, err := run.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("jq %s: %s %v, want %s", filter, out, err, want)
		}
	}
}

func TestVarName(t *testing.T) {
	for id, want := range map[string]string{"": "TOKEN_DEFAULT", "specter-a": "TOKEN_SPECTER_A", "bob@example.com": "TOKEN_BOB_EXAMPLE_COM", "Ünï": "TOKEN__N_"} {
		if got := varName("TOKEN", id); got != want {
			t.Errorf("varName(%q) = %s, want %s", id, got, want)
		}
	}
}
