package fastapilike

// Planted lists the flaws of the server as configured (empty when Secure).
func (s *Server) Planted() []Flaw {
	if s.secure {
		return nil
	}
	return []Flaw{
		{"version-header", "fuzz/version-disclosure", "GET /healthcheck",
			"The healthcheck answers X-Powered-By: Python 3.10, FastAPI ^0.103.0, telling an attacker which framework bugs to try (RESTaurant level 0)."},
		{"menu-delete-no-role-check", "fuzz/auth-after-lookup", "DELETE /menu/{item_id}",
			"The role check of DELETE /menu/{item_id} is commented out: a customer asking for an item that does not exist gets 404 instead of 403, so the lookup runs with no authorisation in front of it."},
		{"menu-delete-by-customer", "fuzz/bfla", "DELETE /menu/{item_id}",
			"Documented for employees and the chef, DELETE /menu/{item_id} lets any signed-in customer delete dishes from the menu (RESTaurant level 1)."},
		{"profile-put-idor", "fuzz/bola", "PUT /profile",
			"PUT /profile updates the user named by the body's username, not the caller: any customer rewrites another account's name and phone number, then takes it over through the phone-based password reset (RESTaurant level 2)."},
		{"update-role-by-anyone", "fuzz/privilege-escalation", "PUT /users/update_role",
			"PUT /users/update_role only refuses the Chef role; a customer sends his own username with role Employee and becomes staff (RESTaurant level 3)."},
		{"profile-patch-role", "fuzz/privilege-escalation", "PATCH /profile",
			"PATCH /profile's model allows extra fields and every one is copied onto the user row: {\"role\": \"Chef\"} makes the caller the chef."},
		{"menu-image-ssrf", "fuzz/ssrf", "PUT /menu",
			"PUT /menu downloads image_url server-side with no allow-list and returns the bytes as image_base64: an employee reads internal URLs such as the loopback-only /admin/reset-chef-password (RESTaurant level 4)."},
		{"disk-stats-command-injection", "fuzz/command-injection", "GET /admin/stats/disk",
			"GET /admin/stats/disk runs \"df -h \" + parameters through /bin/sh: parameters=;id runs id on the server as the app user (RESTaurant level 5)."},
		{"jwt-six-digit-secret", "fuzz/weak-jwt-secret", "POST /token",
			"Tokens are HS256-signed with a six-digit secret (123321); one token is enough to brute-force it offline and forge a token for any username, the chef's included."},
		{"cors-origin-regex-unanchored", "fuzz/cors-origin-bypass", "",
			"The CORS origin regex https://.*\\.restaurant\\.example is applied with re.match, anchored at the start only: https://x.restaurant.example.attacker.example is allowed, with Access-Control-Allow-Credentials: true."},
		{"order-read-bola", "fuzz/bola", "GET /orders/{order_id}",
			"GET /orders/{order_id} checks the Customer role but not the owner: any customer reads any order, its delivery address and phone number."},
		{"order-cancel-no-owner-check", "fuzz/inconsistent-authorization", "DELETE /orders/{order_id}",
			"PUT /orders/{order_id} refuses another customer's order with 403, but DELETE on the same order has no owner check and deletes it."},
		{"reset-code-no-attempt-limit", "fuzz/otp-no-rate-limit", "POST /reset-password/new-password",
			"The password-reset PIN has 4 digits and POST /reset-password/new-password takes any number of wrong codes: 10,000 guesses set a new password on a customer's account."},
		{"reset-request-user-enumeration", "fuzz/user-enumeration", "POST /reset-password",
			"POST /reset-password answers 400 \"Invalid username or phone number\" for unknown users, 400 \"Only customers...\" for staff and 200 for customers, listing who has an account and who is staff."},
		{"order-create-mass-assignment", "fuzz/mass-assignment", "POST /orders",
			"POST /orders copies extra body fields onto the order row: {\"status\": \"Delivered\", \"final_price\": 0.01} is honoured, so a customer sets his own price and marks the order delivered."},
		{"user-lookup-password-hash", "fuzz/secret-in-response", "GET /users/{user_id}",
			"GET /users/{user_id} returns the whole users row: password_hash (bcrypt) and the pending reset_password_code, which lets staff take over any customer account."},
		{"phone-pattern-redos", "fuzz/redos", "POST /register",
			"phone_number is checked with ^(\\(?\\d+\\)?[\\s.-]?)+$ under Python's backtracking re: 40 digits and a letter keep a worker busy for seconds per request."},
		{"token-no-rate-limit", "fuzz/no-auth-rate-limit", "POST /token",
			"POST /token takes any number of wrong passwords for a username with no 429, lockout or delay."},
	}
}

// AlsoTrue lists findings that are true but are not the point of a flaw.
func (s *Server) AlsoTrue() []Flaw {
	// Registration must tell a taken username apart; RESTaurant answers
	// 403 "Username or phone number already registered." in both builds.
	both := []Flaw{{"register-taken-username", "fuzz/user-enumeration", "POST /register",
		"Registering a taken username answers 403 where a free one answers 201."}}
	if s.secure {
		return both
	}
	return append(both,
		// The inconsistent DELETE deletes another customer's order: BOLA.
		Flaw{"order-cancel-bola", "fuzz/bola", "DELETE /orders/{order_id}",
			"Customer B deletes customer A's order."},
		// With no role check, DELETE /menu/{item_id} answers 404 to a
		// customer where PUT /menu, which checks the role, answers 403:
		// the same missing check seen as two operations on menu items
		// that disagree.
		Flaw{"menu-delete-inconsistent", "fuzz/inconsistent-authorization", "DELETE /menu/{item_id}",
			"A customer gets 403 from PUT /menu and 404 (a lookup) from DELETE /menu/{item_id}."},
		// PUT /menu/{item_id} uses the same download helper as PUT /menu.
		Flaw{"menu-update-image-ssrf", "fuzz/ssrf", "PUT /menu/{item_id}",
			"image_url on update is fetched server-side too."},
		// The role update is documented as a staff operation.
		Flaw{"update-role-bfla", "fuzz/bfla", "PUT /users/update_role",
			"A customer succeeds on the staff-only role update."},
		// The role is a server-owned field of the user row.
		Flaw{"profile-patch-mass-assignment", "fuzz/mass-assignment", "PATCH /profile",
			"Extra fields of PATCH /profile (role, username, reset code) are written to the row."},
		// The ReDoS answer is seconds slower than any other registration.
		Flaw{"register-redos-latency", "fuzz/latency-outlier", "POST /register",
			"A phone number of digits and a final letter takes up to 3 s to refuse."},
		// The injected shell also runs sleep.
		Flaw{"disk-stats-sleep", "fuzz/time-based-injection", "GET /admin/stats/disk",
			"parameters=;sleep 2 delays the answer by two seconds."},
		// The new-password step names its failures one by one.
		Flaw{"new-password-user-enumeration", "fuzz/user-enumeration", "POST /reset-password/new-password",
			"Unknown users get \"Invalid username or phone number\", known ones \"Reset password process was not initiated\"."},
		// Code requests are unlimited too: a burst of them floods the
		// customer's phone with text messages.
		Flaw{"reset-request-no-rate-limit", "fuzz/no-auth-rate-limit", "POST /reset-password",
			"Any number of reset requests for one username, each sending a text message."},
		// A password-reset endpoint that takes a burst of wrong guesses.
		Flaw{"new-password-no-rate-limit", "fuzz/no-auth-rate-limit", "POST /reset-password/new-password",
			"The same unlimited guessing, seen as a reset endpoint without rate limit."},
	)
}
