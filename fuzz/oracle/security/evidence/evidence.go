// Package evidence recognises, in HTTP responses, what the security
// oracles report: error leaks (stack traces, SQL errors, framework error
// pages and version banners, server file-system paths) and injection
// evidence (file content returned for a traversal payload, a payload
// reflected unescaped into HTML). It is pure text matching: no requests,
// no state. Every detector reads at most MaxScanBytes of a body.
package evidence

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
)

// MaxScanBytes is how much of a body the detectors read.
const MaxScanBytes = 256 << 10

// maxExcerpt bounds the text a Match carries.
const maxExcerpt = 160

// Kind is the class of a match.
type Kind string

// Kinds of evidence.
const (
	StackTrace      Kind = "stack-trace"
	SQLError        Kind = "sql-error"
	FrameworkBanner Kind = "framework-banner"
	VersionHeader   Kind = "version-header"
	FilePath        Kind = "file-path"
	FileContent     Kind = "file-content"
	Reflection      Kind = "reflected-payload"
)

// Match is one piece of evidence.
type Match struct {
	Kind Kind
	// Detail names the language, database, framework or file:
	// "java", "postgresql", "spring-boot", "/etc/passwd".
	Detail string
	// Excerpt is the matched text, at most maxExcerpt bytes, on one line.
	Excerpt string
}

// signature is one regular expression, gated by cheap substrings: the
// regex only runs when one of the keywords occurs in the body.
type signature struct {
	kind     Kind
	detail   string
	keywords []string
	re       *regexp.Regexp
	ids      []int // the keywords' ids in the keyword index, set when it is built
}

func sig(kind Kind, detail string, keywords []string, pattern string) signature {
	return signature{kind: kind, detail: detail, keywords: keywords, re: regexp.MustCompile(pattern)}
}

// stackTraces are frames and headers of stack traces. Each needs a
// structure (a frame with file and line) rather than a lone word such as
// "Exception", which legitimate error messages contain.
var stackTraces = []signature{
	sig(StackTrace, "java", []string{".java:"}, `\bat [\w$]+(?:\.[\w$<>]+)+\([\w$]+\.java:\d+\)`),
	sig(StackTrace, "java", []string{"Exception in thread"}, `Exception in thread "[^"]{1,80}" [\w.$]+(?:Exception|Error)`),
	sig(StackTrace, "python", []string{"Traceback"}, `Traceback \(most recent call last\):`),
	sig(StackTrace, "python", []string{"File \""}, `File "[^"\n]{1,200}\.py", line \d+, in \S+`),
	sig(StackTrace, "go", []string{"goroutine "}, `goroutine \d+ \[[a-z ]+\]:`),
	sig(StackTrace, "go", []string{".go:"}, `(?m)^\s*/[\w./@-]+\.go:\d+ \+0x[0-9a-f]+`),
	sig(StackTrace, "node", []string{" at "}, `\bat (?:[\w$.<>\[\] ]+ )?\((?:/|[A-Za-z]:\\|node:|file://)[^()\s]*:\d+:\d+\)`),
	sig(StackTrace, "dotnet", []string{":line "}, `\bat [\w.<>`+"`"+`$]+\([^()]*\) in [^\n]{1,200}\.(?:cs|vb|fs):line \d+`),
	sig(StackTrace, "dotnet", []string{"--- End of"}, `--- End of (?:inner exception )?stack trace`),
	sig(StackTrace, "php", []string{".php"}, `(?:Fatal error|Parse error|Warning|Notice|Uncaught [\w\\]+)(?:</b>)?: .{1,300}? in (?:<b>)?[^\s<]+\.php(?:</b>)? on line (?:<b>)?\d+`),
	sig(StackTrace, "php", []string{".php("}, `#\d+ [^\s(]+\.php\(\d+\): `),
	sig(StackTrace, "ruby", []string{".rb:"}, `[\w./-]+\.rb:\d+:in [`+"`"+`'][^'\n]{1,120}'`),
}

