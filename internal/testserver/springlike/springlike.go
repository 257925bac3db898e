// Package springlike is a test server that behaves like a Spring Boot
// service (Spring Web, Spring Security, springdoc-openapi, Jackson): the
// identity, community and workshop APIs of OWASP crAPI ("completely
// ridiculous API"), reduced to two dozen operations under crAPI's paths,
// with crAPI's vulnerabilities planted in them.
//
// The framework's behaviour is reproduced in both modes: Boot's JSON error
// body ({"timestamp","status","error","path"}) for unknown routes, 405s
// (with Allow), unreadable JSON and path variables that do not convert;
// Spring Security's 401 before any routing for everything but the open
// paths; Jackson's lenient binding (unknown members ignored, numbers read
// into strings). Options.Secure fixes the application's flaws, not the
// framework.
package springlike

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure the server.
type Options struct {
	// Secure fixes every planted flaw the way a careful developer would
	// (owner checks, admin role checks before lookups, server-owned
	// fields ignored, OTP tries limited, one reset message, URL
	// allow-list, typed coupon query, parameterised SQL, pinned RS256
	// with the local key, login limited). The framework's behaviour is
	// not a flaw and stays.
	Secure bool
	// Now is the clock; nil is time.Now. (token expiry, lockouts)
	Now func() time.Time
}

// Flaw is one planted vulnerability.
type Flaw struct {
	ID        string // stable short name
	Rule      string // the specter rule that must report it
	Operation string // "METHOD /path/template" exactly as in the spec
	Summary   string // what is wrong and how an attacker uses it
}

type role int

const (
	roleUser role = iota
	roleMechanic
	roleAdmin
)

func (r role) String() string {
	switch r {
	case roleAdmin:
		return "ROLE_ADMIN"
	case roleMechanic:
		return "ROLE_MECHANIC"
	}
	return "ROLE_USER"
}

func (r role) claim() string {
	switch r {
	case roleAdmin:
		return "admin"
	case roleMechanic:
		return "mechanic"
	}
	return "user"
}

type user struct {
	id       int64
	name     string
	email    string
	number   string
	password [32]byte // SHA-256 of the password (a stand-in for bcrypt)
	role     role
	credit   float64
	vehicle  *vehicle
}

type vehicle struct {
	id      int64
	uuid    string
	vin     string
	pincode string
	year    int
	model   string
	company string
	fuel    string
	lat     string
	long    string
	ownerID int64
}

type video struct {
	id         int64
	ownerID    int64
	name       string
	conversion string
	data       string
}

type otpEntry struct {
	code   string
	count  int
	active bool
}

type post struct {
	id       string
	title    string
	content  string
	authorID int64
	created  time.Time
}

type product struct {
	id    int64
	name  string
	price float64
	image string
}

type order struct {
	id        int64
	userID    int64
	productID int64
	quantity  int64
	status    string
	created   time.Time
}

type mechanic struct {
	id     int64
	code   string
	userID int64
}

type report struct {
	id         int64
	mechanicID int64
	vehicleID  int64
	problem    string
	status     string
	created    time.Time
}

// Server is the application. It is safe for concurrent use.
type Server struct {
	secure bool
	clock  func() time.Time
	routes []*route

	mu        sync.Mutex
	users     []*user
	videos    map[int64]*video
	otps      map[int64]*otpEntry
	posts     []*post
	coupons   []mongoDoc // community's MongoDB "coupons" collection
	applied   []sqlRow   // workshop's PostgreSQL "applied_coupon" table
	products  []*product
	orders    map[int64]*order
	mechanics []*mechanic
	reports   map[int64]*report
	rng       *rand.Rand
	next      map[string]int64
	fails     map[string][]time.Time // Secure: failed attempts per key
	tokens    map[int64]cachedToken
}

func (s *Server) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

func hashPassword(p string) [32]byte { return sha256.Sum256([]byte("crapi:" + p)) }

func (u *user) checkPassword(p string) bool {
	h := hashPassword(p)
	return subtle.ConstantTimeCompare(h[:], u.password[:]) == 1
}

// seedTime is when the seed data was created.
var seedTime = time.Date(2024, 5, 21, 9, 6, 43, 0, time.UTC)

// New builds the server with its seed data.
func New(opts Options) *Server {
	s := &Server{
		secure:  opts.Secure,
		clock:   opts.Now,
		videos:  map[int64]*video{},
		otps:    map[int64]*otpEntry{},
		orders:  map[int64]*order{},
		reports: map[int64]*report{},
		rng:     rand.New(rand.NewPCG(0x63724150, 0x49)),
		next:    map[string]int64{},
		fails:   map[string][]time.Time{},
		tokens:  map[int64]cachedToken{},
	}
	s.routes = s.buildRoutes()
	s.seed()
	return s
}

func (s *Server) nextID(kind string) int64 {
	s.next[kind]++
	return s.next[kind]
}

