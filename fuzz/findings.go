package fuzz

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
)

// findingSet deduplicates verdicts per operation and rule (and key): the
// verdict on the case with the smallest sequence number is kept, so a
// report does not depend on which worker ran first.
type findingSet struct {
	catalog     *rules.Catalog
	seed        int64
	showSecrets bool
	// steps are the earlier exchanges a case's reproducer shows (the
	// identity's sign-up and login, what created the objects it names);
	// nil shows the request alone.
	steps func(*plan.Case) []*plan.Step
	// secrets are credentials the run was given (identities' tokens and
	// passwords, a Postman environment's secret and credential-named
	// values): never shown in evidence unless showSecrets, wherever they
	// appear (a login body, a URL, an answer).
	secrets func() []string
	mu      sync.Mutex
	byKey   map[string]*kept
}

type kept struct {
	finding rules.Finding
	seq     int
	count   int
}

func newFindingSet(c *rules.Catalog, seed int64, showSecrets bool) *findingSet {
	return &findingSet{catalog: c, seed: seed, showSecrets: showSecrets, byKey: map[string]*kept{}}
}

func (s *findingSet) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byKey)
}

// add records a verdict; it reports whether the verdict was a new
// finding (not one more case of a known one).
func (s *findingSet) add(v oracle.Verdict) bool {
	x := v.Exchange
	if x == nil || x.Case == nil || x.Case.Target == nil {
		return false
	}
	t := x.Case.Target
	if v.At != nil {
		t = v.At
	}
	key := v.Rule + "\x00" + t.Op.Location.File + "\x00" + t.Op.Location.Pointer + "\x00" + t.Key() + "\x00" + v.Key
	s.mu.Lock()
	k := s.byKey[key]
	if k != nil {
		k.count++
		if x.Case.Seq >= k.seq {
			s.mu.Unlock()
			return false
		}
	}
	s.mu.Unlock()
	f := s.build(v)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch k2 := s.byKey[key]; {
	case k2 == nil:
		s.byKey[key] = &kept{finding: f, seq: x.Case.Seq, count: 1}
		return true
	case k == nil:
		// Another worker recorded this problem while we built ours.
		k2.count++
		if x.Case.Seq < k2.seq {
			k2.finding, k2.seq = f, x.Case.Seq
		}
	case x.Case.Seq < k2.seq:
		k2.finding, k2.seq = f, x.Case.Seq
	}
	return false
}

func (s *findingSet) build(v oracle.Verdict) rules.Finding {
	x := v.Exchange
	t := x.Case.Target
	if v.At != nil {
		t = v.At
	}
	sev := rules.SeverityMedium
	if r := s.catalog.Lookup(v.Rule); r != nil {
		sev = r.Severity
	}
	f := rules.Finding{
		RuleID:    v.Rule,
		Severity:  sev,
		Message:   v.Message,
		Location:  t.Op.Location,
		Operation: t.Op.Ref(),
		Evidence:  s.evidence(x),
		Key:       t.Key() + "\x00" + v.Key,
	}
	f.SetFingerprint()
	return f
}

// list returns the findings sorted by location and rule, each message
// saying how many exchanges showed the problem.
func (s *findingSet) list() []rules.Finding {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]rules.Finding, 0, len(s.byKey))
	var given []string
	if s.secrets != nil && !s.showSecrets {
		// Values found after a finding was built (Verdict.Mask) are
		// masked in it too.
		given = s.secrets()
	}
	for _, k := range s.byKey {
		f := k.finding
		if len(given) > 0 {
			f.Evidence = maskSecrets(f.Evidence, given)
		}
		if k.count > 1 {
			f.Message += fmt.Sprintf(" (%d requests showed it)", k.count)
		}
		out = append(out, f)
	}
	// The map has no order; a run reports in the one order all the same.
	rules.SortFindings(out)
	return out
}

// Limits of the excerpts in a reproduction.
const (
	maxCurlBody     = 2048
	maxResponseBody = 512
)

// evidence is the reproducer of an exchange: the request alone, or the
// sequence of requests that led to it.
func (s *findingSet) evidence(x *execute.Exchange) string {
	var ev string
	if s.steps != nil {
		if steps := s.steps(x.Case); len(steps) > 0 {
			ev = Sequence(steps, x, s.seed, s.showSecrets)
		}
	}
	if ev == "" {
		ev = Reproduction(x, s.seed, s.showSecrets)
	}
	if s.secrets != nil && !s.showSecrets {
		ev = maskSecrets(ev, s.secrets())
	}
	return ev
}

