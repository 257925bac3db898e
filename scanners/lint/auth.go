package lint

import "fmt"

// Authentication coverage (rules/lint_auth.go).
func authChecks() []Check {
	return []Check{
		{Rule: "lint/write-without-auth", Operation: writeWithoutAuth},
		{Rule: "lint/http-basic-auth", Scheme: httpBasicAuth},
	}
}

func writeWithoutAuth(c *Context, op *Operation) {
	if !op.IsWrite() {
		return
	}
	switch {
	case op.Security == nil:
		c.Report(Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("%s %s changes data and declares no security requirement (neither on the operation nor for the document)", op.Method, op.Path)})
	case len(op.Security.Alternatives) == 0:
		at := op.Node
		if !op.Security.Inherited {
			at = op.Security.Node
		}
		c.Report(Finding{At: at, Operation: op, Message: fmt.Sprintf("%s %s changes data and its security is `[]`: anyone may call it", op.Method, op.Path)})
	}
}

func httpBasicAuth(c *Context, s *Scheme) {
	if s.Type == "http" && s.HTTPScheme == "basic" {
		c.Report(Finding{At: s.Node, Message: fmt.Sprintf("security scheme %q is HTTP Basic: a reusable password on every request", s.Name), Evidence: s.Name})
	}
}
