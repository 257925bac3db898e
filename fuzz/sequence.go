package fuzz

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/sensitive"
)

// Sequence is the evidence of a finding that needed earlier requests: a
// POSIX shell script that replays them in order, then the request that
// shows the problem, and the response excerpt. The passwords of the
// run's accounts are shell variables set at the top (redacted unless
// showSecrets); their tokens are read from the login answers with jq, so
// the script logs in as the run did. Values that earlier answers gave
// (ids, names) are written as the run saw them, and each step says what
// it gave.
func Sequence(steps []*plan.Step, x *execute.Exchange, seed int64, showSecrets bool) string {
	c := x.Case
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d, case %d, phase %s: %s\n", seed, c.Seq, c.Phase, c.Mutation)
	fmt.Fprintf(&b, "# %d requests: run them in order (sh; the logins need jq).\n", len(steps)+1)
	vars := sequenceVars(steps)
	if len(vars.pw) > 0 {
		if showSecrets {
			b.WriteString("# The passwords of the accounts the run signed up:\n")
		} else {
			b.WriteString("# The passwords of the accounts the run signed up are redacted: set them (or rerun with --show-secrets).\n")
		}
		for _, id := range vars.order {
			if pw, ok := vars.pw[id]; ok {
				shown := pw
				if !showSecrets {
					shown = sensitive.Redact(pw)
				}
				fmt.Fprintf(&b, "%s=%s\n", varName("PASSWORD", id), shellQuote(shown))
			}
		}
	}
	for i, st := range steps {
		fmt.Fprintf(&b, "# %d. %s", i+1, st.Title)
		if st.Identity != "" && st.Identity != plan.NoCredentials && !strings.Contains(st.Title, st.Identity) {
			fmt.Fprintf(&b, " as %s", st.Identity)
		}
		fmt.Fprintf(&b, ": answered %d", st.Status)
		var gave []string
		for _, y := range st.Yields {
			if y.Secret {
				continue
			}
			gave = append(gave, fmt.Sprintf("%s=%s (%s)", y.Name, y.Value, y.From))
		}
		if len(gave) > 0 {
			b.WriteString("; gave " + strings.Join(gave, ", "))
		}
		b.WriteByte('\n')
		u, _ := url.Parse(st.URL)
		cmd := vars.passwords(curlCommand(st.Method, u, st.Header, st.Body, showSecrets, vars.header(st.Identity)))
		if tok, ok := tokenYield(st); ok {
			fmt.Fprintf(&b, "%s=$(%s)\n", varName("TOKEN", st.Identity), extract(cmd, tok.From))
			continue
		}
		b.WriteString(cmd + "\n")
	}
	fmt.Fprintf(&b, "# %d. the request that shows the problem", len(steps)+1)
	if who := c.Identity; who != "" && who != plan.NoCredentials {
		fmt.Fprintf(&b, ", as %s", who)
	} else if who == plan.NoCredentials {
		b.WriteString(", without credentials")
	}
	b.WriteByte('\n')
	req := x.Request
	if req == nil {
		b.WriteString("(request not built)\n")
	} else {
		b.WriteString(vars.passwords(curlCommand(req.Method, req.URL, req.Header, x.RequestBody, showSecrets, vars.header(identityOf(c, steps)))) + "\n")
	}
	b.WriteString(responseExcerpt(x, showSecrets))
	return b.String()
}

// identityOf is the identity a case was sent as, as the steps name it:
// "" (the default) is the identity of the first login in the sequence.
func identityOf(c *plan.Case, steps []*plan.Step) string {
	if c.Identity != "" {
		return c.Identity
	}
	for _, st := range steps {
		if _, ok := tokenYield(st); ok {
			return st.Identity
		}
	}
	return ""
}

// shellVars are the secrets of a sequence that the script names.
type shellVars struct {
	order  []string          // identities with a variable, in order
	pw     map[string]string // identity -> password
	tokens map[string]bool   // identities whose token a login step reads
}

