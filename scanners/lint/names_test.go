package lint

import (
	"strings"
	"testing"
)

func TestNameWords(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"callbackURL", "callback url"},
		{"owner_id", "owner id"},
		{"X-RateLimit-Limit", "x rate limit limit"},
		{"HTMLParser", "html parser"},
		{"userId", "user id"},
		{"curl", "curl"},
		{"", ""},
	} {
		if got := strings.Join(nameWords(tt.in), " "); got != tt.want {
			t.Errorf("nameWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleartextURL(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"http://api.example.com/v1", true},
		{"HTTP://API.EXAMPLE.COM", true},
		{"https://api.example.com", false},
		{"http://localhost:8080", false},
		{"http://127.0.0.2/", false},
		{"http://[::1]:80/", false},
		{"http://app.localhost/", false},
		{"http://{host}/v1", false},
		{"http://{{baseUrl}}/v1", false},
		{"/v1", false},
	} {
		if _, got := cleartextURL(tt.in); got != tt.want {
			t.Errorf("cleartextURL(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestDisplayURLDropsSecrets: URLs in messages and evidence never carry
// userinfo passwords or query strings.
func TestDisplayURLDropsSecrets(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://deploy:Sup3rS3cret@staging.example.com/v2", "https://staging.example.com/v2"},
		{"http://api.example.com/v1?api_key=abcd1234", "http://api.example.com/v1"},
		{"http://api.example.com/#frag", "http://api.example.com/"},
		{"http://[bad host/x?key=1", "http://[bad host/x…"},
	} {
		if got := displayURL(tt.in); got != tt.want {
			t.Errorf("displayURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBoundedPattern(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"^[A-Z]{3}$", true},
		{"^[0-9]{1,4}$", true},
		{"^[A-Z]+$", false},
		{"^[a-z]{2,}$", false},
		{"[A-Z]{3}", false},
		{`^abc\$`, false},
	} {
		if got := boundedPattern(tt.in); got != tt.want {
			t.Errorf("boundedPattern(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCatchAllPattern(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{".*", true}, {"^.*$", true}, {`[\s\S]*`, true}, {`^[\s\S]*$`, true}, {"^(.*)$", true},
		{".+", false}, {`^[\s\S]+$`, false},
		{`.*\S.*`, false}, {"^ord_.*$", false}, {"^[a-z]+$", false},
	} {
		if got := catchAll.MatchString(tt.in); got != tt.want {
			t.Errorf("catchAll(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestHasAdminSegment(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"/admin/users", true}, {"/api/Admin", true}, {"/api/admin-tools/x", true}, {"/sudo", true},
		{"/badminton", false}, {"/administration-fees", false}, {"/users/{admin}", false},
	} {
		if got := hasAdminSegment(tt.in); got != tt.want {
			t.Errorf("hasAdminSegment(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSensitiveKind(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"email", "pii"}, {"contactEmail", "pii"}, {"Date-Of-Birth", "pii"}, {"card_number", "pci"},
		{"IBAN", "pci"}, {"diagnosis", "phi"}, {"email_verified", ""}, {"ip_address", ""}, {"name", ""},
	} {
		if got := sensitiveKind(tt.in); got != tt.want {
			t.Errorf("sensitiveKind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRandomLooking(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"wv78Xq2pL", true}, {"e72e16c7e42f292c6912e7710c838347ae178b4a", true}, {"CorrectHorseBatteryStaple", true},
		{"jira-software", false}, {"WorkflowScheme", false}, {"1234567890", false}, {"changeme-please", false},
	} {
		if got := randomLooking(tt.in); got != tt.want {
			t.Errorf("randomLooking(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
