package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/reporters"
	"github.com/specterhq/specter/scanners/inventory"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface/discover"
	"github.com/specterhq/specter/surface/ingest"
	"github.com/specterhq/specter/surface/traffic"
)

// trafficFlags are the flags that feed recorded traffic to the inventory
// scanner (inventory, and scan --traffic).
type trafficFlags struct {
	specs        []string
	files        []string
	format       string
	hosts        []string
	previousSpec []string
}

func addTrafficFlags(cmd *cobra.Command, t *trafficFlags, withSpec bool) {
	fl := cmd.Flags()
	if withSpec {
		fl.StringArrayVar(&t.specs, "spec", nil, "OpenAPI document, Postman collection or folder of them that documents the API (repeatable)")
	}
	fl.StringArrayVar(&t.files, "traffic", nil, "recorded traffic: a log, HAR or OTLP file, .gz accepted, - for stdin (repeatable)")
	fl.StringVar(&t.format, "traffic-format", "auto", "traffic format: auto, "+strings.Join(formatNames(), ", "))
	fl.StringArrayVar(&t.hosts, "host", nil, "a host that also serves the documented API, e.g. a staging host (repeatable)")
	fl.StringArrayVar(&t.previousSpec, "previous-spec", nil, "an older revision of the spec: operations it has and the current one lacks are zombies when live (repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("traffic-format", cobra.FixedCompletions(append([]string{"auto"}, formatNames()...), cobra.ShellCompDirectiveNoFileComp))
}

func formatNames() []string {
	var out []string
	for _, f := range traffic.Formats() {
		out = append(out, string(f))
	}
	return out
}

func newInventoryCommand(st streams) *cobra.Command {
	f := &scanFlags{}
	cmd := &cobra.Command{
		Use:   "inventory --spec SPEC... --traffic FILE...",
		Short: "Compare the documented API with recorded traffic: shadow, zombie and orphan endpoints",
		Long: `Inventory reads recorded runtime traffic (HAR; nginx/Apache combined and
common logs; AWS ALB and API Gateway logs; Envoy/Istio text and JSON; OTLP
JSON spans; aggregated CSV/JSONL inventories), streaming, and compares it
with the operations the specs document. It reports undocumented live
endpoints (shadow), deprecated, removed or superseded endpoints that still
answer (zombie), documented endpoints never observed (orphan), secured
operations answered 2xx without credentials, and sensitive data in responses
of shadow and zombie endpoints. Paths only ever answered 404, or scan-shaped
and only answered 4xx, are probe noise, counted in the summary. It also
groups the traffic per client (tokens decoded, never printed; keys by a
redacted prefix; user agents) and reports over-privileged clients,
long-lived tokens, agent bursts and shared credentials; the config's
inventory section marks agents. See docs/inventory.md.`,
		Example: `  specter inventory --spec api/openapi.yaml --traffic access.log.gz
  specter inventory --spec api/ --traffic - --traffic-format combined < access.log
  specter inventory --spec api/openapi.yaml --previous-spec old/openapi.yaml --traffic spans.jsonl -f sarif -o inventory.sarif`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(f.traffic.specs) == 0 {
				return usageError("inventory needs --spec")
			}
			if len(f.traffic.files) == 0 {
				return usageError("inventory needs --traffic")
			}
			return runScan(cmd.Context(), st, scanInventory, f, f.traffic.specs, cmd.Flags().Changed("fail-on"))
		},
	}
	addReportFlags(cmd, f, scanInventory)
	addTrafficFlags(cmd, &f.traffic, true)
	return cmd
}

// newInventoryScanner builds the inventory scanner: it opens the traffic
// sources lazily and loads the previous spec, if any. The config file's
// inventory hosts come first, --host adds more; the agent markers, token
// lifetimes and burst factor come from the config file.
func newInventoryScanner(ctx context.Context, st streams, t *trafficFlags, cfg config.InventoryConfig, credentials sensitive.CredentialDetector, f *scanFlags) (*inventory.Scanner, error) {
	format, err := traffic.ParseFormat(t.format)
	if err != nil {
		return nil, usageError("--traffic-format: %v", err)
	}
	opts := inventory.Options{
		Hosts:                 append(append([]string(nil), cfg.Hosts...), t.hosts...),
		Credentials:           credentials,
		AgentMaxTokenLifetime: time.Duration(cfg.AgentMaxTokenLifetime) * time.Second,
		MaxTokenLifetime:      time.Duration(cfg.MaxTokenLifetime) * time.Second,
		BurstFactor:           cfg.BurstFactor,
	}
	for _, m := range cfg.AgentMarkers {
		opts.AgentMarkers = append(opts.AgentMarkers, inventory.AgentMarker{Claim: m.Claim, Value: m.Value, UserAgent: m.UserAgent, Client: m.Client})
	}
	stdin := false
	for _, name := range t.files {
		src := inventory.Source{Name: name, Format: format}
		if name == "-" {
			if stdin {
				return nil, usageError("--traffic - (stdin) given twice")
			}
			stdin = true
			src.Open = func() (io.ReadCloser, error) { return io.NopCloser(st.in), nil }
		} else {
			if _, err := os.Stat(name); err != nil {
				return nil, &exitError{code: exitInputError, err: fmt.Errorf("--traffic: %w", err)}
			}
			src.Name = filepath.ToSlash(relToWorkDir(name))
			src.Open = func() (io.ReadCloser, error) { return os.Open(name) }
		}
		opts.Traffic = append(opts.Traffic, src)
	}
	if len(t.previousSpec) > 0 {
		walked, err := discover.Walk(ctx, t.previousSpec, discover.Options{MaxFileBytes: f.maxFileBytes})
		if err != nil {
			var ie *discover.InputError
			if errors.As(err, &ie) {
				return nil, &exitError{code: exitInputError, err: fmt.Errorf("--previous-spec: %w", err)}
			}
			return nil, err
		}
		loaded, err := ingest.Load(ctx, walked.Files, ingest.Options{Models: true, AllowRemoteRefs: f.allowRemoteRefs, MaxFileBytes: f.maxFileBytes})
		if err != nil {
			return nil, fmt.Errorf("loading --previous-spec: %w", err)
		}
		problems := append(loaded.Problems, ingest.CheckNamed(loaded.Surface, walked.Named)...)
		if len(problems) > 0 {
			return nil, &exitError{code: exitInputError, err: fmt.Errorf("--previous-spec: %v", problems[0])}
		}
		opts.Previous = loaded.Surface
	}
	return inventory.New(opts), nil
}

