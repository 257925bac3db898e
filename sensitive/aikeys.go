package sensitive

// KeyShape is the published format of one provider's key: Pattern is the
// key itself (no anchors, no capture groups), Entropy the Shannon entropy
// in bits per byte a real key has at least, Keywords lower-case substrings
// every key holds (for gitleaks' keyword gating), Markers the same
// substrings as they are written (for LooksLikeProviderKey's pre-check).
type KeyShape struct {
	Name, Title string
	Pattern     string
	Entropy     float64
	Keywords    []string
	Markers     []string
}

// AIKeyShapes are the AI providers' key shapes and length variants that
// gitleaks v8.30.1's default rules miss: its openai-api-key only takes
// project, service-account and admin keys whose halves around the T3BlbkFJ
// marker are exactly 58 or 74 characters, its anthropic rules exactly 93
// characters before the closing "AA", and it has no rule for Groq, xAI,
// Replicate, OpenRouter or LangSmith. The secret scanner runs them as
// gitleaks rules; LooksLikeProviderKey knows them too, so lint, the
// fuzzer's exposure oracle and inventory classify such values as keys
// whatever the field is called. It returns a new slice on every call.
func AIKeyShapes() []KeyShape {
	return []KeyShape{
		{"openai-project-key", "OpenAI project, service-account or admin key of any length",
			`sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}`, 4,
			[]string{"sk-proj-", "sk-svcacct-", "sk-admin-"}, []string{"sk-proj-", "sk-svcacct-", "sk-admin-"}},
		{"openai-marker-key", "OpenAI user key with the T3BlbkFJ marker, of any length",
			`sk-[A-Za-z0-9]{16,100}T3BlbkFJ[A-Za-z0-9]{16,100}`, 3.5, []string{"t3blbkfj"}, []string{"T3BlbkFJ"}},
		{"anthropic-key-variant", "Anthropic API or admin key of a length gitleaks does not take",
			`sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{80,120}AA`, 4,
			[]string{"sk-ant-api03-", "sk-ant-admin01-"}, []string{"sk-ant-api03-", "sk-ant-admin01-"}},
		{"groq-api-key", "Groq API key", `gsk_[A-Za-z0-9]{52}`, 4, []string{"gsk_"}, []string{"gsk_"}},
		{"xai-api-key", "xAI API key", `xai-[A-Za-z0-9]{80}`, 4, []string{"xai-"}, []string{"xai-"}},
		{"replicate-api-token", "Replicate API token", `r8_[A-Za-z0-9]{37}`, 3.5, []string{"r8_"}, []string{"r8_"}},
		{"openrouter-api-key", "OpenRouter API key", `sk-or-v1-[a-f0-9]{64}`, 3, []string{"sk-or-v1-"}, []string{"sk-or-v1-"}},
		{"langsmith-api-key", "LangSmith personal access token or service key",
			`lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}`, 3, []string{"lsv2_"}, []string{"lsv2_"}},
	}
}
