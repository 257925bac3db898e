package springlike

// The workshop service: the shop (products, orders, coupons) and the
// mechanic service requests.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	msgInsufficient   = "Insufficient Balance. Please apply coupons to get more balance!"
	msgOrderCreated   = "Order sent successfully."
	msgRestricted     = "You are not allowed to access this resource!"
	msgInvalidStatus  = "The value of 'status' has to be 'delivered','return pending' or 'returned'"
	msgCouponClaimed  = "Coupon code is already claimed by you!! Please try with another coupon code"
	msgCouponApplied  = "Coupon successfully applied!"
	msgCouponNotFound = "Coupon not found"
	msgReportMissing  = "The Report does not exist for given report_id."
	msgNoConnect      = "Could not connect to mechanic api."
	msgRepeatsDoS     = "Service unavailable. Seems like you caused layer 7 DoS :)"
	msgRepeatsMin     = " 'number_of_repeats' should be between 1 and 100."
	// mechanicAPI is the mechanic service the Secure build talks to; it
	// is the only accepted mechanic_api.
	mechanicAPI = "http://localhost:8000/workshop/api/mechanic/receive_report"
)

var orderStatuses = []string{"delivered", "return pending", "returned"}

func price(p float64) string { return strconv.FormatFloat(p, 'f', 2, 64) }

type productJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Price    string `json:"price"`
	ImageURL string `json:"image_url"`
}

func productView(p *product) productJSON {
	return productJSON{ID: p.id, Name: p.name, Price: price(p.price), ImageURL: p.image}
}

func (s *Server) productByID(id int64) *product {
	for _, p := range s.products {
		if p.id == id {
			return p
		}
	}
	return nil
}

// getProducts: GET /workshop/api/shop/products.
func (s *Server) getProducts(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ps []productJSON
	for i := len(s.products) - 1; i >= 0; i-- {
		ps = append(ps, productView(s.products[i]))
	}
	writeJSON(c.w, http.StatusOK, struct {
		Products []productJSON `json:"products"`
		Credit   jdouble       `json:"credit"`
	}{ps, jdouble(c.user.credit)})
}

type orderJSON struct {
	ID        int64       `json:"id"`
	User      userRef     `json:"user"`
	Product   productJSON `json:"product"`
	Quantity  int64       `json:"quantity"`
	Status    string      `json:"status"`
	CreatedOn string      `json:"created_on"`
}

func (s *Server) orderView(o *order) orderJSON {
	u := s.userByID(o.userID)
	return orderJSON{ID: o.id, User: userRef{Email: u.email, Number: u.number}, Product: productView(s.productByID(o.productID)),
		Quantity: o.quantity, Status: o.status, CreatedOn: o.created.UTC().Format("2006-01-02T15:04:05.000000Z")}
}

// readProductQuantity binds ProductQuantity (@NotNull product_id,
// @NotNull @Min(1) quantity when required).
func (c *call) productQuantity(body jsonObject) (pid, qty *int64, ok bool) {
	pid, err1 := body.long("product_id")
	qty, err2 := body.long("quantity")
	if err1 != nil || err2 != nil {
		c.springError(http.StatusBadRequest)
		return nil, nil, false
	}
	return pid, qty, true
}