func relToWorkDir(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return abs
}

// inventoryReport carries the scanner's summary into the report.
func inventoryReport(s inventory.Summary) *reporters.InventorySummary {
	out := &reporters.InventorySummary{
		Requests:             s.Requests,
		Operations:           s.Operations,
		ObservedOperations:   s.ObservedOperations,
		ProbeEndpoints:       s.ProbeEndpoints,
		ProbeRequests:        s.ProbeRequests,
		PreflightRequests:    s.PreflightRequests,
		Overflow:             s.Overflow,
		UnattributedRequests: s.UnattributedRequests,
		ClientsOverflow:      s.ClientsOverflow,
	}
	if !s.WindowStart.IsZero() {
		out.WindowStart = s.WindowStart.UTC().Format(time.RFC3339)
		out.WindowEnd = s.WindowEnd.UTC().Format(time.RFC3339)
	}
	for _, src := range s.Sources {
		rs := reporters.InventorySource{Name: src.Name, Format: src.Format, Records: src.Records, Skipped: src.Skipped}
		for _, k := range src.Skips {
			rs.Skips = append(rs.Skips, reporters.InventorySkip{Reason: string(k.Reason), Count: k.Count, FirstLine: k.FirstLine, FirstEntry: k.FirstEntry})
		}
		out.Sources = append(out.Sources, rs)
	}
	for _, c := range s.Clients {
		rc := reporters.InventoryClient{
			Name: c.Name, IdentifiedBy: c.IdentifiedBy, Agent: c.Agent, Requests: c.Requests,
			FirstSeen: rfc3339(c.FirstSeen), LastSeen: rfc3339(c.LastSeen),
			PeakPerMinute: c.PeakPerMinute, PeakMinute: rfc3339(c.PeakMinute), MedianPerMinute: c.MedianPerMinute, ActiveMinutes: c.ActiveMinutes,
			Scopes: c.Scopes, RequiredScopes: c.RequiredScopes, UnusedScopes: c.UnusedScopes,
			Credentials: c.Credentials, MaxTokenLifetime: int64(c.MaxTokenLifetime / time.Second), TokensWithoutExpiry: c.TokensWithoutExpiry,
			UserAgents: c.UserAgents,
		}
		for _, op := range c.Operations {
			rc.Operations = append(rc.Operations, reporters.InventoryClientOperation{Method: op.Method, Path: op.Path, Documented: op.Documented, Requests: op.Requests})
		}
		out.Clients = append(out.Clients, rc)
	}
	return out
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// describeInventory is the stderr line summarising what the traffic held.
func describeInventory(s inventory.Summary) string {
	line := fmt.Sprintf("inventory: %d request(s) from %d source(s); %d of %d documented operation(s) observed; probe noise: %d request(s) to %d undocumented path(s) only ever answered 404/405/501 or, scan-shaped, only 4xx; %d CORS preflight(s)",
		s.Requests, len(s.Sources), s.ObservedOperations, s.Operations, s.ProbeRequests, s.ProbeEndpoints, s.PreflightRequests)
	var skips []string
	for _, src := range s.Sources {
		for _, k := range src.Skips {
			skips = append(skips, fmt.Sprintf("%s: %d %s (first: %s)", src.Name, k.Count, k.Reason, strings.SplitN(k.First, ": ", 2)[0]))
		}
	}
	if len(skips) > 0 {
		line += "; skipped " + strings.Join(skips, ", ")
	}
	agents := 0
	for _, c := range s.Clients {
		if c.Agent != "" {
			agents++
		}
	}
	if len(s.Clients) > 0 {
		line += fmt.Sprintf("; %d client(s), %d agent(s)", len(s.Clients), agents)
	}
	if s.Overflow > 0 {
		line += fmt.Sprintf("; %d request(s) over the distinct-endpoint limit not analysed", s.Overflow)
	}
	if s.ClientsOverflow > 0 {
		line += fmt.Sprintf("; %d request(s) of clients over the client limit not grouped", s.ClientsOverflow)
	}
	return line
}