// detUUID is a deterministic version-4-shaped UUID.
func detUUID(seed string) string {
	h := sha256.Sum256([]byte("uuid:" + seed))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// shortID is a 22-character base57 id like the community service's
// shortuuid post ids.
func shortID(seed string) string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	h := sha256.Sum256([]byte("post:" + seed))
	var b strings.Builder
	for i := 0; i < 22; i++ {
		b.WriteByte(alphabet[int(h[i])%len(alphabet)])
	}
	return b.String()
}

var vehicleModels = []struct{ company, model, fuel string }{
	{"Hyundai", "Creta", "Diesel"},
	{"Lamborghini", "Aventador", "Petrol"},
	{"Mercedes-Benz", "GLA Class", "Diesel"},
	{"BMW", "5 Series", "Petrol"},
	{"Audi", "RS7", "Petrol"},
	{"MG Motor", "Hector Plus", "Diesel"},
	{"Mahindra", "Scorpio", "Diesel"},
}

// newUser registers a user with a vehicle; s.mu must be held.
func (s *Server) newUser(name, email, number, password string, r role, credit float64) *user {
	id := s.nextID("user")
	u := &user{id: id, name: name, email: email, number: number, password: hashPassword(password), role: r, credit: credit}
	vid := s.nextID("vehicle")
	m := vehicleModels[int(vid-1)%len(vehicleModels)]
	u.vehicle = &vehicle{
		id:      vid,
		uuid:    detUUID(fmt.Sprintf("vehicle-%d", vid)),
		vin:     fmt.Sprintf("%dUOLV89RGKL9%05d", vid%10, 8000+vid*77),
		pincode: fmt.Sprintf("%04d", (vid*7919)%10000),
		year:    2015 + int(vid%8),
		company: m.company, model: m.model, fuel: m.fuel,
		lat:     fmt.Sprintf("%.6f", 37.746880+float64(vid)*0.0123),
		long:    fmt.Sprintf("%.6f", -84.301460+float64(vid)*0.0311),
		ownerID: id,
	}
	s.users = append(s.users, u)
	return u
}

func (s *Server) seed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	adam := s.newUser("Adam", "adam007@example.com", "9876895423", "adam007!123", roleUser, 100)
	pogba := s.newUser("Pogba", "pogba006@example.com", "9876570006", "pogba006!123", roleUser, 100)
	robot := s.newUser("Robot", "robot001@example.com", "9876570001", "robot001!123", roleUser, 100)
	test := s.newUser("Test", "test@example.com", "9876540001", "Test!123", roleUser, 100)
	s.newUser("Admin", "admin@example.com", "9010203040", "Admin!123", roleAdmin, 100)
	jhon := s.newUser("Jhon", "jhon@example.com", "9876540002", "Admin1@#", roleMechanic, 0)
	james := s.newUser("James", "james@example.com", "9876540003", "Admin1@#", roleMechanic, 0)

	for _, u := range []*user{adam, pogba, robot, test} {
		id := s.nextID("video")
		s.videos[id] = &video{id: id, ownerID: u.id, name: strings.ToLower(u.name) + "_profile.mp4",
			conversion: "-v codec h264", data: "data:video/mp4;base64,AAAAIGZ0eXBpc29t" + fmt.Sprintf("%04d", id)}
	}

	for i, p := range []struct {
		author         *user
		title, content string
	}{
		{adam, "Title 1", "Hello world 1"},
		{pogba, "Title 2", "Hello world 2"},
		{robot, "Title 3", "Hello world 3"},
	} {
		s.posts = append(s.posts, &post{id: shortID(fmt.Sprint(i + 1)), title: p.title, content: p.content,
			authorID: p.author.id, created: seedTime.Add(time.Duration(i) * time.Minute)})
	}
	s.next["post"] = 3

	s.coupons = []mongoDoc{
		{"coupon_code": "TRAC065", "amount": "65", "CreatedAt": "2024-05-21T09:06:43.000Z"},
		{"coupon_code": "TRAC098", "amount": "98", "CreatedAt": "2024-05-21T09:06:44.000Z"},
	}
	s.applied = []sqlRow{
		{"id": int64(1), "user_id": pogba.id, "coupon_code": "TRAC065"},
		{"id": int64(2), "user_id": robot.id, "coupon_code": "TRAC098"},
	}
	s.next["applied"] = 2

	s.products = []*product{
		{id: 1, name: "Seat", price: 10, image: "images/seat.svg"},
		{id: 2, name: "Wheel", price: 10, image: "images/wheel.svg"},
		{id: 3, name: "Engine Oil", price: 20, image: "images/oil.svg"},
	}
	for i, u := range []*user{adam, pogba, robot} {
		id := s.nextID("order")
		s.orders[id] = &order{id: id, userID: u.id, productID: int64(i%2 + 1), quantity: 1, status: "delivered",
			created: seedTime.Add(time.Duration(i) * time.Hour)}
		u.credit -= 10
	}

	s.mechanics = []*mechanic{{id: 1, code: "TRAC_JHN", userID: jhon.id}, {id: 2, code: "TRAC_JME", userID: james.id}}
	for i, r := range []struct {
		owner   *user
		mech    int64
		problem string
		status  string
	}{
		{adam, 1, "My car's brakes squeak when it rains", "Finished"},
		{pogba, 1, "Engine light is on since yesterday", "Pending"},
		{robot, 2, "Left wheel wobbles above 80 km/h", "Pending"},
	} {
		id := s.nextID("report")
		s.reports[id] = &report{id: id, mechanicID: r.mech, vehicleID: r.owner.vehicle.id, problem: r.problem,
			status: r.status, created: seedTime.Add(time.Duration(i) * 24 * time.Hour)}
	}
}

