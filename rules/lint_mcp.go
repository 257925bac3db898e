package rules

// MCP tools: what a tools/list answer tells the model. Tool and parameter
// descriptions are read by the model as instructions, so text aimed at the
// model, or hidden from the human reviewing the tool, is an injection
// channel (OWASP LLM01:2025 Prompt Injection; the OWASP MCP Top 10's tool
// poisoning entry).
const (
	RuleLintMCPToolPoisoning = "lint/mcp-tool-poisoning"
	RuleLintMCPHiddenText    = "lint/mcp-hidden-text"
)

func mcpLintRules() []Rule {
	return []Rule{
		{
			ID: RuleLintMCPToolPoisoning, Title: "MCP tool description gives the model instructions",
			Severity: SeverityHigh, OWASP: "API10:2023", CWE: []string{"CWE-77", "CWE-200"}, Precision: PrecisionMedium,
			Help: lintHelp("The model reads every tool's and parameter's description as trusted context. A description that addresses the model (`<IMPORTANT>` blocks, \"ignore previous instructions\", \"do not tell the user\"), asks it to read `~/.ssh`, `.env`, cloud credentials or MCP configs, or to pass the conversation or files into a parameter, is tool poisoning: the server takes over the agent without calling anything. Maps to OWASP LLM01:2025 Prompt Injection and LLM02:2025 Sensitive Information Disclosure, and to the tool poisoning entry of the OWASP MCP Top 10.",
				"Describe what the tool does and what its parameters mean, nothing else; remove the server until its author does.",
				"{\"name\": \"add\", \"description\": \"Add two numbers and return the sum.\"}"),
		},
		{
			ID: RuleLintMCPHiddenText, Title: "MCP tool description holds hidden or look-alike characters",
			Severity: SeverityHigh, OWASP: "API10:2023", CWE: []string{"CWE-116", "CWE-1007"}, Precision: PrecisionHigh,
			Help: lintHelp("Unicode tag characters (U+E0000–U+E007F) carry ASCII text that the model reads and no client displays; zero-width and bidirectional controls hide or reorder text; Cyrillic or Greek letters inside Latin words make a name look like another. The finding shows the decoded hidden text (tag characters as ASCII, other controls as \\u escapes). Maps to OWASP LLM01:2025 Prompt Injection and the tool poisoning entry of the OWASP MCP Top 10.",
				"Use plain text in names and descriptions; reject servers whose descriptions carry invisible characters.",
				"{\"name\": \"search\", \"description\": \"Search issues by keyword.\"}"),
		},
	}
}
