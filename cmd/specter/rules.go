package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/specterhq/specter/catalog"
	"github.com/specterhq/specter/rules"
)

func newRulesCommand(st streams) *cobra.Command {
	var family string
	cmd := &cobra.Command{
		Use:   "rules [RULE-ID]",
		Short: "List the rule catalog, or explain one rule",
		Long: `Without an argument, rules lists every rule specter can report: id,
default severity, OWASP API Security Top 10 (2023) category and title.
With a rule id, it prints the rule's help in markdown: why it matters, how
to fix it, and a compliant example.`,
		Example: `  specter rules
  specter rules --family secrets
  specter rules secrets/aws-access-token`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			catalog, err := catalog.Builtin()
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			ids := make([]string, 0, catalog.Len())
			for _, r := range catalog.All() {
				ids = append(ids, r.ID+"\t"+r.Title)
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			catalog, err := catalog.Builtin()
			if err != nil {
				return fmt.Errorf("building the rule catalog: %w", err)
			}
			if len(args) == 1 {
				r := catalog.Lookup(args[0])
				if r == nil {
					return usageError("unknown rule %q (run 'specter rules' for the list)", args[0])
				}
				_, err := fmt.Fprint(st.out, explainRule(r))
				return err
			}
			tw := tabwriter.NewWriter(st.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "RULE\tSEVERITY\tOWASP\tTITLE")
			n := 0
			for _, r := range catalog.All() {
				if family != "" && r.Family() != family {
					continue
				}
				n++
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, dash(r.OWASP), r.Title)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if n == 0 {
				return usageError("no rules in family %q", family)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&family, "family", "", "list only the rules of one family (e.g. secrets)")
	return cmd
}

func explainRule(r *rules.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n**%s**\n\n", r.ID, r.Title)
	fmt.Fprintf(&b, "- Severity: %s\n", r.Severity)
	if r.OWASP != "" {
		fmt.Fprintf(&b, "- OWASP API Security Top 10 (2023): %s %s\n", r.OWASP, rules.OWASPTitle(r.OWASP))
	}
	if len(r.CWE) > 0 {
		fmt.Fprintf(&b, "- CWE: %s\n", strings.Join(r.CWE, ", "))
	}
	fmt.Fprintf(&b, "- Precision: %s\n\n", r.Precision)
	b.WriteString(strings.TrimSpace(r.Help))
	b.WriteString("\n")
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
