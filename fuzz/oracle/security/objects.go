package security

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
)

// objectOps are the operations on the objects of one collection: the item
// path /C/{p} and the paths under it (/C/{p}/email), grouped by the
// collection and the item parameter.
type objectOps struct {
	collection, param string
	read              *plan.Target   // GET /C/{p}
	writes            []*plan.Target // PUT, PATCH and POST on /C/{p} and below
	del               *plan.Target   // DELETE /C/{p}
	list              *plan.Target   // GET /C
}

// groupObjectOps indexes the targets by object collection. A path's last
// parameter names the object it acts on.
func groupObjectOps(targets []*plan.Target) []*objectOps {
	by := map[string]*objectOps{}
	lists := map[string]*plan.Target{}
	for _, t := range targets {
		if t.Op.Request != nil && t.Spec == nil {
			continue // Postman recordings have no path templates to follow
		}
		path := t.Op.Path
		if !strings.Contains(path, "{") {
			if t.Op.Method == http.MethodGet {
				lists[strings.TrimSuffix(path, "/")] = t
			}
			continue
		}
		param, ok := lastParam(path)
		if !ok {
			continue
		}
		col, _ := learn.ParamCollection(path, param)
		key := col + "\x00" + param
		g := by[key]
		if g == nil {
			g = &objectOps{collection: col, param: param}
			by[key] = g
		}
		item := strings.HasSuffix(path, "{"+param+"}")
		switch t.Op.Method {
		case http.MethodGet:
			if item && g.read == nil {
				g.read = t
			}
		case http.MethodDelete:
			if item && g.del == nil {
				g.del = t
			}
		case http.MethodPut, http.MethodPatch, http.MethodPost:
			g.writes = append(g.writes, t)
		}
	}
	out := make([]*objectOps, 0, len(by))
	for _, g := range by {
		g.list = lists[g.collection]
		sort.SliceStable(g.writes, func(i, j int) bool { return g.writes[i].Index < g.writes[j].Index })
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].collection != out[j].collection {
			return out[i].collection < out[j].collection
		}
		return out[i].param < out[j].param
	})
	return out
}

func lastParam(path string) (string, bool) {
	segs := learn.Segments(path)
	for i := len(segs) - 1; i >= 0; i-- {
		if n, ok := learn.IsParam(segs[i]); ok {
			return n, true
		}
	}
	return "", false
}

// templates keeps, per operation, the request an authorization probe
// starts from (its query, headers and body), with the path and identity
// changed: the lowest-numbered request of the examples, stateful or replay
// phases (whole bodies, as the spec writes them), else of any other phase.
type templates struct {
	mu   sync.Mutex
	byOp map[*plan.Target]*plan.Case
}

// templateRank prefers the phases that send whole example bodies.
func templateRank(p plan.Phase) int {
	switch p {
	case plan.PhaseExamples, plan.PhaseStateful, plan.PhaseReplay:
		return 0
	}
	return 1
}

