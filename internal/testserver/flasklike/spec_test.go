package flasklike

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestSpecLoadsAndNamesEveryFlaw(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(Spec())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Errorf("openapi %q, want 3.0.x", doc.OpenAPI)
	}
	s := New(Options{})
	all := append(s.Planted(), s.AlsoTrue()...)
	all = append(all, New(Options{Secure: true}).AlsoTrue()...)
	for _, f := range all {
		if f.Operation == "" {
			continue
		}
		method, path, ok := strings.Cut(f.Operation, " ")
		if !ok {
			t.Errorf("%s: operation %q", f.ID, f.Operation)
			continue
		}
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("%s: %s is not in the spec", f.ID, f.Operation)
		}
	}
	if len(New(Options{Secure: true}).Planted()) != 0 {
		t.Error("Secure must plant nothing")
	}
	// Every path VAmPI has is kept.
	for _, op := range []string{"GET /createdb", "GET /", "GET /users/v1", "GET /users/v1/_debug", "POST /users/v1/register",
		"POST /users/v1/login", "GET /me", "GET /users/v1/{username}", "DELETE /users/v1/{username}",
		"PUT /users/v1/{username}/email", "PUT /users/v1/{username}/password", "GET /books/v1", "POST /books/v1",
		"GET /books/v1/{book_title}"} {
		method, path, _ := strings.Cut(op, " ")
		if item := doc.Paths.Find(path); item == nil || item.GetOperation(method) == nil {
			t.Errorf("%s missing", op)
		}
	}
	// The path parameter carries its example in the schema, VAmPI style.
	p := doc.Paths.Find("/users/v1/{username}").Get.Parameters[0].Value
	if p.Schema.Value.Example != "name1" {
		t.Errorf("username example %v", p.Schema.Value.Example)
	}
}

func TestFlawIDsAreUniqueAndRulesKnown(t *testing.T) {
	rules := map[string]bool{}
	for _, r := range strings.Fields(`fuzz/sql-injection fuzz/command-injection fuzz/path-traversal fuzz/template-injection
		fuzz/reflected-xss fuzz/time-based-injection fuzz/error-leak fuzz/version-disclosure fuzz/weak-jwt-secret
		fuzz/token-tampering-accepted fuzz/auth-not-enforced fuzz/cors-reflected-origin-with-credentials
		fuzz/no-auth-rate-limit fuzz/user-enumeration fuzz/latency-outlier fuzz/secret-in-response fuzz/pii-in-response
		fuzz/bola fuzz/bfla fuzz/use-after-delete fuzz/mass-assignment fuzz/privilege-escalation fuzz/ssrf fuzz/redos
		fuzz/cors-origin-bypass fuzz/otp-no-rate-limit fuzz/inconsistent-authorization fuzz/auth-after-lookup
		fuzz/nosql-injection fuzz/internal-endpoint-exposed`) {
		rules[r] = true
	}
	seen := map[string]bool{}
	s := New(Options{})
	for _, f := range append(s.Planted(), s.AlsoTrue()...) {
		if seen[f.ID] {
			t.Errorf("duplicate id %s", f.ID)
		}
		seen[f.ID] = true
		if !rules[f.Rule] {
			t.Errorf("%s: unknown rule %s", f.ID, f.Rule)
		}
		if f.Summary == "" {
			t.Errorf("%s: no summary", f.ID)
		}
	}
}
