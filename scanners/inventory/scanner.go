// Package inventory compares the documented API surface with recorded
// runtime traffic: shadow endpoints (live but undocumented), zombie
// endpoints (deprecated, removed or superseded but live), orphan endpoints
// (documented, never seen), secured operations answered without
// credentials, and sensitive data from unmanaged endpoints. It also
// groups the traffic per client (the agents' view): what each called,
// how fast, with which scopes and tokens, and which credentials several
// callers share.
package inventory

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/scanners"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/traffic"
)

// Source is one recorded-traffic input.
type Source struct {
	// Name is how reports name the input (a report path, or "-" for stdin).
	Name string
	// Open returns the raw bytes; gzip is unwrapped by the reader.
	Open func() (io.ReadCloser, error)
	// Format forces a format; "" detects it.
	Format traffic.Format
}

// Options configure a Scanner.
type Options struct {
	Traffic []Source
	// Previous is the surface of an older spec revision (--previous-spec):
	// live endpoints it documents and the current one does not are zombies.
	Previous *surface.Surface
	// Hosts are extra hosts that serve the documented API (staging,
	// regional names) besides the hosts in the specs' servers.
	Hosts []string
	// Credentials tells credentials from other named values (the run's
	// secret scanner); nil leaves secrets out of the sensitive-data check.
	Credentials sensitive.CredentialDetector
	// MaxEndpoints bounds the distinct undocumented endpoints held in
	// memory (0 means DefaultMaxEndpoints).
	MaxEndpoints int
	// CollapseThreshold is the number of distinct sibling values after
	// which a path position becomes {param} (0 means DefaultCollapseThreshold).
	CollapseThreshold int

	// AgentMarkers mark clients as AI agents, besides tokens that say
	// client_type=ai-agent.
	AgentMarkers []AgentMarker
	// AgentMaxTokenLifetime and MaxTokenLifetime are the longest token
	// lifetimes (exp - iat) agents and other clients may use
	// (inventory/long-lived-token); a token without exp is over either.
	// 0 means DefaultAgentMaxTokenLifetime for agents and no check for
	// the others.
	AgentMaxTokenLifetime, MaxTokenLifetime time.Duration
	// BurstFactor, BurstMinCalls and BurstMinMinutes decide
	// inventory/agent-burst: an agent's busiest minute at least
	// BurstFactor times its median minute and at least BurstMinCalls
	// calls, over at least BurstMinMinutes active minutes (0 means the
	// defaults).
	BurstFactor     float64
	BurstMinCalls   int
	BurstMinMinutes int
	// MaxClients bounds the distinct clients held (0 means
	// DefaultMaxClients); requests of further clients are counted.
	MaxClients int
}

// Defaults for Options.
const (
	DefaultMaxEndpoints          = 200_000
	DefaultCollapseThreshold     = 10
	DefaultAgentMaxTokenLifetime = 24 * time.Hour
	DefaultBurstFactor           = 10
	DefaultBurstMinCalls         = 30
	DefaultBurstMinMinutes       = 10
	DefaultMaxClients            = 10_000
)

// Summary describes what a run read, for the report and stderr.
type Summary struct {
	Sources  []SourceSummary `json:"sources"`
	Requests int             `json:"requests"`
	// WindowStart and WindowEnd bound the timestamps seen; zero when the
	// sources carry none.
	WindowStart time.Time `json:"window_start"`
	WindowEnd   time.Time `json:"window_end"`
	// Operations documented, and how many of them traffic reached.
	Operations         int `json:"operations"`
	ObservedOperations int `json:"observed_operations"`
	// ProbeEndpoints and ProbeRequests count undocumented paths only ever
	// answered 404/405/501: scanner noise, not findings.
	ProbeEndpoints int `json:"probe_endpoints"`
	ProbeRequests  int `json:"probe_requests"`
	// PreflightRequests counts CORS preflight OPTIONS requests on paths
	// that document no OPTIONS operation.
	PreflightRequests int `json:"preflight_requests"`
	// Overflow counts requests to undocumented endpoints dropped because
	// MaxEndpoints distinct ones were already held.
	Overflow int `json:"overflow"`
	// Clients are the callers the traffic shows, agents first, then by
	// requests; UnattributedRequests counts requests that carried nothing
	// to tell their caller by, ClientsOverflow those of clients beyond
	// MaxClients.
	Clients              []ClientSummary `json:"clients"`
	UnattributedRequests int             `json:"unattributed_requests"`
	ClientsOverflow      int             `json:"clients_overflow"`
}

