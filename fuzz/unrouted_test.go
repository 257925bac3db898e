package fuzz

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// Not-found answers of real frameworks, for a path no route matches
// (their own) and for an item the handler did not find (the handler's).
// Each serves GET /items/{id}: 1 exists, 999 does not.
var frameworks = map[string]struct {
	unrouted func(w http.ResponseWriter, r *http.Request, n int64)
	missing  func(w http.ResponseWriter, r *http.Request)
}{
	"flask": {
		unrouted: func(w http.ResponseWriter, r *http.Request, _ int64) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(404)
			fmt.Fprint(w, "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n")
		},
		missing: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			fmt.Fprint(w, `{"message": "item not found"}`)
		},
	},
	"fastapi": {
		unrouted: func(w http.ResponseWriter, r *http.Request, _ int64) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			fmt.Fprint(w, `{"detail":"Not Found"}`)
		},
		missing: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			fmt.Fprint(w, `{"detail":"Item not found"}`)
		},
	},
	"spring": {
		unrouted: func(w http.ResponseWriter, r *http.Request, n int64) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			ts := time.Date(2026, 1, 2, 3, 4, 5, int(n)*1e6, time.UTC).Format("2006-01-02T15:04:05.000-07:00")
			fmt.Fprintf(w, `{"timestamp":"%s","status":404,"error":"Not Found","path":"%s"}`, ts, r.URL.EscapedPath())
		},
		missing: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			fmt.Fprint(w, `{"code":"ITEM_NOT_FOUND","message":"no item 999"}`)
		},
	},
	"express": {
		unrouted: func(w http.ResponseWriter, r *http.Request, _ int64) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(404)
			fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot %s %s</pre>\n</body>\n</html>\n", r.Method, r.URL.EscapedPath())
		},
		missing: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(404)
			fmt.Fprint(w, `{"error":"Not found"}`)
		},
	},
}

func frameworkServer(t *testing.T, name string) *url.URL {
	fw := frameworks[name]
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := strings.CutPrefix(r.URL.Path, "/items/")
		if !ok || r.Method != http.MethodGet || id == "" || strings.Contains(id, "/") {
			fw.unrouted(w, r, n.Add(1))
			return
		}
		if id != "1" {
			fw.missing(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":1}`)
	}))
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	return u
}

// The engine measures the framework's answer to a path no route
// matches, and an answer of that fingerprint says nothing about the
// operation it was meant for; the handler's own not-found, and any
// success, do.
func TestUnroutedFrameworks(t *testing.T) {
	ctx := context.Background()
	for name := range frameworks {
		t.Run(name, func(t *testing.T) {
			e, err := New(ctx, testConfig(t, frameworkServer(t, name), 3))
			if err != nil {
				t.Fatal(err)
			}
			if err := e.measureUnrouted(ctx, plan.NoCredentials); err != nil {
				t.Fatal(err)
			}
			send := func(method, path, id string) *execute.Exchange {
				tg := &plan.Target{Op: &surface.Operation{Method: method, Path: path}}
				tg.Seal()
				c := &plan.Case{Target: tg, Method: method, PathParams: []plan.Param{{Name: "id", Value: id}}}
				x, err := e.exec.Do(ctx, c)
				if err != nil {
					t.Fatal(err)
				}
				return x
			}
			for _, tt := range []struct {
				what             string
				method, path, id string
				wantStatus       int
				wantUnrouted     bool
			}{
				{"an object that exists", "GET", "/items/{id}", "1", 200, false},
				{"the handler's not found", "GET", "/items/{id}", "999", 404, false},
				{"an empty path segment", "GET", "/items/{id}", "", 404, true},
				{"a path the target lacks", "GET", "/widgets/{id}", "7", 404, true},
				{"a method the route lacks", "DELETE", "/items/{id}", "1", 404, true},
			} {
				x := send(tt.method, tt.path, tt.id)
				if x.Status != tt.wantStatus {
					t.Fatalf("%s: status %d", tt.what, x.Status)
				}
				if got := e.Unrouted(x); got != tt.wantUnrouted {
					t.Errorf("%s (%s %s): Unrouted = %v, want %v; body %s", tt.what, tt.method, x.Request.URL.Path, got, tt.wantUnrouted, x.Body)
				}
			}
		})
	}
}

// Frameworks that authenticate before routing answer 401 without
// credentials and their 404 page with them: each case is compared with
// the fingerprint taken with its kind of credentials, the default
// identity's standing in for the others' and the anonymous one for a run
// without a default.
func TestUnroutedPerCredentials(t *testing.T) {
	ex := func(identity string, status int, ct, body string) *execute.Exchange {
		tg := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/items/{id}"}}
		tg.Seal()
		u, _ := url.Parse("http://api.test/items/5")
		return &execute.Exchange{Case: &plan.Case{Target: tg, Method: "GET", Identity: identity}, Request: &http.Request{Method: "GET", URL: u},
			Status: status, Header: http.Header{"Content-Type": {ct}}, Body: []byte(body)}
	}
	anon := ex(plan.NoCredentials, 401, "application/json", `{"error":"unauthorized"}`)
	page := ex("", 404, "text/html", "<h1>Not Found</h1>")
	var e Engine
	e.unrouted.fps = map[bool]oracle.Fingerprint{false: oracle.FingerprintOf(anon)}
	// Only the anonymous fingerprint: it stands for every identity.
	if !e.Unrouted(ex("", 401, "application/json", `{"error":"unauthorized"}`)) {
		t.Error("a default-identity 401 like the anonymous one is not unrouted")
	}
	e.unrouted.fps[true] = oracle.FingerprintOf(page)
	for _, tt := range []struct {
		x    *execute.Exchange
		want bool
	}{
		{ex(plan.NoCredentials, 401, "application/json", `{"error":"unauthorized"}`), true},
		{ex(plan.NoCredentials, 404, "text/html", "<h1>Not Found</h1>"), false},
		{ex("", 404, "text/html", "<h1>Not Found</h1>"), true},
		{ex("peer", 404, "text/html", "<h1>Not Found</h1>"), true},
		{ex("", 401, "application/json", `{"error":"unauthorized"}`), false},
		{ex("", 404, "application/json", "<h1>Not Found</h1>"), false},
		{ex("", 404, "text/html", "<h1>No such item</h1>"), false},
		// A success is never the framework's page, whatever it looks like.
		{ex("", 200, "text/html", "<h1>Not Found</h1>"), false},
		{ex("", 0, "", ""), false},
	} {
		if got := e.Unrouted(tt.x); got != tt.want {
			t.Errorf("%q %d %s %s: Unrouted = %v, want %v", tt.x.Case.Identity, tt.x.Status, tt.x.Header.Get("Content-Type"), tt.x.Body, got, tt.want)
		}
	}
	if (&Engine{}).Unrouted(page) {
		t.Error("unrouted before anything was measured")
	}
}
