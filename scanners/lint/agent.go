package lint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/specterhq/specter/scanners/lint/engine"
)

// Agent access: specter's extensions (docs/extensions.md) and the
// spec-native signals of sender-constrained and machine credentials.
func agentChecks() []engine.Check {
	return []engine.Check{
		{Rule: "lint/agent-write-not-sender-constrained", Operation: writeNotSenderConstrained},
		{Rule: "lint/sender-constraint-downgrade", Operation: senderConstraintDowngrade},
		{Rule: "lint/agent-missing-required-claims", Operation: agentMissingClaims},
		{Rule: "lint/agent-no-machine-flow", Operation: agentNoMachineFlow},
		{Rule: "lint/agent-broad-scope", Operation: agentBroadScope},
		{Rule: "lint/agent-token-ttl-too-long", Operation: agentTokenTTL},
		{Rule: "lint/agent-missing-audience", Operation: agentMissingAudience},
		{Rule: "lint/agent-missing-rate-limit", Operation: agentMissingRateLimit},
		{Rule: "lint/agent-missing-idempotency-key", Operation: agentMissingIdempotencyKey},
		{Rule: "lint/agent-destructive-without-approval", Operation: agentDestructiveWithoutApproval},
		{Rule: "lint/prompt-injection-marker", Text: promptInjection},
		{Rule: "lint/agent-access-undeclared", Document: agentAccessUndeclared},
		{Rule: "lint/invalid-agent-extension", Document: invalidAgentExtensions},
	}
}

// agentAccess is the operation's effective x-agent-access value (lower
// case) and where it is written.
func agentAccess(op *engine.Operation) (string, engine.Node) {
	n := op.Extension("x-agent-access")
	return strings.ToLower(strings.TrimSpace(n.Str())), n
}

// agentAllowed reports whether agents may call the operation, on their own
// or with approval.
func agentAllowed(op *engine.Operation) bool {
	a, _ := agentAccess(op)
	return a == "allow" || a == "approval-required"
}

// markedSensitive reports whether the operation is marked sensitive:
// x-sensitivity: high, x-business-flow: sensitive, or x-data-classification
// naming pii, pci, phi or secret.
func markedSensitive(op *engine.Operation) bool {
	if strings.EqualFold(op.Extension("x-sensitivity").Str(), "high") || strings.EqualFold(op.Extension("x-business-flow").Str(), "sensitive") {
		return true
	}
	for _, c := range op.Node.Member("x-data-classification").Strings() {
		switch strings.ToLower(c) {
		case "pii", "pci", "phi", "secret":
			return true
		}
	}
	return false
}

func writeNotSenderConstrained(c *engine.Context, op *engine.Operation) {
	if !(op.IsWrite() && agentAllowed(op)) && !markedSensitive(op) {
		return
	}
	if !authenticated(op) {
		return // the auth-coverage rules report it
	}
	for _, a := range op.Security.Alternatives {
		if a.SenderConstrained() {
			return
		}
	}
	why := "agents may call it"
	if markedSensitive(op) {
		why = "it is marked sensitive"
	}
	c.Report(engine.Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("%s %s: %s, but no alternative binds the token to the client (mutualTLS, DPoP, x-token-binding)", op.Method, op.Path, why)})
}

func senderConstraintDowngrade(c *engine.Context, op *engine.Operation) {
	if op.Security == nil {
		return
	}
	bound := false
	for _, a := range op.Security.Alternatives {
		if a.SenderConstrained() {
			bound = true
		}
	}
	if !bound {
		return
	}
	for _, a := range op.Security.Alternatives {
		if a.Anonymous() || a.SenderConstrained() {
			continue
		}
		var names []string
		for _, u := range a.Uses {
			names = append(names, u.Name)
		}
		c.Report(engine.Finding{At: a.Node, Operation: op, Evidence: strings.Join(names, " & "),
			Message: fmt.Sprintf("alternative %s accepts an unbound token next to a sender-constrained one: a stolen token takes this path", strings.Join(names, " & "))})
	}
}

