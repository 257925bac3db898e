package rules

import (
	"fmt"
	"sort"
	"strings"
)

// Precision is how often a rule's findings are true, in SARIF's vocabulary.
type Precision string

// Precisions, as GitHub code scanning reads them.
const (
	PrecisionVeryHigh Precision = "very-high"
	PrecisionHigh     Precision = "high"
	PrecisionMedium   Precision = "medium"
	PrecisionLow      Precision = "low"
)

// Rule is the metadata of one check.
type Rule struct {
	ID        string    `json:"id"` // <family>/<kebab-name>
	Title     string    `json:"title"`
	Severity  Severity  `json:"severity"`
	OWASP     string    `json:"owasp,omitempty"` // e.g. "API2:2023"
	CWE       []string  `json:"cwe,omitempty"`   // e.g. "CWE-798"
	Precision Precision `json:"precision"`
	// Help is markdown: why it matters, how to fix, a compliant example.
	Help string `json:"help"`
}

// Family is the part of the id before the first slash.
func (r *Rule) Family() string {
	family, _, _ := strings.Cut(r.ID, "/")
	return family
}

// OWASPTitles names the OWASP API Security Top 10 (2023) categories.
var owaspTitles = map[string]string{
	"API1:2023":  "Broken Object Level Authorization",
	"API2:2023":  "Broken Authentication",
	"API3:2023":  "Broken Object Property Level Authorization",
	"API4:2023":  "Unrestricted Resource Consumption",
	"API5:2023":  "Broken Function Level Authorization",
	"API6:2023":  "Unrestricted Access to Sensitive Business Flows",
	"API7:2023":  "Server Side Request Forgery",
	"API8:2023":  "Security Misconfiguration",
	"API9:2023":  "Improper Inventory Management",
	"API10:2023": "Unsafe Consumption of APIs",
}

// OWASPTitle returns the title of an OWASP API Top 10 2023 category id, or "".
func OWASPTitle(id string) string { return owaspTitles[id] }

// Tags are the labels reporters attach to a rule (SARIF properties.tags).
func (r *Rule) Tags() []string {
	tags := []string{"security", r.Family()}
	if r.OWASP != "" {
		tags = append(tags, "owasp-api-top10-2023/"+strings.ToLower(strings.SplitN(r.OWASP, ":", 2)[0]))
	}
	for _, cwe := range r.CWE {
		tags = append(tags, "external/cwe/"+strings.ToLower(cwe))
	}
	return tags
}

// Catalog is an immutable, ordered set of rules.
type Catalog struct {
	byID  map[string]*Rule
	order []*Rule
}

// NewCatalog builds a catalog; it fails on duplicate or malformed ids.
func NewCatalog(rs ...Rule) (*Catalog, error) {
	c := &Catalog{byID: make(map[string]*Rule, len(rs))}
	for i := range rs {
		r := rs[i]
		if err := r.validate(); err != nil {
			return nil, err
		}
		if _, dup := c.byID[r.ID]; dup {
			return nil, fmt.Errorf("rule %s is defined twice", r.ID)
		}
		c.byID[r.ID] = &r
		c.order = append(c.order, &r)
	}
	sort.Slice(c.order, func(i, j int) bool { return c.order[i].ID < c.order[j].ID })
	return c, nil
}

func (r *Rule) validate() error {
	family, name, ok := strings.Cut(r.ID, "/")
	if !ok || family == "" || name == "" {
		return fmt.Errorf("rule id %q is not <family>/<name>", r.ID)
	}
	if r.Title == "" {
		return fmt.Errorf("rule %s has no title", r.ID)
	}
	if strings.TrimSpace(r.Help) == "" {
		return fmt.Errorf("rule %s has no help", r.ID)
	}
	if r.OWASP != "" && owaspTitles[r.OWASP] == "" {
		return fmt.Errorf("rule %s names unknown OWASP category %q", r.ID, r.OWASP)
	}
	if r.Precision == "" {
		r.Precision = PrecisionHigh
	}
	return nil
}

// Lookup returns the rule with the id, or nil.
func (c *Catalog) Lookup(id string) *Rule { return c.byID[id] }

// All returns the rules sorted by id. The slice must not be modified.
func (c *Catalog) All() []*Rule { return c.order }

// Len is the number of rules.
func (c *Catalog) Len() int { return len(c.order) }
