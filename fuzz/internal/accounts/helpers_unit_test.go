package accounts

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

func strSchema(min uint64, max int64, pattern string) *openapi3.Schema {
	s := openapi3.NewStringSchema()
	s.MinLength = min
	if max >= 0 {
		s.MaxLength = openapi3.Uint64Ptr(uint64(max))
	}
	s.Pattern = pattern
	return s
}

func TestFitString(t *testing.T) {
	tests := []struct {
		name   string
		schema *openapi3.Schema
		cands  []string
		want   string
	}{
		{"no schema", nil, []string{"specterabc", "other"}, "specterabc"},
		{"no bounds", strSchema(0, -1, ""), []string{"specterabc", "other"}, "specterabc"},
		{"too long", strSchema(0, 5, ""), []string{"specterabc", "spec"}, "spec"},
		{"too short", strSchema(12, -1, ""), []string{"short", "long-enough-value"}, "long-enough-value"},
		{"at the bounds", strSchema(4, 4, ""), []string{"abcd", "x"}, "abcd"},
		{"pattern", strSchema(0, -1, `^[a-z0-9]+$`), []string{"Specter1a", "specter1a"}, "specter1a"},
		{"unanchored pattern", strSchema(0, -1, `[0-9]`), []string{"nodigits", "digit5"}, "digit5"},
		{"none fits: the first, cut to the end", strSchema(0, 6, ""), []string{"specter12345a", "specter12345b"}, "12345a"},
		{"none fits the pattern: the first as it is", strSchema(0, -1, `^[A-Z]+$`), []string{"specter1a", "Specter1a"}, "specter1a"},
		{"none is long enough: the first as it is", strSchema(50, -1, ""), []string{"specter1a", "Specter1a"}, "specter1a"},
		// Go's regexp has no look-ahead: a pattern it cannot compile
		// does not rule a candidate out.
		{"pattern Go cannot compile", strSchema(0, -1, `^(?=.*[0-9])(?=.*[A-Z]).{8,}$`), []string{"Sp3cter-x9!", "other"}, "Sp3cter-x9!"},
		{"crAPI password", strSchema(4, 40, ""), []string{"Sp3cter-abcdefax9!", "Sp3cter-abcdef!"}, "Sp3cter-abcdefax9!"},
		{"short password column", strSchema(4, 12, ""), []string{"Sp3cter-abcdefax9!", "Sp3cter-abcdef!"}, "r-abcdefax9!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fitString(tt.schema, tt.cands...); got != tt.want {
				t.Errorf("fitString = %q, want %q", got, tt.want)
			}
		})
	}
}

var tenDigits = regexp.MustCompile(`^9\d{9}$`)

func TestPhoneFor(t *testing.T) {
	integer := openapi3.NewIntegerSchema()
	tests := []struct {
		name   string
		schema *openapi3.Schema
		check  func(string) bool
	}{
		{"no schema: ten digits", nil, tenDigits.MatchString},
		{"integer: ten digits", integer, tenDigits.MatchString},
		{"crAPI: 9 to 15 characters", strSchema(9, 15, ""), tenDigits.MatchString},
		{"RESTaurant's pattern", strSchema(0, 64, `^(\(?\d+\)?[\s.-]?)+$`), tenDigits.MatchString},
		{"E.164 with +1", strSchema(0, -1, `^\+1\d{10}$`), regexp.MustCompile(`^\+1\d{10}$`).MatchString},
		{"eight digits", strSchema(8, 8, ""), regexp.MustCompile(`^\d{8}$`).MatchString},
		{"eleven digits", strSchema(0, -1, `^\d{11}$`), regexp.MustCompile(`^\d{10}1$`).MatchString},
		{"nothing fits: ten digits", strSchema(0, -1, `^0\d{3}$`), tenDigits.MatchString},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, tag := range []string{"e38583", "0a1b2c"} {
				for n := 0; n < 8; n++ {
					p := phoneFor(tt.schema, tag, n)
					if !tt.check(p) {
						t.Fatalf("phoneFor(%s, %d) = %q", tag, n, p)
					}
					if p != phoneFor(tt.schema, tag, n) {
						t.Fatalf("phoneFor(%s, %d) is not reproducible", tag, n)
					}
					if seen[p] {
						t.Fatalf("phoneFor(%s, %d) = %q again", tag, n, p)
					}
					seen[p] = true
				}
			}
		})
	}
}

func TestPhoneValue(t *testing.T) {
	if v := phoneValue(openapi3.NewIntegerSchema(), "9123456789"); v != int64(9123456789) {
		t.Errorf("integer schema: %#v", v)
	}
	if v := phoneValue(openapi3.NewFloat64Schema(), "+19123456789"); v != int64(19123456789) {
		t.Errorf("number schema with +: %#v", v)
	}
	if v := phoneValue(openapi3.NewStringSchema(), "9123456789"); v != "9123456789" {
		t.Errorf("string schema: %#v", v)
	}
	if v := phoneValue(nil, "+19123456789"); v != "+19123456789" {
		t.Errorf("no schema: %#v", v)
	}
}

