package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/specterhq/specter/internal/testserver/fastapilike"
	"github.com/specterhq/specter/internal/testserver/staging"
)

// End-to-end tests of the fuzz flags that decide where the spec comes from,
// what the run writes down and which of its own machinery it starts:
// --spec URL, --request-log, --no-accounts, --canary-listen, --canary-url,
// --no-canary, --cors-origin, the summary lines on stderr and the exit
// codes of bad combinations. Runs are kept short (a few phases, --rate 0)
// so the whole file adds a few seconds.

// recorder sits in front of a test server: it counts what reaches the
// server and collects the credentials of the run: the headers it sent
// them in, the tokens the server issued, and the passwords of the
// accounts it signed up and logged in with (not the wrong ones it sends
// to see a login fail).
type recorder struct {
	next http.Handler
	// shortcut answers some requests itself (nil: none).
	shortcut func(r *http.Request, body []byte) (status int, ok bool)

	mu      sync.Mutex
	seen    []string // "METHOD /path"
	secrets map[string]bool
}

func newRecorder(next http.Handler) *recorder {
	return &recorder{next: next, secrets: map[string]bool{}}
}

var jsonSecret = regexp.MustCompile(`"(?:password|access_token|refresh_token|token)"\s*:\s*"([^"]+)"`)

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rc.mu.Lock()
	rc.seen = append(rc.seen, r.Method+" "+r.URL.Path)
	if _, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok {
		rc.secret(tok)
	}
	for _, c := range r.Cookies() {
		rc.secret(c.Value)
	}
	rc.secret(r.Header.Get("X-Api-Key"))
	rc.mu.Unlock()
	if rc.shortcut != nil {
		if status, ok := rc.shortcut(r, body); ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprint(w, `{"detail":"shortcut of the test"}`)
			return
		}
	}
	out := httptest.NewRecorder()
	rc.next.ServeHTTP(out, r)
	rc.mu.Lock()
	if out.Code >= 200 && out.Code <= 299 {
		for _, m := range jsonSecret.FindAllSubmatch(out.Body.Bytes(), -1) {
			rc.secret(string(m[1])) // tokens the server issued
		}
		if r.Method == http.MethodPost && (r.URL.Path == "/register" || r.URL.Path == "/token") {
			for _, m := range jsonSecret.FindAllSubmatch(body, -1) {
				rc.secret(string(m[1])) // a sign-up's password
			}
			if form, err := url.ParseQuery(string(body)); err == nil {
				rc.secret(form.Get("password")) // a login's password
			}
		}
	}
	rc.mu.Unlock()
	for k, v := range out.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(out.Code)
	_, _ = w.Write(out.Body.Bytes())
}

// secret keeps a credential worth looking for (short values such as the
// spec examples' "string" would match by chance).
func (rc *recorder) secret(v string) {
	if len(v) >= 8 {
		rc.secrets[v] = true
	}
}

func (rc *recorder) requests() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.seen...)
}

func (rc *recorder) count(prefix string) int {
	n := 0
	for _, s := range rc.requests() {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func (rc *recorder) credentials() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for s := range rc.secrets {
		out = append(out, s)
	}
	return out
}

// fastapiTarget serves a fresh fastapilike server (it signs up accounts,
// has an SSRF in PUT /menu) behind a recorder, its spec in dir.
//
// The server's regex engine backtracks for real-looking seconds on the
// ReDoS probes of POST /register's phone_number (3 s each, 9 s a run);
// the recorder answers phone numbers longer than any the run signs up
// with 422 at once, as a length limit would.
func fastapiTarget(t *testing.T) (rc *recorder, targetURL, dir string) {
	t.Helper()
	rc = newRecorder(fastapilike.New(fastapilike.Options{}))
	rc.shortcut = func(r *http.Request, body []byte) (int, bool) {
		if r.Method != http.MethodPost || r.URL.Path != "/register" {
			return 0, false
		}
		var b struct {
			Phone string `json:"phone_number"`
		}
		if json.Unmarshal(body, &b) == nil && len(b.Phone) > 16 {
			return http.StatusUnprocessableEntity, true
		}
		return 0, false
	}
	ts := httptest.NewServer(rc)
	t.Cleanup(ts.Close)
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fastapi.json"), fastapilike.Spec(), 0o644); err != nil {
		t.Fatal(err)
	}
	return rc, ts.URL, dir
}

