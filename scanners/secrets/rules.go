package secrets

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"

	"github.com/specterhq/specter/rules"
)

// Structural secret rules: a value written where a credential goes, found
// by reading the document's structure rather than by a provider pattern.
// Each has its fixtures in testdata/rules/<id without "secrets/">.
const (
	RuleSecretsPostmanAuth         = "secrets/postman-auth-credential"
	RuleSecretsHeader              = "secrets/credential-header"
	RuleSecretsQueryParameter      = "secrets/credential-query-parameter"
	RuleSecretsEnvironment         = "secrets/environment-credential"
	RuleSecretsPostmanVariable     = "secrets/postman-variable-credential"
	RuleSecretsSpecExample         = "secrets/spec-example-credential"
	RuleSecretsURLUserinfo         = "secrets/url-userinfo-password"
	RuleSecretsHardcodedCredential = "secrets/hardcoded-credential"
	RuleSecretsMCPConfig           = "secrets/mcp-config-credential"
)

// Every secrets rule shares the OWASP category and CWE: a hard-coded
// credential is a security misconfiguration of the API's artefacts.
const (
	secretsOWASP = "API8:2023"
	secretsCWE   = "CWE-798"
)

// GitleaksRulePrefix is prepended to a gitleaks rule id to make specter's id.
const GitleaksRulePrefix = "secrets/"

// GitleaksConfig parses gitleaks' embedded default configuration with a
// private viper instance, so that no global state is read or written.
// Translate compiles regexes with MustCompile; a panic becomes an error.
func GitleaksConfig() (cfg config.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("gitleaks default config: %v", r)
		}
	}()
	vc, err := gitleaksViperConfig()
	if err != nil {
		return config.Config{}, err
	}
	cfg, err = vc.Translate()
	if err != nil {
		return config.Config{}, fmt.Errorf("compiling gitleaks default config: %w", err)
	}
	return cfg, nil
}

// gitleaksViperConfig decodes gitleaks' default configuration without
// compiling its regexes: the catalog needs only ids and descriptions.
func gitleaksViperConfig() (config.ViperConfig, error) {
	v := viper.New()
	v.SetConfigType("toml")
	if err := v.ReadConfig(strings.NewReader(config.DefaultConfig)); err != nil {
		return config.ViperConfig{}, fmt.Errorf("reading gitleaks default config: %w", err)
	}
	var vc config.ViperConfig
	if err := v.Unmarshal(&vc); err != nil {
		return config.ViperConfig{}, fmt.Errorf("decoding gitleaks default config: %w", err)
	}
	return vc, nil
}

// criticalSecretPrefixes are gitleaks rule id prefixes of credentials that
// open a cloud account or are private keys: they are critical, not high.
var criticalSecretPrefixes = []string{
	"private-key", "aws-", "gcp-", "azure-", "alibaba-", "digitalocean-",
	"yandex-", "heroku-", "cloudflare-", "kubernetes-secret",
}

// SecretSeverity returns the severity of a gitleaks rule: critical for
// private keys and cloud provider credentials, high otherwise.
func SecretSeverity(gitleaksID string) rules.Severity {
	for _, p := range criticalSecretPrefixes {
		if strings.HasPrefix(gitleaksID, p) {
			return rules.SeverityCritical
		}
	}
	return rules.SeverityHigh
}

// GitleaksRule returns the catalog entry for a gitleaks rule.
func GitleaksRule(gitleaksID, description string) rules.Rule {
	precision := rules.PrecisionHigh
	if strings.HasPrefix(gitleaksID, "generic-") {
		precision = rules.PrecisionMedium
	}
	title := strings.TrimSpace(strings.TrimSuffix(description, "."))
	if title == "" {
		title = "Secret matching gitleaks rule " + gitleaksID
	}
	return rules.Rule{
		ID:        GitleaksRulePrefix + gitleaksID,
		Title:     title,
		Severity:  SecretSeverity(gitleaksID),
		OWASP:     secretsOWASP,
		CWE:       []string{secretsCWE},
		Precision: precision,
		Help: fmt.Sprintf(`A value in the file matches gitleaks' %q pattern: %s.

**Why it matters.** Anyone who can read the file (repository, CI logs,
published documentation, a shared collection) can use the credential.

**How to fix.**
1. Rotate the credential now: removing it from the file does not un-leak it.
2. Move it to a secret store or an environment variable read at run time.
3. In specs and collections, write a placeholder instead: %s.

Compliant example:

    Authorization: Bearer {{accessToken}}
`, gitleaksID, title, "`{{accessToken}}`, `${API_TOKEN}` or `<your-api-key>`"),
	}
}

