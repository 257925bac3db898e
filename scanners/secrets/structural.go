package secrets

import (
	"context"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/postman"
	"github.com/specterhq/specter/surface/sourcemap"
)

// structural runs the structure-aware checks that fit the file's format.
func (s *Scanner) structural(st *fileState) []candidate {
	w := &walker{s: s, st: st}
	f := st.file
	switch {
	case f.Tree == nil:
		w.plainText()
		return w.out
	case f.Format.IsPostman():
		w.postmanCollection(f.Tree.Root, "")
	case f.Format == surface.FormatPostmanEnvironment:
		w.environment(f.Tree.Root)
	case f.Format.IsMCP():
		w.mcpServers()
	case f.Format.IsOpenAPI(), f.Format == surface.FormatOther:
		w.openAPI()
	}
	w.userinfoInTree()
	return w.out
}

type walker struct {
	s   *Scanner
	st  *fileState
	out []candidate
}

func isString(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && (n.Tag == "!!str" || n.Tag == "")
}

// report records a structural finding for a secret held by node n at ptr.
func (w *walker) report(rule, message, secret string, n *yaml.Node, ptr string) {
	c := candidate{secret: secret}
	c.RuleID = rule
	c.Severity = rules.SeverityHigh
	c.Message = message
	c.Location = rules.Location{File: w.st.file.Path, Line: n.Line, Column: n.Column, Pointer: ptr}
	w.locateSecret(&c.Location, secret, n.Line, n.Column)
	c.Operation = operationAt(w.st.file, ptr)
	w.out = append(w.out, c)
}

// locateSecret narrows a location to the secret's characters when they
// appear literally on the node's line at or after its column.
func (w *walker) locateSecret(loc *rules.Location, secret string, line, col int) {
	if line < 1 || line > len(w.st.lines) || secret == "" {
		return
	}
	start := w.st.lines[line-1]
	end := w.st.lines.end(line-1, len(w.st.text))
	lineText := w.st.text[start:end]
	from := 0
	for i := range lineText {
		if col <= 1 {
			from = i
			break
		}
		col--
	}
	if i := strings.Index(lineText[from:], secret); i >= 0 {
		w.s.setSpan(w.st, loc, start+from+i, start+from+i+len(secret))
	}
}

// --- Postman collections ---

func (w *walker) postmanCollection(n *yaml.Node, ptr string) {
	w.postmanAuth(n, ptr)
	w.postmanVariables(n, ptr)
	if _, items := sourcemap.Member(n, "item"); items != nil && items.Kind == yaml.SequenceNode {
		for i, it := range items.Content {
			w.postmanCollection(it, ptr+"/item/"+strconv.Itoa(i))
		}
	}
	_, req := sourcemap.Member(n, "request")
	if req == nil || req.Kind != yaml.MappingNode {
		if isString(req) {
			w.rawURL(req, ptr+"/request")
		}
		return
	}
	rp := ptr + "/request"
	w.postmanAuth(req, rp)
	w.postmanHeaders(req, rp)
	_, u := sourcemap.Member(req, "url")
	switch {
	case isString(u):
		w.rawURL(u, rp+"/url")
	case u != nil && u.Kind == yaml.MappingNode:
		if _, q := sourcemap.Member(u, "query"); q != nil && q.Kind == yaml.SequenceNode {
			for i, p := range q.Content {
				_, k := sourcemap.Member(p, "key")
				_, v := sourcemap.Member(p, "value")
				if isString(k) && isString(v) && sensitive.IsCredentialQueryParam(k.Value) && !sensitive.IsPlaceholder(v.Value) {
					w.report(RuleSecretsQueryParameter, "Query parameter "+strconv.Quote(k.Value)+" carries a hard-coded credential", v.Value, v, rp+"/url/query/"+strconv.Itoa(i)+"/value")
				}
			}
		} else if _, raw := sourcemap.Member(u, "raw"); isString(raw) {
			w.rawURL(raw, rp+"/url/raw")
		}
	}
}

// postmanAuth checks an auth block: v2.1 params are [{key, value}], v2.0
// params are a map.
func (w *walker) postmanAuth(holder *yaml.Node, ptr string) {
	_, auth := sourcemap.Member(holder, "auth")
	if auth == nil || auth.Kind != yaml.MappingNode {
		return
	}
	_, typ := sourcemap.Member(auth, "type")
	if !isString(typ) {
		return
	}
	t := typ.Value
	_, params := sourcemap.Member(auth, t)
	pp := ptr + "/auth/" + sourcemap.EscapeToken(t)
	check := func(key string, v *yaml.Node, vptr string) {
		if isString(v) && sensitive.IsAuthSecretParam(t, key) && !sensitive.IsPlaceholder(v.Value) {
			w.report(RuleSecretsPostmanAuth, "Postman "+t+" auth has a hard-coded "+key, v.Value, v, vptr)
		}
	}
	switch {
	case params == nil:
	case params.Kind == yaml.SequenceNode:
		for i, p := range params.Content {
			_, k := sourcemap.Member(p, "key")
			_, v := sourcemap.Member(p, "value")
			if isString(k) {
				check(k.Value, v, pp+"/"+strconv.Itoa(i)+"/value")
			}
		}
	case params.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(params.Content); i += 2 {
			k := params.Content[i].Value
			check(k, params.Content[i+1], pp+"/"+sourcemap.EscapeToken(k))
		}
	}
}

