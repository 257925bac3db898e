package versions

import (
	"reflect"
	"testing"
)

func TestOlder(t *testing.T) {
	documented := map[string]bool{"/api/v2/users": true}
	cases := []struct {
		path string
		want []string
	}{
		{"/api/v3/login", []string{"/api/v2/login", "/api/v1/login"}},
		{"/api/v5/items/{id}", []string{"/api/v4/items/{id}", "/api/v3/items/{id}"}},
		{"/V2/orders", []string{"/V1/orders"}},
		{"/api/v3/users", []string{"/api/v1/users"}}, // v2 is documented
		{"/v2/orgs/{org}/v1", []string{"/v1/orgs/{org}/v1"}},
		{"/api/v1/login", nil},
		{"/api/v2.1/login", nil},
		{"/api/version2/login", nil},
		{"/api/v0/login", nil},
		{"/users/{v2}", nil},
		{"/", nil},
	}
	for _, c := range cases {
		var got []string
		for _, s := range Older(c.path, func(p string) bool { return documented[p] }) {
			got = append(got, s.Path)
			if want := c.path; s.Current == "" || s.Control == "" || s.Control == want {
				t.Errorf("%s: sibling %+v lacks its current version or control", c.path, s)
			}
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Older(%q) = %v, want %v", c.path, got, c.want)
		}
	}
	if s := Older("/api/v3/login", func(string) bool { return false }); s[0].Control != "/api/v999/login" || s[0].Current != "v3" || s[0].Version != "v2" {
		t.Errorf("sibling = %+v", s[0])
	}
}

func TestServed(t *testing.T) {
	json := func(status int, shape string) Answer {
		return Answer{Status: status, ContentType: "application/json; charset=utf-8", Shape: shape}
	}
	notFound := json(404, `{"detail":""}`)
	documented := func(status int) bool { return status == 200 || status == 401 || status == 422 }
	cases := []struct {
		name string
		ev   Evidence
		want bool
	}{
		{"2xx, control 404", Evidence{Older: json(200, `{"token":""}`), Control: notFound, Unrouted: []Answer{notFound}, Documented: documented, JSONAPI: true}, true},
		{"documented 401, control 404", Evidence{Older: json(401, `{"error":""}`), Control: notFound, Unrouted: []Answer{notFound}, Documented: documented, JSONAPI: true}, true},
		{"documented 422", Evidence{Older: json(422, `{"detail":[]}`), Control: notFound, Documented: documented}, true},
		{"undocumented 403", Evidence{Older: json(403, `{"error":""}`), Control: notFound, Documented: documented}, true},
		{"undocumented 401 of an old PIN login", Evidence{Older: json(401, `{"success":false}`), Control: notFound, Documented: func(int) bool { return false }}, true},
		{"401 like the control (auth before routing)", Evidence{Older: json(401, `{"error":""}`), Control: json(401, `{"error":""}`), Documented: documented}, false},
		{"undocumented 409", Evidence{Older: json(409, `{"error":""}`), Control: notFound, Documented: documented}, false},
		{"400 from a gateway", Evidence{Older: json(400, `{"error":""}`), Control: notFound, Documented: func(int) bool { return true }}, false},
		{"404 of its own", Evidence{Older: json(404, `{"error":""}`), Control: notFound, Documented: documented}, false},
		{"405", Evidence{Older: json(405, ``), Control: notFound, Documented: documented}, false},
		{"410 gone", Evidence{Older: json(410, `{"error":""}`), Control: notFound, Documented: func(int) bool { return true }}, false},
		{"documented 500", Evidence{Older: json(500, `{"message":""}`), Control: notFound, Documented: func(int) bool { return true }}, true},
		{"undocumented 500", Evidence{Older: json(500, `{"message":""}`), Control: notFound, Documented: documented}, false},
		{"503 from a proxy", Evidence{Older: json(503, ``), Control: notFound, Documented: func(int) bool { return true }}, false},
		{"502 from a proxy", Evidence{Older: json(502, ``), Control: notFound, Documented: func(int) bool { return true }}, false},
		{"no answer", Evidence{Control: notFound}, false},
		{"same as the control", Evidence{Older: json(200, `{"token":""}`), Control: json(200, `{"token":""}`), Documented: documented}, false},
		{"same as unrouted (auth first)", Evidence{Older: json(401, `{"status":0}`), Control: json(403, `{}`), Unrouted: []Answer{json(401, `{"status":0}`)}, Documented: documented}, false},
		{"control differs in type only", Evidence{Older: json(200, `{"a":""}`), Control: Answer{Status: 200, ContentType: "text/html", Shape: "<html>"}, Documented: documented}, true},
		{"HTML where JSON is documented", Evidence{Older: Answer{Status: 200, ContentType: "text/html; charset=utf-8", Shape: "x"}, Control: notFound, Documented: documented, JSONAPI: true}, false},
		{"HTML where nothing says JSON", Evidence{Older: Answer{Status: 200, ContentType: "text/html", Shape: "x"}, Control: notFound, Documented: documented}, true},
		{"no documented statuses", Evidence{Older: json(409, `{}`), Control: notFound}, false},
	}
	for _, c := range cases {
		got, why := Served(c.ev)
		if got != c.want {
			t.Errorf("%s: Served = %v (%s), want %v", c.name, got, why, c.want)
		}
		if !got && why == "" {
			t.Errorf("%s: no reason given", c.name)
		}
	}
}
