package policy

import (
	"fmt"

	"github.com/specterhq/specter/config"
	"github.com/specterhq/specter/rules"
)

// DefaultFailOn is the gate's threshold when neither the config nor a flag
// sets one.
const DefaultFailOn = rules.SeverityHigh

// Gate decides whether a scan passes CI. Only unsuppressed findings count.
type Gate struct {
	// FailOn fails the gate when any finding is at or above it.
	FailOn rules.Severity
	// Disabled turns the FailOn threshold off (fail-on none); Max still
	// applies.
	Disabled bool
	// Max fails the gate when the count of findings of a severity exceeds
	// its maximum. Severities not listed are unbounded.
	Max map[rules.Severity]int
}

// Verdict is the gate's decision.
type Verdict struct {
	Passed bool
	// FailOn is the threshold applied: a severity name or "none".
	FailOn string
	// Reasons are sentences saying why the gate failed; empty on a pass.
	Reasons []string
	// Counts holds the number of unsuppressed findings per severity.
	Counts map[rules.Severity]int
}

// ParseFailOn reads a --fail-on / gate.fail-on value: a severity name or
// "none". The gate it returns has no per-severity maxima.
func ParseFailOn(s string) (Gate, error) {
	sev, none, err := config.ParseThreshold(s)
	if err != nil {
		return Gate{}, err
	}
	return Gate{FailOn: sev, Disabled: none}, nil
}

// DefaultGate fails on DefaultFailOn.
func DefaultGate() Gate { return Gate{FailOn: DefaultFailOn} }

// ResolveGate builds the gate from the config (nil: the defaults) and the --fail-on flag: the flag,
// when flagSet, overrides the config's fail-on; the config's maxima apply
// either way. Without either, the gate fails on DefaultFailOn.
func ResolveGate(c *config.Config, failOnFlag string, flagSet bool) (Gate, error) {
	if c == nil {
		c = config.DefaultConfig()
	}
	g := DefaultGate()
	switch {
	case flagSet:
		parsed, err := ParseFailOn(failOnFlag)
		if err != nil {
			return Gate{}, fmt.Errorf("--%w", err)
		}
		g = parsed
	case c.Gate.FailOn != "":
		parsed, err := ParseFailOn(c.Gate.FailOn)
		if err != nil {
			return Gate{}, c.Positioned(c.Gate.Line, fmt.Errorf("gate: %w", err))
		}
		g = parsed
	}
	if len(c.Gate.Max) > 0 {
		g.Max = make(map[rules.Severity]int, len(c.Gate.Max))
		for sev, n := range c.Gate.Max {
			g.Max[sev] = n
		}
	}
	return g, nil
}

// Evaluate counts the unsuppressed findings and decides. It fails when any
// is at or above FailOn (unless Disabled) or when a severity's count exceeds
// its maximum.
func (g Gate) Evaluate(findings []rules.Finding) Verdict {
	v := Verdict{FailOn: "none", Counts: map[rules.Severity]int{}}
	if !g.Disabled {
		v.FailOn = g.FailOn.String()
	}
	atOrAbove := 0
	for i := range findings {
		f := &findings[i]
		if f.Suppressed() {
			continue
		}
		v.Counts[f.Severity]++
		if !g.Disabled && f.Severity >= g.FailOn {
			atOrAbove++
		}
	}
	if atOrAbove > 0 {
		v.Reasons = append(v.Reasons, fmt.Sprintf("%s at or above %s", countFindings(atOrAbove), g.FailOn))
	}
	for _, sev := range rules.AllSeverities() {
		limit, ok := g.Max[sev]
		if ok && v.Counts[sev] > limit {
			v.Reasons = append(v.Reasons, fmt.Sprintf("%s: %s, max %d", sev, countFindings(v.Counts[sev]), limit))
		}
	}
	v.Passed = len(v.Reasons) == 0
	return v
}

func countFindings(n int) string {
	if n == 1 {
		return "1 finding"
	}
	return fmt.Sprintf("%d findings", n)
}