func (w *walker) postmanVariables(holder *yaml.Node, ptr string) {
	_, vars := sourcemap.Member(holder, "variable")
	if vars == nil || vars.Kind != yaml.SequenceNode {
		return
	}
	for i, v := range vars.Content {
		_, k := sourcemap.Member(v, "key")
		if !isString(k) {
			_, k = sourcemap.Member(v, "id")
		}
		_, val := sourcemap.Member(v, "value")
		_, typ := sourcemap.Member(v, "type")
		secretType := isString(typ) && typ.Value == "secret"
		if isString(k) && isString(val) && (secretType || sensitive.IsCredentialName(k.Value)) && !sensitive.IsPlaceholder(val.Value) {
			w.report(RuleSecretsPostmanVariable, "Variable "+strconv.Quote(k.Value)+" holds a hard-coded credential", val.Value, val, ptr+"/variable/"+strconv.Itoa(i)+"/value")
		}
	}
}

func (w *walker) postmanHeaders(req *yaml.Node, rp string) {
	_, hs := sourcemap.Member(req, "header")
	if hs == nil || hs.Kind != yaml.SequenceNode {
		return
	}
	for i, h := range hs.Content {
		_, k := sourcemap.Member(h, "key")
		_, v := sourcemap.Member(h, "value")
		if !isString(k) || !isString(v) || !sensitive.IsCredentialHeader(k.Value) {
			continue
		}
		if secret, ok := headerSecret(k.Value, v.Value); ok {
			w.report(RuleSecretsHeader, "Header "+strconv.Quote(k.Value)+" carries a hard-coded credential", secret, v, rp+"/header/"+strconv.Itoa(i)+"/value")
		}
	}
}

var signatureSchemes = map[string]bool{"digest": true, "hawk": true, "oauth": true, "aws4-hmac-sha256": true}

// headerSecret extracts the credential from a header value: the part after
// an auth scheme ("Bearer x"), the password of Basic credentials, or the
// first non-placeholder cookie value.
func headerSecret(name, value string) (string, bool) {
	v := strings.TrimSpace(value)
	if sensitive.NormalizeName(name) == "cookie" {
		for _, part := range strings.Split(v, ";") {
			_, cv, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && !sensitive.IsPlaceholder(cv) {
				return cv, true
			}
		}
		return "", false
	}
	if scheme, rest, ok := strings.Cut(v, " "); ok && len(scheme) < 20 && !strings.ContainsAny(scheme, "{}<>$") {
		rest = strings.TrimSpace(rest)
		if signatureSchemes[strings.ToLower(scheme)] {
			// A per-request signature (Digest response, Hawk or OAuth 1
			// MAC, AWS SigV4) recorded in the collection, not a reusable
			// credential.
			return "", false
		}
		if strings.EqualFold(scheme, "basic") {
			if dec, err := base64.StdEncoding.DecodeString(rest); err == nil {
				if _, pw, ok := strings.Cut(string(dec), ":"); ok && sensitive.IsPlaceholder(pw) {
					return "", false
				}
			}
		}
		v = rest
	}
	if sensitive.IsPlaceholder(v) {
		return "", false
	}
	return v, true
}

// rawURL checks the query string of a URL written as a string.
func (w *walker) rawURL(n *yaml.Node, ptr string) {
	_, query, ok := strings.Cut(n.Value, "?")
	if !ok {
		return
	}
	query, _, _ = strings.Cut(query, "#")
	for _, pair := range strings.Split(query, "&") {
		k, v, ok := strings.Cut(pair, "=")
		if ok && sensitive.IsCredentialQueryParam(k) && !sensitive.IsPlaceholder(v) {
			w.report(RuleSecretsQueryParameter, "Query parameter "+strconv.Quote(k)+" carries a hard-coded credential", v, n, ptr)
		}
	}
}

// --- Postman environments ---

