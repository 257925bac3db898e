package expresslike

import _ "embed"

//go:embed openapi.yaml
var spec []byte

// Spec is the document the team writes with swagger-jsdoc comments and
// serves with swagger-ui-express: OpenAPI 3.0, few schemas, examples on
// some fields, 200 documented for the login, no error schemas.
func Spec() []byte { return append([]byte(nil), spec...) }

const (
	opRegister = "POST /api/v2/register"
	opLogin    = "POST /api/v2/login"
	opLoginV1  = "POST /api/v1/login" // not in the spec
	opMe       = "GET /api/v2/users/me"
	opAvatar   = "POST /api/v2/users/me/avatar"
	opNotes    = "POST /api/v2/notes"
	opSearch   = "GET /api/v2/notes/search"
	opNote     = "GET /api/v2/notes/{id}"
	opDelete   = "DELETE /api/v2/notes/{id}"
	opAdmin    = "GET /api/v2/admin/users"
)

var planted = []Flaw{
	{"register-admin-mass-assignment", "fuzz/privilege-escalation", opRegister,
		"The sign-up does new User(req.body): an \"admin\": true in the body is saved, so anyone registers an administrator."},
	{"login-nosql-injection", "fuzz/nosql-injection", opLogin,
		"username and password go into User.findOne as they are: {\"$ne\": null} matches any stored hash and logs in as the first matching user without a password."},
	{"weak-jwt-secret", "fuzz/weak-jwt-secret", opLogin,
		"Tokens are signed with HS256 and JWT_SECRET=" + weakSecret + ", a dictionary word: anyone can mint a token for any user id with admin: true."},
	{"note-bola", "fuzz/bola", opNote,
		"Note.findById(req.params.id) with no owner in the filter: any logged-in user reads any other user's private note."},
	{"admin-users-bfla", "fuzz/bfla", opAdmin,
		"The admin user list (documented as admin only) has verifyToken but not isAdmin: any user lists every account."},
	{"admin-users-password-hashes", "fuzz/secret-in-response", opAdmin,
		"The user list returns the documents whole, bcrypt password hashes included (no select('-password')); with the BFLA any user gets every hash to crack offline."},
	{"avatar-ssrf", "fuzz/ssrf", opAvatar,
		"avatarUrl is fetched server-side with axios, any scheme-host-port allowed: internal services and cloud metadata are reachable through it."},
	{"search-reflected-xss", "fuzz/reflected-xss", opSearch,
		"With no result the search answers res.send('No results for ' + q), which Express sends as text/html: q runs as script in the victim's browser."},
	{"dev-error-pages", "fuzz/error-leak", "",
		"NODE_ENV is unset, so finalhandler shows every error's stack (file paths under /app, module versions by line numbers, the query's cast error)."},
	{"login-no-rate-limit", "fuzz/no-auth-rate-limit", opLogin,
		"No express-rate-limit or lockout on the login: passwords can be guessed at full speed."},
	{"login-v1-still-served", "fuzz/older-api-version-served", opLoginV1,
		"routes/v1.js is still mounted: POST /api/v1/login, which the spec no longer lists, is the same handler without v2's required-field check (an empty body logs in as the first user)."},
	{"static-project-root", "fuzz/internal-endpoint-exposed", "",
		"express.static(__dirname, { dotfiles: 'allow' }) serves the project root: GET /.env gives MONGO_URI with its password and JWT_SECRET."},
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
	if s.secure {
		return nil
	}
	// The old v1 login is the v2 handler without its required-field
	// check: the run fuzzes it as an operation of its own and finds there
	// what it finds on v2 (operators reach the query, no limit, tokens
	// signed with the same weak secret).
	return []Flaw{
		{"login-v1-nosql-injection", "fuzz/nosql-injection", opLoginV1, "{\"$ne\": null} logs in on v1 as on v2."},
		{"login-v1-no-rate-limit", "fuzz/no-auth-rate-limit", opLoginV1, "v1 takes any number of wrong passwords too."},
		{"login-v1-weak-jwt-secret", "fuzz/weak-jwt-secret", opLoginV1, "v1's tokens are signed with the same weak secret."},
	}
}