func (s *Server) userByEmail(email string) *user {
	for _, u := range s.users {
		if strings.EqualFold(u.email, email) {
			return u
		}
	}
	return nil
}

func (s *Server) userByID(id int64) *user {
	for _, u := range s.users {
		if u.id == id {
			return u
		}
	}
	return nil
}

func (s *Server) vehicleByID(id int64) *vehicle {
	for _, u := range s.users {
		if u.vehicle.id == id {
			return u.vehicle
		}
	}
	return nil
}

// limited records an attempt under key and reports whether more than max
// attempts were made within window (Secure mode's throttles).
func (s *Server) limited(key string, max int, window time.Duration) bool {
	now := s.now()
	kept := s.fails[key][:0]
	for _, t := range s.fails[key] {
		if now.Sub(t) < window {
			kept = append(kept, t)
		}
	}
	s.fails[key] = kept
	return len(kept) >= max
}

func (s *Server) recordFail(key string) { s.fails[key] = append(s.fails[key], s.now()) }

func (s *Server) buildRoutes() []*route {
	mk := func(method, pattern string, vars map[string]string, h func(*call)) *route {
		return &route{method: method, pattern: pattern, segs: strings.Split(pattern, "/"), vars: vars, h: h}
	}
	long := func(name string) map[string]string { return map[string]string{name: "Long"} }
	return []*route{
		mk(http.MethodGet, "/v3/api-docs", nil, s.apiDocs),
		mk(http.MethodGet, "/.well-known/jwks.json", nil, s.jwks),
		mk(http.MethodPost, "/identity/api/auth/signup", nil, s.registerUser),
		mk(http.MethodPost, "/identity/api/auth/login", nil, s.authenticateUser),
		mk(http.MethodPost, "/identity/api/auth/forget-password", nil, s.forgetPassword),
		mk(http.MethodPost, "/identity/api/auth/v2/check-otp", nil, s.checkOtp),
		mk(http.MethodPost, "/identity/api/auth/v3/check-otp", nil, s.secureCheckOtp),
		mk(http.MethodGet, "/identity/api/v2/user/dashboard", nil, s.getDashboard),
		mk(http.MethodGet, "/identity/api/v2/user/videos/{video_id}", long("video_id"), s.getProfileVideo),
		mk(http.MethodPut, "/identity/api/v2/user/videos/{video_id}", long("video_id"), s.updateProfileVideo),
		mk(http.MethodDelete, "/identity/api/v2/user/videos/{video_id}", long("video_id"), s.deleteProfileVideo),
		mk(http.MethodDelete, "/identity/api/v2/admin/videos/{video_id}", long("video_id"), s.deleteAdminProfileVideo),
		mk(http.MethodGet, "/identity/api/v2/vehicle/vehicles", nil, s.getVehicles),
		mk(http.MethodGet, "/identity/api/v2/vehicle/{vehicleId}/location", map[string]string{"vehicleId": "UUID"}, s.getLocation),
		mk(http.MethodGet, "/community/api/v2/community/posts/recent", nil, s.getRecentPosts),
		mk(http.MethodGet, "/community/api/v2/community/posts/{postId}", map[string]string{"postId": "String"}, s.getPost),
		mk(http.MethodPost, "/community/api/v2/community/posts", nil, s.createPost),
		mk(http.MethodPost, "/community/api/v2/coupon/validate-coupon", nil, s.validateCoupon),
		mk(http.MethodGet, "/workshop/api/shop/products", nil, s.getProducts),
		mk(http.MethodPost, "/workshop/api/shop/orders", nil, s.createOrder),
		mk(http.MethodGet, "/workshop/api/shop/orders/all", nil, s.getOrders),
		mk(http.MethodGet, "/workshop/api/shop/orders/{order_id}", long("order_id"), s.getOrder),
		mk(http.MethodPut, "/workshop/api/shop/orders/{order_id}", long("order_id"), s.updateOrder),
		mk(http.MethodPost, "/workshop/api/shop/apply_coupon", nil, s.applyCoupon),
		mk(http.MethodPost, "/workshop/api/merchant/contact_mechanic", nil, s.contactMechanic),
		mk(http.MethodGet, "/workshop/api/mechanic/mechanic_report", nil, s.getReport),
	}
}

func (s *Server) apiDocs(c *call) {
	b := Spec()
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(b)
}

func (s *Server) jwks(c *call) { writeJSON(c.w, http.StatusOK, publicJWKS()) }