// sqlErrors are database error messages, after sqlmap's error list, kept
// to messages a client can only see when a query failed.
var sqlErrors = []signature{
	sig(SQLError, "mysql", []string{"SQL syntax", "MySQL", "MariaDB", "mysql"}, `(?i)(?:You have an error in your SQL syntax|check the manual that (?:corresponds|fits) to your (?:MySQL|MariaDB) server version|\bWarning.{1,40}\bmysqli?_\w+\(|MySqlException|com\.mysql\.jdbc\.exceptions)`),
	sig(SQLError, "postgresql", []string{"syntax error at", "PSQLException", "PG::", "pg_query", "unterminated quoted", "psycopg"}, `(?:ERROR:\s+syntax error at or near|org\.postgresql\.util\.PSQLException|PG::(?:SyntaxError|Error)|\bpg_query\(\)|unterminated quoted string at or near|psycopg2?\.(?:errors\.)?\w*Error)`),
	sig(SQLError, "sqlite", []string{"SQLite", "sqlite", "SQLITE_", "unrecognized token"}, `(?:SQLite3::SQLException|sqlite3\.OperationalError|SQLITE_ERROR|\[SQLITE_|unrecognized token: "|SQLiteException|near "[^"\n]{0,40}": syntax error)`),
	sig(SQLError, "mssql", []string{"quotation mark", "SqlException", "Incorrect syntax", "SQL Server"}, `(?:Unclosed quotation mark (?:after|before) the character string|System\.Data\.SqlClient\.SqlException|Microsoft\.Data\.SqlClient\.SqlException|Incorrect syntax near '|\[Microsoft\]\[ODBC SQL Server Driver\])`),
	sig(SQLError, "oracle", []string{"ORA-", "oracle.jdbc", "quoted string"}, `(?:\bORA-\d{5}: |oracle\.jdbc\.|quoted string not properly terminated)`),
	sig(SQLError, "generic", []string{"SQLSTATE", "ODBC", "JDBC"}, `(?:SQLSTATE\[[0-9A-Z]{5}\]|\bODBC Driver \d+ for SQL|java\.sql\.SQL\w*Exception)`),
}

// frameworkPages are debug and default error pages that name the stack.
var frameworkPages = []signature{
	sig(FrameworkBanner, "spring-boot", []string{"Whitelabel"}, `Whitelabel Error Page`),
	sig(FrameworkBanner, "django", []string{"DEBUG = True"}, `You're seeing this error because you have <code>DEBUG = True</code>|you have DEBUG = True in your Django settings`),
	sig(FrameworkBanner, "werkzeug", []string{"Werkzeug"}, `Werkzeug (?:Debugger|powered traceback interpreter)`),
	sig(FrameworkBanner, "laravel", []string{"Whoops", "Illuminate\\"}, `Whoops, looks like something went wrong|Illuminate\\[A-Z]\w+\\`),
	sig(FrameworkBanner, "rails", []string{"Action Controller"}, `Action Controller: Exception caught`),
	sig(FrameworkBanner, "aspnet", []string{"Server Error in", "ASP.NET Version"}, `Server Error in '[^']{0,80}' Application|ASP\.NET Version:\s*[\d.]+`),
	sig(FrameworkBanner, "tomcat", []string{"Apache Tomcat/"}, `Apache Tomcat/\d+\.\d+(?:\.\d+)?`),
	sig(FrameworkBanner, "express", []string{"<pre>", "Cannot "}, `<pre>(?:TypeError|ReferenceError|SyntaxError|RangeError|Error): [^<]{1,200}<br>`),
}

// unixRoots are the directories the unix file-path signature starts
// with, as keywords: a body with URLs but none of them skips its regex
// (which has no literal prefix and is slow on large bodies).
var unixRoots = []string{"/home/", "/var/", "/usr/", "/opt/", "/srv/", "/app/", "/apps/", "/root/", "/tmp/",
	"/data/", "/code/", "/src/", "/workspace/", "/go/", "/builds/"}

// filePaths are absolute paths of source files on the server. A path
// must end in a source-file extension and must not be part of a URL, so
// that "https://cdn.example.com/app/main.js" is not a leak.
var filePaths = []signature{
	sig(FilePath, "unix", unixRoots, `(?:^|[\s"'(=\[,])(/(?:home|var|usr|opt|srv|app|apps|root|tmp|data|code|src|workspace|go|builds)/[\w.@+-]+(?:/[\w.@+-]+)*\.(?:py|rb|php|go|java|jsp|js|mjs|cjs|ts|cs|scala|kt|pl|ex|exs))\b`),
	sig(FilePath, "windows", []string{":\\"}, `\b([A-Za-z]:\\(?:[\w.@+-][\w .@+-]*\\)+[\w.@+-][\w .@+-]*\.(?:cs|vb|aspx?|dll|php|py|java|js|config))\b`),
}

