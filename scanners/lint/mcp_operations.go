package lint

import (
	"fmt"
	"regexp"
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

// pathMention matches an operation's path in text, followed by the end of
// the path (so "/orders" does not match "/orders/{id}" or "/orders-v2").
func pathMention(method, p string) (withMethod, alone *regexp.Regexp) {
	forms := []string{regexp.QuoteMeta(p)}
	if colon := braceParam.ReplaceAllString(p, ":$1"); colon != p {
		forms = append(forms, regexp.QuoteMeta(colon))
	}
	path := `(?:` + strings.Join(forms, "|") + `)(?:$|[^\w/{}:.-]|\.(?:\s|$))`
	return regexp.MustCompile(`(?i)\b` + method + `\s+(?:https?://[^\s/]+(?:/[^\s]*?)?)?` + path), regexp.MustCompile(path)
}

var braceParam = regexp.MustCompile(`\{([^}/]+)\}`)

// wraps tells whether a tool wraps op, and how it names it; pathOnly when
// only the path (no method, no operationId) matched.
func wraps(t mcp.Tool, op *Operation) (how string, pathOnly bool) {
	text := wrapTexts(t)
	if op.ID != "" && len(op.ID) >= 3 {
		if squashName(t.Name) == squashName(op.ID) {
			return "its name is the operationId " + op.ID, false
		}
		if regexp.MustCompile(`(?:^|[^\w])` + regexp.QuoteMeta(op.ID) + `(?:$|[^\w])`).MatchString(text) {
			return "it names the operationId " + op.ID, false
		}
	}
	if len(op.Path) < 2 {
		return "", false
	}
	withMethod, alone := pathMention(op.Method, op.Path)
	if withMethod.MatchString(text) {
		return "it names " + op.Method + " " + op.Path, false
	}
	if alone.MatchString(text) {
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
					if writeClassScope(sc.Name) && !containsString(scopes, sc.Name) {
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
	for _, a := range s.Answers {
		for _, t := range a.Tools {
			ptr, claim := readOnlyClaim(t)
			if ptr == "" {
				continue
			}
			for _, d := range s.Documents {
				for _, op := range d.Operations {
					how, pathOnly := wraps(t, op)
					if how == "" || pathOnly && readsAt(d, op.Path) {
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
}
