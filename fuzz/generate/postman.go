package generate

import (
	"strings"

	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// recorded is a recorded request as this run sends it.
type recorded struct {
	url     string
	headers []string // parallel to the request's Headers
	body    string
	// steps set the runtime variables the request took.
	steps []*plan.Step
	// runObject: the URL path took a value from a create's answer.
	runObject bool
}

// runtimeRequest fills a recorded request's runtime variables the way
// the collection runner does: a {{name}} that an earlier answer's test
// script set takes that value, otherwise the value the collection's files
// give it; a name neither gives stays as written. Without runtime
// variables the request is the resolved one.
func runtimeRequest(r *surface.Request, st *learn.State) recorded {
	out := recorded{url: r.URL, body: r.Body}
	for _, h := range r.Headers {
		out.headers = append(out.headers, h.Value)
	}
	rt := r.Runtime
	if rt == nil {
		return out
	}
	seen := map[*plan.Step]bool{}
	fill := func(in string, path bool) string {
		if !strings.Contains(in, "{{") {
			return in
		}
		var b strings.Builder
		for {
			i := strings.Index(in, "{{")
			if i < 0 {
				b.WriteString(in)
				break
			}
			j := strings.Index(in[i+2:], "}}")
			if j < 0 {
				b.WriteString(in)
				break
			}
			name := in[i+2 : i+2+j]
			b.WriteString(in[:i])
			inPath := path && !strings.Contains(in[:i], "?") && !strings.Contains(b.String(), "?")
			switch v, ok := variable(st, name); {
			case ok:
				b.WriteString(v.Value)
				if v.Step != nil && !seen[v.Step] {
					seen[v.Step] = true
					out.steps = append(out.steps, v.Step)
				}
				out.runObject = out.runObject || (inPath && v.Created)
			default:
				if d, ok := rt.Defaults[name]; ok {
					b.WriteString(d)
				} else {
					b.WriteString("{{" + name + "}}")
				}
			}
			in = in[i+2+j+2:]
		}
		return b.String()
	}
	out.url = fill(rt.URL, true)
	for i := range out.headers {
		if i < len(rt.Headers) {
			out.headers[i] = fill(rt.Headers[i], false)
		}
	}
	out.body = fill(rt.Body, false)
	return out
}

func variable(st *learn.State, name string) (learn.Variable, bool) {
	if st == nil {
		return learn.Variable{}, false
	}
	return st.Variable(name)
}