// usedSchemes lists the declared schemes of an operation's alternatives,
// each once.
func usedSchemes(op *engine.Operation) []*engine.Scheme {
	if op.Security == nil {
		return nil
	}
	var out []*engine.Scheme
	seen := map[*engine.Scheme]bool{}
	for _, a := range op.Security.Alternatives {
		for _, u := range a.Uses {
			if u.Scheme != nil && !seen[u.Scheme] {
				seen[u.Scheme] = true
				out = append(out, u.Scheme)
			}
		}
	}
	return out
}

func agentMissingClaims(c *engine.Context, op *engine.Operation) {
	if !agentAllowed(op) || op.Extension("x-required-claims").Exists() {
		return
	}
	for _, s := range usedSchemes(op) {
		if s.Def.Member("x-required-claims").Exists() {
			return
		}
	}
	c.Report(engine.Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("agents may call %s %s but it declares no x-required-claims (e.g. client_type: ai-agent)", op.Method, op.Path)})
}

// machineGrants are x-grant-types values that let a client act on its own.
var machineGrants = map[string]bool{
	"client_credentials": true, "urn:ietf:params:oauth:grant-type:token-exchange": true,
	"urn:ietf:params:oauth:grant-type:jwt-bearer": true, "token-exchange": true, "jwt-bearer": true,
}

func agentNoMachineFlow(c *engine.Context, op *engine.Operation) {
	if !agentAllowed(op) || !authenticated(op) {
		return
	}
	for _, a := range op.Security.Alternatives {
		for _, u := range a.Uses {
			s := u.Scheme
			if s == nil || s.Type != "oauth2" || s.Flow("clientCredentials") != nil {
				return
			}
			for _, g := range s.Def.Member("x-grant-types").Strings() {
				if machineGrants[strings.ToLower(g)] {
					return
				}
			}
		}
	}
	c.Report(engine.Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("agents may call %s %s but every alternative offers only user OAuth2 flows (no clientCredentials or token exchange)", op.Method, op.Path)})
}

func agentBroadScope(c *engine.Context, op *engine.Operation) {
	if !agentAllowed(op) || op.Security == nil {
		return
	}
	for _, a := range op.Security.Alternatives {
		for _, u := range a.Uses {
			if u.Scheme == nil || !u.Scheme.IsOAuth() {
				continue
			}
			for _, sc := range u.Scopes {
				decl, _ := u.Scheme.Scope(sc.Name)
				why, broad := broadScope(sc.Name, decl.Description)
				if !broad {
					continue
				}
				at := sc.Node
				if op.Security.Inherited {
					at = op.Node
				}
				c.Report(engine.Finding{At: at, Operation: op, Evidence: sc.Name, Key: op.Method + " " + op.Path + " " + sc.Name,
					Message: fmt.Sprintf("agents may call %s %s with scope %q, which is over-broad: %s", op.Method, op.Path, sc.Name, why)})
			}
		}
	}
}

func agentTokenTTL(c *engine.Context, op *engine.Operation) {
	if !agentAllowed(op) {
		return
	}
	for _, s := range usedSchemes(op) {
		if !issuesTokens(s) || s.TokenBinding() != "" {
			continue
		}
		n, ttl, ok, valid := tokenTTL(c.Doc, s)
		switch {
		case !ok:
			c.Report(engine.Finding{At: s.Node, Evidence: s.Name, Key: s.Name, Message: fmt.Sprintf("agents use %q (for %s %s and maybe others) but it declares no x-token-ttl; agent policy is at most %d s", s.Name, op.Method, op.Path, c.Options.AgentMaxTokenTTL)})
		case valid && ttl > c.Options.AgentMaxTokenTTL:
			c.Report(engine.Finding{At: n, Evidence: n.Str(), Key: s.Name, Message: fmt.Sprintf("agents use %q, whose tokens live %d s, above the %d s agent policy", s.Name, ttl, c.Options.AgentMaxTokenTTL)})
		}
	}
}

func agentMissingAudience(c *engine.Context, op *engine.Operation) {
	if !agentAllowed(op) || c.Doc.Extension("x-audience").Exists() {
		return
	}
	for _, s := range usedSchemes(op) {
		if issuesTokens(s) && !s.Def.Member("x-audience").Exists() {
			c.Report(engine.Finding{At: s.Node, Evidence: s.Name, Key: s.Name, Message: fmt.Sprintf("agents use %q but it declares no audience (x-audience): its tokens can be replayed at other APIs", s.Name)})
		}
	}
}

