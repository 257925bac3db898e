package fastapilike

import (
	"math"
	"strconv"
	"strings"
)

type orderLine struct{ menuItemID, quantity int64 }

type order struct {
	id         int64
	userID     int64
	status     string
	address    string
	phone      string
	finalPrice float64
	items      []orderLine
	version    int64
}

func (o *order) obj() obj {
	items := make([]any, len(o.items))
	for i, l := range o.items {
		items[i] = obj{{"menu_item_id", l.menuItemID}, {"quantity", l.quantity}}
	}
	return obj{{"delivery_address", o.address}, {"phone_number", o.phone}, {"id", o.id}, {"user_id", o.userID},
		{"items", items}, {"status", o.status}, {"final_price", o.finalPrice}}
}

func (s *Server) addOrder(userID int64, address, phone, status string, lines []orderLine) *order {
	s.seqOrder++
	o := &order{id: s.seqOrder, userID: userID, status: status, address: address, phone: phone, items: lines, version: s.nextVersion()}
	for _, l := range lines {
		o.finalPrice += s.menu[l.menuItemID].price * float64(l.quantity)
	}
	o.finalPrice = math.Round(o.finalPrice*100) / 100
	s.orders[o.id] = o
	return o
}

// readOrders is GET /orders: the caller's orders only, in both builds.
func (s *Server) readOrders(c *call) resp {
	skip, limit := c.query["skip"].(int64), c.query["limit"].(int64)
	if skip < 0 || limit < 0 {
		return crash() // OFFSET/LIMIT must not be negative
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var mine []*order
	for _, o := range s.orders {
		if o.userID == c.user.id {
			mine = append(mine, o)
		}
	}
	sortByVersion(mine, func(o *order) int64 { return o.version })
	out := []any{}
	for i, o := range mine {
		if int64(i) < skip {
			continue
		}
		if int64(len(out)) >= limit {
			break
		}
		out = append(out, o.obj())
	}
	return jsonResp(200, out)
}

// createOrder is POST /orders. OrderCreate allows extra fields and the
// vulnerable service copies those naming an Order column onto the row
// (it skips id and user_id, not status or final_price); the secure one
// ignores them.
func (s *Server) createOrder(c *call) resp {
	b := c.body
	var lines []orderLine
	for _, it := range b.mustGet("items").([]any) {
		o := it.(obj)
		lines = append(lines, orderLine{o.mustGet("menu_item_id").(int64), o.mustGet("quantity").(int64)})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	check := func() *resp {
		for _, l := range lines {
			if l.quantity < 1 {
				r := detail(422, "Quantity must be greater than 0")
				return &r
			}
			if !fitsInt4(l.menuItemID) || !fitsInt4(l.quantity) {
				r := crash()
				return &r
			}
			if _, ok := s.menu[l.menuItemID]; !ok {
				r := detail(404, "Menu item with ID "+strconv.FormatInt(l.menuItemID, 10)+" not found")
				return &r
			}
		}
		return nil
	}
	address, phone := b.mustGet("delivery_address").(string), b.mustGet("phone_number").(string)
	if s.secure {
		if fail := check(); fail != nil {
			return *fail
		}
		return jsonResp(201, s.addOrder(c.user.id, address, phone, statusPending, lines).obj())
	}
	// As RESTaurant does: the order row is committed before its items are
	// checked, so a bad item leaves an empty order behind.
	o := s.addOrder(c.user.id, address, phone, statusPending, nil)
	if fail := check(); fail != nil {
		return *fail
	}
	o.items = lines
	total := 0.0
	for _, l := range lines {
		total += s.menu[l.menuItemID].price * float64(l.quantity)
	}
	o.finalPrice = total
	next := *o
	for _, e := range mOrderCreate.extras(b) {
		switch e.k {
		case "status":
			st, ok := e.v.(string)
			if !ok || !oneOf(st, orderStatus.values) {
				return crash() // LookupError from the Enum column
			}
			next.status = st
		case "final_price":
			f, ok := pgDouble(e.v)
			if !ok {
				return crash() // psycopg2 DataError / NotNullViolation
			}
			next.finalPrice = f
		case "delivery_address", "phone_number", "date_ordered":
		}
	}
	next.version = s.nextVersion()
	*o = next
	return jsonResp(201, o.obj())
}

// pgDouble is what Postgres makes of a value bound to a double precision
// column.
func pgDouble(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case int64:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// orderFor looks an order up; ownerCheck says whether this build checks
// that the caller owns it.
func (s *Server) orderFor(c *call, ownerCheck bool, msg string) (*order, *resp) {
	id := c.id("order_id")
	if !fitsInt4(id) {
		r := crash()
		return nil, &r
	}
	o, ok := s.orders[id]
	if !ok {
		r := detail(404, "Order not found")
		return nil, &r
	}
	if ownerCheck && o.userID != c.user.id {
		r := detail(403, msg)
		return nil, &r
	}
	return o, nil
}

// readOrder is GET /orders/{order_id}: RESTaurant checks the role but not
// the owner.
func (s *Server) readOrder(c *call) resp {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, fail := s.orderFor(c, s.secure, "You can only access your own orders")
	if fail != nil {
		return *fail
	}
	return jsonResp(200, o.obj())
}

// updateOrder is PUT /orders/{order_id}: owner checked in both builds.
func (s *Server) updateOrder(c *call) resp {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, fail := s.orderFor(c, true, "You can only modify your own orders")
	if fail != nil {
		return *fail
	}
	if o.status != statusPending {
		return detail(400, "Only pending orders can be modified")
	}
	if v := optString(c.body, "delivery_address"); v != nil && *v != "" {
		o.address = *v
	}
	if v := optString(c.body, "phone_number"); v != nil && *v != "" {
		o.phone = *v
	}
	o.version = s.nextVersion()
	return jsonResp(200, o.obj())
}

// cancelOrder is DELETE /orders/{order_id}: the vulnerable build forgot
// the owner check its sibling PUT has.
func (s *Server) cancelOrder(c *call) resp {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, fail := s.orderFor(c, s.secure, "You can only cancel your own orders")
	if fail != nil {
		return *fail
	}
	delete(s.orders, o.id)
	return noContent()
}

// ---- reservations: owner-scoped on every method, in both builds ----

type reservation struct {
	id, userID int64
	date, time string
	guests     int64
	notes      *string
	version    int64
}

func (r *reservation) obj() obj {
	return obj{{"id", r.id}, {"user_id", r.userID}, {"date", r.date}, {"time", r.time}, {"guests", r.guests}, {"notes", nullable(r.notes)}}
}

func (s *Server) addReservation(userID int64, date, tm string, guests int64, notes *string) *reservation {
	s.seqRes++
	r := &reservation{id: s.seqRes, userID: userID, date: date, time: tm, guests: guests, notes: notes, version: s.nextVersion()}
	s.reservations[r.id] = r
	return r
}

func (s *Server) readReservations(c *call) resp {
	s.mu.Lock()
	defer s.mu.Unlock()
	var mine []*reservation
	for _, r := range s.reservations {
		if r.userID == c.user.id {
			mine = append(mine, r)
		}
	}
	sortByVersion(mine, func(r *reservation) int64 { return r.version })
	out := make([]any, len(mine))
	for i, r := range mine {
		out[i] = r.obj()
	}
	return jsonResp(200, out)
}

func (s *Server) createReservation(c *call) resp {
	b := c.body
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.addReservation(c.user.id, b.mustGet("date").(string), b.mustGet("time").(string), b.mustGet("guests").(int64), optString(b, "notes"))
	return jsonResp(201, r.obj())
}

// myReservation filters by owner in the query itself: someone else's
// reservation does not exist for the caller.
func (s *Server) myReservation(c *call) (*reservation, *resp) {
	id := c.id("reservation_id")
	if !fitsInt4(id) {
		r := crash()
		return nil, &r
	}
	r, ok := s.reservations[id]
	if !ok || r.userID != c.user.id {
		f := detail(404, "Reservation not found")
		return nil, &f
	}
	return r, nil
}

func (s *Server) readReservation(c *call) resp {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, fail := s.myReservation(c)
	if fail != nil {
		return *fail
	}
	return jsonResp(200, r.obj())
}

func (s *Server) updateReservation(c *call) resp {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, fail := s.myReservation(c)
	if fail != nil {
		return *fail
	}
	b := c.body
	r.date, r.time, r.guests, r.notes = b.mustGet("date").(string), b.mustGet("time").(string), b.mustGet("guests").(int64), optString(b, "notes")
	r.version = s.nextVersion()
	return jsonResp(200, r.obj())
}

func (s *Server) deleteReservation(c *call) resp {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, fail := s.myReservation(c)
	if fail != nil {
		return *fail
	}
	delete(s.reservations, r.id)
	return noContent()
}
