package fastapilike

import (
	"strconv"
	"testing"
)

// Near misses: operations that look like the flaws but are correct in
// both builds.

func TestOrdersListIsTheCallers(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		kimID := float64(a.userID("kim"))
		list := a.expect(a.req("GET", "/orders", a.login("kim"), nil), 200).list(t)
		if len(list) != 1 {
			t.Fatalf("kim sees %d orders", len(list))
		}
		for _, o := range list {
			if o.(map[string]any)["user_id"] != kimID {
				t.Errorf("kim sees %v", o)
			}
		}
		if n := len(a.expect(a.req("GET", "/orders?skip=1&limit=5", a.login("hhm"), nil), 200).list(t)); n != 1 {
			t.Errorf("hhm's second page has %d orders", n)
		}
	})
}

func TestProfileIsTheCallers(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		for _, name := range []string{"kim", "hhm", "chef"} {
			if got := a.expect(a.req("GET", "/profile", a.login(name), nil), 200).json(t)["username"]; got != name {
				t.Errorf("%s sees %v", name, got)
			}
		}
	})
}

func TestMenuUpdateRefusesCustomers(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		hhm := a.login("hhm")
		item := map[string]any{"name": "Free Food", "price": 0, "category": "x"}
		for _, id := range []string{"1", "424242"} {
			wantBody(t, a.req("PUT", "/menu/"+id, hhm, item), 403, `{"detail":"Unauthorized"}`)
		}
		a.expect(a.req("PUT", "/menu", hhm, item), 403)
		a.expect(a.req("PUT", "/menu/1", "", item), 401)
		a.expect(a.req("PUT", "/menu/1", a.login("saul"), item), 200)
	})
}

func TestReservationsOwnerChecked(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		kim, hhm := a.login("kim"), a.login("hhm")
		update := map[string]any{"date": "2024-06-20", "time": "18:00", "guests": 8}
		// reservation 1 is hhm's: for kim it does not exist
		wantBody(t, a.req("GET", "/reservations/1", kim, nil), 404, `{"detail":"Reservation not found"}`)
		a.expect(a.req("PUT", "/reservations/1", kim, update), 404)
		a.expect(a.req("DELETE", "/reservations/1", kim, nil), 404)
		for _, r := range a.expect(a.req("GET", "/reservations", kim, nil), 200).list(t) {
			if r.(map[string]any)["user_id"] != float64(a.userID("kim")) {
				t.Errorf("kim lists %v", r)
			}
		}
		got := a.expect(a.req("GET", "/reservations/1", hhm, nil), 200).json(t)
		if got["guests"] != 4.0 {
			t.Errorf("hhm's reservation changed: %v", got)
		}
		// the owner can do everything
		created := a.expect(a.req("POST", "/reservations", kim, update), 201).json(t)
		id := strconv.Itoa(int(created["id"].(float64)))
		a.expect(a.req("PUT", "/reservations/"+id, kim, map[string]any{"date": "2024-06-21", "time": "18:30", "guests": 2, "notes": "anniversary"}), 200)
		a.expect(a.req("PUT", "/reservations/"+id, hhm, update), 404)
		a.expect(a.req("DELETE", "/reservations/"+id, hhm, nil), 404)
		a.expect(a.req("DELETE", "/reservations/"+id, kim, nil), 204)
		a.expect(a.req("GET", "/reservations/"+id, kim, nil), 404)
	})
}

func TestLoginOneMessage(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		unknown := a.tryLogin("no-such-user", "whatever1")
		wrong := a.tryLogin("kim", "whatever1")
		if unknown.status != 401 || wrong.status != unknown.status || string(wrong.body) != string(unknown.body) ||
			wrong.header.Get("WWW-Authenticate") != unknown.header.Get("WWW-Authenticate") {
			t.Errorf("unknown %d %s / wrong %d %s", unknown.status, unknown.body, wrong.status, wrong.body)
		}
	})
}

