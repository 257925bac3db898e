package fastapilike

import (
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The framework's behaviours, identical in both builds.

func wantBody(t *testing.T, res answer, status int, body string) {
	t.Helper()
	if res.status != status || string(res.body) != body {
		t.Errorf("got %d %s\nwant %d %s", res.status, res.body, status, body)
	}
}

func TestValidationErrors(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		mike := a.login("mike")
		hhm := a.login("hhm")
		for _, c := range []struct {
			name, method, path, token string
			body                      any
			status                    int
			want                      string
		}{
			{"path int_parsing", "DELETE", "/menu/abc", mike, nil, 422,
				`{"detail":[{"type":"int_parsing","loc":["path","item_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}`},
			{"query int_parsing", "GET", "/orders?skip=x&limit=1.5", hhm, nil, 422,
				`{"detail":[{"type":"int_parsing","loc":["query","skip"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"1.5"}]}`},
			{"missing fields", "POST", "/register", "", map[string]any{"username": "x"}, 422,
				`{"detail":[{"type":"missing","loc":["body","password"],"msg":"Field required","input":{"username":"x"}},{"type":"missing","loc":["body","phone_number"],"msg":"Field required","input":{"username":"x"}}]}`},
			{"json_invalid", "POST", "/register", "", `{"username": `, 422,
				`{"detail":[{"type":"json_invalid","loc":["body",13],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting value"}}]}`},
			{"json_invalid delimiter", "POST", "/reset-password", "", `{"username" "x"}`, 422,
				`{"detail":[{"type":"json_invalid","loc":["body",12],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting ':' delimiter"}}]}`},
			{"empty body", "POST", "/reset-password", "", "", 422,
				`{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}`},
			{"not an object", "POST", "/reset-password", "", []any{1}, 422,
				`{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[1]}]}`},
			{"string_type", "POST", "/reset-password", "", map[string]any{"username": 7}, 422,
				`{"detail":[{"type":"string_type","loc":["body","username"],"msg":"Input should be a valid string","input":7}]}`},
			{"float_parsing and nested list", "PUT", "/menu", mike, map[string]any{"name": "x", "price": "cheap", "category": []any{}}, 422,
				`{"detail":[{"type":"float_parsing","loc":["body","price"],"msg":"Input should be a valid number, unable to parse string as a number","input":"cheap"},{"type":"string_type","loc":["body","category"],"msg":"Input should be a valid string","input":[]}]}`},
			{"constraints", "POST", "/reservations", hhm, map[string]any{"date": "tomorrow", "time": "19:30", "guests": 40}, 422,
				`{"detail":[{"type":"string_pattern_mismatch","loc":["body","date"],"msg":"String should match pattern '^\\d{4}-\\d{2}-\\d{2}$'","input":"tomorrow","ctx":{"pattern":"^\\d{4}-\\d{2}-\\d{2}$"}},{"type":"less_than_equal","loc":["body","guests"],"msg":"Input should be less than or equal to 12","input":40,"ctx":{"le":12}}]}`},
			{"list items", "POST", "/orders", hhm, map[string]any{"delivery_address": "a", "phone_number": "b", "items": []any{map[string]any{"menu_item_id": 1.5}}}, 422,
				`{"detail":[{"type":"int_from_float","loc":["body","items",0,"menu_item_id"],"msg":"Input should be a valid integer, got a number with a fractional part","input":1.5},{"type":"missing","loc":["body","items",0,"quantity"],"msg":"Field required","input":{"menu_item_id":1.5}}]}`},
			{"too long", "POST", "/register", "", map[string]any{"username": strings.Repeat("u", 51), "password": "short", "phone_number": "1"}, 422,
				`{"detail":[{"type":"string_too_long","loc":["body","username"],"msg":"String should have at most 50 characters","input":"` + strings.Repeat("u", 51) + `","ctx":{"max_length":50}},{"type":"string_too_short","loc":["body","password"],"msg":"String should have at least 8 characters","input":"short","ctx":{"min_length":8}}]}`},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantBody(t, a.req(c.method, c.path, c.token, c.body), c.status, c.want)
			})
		}
		// lax coercion: numeric strings are ints, ints are floats
		res := a.expect(a.req("PUT", "/menu", mike, map[string]any{"name": "Coerced", "price": 3, "category": "x"}), 201)
		if !strings.Contains(string(res.body), `"price":3.0,`) {
			t.Errorf("float rendering: %s", res.body)
		}
		a.expect(a.req("POST", "/reservations", hhm, map[string]any{"date": "2024-01-01", "time": "12:00", "guests": "2"}), 201)
		// a non-JSON content type leaves the body as bytes
		wantBody(t, a.req("POST", "/reset-password", "", `username=kim`, "Content-Type", "text/plain"), 422,
			`{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"username=kim"}]}`)
		// and so does a form for a JSON endpoint
		a.expect(a.req("POST", "/reset-password", "", `username=kim`, "Content-Type", "application/x-www-form-urlencoded"), 422)
		// +json content types are JSON
		a.expect(a.req("POST", "/reset-password", "", `{"username":"kim"}`, "Content-Type", "application/vnd.api+json"), 200)
	})
}

