package security

import "testing"

// Every probe's signature has a body that carries it and a near miss that
// does not: the same words in another kind of page, a default, a JSON
// document of another shape.
func TestInternalPathSignatures(t *testing.T) {
	cases := map[string]struct {
		media         string
		hit, nearMiss string
	}{
		"/actuator":     {"application/json", `{"_links":{"self":{"href":"/actuator"},"beans":{"href":"/actuator/beans"}}}`, `{"_links":{"self":{"href":"/actuator"},"health":{"href":"/actuator/health"},"info":{"href":"/actuator/info"}}}`},
		"/actuator/env": {"application/json", `{"activeProfiles":[],"propertySources":[]}`, `{"propertySources":[]}`},
		"/env":          {"application/json", `{"profiles":[],"systemProperties":{"java.version":"17"}}`, `{"profiles":[],"env":"production"}`},
		"/.env":         {"text/plain", "APP_KEY=base64:x\nDB_PASSWORD=y\n", "Welcome to our site.\nAPP_KEY=x\nSee the docs.\nContact us.\nMore text.\n"},
		"/.git/config":  {"text/plain", "[core]\n\trepositoryformatversion = 0\n", "[core] settings are described in our FAQ"},
		"/.aws/credentials": {"text/plain", "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n",
			"aws_access_key_id is the name of the setting"},
		"/debug/pprof/":           {"text/html", "Types of profiles available: <a href=goroutine>goroutine</a>", "goroutine leaks, explained"},
		"/debug/vars":             {"application/json", `{"cmdline":["/app"],"memstats":{"Alloc":1}}`, `{"cmdline":"ls","memstats":"n/a"}`},
		"/console":                {"text/html", `<title>Console // Werkzeug Debugger</title><h1>Interactive Console</h1>`, `<h1>Werkzeug</h1> is a WSGI library`},
		"/server-status":          {"text/html", "<h1>Apache Server Status for example.com</h1> Server Version: Apache/2.4", "Server Status: all systems operational"},
		"/phpinfo.php":            {"text/html", "<title>PHP 8.2 - phpinfo()</title> PHP Version 8.2.1", "PHP Version 8 is supported"},
		"/_ignition/health-check": {"application/json", `{"can_execute_commands":true}`, `{"can_execute_commands":false}`},
		"/elmah.axd":              {"text/html", "<title>Error Log for /LM/W3SVC</title> Powered by ELMAH", "ELMAH is an error logger"},
		"/WEB-INF/web.xml":        {"application/xml", `<web-app version="4.0"><servlet/></web-app>`, `<web-application/>`},
	}
	for _, p := range internalPaths {
		c, ok := cases[p.path]
		if !ok {
			t.Errorf("%s: no case", p.path)
			continue
		}
		if what, _ := p.found([]byte(c.hit), c.media); what == "" {
			t.Errorf("%s: the signature does not match %q", p.path, c.hit)
		}
		if what, _ := p.found([]byte(c.nearMiss), c.media); what != "" {
			t.Errorf("%s: the near miss %q matches (%s)", p.path, c.nearMiss, what)
		}
	}
}