// runFuzz runs `specter fuzz -f json` and decodes the report.
func runFuzz(t *testing.T, dir string, args ...string) (fuzzReport, result) {
	t.Helper()
	res := specter(t, dir, nil, append([]string{"fuzz", "-f", "json", "--rate", "0"}, args...)...)
	var rep fuzzReport
	if res.stdout != "" {
		if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
			t.Fatalf("stdout is not a JSON report: %v\nstdout: %.500s\nstderr: %s", err, res.stdout, res.stderr)
		}
	}
	return rep, res
}

func (r fuzzReport) has(rule, op string) bool {
	for _, f := range r.Findings {
		if f.RuleID == rule && (op == "" || f.Operation != nil && f.Operation.Method+" "+f.Operation.Path == op) {
			return true
		}
	}
	return false
}

func noPanic(t *testing.T, res result) {
	t.Helper()
	if strings.Contains(res.stderr, "panic") || strings.Contains(res.stderr, "goroutine ") {
		t.Errorf("specter panicked:\n%s", res.stderr)
	}
}

// TestFuzzSpecURL: --spec takes the target's own description by URL,
// fetched under the host policy; a URL that does not answer a spec is an
// input error (exit 2) that fuzzes nothing.
func TestFuzzSpecURL(t *testing.T) {
	s, err := staging.New()
	if err != nil {
		t.Fatal(err)
	}
	var basicAuth sync.Map
	mux := http.NewServeMux()
	mux.HandleFunc("GET /docs/openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); ok {
			basicAuth.Store(u+":"+p, true)
		}
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(staging.Spec)
	})
	mux.HandleFunc("GET /docs/status", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status": "ok", "version": "1.4.2"}`)
	})
	mux.HandleFunc("GET /docs/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://93.184.216.34/openapi.yaml", http.StatusFound)
	})
	mux.HandleFunc("/docs/", http.NotFound)
	mux.Handle("/", s)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	base := []string{"--target", ts.URL, "--seed", "5", "--phases", "examples", "--no-accounts", "--no-canary"}

	// The spec by URL, with a password in it: the report locates the
	// findings at the URL, password masked.
	host := strings.TrimPrefix(ts.URL, "http://")
	specURL := "http://reader:e2eSpecUrlPw9@" + host + "/docs/openapi.yaml"
	rep, res := runFuzz(t, dir, append([]string{"--spec", specURL, "--fail-on", "none"}, base...)...)
	if res.code != exitPass {
		t.Fatalf("exit %d, want 0\nstderr: %s", res.code, res.stderr)
	}
	if _, ok := basicAuth.Load("reader:e2eSpecUrlPw9"); !ok {
		t.Error("the URL's user and password were not sent as basic auth")
	}
	if !rep.has("fuzz/undocumented-status", "GET /reports") {
		t.Errorf("the fetched spec was not fuzzed: %v", rep.byOperation())
	}
	for _, f := range rep.Findings {
		if f.Location.File != "http://reader:xxxxx@"+host+"/docs/openapi.yaml" || f.Location.Line == 0 {
			t.Errorf("%s located at %+v, want the spec URL (password masked) and a line", f.RuleID, f.Location)
			break
		}
	}
	if strings.Contains(res.stdout+res.stderr, "e2eSpecUrlPw9") {
		t.Error("the spec URL's password reached the output")
	}

	for _, tt := range []struct {
		name, spec, stderr string
		// probes is how many requests the API may get: an answer that is
		// not a spec leaves a run without operations, which still sends
		// its probe of an unrouted path.
		probes int
	}{
		{"404", ts.URL + "/docs/missing.yaml", "answered 404", 0},
		{"not a spec", ts.URL + "/docs/status", "no OpenAPI document, Postman collection or MCP file found", 1},
		{"redirect off the host", ts.URL + "/docs/moved", "redirect to another host (93.184.216.34) refused", 0},
		{"public host", "http://93.184.216.34/openapi.yaml", "not a loopback or private address", 0},
		{"nothing listening", "http://127.0.0.1:1/openapi.yaml", "connection refused", 0},
		{"not absolute", "http:///openapi.yaml", "not an absolute URL", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := s.Requests()
			rep, res := runFuzz(t, dir, append([]string{"--spec", tt.spec}, base...)...)
			if res.code != exitInputError {
				t.Errorf("exit %d, want 2\nstderr: %s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, res.stderr)
			}
			noPanic(t, res)
			if n := s.Requests() - before; n > tt.probes || len(rep.Findings) > 0 {
				t.Errorf("without a spec the API got %d request(s) and the report has %d finding(s)", n, len(rep.Findings))
			}
		})
	}
}