func (w *walker) environment(root *yaml.Node) {
	_, vals := sourcemap.Member(root, "values")
	if vals == nil || vals.Kind != yaml.SequenceNode {
		return
	}
	for i, v := range vals.Content {
		_, k := sourcemap.Member(v, "key")
		_, val := sourcemap.Member(v, "value")
		_, typ := sourcemap.Member(v, "type")
		secretType := isString(typ) && typ.Value == "secret"
		if isString(k) && isString(val) && (secretType || sensitive.IsCredentialName(k.Value)) && !sensitive.IsPlaceholder(val.Value) {
			msg := "Environment variable " + strconv.Quote(k.Value) + " holds a credential"
			if secretType {
				msg = "Secret environment variable " + strconv.Quote(k.Value) + " is exported with its value"
			}
			w.report(RuleSecretsEnvironment, msg, val.Value, val, "/values/"+strconv.Itoa(i)+"/value")
		}
	}
}

// --- OpenAPI ---

var exampleKeys = map[string]bool{"example": true, "examples": true, "default": true, "x-example": true}

// openAPI checks examples and defaults of parameters, headers and
// properties named like credentials, credential-named members of example
// payloads, and query strings of server URLs.
func (w *walker) openAPI() {
	reported := map[string]bool{}
	flag := func(name, val string, n *yaml.Node, ptr string) {
		// Prose ("secret for book 7") is not a credential.
		if reported[ptr] || sensitive.IsPlaceholder(val) || strings.ContainsAny(strings.TrimSpace(val), " \t\n") {
			return
		}
		reported[ptr] = true
		w.report(RuleSecretsSpecExample, "Example or default of "+strconv.Quote(name)+" looks like a real credential", val, n, ptr)
	}
	// examplesOf checks the example-like children of a named holder.
	var examplesOf func(name string, holder *yaml.Node, ptr string)
	examplesOf = func(name string, holder *yaml.Node, ptr string) {
		for i := 0; i+1 < len(holder.Content); i += 2 {
			k, v := holder.Content[i].Value, holder.Content[i+1]
			vp := ptr + "/" + sourcemap.EscapeToken(k)
			switch {
			case k == "schema" && v.Kind == yaml.MappingNode:
				examplesOf(name, v, vp)
			case !exampleKeys[k]:
			case isString(v):
				flag(name, v.Value, v, vp)
			case k == "examples" && v.Kind == yaml.SequenceNode:
				for j, e := range v.Content {
					if isString(e) {
						flag(name, e.Value, e, vp+"/"+strconv.Itoa(j))
					}
				}
			case k == "examples" && v.Kind == yaml.MappingNode:
				for j := 0; j+1 < len(v.Content); j += 2 {
					if _, val := sourcemap.Member(v.Content[j+1], "value"); isString(val) {
						flag(name, val.Value, val, vp+"/"+sourcemap.EscapeToken(v.Content[j].Value)+"/value")
					}
				}
			}
		}
	}
	w.st.file.Tree.Walk(func(ptr string, key, n *yaml.Node) bool {
		if n.Kind != yaml.MappingNode {
			return true
		}
		parentKey := ""
		if key != nil {
			parentKey = key.Value
		}
		// A parameter or header object: {name, in} or a member of headers.
		_, name := sourcemap.Member(n, "name")
		_, in := sourcemap.Member(n, "in")
		if isString(name) && isString(in) && sensitive.IsCredentialName(name.Value) {
			examplesOf(name.Value, n, ptr)
		}
		if parentKey != "" && sensitive.IsCredentialName(parentKey) && strings.Contains(ptr, "/properties/") || strings.Contains(ptr, "/headers/") && key != nil && sensitive.IsCredentialName(parentKey) {
			if strings.HasSuffix(ptr, "/properties/"+sourcemap.EscapeToken(parentKey)) || strings.HasSuffix(ptr, "/headers/"+sourcemap.EscapeToken(parentKey)) {
				examplesOf(parentKey, n, ptr)
			}
		}
		// Example payloads: credential-named members with literal values.
		if exampleKeys[parentKey] || strings.Contains(ptr, "/example/") || strings.Contains(ptr, "/x-example/") || strings.Contains(ptr, "/value/") && strings.Contains(ptr, "/examples/") {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i].Value, n.Content[i+1]
				if isString(v) && sensitive.IsCredentialName(k) {
					flag(k, v.Value, v, ptr+"/"+sourcemap.EscapeToken(k))
				}
			}
		}
		// Server URLs with credentials in the query.
		if strings.HasSuffix(ptr, "/servers/"+lastToken(ptr)) || strings.HasPrefix(ptr, "/servers/") {
			if _, u := sourcemap.Member(n, "url"); isString(u) {
				w.rawURL(u, ptr+"/url")
			}
		}
		return true
	})
}

func lastToken(ptr string) string {
	return ptr[strings.LastIndexByte(ptr, '/')+1:]
}

