package reporters

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// Row caps of the per-client tables; the JSON report lists every client.
const (
	textMaxClients     = 20
	markdownMaxClients = 50
)

// clientColumns are the per-client tables' headings.
var clientColumns = []string{"CLIENT", "IDENTIFIED BY", "AGENT", "REQUESTS", "OPERATIONS", "PEAK/MIN", "MEDIAN/MIN", "UNUSED SCOPES", "LONGEST TOKEN"}

// clientRow renders one client's cells.
func clientRow(c InventoryClient) []string {
	agent := "-"
	if c.Agent != "" {
		agent = "yes"
	}
	unused := strings.Join(c.UnusedScopes, " ")
	if unused == "" {
		unused = "-"
	}
	return []string{
		clip(c.Name, 40), c.IdentifiedBy, agent, strconv.Itoa(c.Requests), strconv.Itoa(len(c.Operations)),
		strconv.Itoa(c.PeakPerMinute), strconv.Itoa(c.MedianPerMinute), clip(unused, 60), tokenLifetime(c),
	}
}

// tokenLifetime is the longest token's lifetime, "no exp" when a token
// had none, "-" when no token said.
func tokenLifetime(c InventoryClient) string {
	switch {
	case c.TokensWithoutExpiry > 0:
		return "no exp"
	case c.MaxTokenLifetime <= 0:
		return "-"
	}
	s := c.MaxTokenLifetime
	switch {
	case s >= 2*86400 && s%86400 == 0:
		return fmt.Sprintf("%dd", s/86400)
	case s%3600 == 0:
		return fmt.Sprintf("%dh", s/3600)
	case s%60 == 0:
		return fmt.Sprintf("%dm", s/60)
	}
	return fmt.Sprintf("%ds", s)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// writeTextClients prints the per-client table of an inventory run.
func writeTextClients(w *bufio.Writer, st textStyles, inv *InventorySummary) {
	if inv == nil || len(inv.Clients) == 0 {
		return
	}
	agents := 0
	for _, c := range inv.Clients {
		if c.Agent != "" {
			agents++
		}
	}
	fmt.Fprintf(w, "%s\n", st.file.Render(fmt.Sprintf("Clients in the traffic: %d, %d %s", len(inv.Clients), agents, plural(agents, "agent", "agents"))))
	rows := [][]string{clientColumns}
	for i, c := range inv.Clients {
		if i == textMaxClients {
			break
		}
		row := clientRow(c)
		for j := range row {
			row[j] = terminalSafe(row[j])
		}
		rows = append(rows, row)
	}
	widths := make([]int, len(clientColumns))
	for _, row := range rows {
		for j, cell := range row {
			widths[j] = max(widths[j], len([]rune(cell)))
		}
	}
	for i, row := range rows {
		var b strings.Builder
		b.WriteString("  ")
		for j, cell := range row {
			if j > 0 {
				b.WriteString("  ")
			}
			if j == len(row)-1 {
				b.WriteString(cell)
				break
			}
			b.WriteString(cell + strings.Repeat(" ", widths[j]-len([]rune(cell))))
		}
		line := strings.TrimRight(b.String(), " ")
		if i == 0 {
			line = st.detail.Render(line)
		}
		fmt.Fprintf(w, "%s\n", line)
	}
	if n := len(inv.Clients) - textMaxClients; n > 0 {
		fmt.Fprintf(w, "%s\n", st.hint.Render(fmt.Sprintf("  and %d more %s in the JSON report", n, plural(n, "client", "clients"))))
	}
	w.WriteByte('\n')
}

// writeMarkdownClients writes the per-client table of an inventory run.
func writeMarkdownClients(w *bufio.Writer, inv *InventorySummary) {
	if inv == nil || len(inv.Clients) == 0 {
		return
	}
	w.WriteString("\n### Clients in the traffic\n\n|")
	for _, h := range clientColumns {
		fmt.Fprintf(w, " %s |", strings.ToLower(h[:1])+strings.ToLower(h[1:]))
	}
	w.WriteString("\n|" + strings.Repeat("---|", len(clientColumns)) + "\n")
	for i, c := range inv.Clients {
		if i == markdownMaxClients {
			break
		}
		row := clientRow(c)
		w.WriteString("|")
		for j, cell := range row {
			if j == 0 || j == 7 {
				fmt.Fprintf(w, " %s |", mdCode(cell))
			} else {
				fmt.Fprintf(w, " %s |", mdText(cell))
			}
		}
		w.WriteString("\n")
	}
	if n := len(inv.Clients) - markdownMaxClients; n > 0 {
		fmt.Fprintf(w, "\n%d of %d clients shown; the full list is in the JSON report.\n", markdownMaxClients, len(inv.Clients))
	}
}