// logLine is a line of --request-log.
type logLine struct {
	Seq       int    `json:"seq"`
	Phase     string `json:"phase"`
	Probe     bool   `json:"probe"`
	Identity  string `json:"identity"`
	Operation string `json:"operation"`
	Mutation  string `json:"mutation"`
	Curl      string `json:"curl"`
	Status    int    `json:"status"`
	Response  string `json:"response"`
	Resent    string `json:"resent"`
}

func readRequestLog(t *testing.T, path string) (lines []logLine, raw string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l logLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("request log line %d is not JSON: %v\n%.300s", len(lines)+1, err, sc.Text())
		}
		if l.Operation == "" || l.Phase == "" || !strings.HasPrefix(l.Curl, "curl ") {
			t.Errorf("request log line %d lacks operation, phase or curl: %.300s", len(lines)+1, sc.Text())
		}
		lines = append(lines, l)
	}
	return lines, string(data)
}

// summaryCounts reads "N request(s) (+M oracle probes, K skipped)" from
// the run summary on stderr.
var summaryRe = regexp.MustCompile(`specter: fuzz: seed \d+, target \S+, (\d+) request\(s\) \(\+(\d+) oracle probes, (\d+) skipped\) in (\S+);`)

var resentRe = regexp.MustCompile(`specter: fuzz: (\d+) attempt\(s\) sent again`)

// resentCount reads how many attempts the run sent again (0 when the
// summary does not say).
func resentCount(stderr string) int {
	m := resentRe.FindStringSubmatch(stderr)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func summaryCounts(t *testing.T, stderr string) (sent, probes, skipped int, elapsed time.Duration) {
	t.Helper()
	m := summaryRe.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no run summary on stderr:\n%s", stderr)
	}
	sent, _ = strconv.Atoi(m[1])
	probes, _ = strconv.Atoi(m[2])
	skipped, _ = strconv.Atoi(m[3])
	elapsed, err := time.ParseDuration(m[4])
	if err != nil {
		t.Fatalf("summary duration %q: %v", m[4], err)
	}
	return sent, probes, skipped, elapsed
}

