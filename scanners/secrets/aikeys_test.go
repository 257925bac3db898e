package secrets

import (
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// fakeKey builds a key-shaped test value at run time from a fixed seed, so
// no key-shaped literal is committed (push protection, self-scans): prefix,
// then n characters of alphabet, then suffix.
func fakeKey(seed int64, prefix string, n int, alphabet, suffix string) string {
	r := rand.New(rand.NewSource(seed))
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < n; i++ {
		b.WriteByte(alphabet[r.Intn(len(alphabet))])
	}
	return b.String() + suffix
}

const (
	alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	urlB  = alnum + "_-"
	hexLo = "0123456789abcdef"
)

// openAIMarked is an OpenAI key with the marker between two halves.
func openAIMarked(seed int64, prefix string, half int, alphabet string) string {
	return fakeKey(seed, prefix, half, alphabet, "") + "T3Blbk" + "FJ" + fakeKey(seed+1, "", half, alphabet, "")
}

// scanTemplate scans the testdata/aikeys template with {{KEY}} replaced.
func scanTemplate(t *testing.T, s *Scanner, name, key string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "aikeys", name))
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.ReplaceAll(string(data), "{{KEY}}", key))
	f := &surface.File{Path: "aikeys/" + name, Data: data}
	if ext := filepath.Ext(name); ext == ".json" || ext == ".yaml" {
		tree, err := sourcemap.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		f.Tree, f.Format = tree, detectFormat(tree)
	}
	got, err := s.Findings(context.Background(), &surface.Surface{Files: []*surface.File{f}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, g := range got {
		if key != "" && strings.Contains(g.Evidence+g.Message, key) {
			t.Errorf("%s: %s shows the key unredacted", name, g.RuleID)
		}
		ids = append(ids, g.RuleID)
	}
	return ids
}

func TestAIProviderKeys(t *testing.T) {
	s := newScanner(t, Options{})
	for _, tt := range []struct {
		name, key string
		want      string // the one key rule reported in every input kind; "" for none
	}{
		// OpenAI: gitleaks takes 58 and 74 around the marker; the rest is ours.
		{"openai project 74", openAIMarked(1, "sk-proj-", 74, urlB), "secrets/openai-api-key"},
		{"openai project 58", openAIMarked(2, "sk-proj-", 58, urlB), "secrets/openai-api-key"},
		{"openai project 64", openAIMarked(3, "sk-proj-", 64, urlB), RuleSecretsOpenAIProjectKey},
		{"openai project no marker", fakeKey(4, "sk-proj-", 48, alnum, ""), RuleSecretsOpenAIProjectKey},
		{"openai service account", openAIMarked(5, "sk-svcacct-", 60, urlB), RuleSecretsOpenAIProjectKey},
		{"openai admin", fakeKey(6, "sk-admin-", 120, urlB, ""), RuleSecretsOpenAIProjectKey},
		{"openai legacy 48", openAIMarked(7, "sk-", 20, alnum), "secrets/openai-api-key"},
		{"openai user 24+24", openAIMarked(8, "sk-", 24, alnum), RuleSecretsOpenAIMarkerKey},
		// Anthropic: gitleaks takes exactly 93 before AA.
		{"anthropic 93", fakeKey(9, "sk-ant-api03-", 93, urlB, "AA"), "secrets/anthropic-api-key"},
		{"anthropic admin 93", fakeKey(10, "sk-ant-admin01-", 93, urlB, "AA"), "secrets/anthropic-admin-api-key"},
		{"anthropic 86", fakeKey(11, "sk-ant-api03-", 86, urlB, "AA"), RuleSecretsAnthropicKeyLength},
		{"anthropic admin 100", fakeKey(12, "sk-ant-admin01-", 100, urlB, "AA"), RuleSecretsAnthropicKeyLength},
		{"groq", fakeKey(13, "gsk_", 52, alnum, ""), RuleSecretsGroqKey},
		{"xai", fakeKey(14, "xai-", 80, alnum, ""), RuleSecretsXAIKey},
		{"replicate", fakeKey(15, "r8_", 37, alnum, ""), RuleSecretsReplicateToken},
		{"openrouter", fakeKey(16, "sk-or-v1-", 64, hexLo, ""), RuleSecretsOpenRouterKey},
		{"langsmith pat", fakeKey(17, "lsv2_pt_", 32, hexLo, "_") + fakeKey(18, "", 10, hexLo, ""), RuleSecretsLangSmithKey},
		{"langsmith service", fakeKey(19, "lsv2_sk_", 32, hexLo, "_") + fakeKey(20, "", 10, hexLo, ""), RuleSecretsLangSmithKey},
		// Near misses: placeholders, ellipses, too short, low entropy.
		{"openai placeholder", "sk-proj-" + strings.Repeat("X", 60), ""},
		{"openai ellipsis", "sk-proj-...", ""},
		{"openai docs", "sk-proj-abc123...xyz", ""},
		{"openai too short", fakeKey(21, "sk-proj-", 20, alnum, ""), ""},
		{"anthropic placeholder", "sk-ant-api03-" + strings.Repeat("x", 90) + "AA", ""},
		{"anthropic too short", fakeKey(22, "sk-ant-api03-", 40, urlB, "AA"), ""},
		{"groq too short", fakeKey(23, "gsk_", 30, alnum, ""), ""},
		{"xai low entropy", "xai-" + strings.Repeat("ab", 40), ""},
		{"replicate too long", fakeKey(24, "r8_", 45, alnum, ""), ""},
		{"openrouter not hex", fakeKey(25, "sk-or-v1-", 64, "ghijklmnopqrstuvwxyz", ""), ""},
		{"input placeholder", "${input:openai-key}", ""},
		{"angle placeholder", "<YOUR_OPENAI_KEY>", ""},
	} {
		for _, file := range []string{"notes.txt", "openapi.yaml", "environment.json", "agent.json"} {
			t.Run(tt.name+"/"+file, func(t *testing.T) {
				ids := scanTemplate(t, s, file, tt.key)
				var keyRules []string
				for _, id := range ids {
					if isAIKeyRule(id) || strings.HasPrefix(id, "secrets/openai-") || strings.HasPrefix(id, "secrets/anthropic-") {
						keyRules = append(keyRules, id)
					}
				}
				switch {
				case tt.want == "" && len(keyRules) > 0:
					t.Errorf("near miss %q reported as %v", tt.key, keyRules)
				case tt.want != "" && (len(keyRules) != 1 || keyRules[0] != tt.want):
					t.Errorf("rules %v (all: %v), want exactly %s", keyRules, ids, tt.want)
				}
			})
		}
	}
}

func TestAIKeyCatalog(t *testing.T) {
	all, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range all {
		if ids[r.ID] {
			t.Errorf("rule %s twice in the catalog", r.ID)
		}
		ids[r.ID] = true
	}
	for _, r := range aiKeyRules() {
		if !ids[r.id] {
			t.Errorf("rule %s missing from the catalog", r.id)
		}
	}
}
