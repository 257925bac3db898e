package learn

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/sensitive"
)

// maxWalk bounds the JSON nodes read from one answer.
const maxWalk = 2000

// Learn records what one exchange teaches: the identifiers a 2xx JSON
// answer carries, the object a 2xx POST created (named by the answer's id
// members, the Location header, or the scalar fields it sent: a natural
// key such as a book title), the object a 2xx DELETE removed, the values
// the documented response's OpenAPI links give other operations, and for
// a recorded Postman request the variables its test scripts set.
// identity is the resolved name of the identity the request was sent as;
// answer is the decoded JSON body (nil when the body is not JSON).
func (s *State) Learn(x *execute.Exchange, identity string, answer any) {
	c := x.Case
	if x.Err != nil || x.Status < 200 || x.Status > 299 || c == nil || c.Target == nil {
		return
	}
	if c.RecordedURL != "" {
		s.learnVariables(x, identity, answer)
		return
	}
	path := c.Target.Op.Path
	var step *plan.Step
	stepOf := func() *plan.Step {
		if step == nil {
			step = plan.NewStep(c.Method+" "+path, identity, x.Request, x.RequestBody, x.Status)
		}
		return step
	}
	switch c.Method {
	case http.MethodDelete:
		// Only a DELETE of the object itself: DELETE /posts/{postId}/likes
		// leaves the post.
		if name, ok := lastParam(path); ok && strings.HasSuffix(strings.TrimSuffix(path, "/"), "{"+name+"}") {
			if col, ok := ParamCollection(path, name); ok {
				s.MarkDeleted(col, name, paramValue(c.PathParams, name))
			}
		}
		return
	case http.MethodPost:
		s.learnCreated(x, identity, answer)
	case http.MethodPut:
		// A PUT on a collection is a create where the API says so with
		// 201 or the new object's id (PUT /menu "Create Menu Item").
		if !strings.Contains(path, "{") && (x.Status == http.StatusCreated || hasID(primaryObject(answer))) {
			s.learnCreated(x, identity, answer)
		}
	}
	if answer != nil {
		s.learnAnswer(answer, answerCollection(c.Method, path), c.Target.Key(), identity, c.Seq, stepOf)
	}
	s.learnLinks(x, identity, answer)
}

// learnCreated records the object a 2xx POST created.
func (s *State) learnCreated(x *execute.Exchange, identity string, answer any) {
	c := x.Case
	col := CollectionOfCreate(c.Target.Op.Path)
	keys, yields, sent, obj := createdKeys(x, col, answer)
	if len(keys) == 0 {
		return
	}
	params := make(map[string]string, len(c.PathParams))
	for _, p := range c.PathParams {
		params[p.Name] = p.Value
	}
	step := plan.NewStep("create an object ("+c.Target.Key()+")", identity, x.Request, x.RequestBody, x.Status, c.Steps...)
	step.Yields = yields
	s.AddObject(&Object{
		Collection: col, Keys: keys, Params: params, Sent: sent, Answer: obj,
		Identity: identity, Op: c.Target.Key(), Step: step, Seq: c.Seq,
	})
}

// createdKeys are the values that name the object a create made: the
// answer's id members, the Location header's last segment, the scalar
// fields the request sent; with where each was found, the fields sent
// and the answer's object.
func createdKeys(x *execute.Exchange, col string, answer any) (map[string]string, []plan.Yield, map[string]any, map[string]any) {
	keys := map[string]string{}
	var yields []plan.Yield
	add := func(name, value, from string) {
		if value == "" || keys[name] != "" {
			return
		}
		keys[name] = value
		yields = append(yields, plan.Yield{Name: name, Value: value, From: from})
	}
	obj := primaryObject(answer)
	for k, v := range obj {
		if n := Norm(k); idMember(n) || n == Resource(col)+"id" {
			if raw, ok := scalarID(v); ok {
				add(n, raw, "/"+k)
			}
		}
	}
	if loc := x.Header.Get("Location"); loc != "" {
		if id := locationID(loc); id != "" {
			add("location", id, "Location")
		}
	}
	sent := RequestFields(x.Case)
	for k, v := range sent {
		n := Norm(k)
		if skippedMembers[n] || sensitive.IsCredentialName(k) {
			continue
		}
		if raw, ok := scalarID(v); ok {
			add(n, raw, "request /"+k)
		}
	}
	return keys, yields, sent, obj
}

// CreatedID is the value a path parameter takes to name the object a
// create answered with (its id member, Location, or the natural key it
// sent), from one exchange and its decoded answer.
func CreatedID(x *execute.Exchange, answer any, param string) (string, bool) {
	col := CollectionOfCreate(x.Case.Target.Op.Path)
	keys, _, _, _ := createdKeys(x, col, answer)
	o := &Object{Collection: col, Keys: keys}
	return o.KeyFor(param)
}

