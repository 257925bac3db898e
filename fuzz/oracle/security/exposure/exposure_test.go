package exposure

import (
	"strings"
	"testing"

	"github.com/specterhq/specter/scanners/secrets"
)

func newFinder(t *testing.T) *Finder {
	t.Helper()
	s, err := secrets.New(secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return New(s)
}

func TestFind(t *testing.T) {
	f := newFinder(t)
	tests := []struct {
		name string
		body string
		sent []string
		want []string // Kind:Field:What
	}{
		{"password hash of another user", `{"users":[{"name":"bob","password":"$2b$12$Qm9rZ2VkSGFzaFZhbHVlRm9yVGVzdA"}]}`, nil,
			[]string{"secret:/users/0/password:password hash"}},
		{"a weak password is still a password", `{"users":[{"username":"name1","password":"pass1"},{"username":"name2","password_hash":"5f4dcc3b5aa765d61d8327deb882cf99"}]}`, nil,
			[]string{"secret:/users/0/password:password", "secret:/users/1/password_hash:password hash"}},
		{"reset code", `{"user":"bob","reset_code":"4821"}`, nil, []string{"secret:/reset_code:one-time or reset code"}},
		// near misses
		{"password metadata", `{"password_changed_at":"2024-01-01","password_expired":"false","passwordPolicy":"min 12 chars","password":"********"}`, nil, nil},
		{"aws key", `{"config":{"aws_access_key_id":"AKIAQYLPMN5HHHFPZAM2"}}`, nil, []string{"secret:/config/aws_access_key_id:"}},
		// An AI-provider key under a name that says nothing, in a shape
		// gitleaks' patterns miss (a Groq key); built here so the
		// repository holds none.
		{"ai key under a plain name", `{"settings":{"model_route":"gsk_` + "Zq8Lw2Xr5TmP4kN7vB1cY6hJ3gF9dS0aQeRtUyIiOoPpAsDfGhJk" + `"}}`, nil, []string{"secret:/settings/model_route:"}},
		{"card number", `{"card":"4111 1111 1111 1111","last4":"1111"}`, nil, []string{"pii:/card:payment-card"}},
		{"ssn", `{"ssn":"219-09-9999"}`, nil, []string{"pii:/ssn:us-ssn"}},
		{"ssn in text", "name: bob, ssn 219-09-9999", nil, []string{"pii::us-ssn"}},
		// clean twins
		{"login hands out its token", `{"access_token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJlc2lnbmF0dXJl","token_type":"Bearer","refresh_token":"r3fr3sh-7f9a8b2c4d"}`, nil, nil},
		{"echo of what was sent", `{"password":"S3cure-Pa55w0rd!x"}`, []string{`{"password":"S3cure-Pa55w0rd!x"}`}, nil},
		{"masked values", `{"password":"********","api_key":"<redacted>","card":"**** 4242"}`, nil, nil},
		{"ids and numbers", `{"id":4111111111111112,"order":"123-45-6789","phone":"555-12-3456","count":12}`, nil, nil},
		{"pagination", `{"nextPageToken":"Q2xpZW50Q3Vyc29yOjEyMzQ1Njc4OTA"}`, nil, nil},
		{"not json, no pii", "hello 4111 1111 1111 1112 world", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := f.Find([]byte(tt.body), tt.sent)
			if len(got) != len(tt.want) {
				t.Fatalf("Find = %+v, want %v", got, tt.want)
			}
			for i, w := range tt.want {
				parts := strings.SplitN(w, ":", 3)
				m := got[i]
				if string(m.Kind) != parts[0] || m.Field != parts[1] || (parts[2] != "" && m.What != parts[2]) {
					t.Errorf("match %d = %+v, want %s", i, m, w)
				}
				if m.Redacted == "" || strings.Contains(tt.body, m.Redacted) && len(m.Redacted) > 8 {
					t.Errorf("evidence not redacted: %q", m.Redacted)
				}
			}
		})
	}
}

func TestHostileBody(t *testing.T) {
	f := newFinder(t)
	deep := strings.Repeat(`{"a":`, 10000) + `"x"` + strings.Repeat(`}`, 10000)
	_ = f.Find([]byte(deep), nil)
	big := []byte(`{"password":"` + strings.Repeat("A7b", MaxScanBytes) + `"}`)
	_ = f.Find(big, nil) // truncated: not JSON any more, must not panic
}