func TestExtraFieldsIgnored(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		res := a.expect(a.req("POST", "/register", "", map[string]any{
			"username": "walter", "password": "heisenberg", "phone_number": "(505) 308-0000",
			"first_name": "Walter", "role": "Chef", "id": 1,
		}), 201).json(t)
		if res["role"] != roleCustomer || res["last_name"] != nil {
			t.Errorf("registered %v", res)
		}
		if r := a.role("walter"); r != roleCustomer {
			t.Errorf("role %s", r)
		}
	})
}

func TestStarletteErrors(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		wantBody(t, a.req("GET", "/nope", "", nil), 404, `{"detail":"Not Found"}`)
		wantBody(t, a.req("GET", "/", "", nil), 404, `{"detail":"Not Found"}`)
		res := a.req("POST", "/menu", "", nil)
		wantBody(t, res, 405, `{"detail":"Method Not Allowed"}`)
		if al := res.header.Get("Allow"); al != "GET" {
			t.Errorf("allow %q", al)
		}
		if al := a.req("PATCH", "/menu/1", "", nil).header.Get("Allow"); al != "PUT" {
			t.Errorf("allow %q (the first route of the path)", al)
		}
		if r := a.req("HEAD", "/menu", "", nil); r.status != 405 {
			t.Errorf("HEAD %d", r.status)
		}
		// redirect_slashes
		res = a.req("GET", "/menu/?x=1", "", nil)
		if res.status != 307 || res.header.Get("Location") != a.ts.URL+"/menu?x=1" {
			t.Errorf("slash redirect %d %q", res.status, res.header.Get("Location"))
		}
		// an integer beyond Postgres' integer column: psycopg2 raises
		res = a.req("DELETE", "/menu/99999999999", a.login("mike"), nil, "Origin", "https://www.restaurant.example")
		if res.status != 500 || string(res.body) != "Internal Server Error" || res.header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("500: %d %q %q", res.status, res.header.Get("Content-Type"), res.body)
		}
		if res.header.Get("Access-Control-Allow-Origin") != "" {
			t.Error("a 500 from ServerErrorMiddleware has CORS headers")
		}
		a.expect(a.req("GET", "/orders?limit=-1", a.login("hhm"), nil), 500)
		// 413 past 1 MiB
		a.expect(a.req("POST", "/register", "", strings.Repeat(" ", maxBody+10)), 413)
		// invalid UTF-8 in a JSON body
		wantBody(t, a.req("POST", "/register", "", "{\"username\":\"\xff\"}", "Content-Type", "application/json"), 400, `{"detail":"There was an error parsing the body"}`)
		for _, p := range []string{"/healthcheck", "/nope", "/openapi.json"} {
			if s := a.req("GET", p, "", nil).header.Get("Server"); s != "uvicorn" {
				t.Errorf("%s: server %q", p, s)
			}
		}
	})
}