// fileContents are the contents of files a traversal payload reads.
var fileContents = []signature{
	sig(FileContent, "/etc/passwd", []string{"root:"}, `(?m)root:[x*!]?:0:0:[^:\n]*:/[^:\n]*:`),
	sig(FileContent, "win.ini", []string{"[fonts]", "16-bit app support"}, `(?s)(?:; for 16-bit app support|\[fonts\].{0,200}\[extensions\])`),
	sig(FileContent, "boot.ini", []string{"[boot loader]"}, `\[boot loader\]`),
	sig(FileContent, "/proc/self/environ", []string{"PATH=/"}, `(?:^|\x00)PATH=/[\w/:.-]+\x00`),
}

func run(text []byte, sigs []signature, seen []bool) []Match {
	var out []Match
	for _, s := range sigs {
		if !anySeen(seen, s.ids) {
			continue
		}
		loc := s.re.FindSubmatchIndex(text)
		if loc == nil {
			continue
		}
		start, end := loc[0], loc[1]
		if len(loc) >= 4 && loc[2] >= 0 {
			start, end = loc[2], loc[3]
		}
		out = append(out, Match{Kind: s.kind, Detail: s.detail, Excerpt: excerpt(string(text[start:end]))})
	}
	return dedupe(out)
}

// keywordIndex finds every signature keyword of a body in one pass
// (Aho-Corasick), instead of one substring search per keyword: on a 10 KB
// answer that is one walk instead of about sixty. Read-only once built.
type keywordIndex struct {
	trie *ahocorasick.Trie
	id   map[string]int
}

// keywords indexes the keywords of every signature set, on first use (it
// costs about 0.5 ms and 1.2 MB, which commands that never fuzz should not
// pay: go test ./fuzz/oracle/security/evidence -bench KeywordIndex). It also fills in
// signature.ids, which scan reads only after calling it.
var keywords = sync.OnceValue(func() *keywordIndex {
	return newKeywordIndex(stackTraces, sqlErrors, frameworkPages, filePaths, fileContents, commandOutputs)
})

func newKeywordIndex(sets ...[]signature) *keywordIndex {
	k := &keywordIndex{id: map[string]int{}}
	b := ahocorasick.NewTrieBuilder()
	for _, set := range sets {
		for _, s := range set {
			for _, w := range s.keywords {
				if _, ok := k.id[w]; !ok {
					k.id[w] = len(k.id)
					b.AddString(w)
				}
			}
		}
		for i := range set {
			set[i].ids = set[i].ids[:0]
			for _, w := range set[i].keywords {
				set[i].ids = append(set[i].ids, k.id[w])
			}
		}
	}
	k.trie = b.Build()
	return k
}

// find reports which keywords occur in text, by id (signature.ids).
func (k *keywordIndex) find(text []byte) []bool {
	seen := make([]bool, len(k.id))
	k.trie.Walk(text, func(_, _, pattern int64) bool {
		seen[pattern] = true
		return true
	})
	return seen
}

func anySeen(seen []bool, ids []int) bool {
	for _, id := range ids {
		if seen[id] {
			return true
		}
	}
	return false
}

func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= maxExcerpt {
		return s
	}
	cut := maxExcerpt
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// dedupe keeps the first match per kind and detail.
func dedupe(in []Match) []Match {
	seen := map[[2]string]bool{}
	out := in[:0]
	for _, m := range in {
		k := [2]string{string(m.Kind), m.Detail}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, m)
	}
	return out
}

func bodyText(body []byte) string {
	return string(capped(body))
}

func capped(body []byte) []byte {
	if len(body) > MaxScanBytes {
		return body[:MaxScanBytes]
	}
	return body
}