// --- URLs with user:password@ ---

var userinfoURL = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://([^\s:/?#@"'<>{}]+):([^\s/?#@"'<>]+)@[^\s/?#@"'<>]+`)

func (w *walker) userinfoInTree() {
	w.st.file.Tree.Walk(func(ptr string, key, n *yaml.Node) bool {
		if isString(n) && strings.Contains(n.Value, "://") {
			for _, m := range userinfoURL.FindAllStringSubmatch(n.Value, -1) {
				if !sensitive.IsPlaceholder(m[2]) {
					w.report(RuleSecretsURLUserinfo, "URL has a hard-coded password for user "+strconv.Quote(m[1]), m[2], n, ptr)
				}
			}
		}
		return true
	})
}

// --- plain text (.env, properties, scripts) ---

var assignment = regexp.MustCompile(`^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*["']?([^\s"'(){}\[\];,]+)["']?\s*$`)

// plainText checks files without a tree: NAME=value lines whose name is a
// credential, and URLs with a password.
func (w *walker) plainText() {
	if len(w.st.text) > 1<<20 {
		return
	}
	li := w.st.lines
	for l := range li {
		line := strings.TrimRight(w.st.text[li[l]:li.end(l, len(w.st.text))], "\r\n")
		if m := assignment.FindStringSubmatch(line); m != nil && sensitive.IsCredentialName(m[1]) && !sensitive.IsPlaceholder(m[2]) {
			w.reportText(RuleSecretsHardcodedCredential, strconv.Quote(m[1])+" is assigned a hard-coded credential", m[2], l, line)
		}
		if strings.Contains(line, "://") {
			for _, m := range userinfoURL.FindAllStringSubmatch(line, -1) {
				if !sensitive.IsPlaceholder(m[2]) {
					w.reportText(RuleSecretsURLUserinfo, "URL has a hard-coded password for user "+strconv.Quote(m[1]), m[2], l, line)
				}
			}
		}
	}
}

func (w *walker) reportText(rule, message, secret string, l int, line string) {
	c := candidate{secret: secret}
	c.RuleID, c.Severity, c.Message = rule, rules.SeverityHigh, message
	c.Location = rules.Location{File: w.st.file.Path, Line: l + 1, Column: 1}
	if i := strings.Index(line, secret); i >= 0 {
		w.s.setSpan(w.st, &c.Location, w.st.lines[l]+i, w.st.lines[l]+i+len(secret))
	}
	w.out = append(w.out, c)
}

// --- operations ---

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

// operationAt derives the operation a pointer lies in from the tree alone:
// /paths/{path}/{method}/... in OpenAPI, the innermost item with a request
// in a Postman collection. It returns nil elsewhere.
func operationAt(f *surface.File, ptr string) *rules.Operation {
	if f.Tree == nil || ptr == "" {
		return nil
	}
	toks, err := sourcemap.SplitPointer(ptr)
	if err != nil {
		return nil
	}
	switch {
	case f.Format.IsOpenAPI():
		if len(toks) >= 3 && toks[0] == "paths" && httpMethods[toks[2]] {
			op := &rules.Operation{Method: strings.ToUpper(toks[2]), Path: toks[1]}
			if id, _, ok := f.Tree.Lookup(sourcemap.JoinPointer("", toks[0], toks[1], toks[2], "operationId")); ok && isString(id) {
				op.OperationID = id.Value
			}
			return op
		}
	case f.Format.IsPostman():
		return postman.OperationAt(f, ptr)
	}
	return nil
}

// LooksLikeCredential reports whether a named value (an example, default,
// variable or header) is a hard-coded credential, and under which rule:
// a provider-specific gitleaks rule when one matches the value, else
// secrets/hardcoded-credential when the name is credential-like and the
// value is not a placeholder, else gitleaks' generic rule if it matches. The lint scanner uses it for examples.
func (s *Scanner) LooksLikeCredential(name, value string) (ruleID string, ok bool) {
	if sensitive.IsPlaceholder(value) {
		return "", false
	}
	line := name + ": " + strconv.Quote(value) + "\n"
	generic := ""
	if found, err := s.engine.detect(context.Background(), fragment{text: line, startLine: 1}); err == nil {
		for _, g := range found {
			if g.Secret == "" || !strings.Contains(value, g.Secret) || sensitive.IsPlaceholder(g.Secret) {
				continue
			}
			if strings.HasPrefix(g.RuleID, "generic-") {
				generic = GitleaksRulePrefix + g.RuleID
				continue
			}
			return GitleaksRulePrefix + g.RuleID, true
		}
	}
	if sensitive.IsCredentialName(name) {
		return RuleSecretsHardcodedCredential, true
	}
	if generic != "" {
		return generic, true
	}
	return "", false
}