// SourceSummary describes one input.
type SourceSummary struct {
	Name    string `json:"name"`
	Format  string `json:"format"`
	Records int    `json:"records"`
	Skipped int    `json:"skipped"`
	// FirstSkip says why the first skipped record was skipped.
	FirstSkip string `json:"first_skip,omitempty"`
	// Skips tallies the skipped records per reason, with where the first
	// of each was.
	Skips []traffic.SkipCount `json:"skips,omitempty"`
}

// Scanner is the inventory scanner. It holds the summary of its last Scan.
type Scanner struct {
	opts    Options
	summary Summary
}

// New returns a scanner over the given traffic.
func New(opts Options) *Scanner {
	if opts.MaxEndpoints <= 0 {
		opts.MaxEndpoints = DefaultMaxEndpoints
	}
	if opts.CollapseThreshold <= 1 {
		opts.CollapseThreshold = DefaultCollapseThreshold
	}
	if opts.AgentMaxTokenLifetime <= 0 {
		opts.AgentMaxTokenLifetime = DefaultAgentMaxTokenLifetime
	}
	if opts.BurstFactor <= 1 {
		opts.BurstFactor = DefaultBurstFactor
	}
	if opts.BurstMinCalls <= 0 {
		opts.BurstMinCalls = DefaultBurstMinCalls
	}
	if opts.BurstMinMinutes <= 0 {
		opts.BurstMinMinutes = DefaultBurstMinMinutes
	}
	if opts.MaxClients <= 0 {
		opts.MaxClients = DefaultMaxClients
	}
	return &Scanner{opts: opts}
}

// Name implements scanners.Scanner.
func (s *Scanner) Name() string { return "inventory" }

// Summary returns what the last Scan read.
func (s *Scanner) Summary() Summary { return s.summary }

// Scan reads every traffic source once, streaming, and compares it with
// the documented surface. Its coverage counts, per documented operation,
// the requests the traffic holds.
func (s *Scanner) Scan(ctx context.Context, surf *surface.Surface) (scanners.Result, error) {
	findings, cov, err := s.scan(ctx, surf)
	return scanners.Result{Findings: findings, Coverage: cov}, err
}

func (s *Scanner) scan(ctx context.Context, surf *surface.Surface) ([]rules.Finding, []scanners.OperationCoverage, error) {
	r := newRun(s.opts, surf)
	for _, src := range s.opts.Traffic {
		if err := r.read(ctx, src); err != nil {
			return nil, nil, err
		}
	}
	findings := r.findings()
	clientFindings, clients := r.clientFindings()
	r.summary.Clients = clients
	r.summary.UnattributedRequests, r.summary.ClientsOverflow = r.clients.unknown, r.clients.overflow
	s.summary = r.summary
	return append(findings, clientFindings...), r.coverage, nil
}

func (r *run) read(ctx context.Context, src Source) error {
	rc, err := src.Open()
	if err != nil {
		return fmt.Errorf("opening traffic %s: %w", src.Name, err)
	}
	defer rc.Close()
	reader, err := traffic.Open(rc, src.Format)
	if err != nil {
		return fmt.Errorf("traffic %s: %w", src.Name, err)
	}
	sum := SourceSummary{Name: src.Name, Format: string(reader.Format)}
	// Chunks of the input are parsed and resolved in parallel, each
	// goroutine with its own resolver; observations arrive here in input
	// order, and observe keeps (clones) only what it needs.
	reader.Prepare = func() func(*traffic.Observation) { return r.newResolver().prepare }
	err = reader.EachBatch(ctx, func(batch []traffic.Observation) error {
		sum.Records += len(batch)
		for i := range batch {
			r.observe(&batch[i], src.Name)
		}
		return nil
	})
	r.clients.endSource()
	sum.Skipped, sum.FirstSkip, sum.Skips = reader.Skipped, reader.FirstSkip, reader.Skips
	r.summary.Sources = append(r.summary.Sources, sum)
	if err != nil {
		return fmt.Errorf("traffic %s: %w", src.Name, err)
	}
	return nil
}
