package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/specterhq/specter/internal/testserver/securitystaging"
)

// TestFuzzSecurityEndToEnd runs the binary against the security staging
// server with two identities from the environment: the multi-identity and
// credential checks find their planted flaws, no security rule fires on a
// clean twin, and no token reaches the output.
func TestFuzzSecurityEndToEnd(t *testing.T) {
	srv := securitystaging.New()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), securitystaging.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	adminToken, bobToken := srv.Token("admin"), srv.Token("bob")
	res := specter(t, dir, []string{"ADMIN_TOKEN=" + adminToken, "BOB_TOKEN=" + bobToken},
		"fuzz", "-f", "json", "--spec", "api.yaml", "--target", ts.URL, "--seed", "4", "--rate", "0",
		"--identity", "admin=Authorization: Bearer $ADMIN_TOKEN", "--identity", "bob=Authorization: Bearer ${BOB_TOKEN}",
		"--low-privilege", "bob")
	var rep fuzzReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\nstdout: %.500s\nstderr: %s", err, res.stdout, res.stderr)
	}
	security := map[string]bool{}
	for _, rs := range securitystaging.Planted {
		for _, r := range rs {
			security[r] = true
		}
	}
	found := map[string][]string{}
	for _, f := range rep.Findings {
		op := f.Operation.Method + " " + f.Operation.Path
		found[op] = append(found[op], f.RuleID)
		if security[f.RuleID] && !slices.Contains(securitystaging.Planted[op], f.RuleID) && !slices.Contains(securitystaging.AlsoCorrect[op], f.RuleID) {
			t.Errorf("%s: false positive %s: %s", op, f.RuleID, f.Message)
		}
	}
	for op, want := range map[string]string{
		"GET /notes/{id}":     "fuzz/bola",
		"GET /admin/users":    "fuzz/bfla",
		"GET /legacy/profile": "fuzz/auth-not-enforced",
		"GET /lax/account":    "fuzz/token-tampering-accepted",
		"GET /team":           "fuzz/secret-in-response",
	} {
		if !slices.Contains(found[op], want) {
			t.Errorf("%s: %s not found (found %v)", op, want, found[op])
		}
	}
	for _, tok := range []string{adminToken, bobToken} {
		if strings.Contains(res.stdout+res.stderr, tok) {
			t.Error("a token reached the output unredacted")
		}
	}
	if !rep.note("fuzz/time-based-injection") {
		t.Errorf("no note that time-based payloads are off: %v", rep.Notes)
	}

	// The same identities declared in the config file: admin logs in.
	config := `version: 1
identities:
  - name: admin
    login: {path: /auth/login, body: '{"username": "admin", "password": "${ADMIN_PASSWORD}"}', token: /token}
  - name: bob
    headers: {Authorization: "Bearer ${BOB_TOKEN}"}
`
	if err := os.WriteFile(filepath.Join(dir, ".specter.yaml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	res = specter(t, dir, []string{"ADMIN_PASSWORD=admin-pass", "BOB_TOKEN=" + bobToken},
		"fuzz", "-f", "json", "--spec", "api.yaml", "--target", ts.URL, "--seed", "4", "--rate", "0",
		"--phases", "examples", "--low-privilege", "bob")
	var rep2 fuzzReport
	if err := json.Unmarshal([]byte(res.stdout), &rep2); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\nstdout: %.500s\nstderr: %s", err, res.stdout, res.stderr)
	}
	got := rep2.byOperation()
	if !strings.Contains(got["GET /notes/{id}"], "fuzz/bola") || !strings.Contains(got["GET /admin/users"], "fuzz/bfla") {
		t.Errorf("config identities: findings %v", got)
	}
	if strings.Contains(res.stdout+res.stderr, "admin-pass") || strings.Contains(res.stdout+res.stderr, bobToken) {
		t.Error("a config identity's credential reached the output")
	}
	if err := os.Remove(filepath.Join(dir, ".specter.yaml")); err != nil {
		t.Fatal(err)
	}

	bad := specter(t, dir, nil, "fuzz", "--spec", "api.yaml", "--target", ts.URL, "--identity", "admin=Authorization: Bearer $NOT_SET")
	if bad.code != exitInputError || !strings.Contains(bad.stderr, "NOT_SET is not set") {
		t.Errorf("unset variable: exit %d, stderr %s", bad.code, bad.stderr)
	}
	bad = specter(t, dir, nil, "fuzz", "--spec", "api.yaml", "--target", ts.URL, "--identity", "admin=X-Key: k", "--low-privilege", "eve")
	if bad.code != exitInputError || !strings.Contains(bad.stderr, "--low-privilege eve") {
		t.Errorf("unknown identity: exit %d, stderr %s", bad.code, bad.stderr)
	}
}
