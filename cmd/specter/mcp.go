package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/specterhq/specter/catalog"
	"github.com/specterhq/specter/engine"
	"github.com/specterhq/specter/internal/mcpserver"
	"github.com/specterhq/specter/policy"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners/secrets"
	"github.com/specterhq/specter/surface/discover"
)

func newMCPCommand(st streams) *cobra.Command {
	var root string
	cmd := &cobra.Command{
		Use:   "mcp",
		Args:  cobra.NoArgs,
		Short: "Serve specter's static scans to coding agents as an MCP server over stdio",
		Long: `Mcp runs specter as a Model Context Protocol server on stdin and stdout,
so that a coding agent can check an API before it commits it. Its tools:

  scan          every static scanner over a path (like specter scan)
  lint          the security lint over a path (like specter lint)
  secrets       the secret scanner over a path (like specter secrets)
  explain_rule  a rule's metadata and help
  list_rules    the rules, by family or severity

scan, lint and secrets take an optional baseline file and a git revision
(new_from_rev), as --baseline and --new-from-rev do. Paths are resolved
against --root (default: the working directory) and a path outside it is
refused. .specter.yaml in the root applies as it does
for the CLI. The server only reads files; secrets are always redacted.
Stdout carries the protocol; logs go to stderr. See docs/agents.md.

A client config (VS Code .vscode/mcp.json; Claude Desktop and Cursor use
"mcpServers" instead of "servers"):

  {"servers": {"specter": {"command": "specter", "args": ["mcp", "--root", "."]}}}`,
		Example: `  specter mcp
  specter mcp --root ~/src/orders-api`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			srv, err := newMCPServer(root)
			if err != nil {
				return &exitError{code: exitInputError, err: err}
			}
			logger := log.New(st.err, "specter mcp: ", 0)
			logger.Printf("serving on stdio, root %s", root)
			err = srv.Run(cmd.Context(), &mcp.StdioTransport{})
			if err != nil && !errors.Is(err, context.Canceled) {
				return fmt.Errorf("mcp server: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&root, "root", ".", "directory the tools' paths are resolved against and confined to")
	return cmd
}

// newMCPServer builds the server over the built-in catalog and the static
// scan below.
func newMCPServer(root string) (*mcp.Server, error) {
	cat, err := catalog.Builtin()
	if err != nil {
		return nil, fmt.Errorf("building the rule catalog: %w", err)
	}
	b := currentBuild()
	return mcpserver.New(mcpserver.Options{Root: root, Scanner: &mcpScan{catalog: cat}, Catalog: cat, Version: b.Version})
}

// mcpScan runs one static scan for a tool call the way the CLI's scan,
// lint and secrets do, with the root's .specter.yaml and secrets redacted.
type mcpScan struct {
	catalog *rules.Catalog
}

func (m *mcpScan) Scan(ctx context.Context, req mcpserver.Request) (*mcpserver.Outcome, error) {
	cfg, err := loadConfig("", req.Root, m.catalog)
	if err != nil {
		return nil, err
	}
	gate, err := policy.ResolveGate(cfg, "", false)
	if err != nil {
		return nil, fmt.Errorf("the gate: %w", err)
	}
	var baseline *policy.Baseline
	if req.Baseline != "" {
		if baseline, err = policy.ReadBaseline(req.Baseline); err != nil {
			return nil, err
		}
	}
	kind := scanKind(req.Kind)
	// ShowSecrets stays false: over MCP secrets are always redacted.
	detector := engine.NewSecrets(secrets.Options{})
	static, err := engine.StaticScanners(selectionFor(kind), cfg, detector)
	if err != nil {
		return nil, fmt.Errorf("starting the scanners: %w", err)
	}
	// Report paths are relative to the root, so fingerprints are the ones
	// specter scan run in the root computes (and its baselines match).
	res, err := engine.Run(ctx, engine.Plan{
		Paths:        []string{req.Path},
		WorkDir:      req.Root,
		MaxFileBytes: discover.DefaultMaxFileBytes,
		Excludes:     cfg.Exclude,
		Ingest:       ingestOptions(kind, &scanFlags{maxFileBytes: discover.DefaultMaxFileBytes}),
		Static:       static,
		Secrets:      detector,
		Config:       cfg,
		Baseline:     baseline,
		Revision:     req.NewFromRev,
		Gate:         gate,
	})
	var re *engine.RevisionError
	if errors.As(err, &re) {
		return nil, fmt.Errorf("new_from_rev: %w", re.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", req.Path, err)
	}
	var problems []string
	for _, p := range res.Problems {
		problems = append(problems, p.Error())
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("interrupted: %w", err)
	}
	return &mcpserver.Outcome{
		Findings:     res.Kept.Findings,
		GatePassed:   res.Verdict.Passed,
		FailOn:       res.Verdict.FailOn,
		GateReasons:  res.Verdict.Reasons,
		Problems:     problems,
		FilesScanned: len(res.Surface.Files),
		Baselined:    res.Kept.Count(policy.StepBaseline).Dropped,
		Earlier:      res.Kept.Count(policy.StepNewFromRev).Dropped,
	}, nil
}