// createOrder: POST /workshop/api/shop/orders.
func (s *Server) createOrder(c *call) {
	body, ok := c.readBody()
	if !ok {
		return
	}
	pid, qty, ok := c.productQuantity(body)
	if !ok {
		return
	}
	if pid == nil || qty == nil || *qty < 1 {
		c.springError(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.productByID(*pid)
	if p == nil {
		c.message(http.StatusNotFound, "Product not found")
		return
	}
	cost := p.price * float64(*qty)
	if c.user.credit < cost {
		c.message(http.StatusBadRequest, msgInsufficient)
		return
	}
	c.user.credit -= cost
	id := s.nextID("order")
	s.orders[id] = &order{id: id, userID: c.user.id, productID: p.id, quantity: *qty, status: "delivered", created: s.now()}
	writeJSON(c.w, http.StatusOK, struct {
		ID      int64   `json:"id"`
		Message string  `json:"message"`
		Credit  jdouble `json:"credit"`
	}{id, msgOrderCreated, jdouble(c.user.credit)})
}

// ownOrder looks the order up and checks that it is the caller's, in both
// modes; it writes the 404/403 itself. s.mu must be held.
func (s *Server) ownOrder(c *call) *order {
	o := s.orders[c.pathLong("order_id")]
	if o == nil {
		c.message(http.StatusNotFound, "Order not found")
		return nil
	}
	if o.userID != c.user.id {
		c.message(http.StatusForbidden, msgRestricted)
		return nil
	}
	return o
}

type ordersEnvelope struct {
	Orders orderJSON `json:"orders"`
}

// getOrder: GET /workshop/api/shop/orders/{order_id}, owner only.
func (s *Server) getOrder(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.ownOrder(c); o != nil {
		writeJSON(c.w, http.StatusOK, ordersEnvelope{s.orderView(o)})
	}
}

// getOrders: GET /workshop/api/shop/orders/all?limit&offset (both required).
func (s *Server) getOrders(c *call) {
	limit, ok := c.queryLong("limit", true, 0)
	if !ok {
		return
	}
	offset, ok := c.queryLong("offset", true, 0)
	if !ok {
		return
	}
	if limit <= 0 || limit > 100 {
		limit = 30
	}
	if offset < 0 {
		offset = 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var mine []*order
	for _, o := range s.orders {
		if o.userID == c.user.id {
			mine = append(mine, o)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].id > mine[j].id })
	out := []orderJSON{}
	for i := offset; i < int64(len(mine)) && i < offset+limit; i++ {
		out = append(out, s.orderView(mine[i]))
	}
	writeJSON(c.w, http.StatusOK, struct {
		Orders []orderJSON `json:"orders"`
	}{out})
}

// updateOrder: PUT /workshop/api/shop/orders/{order_id}.
func (s *Server) updateOrder(c *call) {
	body, ok := c.readBody()
	if !ok {
		return
	}
	_, qty, ok := c.productQuantity(body)
	if !ok {
		return
	}
	status, err := body.str("status")
	if err != nil {
		c.springError(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.ownOrder(c)
	if o == nil {
		return
	}
	p := s.productByID(o.productID)
	if s.secure {
		// status is server-owned (it moves through the return flow);
		// a new quantity is paid for or refunded at the product price.
		if qty != nil {
			if *qty < 1 {
				c.springError(http.StatusBadRequest)
				return
			}
			diff := float64(*qty-o.quantity) * p.price
			if diff > c.user.credit {
				c.message(http.StatusBadRequest, msgInsufficient)
				return
			}
			c.user.credit -= diff
			o.quantity = *qty
		}
		writeJSON(c.w, http.StatusOK, ordersEnvelope{s.orderView(o)})
		return
	}
	// Flaw order-status-mass-assignment: quantity and status are copied
	// from the request; setting status "returned" refunds quantity x
	// price, for whatever quantity the same request claimed.
	if qty != nil {
		o.quantity = *qty
	}
	if status != nil {
		if !containsStr(orderStatuses, *status) {
			c.message(http.StatusBadRequest, msgInvalidStatus)
			return
		}
		if *status != o.status {
			o.status = *status
			if o.status == "returned" {
				c.user.credit += float64(o.quantity) * p.price
			}
		}
	}
	writeJSON(c.w, http.StatusOK, ordersEnvelope{s.orderView(o)})
}

// appliedQuery is the workshop's string-built query.
func appliedQuery(userID int64, code string) string {
	return "SELECT coupon_code FROM applied_coupon WHERE user_id = " + strconv.FormatInt(userID, 10) +
		" AND coupon_code = '" + code + "'"
}

// maxSleep caps what injected pg_sleep calls may cost one request.
const maxSleep = 3 * time.Second

// applyCoupon: POST /workshop/api/shop/apply_coupon (ApplyCouponRequest).
func (s *Server) applyCoupon(c *call) {
	body, ok := c.readBody()
	if !ok {
		return
	}
	code, err1 := body.str("coupon_code")
	amount, err2 := body.long("amount")
	if err1 != nil || err2 != nil || code == nil || strings.TrimSpace(*code) == "" || amount == nil {
		c.springError(http.StatusBadRequest)
		return
	}
	uid := c.user.id
	s.mu.Lock()
	table := make([]sqlRow, len(s.applied))
	copy(table, s.applied)
	s.mu.Unlock()

	var claimed []string
	if s.secure {
		// jdbcTemplate.query("... WHERE user_id = ? AND coupon_code = ?", uid, code)
		for _, r := range table {
			if r["user_id"] == uid && r["coupon_code"] == *code {
				claimed = append(claimed, *code)
			}
		}
	} else {
		// Flaw apply-coupon-sqli: the coupon code is concatenated into
		// the SQL text.
		q := appliedQuery(uid, *code)
		budget := maxSleep
		rows, err := sqlExec(q, table, &budget)
		if err != nil {
			c.serverError(&javaException{
				class:   "org.springframework.jdbc.BadSqlGrammarException",
				message: "StatementCallback; bad SQL grammar [" + q + "]",
				frames: []string{
					"org.springframework.jdbc.support.SQLStateSQLExceptionTranslator.doTranslate(SQLStateSQLExceptionTranslator.java:101)",
					"org.springframework.jdbc.support.AbstractFallbackSQLExceptionTranslator.translate(AbstractFallbackSQLExceptionTranslator.java:70)",
					"org.springframework.jdbc.core.JdbcTemplate.translateException(JdbcTemplate.java:1575)",
					"org.springframework.jdbc.core.JdbcTemplate.execute(JdbcTemplate.java:420)",
					"org.springframework.jdbc.core.JdbcTemplate.query(JdbcTemplate.java:475)",
					"org.springframework.jdbc.core.JdbcTemplate.queryForList(JdbcTemplate.java:530)",
					"com.crapi.service.Impl.CouponServiceImpl.applyCoupon(CouponServiceImpl.java:72)",
					"com.crapi.controller.ShopController.applyCoupon(ShopController.java:118)",
				},
				cause: &javaException{
					class:   "org.postgresql.util.PSQLException",
					message: err.Error(),
					frames: []string{
						"org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2725)",
						"org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2412)",
						"org.postgresql.jdbc.PgStatement.executeWithFlags(PgStatement.java:481)",
						"com.zaxxer.hikari.pool.HikariProxyStatement.executeQuery(HikariProxyStatement.java)",
					},
				},
			})
			return
		}
		for _, r := range rows {
			if len(r) > 0 {
				v, _ := toText(r[0])
				if v == nil {
					v = "null"
				}
				claimed = append(claimed, v.(string))
			}
		}
	}
	if len(claimed) > 0 {
		c.message(http.StatusBadRequest, claimed[0]+" "+msgCouponClaimed)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, _ := mongoFindOne(s.coupons, "coupon_code", *code)
	if doc == nil {
		c.message(http.StatusBadRequest, msgCouponNotFound)
		return
	}
	// The credit added is the coupon's own amount, not the request's.
	add, _ := strconv.ParseFloat(doc["amount"].(string), 64)
	s.applied = append(s.applied, sqlRow{"id": s.nextID("applied"), "user_id": uid, "coupon_code": *code})
	c.user.credit += add
	writeJSON(c.w, http.StatusOK, struct {
		Credit  jdouble `json:"credit"`
		Message string  `json:"message"`
	}{jdouble(c.user.credit), msgCouponApplied})
}

type reportCreated struct {
	ID         int64  `json:"id"`
	Sent       bool   `json:"sent"`
	ReportLink string `json:"report_link"`
}

// contactMechanic: POST /workshop/api/merchant/contact_mechanic.
func (s *Server) contactMechanic(c *call) {
	body, ok := c.readBody()
	if !ok {
		return
	}
	f, ok := c.strings(body, "mechanic_api", "mechanic_code", "problem_details", "vin")
	if !ok {
		return
	}
	repeat, err1 := body.boolean("repeat_request_if_failed")
	repeats, err2 := body.long("number_of_repeats")
	if err1 != nil || err2 != nil || f[0] == "" || f[1] == "" || f[2] == "" || f[3] == "" {
		c.springError(http.StatusBadRequest)
		return
	}
	attempts := int64(1)
	if repeat != nil && *repeat {
		n := int64(1)
		if repeats != nil {
			n = *repeats
		}
		if n > 100 {
			c.message(http.StatusServiceUnavailable, msgRepeatsDoS)
			return
		}
		if n < 1 {
			c.message(http.StatusBadRequest, msgRepeatsMin)
			return
		}
		attempts = n
	}
	api, code, problem, vin := f[0], f[1], f[2], f[3]
	if s.secure {
		s.contactMechanicSecure(c, api, code, problem, vin)
		return
	}
	// Flaw contact-mechanic-ssrf: the server requests whatever URL the
	// client names and returns the answer (only loopback is reachable
	// from this test server; anything else fails like a refused
	// connection).
	target, err := url.Parse(api)
	if err != nil {
		c.message(http.StatusBadRequest, msgNoConnect)
		return
	}
	q := target.Query()
	q.Set("mechanic_code", code)
	q.Set("problem_details", problem)
	q.Set("vin", vin)
	target.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(c.r.Context(), outboundTimeout)
	defer cancel()
	var resp *http.Response
	for i := int64(0); i < attempts && ctx.Err() == nil; i++ {
		resp, err = loopbackGet(ctx, target.String())
		if err == nil {
			break
		}
	}
	if err != nil || resp == nil {
		c.message(http.StatusBadRequest, msgNoConnect)
		return
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	var echoed any
	if json.Unmarshal(raw, &echoed) != nil {
		echoed = string(raw)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"response_from_mechanic_api": echoed, "status": resp.StatusCode})
}

func (s *Server) contactMechanicSecure(c *call, api, code, problem, vin string) {
	if u, err := url.Parse(api); err != nil || u.String() != mechanicAPI || u.User != nil {
		c.message(http.StatusBadRequest, "Invalid mechanic_api URL.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !strings.EqualFold(c.user.vehicle.vin, vin) {
		c.message(http.StatusBadRequest, "Vehicle not found for the user.")
		return
	}
	var m *mechanic
	for _, x := range s.mechanics {
		if x.code == code {
			m = x
		}
	}
	if m == nil {
		c.message(http.StatusBadRequest, "Mechanic not found.")
		return
	}
	// The allow-listed mechanic service files the report.
	id := s.nextID("report")
	s.reports[id] = &report{id: id, mechanicID: m.id, vehicleID: c.user.vehicle.id, problem: problem, status: "Pending", created: s.now()}
	writeJSON(c.w, http.StatusOK, map[string]any{
		"response_from_mechanic_api": reportCreated{ID: id, Sent: true,
			ReportLink: fmt.Sprintf("http://%s/workshop/api/mechanic/mechanic_report?report_id=%d", c.r.Host, id)},
		"status": http.StatusOK,
	})
}

type mechanicJSON struct {
	ID           int64   `json:"id"`
	MechanicCode string  `json:"mechanic_code"`
	User         userRef `json:"user"`
}

type reportVehicle struct {
	ID    int64   `json:"id"`
	Vin   string  `json:"vin"`
	Owner userRef `json:"owner"`
}

type reportJSON struct {
	ID             int64         `json:"id"`
	Mechanic       mechanicJSON  `json:"mechanic"`
	Vehicle        reportVehicle `json:"vehicle"`
	ProblemDetails string        `json:"problem_details"`
	Status         string        `json:"status"`
	CreatedOn      string        `json:"created_on"`
}

// getReport: GET /workshop/api/mechanic/mechanic_report?report_id=N.
func (s *Server) getReport(c *call) {
	id, ok := c.queryLong("report_id", true, 0)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.reports[id]
	if r == nil {
		c.message(http.StatusNotFound, msgReportMissing)
		return
	}
	var m *mechanic
	for _, x := range s.mechanics {
		if x.id == r.mechanicID {
			m = x
		}
	}
	v := s.vehicleByID(r.vehicleID)
	owner, mu := s.userByID(v.ownerID), s.userByID(m.userID)
	// Flaw mechanic-report-bola: any report by its sequential id, to
	// anyone (the path is also open to anonymous callers, see
	// permitAll). Secure: the vehicle's owner, the assigned mechanic or
	// an admin only.
	if s.secure && c.user.id != owner.id && c.user.id != mu.id && c.user.role != roleAdmin {
		c.message(http.StatusForbidden, msgRestricted)
		return
	}
	writeJSON(c.w, http.StatusOK, reportJSON{
		ID:             r.id,
		Mechanic:       mechanicJSON{ID: m.id, MechanicCode: m.code, User: userRef{Email: mu.email, Number: mu.number}},
		Vehicle:        reportVehicle{ID: v.id, Vin: v.vin, Owner: userRef{Email: owner.email, Number: owner.number}},
		ProblemDetails: r.problem,
		Status:         r.status,
		CreatedOn:      r.created.UTC().Format("2006-01-02T15:04:05.000000Z"),
	})
}
