package learn

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/internal/jsonpointer"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface/sourcemap"
)

// maxLinks bounds the link values one run keeps.
const maxLinks = 4096

// Link is a value an OpenAPI link of an answer gave a parameter of
// another operation: the producer/consumer pair the spec states itself.
type Link struct {
	// Name is the link's name in the response's links map.
	Name string
	// OperationID or OperationRef (the JSON pointer of its fragment,
	// "/paths/~1users~1{id}/get") names the operation the value is for.
	OperationID, OperationRef string
	// In ("path", "query", "header", "cookie"; "" when the link does not
	// qualify the name) and Param name the parameter.
	In, Param string
	Value     string
	Identity  string
	Origin    Origin
	Step      *plan.Step
	Seq       int
}

// OperationRefOf is the fragment an operationRef names an operation by.
func OperationRefOf(method, path string) string {
	return "/paths/" + sourcemap.EscapeToken(path) + "/" + strings.ToLower(method)
}

// learnLinks evaluates the links of the documented response the answer
// matches (its status, its range, default) and records their values.
func (s *State) learnLinks(x *execute.Exchange, identity string, answer any) {
	c := x.Case
	op := c.Target.Spec
	if op == nil || op.Responses == nil {
		return
	}
	ref := op.Responses.Status(x.Status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil || ref.Value == nil || len(ref.Value.Links) == 0 {
		return
	}
	origin := Observed
	if c.Method == http.MethodPost || (c.Method == http.MethodPut && !strings.Contains(c.Target.Op.Path, "{")) {
		origin = Created
	}
	var step *plan.Step
	var found []*Link
	var names []string // the links that gave a value
	for _, name := range sortedKeys(ref.Value.Links) {
		lr := ref.Value.Links[name]
		if lr == nil || lr.Value == nil {
			continue
		}
		l := lr.Value
		target := Link{Name: name, OperationID: l.OperationID, OperationRef: refFragment(l.OperationRef)}
		if target.OperationID == "" && target.OperationRef == "" {
			continue
		}
		for _, pname := range sortedKeys(l.Parameters) {
			v, from, ok := evaluate(l.Parameters[pname], x, answer)
			if !ok || v == "" {
				continue
			}
			lk := target
			lk.In, lk.Param = "", pname
			if in, p, ok := strings.Cut(pname, "."); ok {
				switch in {
				case "path", "query", "header", "cookie":
					lk.In, lk.Param = in, p
				}
			}
			lk.Value, lk.Identity, lk.Origin, lk.Seq = v, identity, origin, c.Seq
			if step == nil {
				step = plan.NewStep("", identity, x.Request, x.RequestBody, x.Status, c.Steps...)
			}
			if len(names) == 0 || names[len(names)-1] != name {
				names = append(names, name)
			}
			y := plan.Yield{Name: lk.Param, Value: v, From: from}
			if !slices.Contains(step.Yields, y) {
				step.Yields = append(step.Yields, y)
			}
			lk.Step = step
			found = append(found, &lk)
		}
	}
	if len(found) == 0 {
		return
	}
	step.Title = c.Method + " " + c.Target.Op.Path + " (links " + strings.Join(names, ", ") + ")"
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range found {
		if len(s.links) >= maxLinks {
			return
		}
		s.links = append(s.links, l)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// refFragment is the JSON pointer an operationRef's fragment holds,
// unescaped ("#/paths/~1users~1%7Bid%7D/get" -> "/paths/~1users~1{id}/get").
func refFragment(ref string) string {
	_, frag, ok := strings.Cut(ref, "#")
	if !ok {
		return ""
	}
	if u, err := url.PathUnescape(frag); err == nil {
		frag = u
	}
	return frag
}

// evaluate computes a link parameter: a runtime expression, a string
// with {expression} parts, or a constant. from says where the value came
// from, for the reproducer.
func evaluate(v any, x *execute.Exchange, answer any) (value, from string, ok bool) {
	s, isString := v.(string)
	if !isString {
		if v == nil {
			return "", "", false
		}
		return fmt.Sprint(v), "constant", true
	}
	if strings.HasPrefix(s, "$") {
		return expression(s, x, answer)
	}
	if !strings.Contains(s, "{$") {
		return s, "constant", true
	}
	var b strings.Builder
	var froms []string
	for s != "" {
		i := strings.Index(s, "{$")
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return "", "", false
		}
		b.WriteString(s[:i])
		part, f, ok := expression(s[i+1:i+j], x, answer)
		if !ok {
			return "", "", false
		}
		b.WriteString(part)
		froms = append(froms, f)
		s = s[i+j+1:]
	}
	return b.String(), strings.Join(froms, ", "), true
}

// expression evaluates one runtime expression of the OpenAPI
// specification's grammar ($url, $method, $statusCode,
// $request.{path,query,header}.name, $request.body#/pointer,
// $response.header.name, $response.body#/pointer).
func expression(e string, x *execute.Exchange, answer any) (string, string, bool) {
	req := x.Request
	switch {
	case e == "$url" && req != nil && req.URL != nil:
		return req.URL.String(), "the request URL", true
	case e == "$method" && req != nil:
		return req.Method, "the request method", true
	case e == "$statusCode":
		return strconv.Itoa(x.Status), "the status", true
	case strings.HasPrefix(e, "$response.body"):
		ptr, ok := bodyPointer(strings.TrimPrefix(e, "$response.body"))
		if !ok {
			return "", "", false
		}
		v, ok := jsonpointer.Scalar(answer, ptr)
		return v, orRoot(ptr), ok
	case strings.HasPrefix(e, "$response.header."):
		h := strings.TrimPrefix(e, "$response.header.")
		v := x.Header.Get(h)
		return v, h, v != ""
	case strings.HasPrefix(e, "$request.body"):
		ptr, ok := bodyPointer(strings.TrimPrefix(e, "$request.body"))
		if !ok {
			return "", "", false
		}
		v, ok := jsonpointer.Scalar(jsonpointer.Decode(x.RequestBody), ptr)
		return v, "request " + orRoot(ptr), ok
	case strings.HasPrefix(e, "$request.path."):
		name := strings.TrimPrefix(e, "$request.path.")
		for _, p := range x.Case.PathParams {
			if p.Name == name {
				return p.Value, "request path " + name, true
			}
		}
	case strings.HasPrefix(e, "$request.query.") && req != nil && req.URL != nil:
		name := strings.TrimPrefix(e, "$request.query.")
		v := req.URL.Query().Get(name)
		return v, "request query " + name, v != ""
	case strings.HasPrefix(e, "$request.header.") && req != nil:
		name := strings.TrimPrefix(e, "$request.header.")
		v := req.Header.Get(name)
		return v, "request header " + name, v != ""
	}
	return "", "", false
}

// bodyPointer reads the "#/pointer" after $response.body ("" or "#" is
// the whole body).
func bodyPointer(rest string) (string, bool) {
	switch {
	case rest == "" || rest == "#":
		return "", true
	case strings.HasPrefix(rest, "#/"):
		return rest[1:], true
	}
	return "", false
}

func orRoot(ptr string) string {
	if ptr == "" {
		return "/"
	}
	return ptr
}

// Linked returns the value a link gave the queried parameter of the
// queried operation: for a write one the identity's own request
// produced, for a read the identity's own first, then any but another
// identity's created object; lowest case number first.
func (s *State) Linked(q Query) (Value, bool) {
	if (q.OperationID == "" && q.OperationRef == "") || q.In == "body" {
		return Value{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var fallback *Link
	for _, l := range s.links {
		if !(l.OperationID != "" && l.OperationID == q.OperationID) && !(l.OperationRef != "" && l.OperationRef == q.OperationRef) {
			continue
		}
		if l.Param != q.Name || (l.In != "" && q.In != "" && l.In != q.In) || !fits(l.Value, q) {
			continue
		}
		switch {
		case l.Identity == q.Identity:
			if fallback == nil || fallback.Identity != q.Identity || l.Seq < fallback.Seq {
				fallback = l
			}
		case q.Write || l.Origin == Created:
		case fallback == nil || (fallback.Identity != q.Identity && l.Seq < fallback.Seq):
			fallback = l
		}
	}
	if fallback == nil {
		return Value{}, false
	}
	return Value{Raw: fallback.Value, Origin: fallback.Origin, Identity: fallback.Identity, Source: "link " + fallback.Name, Step: fallback.Step, Seq: fallback.Seq, Name: Norm(q.Name)}, true
}

// LinkedFromCreate reports whether a link of the answer to one of the
// run's creates gave value to the parameter param of the operation
// (named by its id or OperationRefOf): the object it names is the run's.
func (s *State) LinkedFromCreate(operationID, operationRef, param, value string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.links {
		if l.Origin != Created || l.Param != param || l.Value != value {
			continue
		}
		if (l.OperationID != "" && l.OperationID == operationID) || (l.OperationRef != "" && l.OperationRef == operationRef) {
			return true
		}
	}
	return false
}
