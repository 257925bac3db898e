package lint

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/specterhq/specter/surface/mcp"
)

// lint/mcp-tool-operation-mismatch: a tool that says it is read-only but
// wraps an operation of a scanned API that writes or needs write or admin
// scopes.

// readOnlyClaim is where a tool says it is read-only: the readOnlyHint
// value, else its description; "" when it does not.
func readOnlyClaim(t mcp.Tool) (pointer, how string) {
	if ro := t.Annotations.ReadOnly; ro.Set && ro.Value {
		return ro.Pointer, "readOnlyHint: true"
	}
	if m := saysReadOnly.FindString(t.Description.Text); m != "" {
		return t.Description.Pointer, "its description says " + strconv.Quote(m)
	}
	return "", ""
}

// wrapTexts are the texts of a tool that may name the operation it wraps.
func wrapTexts(t mcp.Tool) string {
	return strings.Join([]string{t.Name, t.Description.Text, t.Annotations.Title.Text}, "\n")
}

// opMatcher finds an operation's mentions in a tool's texts; built once
// per operation of the scan.
type opMatcher struct {
	op *Operation
	// id matches the operationId as a word; nil without one.
	id *regexp.Regexp
	// paths are the path's literal forms ("/orders/{id}", "/orders/:id"):
	// a cheap test before the regexps.
	paths []string
	// withMethod matches "METHOD /path" (or METHOD and a URL ending in the
	// path); alone the path followed by its end, so "/orders" does not
	// match "/orders/{id}" or "/orders-v2".
	withMethod, alone *regexp.Regexp
}

var braceParam = regexp.MustCompile(`\{([^}/]+)\}`)

func newOpMatcher(op *Operation) opMatcher {
	m := opMatcher{op: op}
	if len(op.ID) >= 3 {
		m.id = regexp.MustCompile(`(?:^|[^\w])` + regexp.QuoteMeta(op.ID) + `(?:$|[^\w])`)
	}
	if len(op.Path) < 2 {
		return m
	}
	m.paths = []string{op.Path}
	if colon := braceParam.ReplaceAllString(op.Path, ":$1"); colon != op.Path {
		m.paths = append(m.paths, colon)
	}
	forms := make([]string, len(m.paths))
	for i, p := range m.paths {
		forms[i] = regexp.QuoteMeta(p)
	}
	path := `(?:` + strings.Join(forms, "|") + `)(?:$|[^\w/{}:.-]|\.(?:\s|$))`
	m.withMethod = regexp.MustCompile(`(?i)\b` + op.Method + `\s+(?:https?://[^\s/]+(?:/[^\s]*?)?)?` + path)
	m.alone = regexp.MustCompile(path)
	return m
}

// wraps tells whether the tool whose name and texts are given wraps the
// operation, and how it names it; pathOnly when only the path (no method,
// no operationId) matched.
func (m opMatcher) wraps(name, text string) (how string, pathOnly bool) {
	op := m.op
	if m.id != nil {
		if squashName(name) == squashName(op.ID) {
			return "its name is the operationId " + op.ID, false
		}
		if strings.Contains(text, op.ID) && m.id.MatchString(text) {
			return "it names the operationId " + op.ID, false
		}
	}
	mentioned := false
	for _, p := range m.paths {
		mentioned = mentioned || strings.Contains(text, p)
	}
	if !mentioned {
		return "", false
	}
	if m.withMethod.MatchString(text) {
		return "it names " + op.Method + " " + op.Path, false
	}
	if m.alone.MatchString(text) {
		return "it names the path " + op.Path, true
	}
	return "", false
}

// writeReason says why op is not read-only: its method, its scopes or an
// admin path; "" when it reads.
func writeReason(op *Operation) string {
	var scopes []string
	if op.Security != nil {
		for _, alt := range op.Security.Alternatives {
			for _, u := range alt.Uses {
				for _, sc := range u.Scopes {
					if writeClassScope(sc.Name) && !slices.Contains(scopes, sc.Name) {
						scopes = append(scopes, sc.Name)
					}
				}
			}
		}
	}
	sort.Strings(scopes)
	switch {
	case op.IsWrite() && !searchLike(op):
		return "it changes state (" + op.Method + ")"
	case len(scopes) > 0:
		return "it requires the write or admin scopes " + strings.Join(scopes, ", ")
	case privileged(op):
		return "it is an administrative operation"
	}
	return ""
}

// securityText names an operation's requirement alternatives with their
// scopes: "oauth (orders:write) or apiKey".
func securityText(op *Operation) string {
	if op.Security == nil || len(op.Security.Alternatives) == 0 {
		return "no declared security"
	}
	var alts []string
	for _, alt := range op.Security.Alternatives {
		if alt.Anonymous() {
			alts = append(alts, "anonymous access")
			continue
		}
		var uses []string
		for _, u := range alt.Uses {
			s := u.Name
			if len(u.Scopes) > 0 {
				names := make([]string, len(u.Scopes))
				for i, sc := range u.Scopes {
					names[i] = sc.Name
				}
				s += " (" + strings.Join(names, ", ") + ")"
			}
			uses = append(uses, s)
		}
		alts = append(alts, strings.Join(uses, " and "))
	}
	return "security: " + strings.Join(alts, " or ")
}

// readsAt reports whether some operation on the path only reads.
func readsAt(d *Document, p string) bool {
	for _, op := range d.Operations {
		if op.Path == p && writeReason(op) == "" {
			return true
		}
	}
	return false
}

func mcpToolOperationMismatch(c *Context, s *SurfaceIndex) {
	var matchers []opMatcher // built on the first read-only tool
	for _, a := range s.Answers {
		for _, t := range a.Tools {
			ptr, claim := readOnlyClaim(t)
			if ptr == "" {
				continue
			}
			if matchers == nil {
				matchers = opMatchers(s.Documents)
			}
			text := wrapTexts(t)
			for _, m := range matchers {
				op := m.op
				how, pathOnly := m.wraps(t.Name, text)
				if how == "" || pathOnly && readsAt(op.Doc, op.Path) {
					continue
				}
				why := writeReason(op)
				if why == "" {
					continue
				}
				at := op.Node.Location()
				c.ReportAt(a.File.Locate(ptr), Finding{
					Operation: op,
					Message: fmt.Sprintf("The %s is read-only (%s) but wraps %s %s of %s:%d (%s), and %s; %s",
						toolLabel(t), claim, op.Method, op.Path, at.File, at.Line, how, why, securityText(op)),
					Evidence: op.Method + " " + op.Path,
					Key:      t.Name + " " + at.File + " " + op.Method + " " + op.Path,
				})
			}
		}
	}
}

func opMatchers(docs []*Document) []opMatcher {
	out := []opMatcher{}
	for _, d := range docs {
		for _, op := range d.Operations {
			out = append(out, newOpMatcher(op))
		}
	}
	return out
}
