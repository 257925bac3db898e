package rules

// lintHelp formats a lint rule's help: why it matters, how to fix it, and a
// compliant YAML example.
func lintHelp(why, fix, example string) string {
	return "**Why it matters.** " + why + "\n\n**How to fix.** " + fix + "\n\n```yaml\n" + example + "\n```"
}
