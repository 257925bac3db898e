package postman

import (
	"strings"
)

// Resolution bounds: Postman itself stops after 19 rounds; the size bound
// keeps variables that double on every round from growing without end.
const (
	maxResolveRounds  = 19
	maxResolvedGrowth = 64 << 10
)

// resolveBudget bounds the bytes all resolution in one load may produce,
// so many values that each grow to the per-value bound cannot add up to
// gigabytes. Once it is spent, values are left as far as they got.
type resolveBudget struct{ left int }

// newBudget allows a generous multiple of the document's size.
func newBudget(docSize int) *resolveBudget {
	return &resolveBudget{left: 16<<20 + 16*docSize}
}

// varSet is one layer of variables, enabled ones only.
type varSet map[string]string

// scope holds the variable layers visible from one place in a collection.
type scope struct {
	// chain is collection first, then folders outer to inner, then the
	// request item's own variables.
	chain []varSet
	// env is the environments merged, first definition winning; it beats
	// every layer of the chain.
	env varSet
	// budget is shared by every scope of one load; nil means unbounded.
	budget *resolveBudget
	// masked names never resolve: the runtime variables, in the scope a
	// request's Runtime form is resolved with.
	masked map[string]bool
}

// masking returns the scope with the names left unresolved.
func (s scope) masking(names map[string]bool) scope {
	s.masked = names
	return s
}

// with returns the scope with one more, higher-precedence layer. The
// receiver is not changed.
func (s scope) with(v varSet) scope {
	if len(v) == 0 {
		return s
	}
	chain := make([]varSet, len(s.chain), len(s.chain)+1)
	copy(chain, s.chain)
	s.chain = append(chain, v)
	return s
}

func (s scope) lookup(name string) (string, bool) {
	if s.masked[name] {
		return "", false
	}
	if v, ok := s.env[name]; ok {
		return v, true
	}
	for i := len(s.chain) - 1; i >= 0; i-- {
		if v, ok := s.chain[i][name]; ok {
			return v, true
		}
	}
	return "", false
}

// resolve replaces {{name}} references, round after round, until nothing
// changes or a bound is hit. Unknown and dynamic ({{$...}}) variables stay
// as written.
func (s scope) resolve(in string) string {
	if !strings.Contains(in, "{{") {
		return in
	}
	limit := len(in) + maxResolvedGrowth
	out := in
	for range maxResolveRounds {
		if s.budget != nil && s.budget.left <= 0 {
			break
		}
		next, changed := s.substitute(out, limit)
		out = next
		if s.budget != nil {
			s.budget.left -= len(next)
		}
		if !changed || !strings.Contains(out, "{{") {
			break
		}
	}
	return out
}

// substitute makes one round of replacements. A reference is {{ followed
// by a name without braces and }}, as in Postman's /\{\{([^{}]*?)}}/.
// A reference whose value would take the output past limit stays as
// written.
func (s scope) substitute(in string, limit int) (string, bool) {
	var b strings.Builder
	changed := false
	i := 0
	for i < len(in) {
		j := strings.Index(in[i:], "{{")
		if j < 0 {
			b.WriteString(in[i:])
			break
		}
		start := i + j
		b.WriteString(in[i:start])
		end := start + 2
		for end < len(in) && in[end] != '{' && in[end] != '}' {
			end++
		}
		if end+1 >= len(in) || in[end] != '}' || in[end+1] != '}' {
			// Not a reference here; move one byte on so "{{{a}}" still
			// finds "{{a}}".
			b.WriteByte(in[start])
			i = start + 1
			continue
		}
		name := in[start+2 : end]
		ref := in[start : end+2]
		i = end + 2
		val, ok := "", false
		if !strings.HasPrefix(name, "$") {
			val, ok = s.lookup(name)
		}
		// Count what is still to copy too, so no round's output passes
		// limit.
		if !ok || b.Len()+len(val)+len(in)-i > limit {
			b.WriteString(ref)
			continue
		}
		b.WriteString(val)
		if val != ref {
			changed = true
		}
	}
	return b.String(), changed
}