// rateLimitHeader reports whether a header name declares rate limiting.
func rateLimitHeader(name string) bool {
	n := strings.ToLower(name)
	return n == "retry-after" || strings.HasPrefix(n, "ratelimit") || strings.HasPrefix(n, "x-ratelimit") || strings.HasPrefix(n, "x-rate-limit")
}

func agentMissingRateLimit(c *engine.Context, op *engine.Operation) {
	if !agentAllowed(op) {
		return
	}
	r := op.Response("429")
	if r == nil {
		c.Report(engine.Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("agents may call %s %s but it declares no 429 response", op.Method, op.Path)})
		return
	}
	if op.Extension("x-rate-limit").Exists() || op.Extension("x-ratelimit").Exists() {
		return
	}
	for _, resp := range op.Responses {
		for _, h := range resp.Headers {
			if rateLimitHeader(h.Name) {
				return
			}
		}
	}
	c.Report(engine.Finding{At: r.Node, Operation: op, Message: fmt.Sprintf("the 429 response of %s %s declares no Retry-After or RateLimit header for agents to back off by", op.Method, op.Path)})
}

func agentMissingIdempotencyKey(c *engine.Context, op *engine.Operation) {
	if !agentAllowed(op) || (op.Method != "POST" && op.Method != "PATCH") {
		return
	}
	if op.Parameter("header", "Idempotency-Key") != nil || op.Parameter("header", "X-Idempotency-Key") != nil {
		return
	}
	c.Report(engine.Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("agents may call %s %s but it takes no Idempotency-Key header: a retried call repeats its effect", op.Method, op.Path)})
}

// moneyWords mark operations that move money.
var moneyWords = map[string]bool{
	"pay": true, "pays": true, "payment": true, "payments": true, "payout": true, "payouts": true,
	"transfer": true, "transfers": true, "refund": true, "refunds": true, "charge": true, "charges": true,
	"withdraw": true, "withdrawal": true, "withdrawals": true, "purchase": true, "purchases": true,
	"checkout": true, "disburse": true, "disbursement": true, "disbursements": true, "remit": true, "remittance": true,
}

// destructive says why an operation is destructive or moves money.
func destructive(op *engine.Operation) (string, bool) {
	switch {
	case op.Method == "DELETE":
		return "it deletes", true
	case strings.EqualFold(op.Extension("x-business-flow").Str(), "sensitive"):
		return "it is marked x-business-flow: sensitive", true
	case op.IsWrite() && (hasWord(words(op.Path), moneyWords) || hasWord(words(op.ID), moneyWords)):
		return "it moves money", true
	}
	return "", false
}

func agentDestructiveWithoutApproval(c *engine.Context, op *engine.Operation) {
	access, at := agentAccess(op)
	if access != "allow" {
		return
	}
	why, ok := destructive(op)
	if !ok {
		return
	}
	if !at.Same(op.Node.Member("x-agent-access")) {
		at = op.Node // allowed by a default: the operation is what lacks approval
	}
	c.Report(engine.Finding{At: at, Operation: op, Key: op.Method + " " + op.Path,
		Message: fmt.Sprintf("agents may call %s %s without approval, and %s; use x-agent-access: approval-required", op.Method, op.Path, why)})
}

// injectionPhrase matches instructions aimed at a model.
var injectionPhrase = regexp.MustCompile(`(?i)\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)*(?:previous|prior|above|earlier|preceding|former|system)\s+(?:instructions|prompts?|directions|rules|messages)\b|\bdo\s+not\s+(?:tell|inform|reveal\s+to|mention\s+to)\s+the\s+user\b|<\|im_start\|>|<\|system\|>|\[/?INST\]|<<SYS>>`)

// injectionKeywords are words every injectionPhrase match contains, in
// lower case: the regexp runs only on texts holding one (a 13 MB spec has
// megabytes of descriptions, and the regexp backtracks).
var injectionKeywords = []string{"ignore", "disregard", "forget", "override", "do not", "<|", "inst]", "<<sys>>", "<!--"}

