package redos

import (
	"fmt"
	"regexp/syntax"
)

// label names the spot: the smallest loop holding the witness.
func (a *analysis) label(w witness, pr *printer) string {
	if w.exp {
		var l *loop
		if w.by >= 0 {
			l = &a.n.loops[w.by]
		} else {
			l = a.loopFor(w.loopP)
		}
		if l == nil {
			return "ambiguous repeat"
		}
		body := l.re.Sub[0]
		kind := "ambiguous repeat"
		switch {
		case hasQuantifier(body):
			kind = "nested quantifier"
		case hasAlternation(body):
			kind = "overlapping alternatives under a repeat"
		}
		return kind + " " + pr.render(l.re)
	}
	lq := a.loopFor(w.loopQ)
	q := "a quantifier"
	if lq != nil {
		q = pr.render(lq.re)
	}
	if w.p == a.n.search {
		return q + " retried at every offset (pattern not anchored with ^)"
	}
	lp := a.loopFor(w.loopP)
	p := "a quantifier"
	if lp != nil {
		p = pr.render(lp.re)
	}
	if lp != nil && lq != nil && lp.re == lq.re {
		return "copies of " + p + " in a counted repeat"
	}
	return "overlapping quantifiers " + p + " and " + q
}

// spotKey identifies the loops a witness is about: the same syntax
// node in several copies of a counted repeat is one spot.
func (a *analysis) spotKey(w witness, fullOnly bool) string {
	id := func(l *loop) string {
		if l == nil {
			return "-"
		}
		return fmt.Sprintf("%p", l.re)
	}
	key := ""
	if w.exp {
		if w.by >= 0 {
			key = "e" + id(&a.n.loops[w.by])
		} else {
			key = "e" + id(a.loopFor(w.loopP))
		}
	} else {
		p := "search"
		if w.p != a.n.search {
			p = id(a.loopFor(w.loopP))
		}
		key = "p" + p + "/" + id(a.loopFor(w.loopQ))
	}
	if fullOnly {
		key += "/full"
	}
	return key
}

// loopFor is the smallest loop whose states include all of states.
func (a *analysis) loopFor(states []int32) *loop {
	var best *loop
	for i := range a.n.loops {
		l := &a.n.loops[i]
		in := true
		for _, s := range states {
			if s < l.lo || s >= l.hi {
				in = false
				break
			}
		}
		if in && (best == nil || l.hi-l.lo < best.hi-best.lo) {
			best = l
		}
	}
	return best
}

func hasQuantifier(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus:
		return true
	case syntax.OpRepeat:
		if re.Max != re.Min {
			return true
		}
	}
	for _, sub := range re.Sub {
		if hasQuantifier(sub) {
			return true
		}
	}
	return false
}

func hasAlternation(re *syntax.Regexp) bool {
	if re.Op == syntax.OpAlternate {
		return true
	}
	for _, sub := range re.Sub {
		if hasAlternation(sub) {
			return true
		}
	}
	return false
}
