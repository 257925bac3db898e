package fastapilike

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file simulates what subprocess.run("df -h " + parameters,
// shell=True) does inside the application's container (python:3.10-slim,
// /bin/sh is dash, the app runs as user "app"). Nothing is executed: a
// small parser splits the line the way dash does (quotes, ; && || | &,
// $VAR ${VAR} $(...) `...`, redirections) and a handful of commands answer
// from a fixed picture of the container. sleep and ping really wait,
// capped at maxShellSleep per request.

const maxShellSleep = 3 * time.Second

const containerHost = "d7c4e1a9b2f0"

// shellResult is what subprocess.run returns.
type shellResult struct {
	stdout, stderr string
	code           int
}

type shell struct {
	env    map[string]string
	files  map[string]string
	dirs   map[string][]string
	cwd    string
	slept  time.Duration
	status int
	depth  int
	sleep  func(time.Duration)
}

func newShell(jwtSecret string) *shell {
	env := map[string]string{
		"PATH":              "/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOSTNAME":          containerHost,
		"HOME":              "/home/app",
		"LANG":              "C.UTF-8",
		"PYTHON_VERSION":    "3.10.14",
		"PWD":               "/app",
		"POSTGRES_USER":     "admin",
		"POSTGRES_PASSWORD": "password",
		"POSTGRES_SERVER":   "db",
		"POSTGRES_PORT":     "5432",
		"POSTGRES_DB":       "restaurant",
		"JWT_SECRET_KEY":    jwtSecret,
		"CHEF_USERNAME":     "chef",
		"IFS":               " \t\n",
	}
	dotenv := "POSTGRES_USER=admin\nPOSTGRES_PASSWORD=password\nPOSTGRES_SERVER=db\nPOSTGRES_PORT=5432\nPOSTGRES_DB=restaurant\nJWT_SECRET_KEY=" + jwtSecret + "\nCHEF_USERNAME=chef\n"
	return &shell{
		env: env,
		files: map[string]string{
			"/etc/passwd":   "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\ngames:x:5:60:games:/usr/games:/usr/sbin/nologin\nman:x:6:12:man:/var/cache/man:/usr/sbin/nologin\nlp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\nmail:x:8:8:mail:/var/mail:/usr/sbin/nologin\nnews:x:9:9:news:/var/spool/news:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\napp:x:1000:1000::/home/app:/bin/sh\n",
			"/etc/group":    "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\nwww-data:x:33:\nnogroup:x:65534:\napp:x:1000:\n",
			"/etc/hostname": containerHost + "\n",
			"/etc/hosts":    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n172.18.0.3\t" + containerHost + "\n",
			"/etc/os-release": "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n" +
				"VERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n",
			"/app/.env":             dotenv,
			"/app/main.py":          "from init_app import init_app\nfrom init import load_initial_data\n\napp = init_app()\nload_initial_data()\n",
			"/app/requirements.txt": "fastapi==0.103.2\nuvicorn==0.23.2\npydantic==2.4.2\nSQLAlchemy==2.0.21\npsycopg2-binary==2.9.9\npython-jose==3.3.0\npasslib[bcrypt]==1.7.4\nrequests==2.31.0\npython-multipart==0.0.6\n",
			"/proc/version":         "Linux version 5.15.0-1057-azure (buildd@lcy02-amd64-033) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0) #65-Ubuntu SMP Fri Feb 9 18:39:24 UTC 2024\n",
		},
		dirs: map[string][]string{
			"/":          {"app", "bin", "boot", "dev", "etc", "home", "lib", "lib64", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv", "sys", "tmp", "usr", "var"},
			"/app":       {"Dockerfile", "alembic.ini", "apis", "config.py", "db", "init.py", "init_app.py", "main.py", "migrations", "requirements.txt", "static"},
			"/app/apis":  {"admin", "auth", "healthcheck", "menu", "orders", "reservations", "router.py", "users"},
			"/app/db":    {"base.py", "models.py", "session.py"},
			"/etc":       {"group", "hostname", "hosts", "os-release", "passwd", "resolv.conf", "shadow"},
			"/home":      {"app"},
			"/home/app":  {},
			"/tmp":       {},
			"/root":      nil, // exists, not readable
			"/usr":       {"bin", "include", "lib", "local", "sbin", "share"},
			"/var":       {"cache", "lib", "log", "tmp"},
			"/dev":       {"null", "shm", "stderr", "stdin", "stdout", "urandom", "zero"},
			"/dev/shm":   {},
			"/proc":      {"1", "cpuinfo", "meminfo", "self", "version"},
			"/usr/bin":   {"cat", "df", "echo", "env", "id", "ls", "ping", "sh", "sleep", "uname", "whoami"},
			"/usr/local": {"bin", "lib"},
		},
		cwd:   "/app",
		sleep: time.Sleep,
	}
}

// ---- parsing ----

type wpart struct {
	kind   byte // 'l' literal, 'v' variable, 'c' command substitution
	text   string
	quoted bool
}

type shWord []wpart

type shRedir struct {
	op     string // ">", ">>", "<", "2>", "2>>", "2>&1", ">&2"
	target shWord
}

type shCommand struct {
	words  []shWord
	redirs []shRedir
}

// shItem is a pipeline and the operator that follows it.
type shItem struct {
	pipe []shCommand
	op   string // ";", "&", "&&", "||" or "" at the end
}

type shSyntaxError struct{ msg string }

func (e *shSyntaxError) Error() string { return e.msg }

func parseShell(src string) ([]shItem, error) {
	p := &shParser{s: []rune(src)}
	return p.list(false)
}

type shParser struct {
	s []rune
	i int
}

func syntaxErr(tok string) error {
	if tok == "" {
		return &shSyntaxError{"Syntax error: end of file unexpected"}
	}
	return &shSyntaxError{"Syntax error: \"" + tok + "\" unexpected"}
}

// list parses until the end (or a closing ')' when inSub).
func (p *shParser) list(inSub bool) ([]shItem, error) {
	var items []shItem
	var pipe []shCommand
	cur := shCommand{}
	needCmd := false // after | && ||
	flush := func() bool {
		if len(cur.words) == 0 && len(cur.redirs) == 0 {
			return false
		}
		pipe = append(pipe, cur)
		cur = shCommand{}
		return true
	}
	for {
		p.blanks()
		if p.i >= len(p.s) {
			break
		}
		c := p.s[p.i]
		if c == '#' {
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
			continue
		}
		if inSub && c == ')' {
			break
		}
		op := p.operator()
		switch op {
		case "":
		case "|":
			if !flush() {
				return nil, syntaxErr("|")
			}
			needCmd = true
			continue
		case ";", "&", "&&", "||", "\n", ";;":
			if op == ";;" {
				return nil, syntaxErr(";;")
			}
			if !flush() {
				if op == "\n" {
					continue // blank lines, or a newline after && || |
				}
				return nil, syntaxErr(op)
			}
			if op == "\n" {
				op = ";"
			}
			items = append(items, shItem{pipe: pipe, op: op})
			pipe = nil
			needCmd = op == "&&" || op == "||"
			continue
		case "(", ")":
			return nil, syntaxErr(op)
		default: // redirection
			w, err := p.word()
			if err != nil {
				return nil, err
			}
			if op != "2>&1" && op != ">&2" && len(w) == 0 {
				return nil, syntaxErr(p.peekTok())
			}
			cur.redirs = append(cur.redirs, shRedir{op: op, target: w})
			needCmd = false
			continue
		}
		w, err := p.word()
		if err != nil {
			return nil, err
		}
		cur.words = append(cur.words, w)
		needCmd = false
	}
	if flush() {
		items = append(items, shItem{pipe: pipe})
	} else if len(pipe) > 0 || needCmd {
		return nil, syntaxErr("")
	}
	return items, nil
}

func (p *shParser) peekTok() string {
	p.blanks()
	if p.i >= len(p.s) {
		return "newline"
	}
	return string(p.s[p.i])
}

func (p *shParser) blanks() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// operator consumes a control or redirection operator at p.i.
func (p *shParser) operator() string {
	rest := string(p.s[p.i:min(len(p.s), p.i+4)])
	for _, op := range []string{"2>&1", "2>>", ">&2", "&&", "||", ";;", ">>", "2>", ";", "&", "|", "\n", ">", "<", "(", ")"} {
		if strings.HasPrefix(rest, op) {
			if op == "2>" || op == "2>>" || op == "2>&1" {
				// only a redirection when "2" starts a word
				if p.i > 0 && !strings.ContainsRune(" \t;&|\n", p.s[p.i-1]) {
					return ""
				}
			}
			p.i += len([]rune(op))
			return op
		}
	}
	return ""
}

func (p *shParser) word() (shWord, error) {
	p.blanks()
	var w shWord
	lit := func(s string, q bool) {
		if n := len(w); n > 0 && w[n-1].kind == 'l' && w[n-1].quoted == q {
			w[n-1].text += s
			return
		}
		w = append(w, wpart{kind: 'l', text: s, quoted: q})
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case strings.ContainsRune(" \t\n;&|<>()", c):
			return w, nil
		case c == '\'':
			end := indexRune(p.s, '\'', p.i+1)
			if end < 0 {
				return nil, &shSyntaxError{"Syntax error: Unterminated quoted string"}
			}
			lit(string(p.s[p.i+1:end]), true)
			p.i = end + 1
		case c == '"':
			p.i++
			closed := false
			for p.i < len(p.s) {
				d := p.s[p.i]
				if d == '"' {
					p.i++
					closed = true
					break
				}
				if d == '\\' && p.i+1 < len(p.s) && strings.ContainsRune("$`\"\\\n", p.s[p.i+1]) {
					lit(string(p.s[p.i+1]), true)
					p.i += 2
					continue
				}
				if d == '$' || d == '`' {
					part, err := p.expansion(true)
					if err != nil {
						return nil, err
					}
					w = append(w, part)
					continue
				}
				lit(string(d), true)
				p.i++
			}
			if !closed {
				return nil, &shSyntaxError{"Syntax error: Unterminated quoted string"}
			}
			if len(w) == 0 {
				lit("", true)
			}
		case c == '\\':
			if p.i+1 < len(p.s) {
				if p.s[p.i+1] != '\n' {
					lit(string(p.s[p.i+1]), true)
				}
				p.i += 2
			} else {
				p.i++
			}
		case c == '$' || c == '`':
			part, err := p.expansion(false)
			if err != nil {
				return nil, err
			}
			w = append(w, part)
		default:
			lit(string(c), false)
			p.i++
		}
	}
	return w, nil
}

func indexRune(s []rune, r rune, from int) int {
	for i := from; i < len(s); i++ {
		if s[i] == r {
			return i
		}
	}
	return -1
}

func (p *shParser) expansion(quoted bool) (wpart, error) {
	c := p.s[p.i]
	if c == '`' {
		end := indexRune(p.s, '`', p.i+1)
		if end < 0 {
			return wpart{}, &shSyntaxError{"Syntax error: EOF in backquote substitution"}
		}
		body := string(p.s[p.i+1 : end])
		p.i = end + 1
		return wpart{kind: 'c', text: body, quoted: quoted}, nil
	}
	// c == '$'
	if p.i+1 >= len(p.s) {
		p.i++
		return wpart{kind: 'l', text: "$", quoted: quoted}, nil
	}
	n := p.s[p.i+1]
	switch {
	case n == '(':
		depth := 0
		j := p.i + 1
		for ; j < len(p.s); j++ {
			if p.s[j] == '(' {
				depth++
			} else if p.s[j] == ')' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if j >= len(p.s) {
			return wpart{}, syntaxErr("")
		}
		body := string(p.s[p.i+2 : j])
		p.i = j + 1
		return wpart{kind: 'c', text: body, quoted: quoted}, nil
	case n == '{':
		end := indexRune(p.s, '}', p.i+2)
		if end < 0 {
			return wpart{}, &shSyntaxError{"Syntax error: Missing '}'"}
		}
		name := string(p.s[p.i+2 : end])
		p.i = end + 1
		if i := strings.IndexAny(name, ":-=+?#%"); i >= 0 {
			name = name[:i]
		}
		return wpart{kind: 'v', text: name, quoted: quoted}, nil
	case n == '?' || n == '$' || n == '0' || n == '#' || n == '@' || n == '*' || n == '!' || (n >= '1' && n <= '9'):
		p.i += 2
		return wpart{kind: 'v', text: string(n), quoted: quoted}, nil
	case n == '_' || (n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z'):
		j := p.i + 1
		for j < len(p.s) && (p.s[j] == '_' || (p.s[j] >= 'a' && p.s[j] <= 'z') || (p.s[j] >= 'A' && p.s[j] <= 'Z') || (p.s[j] >= '0' && p.s[j] <= '9')) {
			j++
		}
		name := string(p.s[p.i+1 : j])
		p.i = j
		return wpart{kind: 'v', text: name, quoted: quoted}, nil
	}
	p.i++
	return wpart{kind: 'l', text: "$", quoted: quoted}, nil
}

// ---- execution ----

// run executes a command line as sh -c would.
func (sh *shell) run(line string) shellResult {
	items, err := parseShell(line)
	if err != nil {
		return shellResult{stderr: "/bin/sh: 1: " + err.Error() + "\n", code: 2}
	}
	var out, errb strings.Builder
	status := 0
	for i, it := range items {
		prevOp := ""
		if i > 0 {
			prevOp = items[i-1].op
		}
		// and-or lists run left to right; a skipped pipeline keeps the
		// status, so "false && a || b" runs b.
		if (prevOp == "&&" && status != 0) || (prevOp == "||" && status == 0) {
			continue
		}
		o, e, code, exit := sh.pipeline(it.pipe)
		out.WriteString(o)
		errb.WriteString(e)
		status = code
		sh.status = code
		if exit {
			break
		}
	}
	return shellResult{stdout: out.String(), stderr: errb.String(), code: status}
}

func (sh *shell) pipeline(cmds []shCommand) (stdout, stderr string, code int, exit bool) {
	stdin := ""
	var errb strings.Builder
	for i, c := range cmds {
		o, e, st, ex := sh.command(c, stdin)
		errb.WriteString(e)
		if i < len(cmds)-1 {
			stdin = o
		} else {
			stdout = o
		}
		code = st
		exit = exit || (ex && len(cmds) == 1)
	}
	return stdout, errb.String(), code, exit
}

// expand turns words into fields: unquoted expansions are split on IFS
// whitespace.
func (sh *shell) expand(words []shWord) []string {
	var fields []string
	for _, w := range words {
		cur := ""
		have := false
		for _, p := range w {
			var val string
			switch p.kind {
			case 'l':
				cur += p.text
				have = true
				continue
			case 'v':
				val = sh.variable(p.text)
			case 'c':
				if sh.depth > 8 {
					continue
				}
				sh.depth++
				r := sh.run(p.text)
				sh.depth--
				val = strings.TrimRight(r.stdout, "\n")
				sh.status = r.code
			}
			if p.quoted {
				cur += val
				have = true
				continue
			}
			parts := strings.FieldsFunc(val, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
			if len(parts) == 0 {
				if val != "" && have { // ${IFS} splits the word
					fields = append(fields, cur)
					cur, have = "", false
				}
				continue
			}
			if len(val) > 0 && strings.ContainsRune(" \t\n", rune(val[0])) && have {
				fields = append(fields, cur)
				cur, have = "", false
			}
			for j, part := range parts {
				if j > 0 {
					fields = append(fields, cur)
					cur = ""
				}
				cur += part
				have = true
			}
			if strings.ContainsRune(" \t\n", rune(val[len(val)-1])) {
				fields = append(fields, cur)
				cur, have = "", false
			}
		}
		if have {
			fields = append(fields, cur)
		}
	}
	return fields
}

func (sh *shell) variable(name string) string {
	switch name {
	case "?":
		return strconv.Itoa(sh.status)
	case "$":
		return "8"
	case "0":
		return "/bin/sh"
	case "#":
		return "0"
	case "!", "@", "*":
		return ""
	case "PWD":
		return sh.cwd
	}
	if name >= "1" && name <= "9" && len(name) == 1 {
		return ""
	}
	return sh.env[name]
}

func (sh *shell) command(c shCommand, stdin string) (stdout, stderr string, code int, exit bool) {
	argv := sh.expand(c.words)
	// redirections
	stdoutTo, stderrTo := "", "" // "" = captured, "null" = discarded, "merge"
	for _, r := range c.redirs {
		target := strings.Join(sh.expand([]shWord{r.target}), " ")
		switch r.op {
		case "2>&1":
			stderrTo = "merge"
		case ">&2":
			stdoutTo = "stderr"
		case "<":
			content, ok := sh.files[sh.abs(target)]
			if !ok {
				return "", "/bin/sh: 1: cannot open " + target + ": No such file\n", 2, false
			}
			stdin = content
		case ">", ">>":
			if !sh.writable(target) {
				return "", "/bin/sh: 1: cannot create " + target + ": Permission denied\n", 2, false
			}
			stdoutTo = "null"
		case "2>", "2>>":
			if !sh.writable(target) {
				return "", "/bin/sh: 1: cannot create " + target + ": Permission denied\n", 2, false
			}
			stderrTo = "null"
		}
	}
	if len(argv) == 0 {
		return "", "", sh.status, false
	}
	o, e, st, ex := sh.builtin(argv, stdin)
	switch stdoutTo {
	case "null":
		o = ""
	case "stderr":
		e, o = e+o, ""
	}
	switch stderrTo {
	case "null":
		e = ""
	case "merge":
		o, e = o+e, ""
	}
	return o, e, st, ex
}

func (sh *shell) writable(path string) bool {
	p := sh.abs(path)
	return p == "/dev/null" || strings.HasPrefix(p, "/tmp/") || strings.HasPrefix(p, "/dev/shm/") || strings.HasPrefix(p, "/home/app/")
}

func (sh *shell) abs(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = sh.cwd + "/" + p
	}
	parts := []string{}
	for _, s := range strings.Split(p, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(parts) > 0 {
				parts = parts[:len(parts)-1]
			}
		default:
			parts = append(parts, s)
		}
	}
	return "/" + strings.Join(parts, "/")
}

func (sh *shell) doSleep(d time.Duration) {
	if left := maxShellSleep - sh.slept; d > left {
		d = left
	}
	if d > 0 {
		sh.slept += d
		sh.sleep(d)
	}
}

func notFound(name string) (string, string, int, bool) {
	return "", "/bin/sh: 1: " + name + ": not found\n", 127, false
}

func (sh *shell) builtin(argv []string, stdin string) (stdout, stderr string, code int, exit bool) {
	name := argv[0]
	if strings.HasPrefix(name, "/") {
		base := name[strings.LastIndex(name, "/")+1:]
		switch strings.TrimSuffix(name, "/"+base) {
		case "/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin":
			name = base
		default:
			if _, ok := sh.files[name]; ok {
				return "", "/bin/sh: 1: " + name + ": Permission denied\n", 126, false
			}
			return "", "/bin/sh: 1: " + name + ": not found\n", 127, false
		}
	}
	args := argv[1:]
	switch name {
	case "df":
		return dfCommand(args, sh)
	case "id":
		return idCommand(args)
	case "whoami":
		return "app\n", "", 0, false
	case "echo":
		nl := true
		for len(args) > 0 && (args[0] == "-n" || args[0] == "-e" || args[0] == "-ne" || args[0] == "-en") {
			if strings.Contains(args[0], "n") {
				nl = false
			}
			args = args[1:]
		}
		out := strings.Join(args, " ")
		if nl {
			out += "\n"
		}
		return out, "", 0, false
	case "printf":
		if len(args) == 0 {
			return "", "printf: usage: printf format [arguments]\n", 2, false
		}
		f := strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`).Replace(args[0])
		rest := args[1:]
		var sb strings.Builder
		for i := 0; i < len(f); i++ {
			if f[i] == '%' && i+1 < len(f) {
				switch f[i+1] {
				case 's', 'd':
					if len(rest) > 0 {
						sb.WriteString(rest[0])
						rest = rest[1:]
					}
					i++
					continue
				case '%':
					sb.WriteByte('%')
					i++
					continue
				}
			}
			sb.WriteByte(f[i])
		}
		return sb.String(), "", 0, false
	case "uname":
		full := map[string]string{"-s": "Linux", "-n": containerHost, "-r": "5.15.0-1057-azure", "-v": "#65-Ubuntu SMP Fri Feb 9 18:39:24 UTC 2024", "-m": "x86_64", "-o": "GNU/Linux"}
		if len(args) == 0 {
			return "Linux\n", "", 0, false
		}
		if args[0] == "-a" || args[0] == "--all" {
			return "Linux " + containerHost + " 5.15.0-1057-azure #65-Ubuntu SMP Fri Feb 9 18:39:24 UTC 2024 x86_64 GNU/Linux\n", "", 0, false
		}
		var out []string
		for _, a := range args {
			v, ok := full[a]
			if !ok {
				return "", "uname: invalid option -- '" + strings.TrimLeft(a, "-") + "'\nTry 'uname --help' for more information.\n", 1, false
			}
			out = append(out, v)
		}
		return strings.Join(out, " ") + "\n", "", 0, false
	case "hostname":
		return containerHost + "\n", "", 0, false
	case "pwd":
		return sh.cwd + "\n", "", 0, false
	case "cd":
		dir := sh.env["HOME"]
		if len(args) > 0 {
			dir = sh.abs(args[0])
		}
		if _, ok := sh.dirs[dir]; !ok {
			return "", "/bin/sh: 1: cd: can't cd to " + strings.Join(args, " ") + "\n", 2, false
		}
		sh.cwd = dir
		return "", "", 0, false
	case "cat":
		if len(args) == 0 {
			return stdin, "", 0, false
		}
		var out, errs strings.Builder
		st := 0
		for _, a := range args {
			p := sh.abs(a)
			if c, ok := sh.files[p]; ok {
				if p == "/etc/shadow" {
					errs.WriteString("cat: " + a + ": Permission denied\n")
					st = 1
					continue
				}
				out.WriteString(c)
			} else if _, isDir := sh.dirs[p]; isDir {
				errs.WriteString("cat: " + a + ": Is a directory\n")
				st = 1
			} else if p == "/etc/shadow" {
				errs.WriteString("cat: " + a + ": Permission denied\n")
				st = 1
			} else {
				errs.WriteString("cat: " + a + ": No such file or directory\n")
				st = 1
			}
		}
		return out.String(), errs.String(), st, false
	case "ls":
		var paths []string
		for _, a := range args {
			if !strings.HasPrefix(a, "-") {
				paths = append(paths, a)
			}
		}
		if len(paths) == 0 {
			paths = []string{"."}
		}
		var out, errs strings.Builder
		st := 0
		for _, a := range paths {
			p := sh.abs(a)
			entries, ok := sh.dirs[p]
			switch {
			case ok && entries == nil:
				errs.WriteString("ls: cannot open directory '" + a + "': Permission denied\n")
				st = 2
			case ok:
				if len(paths) > 1 {
					out.WriteString(a + ":\n")
				}
				e := append([]string(nil), entries...)
				sort.Strings(e)
				for _, n := range e {
					out.WriteString(n + "\n")
				}
			default:
				if _, isFile := sh.files[p]; isFile {
					out.WriteString(a + "\n")
					continue
				}
				errs.WriteString("ls: cannot access '" + a + "': No such file or directory\n")
				st = 2
			}
		}
		return out.String(), errs.String(), st, false
	case "sleep":
		if len(args) == 0 {
			return "", "sleep: missing operand\nTry 'sleep --help' for more information.\n", 1, false
		}
		var total time.Duration
		for _, a := range args {
			mult := time.Second
			switch {
			case strings.HasSuffix(a, "s"):
				a = strings.TrimSuffix(a, "s")
			case strings.HasSuffix(a, "m"):
				a, mult = strings.TrimSuffix(a, "m"), time.Minute
			case strings.HasSuffix(a, "h"):
				a, mult = strings.TrimSuffix(a, "h"), time.Hour
			}
			f, err := strconv.ParseFloat(a, 64)
			if err != nil || f < 0 {
				return "", "sleep: invalid time interval '" + a + "'\nTry 'sleep --help' for more information.\n", 1, false
			}
			total += time.Duration(f * float64(mult))
		}
		sh.doSleep(total)
		return "", "", 0, false
	case "ping":
		count, host := -1, ""
		for i := 0; i < len(args); i++ {
			switch a := args[i]; {
			case a == "-c" && i+1 < len(args):
				n, err := strconv.Atoi(args[i+1])
				if err != nil || n < 1 {
					return "", "ping: invalid argument: '" + args[i+1] + "'\n", 1, false
				}
				count = n
				i++
			case strings.HasPrefix(a, "-c"):
				count, _ = strconv.Atoi(a[2:])
			case !strings.HasPrefix(a, "-"):
				host = a
			}
		}
		if host == "" {
			return "", "ping: usage error: Destination address required\n", 1, false
		}
		if host != "127.0.0.1" && host != "localhost" {
			return "", "ping: " + host + ": Temporary failure in name resolution\n", 2, false
		}
		n := count
		if n < 0 {
			n = 1 << 20 // until killed; the cap ends it
		}
		var out strings.Builder
		out.WriteString("PING " + host + " (127.0.0.1) 56(84) bytes of data.\n")
		for i := 1; i <= n && sh.slept < maxShellSleep; i++ {
			out.WriteString("64 bytes from 127.0.0.1: icmp_seq=" + strconv.Itoa(i) + " ttl=64 time=0.045 ms\n")
			if i < n {
				sh.doSleep(time.Second)
			}
		}
		return out.String(), "", 0, false
	case "true", ":":
		return "", "", 0, false
	case "false":
		return "", "", 1, false
	case "exit":
		st := 0
		if len(args) > 0 {
			st, _ = strconv.Atoi(args[0])
		}
		return "", "", st, true
	case "env", "printenv":
		if len(args) > 0 {
			v, ok := sh.env[args[0]]
			if !ok || args[0] == "IFS" {
				return "", "", 1, false
			}
			return v + "\n", "", 0, false
		}
		keys := make([]string, 0, len(sh.env))
		for k := range sh.env {
			if k != "IFS" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var out strings.Builder
		for _, k := range keys {
			out.WriteString(k + "=" + sh.env[k] + "\n")
		}
		return out.String(), "", 0, false
	case "head", "tail":
		n := 10
		var files []string
		for i := 0; i < len(args); i++ {
			a := args[i]
			switch {
			case a == "-n" && i+1 < len(args):
				n, _ = strconv.Atoi(args[i+1])
				i++
			case strings.HasPrefix(a, "-") && len(a) > 1:
				if v, err := strconv.Atoi(a[1:]); err == nil {
					n = v
				}
			default:
				files = append(files, a)
			}
		}
		text := stdin
		if len(files) > 0 {
			c, ok := sh.files[sh.abs(files[0])]
			if !ok {
				return "", name + ": cannot open '" + files[0] + "' for reading: No such file or directory\n", 1, false
			}
			text = c
		}
		lines := strings.SplitAfter(text, "\n")
		if len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if n < len(lines) {
			if name == "head" {
				lines = lines[:n]
			} else {
				lines = lines[len(lines)-n:]
			}
		}
		return strings.Join(lines, ""), "", 0, false
	case "wc":
		lines := strings.Count(stdin, "\n")
		if len(args) > 0 && args[0] == "-l" {
			return strconv.Itoa(lines) + "\n", "", 0, false
		}
		return strconv.Itoa(lines) + " " + strconv.Itoa(len(strings.Fields(stdin))) + " " + strconv.Itoa(len(stdin)) + "\n", "", 0, false
	case "grep":
		if len(args) == 0 {
			return "", "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2, false
		}
		text := stdin
		if len(args) > 1 {
			c, ok := sh.files[sh.abs(args[1])]
			if !ok {
				return "", "grep: " + args[1] + ": No such file or directory\n", 2, false
			}
			text = c
		}
		var out strings.Builder
		for _, l := range strings.SplitAfter(text, "\n") {
			if l != "" && strings.Contains(l, args[0]) {
				out.WriteString(l)
			}
		}
		if out.Len() == 0 {
			return "", "", 1, false
		}
		return out.String(), "", 0, false
	case "sh", "bash", "dash":
		if len(args) >= 2 && args[0] == "-c" {
			if sh.depth > 8 {
				return "", "", 2, false
			}
			sh.depth++
			r := sh.run(args[1])
			sh.depth--
			return r.stdout, r.stderr, r.code, false
		}
		return "", "", 0, false
	}
	return notFound(name)
}

func idCommand(args []string) (string, string, int, bool) {
	user := "app"
	flags := ""
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			flags += strings.TrimLeft(a, "-")
		} else {
			user = a
		}
	}
	uid, name := "1000", "app"
	switch user {
	case "app":
	case "root":
		uid, name = "0", "root"
	default:
		return "", "id: '" + user + "': no such user\n", 1, false
	}
	switch {
	case flags == "":
		return "uid=" + uid + "(" + name + ") gid=" + uid + "(" + name + ") groups=" + uid + "(" + name + ")\n", "", 0, false
	case strings.Contains(flags, "n") && (strings.Contains(flags, "u") || strings.Contains(flags, "g")):
		return name + "\n", "", 0, false
	case flags == "u" || flags == "g" || flags == "G":
		return uid + "\n", "", 0, false
	}
	return "", "id: invalid option -- '" + flags[:1] + "'\nTry 'id --help' for more information.\n", 1, false
}

// mount is one line of the container's df.
type mount struct {
	fs, typ, size, used, avail, pct, on string
	inodes, iused, ifree, ipct          string
}

var mounts = []mount{
	{"overlay", "overlay", "59G", "23G", "34G", "41%", "/", "3.8M", "412K", "3.4M", "11%"},
	{"tmpfs", "tmpfs", "64M", "0", "64M", "0%", "/dev", "983K", "17", "983K", "1%"},
	{"shm", "tmpfs", "64M", "0", "64M", "0%", "/dev/shm", "983K", "1", "983K", "1%"},
	{"/dev/sda1", "ext4", "59G", "23G", "34G", "41%", "/etc/hosts", "3.8M", "412K", "3.4M", "11%"},
	{"tmpfs", "tmpfs", "3.9G", "0", "3.9G", "0%", "/proc/acpi", "983K", "1", "983K", "1%"},
	{"tmpfs", "tmpfs", "3.9G", "0", "3.9G", "0%", "/sys/firmware", "983K", "1", "983K", "1%"},
}

// dfOptions are the df arguments the secure build accepts.
var dfOptions = map[string]bool{"-h": true, "-H": true, "-a": true, "-i": true, "-T": true, "-l": true, "-P": true, "-k": true, "--total": true}

func dfCommand(args []string, sh *shell) (string, string, int, bool) {
	inodes, types, total := false, false, false
	var paths []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--help":
			return "Usage: df [OPTION]... [FILE]...\nShow information about the file system on which each FILE resides,\nor all file systems by default.\n", "", 0, false
		case a == "--version":
			return "df (GNU coreutils) 9.1\n", "", 0, false
		case a == "--total":
			total = true
		case a == "-x" || a == "-t" || a == "-B":
			if i+1 >= len(args) {
				return "", "df: option requires an argument -- '" + a[1:] + "'\nTry 'df --help' for more information.\n", 1, false
			}
			i++
		case strings.HasPrefix(a, "--"):
			return "", "df: unrecognized option '" + a + "'\nTry 'df --help' for more information.\n", 1, false
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for _, f := range a[1:] {
				switch f {
				case 'i':
					inodes = true
				case 'T':
					types = true
				case 'h', 'H', 'a', 'l', 'P', 'k', 'm':
				default:
					return "", "df: invalid option -- '" + string(f) + "'\nTry 'df --help' for more information.\n", 1, false
				}
			}
		default:
			paths = append(paths, a)
		}
	}
	rows := mounts
	var errs strings.Builder
	st := 0
	if len(paths) > 0 {
		rows = nil
		for _, p := range paths {
			ap := sh.abs(p)
			m, ok := mountOf(ap, sh)
			if !ok {
				errs.WriteString("df: " + p + ": No such file or directory\n")
				st = 1
				continue
			}
			rows = append(rows, m)
		}
		if len(rows) == 0 {
			return "", errs.String(), st, false
		}
	}
	var sb strings.Builder
	line := func(cols ...string) {
		sb.WriteString(strings.Join(cols, " ") + "\n")
	}
	pad := func(s string, n int, right bool) string {
		if len(s) >= n {
			return s
		}
		if right {
			return strings.Repeat(" ", n-len(s)) + s
		}
		return s + strings.Repeat(" ", n-len(s))
	}
	head := []string{pad("Filesystem", 14, false)}
	if types {
		head = append(head, pad("Type", 7, false))
	}
	if inodes {
		head = append(head, pad("Inodes", 6, true), pad("IUsed", 5, true), pad("IFree", 5, true), "IUse%", "Mounted on")
	} else {
		head = append(head, pad("Size", 5, true), pad("Used", 5, true), pad("Avail", 5, true), "Use%", "Mounted on")
	}
	line(head...)
	if total {
		rows = append(append([]mount(nil), rows...), mount{"total", "-", "125G", "46G", "72G", "39%", "-", "8.7M", "825K", "7.8M", "10%"})
	}
	for _, m := range rows {
		c := []string{pad(m.fs, 14, false)}
		if types {
			c = append(c, pad(m.typ, 7, false))
		}
		if inodes {
			c = append(c, pad(m.inodes, 6, true), pad(m.iused, 5, true), pad(m.ifree, 5, true), pad(m.ipct, 5, true), m.on)
		} else {
			c = append(c, pad(m.size, 5, true), pad(m.used, 5, true), pad(m.avail, 5, true), pad(m.pct, 4, true), m.on)
		}
		line(c...)
	}
	return sb.String(), errs.String(), st, false
}

func mountOf(p string, sh *shell) (mount, bool) {
	_, isDir := sh.dirs[p]
	_, isFile := sh.files[p]
	if !isDir && !isFile && p != "/etc/shadow" && p != "/etc/resolv.conf" {
		return mount{}, false
	}
	best := mounts[0]
	for _, m := range mounts {
		if p == m.on || strings.HasPrefix(p, m.on+"/") {
			if len(m.on) > len(best.on) {
				best = m
			}
		}
	}
	return best, true
}
