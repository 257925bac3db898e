package secrets

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
)

func newScanner(t testing.TB, opts Options) *Scanner {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func scanFile(t testing.TB, s *Scanner, path string) []rules.Finding {
	t.Helper()
	surf := &surface.Surface{Files: []*surface.File{loadFile(t, path, filepath.ToSlash(path))}}
	got, err := s.Findings(context.Background(), surf)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func ruleCounts(fs []rules.Finding) string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.RuleID)
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

func TestScanFixtures(t *testing.T) {
	s := newScanner(t, Options{})
	for _, tt := range []struct {
		file string
		want string // sorted rule ids; the clean/ twin must yield none
	}{
		{"openapi.yaml", "secrets/credential-query-parameter,secrets/spec-example-credential,secrets/spec-example-credential,secrets/spec-example-credential,secrets/url-userinfo-password"},
		// The raw URL repeats the query token: gitleaks' generic rule reports
		// that copy, the structural rule the query array's.
		{"collection21.json", "secrets/credential-header,secrets/credential-query-parameter,secrets/credential-query-parameter,secrets/generic-api-key,secrets/postman-auth-credential,secrets/postman-auth-credential,secrets/postman-auth-credential,secrets/postman-auth-credential,secrets/postman-variable-credential"},
		{"collection20.json", "secrets/postman-auth-credential,secrets/postman-auth-credential"},
		{"environment.json", "secrets/environment-credential,secrets/environment-credential"},
		{"plain.env", "secrets/hardcoded-credential,secrets/url-userinfo-password"},
		{"keys.txt", "secrets/aws-access-token,secrets/private-key"},
		// gitleaks' generic rule matches the env value and the two
		// argument tokens too; it yields to the structural rule, which
		// knows the value is an MCP server's credential.
		{"mcp.json", "secrets/credential-header,secrets/credential-query-parameter,secrets/mcp-config-credential,secrets/mcp-config-credential,secrets/mcp-config-credential"},
		{"server.json", "secrets/credential-header,secrets/mcp-config-credential,secrets/mcp-config-credential"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			got := scanFile(t, s, filepath.Join("testdata", tt.file))
			if c := ruleCounts(got); c != tt.want {
				for _, f := range got {
					t.Logf("%s %d:%d %s %s", f.RuleID, f.Location.Line, f.Location.Column, f.Location.Pointer, f.Message)
				}
				t.Errorf("rules = %s\nwant    %s", c, tt.want)
			}
			for _, f := range got {
				if f.Location.Line < 1 || f.Location.Column < 1 || f.Fingerprint == "" || f.Key == "" {
					t.Errorf("incomplete finding %+v", f)
				}
				if f.Severity < rules.SeverityHigh {
					t.Errorf("%s severity %v", f.RuleID, f.Severity)
				}
			}
			clean := scanFile(t, s, filepath.Join("testdata", "clean", tt.file))
			for _, f := range clean {
				t.Errorf("clean/%s: unexpected %s at %d:%d %s", tt.file, f.RuleID, f.Location.Line, f.Location.Column, f.Message)
			}
		})
	}
}