// Rules returns the secret scanner's rules: one per gitleaks rule of its
// embedded default config (ids and descriptions only) and the structural
// ones, for the catalog.
func Rules() ([]rules.Rule, error) {
	// Only ids and descriptions: compiling gitleaks' 222 regexes here would
	// put the secret scanner's start-up cost on every command, even
	// `specter rules` and shell completion.
	vc, err := gitleaksViperConfig()
	if err != nil {
		return nil, err
	}
	out := make([]rules.Rule, 0, len(vc.Rules)+16)
	for _, r := range vc.Rules {
		out = append(out, GitleaksRule(r.ID, r.Description))
	}
	out = append(out, aiKeyCatalogRules()...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return append(out, structuralSecretRules()...), nil
}

const structuralFix = `
**How to fix.**
1. Rotate the credential: it has been readable by everyone with the file.
2. Keep the real value in a secret store or an environment variable, or in
   a local, uncommitted Postman environment (type ` + "`secret`" + `).
3. Reference it with a placeholder: ` + "`{{apiKey}}`" + ` in Postman,
   ` + "`<your-api-key>`" + ` or ` + "`${API_KEY}`" + ` in documentation.
`

func structuralRule(id, title, why, example string, precision rules.Precision) rules.Rule {
	return rules.Rule{
		ID:        id,
		Title:     title,
		Severity:  rules.SeverityHigh,
		OWASP:     secretsOWASP,
		CWE:       []string{secretsCWE},
		Precision: precision,
		Help:      "**Why it matters.** " + why + "\n" + structuralFix + "\nCompliant example:\n\n" + example + "\n",
	}
}

func structuralSecretRules() []rules.Rule {
	return []rules.Rule{
		structuralRule(RuleSecretsPostmanAuth, "Hard-coded credential in a Postman auth block",
			"The auth block of a collection, folder or request holds a literal password, token, key or client secret. Whoever gets the collection (an export, a public workspace, the repository) can authenticate as its owner.",
			"    \"auth\": {\"type\": \"bearer\", \"bearer\": [{\"key\": \"token\", \"value\": \"{{accessToken}}\"}]}",
			rules.PrecisionHigh),
		structuralRule(RuleSecretsHeader, "Hard-coded credential in a request header",
			"A request sets `Authorization`, `Proxy-Authorization`, an API key header or `Cookie` to a literal value, so the credential ships with the collection.",
			"    {\"key\": \"Authorization\", \"value\": \"Bearer {{accessToken}}\"}",
			rules.PrecisionHigh),
		structuralRule(RuleSecretsQueryParameter, "Hard-coded credential in a URL query parameter",
			"A URL carries `api_key`, `token`, `client_secret`, `password` or a similar parameter with a literal value. Query strings end up in server logs, proxies and browser history as well as in the file.",
			"    https://api.example.com/v1/items?api_key={{apiKey}}",
			rules.PrecisionHigh),
		structuralRule(RuleSecretsEnvironment, "Credential stored in a Postman environment",
			"An exported environment holds the value of a `secret` variable or of a variable named like a credential. Environments are meant to be shared without their secrets: export them with empty current values.",
			"    {\"key\": \"apiKey\", \"value\": \"\", \"type\": \"secret\", \"enabled\": true}",
			rules.PrecisionHigh),
		structuralRule(RuleSecretsPostmanVariable, "Credential stored in a collection or folder variable",
			"A collection or folder variable named like a credential holds a literal value, which travels with every copy of the collection.",
			"    \"variable\": [{\"key\": \"apiKey\", \"value\": \"\"}]",
			rules.PrecisionMedium),
		structuralRule(RuleSecretsSpecExample, "Credential-like example or default in an API description",
			"An `example`, `examples`, `default` or `x-example` of a parameter or property named like a secret holds a value that is not a placeholder. Published API descriptions are public; real credentials copied into examples leak, and realistic fakes teach readers to paste secrets into documents.",
			"    api_key:\n      type: string\n      example: <your-api-key>",
			rules.PrecisionMedium),
		structuralRule(RuleSecretsURLUserinfo, "Password in a URL's userinfo",
			"A URL has the form `scheme://user:password@host`. The password is readable by anyone with the file and is logged by most tools that print the URL.",
			"    https://{{username}}:{{password}}@api.example.com/",
			rules.PrecisionHigh),
		structuralRule(RuleSecretsHardcodedCredential, "Hard-coded credential",
			"A value in a credential position (a field, parameter or variable named like a secret) is a literal that does not look like a placeholder.",
			"    password: ${DB_PASSWORD}",
			rules.PrecisionMedium),
		structuralRule(RuleSecretsMCPConfig, "Credential in an MCP server config or server.json",
			"An MCP client config (`.vscode/mcp.json`, `claude_desktop_config.json`, `.cursor/mcp.json`, Zed `context_servers`) or a registry `server.json` passes a literal credential to a server: in an `env` value named like a secret, in a command argument (`--api-key=…`, `--token …`, a connection string's password) or as a provider key anywhere in the launch. These files are committed and shared with the whole team; the agent host also shows them to every extension.",
			"    \"env\": {\"GITHUB_TOKEN\": \"${input:github-token}\"}",
			rules.PrecisionHigh),
	}
}