// jsonUnescaper undoes the string escapes of JSON, so that a stack trace
// inside {"error": "...\n    at ..."} reads as it would in a log.
var jsonUnescaper = strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\n`, "\n", `\t`, "\t", `\/`, `/`, `\r`, "")

// views are the texts the detectors read: the body as is and, when it
// holds escapes, JSON-unescaped.
func views(body []byte) [][]byte {
	text := capped(body)
	if !bytes.Contains(text, []byte(`\`)) {
		return [][]byte{text}
	}
	return [][]byte{text, []byte(jsonUnescaper.Replace(string(text)))}
}

func scan(body []byte, sets ...[]signature) []Match {
	var out []Match
	for _, text := range views(body) {
		seen := keywords().find(text)
		for _, set := range sets {
			out = append(out, run(text, set, seen)...)
		}
	}
	return dedupe(out)
}

// Leaks returns the error leaks in a response body: stack traces, SQL
// errors, framework error pages and server file-system paths.
func Leaks(body []byte) []Match {
	return scan(body, stackTraces, sqlErrors, frameworkPages, filePaths)
}

// SQLErrors returns only the database error messages in a body.
func SQLErrors(body []byte) []Match { return scan(body, sqlErrors) }

// FileContents returns the system-file contents in a body.
func FileContents(body []byte) []Match { return scan(body, fileContents) }

// versionHeaders name the stack; they are evidence only with a version
// number (a bare "nginx" tells an attacker little).
var versionHeaders = []string{"Server", "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version", "X-Generator", "X-Runtime-Version"}

var versionNumber = regexp.MustCompile(`\d+\.\d+`)

// VersionHeaders returns response headers that disclose a product version.
func VersionHeaders(h http.Header) []Match {
	var out []Match
	for _, name := range versionHeaders {
		for _, v := range h[name] { // the names are canonical
			if versionNumber.MatchString(v) {
				out = append(out, Match{Kind: VersionHeader, Detail: name, Excerpt: excerpt(name + ": " + v)})
				break
			}
		}
	}
	return out
}

// Without removes every occurrence of the payload a request carried from
// a body, so that a server echoing the payload in a validation message
// ("invalid id: ../../etc/passwd") is not taken for evidence of its own.
func Without(body []byte, payloads ...string) []byte {
	found := false
	for _, p := range payloads {
		if len(p) >= 3 && bytes.Contains(body, []byte(p)) {
			found = true
			break
		}
	}
	if !found {
		return capped(body) // nothing to remove: no copy
	}
	text := bodyText(body)
	for _, p := range payloads {
		if len(p) >= 3 {
			text = strings.ReplaceAll(text, p, "")
		}
	}
	return []byte(text)
}

// New returns the matches of got that the baseline (a response to a
// harmless request to the same operation) does not have: an API whose
// documentation page always mentions "ORA-00933" does not leak anything
// new when it is fuzzed.
func New(got, baseline []Match) []Match {
	have := map[Match]bool{}
	kinds := map[[2]string]bool{}
	for _, m := range baseline {
		have[m] = true
		kinds[[2]string{string(m.Kind), m.Detail}] = true
	}
	var out []Match
	for _, m := range got {
		if have[m] || kinds[[2]string{string(m.Kind), m.Detail}] {
			continue
		}
		out = append(out, m)
	}
	return out
}

// IsHTML reports whether a content type is rendered as HTML by browsers
// (an empty one is sniffed, so it counts).
func IsHTML(contentType string) bool {
	ct := strings.ToLower(strings.TrimSpace(contentType))
	return ct == "" || strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml")
}

// Reflected reports whether an active-content payload (one holding '<')
// comes back verbatim in a response a browser renders as HTML. JSON and
// plain-text APIs echo their input all the time; that is not XSS, so it
// is not reported. The payload should carry a per-run random marker so
// that it cannot already be in the page.
func Reflected(body []byte, contentType, payload string) (Match, bool) {
	if !strings.ContainsAny(payload, "<>") || len(payload) < 6 || !IsHTML(contentType) {
		return Match{}, false
	}
	if !strings.Contains(bodyText(body), payload) {
		return Match{}, false
	}
	return Match{Kind: Reflection, Detail: "html", Excerpt: excerpt(payload)}, true
}

// Kinds of injection evidence besides file content and reflection.
const (
	CommandOutput     Kind = "command-output"
	TemplateEvaluated Kind = "template-evaluated"
)

var commandOutputs = []signature{
	sig(CommandOutput, "id", []string{"uid="}, `\buid=\d+\([\w.-]+\) gid=\d+\([\w.-]+\)`),
}

// CommandOutputs returns the output of OS commands the command-injection
// payloads run (`id`), found in a body.
func CommandOutputs(body []byte) []Match { return scan(body, commandOutputs) }

// templateProbe is an arithmetic template payload followed by a marker:
// "{{7*7}}specter", "${7*7}specter", "<%= 7*7 %>specter".
var templateProbe = regexp.MustCompile(`7\s*\*\s*7\s*[}%>\]]+\}?([A-Za-z]{4,})$`)

// Evaluated reports whether a template payload came back evaluated: the
// body (with verbatim echoes of the payload removed) holds "49" followed
// by the payload's marker.
func Evaluated(body []byte, payload string) (Match, bool) {
	m := templateProbe.FindStringSubmatch(payload)
	if m == nil {
		return Match{}, false
	}
	want := "49" + m[1]
	if !strings.Contains(string(Without(body, payload)), want) {
		return Match{}, false
	}
	return Match{Kind: TemplateEvaluated, Detail: "arithmetic", Excerpt: excerpt(payload + " -> " + want)}, true
}