func TestLocationsAndOperations(t *testing.T) {
	s := newScanner(t, Options{})
	got := scanFile(t, s, filepath.Join("testdata", "collection21.json"))
	var header *rules.Finding
	for i := range got {
		if got[i].RuleID == RuleSecretsHeader {
			header = &got[i]
		}
	}
	if header == nil {
		t.Fatal("no header finding")
	}
	if header.Location.Pointer != "/item/0/item/0/request/header/0/value" {
		t.Errorf("pointer = %s", header.Location.Pointer)
	}
	if header.Operation == nil || header.Operation.Method != "GET" || header.Operation.Path != "/items" {
		t.Errorf("operation = %+v", header.Operation)
	}
	// The location spans the secret only (after "Bearer ").
	line := strings.Split(string(mustRead(t, "testdata/collection21.json")), "\n")[header.Location.Line-1]
	if got := line[header.Location.Column-1 : header.Location.EndColumn-1]; got != "Rk7pLq2Zx9Vm4Tw8" {
		t.Errorf("span = %q", got)
	}
	spec := scanFile(t, s, filepath.Join("testdata", "openapi.yaml"))
	for _, f := range spec {
		if f.Location.Pointer == "/paths/~1login/post/parameters/0/example" {
			if f.Operation == nil || f.Operation.OperationID != "login" || f.Operation.Method != "POST" {
				t.Errorf("operation = %+v", f.Operation)
			}
			return
		}
	}
	t.Error("no finding on the header parameter example")
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// secretsIn lists the literal secrets the fixtures plant.
var planted = []string{"Rk7pLq2Zx9Vm4Tw8", "Wq8-zLp3-Rt6v", "AKIAZ3MXQ7T4VB2LN6PW", "Vn7Kq2Lx9Pm4Zt8W", "Pq7-Lm2x-Vz9K"}

func TestRedaction(t *testing.T) {
	files := []string{"collection21.json", "keys.txt", "environment.json", "plain.env"}
	for _, show := range []bool{false, true} {
		s := newScanner(t, Options{ShowSecrets: show})
		var all []rules.Finding
		for _, f := range files {
			all = append(all, scanFile(t, s, filepath.Join("testdata", f))...)
		}
		out, err := json.Marshal(all)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range planted {
			if in := strings.Contains(string(out), p); in != show {
				t.Errorf("ShowSecrets=%v: secret %s in output = %v", show, p[:3], in)
			}
		}
		for _, f := range all {
			for _, p := range planted {
				if strings.Contains(f.Message, p) {
					t.Errorf("message holds a secret: %s", f.Message)
				}
			}
		}
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"Rk7pLq2Zx9Vm4Tw8": "Rk7p…",
		"abcdefghi":        "abc…",
		"abcde":            "a…",
		"ab":               "…",
		"ääääääääääääää":   "ääää…",
	} {
		if got := sensitive.Redact(in); got != want {
			t.Errorf("sensitive.Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsPlaceholder(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"{{apiKey}}", true}, {"Bearer {{token}}", true}, {"<your-key>", true}, {"${API_KEY}", true},
		{"$API_KEY", true}, {"%API_KEY%", true}, {"YOUR_API_KEY", true}, {"your-api-key", true},
		{"xxxxxxxxxxxx", true}, {"sk_live_xxxxxxxx", true}, {"********", true}, {"........", true},
		{"changeme", true}, {"example", true}, {"test", true}, {"password", true}, {"secret", true},
		{"token", true}, {"string", true}, {"null", true}, {"undefined", true}, {"none", true},
		{"redacted", true}, {"", true}, {"aaaaaaaaaa", true}, {"abc", true}, {"abc123", true},
		{"12345", true}, {"123456789", true}, {"foo", true}, {"dummy", true}, {"sample-key-1234", true},
		{"placeholder", true}, {"example-token-abc", true}, {"bogus_token", true},
		{"Rk7pLq2Zx9Vm4Tw8", false}, {"Tr0ub4dor-Horse-93", false}, {"AKIAZ3MXQ7T4VB2LN6PW", false},
		{"hunter2hunter", false}, {"sk_test_4eC39HqLyjWDarjtT1zdp7dc", false},
	} {
		if got := sensitive.IsPlaceholder(tt.v); got != tt.want {
			t.Errorf("sensitive.IsPlaceholder(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestIsCredentialName(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "db_password": true, "clientSecret": true, "X-API-Key": true, "api_key": true,
		"access_token": true, "private_key": true, "authorization": true,
		"nextPageToken": false, "page_token": false, "tokenUrl": false, "token_type": false,
		"username": false, "csrfToken": false, "publishable_key": false, "passwordResetRequired": false,
	} {
		if got := sensitive.IsCredentialName(name); got != want {
			t.Errorf("sensitive.IsCredentialName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestFingerprintSurvivesLineMove(t *testing.T) {
	s := newScanner(t, Options{})
	data := mustRead(t, "testdata/keys.txt")
	moved := append([]byte("\n\n\n# moved down\n"), data...)
	fp := func(b []byte) map[string]int {
		surf := &surface.Surface{Files: []*surface.File{{Path: "keys.txt", Data: b}}}
		got, err := s.Findings(context.Background(), surf)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int{}
		for _, f := range got {
			m[f.Fingerprint] = f.Location.Line
		}
		return m
	}
	a, b := fp(data), fp(moved)
	if len(a) != 2 || len(a) != len(b) {
		t.Fatalf("findings %v vs %v", a, b)
	}
	for k, line := range a {
		if b[k] != line+4 {
			t.Errorf("fingerprint %s: line %d, moved line %d", k, line, b[k])
		}
	}
}

func TestLooksLikeCredential(t *testing.T) {
	s := newScanner(t, Options{})
	for _, tt := range []struct {
		name, value, rule string
		ok                bool
	}{
		{"token", "ghp_R4nd0mV4lu3xxAAbbCCddEEff112233445566", "secrets/github-pat", true},
		{"password", "Tr0ub4dor-Horse-93", RuleSecretsHardcodedCredential, true},
		{"password", "{{password}}", "", false},
		{"description", "Tr0ub4dor-Horse-93", "", false},
	} {
		rule, ok := s.LooksLikeCredential(tt.name, tt.value)
		if rule != tt.rule || ok != tt.ok {
			t.Errorf("LooksLikeCredential(%q, %q) = %q, %v", tt.name, tt.value, rule, ok)
		}
	}
}

func TestCancelled(t *testing.T) {
	s := newScanner(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	surf := &surface.Surface{Files: []*surface.File{loadFile(t, "testdata/keys.txt", "keys.txt")}}
	if _, err := s.Findings(ctx, surf); err == nil {
		t.Error("Scan ignored a cancelled context")
	}
}
