package springlike

import (
	_ "embed"
	"strings"
)

//go:embed openapi.json
var spec []byte

// Spec is the document the application serves at GET /v3/api-docs: the
// OpenAPI 3.0.1 JSON springdoc-openapi generates from the controllers and
// DTOs, with crAPI's tags and the bearerAuth scheme.
func Spec() []byte { return append([]byte(nil), spec...) }

const (
	opLogin        = "POST /identity/api/auth/login"
	opForget       = "POST /identity/api/auth/forget-password"
	opSignup       = "POST /identity/api/auth/signup"
	opOtpV2        = "POST /identity/api/auth/v2/check-otp"
	opDashboard    = "GET /identity/api/v2/user/dashboard"
	opVideoPut     = "PUT /identity/api/v2/user/videos/{video_id}"
	opVideoDelete  = "DELETE /identity/api/v2/user/videos/{video_id}"
	opAdminVideo   = "DELETE /identity/api/v2/admin/videos/{video_id}"
	opLocation     = "GET /identity/api/v2/vehicle/{vehicleId}/location"
	opRecentPosts  = "GET /community/api/v2/community/posts/recent"
	opCreatePost   = "POST /community/api/v2/community/posts"
	opValidate     = "POST /community/api/v2/coupon/validate-coupon"
	opOrderPut     = "PUT /workshop/api/shop/orders/{order_id}"
	opApplyCoupon  = "POST /workshop/api/shop/apply_coupon"
	opContactMech  = "POST /workshop/api/merchant/contact_mechanic"
	opMechanicRept = "GET /workshop/api/mechanic/mechanic_report"
)

var planted = []Flaw{
	{"vehicle-location-bola", "fuzz/bola", opLocation,
		"A vehicle's location is looked up by its UUID alone; the UUIDs of other users' vehicles are listed by the forum's recent posts, so any user can track any car."},
	{"mechanic-report-bola", "fuzz/bola", opMechanicRept,
		"Service reports are served by their sequential report_id with no owner check, so counting up reveals every customer's VIN, e-mail and phone number."},
	{"mechanic-report-no-auth", "fuzz/auth-not-enforced", opMechanicRept,
		"The report view is on Spring Security's permitAll list although the spec requires bearerAuth: it answers 200 without any token."},
	{"otp-v2-brute-force", "fuzz/otp-no-rate-limit", opOtpV2,
		"The old v2 OTP check never acts on wrong tries, so all 10,000 four-digit codes can be tried and any account's password reset."},
	{"forget-password-enumeration", "fuzz/user-enumeration", opForget,
		"A registered e-mail gets 200 \"OTP Sent\", an unknown one 404 \"Given Email is not registered!\", so accounts can be enumerated."},
	{"admin-video-delete-bfla", "fuzz/bfla", opAdminVideo,
		"The admin video delete has no role check: any user deletes any user's profile video."},
	{"admin-video-delete-lookup-first", "fuzz/auth-after-lookup", opAdminVideo,
		"An ordinary user deleting a video id that does not exist gets 404 \"Video not found.\" instead of 403: authorisation is missing, the lookup alone decides."},
	{"order-status-mass-assignment", "fuzz/mass-assignment", opOrderPut,
		"The order update copies the server-owned status (and the quantity) from the body; status \"returned\" refunds quantity x price, so a raised quantity mints credit."},
	{"video-conversion-params-mass-assignment", "fuzz/mass-assignment", opVideoPut,
		"The video update binds the internal, readOnly conversion_params (the ffmpeg arguments of the conversion job) from the request."},
	{"contact-mechanic-ssrf", "fuzz/ssrf", opContactMech,
		"mechanic_api is fetched server-side and its answer returned, so the server requests internal URLs for the attacker."},
	{"coupon-nosql-injection", "fuzz/nosql-injection", opValidate,
		"coupon_code is passed to the MongoDB query as given: {\"$ne\": 1} returns a valid coupon the caller never knew."},
	{"apply-coupon-sqli", "fuzz/sql-injection", opApplyCoupon,
		"coupon_code is concatenated into the SQL of the applied-coupon check: ' OR 1=1 -- lists other users' claimed coupons, a lone quote gives a PostgreSQL syntax error."},
	{"jwt-jku-injection", "fuzz/token-tampering-accepted", opDashboard,
		"Token verification fetches the key set from the token's own jku header, so a token signed with the attacker's key and pointing at the attacker's JWKS is accepted."},
	{"jwt-alg-confusion", "fuzz/token-tampering-accepted", opDashboard,
		"The algorithm comes from the token: an HS256 token whose HMAC key is the published RSA public key's PEM is accepted (RS256->HS256 confusion)."},
	{"login-no-rate-limit", "fuzz/no-auth-rate-limit", opLogin,
		"Login takes any number of wrong passwords with no 429, lockout or delay."},
}

