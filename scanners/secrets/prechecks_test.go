package secrets

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/specterhq/specter/internal/corpora"
)

func TestPrechecks(t *testing.T) {
	tests := []struct {
		rule, text, keyword string
		want                bool
	}{
		{"generic-api-key", `api_key = "9f8e7d6c5b4a3928"`, "key", true},
		{"generic-api-key", `"client_secret": "Zq81kLmN0pQr2StU"`, "secret", true},
		{"generic-api-key", "token:\n  abcdefghij0123", "token", true},
		{"generic-api-key", `"password" => 'hunter2hunter2'`, "password", true},
		{"generic-api-key", `"description": "The token used to sign requests, see docs"`, "token", false},
		{"generic-api-key", `"description": "An access key for the API."`, "key", false},
		{"generic-api-key", `key: short`, "key", false},
		{"vault-service-token", `VAULT_TOKEN=s.abcdefghijklmnopqrstuvwx`, "s.", true},
		{"vault-service-token", `use the endpoint's. response`, "s.", false},
		{"jwt", `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.sig`, "ey", true},
		{"jwt", `the key they use`, "ey", false},
		{"twilio-api-key", `SK0123456789abcdef0123456789abcdef`, "sk", true},
		{"twilio-api-key", `ask for a task`, "sk", false},
		{"kubernetes-secret-yaml", "kind: Secret\ndata:\n  password: c2VjcmV0cGFzcw==", "secret", true},
		{"kubernetes-secret-yaml", `kind: "Secret"`, "secret", true},
		{"kubernetes-secret-yaml", `"kind": "Secret"`, "secret", false},
		{"kubernetes-secret-yaml", `client secret rotation`, "secret", false},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.text, func(t *testing.T) {
			lower := asciiLower(tt.text)
			start := strings.Index(lower, tt.keyword)
			if start < 0 {
				t.Fatalf("keyword %q not in %q", tt.keyword, tt.text)
			}
			if got := prechecks[tt.rule](lower, start, start+len(tt.keyword)); got != tt.want {
				t.Errorf("precheck = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPrechecksLoseNothing runs the engine with and without the keyword
// pre-checks over the fixtures and the real Postman collections: the
// findings must be the same, since a pre-check only skips lines where its
// rule's regex cannot match.
func TestPrechecksLoseNothing(t *testing.T) {
	paths := []string{"testdata"}
	if c, err := corpora.Find(); err == nil {
		paths = append(paths, filepath.Join(c, "postman"), filepath.Join(c, "vulnapps"))
	} else {
		t.Log("corpora absent: comparing on the fixtures only")
	}
	surf := loadSurface(t, paths...)
	gated := newScanner(t, Options{ShowSecrets: true})
	ungated := newScanner(t, Options{ShowSecrets: true})
	ungated.engine.gated = map[string][]keywordCheck{}
	describe := func(s *Scanner) []string {
		found, err := s.Findings(context.Background(), surf)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range found {
			out = append(out, fmt.Sprintf("%s %s:%d:%d %s", f.RuleID, f.Location.File, f.Location.Line, f.Location.Column, f.Evidence))
		}
		sort.Strings(out)
		return out
	}
	with, without := describe(gated), describe(ungated)
	if strings.Join(with, "\n") != strings.Join(without, "\n") {
		t.Fatalf("pre-checks changed the findings:\nwith:\n%s\nwithout:\n%s", strings.Join(with, "\n"), strings.Join(without, "\n"))
	}
	if len(with) == 0 {
		t.Fatal("no findings at all: the comparison proves nothing")
	}
}

func TestPrechecksNameGitleaksRules(t *testing.T) {
	cfg, err := GitleaksConfig()
	if err != nil {
		t.Fatal(err)
	}
	for id := range prechecks {
		if _, ok := cfg.Rules[id]; !ok {
			t.Errorf("precheck for %s, which gitleaks' default config does not have", id)
		}
	}
}