// minMaskedSecret is the shortest given secret masked in evidence: a
// shorter one ("1", "abc") would redact ordinary text.
const minMaskedSecret = 6

// maskSecrets redacts every occurrence of the given secrets, longest
// first (so one that contains another is masked whole).
func maskSecrets(text string, given []string) string {
	list := append([]string(nil), given...)
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, sec := range list {
		if len(sec) < minMaskedSecret {
			continue
		}
		// As written, and as a form body or a query string carries it.
		for _, form := range []string{sec, url.QueryEscape(sec)} {
			if strings.Contains(text, form) {
				text = strings.ReplaceAll(text, form, sensitive.Redact(sec))
			}
			text = maskCutSecret(text, form, sensitive.Redact(sec))
		}
	}
	return text
}

// cutMarkers follow an excerpt where it was cut: a response excerpt's
// ellipsis, a curl body's closing quote and comment.
var cutMarkers = []string{"…", "' # body cut"}

// maskCutSecret masks the first part of a secret that an excerpt's cut ran
// through (the whole secret is no longer there to be found).
func maskCutSecret(text, sec, masked string) string {
	for _, marker := range cutMarkers {
		if !strings.Contains(text, marker) {
			continue
		}
		for k := len(sec) - 1; k >= minMaskedSecret; k-- {
			if part := sec[:k] + marker; strings.Contains(text, part) {
				text = strings.ReplaceAll(text, part, masked+marker)
			}
		}
	}
	return text
}

// Reproduction is a finding's evidence: the seed and case, a curl command
// that replays the request (credentials redacted unless showSecrets), and
// an excerpt of the response.
func Reproduction(x *execute.Exchange, seed int64, showSecrets bool) string {
	c := x.Case
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d, case %d, phase %s: %s\n", seed, c.Seq, c.Phase, c.Mutation)
	b.WriteString(Curl(x, showSecrets))
	b.WriteByte('\n')
	b.WriteString(responseExcerpt(x, showSecrets))
	return b.String()
}

// credentialHeader reports whether a header carries credentials.
func credentialHeader(name string) bool {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization", "cookie", "set-cookie":
		return true
	}
	return sensitive.IsCredentialName(name)
}

func redactValue(v string, show bool) string {
	if show || v == "" {
		return v
	}
	// Keep the scheme word of "Bearer xyz" readable.
	if scheme, rest, ok := strings.Cut(v, " "); ok && len(scheme) < 10 && rest != "" {
		return scheme + " " + sensitive.Redact(rest)
	}
	return sensitive.Redact(v)
}

// Curl renders the request as a curl command line.
func Curl(x *execute.Exchange, showSecrets bool) string {
	req := x.Request
	if req == nil {
		return "(request not built)"
	}
	return curlCommand(req.Method, req.URL, req.Header, x.RequestBody, showSecrets, nil)
}