// TestFuzzRequestLogAndAccounts: by default the run signs up and logs in
// accounts of its own where the spec has a sign-up flow; --request-log
// writes one JSON line per request the target got, credentials redacted;
// --no-accounts sends no sign-up or login and says so.
func TestFuzzRequestLogAndAccounts(t *testing.T) {
	rc, target, dir := fastapiTarget(t)
	logPath := filepath.Join(dir, "requests.jsonl")
	const apiKey = "e2eHeaderApiKey0123456789"
	rep, res := runFuzz(t, dir, "--spec", "fastapi.json", "--target", target, "--seed", "1", "--fail-on", "none",
		"--phases", "accounts,examples", "--no-canary", "--header", "X-Api-Key: "+apiKey, "--request-log", logPath)
	if res.code != exitPass {
		t.Fatalf("exit %d\nstderr: %s", res.code, res.stderr)
	}
	if !rep.note("accounts: signed up specter-a, specter-b, specter-v through POST /register and logged in through POST /token") {
		t.Errorf("the notes do not say which accounts were signed up: %v", rep.Notes)
	}
	if !rep.has("fuzz/bola", "") {
		t.Errorf("with accounts of its own the run finds BOLA: %v", rep.byOperation())
	}
	lines, raw := readRequestLog(t, logPath)
	sent, probes, _, _ := summaryCounts(t, res.stderr)
	resent := resentCount(res.stderr)
	got := rc.requests()
	if len(lines) != sent+probes+resent {
		t.Errorf("%d request log lines, the summary counts %d+%d+%d resent", len(lines), sent, probes, resent)
	}
	// Every request the target got is logged: a 401 answered by logging
	// in again logs the login, the 401 and the request sent again.
	if len(lines) != len(got) {
		t.Errorf("the server got %d requests, %d are logged", len(got), len(lines))
	}
	marked := 0
	for _, l := range lines {
		if l.Resent != "" {
			marked++
		}
	}
	if marked != resent {
		t.Errorf("%d log lines say they were sent again, the summary counts %d", marked, resent)
	}
	if n := rc.count("POST /register"); n < 3 {
		t.Errorf("the server got %d sign-ups, want the run's 3 accounts at least", n)
	}
	signUps, logins := 0, 0
	for _, l := range lines {
		switch {
		case l.Phase == "accounts" && l.Operation == "POST /register" && strings.HasPrefix(l.Mutation, "sign up the run's account"):
			signUps++
		case l.Phase == "accounts" && l.Operation == "POST /token" && strings.HasPrefix(l.Mutation, "log in the run's account"):
			logins++
		}
	}
	if signUps < 3 || logins < 3 {
		t.Errorf("the log shows %d sign-ups and %d logins of the run's accounts, want at least 3 each", signUps, logins)
	}

	creds := rc.credentials()
	var tokens, passwords []string
	for _, c := range creds {
		if strings.HasPrefix(c, "eyJ") || c == apiKey {
			tokens = append(tokens, c)
		} else {
			passwords = append(passwords, c)
		}
	}
	if len(tokens) < 4 || len(passwords) < 3 {
		t.Fatalf("the recorder saw %d tokens and %d passwords; the test is not looking at what it should", len(tokens), len(passwords))
	}
	for _, tok := range tokens {
		if strings.Contains(raw, tok) {
			t.Errorf("the request log holds a token: %.12s…", tok)
		}
		if strings.Contains(res.stdout+res.stderr, tok) {
			t.Errorf("the report holds a token: %.12s…", tok)
		}
	}
	if !strings.Contains(raw, "X-Api-Key: e2eH…") {
		t.Error("the request log does not show the --header credential redacted")
	}
	t.Run("passwords", func(t *testing.T) {
		// The passwords the run signs up and logs in its own accounts
		// with are masked in the request log as in reproducers.
		var leaked []string
		for _, pw := range passwords {
			if strings.Contains(raw, pw) || strings.Contains(raw, url.QueryEscape(pw)) {
				leaked = append(leaked, pw[:4]+"…")
			}
		}
		if len(leaked) > 0 {
			t.Errorf("%d of %d passwords the run used are in the request log (%v)", len(leaked), len(passwords), leaked)
		}
	})

	// --no-accounts, the accounts phase alone: no sign-up, no login.
	rc, target, dir = fastapiTarget(t)
	rep, res = runFuzz(t, dir, "--spec", "fastapi.json", "--target", target, "--seed", "1", "--fail-on", "none",
		"--phases", "accounts", "--no-canary", "--no-accounts")
	if res.code != exitPass {
		t.Fatalf("--no-accounts: exit %d\nstderr: %s", res.code, res.stderr)
	}
	if n := rc.count("POST /register") + rc.count("POST /token"); n != 0 {
		t.Errorf("--no-accounts sent %d sign-up or login requests", n)
	}
	if !rep.note("accounts: none signed up (--no-accounts)") || rep.note("accounts: signed up") {
		t.Errorf("the notes do not say that no accounts were signed up: %v", rep.Notes)
	}
}

