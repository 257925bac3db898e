package security_test

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/specterhq/specter/fuzz/oracle/security"
)

const itemsSpec = `openapi: 3.0.3
info: {title: items, version: "1"}
paths:
  /items:
    get:
      responses:
        "200": {description: the items, content: {application/json: {schema: {type: array, items: {type: object}}}}}
`

// Secrets the deployments below leak; none may show in a finding.
var leaked = []string{"Pr0d-db-pass!", "s3cr3t-pass-123", "jwt-signing-key-42", "ghp_deploytoken123456"}

// files answers GET path with a status, a content type and a body;
// everything else gets the framework's 404, or fallback when set.
type files struct {
	paths    map[string][3]string // path -> status, content type, body
	fallback func(w http.ResponseWriter, r *http.Request)
}

func (f files) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/items" {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[{"id":1}]`)
		return
	}
	if a, ok := f.paths[r.URL.Path]; ok {
		var status int
		fmt.Sscan(a[0], &status)
		w.Header().Set("Content-Type", a[1])
		w.WriteHeader(status)
		fmt.Fprint(w, a[2])
		return
	}
	if f.fallback != nil {
		f.fallback(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(404)
	fmt.Fprintf(w, `{"timestamp":"2026-01-02T03:04:05.000+00:00","status":404,"error":"Not Found","path":"%s"}`, r.URL.Path)
}

// TestInternalEndpoints runs the oracle at the end of a run against
// deployments that expose what real ones do (an Actuator with env and
// heapdump, a .env served as a static file, a .git directory, the
// Werkzeug console, pprof) and against ones that must give nothing: the
// Actuator's defaults, a front end answering every path with its page, a
// catch-all JSON answer, pages that quote the path.
func TestInternalEndpoints(t *testing.T) {
	spaIndex := `<!doctype html><html><head><title>Shop</title></head><body><div id="root"></div></body></html>`
	cases := []struct {
		name string
		srv  files
		want []string // operations with the finding
	}{
		{"spring actuator exposed", files{paths: map[string][3]string{
			"/actuator":     {"200", "application/vnd.spring-boot.actuator.v3+json", `{"_links":{"self":{"href":"http://h/actuator","templated":false},"health":{"href":"http://h/actuator/health","templated":false},"env":{"href":"http://h/actuator/env","templated":false},"heapdump":{"href":"http://h/actuator/heapdump","templated":false}}}`},
			"/actuator/env": {"200", "application/vnd.spring-boot.actuator.v3+json", `{"activeProfiles":["prod"],"propertySources":[{"name":"server.ports","properties":{"local.server.port":{"value":8080}}},{"name":"Config resource 'class path resource [application.properties]'","properties":{"spring.datasource.url":{"value":"jdbc:postgresql://db/shop"},"spring.datasource.password":{"value":"Pr0d-db-pass!"},"app.jwt.secret":{"value":"******"}}}]}`},
		}}, []string{"GET /actuator", "GET /actuator/env"}},
		{"express serving .env", files{paths: map[string][3]string{
			"/.env": {"200", "application/octet-stream", "# production\nNODE_ENV=production\nDB_HOST=db.internal\nDB_PASSWORD=s3cr3t-pass-123\nJWT_SECRET=\"jwt-signing-key-42\"\n"},
		}, fallback: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(404)
			fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET %s</pre>\n</body>\n</html>\n", r.URL.Path)
		}}, []string{"GET /.env"}},
		{"nginx serving .git", files{paths: map[string][3]string{
			"/.git/config": {"200", "application/octet-stream", "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n[remote \"origin\"]\n\turl = https://deploy:ghp_deploytoken123456@github.com/acme/api.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"},
		}}, []string{"GET /.git/config"}},
		{"flask debug console and go pprof", files{paths: map[string][3]string{
			"/console":      {"200", "text/html; charset=utf-8", `<!doctype html><html><head><title>Console // Werkzeug Debugger</title><script src="?__debugger__=yes&amp;cmd=resource&amp;f=debugger.js"></script></head><body><h1>Interactive Console</h1></body></html>`},
			"/debug/pprof/": {"200", "text/html; charset=utf-8", `<html><head><title>/debug/pprof/</title></head><body>/debug/pprof/<br><p>Set debug=1 as a query parameter to export in legacy text format</p><br>Types of profiles available:<table><tr><td>12</td><td><a href='goroutine?debug=1'>goroutine</a></td></tr></table></body></html>`},
		}}, []string{"GET /console", "GET /debug/pprof/"}},
		{"secure: actuator defaults", files{paths: map[string][3]string{
			"/actuator": {"200", "application/vnd.spring-boot.actuator.v3+json", `{"_links":{"self":{"href":"http://h/actuator","templated":false},"health":{"href":"http://h/actuator/health","templated":false},"info":{"href":"http://h/actuator/info","templated":false}}}`},
		}}, nil},
		{"secure: front end answers every path", files{fallback: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, spaIndex)
		}}, nil},
		{"secure: catch-all JSON", files{fallback: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"status":"ok","env":"production","path":"`+r.URL.Path+`"}`)
		}}, nil},
		{"secure: page quoting the path", files{fallback: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprintf(w, "No route for GET %s\nTry /items\n", r.URL.Path)
		}}, nil},
		{"secure: .env that is a web page", files{paths: map[string][3]string{
			"/.env": {"200", "text/html", "<html><body>DB_HOST=x<br>A=b</body></html>"},
		}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, found := runOneOracle(t, itemsSpec, tc.srv, security.NewInternalEndpoints(), security.RuleInternalEndpoint, nil)
			for _, f := range found {
				if f.Location.File == "" || f.Location.Line != 1 {
					t.Errorf("%s: located at %+v, want the top of the spec", f.Operation.Path, f.Location)
				}
				for _, v := range leaked {
					if strings.Contains(f.Evidence, v) || strings.Contains(f.Message, v) {
						t.Errorf("%s shows the leaked %q:\n%s\n%s", f.Operation.Path, v, f.Message, f.Evidence)
					}
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings on %v, want %v", got, tc.want)
			}
		})
	}
}
