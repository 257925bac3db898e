package evidence

import (
	"net/http"
	"strings"
	"testing"
)

func TestLeaks(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		kind   Kind
		detail string
	}{
		{"java frame", "java.lang.NullPointerException\n\tat com.acme.users.UserService.find(UserService.java:42)\n", StackTrace, "java"},
		{"java thread", `Exception in thread "main" java.lang.IllegalStateException: boom`, StackTrace, "java"},
		{"python traceback", "Traceback (most recent call last):\n  File \"/app/api.py\", line 12, in get\n", StackTrace, "python"},
		{"python frame in json", `{"detail":"  File \"/srv/app/views.py\", line 88, in list_users"}`, StackTrace, "python"},
		{"go panic", "panic: runtime error\n\ngoroutine 17 [running]:\nmain.handler()\n", StackTrace, "go"},
		{"node frame in json", `{"stack":"TypeError: x is undefined\n    at Object.<anonymous> (/app/src/index.js:10:5)"}`, StackTrace, "node"},
		{"node internal frame", "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)", StackTrace, "node"},
		{"dotnet frame", `   at Acme.Api.UsersController.Get(Int32 id) in C:\src\Acme.Api\UsersController.cs:line 31`, StackTrace, "dotnet"},
		{"dotnet end of trace", "--- End of stack trace from previous location ---", StackTrace, "dotnet"},
		{"php fatal", "<b>Fatal error</b>: Uncaught Error: Call to undefined function in <b>/var/www/html/api.php</b> on line <b>7</b>", StackTrace, "php"},
		{"php trace", "Stack trace:\n#0 /var/www/html/index.php(12): run()\n", StackTrace, "php"},
		{"ruby frame", "/app/models/user.rb:12:in `find'", StackTrace, "ruby"},
		{"mysql", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version", SQLError, "mysql"},
		{"postgres", `ERROR:  syntax error at or near "'" at character 33`, SQLError, "postgresql"},
		{"postgres unterminated", `{"error":"unterminated quoted string at or near \"'abc\""}`, SQLError, "postgresql"},
		{"sqlite", `{"error":"(sqlite3.OperationalError) near \"abc\": syntax error"}`, SQLError, "sqlite"},
		{"mssql", "Unclosed quotation mark after the character string 'abc'.", SQLError, "mssql"},
		{"oracle", "ORA-01756: quoted string not properly terminated", SQLError, "oracle"},
		{"pdo", "SQLSTATE[42000]: Syntax error or access violation", SQLError, "generic"},
		{"spring whitelabel", "<h1>Whitelabel Error Page</h1>", FrameworkBanner, "spring-boot"},
		{"django debug", "You're seeing this error because you have <code>DEBUG = True</code> in your Django settings", FrameworkBanner, "django"},
		{"werkzeug", "<title>Werkzeug Debugger</title>", FrameworkBanner, "werkzeug"},
		{"tomcat", "<h3>Apache Tomcat/9.0.41</h3>", FrameworkBanner, "tomcat"},
		{"aspnet", "Server Error in '/' Application.", FrameworkBanner, "aspnet"},
		{"unix source path", `{"error":"open failed","where":"/home/deploy/api/handlers/users.go"}`, FilePath, "unix"},
		{"windows path in json", `{"file":"C:\\inetpub\\wwwroot\\Api\\Global.asax.cs"}`, FilePath, "windows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Leaks([]byte(tt.body))
			for _, m := range got {
				if m.Kind == tt.kind && m.Detail == tt.detail {
					if m.Excerpt == "" || len(m.Excerpt) > maxExcerpt+len("…") {
						t.Errorf("bad excerpt %q", m.Excerpt)
					}
					return
				}
			}
			t.Errorf("Leaks(%q) = %+v, want a %s/%s match", tt.body, got, tt.kind, tt.detail)
		})
	}
}

// TestLeaksCleanTwins are bodies that talk about errors without leaking
// anything; each would be a false positive.
func TestLeaksCleanTwins(t *testing.T) {
	clean := []string{
		`{"error":"not found","code":404}`,
		`{"error":"Exception: invalid id"}`,
		`{"message":"Use the SQL syntax guide at https://docs.example.com"}`,
		`{"script":"https://cdn.example.com/app/main.js","docs":"https://example.com/home/user/guide.py"}`,
		`{"title":"Error handling at scale (part 2)"}`,
		`{"path":"/users/42/orders","file":"report.pdf"}`,
		`{"note":"root: the top of the tree"}`,
		`{"error":"invalid input syntax"}`,
		`{"msg":"Whitelabel is our brand"}`,
		"Internal Server Error",
		"",
	}
	for _, body := range clean {
		if got := Leaks([]byte(body)); len(got) != 0 {
			t.Errorf("Leaks(%q) = %+v, want none", body, got)
		}
	}
}

