package lint

import (
	"fmt"
	"strings"

	"github.com/specterhq/specter/scanners/lint/engine"
)

// Object and function level authorization hints (OWASP API1:2023,
// API5:2023).
func authorizationHintChecks() []engine.Check {
	return []engine.Check{
		{Rule: "lint/guessable-id-unscoped", Operation: guessableIDUnscoped},
		{Rule: "lint/admin-path-public", Operation: adminPathPublic},
	}
}

// scoped reports whether some alternative of the operation's security
// requires at least one scope.
func scoped(op *engine.Operation) bool {
	if op.Security == nil {
		return false
	}
	for _, alt := range op.Security.Alternatives {
		if len(alt.Scopes()) > 0 {
			return true
		}
	}
	return false
}

// isIDName reports whether a parameter names an identifier: id, order_id,
// orderId, order-id.
func isIDName(name string) bool { return lastWord(name) == "id" }

func guessableIDUnscoped(c *engine.Context, op *engine.Operation) {
	if scoped(op) {
		return
	}
	for _, p := range op.Parameters {
		if p.In != "path" || !isIDName(p.Name) || p.Schema == nil || !p.Schema.HasType("integer") {
			continue
		}
		why := "no security alternative requires a scope"
		if op.Security == nil {
			why = "the operation declares no security"
		}
		c.Report(engine.Finding{At: p.Node, Operation: op, Evidence: p.Name, Key: op.Method,
			Message: fmt.Sprintf("%s %s takes a sequential integer %q and %s", op.Method, op.Path, p.Name, why)})
	}
}

// adminSegments are path segments of administrative functions.
var adminSegments = setOf("admin", "admins", "administrator", "administrators", "superuser", "sudo")

// hasAdminSegment reports whether a path has an administrative segment:
// /admin/..., /api/admin-tools/..., but not /badminton or /admin{id}.
func hasAdminSegment(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		seg = strings.ToLower(seg)
		if adminSegments[seg] {
			return true
		}
		if strings.HasPrefix(seg, "admin-") || strings.HasPrefix(seg, "admin_") {
			return true
		}
	}
	return false
}

func adminPathPublic(c *engine.Context, op *engine.Operation) {
	if !hasAdminSegment(op.Path) {
		return
	}
	switch {
	case op.Security == nil:
		c.Report(engine.Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("administrative operation %s %s declares no security requirement", op.Method, op.Path)})
	case op.Security.Open():
		c.Report(engine.Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("administrative operation %s %s can be called anonymously (`security: []` or an empty `{}` alternative)", op.Method, op.Path)})
	}
}
