package redos

// Ambiguity analysis (Weideman, van der Merwe, Berglund, Watson,
// "Analyzing matching time behavior of backtracking regular expression
// matchers by using ambiguity of NFA", CIAA 2016):
//
//   - exponential (EDA): some state p has two different paths p→p over
//     the same word w. In the product of the automaton with itself, a
//     pair (p,p) reaches a pair (q,r) with q≠r and comes back, or takes
//     an edge of multiplicity > 1 and comes back.
//   - polynomial (IDA): states p≠q and a word w with paths p→p, p→q and
//     q→q over w: a path (p,p,q) →w (p,q,q) in the triple product. A
//     chain of k such loops gives degree k+1.
//
// Both products are restricted to the strongly connected components
// that can hold the loops, and every search is bounded (analysisBudget).

// witness is one ambiguous spot: the state(s) and the pump.
type witness struct {
	exp   bool
	p, q  int32 // q is -1 for exponential
	pump  []rune
	loopP []int32 // states on p's loop (the whole witness cycle when exp)
	loopQ []int32 // states on q's loop
	// by is, for an exponential witness taking an edge two loops add,
	// the outer of those loops; -1 otherwise.
	by int32
}

type analysis struct {
	n      *nfa
	ab     *alphabet
	comp   []int32   // SCC per state
	states [][]int32 // states per SCC
	cyclic []bool    // per SCC
	local  []int32   // scratch: index of a state in the component being searched, -1 otherwise
	localA []int32   // scratch: the same for the first component of a polynomial search
	budget int       // product nodes still allowed to be visited
	// exhausted is set when a search stopped at the budget: the result
	// may miss a vulnerable spot.
	exhausted bool
	// work is what attack building may still spend, in characters
	// simulated times the automaton's size; workOut is set when it ran
	// out.
	work    int
	workOut bool
}

const (
	analysisBudget = 2_000_000  // product/triple nodes and edges visited per pattern
	attackWork     = 40_000_000 // characters × (states + edges) attack building may simulate
	maxPump        = 64         // runes
	maxWitnesses   = 16
)

func newAnalysis(n *nfa) *analysis {
	a := &analysis{n: n, budget: analysisBudget, work: attackWork}
	a.comp, a.states, a.cyclic = a.sccs()
	loops := 0
	for c, cyc := range a.cyclic {
		if cyc && a.states[c][0] != n.search {
			loops++
		}
	}
	if loops == 0 {
		a.cyclic = nil // nothing to search
		return a
	}
	a.ab = newAlphabet(n.classes)
	a.local = make([]int32, len(n.class))
	a.localA = make([]int32, len(n.class))
	for i := range a.local {
		a.local[i], a.localA[i] = -1, -1
	}
	return a
}

// sccs computes the strongly connected components (Tarjan, iterative).
// Components come out in reverse topological order: a component's id is
// lower than the ids of the components that reach it.
func (a *analysis) sccs() ([]int32, [][]int32, []bool) {
	n := len(a.n.class)
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	comp := make([]int32, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int32
	var states [][]int32
	var cyclic []bool
	type frame struct{ v, next int32 }
	var call []frame
	next := int32(0)
	for root := int32(0); root < int32(n); root++ {
		if index[root] >= 0 {
			continue
		}
		call = append(call, frame{root, 0})
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			v := f.v
			if int(f.next) < len(a.n.out[v]) {
				w := a.n.out[v][f.next].to
				f.next++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				low[u] = min(low[u], low[v])
			}
			if low[v] == index[v] {
				id := int32(len(states))
				var members []int32
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = id
					members = append(members, w)
					if w == v {
						break
					}
				}
				cyc := len(members) > 1
				if !cyc {
					for _, e := range a.n.out[v] {
						if e.to == v {
							cyc = true
						}
					}
				}
				states = append(states, members)
				cyclic = append(cyclic, cyc)
			}
		}
	}
	return comp, states, cyclic
}

