package secrets

import (
	"regexp"
	"sync"

	"github.com/zricethezav/gitleaks/v8/config"

	"github.com/specterhq/specter/rules"
)

// AI-provider key rules: shapes and length variants of AI-provider keys
// that gitleaks v8.30.1's default rules miss. gitleaks' openai-api-key
// only takes project, service-account and admin keys whose two halves
// around the T3BlbkFJ marker are exactly 58 or 74 characters long, its
// anthropic rules exactly 93 characters before the closing "AA", and it
// has no rule for Groq, xAI, Replicate, OpenRouter or LangSmith. These run
// as gitleaks rules in the same engine (keyword gating, allowlists,
// decoding, redaction); where a default rule matches the same secret,
// dropCoveredAIKeys keeps the default rule's finding only.
const (
	RuleSecretsOpenAIProjectKey   = GitleaksRulePrefix + "openai-project-key"
	RuleSecretsOpenAIMarkerKey    = GitleaksRulePrefix + "openai-marker-key"
	RuleSecretsAnthropicKeyLength = GitleaksRulePrefix + "anthropic-key-variant"
	RuleSecretsGroqKey            = GitleaksRulePrefix + "groq-api-key"
	RuleSecretsXAIKey             = GitleaksRulePrefix + "xai-api-key"
	RuleSecretsReplicateToken     = GitleaksRulePrefix + "replicate-api-token"
	RuleSecretsOpenRouterKey      = GitleaksRulePrefix + "openrouter-api-key"
	RuleSecretsLangSmithKey       = GitleaksRulePrefix + "langsmith-api-key"
)

// aiKeyEnd is gitleaks' own end-of-secret class, so a key followed by a
// quote, blank, semicolon, escaped newline or the end of text matches.
const aiKeyEnd = `(?:[\x60'"\s;,]|\\[nr]|$)`

type aiKeyRule struct {
	id, title string
	regex     string
	entropy   float64
	keywords  []string
}

// aiKeyRules are the shapes; the keywords gate them in the engine's one
// keyword pass, so a file without any of them costs no regex run.
var aiKeyRules = []aiKeyRule{
	{RuleSecretsOpenAIProjectKey, "OpenAI project, service-account or admin key of any length",
		`\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250})` + aiKeyEnd, 4, []string{"sk-proj-", "sk-svcacct-", "sk-admin-"}},
	{RuleSecretsOpenAIMarkerKey, "OpenAI user key with the T3BlbkFJ marker, of any length",
		`\b(sk-[A-Za-z0-9]{16,100}T3BlbkFJ[A-Za-z0-9]{16,100})` + aiKeyEnd, 3.5, []string{"t3blbkfj"}},
	{RuleSecretsAnthropicKeyLength, "Anthropic API or admin key of a length gitleaks does not take",
		`\b(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{80,120}AA)` + aiKeyEnd, 4, []string{"sk-ant-api03-", "sk-ant-admin01-"}},
	{RuleSecretsGroqKey, "Groq API key",
		`\b(gsk_[A-Za-z0-9]{52})` + aiKeyEnd, 4, []string{"gsk_"}},
	{RuleSecretsXAIKey, "xAI API key",
		`\b(xai-[A-Za-z0-9]{80})` + aiKeyEnd, 4, []string{"xai-"}},
	{RuleSecretsReplicateToken, "Replicate API token",
		`\b(r8_[A-Za-z0-9]{37})` + aiKeyEnd, 3.5, []string{"r8_"}},
	{RuleSecretsOpenRouterKey, "OpenRouter API key",
		`\b(sk-or-v1-[a-f0-9]{64})` + aiKeyEnd, 3, []string{"sk-or-v1-"}},
	{RuleSecretsLangSmithKey, "LangSmith personal access token or service key",
		`\b(lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})` + aiKeyEnd, 3, []string{"lsv2_"}},
}

// addAIKeyRules puts the AI-provider key rules into a translated gitleaks
// configuration, ids without specter's prefix as gitleaks' own are.
// aiKeyPatterns are the AI-key rules' compiled expressions, compiled on
// first use (not at start-up: `specter rules` and completion never need
// them) and shared by the detector's rules and knownKeySpan. Read-only.
var aiKeyPatterns = sync.OnceValue(func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(aiKeyRules))
	for i, r := range aiKeyRules {
		out[i] = regexp.MustCompile(r.regex)
	}
	return out
})

func addAIKeyRules(cfg *config.Config) {
	if cfg.Rules == nil {
		cfg.Rules = map[string]config.Rule{}
	}
	if cfg.Keywords == nil {
		cfg.Keywords = map[string]struct{}{}
	}
	patterns := aiKeyPatterns()
	for i, r := range aiKeyRules {
		id := r.id[len(GitleaksRulePrefix):]
		cfg.Rules[id] = config.Rule{
			RuleID:      id,
			Description: r.title,
			Regex:       patterns[i],
			SecretGroup: 1,
			Entropy:     r.entropy,
			Keywords:    r.keywords,
		}
		for _, k := range r.keywords {
			cfg.Keywords[k] = struct{}{}
		}
		cfg.OrderedRules = append(cfg.OrderedRules, id)
	}
}

// aiKeyCatalogRules are the catalog entries of the AI-provider key rules.
func aiKeyCatalogRules() []rules.Rule {
	out := make([]rules.Rule, 0, len(aiKeyRules))
	for _, r := range aiKeyRules {
		cr := GitleaksRule(r.id[len(GitleaksRulePrefix):], r.title)
		cr.Help = "**Why it matters.** A value in the file has the published shape of an AI provider's key (" + r.title + "). Such keys spend money and read the account's data, prompts and files.\n" + structuralFix + "\nCompliant example:\n\n    OPENAI_API_KEY: ${OPENAI_API_KEY}\n"
		out = append(out, cr)
	}
	return out
}

func isAIKeyRule(id string) bool {
	for _, r := range aiKeyRules {
		if r.id == id {
			return true
		}
	}
	return false
}

// dropCoveredAIKeys removes an AI-provider key finding whose secret a
// gitleaks default rule also found on the same line: the default rule's
// finding is the one reported, as for gitleaks' own overlapping rules.
func dropCoveredAIKeys(in []candidate) []candidate {
	type place struct {
		secret string
		line   int
	}
	byDefault := map[place]bool{}
	for _, c := range in {
		if c.secret != "" && !isAIKeyRule(c.RuleID) && !isStructural(c.RuleID) {
			byDefault[place{c.secret, c.Location.Line}] = true
		}
	}
	out := in[:0]
	for _, c := range in {
		if isAIKeyRule(c.RuleID) && byDefault[place{c.secret, c.Location.Line}] {
			continue
		}
		out = append(out, c)
	}
	return out
}