// learnAnswer indexes the identifiers of an answer.
func (s *State) learnAnswer(answer any, collection, op, identity string, seq int, stepOf func() *plan.Step) {
	type found struct{ name, raw string }
	var out []found
	budget := maxWalk
	var walk func(v any, parent string, primary bool, depth int)
	walk = func(v any, parent string, primary bool, depth int) {
		if budget <= 0 || depth > 8 {
			return
		}
		budget--
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, parent, primary, depth+1)
			}
		case map[string]any:
			// An object with an id of its own is no wrapper: its
			// members ({"owner": {"id": 5}}) are other objects.
			wrapper := primary && len(x) <= 3 && !hasID(x)
			for k, e := range x {
				n := Norm(k)
				switch e.(type) {
				case map[string]any, []any:
					// A single wrapper ({"data": {...}}, {"books": [...]})
					// keeps its content primary.
					walk(e, k, wrapper && isContainer(e), depth+1)
					continue
				}
				if n == "" || skippedMembers[n] || sensitive.IsCredentialName(k) {
					continue
				}
				raw, ok := scalarID(e)
				if !ok {
					continue
				}
				out = append(out, found{n, raw})
				if idMember(n) {
					if p := Singular(Norm(parent)); p != "" && p != "data" && p != "item" && p != "result" {
						out = append(out, found{p + "id", raw})
					}
					if primary && collection != "" {
						out = append(out, found{scopedID(collection), raw})
					}
				}
			}
		}
	}
	walk(answer, "", true, 0)
	if len(out) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range out {
		v := &Value{Raw: f.raw, Origin: Observed, Identity: identity, Source: op, Seq: seq, SeenBy: []string{identity}}
		if s.addValueLocked(f.name, v) {
			// The step is built only when a value is new to the pool:
			// it copies the request, which most answers never need.
			v.Step = stepOf()
		}
	}
}

func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

func hasID(obj map[string]any) bool {
	for k := range obj {
		if idMember(Norm(k)) {
			return true
		}
	}
	return false
}

// primaryObject is the object an answer is about: the answer itself, or
// the single object inside a wrapper ({"data": {...}}, {"user": {...}}).
func primaryObject(answer any) map[string]any {
	obj, ok := answer.(map[string]any)
	if !ok {
		return nil
	}
	for _, k := range []string{"id", "uuid", "_id"} {
		if _, ok := obj[k]; ok {
			return obj
		}
	}
	var inner map[string]any
	for _, v := range obj {
		if m, ok := v.(map[string]any); ok {
			if inner != nil {
				return obj
			}
			inner = m
		}
	}
	if inner != nil {
		return inner
	}
	return obj
}

// answerCollection is the collection whose objects an answer lists or
// shows: the path of a list or create, the collection of an item's last
// parameter.
func answerCollection(method, path string) string {
	if method == http.MethodPost {
		return CollectionOfCreate(path)
	}
	if name, ok := lastParam(path); ok && strings.HasSuffix(path, "{"+name+"}") {
		col, _ := ParamCollection(path, name)
		return col
	}
	if strings.Contains(path, "{") {
		return ""
	}
	return strings.TrimSuffix(path, "/")
}

// lastParam is the name of a path template's last parameter.
func lastParam(path string) (string, bool) {
	segs := Segments(path)
	for i := len(segs) - 1; i >= 0; i-- {
		if name, ok := IsParam(segs[i]); ok {
			return name, true
		}
	}
	return "", false
}

func paramValue(ps []plan.Param, name string) string {
	for _, p := range ps {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// scalarID renders a JSON value usable as an identifier: an integer or a
// short string without control characters; anything else is not one.
func scalarID(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		s := x.String()
		if isInteger(s) {
			return s, true
		}
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10), true
		}
	case string:
		if x == "" || len(x) > 128 || strings.Count(x, " ") > 3 {
			return "", false
		}
		for _, r := range x {
			if r < 0x20 || r == 0x7f {
				return "", false
			}
		}
		return x, true
	}
	return "", false
}

// locationID is the last segment of a Location header.
func locationID(loc string) string {
	if u, err := url.Parse(loc); err == nil {
		loc = u.Path
	}
	loc = strings.TrimSuffix(loc, "/")
	if i := strings.LastIndex(loc, "/"); i >= 0 && i < len(loc)-1 {
		return loc[i+1:]
	}
	return ""
}

// RequestFields are the top-level fields a request body sent (JSON
// object or URL-encoded form); nil for other bodies.
func RequestFields(c *plan.Case) map[string]any {
	if len(c.Body) == 0 {
		return nil
	}
	ct := strings.ToLower(c.ContentType)
	if strings.Contains(ct, "json") {
		var obj map[string]any
		dec := json.NewDecoder(strings.NewReader(string(c.Body)))
		dec.UseNumber()
		if dec.Decode(&obj) == nil {
			return obj
		}
		return nil
	}
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		vals, err := url.ParseQuery(string(c.Body))
		if err != nil {
			return nil
		}
		out := make(map[string]any, len(vals))
		for k := range vals {
			out[k] = vals.Get(k)
		}
		return out
	}
	return nil
}
