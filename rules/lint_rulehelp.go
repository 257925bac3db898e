package rules

import "strings"

// lintHelpMarkdown assembles a lint rule's help from its three parts, so
// every rule explains the same things in the same order.
func lintHelpMarkdown(why, fix, example string) string {
	block := "    " + strings.ReplaceAll(strings.TrimRight(example, "\n"), "\n", "\n    ")
	return "**Why it matters.** " + why + "\n\n**How to fix.** " + fix + "\n\nCompliant example:\n\n" + block + "\n"
}
