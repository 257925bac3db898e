package securitystaging

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var sleepCall = regexp.MustCompile(`(?i)\bSLEEP\((\d+)\)`)

var arithmetic = regexp.MustCompile(`(?:\{\{|\$\{|<%=)\s*7\s*\*\s*7\s*(?:\}\}|\}|%>)`)

func (s *Server) injectionRoutes() {
	// Planted: a quote breaks the query and the database error is shown.
	s.mux.HandleFunc("GET /products", s.authed(func(w http.ResponseWriter, r *http.Request, _, _ string) {
		name := r.URL.Query().Get("name")
		if strings.Contains(name, "'") {
			message(w, http.StatusInternalServerError, "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '"+name+"'")
			return
		}
		message(w, http.StatusOK, "0 products")
	}))
	// Clean twin: parameterised; a fixed CORS allow-list.
	s.mux.HandleFunc("GET /catalog", s.authed(func(w http.ResponseWriter, _ *http.Request, _, _ string) {
		w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		w.Header().Set("Vary", "Origin")
		message(w, http.StatusOK, "0 products")
	}))
	// Planted: joins the path under a directory without checking.
	s.mux.HandleFunc("GET /files", s.authed(func(w http.ResponseWriter, r *http.Request, _, _ string) {
		p := r.URL.Query().Get("path")
		if dec, err := url.QueryUnescape(p); err == nil {
			p = dec
		}
		switch {
		case strings.Contains(p, "..") && strings.HasSuffix(p, "etc/passwd"):
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n")
		case p == "readme.txt":
			message(w, http.StatusOK, "read me")
		default:
			message(w, http.StatusNotFound, "no such file")
		}
	}))
	// Clean twin: echoes the requested path in its 404.
	s.mux.HandleFunc("GET /docs", s.authed(func(w http.ResponseWriter, r *http.Request, _, _ string) {
		p := r.URL.Query().Get("path")
		if p == "readme.txt" {
			message(w, http.StatusOK, "read me")
			return
		}
		message(w, http.StatusNotFound, "no such file: "+p)
	}))
	// Planted: runs the host through a shell.
	s.mux.HandleFunc("GET /ping", s.authed(func(w http.ResponseWriter, r *http.Request, _, _ string) {
		host := r.URL.Query().Get("host")
		out := "PING " + host
		if strings.Contains(host, ";id;") || strings.Contains(host, "$(id)") {
			out += "\nuid=33(www-data) gid=33(www-data) groups=33(www-data)"
		}
		message(w, http.StatusOK, out)
	}))
	// Planted: renders the name as a template.
	s.mux.HandleFunc("GET /render", s.authed(func(w http.ResponseWriter, r *http.Request, _, _ string) {
		message(w, http.StatusOK, "Hello "+arithmetic.ReplaceAllString(r.URL.Query().Get("name"), "49"))
	}))
	// Planted: HTML built by concatenation.
	s.mux.HandleFunc("GET /greet", s.authed(func(w http.ResponseWriter, r *http.Request, _, _ string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<p>Hello "+r.URL.Query().Get("name")+"</p>")
	}))
	// Clean twin: JSON echo.
	s.mux.HandleFunc("GET /hello", s.authed(func(w http.ResponseWriter, r *http.Request, _, _ string) {
		message(w, http.StatusOK, "Hello "+r.URL.Query().Get("name"))
	}))
	// Planted: the framework's stack trace on bad input.
	s.mux.HandleFunc("GET /lookup", s.authed(func(w http.ResponseWriter, r *http.Request, _, _ string) {
		id := r.URL.Query().Get("id")
		if _, err := strconv.Atoi(id); err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":"java.lang.NumberFormatException: For input string: %q\n\tat java.lang.NumberFormatException.forInputString(NumberFormatException.java:65)\n\tat com.acme.api.LookupController.get(LookupController.java:42)"}`, "x")
			return
		}
		message(w, http.StatusOK, "found")
	}))
	// Planted: the customer goes into a MySQL query unquoted-checked; a
	// SLEEP(n) in it makes the database wait (capped at 3 s).
	s.mux.HandleFunc("GET /orders", s.authed(func(w http.ResponseWriter, r *http.Request, _, _ string) {
		c := r.URL.Query().Get("customer")
		if m := sleepCall.FindStringSubmatch(c); m != nil {
			n, _ := strconv.Atoi(m[1])
			select {
			case <-time.After(time.Duration(min(n, 3)) * time.Second):
			case <-r.Context().Done():
				return
			}
		}
		message(w, http.StatusOK, "0 orders")
	}))
	// Planted: long input takes far longer (a backtracking regex).
	s.mux.HandleFunc("GET /slow-search", s.authed(func(w http.ResponseWriter, r *http.Request, _, _ string) {
		if len(r.URL.Query().Get("q")) >= SlowInputLength {
			select {
			case <-time.After(SlowDelay):
			case <-r.Context().Done():
				return
			}
		}
		message(w, http.StatusOK, "0 results")
	}))
}