// freePort is a loopback port nothing listens on (at the time of asking).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestFuzzCanary: with a canary listener the SSRF of fastapilike's PUT
// /menu is found, through the URL --canary-url advertises (a relay in
// front of the --canary-listen address here, as a container's port
// mapping would be); --no-canary runs without one and says the check did
// not run. The run's summary lines are checked on the first run.
func TestFuzzCanary(t *testing.T) {
	args := []string{"--spec", "fastapi.json", "--seed", "1", "--fail-on", "none", "--phases", "accounts,examples,random", "--random-cases", "2"}

	port := freePort(t)
	var relayed sync.Map
	relay := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			relayed.Store(r.In.URL.Path, true)
			r.SetURL(&url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(port)})
		},
	})
	t.Cleanup(relay.Close)
	rc, target, dir := fastapiTarget(t)
	rep, res := runFuzz(t, dir, append(args, "--target", target,
		"--canary-listen", "127.0.0.1:"+strconv.Itoa(port), "--canary-url", relay.URL)...)
	if res.code != exitPass {
		t.Fatalf("exit %d\nstderr: %s", res.code, res.stderr)
	}
	if !rep.has("fuzz/ssrf", "PUT /menu") {
		t.Errorf("fuzz/ssrf not found on PUT /menu: %v\nnotes: %v", rep.byOperation(), rep.Notes)
	}
	n := 0
	relayed.Range(func(k, _ any) bool {
		if strings.HasPrefix(k.(string), "/c/") {
			n++
		}
		return true
	})
	if n == 0 {
		t.Error("the target did not fetch a canary URL through --canary-url")
	}
	for _, f := range rep.Findings {
		if f.RuleID == "fuzz/ssrf" && !strings.Contains(f.Evidence, relay.URL+"/c/") {
			t.Errorf("the SSRF reproducer does not hand out the --canary-url address: %s", f.Evidence)
		}
	}
	checkSummaryLines(t, rc, res.stderr)

	_, target, dir = fastapiTarget(t)
	rep, res = runFuzz(t, dir, append(args, "--target", target, "--no-canary")...)
	if res.code != exitPass {
		t.Fatalf("--no-canary: exit %d\nstderr: %s", res.code, res.stderr)
	}
	if rep.has("fuzz/ssrf", "") {
		t.Errorf("--no-canary found an SSRF: %v", rep.byOperation())
	}
	if !rep.note("fuzz/ssrf: not run: no canary listener") {
		t.Errorf("the notes do not say the SSRF check did not run: %v", rep.Notes)
	}
}

// checkSummaryLines checks the run summary on stderr against what the
// server saw: requests per oracle, calls the safety policy did not send
// (and that the server indeed never got), time to the first finding.
func checkSummaryLines(t *testing.T, rc *recorder, stderr string) {
	t.Helper()
	sent, probes, skipped, elapsed := summaryCounts(t, stderr)
	if got := len(rc.requests()); got < sent+probes {
		t.Errorf("the server got %d requests, the summary counts %d+%d", got, sent, probes)
	}
	line := func(prefix string) string {
		for _, l := range strings.Split(stderr, "\n") {
			if strings.HasPrefix(l, prefix) {
				return strings.TrimPrefix(l, prefix)
			}
		}
		t.Errorf("stderr lacks a line %q:\n%s", prefix, stderr)
		return ""
	}
	perOracle := map[string]int{}
	total := 0
	for _, part := range strings.Split(line("specter: fuzz: oracle probes: "), ", ") {
		name, n, _ := strings.Cut(part, " ")
		perOracle[name], _ = strconv.Atoi(n)
		total += perOracle[name]
	}
	// The oracles' counts add up to the probes but for the run's own
	// probes of an unrouted path (one per identity at most).
	if total > probes || total < probes-4 {
		t.Errorf("oracle probes add up to %d, the summary counts %d: %v", total, probes, perOracle)
	}
	for _, o := range []string{"ssrf", "bola", "cors"} {
		if perOracle[o] == 0 {
			t.Errorf("no %s probes counted: %v", o, perOracle)
		}
	}
	classes := map[string]int{}
	for _, part := range strings.Split(line("specter: fuzz: calls not sent by the safety policy: "), "; ") {
		if i := strings.LastIndex(part, " "); i > 0 {
			classes[part[:i]], _ = strconv.Atoi(part[i+1:])
		}
	}
	if classes["delete of an object this run did not create"] == 0 {
		t.Errorf("no deletes of others' objects counted as skipped: %v", classes)
	}
	if skipped == 0 {
		t.Error("the summary counts no skipped cases")
	}
	// The writes the policy held back never reached the server: nothing
	// the server was seeded with (menu items 1-9, orders 1-3, reservations
	// 1-2) was deleted or overwritten; what the run created, it may.
	seeded := regexp.MustCompile(`^(DELETE|PUT|PATCH) /(menu/[1-9]|orders/[1-3]|reservations/[12])$`)
	for _, r := range rc.requests() {
		if seeded.MatchString(r) {
			t.Errorf("the server got %s, a write on an object the run did not create", r)
		}
	}
	first, err := time.ParseDuration(line("specter: fuzz: first finding after "))
	if err != nil || first <= 0 || first > elapsed {
		t.Errorf("first finding after %v (%v), the run took %v", first, err, elapsed)
	}
}