func sequenceVars(steps []*plan.Step) shellVars {
	v := shellVars{pw: map[string]string{}, tokens: map[string]bool{}}
	for _, st := range steps {
		for _, y := range st.Yields {
			if !y.Secret {
				continue
			}
			id := st.Identity
			switch y.Name {
			case "password":
				if _, ok := v.pw[id]; !ok {
					v.pw[id] = y.Value
					v.order = append(v.order, id)
				}
			case "token":
				v.tokens[id] = true
			}
		}
	}
	return v
}

// passwords writes the accounts' passwords in a command as their
// variables. The command's body is single-quoted (a password never holds a
// quote: the run chose it): close the quote, splice the variable, reopen.
func (v shellVars) passwords(cmd string) string {
	for _, id := range v.order {
		pw := v.pw[id]
		if pw == "" || strings.Contains(pw, "'") {
			continue
		}
		word := `'"$` + varName("PASSWORD", id) + `"'`
		cmd = strings.ReplaceAll(cmd, pw, word)
		// A form body carries it percent-encoded ("x9%21"); the run's
		// passwords hold no character a form must encode but "!", which
		// servers take raw, so the variable goes in as it is.
		if enc := url.QueryEscape(pw); enc != pw {
			cmd = strings.ReplaceAll(cmd, enc, word)
		}
	}
	return cmd
}

// header renders the credential headers of a request sent as identity
// with the identity's token variable, when a login step reads it.
func (v shellVars) header(identity string) func(name, value string) (string, bool) {
	if !v.tokens[identity] {
		return nil
	}
	tok := "$" + varName("TOKEN", identity)
	return func(name, value string) (string, bool) {
		switch {
		case strings.EqualFold(name, "Cookie"):
			cname, _, _ := strings.Cut(value, "=")
			return shellQuote(name+": "+cname+"=") + `"` + tok + `"`, true
		case strings.EqualFold(name, "Authorization"):
			scheme, _, ok := strings.Cut(value, " ")
			if !ok {
				return shellQuote(name+": ") + `"` + tok + `"`, true
			}
			return shellQuote(name+": "+scheme+" ") + `"` + tok + `"`, true
		}
		return shellQuote(name+": ") + `"` + tok + `"`, true
	}
}

// tokenYield is the token a login step gave.
func tokenYield(st *plan.Step) (plan.Yield, bool) {
	for _, y := range st.Yields {
		if y.Secret && y.Name == "token" {
			return y, true
		}
	}
	return plan.Yield{}, false
}

var jqIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// extract is a command that prints the token a login answers with: jq at
// the JSON pointer, or the cookie from the response headers.
func extract(cmd, from string) string {
	if name, ok := strings.CutPrefix(from, "cookie "); ok {
		return cmd + " -o /dev/null -D - | sed -n 's/^[Ss]et-[Cc]ookie: " + name + `=\([^;]*\).*/\1/p'`
	}
	// An index or a quoted name follows the previous part without a dot:
	// jq 1.6 (Debian 12, Ubuntu 22.04) refuses ".data.[0]".
	var path strings.Builder
	bracket := func(s string) {
		if path.Len() == 0 {
			path.WriteByte('.')
		}
		path.WriteString("[" + s + "]")
	}
	for _, part := range strings.Split(strings.TrimPrefix(from, "/"), "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		switch {
		case part == "":
		case isDigits(part):
			bracket(part)
		case jqIdent.MatchString(part):
			path.WriteString("." + part)
		default:
			bracket(`"` + strings.ReplaceAll(part, `"`, `\"`) + `"`)
		}
	}
	p := path.String()
	if p == "" {
		p = "."
	}
	return cmd + " | jq -r " + shellQuote(p)
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// varName is a shell variable for one identity's secret: TOKEN_SPECTER_A.
func varName(kind, identity string) string {
	var b strings.Builder
	b.WriteString(kind)
	b.WriteByte('_')
	if identity == "" {
		identity = "default"
	}
	for _, r := range strings.ToUpper(identity) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