func TestSetBodyFields(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name, body, contentType string
		values                  map[string]any
		// wantJSON is the body (for JSON), wantForm the decoded form.
		wantJSON   string
		wantForm   url.Values
		wantFields map[string]any
		wantErr    bool
	}{
		{name: "JSON from nothing", contentType: "application/json", values: map[string]any{"username": "bob", "password": "p"},
			wantJSON: `{"password":"p","username":"bob"}`, wantFields: map[string]any{"username": "bob", "password": "p"}},
		{name: "JSON keeps the example's members", body: `{"username":"name3","email":"user@tempmail.com","n":1.50,"big":12345678901234567890}`, contentType: "application/json",
			values:     map[string]any{"username": "bob"},
			wantJSON:   `{"big":12345678901234567890,"email":"user@tempmail.com","n":1.50,"username":"bob"}`,
			wantFields: map[string]any{"username": "bob", "email": "user@tempmail.com", "n": json.Number("1.50"), "big": json.Number("12345678901234567890")}},
		{name: "JSON typed values", body: `{}`, contentType: "application/json; charset=utf-8",
			values:     map[string]any{"admin": true, "credits": 1000000, "roles": []any{"admin"}},
			wantJSON:   `{"admin":true,"credits":1000000,"roles":["admin"]}`,
			wantFields: map[string]any{"admin": true, "credits": 1000000, "roles": []any{"admin"}}},
		{name: "JSON that does not parse is replaced", body: `not json`, contentType: "application/json", values: map[string]any{"a": "b"},
			wantJSON: `{"a":"b"}`, wantFields: map[string]any{"a": "b"}},
		{name: "a JSON list is replaced", body: `[1,2]`, contentType: "application/json", values: map[string]any{"a": "b"},
			wantJSON: `{"a":"b"}`, wantFields: map[string]any{"a": "b"}},
		{name: "no content type is JSON", body: `{"x":"y"}`, values: map[string]any{"a": "b"},
			wantJSON: `{"a":"b","x":"y"}`, wantFields: map[string]any{"a": "b", "x": "y"}},
		{name: "OAuth2 password grant form", body: `grant_type=password&username=johndoe&password=secret&scope=&client_id=&client_secret=`, contentType: form,
			values:     map[string]any{"username": "bob", "password": "Sp3cter-x9!&a=b", "grant_type": "password"},
			wantForm:   url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {"Sp3cter-x9!&a=b"}, "scope": {""}, "client_id": {""}, "client_secret": {""}},
			wantFields: map[string]any{"grant_type": "password", "username": "bob", "password": "Sp3cter-x9!&a=b", "scope": "", "client_id": "", "client_secret": ""}},
		{name: "form with a charset, typed values", body: ``, contentType: "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
			values:     map[string]any{"admin": true, "level": 3},
			wantForm:   url.Values{"admin": {"true"}, "level": {"3"}},
			wantFields: map[string]any{"admin": true, "level": 3}},
		{name: "a form that does not parse", body: `a=%zz`, contentType: form, values: map[string]any{"a": "b"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, fields, err := setBodyFields([]byte(tt.body), tt.contentType, tt.values)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("setBodyFields = %s, want an error", body)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantForm != nil {
				got, err := url.ParseQuery(string(body))
				if err != nil || !reflect.DeepEqual(got, tt.wantForm) {
					t.Errorf("body %q, want the form %q (%v)", body, tt.wantForm.Encode(), err)
				}
			} else if string(body) != tt.wantJSON {
				t.Errorf("body %s, want %s", body, tt.wantJSON)
			}
			if !reflect.DeepEqual(fields, tt.wantFields) {
				t.Errorf("fields %#v, want %#v", fields, tt.wantFields)
			}
		})
	}
}

// testToken is an unsigned JWT with the claims.
func testToken(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("signature"))
}

func TestExpiryOf(t *testing.T) {
	now := time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)
	exp := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	jwtExp := testToken(`{"sub":"spectera","exp":` + itoa64(exp.Unix()) + `}`)
	jwtNoExp := testToken(`{"sub":"spectera"}`)
	tests := []struct {
		name, token, body string
		want              time.Time
	}{
		{"JWT exp", jwtExp, `{"auth_token":"` + jwtExp + `"}`, exp},
		{"JWT exp before expires_in", jwtExp, `{"access_token":"` + jwtExp + `","expires_in":60}`, exp},
		{"expires_in", "opaque-token-1", `{"access_token":"opaque-token-1","expires_in":3600}`, now.Add(time.Hour)},
		{"fractional expires_in", "opaque-token-1", `{"expires_in":1.5}`, now.Add(1500 * time.Millisecond)},
		{"JWT without exp, expires_in", jwtNoExp, `{"expires_in":120}`, now.Add(2 * time.Minute)},
		{"no expiry", "opaque-token-1", `{"access_token":"opaque-token-1","token_type":"bearer"}`, time.Time{}},
		{"zero expires_in", "opaque-token-1", `{"expires_in":0}`, time.Time{}},
		{"negative expires_in", "opaque-token-1", `{"expires_in":-30}`, time.Time{}},
		{"expires_in as text", "opaque-token-1", `{"expires_in":"3600"}`, time.Time{}},
		{"expires_in nested", "opaque-token-1", `{"data":{"expires_in":3600}}`, time.Time{}},
		{"a cookie session", "opaque-token-1", `<html>Welcome</html>`, time.Time{}},
		{"no body", "opaque-token-1", ``, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := expiryOf(tt.token, []byte(tt.body), now); !got.Equal(tt.want) {
				t.Errorf("expiryOf = %v, want %v", got, tt.want)
			}
		})
	}
}

func itoa64(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestSaying(t *testing.T) {
	tests := []struct{ body, want string }{
		{``, ``},
		{`{"detail":"Incorrect username or password"}`, `: {"detail":"Incorrect username or password"}`},
		{"<html>\n  <p>Error</p>\n</html>", `: <html> <p>Error</p> </html>`},
		{strings.Repeat("a", 130), ": " + strings.Repeat("a", 120) + "…"},
		// Nothing that looks like a credential is quoted.
		{`{"token":"` + testToken(`{"sub":"x"}`) + `"}`, ``},
	}
	for _, tt := range tests {
		if got := saying([]byte(tt.body)); got != tt.want {
			t.Errorf("saying(%.40q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}
