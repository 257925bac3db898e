package safety

import (
	"testing"

	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// req builds a case on an operation by hand.
type req struct {
	method, path string
	opID         string
	summary      string
	params       []string // name, value, name, value...
	query        []string
	body         string // JSON unless form is set
	form         bool
	recorded     bool
	sentinel     bool
	ownSignUp    bool
}

func (r req) build() *plan.Case {
	t := &plan.Target{Op: &surface.Operation{Method: r.method, Path: r.path, OperationID: r.opID, Summary: r.summary}}
	t.Seal()
	c := &plan.Case{Target: t, Method: r.method, Sentinel: r.sentinel, OwnSignUp: r.ownSignUp}
	for i := 0; i+1 < len(r.params); i += 2 {
		c.PathParams = append(c.PathParams, plan.Param{Name: r.params[i], Value: r.params[i+1]})
	}
	for i := 0; i+1 < len(r.query); i += 2 {
		c.Query = append(c.Query, plan.Param{Name: r.query[i], Value: r.query[i+1]})
	}
	if r.body != "" {
		c.Body = []byte(r.body)
		c.ContentType = "application/json"
		if r.form {
			c.ContentType = "application/x-www-form-urlencoded"
		}
	}
	if r.recorded {
		c.RecordedURL = "https://staging.example.test" + c.Path()
	}
	return c
}

// runState is what a run knows: specter-a is an account it signed up,
// alice a declared test account (--identity) whose token says sub 7;
// specter-a created book 42 and the book titled specter-book, alice
// book 43, post 9 and book 77 of her shelf; book 44 was created and
// deleted since.
func runState() *learn.State {
	s := learn.New()
	s.AddAccount("specter-a", true, map[string]string{"username": "specter-a", "email": "specter-a@example.test", "userid": "101"})
	s.AddAccount("alice", false, map[string]string{"username": "alice", "email": "alice@example.test", "sub": "7"})
	s.AddObject(&learn.Object{Collection: "/books", Keys: map[string]string{"id": "42"}, Identity: "specter-a", Op: "POST /books"})
	s.AddObject(&learn.Object{Collection: "/books/v1", Keys: map[string]string{"booktitle": "specter-book"}, Identity: "specter-a", Op: "POST /books/v1"})
	s.AddObject(&learn.Object{Collection: "/books", Keys: map[string]string{"id": "43"}, Identity: "alice", Op: "POST /books"})
	s.AddObject(&learn.Object{Collection: "/posts", Keys: map[string]string{"id": "9"}, Identity: "alice", Op: "POST /posts"})
	s.AddObject(&learn.Object{Collection: "/books", Keys: map[string]string{"id": "44"}, Identity: "alice", Op: "POST /books"})
	s.MarkDeleted("/books", "id", "44")
	s.AddObject(&learn.Object{Collection: "/users/{username}/books", Keys: map[string]string{"id": "77"}, Identity: "alice", Params: map[string]string{"username": "alice"}})
	return s
}

func TestDecide(t *testing.T) {
	st := runState()
	normal := Policy{State: st}
	safe := Policy{State: st, Safe: true}
	destructive := Policy{State: st, AllowDestructive: true}
	seen := map[string]bool{}
	for _, tt := range []struct {
		name     string
		policy   Policy
		r        req
		identity string
		allowed  bool
		class    string
	}{
		// Reads are always sent.
		{"GET of a foreign object", normal, req{method: "GET", path: "/books/{id}", params: []string{"id", "999"}}, "alice", true, ClassRead},
		{"HEAD", normal, req{method: "HEAD", path: "/books/{id}", params: []string{"id", "999"}}, "alice", true, ClassRead},
		{"OPTIONS", normal, req{method: "OPTIONS", path: "/books"}, plan.NoCredentials, true, ClassRead},
		{"GET under --safe", safe, req{method: "GET", path: "/books"}, "alice", true, ClassRead},
		// ... except one that resets the data, whatever its method.
		{"GET /createdb", normal, req{method: "GET", path: "/createdb", summary: "Creates and populates the database with dummy data"}, "alice", false, ClassResetsData},
		{"GET /createdb under --safe", safe, req{method: "GET", path: "/createdb"}, "alice", false, ClassResetsData},
		{"POST /api/testing/reset", normal, req{method: "POST", path: "/api/testing/reset"}, plan.NoCredentials, false, ClassResetsData},
		{"recorded reset", normal, req{method: "POST", path: "/testData/seed", recorded: true}, "alice", false, ClassResetsData},
		{"sentinel reset", normal, req{method: "DELETE", path: "/admin/reset-database", sentinel: true}, "alice", false, ClassResetsData},
		{"GET /createdb with --allow-destructive", destructive, req{method: "GET", path: "/createdb"}, "alice", true, ClassRead},
		{"POST /reset with --allow-destructive", destructive, req{method: "POST", path: "/reset"}, "alice", true, ClassAnything},

		// --safe sends nothing else.
		{"--safe create", safe, req{method: "POST", path: "/books", body: `{"title":"x"}`}, "specter-a", false, ClassSafeOnly},
		{"--safe own object", safe, req{method: "PUT", path: "/books/{id}", params: []string{"id", "42"}}, "specter-a", false, ClassSafeOnly},
		{"--safe sentinel", safe, req{method: "DELETE", path: "/books/{id}", params: []string{"id", "0"}, sentinel: true}, "alice", false, ClassSafeOnly},
		{"--safe recorded", safe, req{method: "PUT", path: "/books/{id}", params: []string{"id", "1"}, recorded: true}, "alice", false, ClassSafeOnly},
		{"--safe with --allow-destructive", Policy{State: st, Safe: true, AllowDestructive: true}, req{method: "DELETE", path: "/books/{id}", params: []string{"id", "999"}}, "alice", false, ClassSafeOnly},

		// Probes at an id that cannot exist touch nothing.
		// The run's own sign-up through an operation named like a profile
		// write (vAPI's POST /vapi/api1/user): the account it names does
		// not exist yet. The same body without the mark is refused.
		{"the run's own sign-up", normal, req{method: "POST", path: "/vapi/api1/user", body: `{"username":"specter-z","password":"pw"}`, ownSignUp: true}, plan.NoCredentials, true, ClassCreate},
		{"a password write naming a stranger", normal, req{method: "POST", path: "/vapi/api1/user", body: `{"username":"specter-z","password":"pw"}`}, plan.NoCredentials, false, ClassForeignAccount},
		{"sentinel DELETE", normal, req{method: "DELETE", path: "/books/{id}", params: []string{"id", "2147483646"}, sentinel: true}, "alice", true, ClassSentinel},
		{"sentinel PUT on an account", normal, req{method: "PUT", path: "/users/{id}/password", params: []string{"id", "2147483646"}, body: `{"password":"x"}`, sentinel: true}, plan.NoCredentials, true, ClassSentinel},

		// --allow-destructive sends everything.
		{"--allow-destructive foreign DELETE", destructive, req{method: "DELETE", path: "/books/{id}", params: []string{"id", "999"}}, "alice", true, ClassAnything},
		{"--allow-destructive declared credential", destructive, req{method: "PUT", path: "/users/v1/{username}/password", params: []string{"username", "alice"}, body: `{"password":"x"}`}, "alice", true, ClassAnything},
		{"--allow-destructive recorded DELETE", destructive, req{method: "DELETE", path: "/books/{id}", params: []string{"id", "1"}, recorded: true}, "alice", true, ClassAnything},

		// Recorded (Postman) requests are the user's own, but for deletes.
		{"recorded PUT on a foreign id", normal, req{method: "PUT", path: "/books/{id}", params: []string{"id", "999"}, recorded: true}, "alice", true, ClassAnything},
		{"recorded POST", normal, req{method: "POST", path: "/books", recorded: true}, "alice", true, ClassAnything},
		{"recorded credential change", normal, req{method: "PUT", path: "/users/v1/{username}/password", params: []string{"username", "victim"}, body: `{"password":"x"}`, recorded: true}, "alice", true, ClassAnything},
		{"recorded DELETE", normal, req{method: "DELETE", path: "/books/{id}", params: []string{"id", "1"}, recorded: true}, "alice", false, ClassForeignDelete},
		{"recorded DELETE of an own object", normal, req{method: "DELETE", path: "/books/{id}", params: []string{"id", "42"}, recorded: true}, "specter-a", false, ClassForeignDelete},

		// Creates.
		{"create", normal, req{method: "POST", path: "/books", body: `{"title":"x"}`}, "alice", true, ClassCreate},
		{"anonymous create", normal, req{method: "POST", path: "/books"}, plan.NoCredentials, true, ClassCreate},
		{"anonymous sign-up", normal, req{method: "POST", path: "/users/v1/register", body: `{"username":"specter-b","password":"pw","email":"b@example.test"}`}, plan.NoCredentials, true, ClassCreate},
		{"login as a declared account", normal, req{method: "POST", path: "/users/v1/login", body: `{"username":"alice","password":"pw"}`}, "alice", true, ClassCreate},
		{"anonymous write naming nothing", normal, req{method: "PUT", path: "/settings", body: `{"theme":"dark"}`}, plan.NoCredentials, true, ClassCreate},
		{"anonymous reset request", normal, req{method: "POST", path: "/identity/api/auth/forget-password", body: `{"email":"victim@example.test"}`}, plan.NoCredentials, true, ClassCreate},
		{"create under an own object", normal, req{method: "POST", path: "/posts/{postId}/comments", params: []string{"postId", "9"}, body: `{"text":"x"}`}, "alice", true, ClassOwnObject},
		{"create under a foreign object", normal, req{method: "POST", path: "/posts/{postId}/comments", params: []string{"postId", "1"}, body: `{"text":"x"}`}, "alice", false, ClassForeignObject},

		// Writes and deletes on objects the run created, by any of its identities.
		{"PUT own object", normal, req{method: "PUT", path: "/books/{id}", params: []string{"id", "42"}}, "specter-a", true, ClassOwnObject},
		{"PATCH another identity's object of the run", normal, req{method: "PATCH", path: "/books/{id}", params: []string{"id", "43"}}, "specter-a", true, ClassOwnObject},
		{"anonymous PUT on an own object", normal, req{method: "PUT", path: "/books/{id}", params: []string{"id", "42"}}, plan.NoCredentials, true, ClassOwnObject},
		{"DELETE own object", normal, req{method: "DELETE", path: "/books/{id}", params: []string{"id", "42"}}, "alice", true, ClassOwnObject},
		{"DELETE own object by natural key", normal, req{method: "DELETE", path: "/books/v1/{book_title}", params: []string{"book_title", "specter-book"}}, "specter-a", true, ClassOwnObject},
		{"trailing slash", normal, req{method: "PUT", path: "/books/{id}/", params: []string{"id", "42"}}, "alice", true, ClassOwnObject},
		{"query id of an own object", normal, req{method: "PUT", path: "/books", query: []string{"book_id", "42"}}, "alice", true, ClassOwnObject},
		{"query id of an own object of another resource", normal, req{method: "PUT", path: "/cart", query: []string{"order_id", "42"}}, "alice", false, ClassForeignObject},
		{"query id of an object the run deleted", normal, req{method: "PUT", path: "/books", query: []string{"bookId", "44"}}, "alice", false, ClassForeignObject},
		{"sub-resource of an own object", normal, req{method: "PUT", path: "/posts/{postId}/cover", params: []string{"postId", "9"}}, "alice", true, ClassOwnObject},

		// Writes and deletes naming what the run did not create.
		{"PUT foreign object", normal, req{method: "PUT", path: "/books/{id}", params: []string{"id", "999"}}, "alice", false, ClassForeignObject},
		{"DELETE foreign object", normal, req{method: "DELETE", path: "/books/{id}", params: []string{"id", "999"}}, "alice", false, ClassForeignDelete},
		{"own id in another collection", normal, req{method: "PUT", path: "/authors/{id}", params: []string{"id", "42"}}, "specter-a", false, ClassForeignObject},
		{"DELETE of an object the run deleted", normal, req{method: "DELETE", path: "/books/{id}", params: []string{"id", "44"}}, "alice", false, ClassForeignDelete},
		{"one foreign id among own ones", normal, req{method: "PUT", path: "/posts/{postId}/comments/{id}", params: []string{"postId", "9", "id", "999"}}, "alice", false, ClassForeignObject},
		{"foreign id in the query", normal, req{method: "POST", path: "/cart/items", query: []string{"order_id", "999"}}, "alice", false, ClassForeignObject},
		{"foreign id in the query of a DELETE", normal, req{method: "DELETE", path: "/cart", query: []string{"itemId", "999"}}, "alice", false, ClassForeignDelete},
		{"credential change on a foreign id", normal, req{method: "PUT", path: "/users/{id}/password", params: []string{"id", "999"}, body: `{"password":"x"}`}, "alice", false, ClassForeignAccount},
		{"credential DELETE on a foreign id", normal, req{method: "DELETE", path: "/users/{id}/mfa", params: []string{"id", "999"}}, "alice", false, ClassForeignDelete},
		{"anonymous write naming a foreign id", normal, req{method: "PUT", path: "/books/{id}", params: []string{"id", "999"}}, plan.NoCredentials, false, ClassForeignObject},

		// Accounts the run provisioned: anything.
		{"PUT provisioned account", normal, req{method: "PUT", path: "/users/v1/{username}/email", params: []string{"username", "specter-a"}, body: `{"email":"new@example.test"}`}, "specter-a", true, ClassOwnAccount},
		{"password of a provisioned account", normal, req{method: "PUT", path: "/users/v1/{username}/password", params: []string{"username", "specter-a"}, body: `{"password":"new"}`}, "specter-a", true, ClassOwnAccount},
		{"DELETE provisioned account", normal, req{method: "DELETE", path: "/users/v1/{username}", params: []string{"username", "specter-a"}}, "alice", true, ClassOwnAccount},
		{"provisioned account by numeric id", normal, req{method: "PUT", path: "/users/{id}", params: []string{"id", "101"}}, "specter-a", true, ClassOwnAccount},
		{"provisioned account by e-mail", normal, req{method: "PATCH", path: "/accounts/{email}", params: []string{"email", "specter-a@example.test"}}, "specter-a", true, ClassOwnAccount},
		{"provisioned account in the query", normal, req{method: "PUT", path: "/settings", query: []string{"user_id", "101"}}, "specter-a", true, ClassOwnAccount},
		{"sub-resource of a provisioned account", normal, req{method: "PUT", path: "/users/{userId}/settings", params: []string{"userId", "101"}}, "specter-a", true, ClassOwnAccount},
		{"own id under another collection", normal, req{method: "PUT", path: "/users/{userId}/books/{id}", params: []string{"userId", "101", "id", "42"}}, "specter-a", false, ClassForeignObject},

		// Declared accounts: writes, no deletes, no credential changes.
		{"PUT declared account", normal, req{method: "PUT", path: "/users/v1/{username}/email", params: []string{"username", "alice"}, body: `{"email":"new@example.test"}`}, "alice", true, ClassDeclaredAccount},
		{"declared account by its token's numeric sub", normal, req{method: "PATCH", path: "/users/{id}", params: []string{"id", "7"}, body: `{"name":"A"}`}, "alice", true, ClassDeclaredAccount},
		{"DELETE declared account", normal, req{method: "DELETE", path: "/users/v1/{username}", params: []string{"username", "alice"}}, "alice", false, ClassDeclaredDelete},
		{"password of a declared account", normal, req{method: "PUT", path: "/users/v1/{username}/password", params: []string{"username", "alice"}, body: `{"password":"new"}`}, "alice", false, ClassDeclaredCredential},
		{"PUT on a declared account's password path", normal, req{method: "PUT", path: "/users/{id}/password", params: []string{"id", "7"}}, "specter-a", false, ClassDeclaredCredential},
		{"API key of a declared account", normal, req{method: "DELETE", path: "/users/{username}/api-key", params: []string{"username", "alice"}}, "alice", false, ClassDeclaredDelete},
		{"declared account named in the path, own object after", normal, req{method: "PUT", path: "/users/{username}/books/{id}", params: []string{"username", "alice", "id", "77"}}, "alice", true, ClassDeclaredAccount},
		{"own object, then a declared account's delete", normal, req{method: "DELETE", path: "/books/{id}/owners/{username}", params: []string{"id", "42", "username", "alice"}}, "alice", false, ClassDeclaredDelete},
		// A number that is the declared user's id is no order of theirs.
		{"order numbered like the declared user", normal, req{method: "PUT", path: "/orders/{id}", params: []string{"id", "7"}, body: `{"status":"cancelled"}`}, "alice", false, ClassForeignObject},
		{"order id like the user's in the query", normal, req{method: "PUT", path: "/orders", query: []string{"orderId", "7"}}, "alice", false, ClassForeignObject},
		{"DELETE of an order numbered like the provisioned user", normal, req{method: "DELETE", path: "/orders/{uuid}", params: []string{"uuid", "101"}}, "specter-a", false, ClassForeignDelete},

		// Writes on the caller itself (nothing named in the path).
		{"PUT /me as a declared account", normal, req{method: "PUT", path: "/me", body: `{"name":"A"}`}, "alice", true, ClassDeclaredAccount},
		{"PUT /me as the default identity", normal, req{method: "PUT", path: "/me", body: `{"name":"A"}`}, "", true, ClassDeclaredAccount},
		{"DELETE /me as a declared account", normal, req{method: "DELETE", path: "/me"}, "alice", false, ClassDeclaredDelete},
		{"DELETE /me as a provisioned account", normal, req{method: "DELETE", path: "/me"}, "specter-a", true, ClassOwnAccount},
		{"PATCH /profile as a provisioned account", normal, req{method: "PATCH", path: "/profile", body: `{"name":"A"}`}, "specter-a", true, ClassOwnAccount},
		{"change password as a declared account", normal, req{method: "POST", path: "/user/change-password", body: `{"old_password":"a","new_password":"b"}`}, "alice", false, ClassDeclaredCredential},
		{"change password as a provisioned account", normal, req{method: "POST", path: "/user/change-password", body: `{"old_password":"a","new_password":"b"}`}, "specter-a", true, ClassOwnAccount},
		{"PUT /me/password as a declared account", normal, req{method: "PUT", path: "/me/password"}, "alice", false, ClassDeclaredCredential},
		{"form password as a declared account", normal, req{method: "POST", path: "/account", body: "password=b", form: true}, "alice", false, ClassDeclaredCredential},
		// ... and credential changes naming an account in the body or query.
		{"change naming a foreign account", normal, req{method: "POST", path: "/user/change-password", body: `{"username":"victim","new_password":"b"}`}, "specter-a", false, ClassForeignAccount},
		{"change naming a foreign e-mail in the query", normal, req{method: "POST", path: "/user/change-password", query: []string{"email", "victim@example.test"}, body: `{"password":"b"}`}, "specter-a", false, ClassForeignAccount},
		{"change naming a declared account", normal, req{method: "POST", path: "/user/change-password", body: `{"email":"alice@example.test","password":"b"}`}, "specter-a", false, ClassForeignAccount},
		{"change naming a provisioned account", normal, req{method: "POST", path: "/user/change-password", body: `{"username":"specter-a","password":"b"}`}, "specter-a", true, ClassOwnAccount},
		{"anonymous OTP reset naming a foreign account", normal, req{method: "POST", path: "/identity/api/auth/v3/check-otp", body: `{"email":"victim@example.test","otp":"1234","password":"b"}`}, plan.NoCredentials, false, ClassForeignAccount},
		{"anonymous OTP reset naming a provisioned account", normal, req{method: "POST", path: "/identity/api/auth/v3/check-otp", body: `{"email":"specter-a@example.test","otp":"1234","password":"b"}`}, plan.NoCredentials, true, ClassCreate},
		{"change naming one foreign among own", normal, req{method: "POST", path: "/admin/passwords", body: `{"username":"specter-a","email":"victim@example.test","password":"b"}`}, "specter-a", false, ClassForeignAccount},
		{"phone number of a foreign account", normal, req{method: "POST", path: "/user/pin", body: `{"phone":"5550100","pin":"0000"}`}, "specter-a", false, ClassForeignAccount},

		// Without a state nothing is known to be the run's.
		{"no state: create", Policy{}, req{method: "POST", path: "/books"}, "alice", true, ClassCreate},
		{"no state: PUT on an id", Policy{}, req{method: "PUT", path: "/books/{id}", params: []string{"id", "42"}}, "alice", false, ClassForeignObject},
		{"no state: PUT /me", Policy{}, req{method: "PUT", path: "/me"}, "alice", true, ClassDeclaredAccount},
		{"no state: DELETE /me", Policy{}, req{method: "DELETE", path: "/me"}, "alice", false, ClassDeclaredDelete},
		{"no state: change naming an account", Policy{}, req{method: "POST", path: "/user/change-password", body: `{"username":"specter-a","password":"b"}`}, "specter-a", false, ClassForeignAccount},
	} {
		seen[tt.class] = true
		if tt.allowed != sent[tt.class] {
			t.Errorf("%s: class %q with allowed %v: the package doc groups it the other way", tt.name, tt.class, tt.allowed)
		}
		t.Run(tt.name, func(t *testing.T) {
			c := tt.r.build()
			got := tt.policy.Decide(c, tt.identity)
			if got.Allowed != tt.allowed || got.Class != tt.class {
				t.Errorf("Decide(%s %s as %q) = %+v, want {Allowed:%v Class:%q}", c.Method, c.Path(), tt.identity, got, tt.allowed, tt.class)
			}
		})
	}
	for c := range sent {
		if !seen[c] {
			t.Errorf("no case of class %q", c)
		}
	}
	for _, c := range skipped {
		if !seen[c] {
			t.Errorf("no case of class %q", c)
		}
	}
}

// sent are the classes of calls that are sent, skipped those that are not.
var (
	sent    = map[string]bool{ClassRead: true, ClassCreate: true, ClassOwnObject: true, ClassOwnAccount: true, ClassDeclaredAccount: true, ClassAnything: true, ClassSentinel: true}
	skipped = []string{ClassSafeOnly, ClassResetsData, ClassForeignObject, ClassForeignDelete, ClassForeignAccount, ClassDeclaredCredential, ClassDeclaredDelete}
)

func TestRead(t *testing.T) {
	for m, want := range map[string]bool{"GET": true, "HEAD": true, "OPTIONS": true, "POST": false, "PUT": false, "PATCH": false, "DELETE": false, "TRACE": false, "get": false, "": false} {
		if got := Read(m); got != want {
			t.Errorf("Read(%q) = %v, want %v", m, got, want)
		}
	}
}

func TestCredentialChange(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    req
		want bool
	}{
		// Password members in the body.
		{"password in a PUT", req{method: "PUT", path: "/users/{id}", body: `{"password":"x"}`}, true},
		{"new password", req{method: "PATCH", path: "/me", body: `{"newPassword":"x"}`}, true},
		{"current and new", req{method: "POST", path: "/account/update", body: `{"current_password":"a","new_password":"b"}`}, true},
		{"passwd", req{method: "POST", path: "/account", body: `{"passwd":"x"}`}, true},
		{"pwd", req{method: "POST", path: "/account", body: `{"pwd":"x"}`}, true},
		{"pin", req{method: "POST", path: "/cards/{id}", body: `{"pin":"0000"}`}, true},
		{"new pin", req{method: "PUT", path: "/cards/{id}", body: `{"new_pin":"0000"}`}, true},
		{"form password", req{method: "POST", path: "/account", body: "password=x&name=a", form: true}, true},
		{"password set with a reset code", req{method: "POST", path: "/reset-password", body: `{"token":"t-1","password":"x"}`}, true},
		{"crAPI OTP check with a new password", req{method: "POST", path: "/identity/api/auth/v3/check-otp", body: `{"email":"a@example.test","otp":"1234","password":"x"}`}, true},
		// Paths and operation ids naming a credential, for updates and deletes.
		{"PUT on a password path", req{method: "PUT", path: "/users/v1/{username}/password"}, true},
		{"PATCH on a passwd path", req{method: "PATCH", path: "/me/passwd"}, true},
		{"DELETE of a second factor", req{method: "DELETE", path: "/users/{id}/mfa"}, true},
		{"PUT 2fa", req{method: "PUT", path: "/account/2fa", body: `{"enabled":false}`}, true},
		{"DELETE totp", req{method: "DELETE", path: "/me/totp"}, true},
		{"DELETE an API key", req{method: "DELETE", path: "/api-keys/{id}"}, true},
		{"PUT an api_key", req{method: "PUT", path: "/projects/{id}/api_key"}, true},
		{"DELETE a secret", req{method: "DELETE", path: "/secrets/{name}"}, true},
		{"PUT credentials", req{method: "PUT", path: "/integrations/{id}/credentials"}, true},
		{"operation id names it", req{method: "PUT", path: "/users/{id}", opID: "updatePassword"}, true},
		{"upper case path", req{method: "PUT", path: "/Users/{id}/PASSWORD"}, true},
		{"a bare pass segment", req{method: "PUT", path: "/me/pass"}, true},
		{"reset_pass operation id", req{method: "PATCH", path: "/me", opID: "reset_pass_now"}, true},
		{"passcode", req{method: "PUT", path: "/devices/{id}/passcode"}, true},
		// Words that start with "pass" are not credentials.
		{"passengers", req{method: "PUT", path: "/flights/{id}/passengers/{pid}"}, false},
		{"passport", req{method: "PATCH", path: "/me/passport"}, false},
		// Logins, sign-ups and token operations never are.
		{"login", req{method: "POST", path: "/users/v1/login", body: `{"username":"a","password":"x"}`}, false},
		{"signin", req{method: "POST", path: "/auth/signin", body: `{"password":"x"}`}, false},
		{"sign-in", req{method: "POST", path: "/auth/sign-in", body: `{"password":"x"}`}, false},
		{"sign-up", req{method: "POST", path: "/auth/sign-up", body: `{"password":"x"}`}, false},
		{"signup", req{method: "POST", path: "/identity/api/auth/signup", body: `{"email":"a@example.test","password":"x"}`}, false},
		{"register", req{method: "POST", path: "/users/v1/register", body: `{"username":"a","password":"x"}`}, false},
		{"OAuth token", req{method: "POST", path: "/oauth/token", body: `{"grant_type":"password","username":"a","password":"x"}`}, false},
		{"token refresh", req{method: "PUT", path: "/auth/token/refresh"}, false},
		{"revoke a token", req{method: "DELETE", path: "/tokens/{id}"}, false},
		{"login by operation id", req{method: "POST", path: "/session", opID: "loginUser", body: `{"password":"x"}`}, false},
		// Reset requests that only name the account are not changes.
		{"reset request by e-mail", req{method: "POST", path: "/password/reset", body: `{"email":"a@example.test"}`}, false},
		{"forgot password", req{method: "POST", path: "/identity/api/auth/forget-password", body: `{"email":"a@example.test"}`}, false},
		{"POST on a password path", req{method: "POST", path: "/users/{id}/password-reset"}, false},
		{"reset code request", req{method: "POST", path: "/mfa/send-code", body: `{"phone":"5550100"}`}, false},
		// Other writes and reads.
		{"ordinary update", req{method: "PUT", path: "/users/{id}", body: `{"name":"a","email":"a@example.test"}`}, false},
		{"GET a password path", req{method: "GET", path: "/users/{id}/password"}, false},
		{"GET with a password body", req{method: "GET", path: "/x", body: `{"password":"x"}`}, false},
		{"password-like value, not name", req{method: "PUT", path: "/notes/{id}", body: `{"text":"password"}`}, false},
		{"body that is not what it says", req{method: "PUT", path: "/notes/{id}", body: "password=x"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.r.build()
			if got := CredentialChange(c); got != tt.want {
				t.Errorf("CredentialChange(%s %s %s) = %v, want %v", c.Method, c.Target.Op.Path, c.Body, got, tt.want)
			}
		})
	}
}
