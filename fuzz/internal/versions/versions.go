// Package versions finds the older API versions a target still serves
// beside the one its spec documents (OWASP API9:2023, improper inventory
// management): for a path with a version segment ("/api/v3/login") it
// names the older siblings to try ("/api/v2/login", "/api/v1/login") and
// a control that no deployment serves ("/api/v999/login"), and judges
// whether an answer shows an operation rather than the framework's own
// answer to a path it does not route. The older operations it confirms
// are fuzzed like documented ones, so the flaws that usually sit there (no
// rate limit, no authentication, the old validation) are found too.
package versions

import (
	"fmt"
	"mime"
	"regexp"
	"strconv"
	"strings"
)

// MaxOlder is how many older versions are tried per operation: the two
// below the documented one ("v3" tries "v2" and "v1").
const MaxOlder = 2

// controlVersion is the version of the control path: a number no API has
// reached, so its answer is what the target says to a version it does not
// serve.
const controlVersion = 999

// segment matches a version path segment: "v2", "V3", "v2.1" is left out
// (minor versions are rarely routed apart).
var segment = regexp.MustCompile(`^[vV]([1-9][0-9]?)$`)

// Sibling is an older version of a documented path.
type Sibling struct {
	Path    string // the path template with the older version segment
	Version string // "v1"
	Control string // the same path at controlVersion
	Current string // the documented version segment, "v2"
}

// Older returns the older-version siblings of a path template, newest
// first, at most MaxOlder; nil when the path has no version segment or it
// is v1. documented reports whether a method and path template is in the
// spec: siblings the spec documents are not undocumented versions. The
// first version segment is the one rewritten ("/v2/orgs/{org}/v1" has
// v1 below it, not above).
func Older(path string, documented func(path string) bool) []Sibling {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		m := segment.FindStringSubmatch(p)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		prefix := p[:1]
		with := func(v int) string {
			q := append([]string(nil), parts...)
			q[i] = prefix + strconv.Itoa(v)
			return strings.Join(q, "/")
		}
		var out []Sibling
		for v := n - 1; v >= 1 && len(out) < MaxOlder; v-- {
			older := with(v)
			if documented(older) {
				continue
			}
			out = append(out, Sibling{Path: older, Version: prefix + strconv.Itoa(v), Control: with(controlVersion), Current: p})
		}
		return out
	}
	return nil
}

// Answer is what the judgement reads of one response.
type Answer struct {
	Status      int
	ContentType string
	// Shape is the structure of the body with values left out
	// (authz.Shape), so two error pages that quote different paths
	// compare equal.
	Shape string
}

func (a Answer) media() string {
	m, _, _ := mime.ParseMediaType(a.ContentType)
	return strings.ToLower(m)
}

func (a Answer) same(b Answer) bool {
	return a.Status == b.Status && a.media() == b.media() && a.Shape == b.Shape
}

// Evidence is what the target answered to one older sibling, with the
// answers to compare it with.
type Evidence struct {
	Older    Answer
	Control  Answer   // the same request at the control version
	Unrouted []Answer // the run's answers to a path no route matches
	// Documented reports whether the operation documents a status (its
	// responses, ranges or default).
	Documented func(status int) bool
	// JSONAPI: the operation documents JSON answers, so an HTML page is
	// a web front end's fallback, not the operation.
	JSONAPI bool
}

// Served reports whether the older sibling answered as an operation:
// not as the control version, not as a path no route matches, with a
// 2xx, a 401, 403 or 422 (a handler refusing the example), or another
// status the documented operation lists that is not a routing, "gone"
// or proxy answer (400, 404, 405, 410, 501, 502 and up never count). It
// says why not when it is not.
func Served(ev Evidence) (bool, string) {
	a := ev.Older
	switch {
	case a.Status == 0:
		return false, "no answer"
	case a.Status == 404 || a.Status == 405 || a.Status == 410 || a.Status == 501 || a.Status >= 502:
		// Not routed, gone, or a proxy's answer.
		return false, fmt.Sprintf("answered %d", a.Status)
	case a.same(ev.Control):
		return false, "answered as the control version"
	}
	for _, u := range ev.Unrouted {
		if a.same(u) {
			return false, "answered as a path no route matches"
		}
	}
	if ev.JSONAPI && a.media() == "text/html" {
		return false, "answered an HTML page where the operation answers JSON"
	}
	if a.Status >= 200 && a.Status <= 299 {
		return true, ""
	}
	switch {
	case a.Status == 400:
		// Also how gateways refuse a version they dropped.
		return false, "answered 400"
	case a.Status == 401 || a.Status == 403 || a.Status == 422:
		// A handler's refusal of the example's credentials or values
		// (the wrong PIN of an old login), unlike the control's answer:
		// documented or not, the route is there.
		return true, ""
	case ev.Documented == nil || !ev.Documented(a.Status):
		// A 500 counts when the operation documents it (crAPI answers a
		// wrong one-time code with 500).
		return false, fmt.Sprintf("answered %d, which the operation does not document", a.Status)
	}
	return true, ""
}