func TestFileContents(t *testing.T) {
	tests := []struct {
		body   string
		detail string
	}{
		{"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n", "/etc/passwd"},
		{`{"content":"root:x:0:0:root:/root:/bin/sh\nbin:x:1:1"}`, "/etc/passwd"},
		{"; for 16-bit app support\n[fonts]\n[extensions]\n", "win.ini"},
		{"[boot loader]\ntimeout=30\n", "boot.ini"},
		{"", ""},
		{`{"user":"root","uid":0}`, ""},
		{`{"error":"file ../../etc/passwd not found"}`, ""},
	}
	for _, tt := range tests {
		got := FileContents([]byte(tt.body))
		if tt.detail == "" {
			if len(got) != 0 {
				t.Errorf("FileContents(%q) = %+v, want none", tt.body, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Detail != tt.detail || got[0].Kind != FileContent {
			t.Errorf("FileContents(%q) = %+v, want %s", tt.body, got, tt.detail)
		}
	}
}

func TestVersionHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("Server", "Apache/2.4.41 (Ubuntu)")
	h.Set("X-Powered-By", "PHP/7.4.3")
	h.Set("Content-Type", "application/json")
	got := VersionHeaders(h)
	if len(got) != 2 || got[0].Detail != "Server" || got[1].Detail != "X-Powered-By" {
		t.Errorf("VersionHeaders = %+v", got)
	}
	clean := http.Header{}
	clean.Set("Server", "nginx")
	clean.Set("X-Powered-By", "Express")
	if got := VersionHeaders(clean); len(got) != 0 {
		t.Errorf("version-less banners reported: %+v", got)
	}
}

func TestWithoutDropsEchoedPayload(t *testing.T) {
	payload := "' OR 1=1 -- ORA-00933: "
	body := []byte(`{"error":"invalid id: ' OR 1=1 -- ORA-00933: "}`)
	if len(SQLErrors(body)) == 0 {
		t.Fatal("precondition: the raw body matches")
	}
	if got := SQLErrors(Without(body, payload)); len(got) != 0 {
		t.Errorf("echoed payload counted as evidence: %+v", got)
	}
}

func TestNewDropsBaselineMatches(t *testing.T) {
	baseline := Leaks([]byte("see ORA-00933: for details"))
	got := Leaks([]byte("ORA-00933: SQL command not properly ended; Traceback (most recent call last):"))
	fresh := New(got, baseline)
	if len(fresh) != 1 || fresh[0].Kind != StackTrace {
		t.Errorf("New = %+v, want only the stack trace", fresh)
	}
}

func TestReflected(t *testing.T) {
	p := `<svg/onload=spx7f3a>`
	tests := []struct {
		name, body, ct, payload string
		want                    bool
	}{
		{"html reflects", "<p>Hello " + p + "</p>", "text/html; charset=utf-8", p, true},
		{"sniffed html", "<p>" + p, "", p, true},
		{"html escapes", "<p>Hello &lt;svg/onload=spx7f3a&gt;</p>", "text/html", p, false},
		{"json echoes", `{"name":"` + p + `"}`, "application/json", p, false},
		{"no active content", "<p>spx7f3a</p>", "text/html", "spx7f3a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := Reflected([]byte(tt.body), tt.ct, tt.payload); got != tt.want {
				t.Errorf("Reflected = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHostileBodies(t *testing.T) {
	huge := []byte(strings.Repeat("at (", MaxScanBytes) + "Traceback (most recent call last):")
	if got := Leaks(huge); len(got) != 0 {
		t.Errorf("read past MaxScanBytes: %+v", got)
	}
	bin := []byte{0xff, 0xfe, 0x00, 'r', 'o', 'o', 't', ':', 0x80}
	_ = Leaks(bin)
	_ = FileContents(bin)
}

func TestCommandOutputs(t *testing.T) {
	if got := CommandOutputs([]byte(`{"out":"uid=33(www-data) gid=33(www-data) groups=33(www-data)"}`)); len(got) != 1 {
		t.Errorf("id output not found: %+v", got)
	}
	for _, clean := range []string{`{"uid":33,"gid":33}`, `uid=abc gid=def`, `{"query":"uid=1 gid=2"}`} {
		if got := CommandOutputs([]byte(clean)); len(got) != 0 {
			t.Errorf("CommandOutputs(%q) = %+v", clean, got)
		}
	}
}

func TestEvaluated(t *testing.T) {
	tests := []struct {
		name, body, payload string
		want                bool
	}{
		{"jinja evaluated", `{"greeting":"Hello 49specter"}`, "{{7*7}}specter", true},
		{"el evaluated", `Hello 49specter`, "${7*7}specter", true},
		{"erb evaluated", `Hello 49specter`, "<%= 7*7 %>specter", true},
		{"echoed verbatim", `{"greeting":"Hello {{7*7}}specter"}`, "{{7*7}}specter", false},
		{"no template payload", `Hello 49specter`, "specter'\"", false},
		{"marker absent", `{"total":49}`, "{{7*7}}specter", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := Evaluated([]byte(tt.body), tt.payload); got != tt.want {
				t.Errorf("Evaluated = %v, want %v", got, tt.want)
			}
		})
	}
}
