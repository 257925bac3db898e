package secrets

import (
	"regexp"
	"sync"

	"github.com/zricethezav/gitleaks/v8/config"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/sensitive"
)

// AI-provider key rules: sensitive.AIKeyShapes, the shapes and length
// variants of AI-provider keys that gitleaks' default rules miss. They run
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

// aiKeyRule is one AI-key shape as a rule: its id, and its compiled
// expression with the key as group 1.
type aiKeyRule struct {
	sensitive.KeyShape
	id string
	re *regexp.Regexp
}

// aiKeyRules are the AI-key rules, compiled on first use (not at start-up:
// `specter rules` and completion never need the expressions) and shared by
// the detector's rules and knownKeySpan. Read-only.
var aiKeyRules = sync.OnceValue(func() []aiKeyRule {
	shapes := sensitive.AIKeyShapes()
	out := make([]aiKeyRule, len(shapes))
	for i, k := range shapes {
		out[i] = aiKeyRule{KeyShape: k, id: GitleaksRulePrefix + k.Name, re: regexp.MustCompile(`\b(` + k.Pattern + `)` + aiKeyEnd)}
	}
	return out
})

// addAIKeyRules puts the AI-provider key rules into a translated gitleaks
// configuration, ids without specter's prefix as gitleaks' own are.
func addAIKeyRules(cfg *config.Config) {
	if cfg.Rules == nil {
		cfg.Rules = map[string]config.Rule{}
	}
	if cfg.Keywords == nil {
		cfg.Keywords = map[string]struct{}{}
	}
	for _, r := range aiKeyRules() {
		id := r.Name
		cfg.Rules[id] = config.Rule{
			RuleID:      id,
			Description: r.Title,
			Regex:       r.re,
			SecretGroup: 1,
			Entropy:     r.Entropy,
			Keywords:    r.Keywords,
		}
		for _, k := range r.Keywords {
			cfg.Keywords[k] = struct{}{}
		}
		cfg.OrderedRules = append(cfg.OrderedRules, id)
	}
}

// aiKeyCatalogRules are the catalog entries of the AI-provider key rules.
func aiKeyCatalogRules() []rules.Rule {
	shapes := sensitive.AIKeyShapes()
	out := make([]rules.Rule, 0, len(shapes))
	for _, k := range shapes {
		cr := GitleaksRule(k.Name, k.Title)
		cr.Help = "**Why it matters.** A value in the file has the published shape of an AI provider's key (" + k.Title + "). Such keys spend money and read the account's data, prompts and files.\n" + structuralFix + "\nCompliant example:\n\n    OPENAI_API_KEY: ${OPENAI_API_KEY}\n"
		out = append(out, cr)
	}
	return out
}

func isAIKeyRule(id string) bool {
	for _, r := range aiKeyRules() {
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