func (a *analysis) cls(s int32) int32 { return a.n.class[s] }

// spendWork takes the cost of simulating chars characters from the
// attack-building budget; false when it is used up.
func (a *analysis) spendWork(chars int) bool {
	cost := chars * (len(a.n.class) + a.n.edges)
	if a.work < cost {
		a.workOut = true
		return false
	}
	a.work -= cost
	return true
}

// spend takes k nodes from the budget; false when it is used up.
func (a *analysis) spend(k int) bool {
	if a.budget < k {
		a.exhausted = true
		return false
	}
	a.budget -= k
	return true
}

// witnesses finds the ambiguous spots, exponential ones first, in the
// pattern's order.
func (a *analysis) witnesses() []witness {
	var out []witness
	if a.cyclic == nil {
		return nil
	}
	// Topological order: decreasing component id.
	var cyc []int32
	for c := int32(len(a.states)) - 1; c >= 0; c-- {
		if a.cyclic[c] {
			cyc = append(cyc, c)
		}
	}
	for _, c := range cyc {
		if len(out) >= maxWitnesses {
			return out
		}
		if a.states[c][0] == a.n.search {
			continue
		}
		if w, ok := a.exponential(a.states[c]); ok {
			out = append(out, w)
		}
	}
	coreach := make(map[int32][]bool)
	for i, c := range cyc {
		if len(out) >= maxWitnesses || a.exhausted {
			break
		}
		if !a.spend(len(a.n.class)) {
			break
		}
		reach := a.reachFrom(a.states[c])
		for _, d := range cyc[i+1:] {
			if !reach[a.states[d][0]] {
				continue
			}
			co, ok := coreach[d]
			if !ok {
				if !a.spend(len(a.n.class)) {
					break
				}
				co = a.reachTo(a.states[d])
				coreach[d] = co
			}
			if w, ok := a.polynomial(a.states[c], a.states[d], reach, co); ok {
				out = append(out, w)
				if len(out) >= maxWitnesses {
					break
				}
			}
		}
	}
	return out
}

func (a *analysis) setLocal(cs []int32) {
	for i, s := range cs {
		a.local[s] = int32(i)
	}
}

func (a *analysis) clearLocal(cs []int32) {
	for _, s := range cs {
		a.local[s] = -1
	}
}

