package sourcemap

import (
	"strconv"

	"go.yaml.in/yaml/v4"
)

// PointerAt returns the JSON pointer of the deepest node that starts at or
// before the 1-based line and column and encloses it as far as start
// positions tell: at each level it descends into the last member or item
// starting at or before the position. A position on a member's key names
// that member. It costs one step per level and per sibling, not a walk.
func (t *Tree) PointerAt(line, col int) string {
	if t == nil || t.Root == nil {
		return ""
	}
	before := func(n *yaml.Node) bool {
		return n.Line < line || (n.Line == line && n.Column <= col)
	}
	ptr, n := "", t.Root
	for {
		switch n.Kind {
		case yaml.MappingNode:
			i := -1
			for j := 0; j+1 < len(n.Content); j += 2 {
				if !before(n.Content[j]) {
					break
				}
				i = j
			}
			if i < 0 {
				return ptr
			}
			ptr += "/" + EscapeToken(n.Content[i].Value)
			n = n.Content[i+1]
			if !before(n) {
				return ptr
			}
		case yaml.SequenceNode:
			i := -1
			for j, c := range n.Content {
				if !before(c) {
					break
				}
				i = j
			}
			if i < 0 {
				return ptr
			}
			ptr += "/" + strconv.Itoa(i)
			n = n.Content[i]
		default:
			return ptr
		}
	}
}