// TestFuzzCORSOrigin: an API whose CORS allow-list is a prefix match on
// its front end's origin lets look-alikes through; the check tries them
// only when --cors-origin names that origin (nothing in the spec or the
// target's address does).
func TestFuzzCORSOrigin(t *testing.T) {
	const front = "https://portal.acme-internal.test"
	spec := `openapi: 3.0.3
info: {title: cors, version: "1"}
paths:
  /account:
    get:
      responses:
        "200":
          description: the account
          content:
            application/json:
              schema: {type: object, properties: {name: {type: string}}}
`
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); strings.HasPrefix(o, front) {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Add("Vary", "Origin")
		}
		if r.URL.Path != "/account" || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"name": "acme"}`)
	})
	ts := httptest.NewServer(api)
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cors.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--spec", "cors.yaml", "--target", ts.URL, "--seed", "1", "--phases", "examples", "--no-accounts", "--no-canary"}

	rep, res := runFuzz(t, dir, args...)
	if res.code != exitPass || rep.has("fuzz/cors-origin-bypass", "") {
		t.Errorf("without --cors-origin: exit %d, findings %v\nstderr: %s", res.code, rep.byOperation(), res.stderr)
	}
	rep, res = runFuzz(t, dir, append(args, "--cors-origin", front+"/")...)
	if res.code != exitGateFailed {
		t.Errorf("with --cors-origin: exit %d, want 1 (a high finding)\nstderr: %s", res.code, res.stderr)
	}
	if !rep.has("fuzz/cors-origin-bypass", "GET /account") {
		t.Fatalf("with --cors-origin: findings %v", rep.byOperation())
	}
	for _, f := range rep.Findings {
		if f.RuleID == "fuzz/cors-origin-bypass" && !strings.Contains(f.Message, front+".specter-probe.invalid") {
			t.Errorf("the finding does not name the look-alike that got through: %s", f.Message)
		}
	}
}

// TestFuzzFlagErrors: contradictory or malformed flags are usage errors
// (exit 2) reported before anything is sent and without a report.
func TestFuzzFlagErrors(t *testing.T) {
	st := startStagingTarget(t)
	for _, tt := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"canary url without canary", []string{"--no-canary", "--canary-url", "http://10.0.0.5:8089"}, "--canary-url"},
		{"canary listen without canary", []string{"--no-canary", "--canary-listen", "0.0.0.0:8089"}, "--canary-listen"},
		{"canary url not http", []string{"--canary-url", "ftp://10.0.0.5"}, "--canary-url"},
		{"canary listen not an address", []string{"--canary-listen", "localhost"}, "--canary-listen"},
		{"cors origin without scheme", []string{"--cors-origin", "app.example.com"}, "--cors-origin"},
		{"cors origin with a path", []string{"--cors-origin", "https://app.example.com/login"}, "--cors-origin"},
		{"request log in a missing folder", []string{"--request-log", filepath.Join(st.dir, "missing", "log.jsonl")}, "--request-log"},
		{"unknown phase", []string{"--phases", "examples,acounts"}, "unknown phase \"acounts\""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := st.server.Requests()
			// --max-requests keeps a run that should not have started short.
			res := specter(t, st.dir, nil, append([]string{"fuzz", "-f", "json", "--spec", "staging.yaml", "--target", st.url, "--max-requests", "2"}, tt.args...)...)
			if res.code != exitInputError {
				t.Errorf("exit %d, want 2\nstderr: %s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, res.stderr)
			}
			if res.stdout != "" {
				t.Errorf("a report was written for a usage error:\n%.300s", res.stdout)
			}
			noPanic(t, res)
			if n := st.server.Requests() - before; n != 0 {
				t.Errorf("%d request(s) sent", n)
			}
		})
	}
}