// exponential looks for an EDA witness inside one component.
func (a *analysis) exponential(cs []int32) (witness, bool) {
	m := int32(len(cs))
	if !a.spend(int(m * m)) {
		return witness{}, false
	}
	a.setLocal(cs)
	defer a.clearLocal(cs)
	total := m * m
	const unseen = -2
	fwd := make([]int32, total) // parent node toward a diagonal; -1 at a diagonal root
	bwd := make([]int32, total) // next node toward a diagonal; -1 at a diagonal
	for i := range fwd {
		fwd[i], bwd[i] = unseen, unseen
	}
	queue := make([]int32, 0, total)
	for i := int32(0); i < m; i++ {
		u := i*m + i
		fwd[u] = -1
		queue = append(queue, u)
	}
	splitFrom, splitTo, splitBy := int32(-1), int32(-1), int32(-1)
	for h := 0; h < len(queue); h++ {
		u := queue[h]
		i, j := u/m, u%m
		if !a.spend(len(a.n.out[cs[i]]) * len(a.n.out[cs[j]])) {
			return witness{}, false
		}
		for k1, e1 := range a.n.out[cs[i]] {
			x := a.local[e1.to]
			if x < 0 {
				continue
			}
			for k2, e2 := range a.n.out[cs[j]] {
				y := a.local[e2.to]
				if y < 0 || !a.ab.meets(a.cls(e1.to), a.cls(e2.to)) {
					continue
				}
				// Two ways from p to the same state: an edge of
				// multiplicity > 1, or two edges with different
				// word-boundary assertions.
				if i == j && x == y && (e1.mult > 1 || k1 != k2) && splitFrom < 0 {
					splitFrom, splitTo, splitBy = i, x, e1.by
				}
				v := x*m + y
				if fwd[v] == unseen {
					fwd[v] = u
					queue = append(queue, v)
				}
			}
		}
	}
	order := queue
	// Backward from the diagonal: the edge (p,q)→(x,y) exists when p→x
	// and q→y are edges and the classes of x and y meet.
	queue = make([]int32, 0, total)
	for i := int32(0); i < m; i++ {
		u := i*m + i
		bwd[u] = -1
		queue = append(queue, u)
	}
	for h := 0; h < len(queue); h++ {
		v := queue[h]
		x, y := v/m, v%m
		if !a.ab.meets(a.cls(cs[x]), a.cls(cs[y])) {
			continue
		}
		if !a.spend(len(a.n.in[cs[x]]) * len(a.n.in[cs[y]])) {
			return witness{}, false
		}
		for _, p := range a.n.in[cs[x]] {
			i := a.local[p]
			if i < 0 {
				continue
			}
			for _, q := range a.n.in[cs[y]] {
				j := a.local[q]
				if j < 0 {
					continue
				}
				u := i*m + j
				if bwd[u] == unseen {
					bwd[u] = v
					queue = append(queue, u)
				}
			}
		}
	}
	// A non-diagonal pair on a cycle through the diagonal, nearest the
	// diagonal first (the forward order is breadth-first).
	var hit int32 = -1
	for _, v := range order {
		if v/m != v%m && bwd[v] != unseen {
			hit = v
			break
		}
	}
	if hit < 0 && splitFrom < 0 {
		return witness{}, false
	}
	var pump []rune
	var touched []int32
	var p int32
	if hit >= 0 {
		// Diagonal root → hit (forward parents, reversed).
		var path []int32
		for v := hit; v >= 0; v = fwd[v] {
			path = append(path, v)
		}
		root := path[len(path)-1]
		p = root / m
		for k := len(path) - 2; k >= 0; k-- {
			v := path[k]
			r, _ := a.ab.pick(a.cls(cs[v/m]), a.cls(cs[v%m]))
			pump = append(pump, r)
			touched = append(touched, cs[v/m], cs[v%m])
		}
		// hit → (p,p): the shortest way back to the same diagonal.
		back, ok := a.productPath(cs, hit, p*m+p)
		if !ok {
			return witness{}, false
		}
		pump = append(pump, back.runes...)
		touched = append(touched, back.states...)
	} else {
		p = splitFrom
		r, _ := a.ab.pick(a.cls(cs[splitTo]))
		pump = append(pump, r)
		touched = append(touched, cs[splitTo])
		back, ok := a.pathWithin(cs, splitTo, p)
		if !ok {
			return witness{}, false
		}
		pump = append(pump, back.runes...)
		touched = append(touched, back.states...)
	}
	if len(pump) == 0 || len(pump) > maxPump {
		return witness{}, false
	}
	touched = append(touched, cs[p])
	w := witness{exp: true, p: cs[p], q: -1, pump: pump, loopP: touched, by: -1}
	if hit < 0 {
		w.by = splitBy
	}
	return w, true
}

// productPath is the shortest path from product node from to node to
// inside the component cs (a.local set), with the characters read and
// the states both sides pass through.
func (a *analysis) productPath(cs []int32, from, to int32) (walk, bool) {
	m := int32(len(cs))
	if !a.spend(int(m * m)) {
		return walk{}, false
	}
	parent := make([]int32, m*m)
	for i := range parent {
		parent[i] = -2
	}
	parent[from] = -1
	queue := []int32{from}
	for h := 0; h < len(queue); h++ {
		u := queue[h]
		i, j := u/m, u%m
		for _, e1 := range a.n.out[cs[i]] {
			x := a.local[e1.to]
			if x < 0 {
				continue
			}
			for _, e2 := range a.n.out[cs[j]] {
				y := a.local[e2.to]
				if y < 0 || !a.ab.meets(a.cls(e1.to), a.cls(e2.to)) {
					continue
				}
				v := x*m + y
				if parent[v] != -2 {
					continue
				}
				parent[v] = u
				if v == to {
					var w walk
					for k := v; k != from; k = parent[k] {
						r, _ := a.ab.pick(a.cls(cs[k/m]), a.cls(cs[k%m]))
						w.runes = append(w.runes, r)
						w.states = append(w.states, cs[k/m], cs[k%m])
					}
					reverseRunes(w.runes)
					return w, true
				}
				queue = append(queue, v)
			}
		}
	}
	return walk{}, false
}