func TestBearerAuth(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		res := a.req("GET", "/profile", "", nil)
		wantBody(t, res, 401, `{"detail":"Not authenticated"}`)
		if res.header.Get("WWW-Authenticate") != "Bearer" {
			t.Errorf("WWW-Authenticate %q", res.header.Get("WWW-Authenticate"))
		}
		wantBody(t, a.req("GET", "/profile", "", nil, "Authorization", "Basic aGhtOjEyMzQ1Njc4"), 401, `{"detail":"Not authenticated"}`)
		for _, bad := range []string{"garbage", "a.b.c", forgeToken("not-the-key", "hhm", time.Now().Add(time.Hour).Unix())} {
			res := a.req("GET", "/profile", bad, nil)
			wantBody(t, res, 401, `{"detail":"Could not validate credentials"}`)
			if res.header.Get("WWW-Authenticate") != "Bearer" {
				t.Error("no WWW-Authenticate")
			}
		}
		// alg none is refused
		none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
			base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"chef"}`)) + "."
		a.expect(a.req("GET", "/profile", none, nil), 401)
		// 401 comes before 422 and before the role check
		a.expect(a.req("DELETE", "/menu/abc", "", nil), 401)
		wantBody(t, a.req("PUT", "/menu", a.login("hhm"), map[string]any{}), 403, `{"detail":"Unauthorized"}`)
		// but a body that is not JSON fails before the dependencies run
		a.expect(a.req("PUT", "/menu", "", "{", "Content-Type", "application/json"), 422)
	})
}

func TestTokenEndpoint(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		res := a.expect(a.form("/token", url.Values{"grant_type": {"password"}, "username": {"hhm"}, "password": {"12345678"}}), 200)
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
		}
		json.Unmarshal(res.body, &tok)
		if tok.TokenType != "bearer" {
			t.Errorf("token_type %q", tok.TokenType)
		}
		parts := strings.Split(tok.AccessToken, ".")
		head, _ := base64.RawURLEncoding.DecodeString(parts[0])
		claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
		if string(head) != `{"alg":"HS256","typ":"JWT"}` {
			t.Errorf("header %s", head)
		}
		var c struct {
			Sub string `json:"sub"`
			Exp int64  `json:"exp"`
		}
		json.Unmarshal(claims, &c)
		if d := time.Until(time.Unix(c.Exp, 0)); c.Sub != "hhm" || d < 29*time.Minute || d > 31*time.Minute {
			t.Errorf("claims %s", claims)
		}
		fail := a.tryLogin("hhm", "wrong")
		wantBody(t, fail, 401, `{"detail":"Incorrect username or password"}`)
		if fail.header.Get("WWW-Authenticate") != "Bearer" {
			t.Error("no WWW-Authenticate on a failed login")
		}
		wantBody(t, a.form("/token", url.Values{"username": {""}, "password": {"x"}}), 422,
			`{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null}]}`)
		wantBody(t, a.form("/token", url.Values{"grant_type": {"client_credentials"}, "username": {"a"}, "password": {"b"}}), 422,
			`{"detail":[{"type":"string_pattern_mismatch","loc":["body","grant_type"],"msg":"String should match pattern 'password'","input":"client_credentials","ctx":{"pattern":"password"}}]}`)
		// JSON is not a form: both fields are missing
		a.expect(a.req("POST", "/token", "", map[string]any{"username": "hhm", "password": "12345678"}), 422)
		// multipart works as a form
		a.expect(a.req("POST", "/token", "", "--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nhhm\r\n--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n12345678\r\n--b--\r\n",
			"Content-Type", "multipart/form-data; boundary=b"), 200)
	})
}

func TestTokenExpiry(t *testing.T) {
	for _, secure := range []bool{false, true} {
		now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
		s := New(Options{Secure: secure, Now: func() time.Time { return now }})
		ts := httptest.NewServer(s)
		a := &testAPI{t: t, srv: s, ts: ts}
		tok := a.login("kim")
		a.expect(a.req("GET", "/profile", tok, nil), 200)
		now = now.Add(31 * time.Minute)
		a.expect(a.req("GET", "/profile", tok, nil), 401)
		ts.Close()
	}
}

func TestRegisterAndProfile(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		body := map[string]any{"username": "jesse", "password": "yo-science!", "first_name": "Jesse", "last_name": "Pinkman", "phone_number": "(505) 148-3369"}
		res := a.expect(a.req("POST", "/register", "", body), 201)
		wantBody(t, res, 201, `{"username":"jesse","phone_number":"(505) 148-3369","first_name":"Jesse","last_name":"Pinkman","role":"Customer"}`)
		wantBody(t, a.req("POST", "/register", "", body), 403, `{"detail":"Username or phone number already registered."}`)
		tok := a.loginWith("jesse", "yo-science!")
		wantBody(t, a.req("POST", "/register", tok, body), 400, `{"detail":"You're already logged in. You can not register an account."}`)
		wantBody(t, a.req("GET", "/profile", tok, nil), 200, `{"username":"jesse","phone_number":"(505) 148-3369","first_name":"Jesse","last_name":"Pinkman","role":"Customer"}`)
		wantBody(t, a.req("PUT", "/profile", tok, map[string]any{"username": "jesse", "last_name": "P."}), 200,
			`{"username":"jesse","first_name":"Jesse","last_name":"P.","phone_number":"(505) 148-3369"}`)
		wantBody(t, a.req("PATCH", "/profile", tok, map[string]any{"first_name": "Cap'n"}), 200,
			`{"username":"jesse","phone_number":"(505) 148-3369","first_name":"Cap'n","last_name":"P.","role":"Customer"}`)
		// the phone pattern accepts the seeded formats
		a.expect(a.req("POST", "/register", "", map[string]any{"username": "skyler", "password": "car-wash-1", "phone_number": "505.146.0195"}), 201)
		a.expect(a.req("POST", "/register", "", map[string]any{"username": "hank", "password": "minerals!", "phone_number": "call me"}), 422)
	})
}

func TestIDsFromSequences(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		mike := a.login("mike")
		first := a.expect(a.req("PUT", "/menu", mike, map[string]any{"name": "A", "price": 1.5, "category": "x"}), 201).json(t)["id"].(float64)
		if first != float64(len(a.srv.menu)) || first != 10 {
			t.Errorf("first new item id %v", first)
		}
		a.expect(a.req("DELETE", "/menu/10", mike, nil), 204)
		second := a.expect(a.req("PUT", "/menu", mike, map[string]any{"name": "B", "price": 1.5, "category": "x"}), 201).json(t)["id"].(float64)
		if second != 11 {
			t.Errorf("id after a delete %v, want 11 (sequences do not reuse ids)", second)
		}
		// an updated row moves to the end of an unordered SELECT
		a.expect(a.req("PUT", "/menu/1", mike, map[string]any{"name": "Sunrise Plate", "price": 3.25, "category": "Breakfasts"}), 200)
		menu := a.expect(a.req("GET", "/menu", "", nil), 200).list(t)
		if last := menu[len(menu)-1].(map[string]any); last["id"] != 1.0 || last["price"] != 3.25 {
			t.Errorf("last row %v", last)
		}
		wantBody(t, a.req("PUT", "/menu/4242", mike, map[string]any{"name": "x", "price": 1, "category": "x"}), 404, `{"detail":"Menu Item not found"}`)
	})
}

func TestCORSMiddleware(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		const good = "https://www.restaurant.example"
		res := a.req("GET", "/menu", "", nil, "Origin", good)
		if res.header.Get("Access-Control-Allow-Origin") != good || res.header.Get("Access-Control-Allow-Credentials") != "true" || res.header.Get("Vary") != "Origin" {
			t.Errorf("allowed origin: %v", res.header)
		}
		pre := a.req("OPTIONS", "/orders", "", nil, "Origin", good, "Access-Control-Request-Method", "POST")
		if pre.status != 200 || string(pre.body) != "OK" || pre.header.Get("Access-Control-Allow-Methods") != "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT" || pre.header.Get("Access-Control-Max-Age") != "600" {
			t.Errorf("preflight %d %s %v", pre.status, pre.body, pre.header)
		}
		for _, bad := range []string{"https://attacker.example", "null", "https://restaurant.example.attacker.example", "http://www.restaurant.example"} {
			res := a.req("GET", "/menu", "", nil, "Origin", bad)
			if res.header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("%s allowed", bad)
			}
		}
		wantBody(t, a.req("OPTIONS", "/orders", "", nil, "Origin", good, "Access-Control-Request-Method", "TRACE"), 400, "Disallowed CORS method")
		// no Origin, no CORS headers; OPTIONS without a preflight is a 405
		if h := a.req("GET", "/menu", "", nil).header.Get("Access-Control-Allow-Credentials"); h != "" {
			t.Error("CORS headers without Origin")
		}
		a.expect(a.req("OPTIONS", "/menu", "", nil), 405)
	})
}

func TestDocsAndHealth(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		res := a.expect(a.req("GET", "/docs", "", nil), 200)
		if !strings.Contains(string(res.body), "SwaggerUIBundle") || !strings.Contains(string(res.body), "url: '/openapi.json'") || res.header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("docs page: %q", res.header.Get("Content-Type"))
		}
		a.expect(a.req("GET", "/redoc", "", nil), 200)
		a.expect(a.req("GET", "/docs/oauth2-redirect", "", nil), 200)
		wantBody(t, a.req("GET", "/healthcheck", "", nil), 200, `{"ok":true}`)
		menu := string(a.expect(a.req("GET", "/menu", "", nil), 200).body)
		if !strings.Contains(menu, `"price":7.0,`) || !strings.Contains(menu, `"description":null`) || !strings.Contains(menu, "Egg & potato") {
			t.Errorf("menu rendering %s", menu)
		}
	})
}

func TestRoles(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		for name, role := range map[string]string{"chef": roleChef, "mike": roleEmployee, "saul": roleEmployee, "hhm": roleCustomer, "kim": roleCustomer} {
			if got := a.expect(a.req("GET", "/profile", a.login(name), nil), 200).json(t)["role"]; got != role {
				t.Errorf("%s is %v", name, got)
			}
		}
		wantBody(t, a.req("GET", "/admin/stats/disk", a.login("mike"), nil), 403, `{"detail":"Only Chef is authorized to get current disk stats!"}`)
		a.expect(a.req("GET", "/orders", a.login("mike"), nil), 403) // orders are for customers
		a.expect(a.req("GET", "/users/update_role", a.login("mike"), nil), 422)
	})
}
