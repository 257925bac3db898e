package openapi

import (
	"fmt"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
)

// maxAliasGrowth bounds how many nodes YAML aliases may add to a document
// once expanded. kin-openapi decodes through yaml.v4, which expands aliases
// into Go values; a "billion laughs" document would otherwise cost
// exponential memory there. Legitimate specs use anchors sparingly.
const maxAliasGrowth = 1_000_000

// checkAliases refuses a document whose aliases expand past maxAliasGrowth.
// It counts with memoisation, so the check itself is linear.
func checkAliases(f *surface.File) error {
	if f.Tree == nil || f.Tree.Root == nil {
		return nil
	}
	c := aliasCounter{memo: map[*yaml.Node]int64{}}
	literal := c.literal(f.Tree.Root)
	if c.aliases == 0 {
		return nil
	}
	c.limit = literal + maxAliasGrowth
	if c.expanded(f.Tree.Root) < 0 {
		return fmt.Errorf("%s: YAML aliases expand the document by more than %d nodes (alias bomb?)", f.Path, maxAliasGrowth)
	}
	return nil
}

type aliasCounter struct {
	memo    map[*yaml.Node]int64
	aliases int
	limit   int64
}

func (c *aliasCounter) literal(n *yaml.Node) int64 {
	if n.Kind == yaml.AliasNode {
		c.aliases++
	}
	total := int64(1)
	for _, ch := range n.Content {
		total += c.literal(ch)
	}
	return total
}

// expanded returns the node count with aliases replaced by what they name,
// or -1 once it passes the limit (which also stops on alias cycles).
func (c *aliasCounter) expanded(n *yaml.Node) int64 {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return 1
		}
		n = n.Alias
	}
	if v, ok := c.memo[n]; ok {
		return v
	}
	c.memo[n] = -1 // in progress: a cycle reads as over the limit
	total := int64(1)
	for _, ch := range n.Content {
		v := c.expanded(ch)
		if v < 0 {
			return -1
		}
		total += v
		if total > c.limit {
			return -1
		}
	}
	c.memo[n] = total
	return total
}