func (ts *templates) offer(c *plan.Case) {
	// The accounts phase's requests carry sign-up values and injected
	// server-owned fields: not a template for anything else.
	if c.RecordedURL != "" || c.Payload != nil || c.Varied != "" || c.Phase == plan.PhaseAccounts {
		return
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.byOp == nil {
		ts.byOp = map[*plan.Target]*plan.Case{}
	}
	if prev, ok := ts.byOp[c.Target]; ok {
		if r, pr := templateRank(c.Phase), templateRank(prev.Phase); pr < r || pr == r && prev.Seq <= c.Seq {
			return
		}
	}
	ts.byOp[c.Target] = c.Clone()
}

// get returns a copy of an operation's template: the request the run
// sent, else the examples phase's request, else a bare request.
func (ts *templates) get(t *plan.Target, env oracle.Env) *plan.Case {
	ts.mu.Lock()
	c := ts.byOp[t]
	ts.mu.Unlock()
	// A request of the mutating phases is only a template where the
	// examples phase's whole body is not to be had.
	if c != nil && (templateRank(c.Phase) == 0 || env == nil) {
		out := c.Clone()
		out.Seq = c.Seq
		return out
	}
	if env != nil {
		if ex, ok := env.Example(t); ok {
			return ex
		}
	}
	if c != nil {
		out := c.Clone()
		out.Seq = c.Seq
		return out
	}
	return &plan.Case{Target: t, Method: t.Op.Method, Intent: plan.IntentValid}
}

// withPath sets the case's path parameters: the given ones win, the
// others keep their values.
func withPath(c *plan.Case, params map[string]string) *plan.Case {
	have := map[string]bool{}
	for i := range c.PathParams {
		if v, ok := params[c.PathParams[i].Name]; ok {
			c.PathParams[i].Value = v
		}
		have[c.PathParams[i].Name] = true
	}
	for _, seg := range learn.Segments(c.Target.Op.Path) {
		if n, ok := learn.IsParam(seg); ok && !have[n] {
			c.PathParams = append(c.PathParams, plan.Param{Name: n, Value: params[n]})
		}
	}
	return c
}

// marker is the value probes write into a string member, so that reading
// the object back shows whether the write took effect.
const marker = "specter-changed-by-another-identity"

// markBody sets the first free-text string member of a JSON object body
// (not an id, password or enumeration-looking value) to marker and
// returns the member's name; "" when the body has none.
func markBody(body []byte, avoid ...string) ([]byte, string) {
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&obj) != nil || obj == nil {
		return body, ""
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	skip := map[string]bool{}
	for _, a := range avoid {
		skip[learn.Norm(a)] = true
	}
	for _, k := range keys {
		s, ok := obj[k].(string)
		n := learn.Norm(k)
		if !ok || skip[n] || strings.HasSuffix(n, "id") || strings.Contains(n, "password") || strings.Contains(n, "url") || n == "username" || n == "role" || n == "status" {
			continue
		}
		if strings.Contains(n, "email") || strings.Contains(n, "mail") {
			obj[k] = "specter.changed@example.com"
		} else if len(s) > 0 && strings.Trim(s, "0123456789") == "" {
			obj[k] = "5550100"
		} else {
			obj[k] = marker
		}
		out, err := json.Marshal(obj)
		if err != nil {
			return body, ""
		}
		return out, k
	}
	return body, ""
}

// shows reports whether an answer carries the value a probe wrote.
func shows(body []byte, field string, written []byte) bool {
	var sent map[string]any
	if jsonUnmarshal(written, &sent) != nil {
		return false
	}
	v, ok := sent[field].(string)
	if !ok || v == "" {
		return false
	}
	return bytes.Contains(body, []byte(v))
}

// sensitiveMembers are members whose presence makes an object personal:
// another user reading it is a finding even where the API does not hide
// the object from lists.
var sensitiveMembers = []string{"password", "passwd", "secret", "token", "apikey", "ssn", "socialsecurity", "cardnumber", "creditcard", "cvv", "iban",
	"accountnumber", "balance", "salary", "address", "phone", "mobile", "dateofbirth", "birthdate", "dob", "location", "latitude", "longitude",
	"vin", "passport", "license", "diagnosis", "health", "privatekey", "otp"}

// sensitiveIn names the first sensitive member of a JSON answer.
func sensitiveIn(body []byte) string {
	var doc any
	if jsonUnmarshal(body, &doc) != nil {
		return ""
	}
	var found string
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if found != "" || depth > 5 {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if sensitiveName(k) && x[k] != nil && x[k] != "" {
					found = k
					return
				}
				walk(x[k], depth+1)
			}
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		}
	}
	walk(doc, 0)
	return found
}

// sensitiveName reports a member named by one of sensitiveMembers: whole
// words of the name (dateOfBirth, credit_card_number, userSSN), or, for a
// name written as one lowercase word, its beginning or end
// (hashedpassword, phonenumber). A term inside another word is not it:
// businessName holds no SSN, savings no VIN, footprint no OTP.
func sensitiveName(name string) bool {
	ws := nameWords(name)
	for _, term := range sensitiveMembers {
		for i := range ws {
			run := ""
			for _, w := range ws[i:] {
				run += w
				if run == term {
					return true
				}
				if len(run) >= len(term) {
					break
				}
			}
		}
		if len(ws) == 1 && len(term) >= 4 && len(ws[0]) > len(term) && (strings.HasPrefix(ws[0], term) || strings.HasSuffix(ws[0], term)) {
			return true
		}
	}
	return false
}

// nameWords splits a member name into lowercase words at separators,
// case changes (an acronym ends before its last capital: APIKey is API,
// Key) and between letters and digits.
func nameWords(name string) []string {
	kind := func(c byte) int {
		switch {
		case c >= 'a' && c <= 'z':
			return 1
		case c >= 'A' && c <= 'Z':
			return 2
		case c >= '0' && c <= '9':
			return 3
		}
		return 0
	}
	var out []string
	start := -1
	for i := 0; i <= len(name); i++ {
		k := 0
		if i < len(name) {
			k = kind(name[i])
		}
		if start >= 0 {
			prev := kind(name[i-1])
			split := k == 0 || (prev == 3) != (k == 3) || prev == 1 && k == 2 ||
				prev == 2 && k == 2 && i+1 < len(name) && kind(name[i+1]) == 1
			if split {
				out = append(out, strings.ToLower(name[start:i]))
				start = -1
			}
		}
		if start < 0 && k != 0 {
			start = i
		}
	}
	return out
}

// ownerOnly reports whether an operation's documentation says only the
// owner may use it.
func ownerOnly(t *plan.Target) bool {
	if t == nil || t.Spec == nil {
		return false
	}
	text := strings.ToLower(t.Spec.Summary + " " + t.Spec.Description)
	for _, w := range []string{"only the owner", "owner only", "only by the owner", "their own", "your own", "the owner may", "belonging to the", "current user's", "authenticated user's", "private"} {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// publicResource reports collections that are public by nature: catalogue
// entries and published content other users are meant to read.
func publicResource(collection string) bool {
	switch learn.Resource(collection) {
	case "product", "item", "menu", "catalog", "catalogue", "category", "tag", "post", "article", "comment", "review", "book", "news",
		"event", "page", "faq", "mechanic", "store", "shop", "location", "country", "currency", "plan", "video":
		return true
	}
	return false
}