// Planted lists the flaws of the server as configured (empty when Secure).
func (s *Server) Planted() []Flaw {
	if s.secure {
		return nil
	}
	return append([]Flaw(nil), planted...)
}

// AlsoTrue lists findings that are true but are not the point of a flaw.
func (s *Server) AlsoTrue() []Flaw {
	// Signup answers "Email already registered! Email: x" with a 403 in
	// both modes, as crAPI (and most sign-up forms) do.
	out := []Flaw{{"signup-enumeration", "fuzz/user-enumeration", opSignup,
		"Signing up with a registered address answers 403 naming it."}}
	if s.secure {
		return out
	}
	out = append(out,
		// The SQL injection's 500 carries the PSQLException and its
		// stack trace; the same injection takes pg_sleep.
		Flaw{"apply-coupon-error-leak", "fuzz/error-leak", opApplyCoupon, "The SQL error's 500 shows the query and a Java stack trace."},
		Flaw{"apply-coupon-time-based", "fuzz/time-based-injection", opApplyCoupon, "'||pg_sleep(2)||' delays the answer."},
		// An unknown query operator makes MongoDB fail; the catch-all
		// handler shows the exception.
		Flaw{"validate-coupon-error-leak", "fuzz/error-leak", opValidate, "{\"$foo\": 1} gives a 500 with a MongoQueryException trace."},
		// A missing title is an NPE whose trace is shown.
		Flaw{"create-post-error-leak", "fuzz/error-leak", opCreatePost, "A post without a title gives a 500 with a NullPointerException trace."},
		// The forum lists each author's e-mail and vehicle UUID to every
		// user: other users' identifiers, the id leak behind
		// vehicle-location-bola (no secret: no secret-in-response).
		Flaw{"recent-posts-id-leak", "fuzz/bola", opRecentPosts, "Every post shows its author's e-mail and vehicle UUID."},
		// Users are refused DELETE on their own video (403, "admin
		// function") while the admin DELETE on the same video lets them
		// through.
		Flaw{"video-delete-inconsistent", "fuzz/inconsistent-authorization", opAdminVideo, "User DELETE answers 403, the admin DELETE of the same video 200."},
		// The user DELETE, which no user may call, looks the video up
		// before refusing: 404 at an id that is not the caller's.
		Flaw{"user-video-delete-lookup-first", "fuzz/auth-after-lookup", opVideoDelete, "DELETE of a missing video answers 404, of an own video 403."},
		// The v2 OTP check is also a burst of wrong guesses without 429;
		// forget-password takes bursts too.
		Flaw{"otp-v2-no-rate-limit", "fuzz/no-auth-rate-limit", opOtpV2, "Wrong OTPs are never throttled."},
		Flaw{"forget-password-no-rate-limit", "fuzz/no-auth-rate-limit", opForget, "Reset requests are never throttled."},
	)
	// jku injection and algorithm confusion are accepted by the JWT
	// filter, so every secured operation takes the forged tokens, not
	// only the dashboard the flaws name.
	for _, op := range securedOperations() {
		if op != opDashboard {
			out = append(out, Flaw{"forged-token-" + op, "fuzz/token-tampering-accepted", op, "The JWT filter accepts jku-injected and HS256-confused tokens here too."})
		}
		// The filter fetches the jku URL of any token, before it checks
		// anything: a server-side request to a URL the client names, seen
		// on whichever secured operation the probe went to first.
		out = append(out, Flaw{"jwt-jku-fetch-" + op, "fuzz/ssrf", op, "The JWT filter fetches the key URL a forged token's jku header names."})
	}
	return out
}

// securedOperations are the spec's operations that declare bearerAuth.
func securedOperations() []string {
	var out []string
	for _, rt := range (&Server{}).buildRoutes() {
		open := strings.HasPrefix(rt.pattern, "/identity/api/auth/") || rt.pattern == "/.well-known/jwks.json" || rt.pattern == "/v3/api-docs"
		if !open {
			out = append(out, rt.method+" "+rt.pattern)
		}
	}
	return out
}