func TestOrderUpdateChecksOwner(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		hhm := a.login("hhm")
		wantBody(t, a.req("PUT", "/orders/3", hhm, map[string]any{"delivery_address": "x"}), 403, `{"detail":"You can only modify your own orders"}`)
		res := a.expect(a.req("PUT", "/orders/2", hhm, map[string]any{"delivery_address": "308 Negra Arroyo Lane"}), 200).json(t)
		if res["delivery_address"] != "308 Negra Arroyo Lane" || res["status"] != "Pending" {
			t.Errorf("update %v", res)
		}
		wantBody(t, a.req("PUT", "/orders/1", hhm, map[string]any{"delivery_address": "x"}), 400, `{"detail":"Only pending orders can be modified"}`)
		wantBody(t, a.req("GET", "/orders/999", hhm, nil), 404, `{"detail":"Order not found"}`)
		// the owner can cancel
		a.expect(a.req("DELETE", "/orders/2", hhm, nil), 204)
	})
}

func TestOrderPriceComputed(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		hhm := a.login("hhm")
		res := a.expect(a.req("POST", "/orders", hhm, map[string]any{"delivery_address": "a", "phone_number": "b",
			"items": []any{map[string]any{"menu_item_id": 7, "quantity": 2}}}), 201).json(t)
		if res["final_price"] != 14.0 || res["status"] != "Pending" || res["user_id"] != float64(a.userID("hhm")) {
			t.Errorf("order %v", res)
		}
		wantBody(t, a.req("POST", "/orders", hhm, map[string]any{"delivery_address": "a", "phone_number": "b",
			"items": []any{map[string]any{"menu_item_id": 77, "quantity": 1}}}), 404, `{"detail":"Menu item with ID 77 not found"}`)
		wantBody(t, a.req("POST", "/orders", hhm, map[string]any{"delivery_address": "a", "phone_number": "b",
			"items": []any{map[string]any{"menu_item_id": 1, "quantity": 0}}}), 422, `{"detail":"Quantity must be greater than 0"}`)
	})
}

// TestConcurrentUse runs a mix of requests in parallel (go test -race).
func TestConcurrentUse(t *testing.T) {
	a := start(t, false)
	toks := map[string]string{}
	for _, u := range SeedUsers {
		toks[u.Username] = a.login(u.Username)
	}
	done := make(chan struct{})
	for w := 0; w < 8; w++ {
		go func(w int) {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 20; i++ {
				switch (w + i) % 6 {
				case 0:
					a.req("GET", "/menu", "", nil)
				case 1:
					a.req("POST", "/orders", toks["kim"], map[string]any{"delivery_address": "a", "phone_number": "b", "items": []any{map[string]any{"menu_item_id": 2, "quantity": 1}}})
				case 2:
					a.req("PATCH", "/profile", toks["hhm"], map[string]any{"last_name": "H" + strconv.Itoa(i)})
				case 3:
					a.req("PUT", "/menu", toks["mike"], map[string]any{"name": "n", "price": 1, "category": "c", "image_url": a.ts.URL + "/healthcheck"})
				case 4:
					a.req("POST", "/reset-password", "", map[string]any{"username": "kim"})
				case 5:
					a.req("GET", "/admin/stats/disk?parameters=/", toks["chef"], nil)
				}
			}
		}(w)
	}
	for w := 0; w < 8; w++ {
		<-done
	}
	a.expect(a.req("GET", "/healthcheck", "", nil), 200)
}

// TestResetRequestLimit: the secure build answers 429 past three requests
// an hour for a username, known or not; the vulnerable one never does.
func TestResetRequestLimit(t *testing.T) {
	both(t, func(t *testing.T, a *testAPI) {
		secure := a.srv.secure
		for _, name := range []string{"kim", "nobody-at-all"} {
			var statuses []int
			for i := 0; i < 5; i++ {
				statuses = append(statuses, a.req("POST", "/reset-password", "", map[string]any{"username": name}).status)
			}
			if secure && (statuses[2] != 200 || statuses[3] != 429 || statuses[4] != 429) {
				t.Errorf("%s: %v", name, statuses)
			}
			if !secure && statuses[4] == 429 {
				t.Errorf("%s: %v", name, statuses)
			}
		}
	})
}
