package laravellike

import _ "embed"

//go:embed openapi.yaml
var spec []byte

// Spec is the document a team would write from vAPI's Postman collection:
// OpenAPI 3.0, one tag per challenge, examples on the fields, the
// Authorization-Token as an API key, few response schemas.
func Spec() []byte { return append([]byte(nil), spec...) }

const (
	opCreate1  = "POST /vapi/api1/user"
	opUser1    = "GET /vapi/api1/user/{api1_id}"
	opLogin2   = "POST /vapi/api2/user/login"
	opComments = "GET /vapi/api3/comment"
	opOTP      = "POST /vapi/api4/otp/verify"
	opUsers5   = "GET /vapi/api5/users"
	opCreate6  = "POST /vapi/api6/user"
	opLogin8   = "POST /vapi/api8/user/login"
	opLogin9v1 = "POST /vapi/api9/v1/user/login" // not in the spec
)

var planted = []Flaw{
	{"api1-bola", "fuzz/bola", opUser1,
		"API1: User::findOrFail($id) with no owner check: any valid Authorization-Token reads any user by id."},
	{"api2-login-no-limit", "fuzz/no-auth-rate-limit", opLogin2,
		"API2: the login takes any number of wrong passwords (vAPI's credential-stuffing challenge)."},
	{"api3-comment-user-exposure", "fuzz/undocumented-response-property", opComments,
		"API3: Comment::with('user') serialises the author's whole row: mobile number, device id, latitude and longitude, which the spec does not document."},
	{"api4-otp-no-limit", "fuzz/otp-no-rate-limit", opOTP,
		"API4: the 4-digit OTP check takes unlimited guesses: 10,000 requests log in as the phone's owner."},
	{"api5-users-bfla", "fuzz/bfla", opUsers5,
		"API5: the user list, documented as admin only, has no role check: any user lists every account with e-mail and phone."},
	{"api6-credit-mass-assignment", "fuzz/mass-assignment", opCreate6,
		"API6: the api6 User model has $guarded = []: a credit member in the sign-up body becomes the new account's balance."},
	{"api7-cors-reflected", "fuzz/cors-reflected-origin-with-credentials", "",
		"API7: config/cors.php allows origin * with supports_credentials: any site's Origin is echoed with Access-Control-Allow-Credentials: true, so it reads the user's key with their cookies."},
	{"api8-login-sqli", "fuzz/sql-injection", opLogin8,
		"API8: the login concatenates username and password into the SQL: ' OR '1'='1 logs in as the first user, a lone quote gives MySQL's syntax error."},
	{"app-debug-true", "fuzz/error-leak", "",
		"APP_DEBUG=true: exceptions answer with Ignition's page or, to JSON requests, the exception class, file, line and trace (the SQL of a QueryException among them)."},
	{"api9-v1-login-served", "fuzz/older-api-version-served", opLogin9v1,
		"API9: the spec documents the v2 PIN login (five tries, then 429); routes/api.php still serves v1, with no limit."},
	{"php-version-header", "fuzz/version-disclosure", "",
		"X-Powered-By: PHP/7.4.33 and Server: Apache/2.4.54 (Debian) (expose_php On, ServerTokens Full) name the exact versions to look up."},
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
	// api7's key route exists to hand the user their API key: a
	// credential in a response body, in both builds (the flaw of API7 is
	// who may read it cross-origin, not that it is read).
	key := Flaw{"api7-key-in-response", "fuzz/secret-in-response", "GET /vapi/api7/user/key", "the user's API key is the answer."}
	if s.secure {
		return []Flaw{key}
	}
	return []Flaw{key,
		// v1 is fuzzed as an operation of its own once found: a 4-digit
		// PIN with no limit is a code that can be guessed, and a login
		// without a limit.
		{"api9-v1-pin-no-limit", "fuzz/otp-no-rate-limit", opLogin9v1, "v1 takes unlimited PIN guesses."},
		{"api9-v1-login-no-limit", "fuzz/no-auth-rate-limit", opLogin9v1, "v1 takes unlimited wrong PINs."},
		// The api8 login has no limit either (only v2 of api9 has one).
		{"api8-login-no-limit", "fuzz/no-auth-rate-limit", opLogin8, "the SQL login takes unlimited wrong passwords too."},
	}
}
