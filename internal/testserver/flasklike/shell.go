package flasklike

// A simulated /bin/sh (Debian's dash) for the ping tool: the vulnerable
// view runs "ping -c 1 " + host with shell=True. Nothing is executed: the
// shell parses the command line (quotes, escapes, ; && || | &, $(...) and
// backticks, $VAR and ${VAR}, redirections) and runs a handful of commands
// against a fake file system, as user www-data: ping, id, whoami, uname,
// hostname, pwd, echo, printf, cat, head, tail, wc, grep, ls, env, sleep,
// base64, true, false, exit. Anything else is "not found", as are the
// network tools (the server never connects anywhere).

import (
	"context"
	"encoding/base64"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

const fakeHost = "a3f9c2d1e8b7"

var fakeFiles = map[string]string{
	"/etc/passwd": `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`,
	"/etc/group":    "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\nwww-data:x:33:\nnogroup:x:65534:\n",
	"/etc/hostname": fakeHost + "\n",
	"/etc/hosts":    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n172.17.0.2\t" + fakeHost + "\n",
	"/etc/os-release": `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`,
	"/etc/issue":              "Debian GNU/Linux 12 \\n \\l\n\n",
	"/proc/version":           "Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023\n",
	"/vampi/app.py":           "from config import vuln_app\nimport os\n\nvuln = int(os.getenv('vulnerable', 1))\nalive = int(os.getenv('tokentimetolive', 60))\n\nif __name__ == '__main__':\n    vuln_app.run(host='0.0.0.0', port=5000, debug=True)\n",
	"/vampi/config.py":        "import os\nimport connexion\nfrom flask_cors import CORS\nfrom flask_sqlalchemy import SQLAlchemy\n\nvuln_app = connexion.App(__name__, specification_dir='./openapi_specs')\nvuln_app.app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///' + os.path.join(vuln_app.root_path, 'database/database.db')\nvuln_app.app.config['SQLALCHEMY_TRACK_MODIFICATIONS'] = False\nvuln_app.app.config['MAX_CONTENT_LENGTH'] = 1024 * 1024\nvuln_app.app.config['SECRET_KEY'] = 'random'\nCORS(vuln_app.app, supports_credentials=True)\ndb = SQLAlchemy(vuln_app.app)\nvuln_app.add_api('openapi3.yml')\n",
	"/vampi/requirements.txt": "connexion==2.14.2\nflask==2.2.2\nflask-cors==3.0.10\nflask-sqlalchemy==3.0.3\njsonschema==4.17.3\nsqlalchemy==2.0.2\nPyJWT==2.6.0\nrequests==2.31.0\n",
	"/vampi/Dockerfile":       "FROM python:3.11.4-bookworm\nRUN apt-get update && apt-get install -y iputils-ping\nWORKDIR /vampi\nCOPY . .\nRUN pip install -r requirements.txt\nUSER www-data\nEXPOSE 5000\nCMD [\"python3\", \"app.py\"]\n",
}

var fakeDirs = map[string][]string{
	"/":                {"bin", "boot", "dev", "etc", "home", "lib", "lib64", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv", "sys", "tmp", "usr", "vampi", "var"},
	"/vampi":           {"Dockerfile", "api_views", "app.py", "config.py", "database", "models", "openapi_specs", "requirements.txt"},
	"/vampi/api_views": {"__init__.py", "books.py", "json_schemas.py", "main.py", "tools.py", "users.py"},
	"/vampi/models":    {"__init__.py", "books_model.py", "user_model.py"},
	"/vampi/database":  {"database.db"},
	"/etc":             {"group", "hostname", "hosts", "issue", "os-release", "passwd", "shadow"},
	"/tmp":             {},
	"/var/www":         {},
	"/home":            {},
	"/root":            nil, // unreadable
}

var unreadable = map[string]bool{"/etc/shadow": true, "/root": true, "/vampi/database/database.db": true}

var knownCommands = map[string]bool{
	"ping": true, "id": true, "whoami": true, "uname": true, "hostname": true, "pwd": true, "echo": true,
	"printf": true, "cat": true, "head": true, "tail": true, "wc": true, "grep": true, "ls": true,
	"env": true, "printenv": true, "sleep": true, "base64": true, "true": true, "false": true, "exit": true,
	":": true, "date": true, "cd": true, "export": true,
}

type shell struct {
	ctx    context.Context
	out    *strings.Builder // where the current command's stdout goes
	stdout strings.Builder
	stderr strings.Builder
	status int
	line   int
	vars   map[string]string
	exited bool
	files  map[string]string // written during this run (/tmp)
}

func newShell(ctx context.Context) *shell {
	sh := &shell{ctx: ctx, line: 1, files: map[string]string{}, vars: map[string]string{
		"HOME": "/var/www", "USER": "www-data", "LOGNAME": "www-data", "PWD": "/vampi", "SHELL": "/bin/sh",
		"PATH":     "/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOSTNAME": fakeHost, "LANG": "C.UTF-8", "PYTHON_VERSION": "3.11.4", "IFS": " \t\n",
		"vulnerable": "1", "tokentimetolive": "60",
	}}
	sh.out = &sh.stdout
	return sh
}

// runShell is subprocess.run(cmd, shell=True, capture_output=True): the
// app answers stdout + stderr and the exit status.
func runShell(ctx context.Context, cmd string) (string, int) {
	sh := newShell(ctx)
	sh.script(cmd)
	return sh.stdout.String() + sh.stderr.String(), sh.status
}

func (sh *shell) errf(format string, a ...any) {
	fmt.Fprintf(&sh.stderr, format, a...)
}

// ---- parsing ----

type shPart struct {
	lit    string
	quoted bool
	sub    string // command substitution source
	isSub  bool
	varNm  string
	isVar  bool
}

type shWord []shPart

type shRedir struct {
	fd     int
	op     string // > >> < >&
	target shWord
}

type shCmd struct {
	words  []shWord
	redirs []shRedir
	group  *shList // ( list )
}

type shPipe struct {
	bang bool
	cmds []*shCmd
}

type shAndOr struct {
	pipes []*shPipe
	ops   []string
}

type shList struct {
	items []*shAndOr
}

type shSyntax struct{ msg string }

type shParser struct {
	s    []rune
	i    int
	stop rune // ')' inside a group or $( )
}

func (p *shParser) fail(msg string) { panic(shSyntax{msg}) }

func (p *shParser) skipBlank() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
	if p.i < len(p.s) && p.s[p.i] == '#' {
		for p.i < len(p.s) && p.s[p.i] != '\n' {
			p.i++
		}
	}
}

func (p *shParser) peekOp() string {
	p.skipBlank()
	if p.i >= len(p.s) {
		return "EOF"
	}
	rest := string(p.s[p.i:min(p.i+2, len(p.s))])
	for _, op := range []string{"&&", "||", ";;", ">>", ">&", "<&", ";", "&", "|", "(", ")", "\n", "<", ">"} {
		if strings.HasPrefix(rest, op) {
			return op
		}
	}
	return ""
}

func unexpected(op string) string {
	if op == "EOF" {
		return "end of file unexpected"
	}
	if op == "\n" {
		return "newline unexpected"
	}
	return fmt.Sprintf("\"%s\" unexpected", op)
}

// list parses up to the end of the line (or of the group).
func (p *shParser) list() *shList {
	l := &shList{}
	for {
		op := p.peekOp()
		if p.i >= len(p.s) || op == "\n" || (p.stop != 0 && op == string(p.stop)) {
			return l
		}
		l.items = append(l.items, p.andOr())
		op = p.peekOp()
		switch op {
		case ";", "&":
			p.i++
			if nx := p.peekOp(); nx == ";" || nx == "&" || nx == ";;" || nx == "&&" || nx == "||" || nx == "|" {
				p.fail(unexpected(nx))
			}
		case "EOF", "\n":
			return l
		case ")":
			if p.stop == ')' {
				return l
			}
			p.fail(unexpected(op))
		default:
			p.fail(unexpected(op))
		}
	}
}

func (p *shParser) andOr() *shAndOr {
	a := &shAndOr{pipes: []*shPipe{p.pipeline()}}
	for {
		op := p.peekOp()
		if op != "&&" && op != "||" {
			return a
		}
		p.i += 2
		for p.peekOp() == "\n" {
			p.i++
		}
		a.ops = append(a.ops, op)
		a.pipes = append(a.pipes, p.pipeline())
	}
}

func (p *shParser) pipeline() *shPipe {
	pl := &shPipe{}
	p.skipBlank()
	if p.i < len(p.s) && p.s[p.i] == '!' && (p.i+1 == len(p.s) || p.s[p.i+1] == ' ') {
		pl.bang = true
		p.i++
	}
	pl.cmds = append(pl.cmds, p.command())
	for p.peekOp() == "|" {
		p.i++
		for p.peekOp() == "\n" {
			p.i++
		}
		pl.cmds = append(pl.cmds, p.command())
	}
	return pl
}

func (p *shParser) command() *shCmd {
	c := &shCmd{}
	op := p.peekOp()
	if op == "(" {
		p.i++
		inner := &shParser{s: p.s, i: p.i, stop: ')'}
		c.group = inner.list()
		p.i = inner.i
		if p.peekOp() != ")" {
			p.fail(unexpected(p.peekOp()) + " (expecting \")\")")
		}
		p.i++
		return c
	}
	for {
		op := p.peekOp()
		switch op {
		case ">", ">>", "<", ">&", "<&":
			fd := 1
			if op[0] == '<' {
				fd = 0
			}
			if n := len(c.words); n > 0 && p.i > 0 && len(c.words[n-1]) == 1 && !c.words[n-1][0].quoted && (c.words[n-1][0].lit == "2" || c.words[n-1][0].lit == "1") && p.s[p.i-1] != ' ' {
				fd, _ = strconv.Atoi(c.words[n-1][0].lit)
				c.words = c.words[:n-1]
			}
			p.i += len(op)
			p.skipBlank()
			w := p.word()
			if w == nil {
				p.fail(unexpected(p.peekOp()))
			}
			c.redirs = append(c.redirs, shRedir{fd: fd, op: op, target: w})
			continue
		case "EOF", "\n", ";", "&", "|", "&&", "||", ";;", ")":
			if len(c.words) == 0 && len(c.redirs) == 0 {
				if op == ")" && p.stop == ')' {
					p.fail(unexpected(op))
				}
				p.fail(unexpected(op))
			}
			return c
		case "(":
			p.fail(unexpected(op))
		}
		w := p.word()
		if w == nil {
			return c
		}
		c.words = append(c.words, w)
	}
}

func isMeta(r rune) bool { return strings.ContainsRune(" \t\n;&|()<>", r) }

// word reads one word, keeping its quoting for expansion.
func (p *shParser) word() shWord {
	var w shWord
	var lit strings.Builder
	flush := func(quoted bool) {
		if lit.Len() > 0 || quoted {
			w = append(w, shPart{lit: lit.String(), quoted: quoted})
			lit.Reset()
		}
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if isMeta(c) {
			break
		}
		switch c {
		case '\\':
			if p.i+1 < len(p.s) {
				flush(false)
				if p.s[p.i+1] != '\n' {
					w = append(w, shPart{lit: string(p.s[p.i+1]), quoted: true})
				}
				p.i += 2
			} else {
				p.i++
			}
		case '\'':
			flush(false)
			end := p.i + 1
			for end < len(p.s) && p.s[end] != '\'' {
				end++
			}
			if end >= len(p.s) {
				p.fail("Unterminated quoted string")
			}
			w = append(w, shPart{lit: string(p.s[p.i+1 : end]), quoted: true})
			p.i = end + 1
		case '"':
			flush(false)
			p.i++
			w = append(w, p.dquoted()...)
		case '$', '`':
			flush(false)
			w = append(w, p.dollar(false)...)
		default:
			lit.WriteRune(c)
			p.i++
		}
	}
	flush(false)
	if p.i == start {
		return nil
	}
	if w == nil {
		w = shWord{{lit: "", quoted: true}}
	}
	return w
}

func (p *shParser) dquoted() []shPart {
	var parts []shPart
	var lit strings.Builder
	for {
		if p.i >= len(p.s) {
			p.fail("Unterminated quoted string")
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			parts = append(parts, shPart{lit: lit.String(), quoted: true})
			return parts
		case c == '\\' && p.i+1 < len(p.s) && strings.ContainsRune("$`\"\\\n", p.s[p.i+1]):
			if p.s[p.i+1] != '\n' {
				lit.WriteRune(p.s[p.i+1])
			}
			p.i += 2
		case c == '$' || c == '`':
			parts = append(parts, shPart{lit: lit.String(), quoted: true})
			lit.Reset()
			parts = append(parts, p.dollar(true)...)
		default:
			lit.WriteRune(c)
			p.i++
		}
	}
}

// dollar reads $NAME, ${NAME}, $(...), $((...)) or `...`.
func (p *shParser) dollar(quoted bool) []shPart {
	if p.s[p.i] == '`' {
		end := p.i + 1
		var src strings.Builder
		for end < len(p.s) && p.s[end] != '`' {
			if p.s[end] == '\\' && end+1 < len(p.s) && strings.ContainsRune("$`\\", p.s[end+1]) {
				end++
			}
			src.WriteRune(p.s[end])
			end++
		}
		if end >= len(p.s) {
			p.fail("EOF in backquote substitution")
		}
		p.i = end + 1
		return []shPart{{isSub: true, sub: src.String(), quoted: quoted}}
	}
	p.i++ // $
	if p.i >= len(p.s) {
		return []shPart{{lit: "$", quoted: quoted}}
	}
	c := p.s[p.i]
	switch {
	case c == '(':
		if p.i+1 < len(p.s) && p.s[p.i+1] == '(' {
			end := strings.Index(string(p.s[p.i:]), "))")
			if end < 0 {
				p.fail("end of file unexpected (expecting \"))\")")
			}
			expr := string(p.s[p.i+2 : p.i+end])
			p.i += end + 2
			return []shPart{{lit: arith(expr), quoted: quoted}}
		}
		inner := &shParser{s: p.s, i: p.i + 1, stop: ')'}
		start := inner.i
		inner.list()
		if inner.i >= len(p.s) || p.s[inner.i] != ')' {
			p.fail("end of file unexpected (expecting \")\")")
		}
		src := string(p.s[start:inner.i])
		p.i = inner.i + 1
		return []shPart{{isSub: true, sub: src, quoted: quoted}}
	case c == '{':
		end := p.i + 1
		for end < len(p.s) && p.s[end] != '}' {
			end++
		}
		if end >= len(p.s) {
			p.fail("Missing '}'")
		}
		name := string(p.s[p.i+1 : end])
		p.i = end + 1
		if n, _, ok := strings.Cut(name, ":-"); ok {
			name = n
		}
		return []shPart{{isVar: true, varNm: name, quoted: quoted}}
	case strings.ContainsRune("?$#0123456789@*!-", c):
		p.i++
		return []shPart{{isVar: true, varNm: string(c), quoted: quoted}}
	case c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
		end := p.i
		for end < len(p.s) && (p.s[end] == '_' || (p.s[end] >= 'a' && p.s[end] <= 'z') || (p.s[end] >= 'A' && p.s[end] <= 'Z') || (p.s[end] >= '0' && p.s[end] <= '9')) {
			end++
		}
		name := string(p.s[p.i:end])
		p.i = end
		return []shPart{{isVar: true, varNm: name, quoted: quoted}}
	}
	return []shPart{{lit: "$", quoted: quoted}}
}

// arith is $(( )) for sums and products of integers.
func arith(expr string) string {
	expr = strings.ReplaceAll(expr, " ", "")
	total := int64(0)
	for _, term := range strings.FieldsFunc(expr, func(r rune) bool { return r == '+' }) {
		prod := int64(1)
		for _, f := range strings.Split(term, "*") {
			n, _ := strconv.ParseInt(f, 10, 64)
			prod *= n
		}
		total += prod
	}
	return strconv.FormatInt(total, 10)
}

// ---- running ----

// script runs a command string line by line, as dash reads it.
func (sh *shell) script(src string) {
	p := &shParser{s: []rune(src)}
	for p.i < len(p.s) && !sh.exited {
		var l *shList
		func() {
			defer func() {
				if x := recover(); x != nil {
					se, ok := x.(shSyntax)
					if !ok {
						panic(x)
					}
					sh.errf("sh: %d: Syntax error: %s\n", sh.line, se.msg)
					sh.status = 2
					sh.exited = true
				}
			}()
			l = p.list()
		}()
		if sh.exited {
			return
		}
		sh.runList(l)
		if p.i < len(p.s) && p.s[p.i] == '\n' {
			p.i++
			sh.line++
		}
	}
}

func (sh *shell) runList(l *shList) {
	for _, a := range l.items {
		if sh.exited || sh.ctx.Err() != nil {
			return
		}
		sh.runAndOr(a)
	}
}

func (sh *shell) runAndOr(a *shAndOr) {
	sh.runPipe(a.pipes[0])
	for i, op := range a.ops {
		if sh.exited {
			return
		}
		if (op == "&&") == (sh.status == 0) {
			sh.runPipe(a.pipes[i+1])
		}
	}
}

func (sh *shell) runPipe(pl *shPipe) {
	input := ""
	saved := sh.out
	for i, c := range pl.cmds {
		var buf strings.Builder
		if i < len(pl.cmds)-1 {
			sh.out = &buf
		} else {
			sh.out = saved
		}
		sh.runCmd(c, input, i > 0)
		input = buf.String()
	}
	sh.out = saved
	if pl.bang {
		if sh.status == 0 {
			sh.status = 1
		} else {
			sh.status = 0
		}
	}
}

// expand turns a word into fields: expansions outside quotes are split on
// IFS, literal text is not.
func (sh *shell) expand(w shWord) []string {
	var fields []string
	var cur strings.Builder
	have := false
	for _, part := range w {
		var val string
		expanded := false
		switch {
		case part.isSub:
			val = strings.TrimRight(sh.substitute(part.sub), "\n")
			expanded = true
		case part.isVar:
			val = sh.variable(part.varNm)
			expanded = true
		default:
			val = part.lit
		}
		if !expanded || part.quoted {
			cur.WriteString(val)
			have = have || part.quoted || val != ""
			continue
		}
		ifs := sh.vars["IFS"]
		for _, r := range val {
			if strings.ContainsRune(ifs, r) {
				if have {
					fields = append(fields, cur.String())
					cur.Reset()
					have = false
				}
				continue
			}
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		fields = append(fields, cur.String())
	}
	return fields
}

func (sh *shell) variable(name string) string {
	switch name {
	case "?":
		return strconv.Itoa(sh.status)
	case "$":
		return "17"
	case "0":
		return "sh"
	case "#":
		return "0"
	case "!", "@", "*", "-":
		return ""
	}
	return sh.vars[name]
}

// substitute runs $(...) in a subshell and returns its stdout.
func (sh *shell) substitute(src string) string {
	sub := &shell{ctx: sh.ctx, line: sh.line, vars: map[string]string{}, files: sh.files}
	for k, v := range sh.vars {
		sub.vars[k] = v
	}
	sub.out = &sub.stdout
	sub.status = sh.status
	sub.script(src)
	sh.stderr.WriteString(sub.stderr.String())
	sh.status = sub.status
	return sub.stdout.String()
}

func (sh *shell) runCmd(c *shCmd, stdin string, piped bool) {
	if c.group != nil {
		sh.runList(c.group)
		return
	}
	var args []string
	for _, w := range c.words {
		args = append(args, sh.expand(w)...)
	}
	// Assignments before the command name.
	for len(args) > 0 && strings.Contains(args[0], "=") && isName(args[0][:strings.Index(args[0], "=")]) {
		k, v, _ := strings.Cut(args[0], "=")
		sh.vars[k] = v
		args = args[1:]
	}
	out := sh.out
	var errTo *strings.Builder = &sh.stderr
	var capture *strings.Builder
	var captureFile string
	for _, r := range c.redirs {
		target := strings.Join(sh.expand(r.target), " ")
		switch r.op {
		case ">&":
			if target == "1" && r.fd == 2 {
				errTo = out
			} else if target == "2" && r.fd == 1 {
				out = errTo
			}
		case "<", "<&":
			data, ok := sh.readFile(target)
			if !ok {
				sh.errf("sh: %d: cannot open %s: %s\n", sh.line, target, sh.openError(target))
				sh.status = 2
				return
			}
			stdin = data
		default:
			if target == "/dev/null" {
				if r.fd == 2 {
					errTo = &strings.Builder{}
				} else {
					out = &strings.Builder{}
				}
				continue
			}
			if !strings.HasPrefix(path.Clean(target), "/tmp/") && !strings.HasPrefix(target, "/tmp/") {
				dir := path.Dir(path.Join("/vampi", target))
				sh.errf("sh: %d: cannot create %s: %s\n", sh.line, target, map[bool]string{true: "Directory nonexistent", false: "Permission denied"}[fakeDirs[dir] == nil && dir != "/vampi"])
				sh.status = 2
				return
			}
			capture = &strings.Builder{}
			captureFile = path.Clean(target)
			if r.op == ">>" {
				capture.WriteString(sh.files[captureFile])
			}
			if r.fd == 2 {
				errTo = capture
			} else {
				out = capture
			}
		}
	}
	if len(args) == 0 {
		sh.status = 0
		return
	}
	saved, savedErr := sh.out, sh.stderr
	sh.out = out
	var errBuf strings.Builder
	sh.stderr = strings.Builder{}
	sh.exec(args, stdin)
	errBuf.WriteString(sh.stderr.String())
	sh.stderr = savedErr
	if errTo == &sh.stderr || errTo == &savedErr {
		sh.stderr.WriteString(errBuf.String())
	} else {
		errTo.WriteString(errBuf.String())
	}
	sh.out = saved
	if capture != nil {
		sh.files[captureFile] = capture.String()
	}
	_ = piped
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

func (sh *shell) resolve(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = path.Join(sh.vars["PWD"], p)
	}
	return path.Clean(p)
}

func (sh *shell) readFile(p string) (string, bool) {
	full := sh.resolve(p)
	if unreadable[full] {
		return "", false
	}
	if data, ok := sh.files[full]; ok {
		return data, true
	}
	data, ok := fakeFiles[full]
	return data, ok
}

func (sh *shell) openError(p string) string {
	full := sh.resolve(p)
	if unreadable[full] {
		return "Permission denied"
	}
	if _, ok := fakeDirs[full]; ok {
		return "Is a directory"
	}
	return "No such file"
}

func (sh *shell) print(s string) { sh.out.WriteString(s) }

func (sh *shell) exec(args []string, stdin string) {
	name := args[0]
	if strings.Contains(name, "/") {
		base := path.Base(name)
		dir := path.Dir(name)
		if (dir == "/bin" || dir == "/usr/bin" || dir == "/sbin" || dir == "/usr/sbin" || dir == "/usr/local/bin") && knownCommands[base] {
			name = base
		} else {
			if _, ok := fakeFiles[sh.resolve(name)]; ok {
				sh.errf("sh: %d: %s: Permission denied\n", sh.line, args[0])
				sh.status = 126
				return
			}
			sh.errf("sh: %d: %s: not found\n", sh.line, args[0])
			sh.status = 127
			return
		}
	}
	sh.status = 0
	switch name {
	case "ping":
		out, rc := sh.ping(args[1:])
		sh.print(out)
		sh.status = rc
	case "id":
		switch strings.Join(args[1:], " ") {
		case "-u":
			sh.print("33\n")
		case "-g":
			sh.print("33\n")
		case "-un", "-nu", "-u -n", "-n -u":
			sh.print("www-data\n")
		default:
			sh.print("uid=33(www-data) gid=33(www-data) groups=33(www-data)\n")
		}
	case "whoami":
		sh.print("www-data\n")
	case "hostname":
		sh.print(fakeHost + "\n")
	case "pwd":
		sh.print(sh.vars["PWD"] + "\n")
	case "cd":
		dir := "/var/www"
		if len(args) > 1 {
			dir = sh.resolve(args[1])
		}
		if _, ok := fakeDirs[dir]; !ok {
			sh.errf("sh: %d: cd: can't cd to %s\n", sh.line, args[1])
			sh.status = 2
			return
		}
		sh.vars["PWD"] = dir
	case "uname":
		parts := map[string]string{"-s": "Linux", "-n": fakeHost, "-r": "5.15.0-91-generic", "-v": "#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023", "-m": "x86_64", "-o": "GNU/Linux"}
		if len(args) == 1 {
			sh.print("Linux\n")
			return
		}
		if args[1] == "-a" {
			sh.print("Linux " + fakeHost + " 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 GNU/Linux\n")
			return
		}
		var out []string
		for _, a := range args[1:] {
			v, ok := parts[a]
			if !ok {
				sh.errf("uname: invalid option -- '%s'\nTry 'uname --help' for more information.\n", strings.TrimLeft(a, "-"))
				sh.status = 1
				return
			}
			out = append(out, v)
		}
		sh.print(strings.Join(out, " ") + "\n")
	case "echo":
		rest := args[1:]
		nl := "\n"
		if len(rest) > 0 && rest[0] == "-n" {
			nl = ""
			rest = rest[1:]
		}
		s := strings.Join(rest, " ")
		if i := strings.Index(s, `\c`); i >= 0 {
			s, nl = s[:i], ""
		}
		sh.print(strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`).Replace(s) + nl)
	case "printf":
		if len(args) < 2 {
			sh.errf("printf: usage: printf format [arg ...]\n")
			sh.status = 2
			return
		}
		vals := make([]sqlValue, 0, len(args)-2)
		for _, a := range args[2:] {
			vals = append(vals, sqlText(a))
		}
		sh.print(strings.NewReplacer(`\n`, "\n", `\t`, "\t").Replace(sqlPrintf(args[1], vals)))
	case "cat":
		if len(args) == 1 {
			sh.print(stdin)
			return
		}
		for _, f := range args[1:] {
			if f == "-" {
				sh.print(stdin)
				continue
			}
			data, ok := sh.readFile(f)
			if !ok {
				msg := sh.openError(f)
				if msg == "No such file" {
					msg = "No such file or directory"
				}
				sh.errf("cat: %s: %s\n", f, msg)
				sh.status = 1
				continue
			}
			sh.print(data)
		}
	case "head", "tail":
		n := 10
		var file string
		for i := 1; i < len(args); i++ {
			a := args[i]
			switch {
			case a == "-n" && i+1 < len(args):
				n, _ = strconv.Atoi(args[i+1])
				i++
			case strings.HasPrefix(a, "-n"):
				n, _ = strconv.Atoi(a[2:])
			case strings.HasPrefix(a, "-") && len(a) > 1:
				n, _ = strconv.Atoi(a[1:])
			default:
				file = a
			}
		}
		data := stdin
		if file != "" {
			d, ok := sh.readFile(file)
			if !ok {
				sh.errf("%s: cannot open '%s' for reading: No such file or directory\n", name, file)
				sh.status = 1
				return
			}
			data = d
		}
		lines := strings.SplitAfter(data, "\n")
		if len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if name == "head" {
			lines = lines[:min(n, len(lines))]
		} else {
			lines = lines[max(0, len(lines)-n):]
		}
		sh.print(strings.Join(lines, ""))
	case "wc":
		data := stdin
		mode := ""
		var file string
		for _, a := range args[1:] {
			if strings.HasPrefix(a, "-") {
				mode = a
			} else {
				file = a
			}
		}
		if file != "" {
			d, ok := sh.readFile(file)
			if !ok {
				sh.errf("wc: %s: No such file or directory\n", file)
				sh.status = 1
				return
			}
			data = d
		}
		l, w, c := strings.Count(data, "\n"), len(strings.Fields(data)), len(data)
		suffix := ""
		if file != "" {
			suffix = " " + file
		}
		switch mode {
		case "-l":
			sh.print(fmt.Sprintf("%d%s\n", l, suffix))
		case "-w":
			sh.print(fmt.Sprintf("%d%s\n", w, suffix))
		case "-c":
			sh.print(fmt.Sprintf("%d%s\n", c, suffix))
		default:
			sh.print(fmt.Sprintf("%7d %7d %7d%s\n", l, w, c, suffix))
		}
	case "grep":
		var pat, file string
		invert, fold := false, false
		for _, a := range args[1:] {
			switch {
			case a == "-v":
				invert = true
			case a == "-i":
				fold = true
			case pat == "":
				pat = a
			default:
				file = a
			}
		}
		if pat == "" {
			sh.errf("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n")
			sh.status = 2
			return
		}
		data := stdin
		if file != "" {
			d, ok := sh.readFile(file)
			if !ok {
				sh.errf("grep: %s: No such file or directory\n", file)
				sh.status = 2
				return
			}
			data = d
		}
		sh.status = 1
		for _, line := range strings.SplitAfter(data, "\n") {
			if line == "" {
				continue
			}
			hay, needle := line, pat
			if fold {
				hay, needle = strings.ToLower(hay), strings.ToLower(needle)
			}
			if strings.Contains(hay, needle) != invert {
				sh.print(line)
				if !strings.HasSuffix(line, "\n") {
					sh.print("\n")
				}
				sh.status = 0
			}
		}
	case "ls":
		dirs := []string{}
		long := false
		for _, a := range args[1:] {
			if strings.HasPrefix(a, "-") {
				long = long || strings.Contains(a, "l")
				continue
			}
			dirs = append(dirs, a)
		}
		if len(dirs) == 0 {
			dirs = []string{"."}
		}
		for _, d := range dirs {
			full := sh.resolve(d)
			if unreadable[full] {
				sh.errf("ls: cannot open directory '%s': Permission denied\n", d)
				sh.status = 2
				continue
			}
			names, ok := fakeDirs[full]
			if !ok {
				if _, isFile := fakeFiles[full]; isFile {
					sh.print(d + "\n")
					continue
				}
				sh.errf("ls: cannot access '%s': No such file or directory\n", d)
				sh.status = 2
				continue
			}
			names = append([]string(nil), names...)
			sort.Strings(names)
			for _, n := range names {
				if long {
					sh.print("-rw-r--r-- 1 root root 1024 Jul  4 09:12 " + n + "\n")
				} else {
					sh.print(n + "\n")
				}
			}
		}
	case "env", "printenv":
		if len(args) > 1 && name == "printenv" {
			if v, ok := sh.vars[args[1]]; ok {
				sh.print(v + "\n")
			} else {
				sh.status = 1
			}
			return
		}
		var keys []string
		for k := range sh.vars {
			if k != "IFS" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			sh.print(k + "=" + sh.vars[k] + "\n")
		}
	case "export":
		for _, a := range args[1:] {
			if k, v, ok := strings.Cut(a, "="); ok {
				sh.vars[k] = v
			}
		}
	case "sleep":
		if len(args) < 2 {
			sh.errf("sleep: missing operand\nTry 'sleep --help' for more information.\n")
			sh.status = 1
			return
		}
		total := 0.0
		for _, a := range args[1:] {
			f, err := strconv.ParseFloat(strings.TrimSuffix(a, "s"), 64)
			if err != nil || f < 0 {
				sh.errf("sleep: invalid time interval '%s'\nTry 'sleep --help' for more information.\n", a)
				sh.status = 1
				return
			}
			total += f
		}
		sh.sleep(time.Duration(total * float64(time.Second)))
	case "base64":
		decode := len(args) > 1 && (args[1] == "-d" || args[1] == "--decode")
		if decode {
			b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(stdin))
			if err != nil {
				sh.errf("base64: invalid input\n")
				sh.status = 1
			}
			sh.print(string(b))
			return
		}
		enc := base64.StdEncoding.EncodeToString([]byte(stdin))
		for len(enc) > 76 {
			sh.print(enc[:76] + "\n")
			enc = enc[76:]
		}
		sh.print(enc + "\n")
	case "date":
		sh.print("Thu Jul  4 09:12:33 UTC 2024\n")
	case "true", ":":
	case "false":
		sh.status = 1
	case "exit":
		sh.status = 0
		if len(args) > 1 {
			n, err := strconv.Atoi(args[1])
			if err != nil {
				sh.errf("sh: %d: exit: Illegal number: %s\n", sh.line, args[1])
				n = 2
			}
			sh.status = n & 0xFF
		}
		sh.exited = true
	default:
		sh.errf("sh: %d: %s: not found\n", sh.line, name)
		sh.status = 127
	}
}

// sleep waits for real (the time-based injection works), until the
// command's timeout.
func (sh *shell) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-sh.ctx.Done():
	}
}

var rtts = []string{"0.045", "0.052", "0.049", "0.061", "0.047", "0.058", "0.050", "0.055"}

// ping is iputils ping in a container that has only loopback: loopback
// answers (one packet a second), names other than localhost do not
// resolve, other addresses are unreachable.
func (sh *shell) ping(args []string) (string, int) {
	count := -1
	var hosts []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-c" || a == "-W" || a == "-w" || a == "-i" || a == "-s" || a == "-t":
			if i+1 >= len(args) {
				sh.errf("ping: option requires an argument -- '%s'\n", a[1:])
				return "", 2
			}
			if a == "-c" {
				n, err := strconv.Atoi(args[i+1])
				if err != nil || n <= 0 {
					sh.errf("ping: invalid argument: '%s': out of range: 1 <= value <= 9223372036854775807\n", args[i+1])
					return "", 1
				}
				count = n
			}
			i++
		case a == "-q" || a == "-n" || a == "-4" || a == "-v":
		case strings.HasPrefix(a, "-") && len(a) > 1:
			sh.errf("ping: invalid option -- '%s'\n", a[1:2])
			return "", 2
		default:
			hosts = append(hosts, a)
		}
	}
	// iputils resolves every destination argument in order (the extra
	// ones are a source route): the first that fails is the one named.
	for _, h := range hosts {
		if h != "localhost" && h != fakeHost && !isIPv4(h) {
			sh.errf("ping: %s: Temporary failure in name resolution\n", h)
			return "", 2
		}
	}
	host := ""
	if len(hosts) > 0 {
		host = hosts[len(hosts)-1]
	}
	if host == "" {
		sh.errf("ping: usage error: Destination address required\n")
		return "", 2
	}
	if count < 0 {
		count = 4 // would run forever; the command timeout stops it
	}
	ip := host
	switch {
	case host == "localhost" || host == fakeHost:
		ip = "127.0.0.1"
		if host == fakeHost {
			ip = "172.17.0.2"
		}
	case isIPv4(host):
		if !strings.HasPrefix(host, "127.") && host != "172.17.0.2" {
			sh.errf("ping: connect: Network is unreachable\n")
			return "", 2
		}
	default:
		sh.errf("ping: %s: Temporary failure in name resolution\n", host)
		return "", 2
	}
	var b strings.Builder
	fmt.Fprintf(&b, "PING %s (%s) 56(84) bytes of data.\n", host, ip)
	from := ip
	if host != ip {
		from = host + " (" + ip + ")"
	}
	sent := 0
	for i := 1; i <= count; i++ {
		if i > 1 {
			sh.sleep(time.Second)
			if sh.ctx.Err() != nil {
				break
			}
		}
		fmt.Fprintf(&b, "64 bytes from %s: icmp_seq=%d ttl=64 time=%s ms\n", from, i, rtts[(i-1)%len(rtts)])
		sent++
	}
	fmt.Fprintf(&b, "\n--- %s ping statistics ---\n%d packets transmitted, %d received, 0%% packet loss, time %dms\n", host, sent, sent, max(0, (sent-1)*1001))
	fmt.Fprintf(&b, "rtt min/avg/max/mdev = 0.045/0.045/0.045/0.000 ms\n")
	return b.String(), 0
}

func isIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 255 || p == "" {
			return false
		}
	}
	return true
}