type walk struct {
	runes  []rune
	states []int32
}

// pathWithin is the shortest path from local state from to local state
// to inside the component whose states are cs (a.local set), with the
// characters read; empty when from == to.
func (a *analysis) pathWithin(cs []int32, from, to int32) (walk, bool) {
	if from == to {
		return walk{}, true
	}
	parent := make([]int32, len(cs))
	for i := range parent {
		parent[i] = -2
	}
	parent[from] = -1
	queue := []int32{from}
	for h := 0; h < len(queue); h++ {
		u := queue[h]
		for _, e := range a.n.out[cs[u]] {
			v := a.local[e.to]
			if v < 0 || parent[v] != -2 {
				continue
			}
			parent[v] = u
			if v == to {
				var w walk
				for x := v; x != from; x = parent[x] {
					r, _ := a.ab.pick(a.cls(cs[x]))
					w.runes = append(w.runes, r)
					w.states = append(w.states, cs[x])
				}
				reverseRunes(w.runes)
				return w, true
			}
			queue = append(queue, v)
		}
	}
	return walk{}, false
}

func reverseRunes(r []rune) {
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
}

// reachFrom marks the states reachable from the given ones.
func (a *analysis) reachFrom(from []int32) []bool {
	seen := make([]bool, len(a.n.class))
	queue := append([]int32(nil), from...)
	for _, s := range from {
		seen[s] = true
	}
	for h := 0; h < len(queue); h++ {
		for _, e := range a.n.out[queue[h]] {
			if !seen[e.to] {
				seen[e.to] = true
				queue = append(queue, e.to)
			}
		}
	}
	return seen
}