func mayInject(s string) bool {
	lower := strings.ToLower(s)
	for _, k := range injectionKeywords {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}

// hiddenRune names an invisible or reordering character, or "".
func hiddenRune(r rune) string {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return fmt.Sprintf("bidirectional control U+%04X", r)
	case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0x2062 || r == 0x2063 || r == 0x2064 || r == 0xFEFF:
		return fmt.Sprintf("invisible character U+%04X", r)
	case r >= 0xE0000 && r <= 0xE007F:
		return fmt.Sprintf("Unicode tag character U+%04X", r)
	}
	return ""
}

func promptInjection(c *engine.Context, t engine.Text) {
	s := t.Node.Str()
	var why string
	for _, r := range s {
		if why = hiddenRune(r); why != "" {
			break
		}
	}
	if why == "" && mayInject(s) {
		if m := injectionPhrase.FindString(s); m != "" {
			why = fmt.Sprintf("instruction to a model %q", m)
		} else if strings.Contains(s, "<!--") {
			why = "an HTML comment, invisible once rendered"
		}
	}
	if why != "" {
		c.Report(engine.Finding{At: t.Node, Evidence: why, Message: fmt.Sprintf("%s holds %s; agents read it as tool text", t.Field, why)})
	}
}

// usesAgentAccess reports whether the document states x-agent-access
// anywhere.
func usesAgentAccess(d *engine.Document) bool {
	if d.Extension("x-agent-access").Exists() {
		return true
	}
	for _, op := range d.Operations {
		if op.Node.Has("x-agent-access") || op.PathItem.Has("x-agent-access") {
			return true
		}
	}
	return false
}

func agentAccessUndeclared(c *engine.Context, d *engine.Document) {
	if !usesAgentAccess(d) {
		return
	}
	for _, op := range d.Operations {
		if !op.Extension("x-agent-access").Exists() {
			c.Report(engine.Finding{At: op.Node, Operation: op, Message: fmt.Sprintf("%s %s does not say whether agents may call it (x-agent-access), unlike other operations of the document", op.Method, op.Path)})
		}
	}
}

// extensionProblem says what is wrong with the value of one of specter's
// extensions, or "".
func extensionProblem(name string, n engine.Node) string {
	switch name {
	case "x-agent-access":
		switch strings.ToLower(n.Str()) {
		case "allow", "deny", "approval-required":
			return ""
		}
		return "want allow, deny or approval-required"
	case "x-token-binding":
		switch strings.ToLower(n.Str()) {
		case "dpop", "mtls":
			return ""
		}
		return "want dpop or mtls"
	case "x-token-ttl":
		if v, ok := n.Int(); ok && v > 0 && n.IsScalar() {
			return ""
		}
		return "want a positive number of seconds"
	case "x-required-claims":
		if n.IsMap() && len(n.Value.Content) > 0 {
			return ""
		}
		return "want a non-empty mapping of claim names to values"
	case "x-audience":
		if len(n.Strings()) > 0 {
			return ""
		}
		return "want a string or a list of strings"
	case "x-pkce":
		switch strings.ToUpper(n.Str()) {
		case "S256", "PLAIN":
			return ""
		}
		return "want S256"
	}
	return ""
}

var agentExtensions = []string{"x-agent-access", "x-token-binding", "x-token-ttl", "x-required-claims", "x-audience", "x-pkce"}

func invalidAgentExtensions(c *engine.Context, d *engine.Document) {
	objects := []engine.Node{d.Root, d.Root.Member("info")}
	for _, op := range d.Operations {
		objects = append(objects, op.Node, op.PathItem)
	}
	for _, s := range d.Schemes {
		objects = append(objects, s.Def)
		for _, f := range s.Flows {
			objects = append(objects, f.Node)
		}
	}
	for _, o := range objects {
		if !o.IsMap() {
			continue
		}
		for _, name := range agentExtensions {
			n := o.Member(name)
			if !n.Exists() {
				continue
			}
			if p := extensionProblem(name, n); p != "" {
				c.Report(engine.Finding{At: n, Evidence: name, Message: fmt.Sprintf("%s has a value tools ignore: %s", name, p)})
			}
		}
	}
}