// curlCommand renders a request as a curl command line. Credentials are
// redacted unless showSecrets; sub may render a credential header as a
// shell variable instead (it returns the shell word and true).
func curlCommand(method string, reqURL *url.URL, header http.Header, body []byte, showSecrets bool, sub func(name, value string) (string, bool)) string {
	if reqURL == nil {
		return "(request not built)"
	}
	u := *reqURL
	q := u.Query()
	changed := false
	for k, vs := range q {
		if sensitive.IsCredentialName(k) && !showSecrets {
			for i := range vs {
				vs[i] = redactValue(vs[i], false)
			}
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	var b strings.Builder
	b.WriteString("curl -sS")
	if method != http.MethodGet {
		b.WriteString(" -X " + shellQuote(method))
	}
	b.WriteString(" " + shellQuote(u.String()))
	names := make([]string, 0, len(header))
	for k := range header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k == "User-Agent" || k == "X-Specter-Seed" {
			continue
		}
		for _, v := range header[k] {
			if credentialHeader(k) {
				if sub != nil {
					if word, ok := sub(k, v); ok {
						b.WriteString(" -H " + word)
						continue
					}
				}
				v = redactValue(v, showSecrets)
			}
			b.WriteString(" -H " + shellQuote(k+": "+v))
		}
	}
	if len(body) > 0 {
		shown := body
		if len(shown) > maxCurlBody {
			shown = shown[:maxCurlBody]
		}
		b.WriteString(" --data-raw " + shellQuote(printable(shown)))
		if len(body) > maxCurlBody {
			fmt.Fprintf(&b, " # body cut at %d of %d bytes", maxCurlBody, len(body))
		}
	}
	return b.String()
}

// shellQuote quotes for POSIX shells.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// printable replaces invalid UTF-8 so excerpts stay text.
func printable(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func responseExcerpt(x *execute.Exchange, showSecrets bool) string {
	if x.Status == 0 {
		return fmt.Sprintf("no answer after %s: %v", x.Duration.Round(1e6), x.Err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "response: %d %s", x.Status, http.StatusText(x.Status))
	if ct := x.Header.Get("Content-Type"); ct != "" {
		b.WriteString(", " + ct)
	}
	fmt.Fprintf(&b, ", %d bytes", len(x.Body))
	if x.Truncated {
		b.WriteString(" (cut at the read limit)")
	}
	if len(x.Body) > 0 {
		// Redacted before the cut: a token the cut runs through would
		// show its first part.
		text := printable(x.Body)
		if !showSecrets {
			text = redactCredentialLike(text)
		}
		if len(text) > maxResponseBody {
			text = strings.ToValidUTF8(text[:maxResponseBody], "")
		}
		b.WriteString(": " + text)
		if len(x.Body) > maxResponseBody {
			b.WriteString("…")
		}
	}
	return b.String()
}

// redactCredentialLike hides values of credential-named JSON members and
// query-like pairs in a response excerpt ("token":"abc" -> "token":"abc…").
func redactCredentialLike(s string) string {
	var b strings.Builder
	rest := s
	for {
		i := strings.IndexByte(rest, '"')
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		j := strings.IndexByte(rest[i+1:], '"')
		if j < 0 {
			b.WriteString(rest)
			return b.String()
		}
		name := rest[i+1 : i+1+j]
		b.WriteString(rest[:i+2+j])
		rest = rest[i+2+j:]
		if !sensitive.IsCredentialName(name) {
			continue
		}
		trimmed := strings.TrimLeft(rest, " :")
		if !strings.HasPrefix(rest, ":") && !strings.HasPrefix(strings.TrimLeft(rest, " "), ":") {
			continue
		}
		if !strings.HasPrefix(trimmed, `"`) {
			continue
		}
		end := strings.IndexByte(trimmed[1:], '"')
		if end < 0 {
			continue
		}
		value := trimmed[1 : 1+end]
		b.WriteString(rest[:len(rest)-len(trimmed)])
		b.WriteString(`"` + sensitive.Redact(value) + `"`)
		rest = trimmed[2+end:]
	}
}

// givenSecrets are the credentials the run was given: its identities'
// (tokens, passwords of login identities) and the Postman secrets; and
// the ones it chose or found (addRunSecret).
func (e *Engine) givenSecrets() []string {
	var out []string
	if e.ids != nil {
		out = append(out, e.ids.Secrets()...)
	}
	if ps, ok := e.postmanSecrets.Load().([]string); ok {
		out = append(out, ps...)
	}
	e.runSecretsMu.Lock()
	out = append(out, e.runSecrets...)
	e.runSecretsMu.Unlock()
	return out
}

// addRunSecret records a password the run chose for an account of its
// own, or a value an oracle found that no output may show.
func (e *Engine) addRunSecret(s string) {
	e.runSecretsMu.Lock()
	defer e.runSecretsMu.Unlock()
	if !slices.Contains(e.runSecrets, s) {
		e.runSecrets = append(e.runSecrets, s)
	}
}

// postmanSecrets are the values of the Postman variables, in
// environments and collections, that are secrets: of type secret or
// with a credential name (password, token, api_key).
func postmanSecrets(s *surface.Surface) []string {
	if s == nil {
		return nil
	}
	var out []string
	add := func(vs []surface.Variable) {
		for _, v := range vs {
			if v.Value != "" && !strings.Contains(v.Value, "{{") && (v.Type == "secret" || sensitive.IsCredentialName(v.Key)) {
				out = append(out, v.Value)
			}
		}
	}
	for _, env := range s.Environments {
		add(env.Variables)
	}
	for _, api := range s.APIs {
		add(api.Variables)
	}
	return out
}