// reachTo marks the states from which one of the given ones is reachable.
func (a *analysis) reachTo(to []int32) []bool {
	seen := make([]bool, len(a.n.class))
	queue := append([]int32(nil), to...)
	for _, s := range to {
		seen[s] = true
	}
	for h := 0; h < len(queue); h++ {
		for _, p := range a.n.in[queue[h]] {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return seen
}

// polynomial looks for an IDA witness between two components A and B
// (B reachable from A): candidates are pairs (p,q) on a cycle of the
// A×B product, confirmed by a search of the triple product.
func (a *analysis) polynomial(A, B []int32, reachA, coB []bool) (witness, bool) {
	ma, mb := int32(len(A)), int32(len(B))
	total := ma * mb
	if !a.spend(int(total)) {
		return witness{}, false
	}
	for i, s := range A {
		a.localA[s] = int32(i)
	}
	defer func() {
		for _, s := range A {
			a.localA[s] = -1
		}
	}()
	a.setLocal(B)
	defer a.clearLocal(B)
	// Product adjacency (CSR) restricted to A×B.
	start := make([]int32, total+1)
	var adj []int32
	for u := int32(0); u < total; u++ {
		start[u] = int32(len(adj))
		i, j := u/mb, u%mb
		if !a.spend(len(a.n.out[A[i]]) * len(a.n.out[B[j]])) {
			return witness{}, false
		}
		for _, e1 := range a.n.out[A[i]] {
			x := a.localA[e1.to]
			if x < 0 {
				continue
			}
			for _, e2 := range a.n.out[B[j]] {
				y := a.local[e2.to]
				if y < 0 || !a.ab.meets(a.cls(e1.to), a.cls(e2.to)) {
					continue
				}
				adj = append(adj, x*mb+y)
			}
		}
		if len(adj) > 4*analysisBudget {
			a.exhausted = true
			return witness{}, false
		}
	}
	start[total] = int32(len(adj))
	onCycle := cyclicNodes(total, start, adj)
	tried := 0
	for u := int32(0); u < total && tried < 4; u++ {
		if !onCycle[u] {
			continue
		}
		tried++
		if w, ok := a.triple(A[u/mb], B[u%mb], reachA, coB); ok {
			return w, true
		}
		if a.exhausted {
			break
		}
	}
	return witness{}, false
}

// triple searches the triple product from (p,p,q) for (p,q,q): the
// first component stays in A, the third in B, the second anywhere
// between.
func (a *analysis) triple(p, q int32, reachA, coB []bool) (witness, bool) {
	type node struct{ x1, x2, x3 int32 }
	type visit struct {
		parent int32
		r      rune
	}
	seen := map[node]int32{}
	var nodes []node
	var visits []visit
	root := node{p, p, q}
	seen[root] = 0
	nodes = append(nodes, root)
	visits = append(visits, visit{-1, 0})
	for h := 0; h < len(nodes); h++ {
		cur := nodes[h]
		if !a.spend(1 + len(a.n.out[cur.x1])*len(a.n.out[cur.x3])) {
			return witness{}, false
		}
		for _, e1 := range a.n.out[cur.x1] {
			if a.localA[e1.to] < 0 {
				continue
			}
			for _, e3 := range a.n.out[cur.x3] {
				if a.local[e3.to] < 0 || !a.ab.meets(a.cls(e1.to), a.cls(e3.to)) {
					continue
				}
				for _, e2 := range a.n.out[cur.x2] {
					if !reachA[e2.to] || !coB[e2.to] || !a.ab.meets3(a.cls(e1.to), a.cls(e2.to), a.cls(e3.to)) {
						continue
					}
					nx := node{e1.to, e2.to, e3.to}
					if _, ok := seen[nx]; ok {
						continue
					}
					r, _ := a.ab.pick(a.cls(e1.to), a.cls(e2.to), a.cls(e3.to))
					seen[nx] = int32(len(nodes))
					nodes = append(nodes, nx)
					visits = append(visits, visit{int32(h), r})
					if nx.x1 == p && nx.x2 == q && nx.x3 == q {
						w := witness{p: p, q: q, by: -1}
						for k := int32(len(nodes) - 1); k > 0; k = visits[k].parent {
							w.pump = append(w.pump, visits[k].r)
							w.loopP = append(w.loopP, nodes[k].x1)
							w.loopQ = append(w.loopQ, nodes[k].x3)
						}
						reverseRunes(w.pump)
						if len(w.pump) > maxPump {
							return witness{}, false
						}
						return w, true
					}
				}
			}
		}
	}
	return witness{}, false
}

// cyclicNodes marks the nodes of a CSR graph that lie on a cycle.
func cyclicNodes(n int32, start, adj []int32) []bool {
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	out := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	type frame struct{ v, next int32 }
	var call []frame
	var stack []int32
	next := int32(0)
	for root := int32(0); root < n; root++ {
		if index[root] >= 0 {
			continue
		}
		call = append(call, frame{root, start[root]})
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			v := f.v
			if f.next < start[v+1] {
				w := adj[f.next]
				f.next++
				if w == v {
					out[v] = true
				}
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, start[w]})
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				low[u] = min(low[u], low[v])
			}
			if low[v] == index[v] {
				size := 0
				k := len(stack) - 1
				for ; stack[k] != v; k-- {
					size++
				}
				size++
				for _, w := range stack[k:] {
					onStack[w] = false
					if size > 1 {
						out[w] = true
					}
				}
				stack = stack[:k]
			}
		}
	}
	return out
}
