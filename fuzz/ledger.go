package fuzz

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/plan"
)

// ledger records the objects this run created (a 2xx answer to a POST that
// names the new object's id), so destructive calls by default only touch
// those: a DELETE /items/{id} takes its id from a POST /items of this run.
type ledger struct {
	mu sync.Mutex
	// created maps a collection path template ("/items") to the objects
	// created in it, most recent last.
	created map[string][]owned
}

type owned struct {
	params map[string]string // path parameters of the creating request
	id     string
}

func newLedger() *ledger { return &ledger{created: map[string][]owned{}} }

// learn records an object a 2xx POST created.
func (l *ledger) learn(x *execute.Exchange) {
	c := x.Case
	if c.Method != http.MethodPost || x.Status < 200 || x.Status > 299 || c.RecordedURL != "" {
		return
	}
	id := createdID(x)
	if id == "" {
		return
	}
	params := make(map[string]string, len(c.PathParams))
	for _, p := range c.PathParams {
		params[p.Name] = p.Value
	}
	key := strings.TrimSuffix(c.Target.Op.Path, "/")
	l.mu.Lock()
	l.created[key] = append(l.created[key], owned{params: params, id: id})
	if n := len(l.created[key]); n > 64 {
		l.created[key] = l.created[key][n-64:]
	}
	l.mu.Unlock()
}

// fill sets the Owned path parameters of a case from the ledger; it
// reports false when the run created no object the case may touch.
func (l *ledger) fill(c *plan.Case) bool {
	if len(c.Owned) == 0 {
		return true
	}
	path := c.Target.Op.Path
	i := strings.LastIndex(path, "/{")
	if i < 0 {
		return false
	}
	collection := path[:i]
	last := strings.TrimSuffix(strings.TrimPrefix(path[i+1:], "{"), "}")
	if j := strings.Index(last, "}"); j >= 0 {
		last = last[:j]
	}
	l.mu.Lock()
	objs := l.created[collection]
	var o owned
	ok := len(objs) > 0
	if ok {
		o = objs[len(objs)-1]
	}
	l.mu.Unlock()
	if !ok {
		return false
	}
	for k := range c.PathParams {
		name := c.PathParams[k].Name
		switch {
		case name == last:
			c.PathParams[k].Value = o.id
		case o.params[name] != "":
			c.PathParams[k].Value = o.params[name]
		default:
			return false
		}
	}
	return true
}

// prefer fills a case's path parameters from the ledger when it can,
// leaving them as generated otherwise.
func (l *ledger) prefer(c *plan.Case) {
	if len(c.PathParams) == 0 || c.RecordedURL != "" {
		return
	}
	trial := c.Clone()
	for _, p := range trial.PathParams {
		trial.Owned = append(trial.Owned, p.Name)
	}
	if l.fill(trial) {
		c.PathParams = trial.PathParams
	}
}

// forget drops an object a 2xx DELETE removed.
func (l *ledger) forget(x *execute.Exchange) {
	c := x.Case
	if c.Method != http.MethodDelete || x.Status < 200 || x.Status > 299 || len(c.Owned) == 0 || len(c.PathParams) == 0 {
		return
	}
	path := c.Target.Op.Path
	i := strings.LastIndex(path, "/{")
	if i < 0 {
		return
	}
	id := c.PathParams[len(c.PathParams)-1].Value
	l.mu.Lock()
	defer l.mu.Unlock()
	objs := l.created[path[:i]]
	for j := range objs {
		if objs[j].id == id {
			l.created[path[:i]] = append(objs[:j:j], objs[j+1:]...)
			return
		}
	}
}

// createdID finds the id of a created object: an id member of a JSON
// object answer, else the last segment of the Location header.
func createdID(x *execute.Exchange) string {
	var obj map[string]any
	if json.Unmarshal(x.Body, &obj) == nil {
		for _, k := range []string{"id", "ID", "Id", "_id", "uuid"} {
			switch v := obj[k].(type) {
			case string:
				if v != "" {
					return v
				}
			case float64:
				return jsonNumber(v)
			}
		}
	}
	if loc := x.Header.Get("Location"); loc != "" {
		loc = strings.TrimSuffix(loc, "/")
		if i := strings.LastIndex(loc, "/"); i >= 0 && i < len(loc)-1 {
			return loc[i+1:]
		}
	}
	return ""
}

func jsonNumber(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
