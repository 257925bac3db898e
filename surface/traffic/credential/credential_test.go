package credential

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"
)

// jwt builds an unsigned-looking compact JWS with the given claims.
func jwt(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + ".c2lnbmF0dXJl"
}

func TestParseAuthorization(t *testing.T) {
	day := time.Unix(1717200000, 0).UTC()
	for _, tc := range []struct {
		name   string
		header string
		want   Info
	}{
		{
			name:   "agent token",
			header: "Bearer " + jwt(`{"iss":"https://idp.example","sub":"svc-7","client_id":"support-bot","client_type":"ai-agent","scope":"orders:read admin orders:read","iat":1717200000,"exp":1719792000}`),
			want: Info{Kind: KindJWT, Scheme: "Bearer", ClientID: "support-bot", ClientIDClaim: "client_id", Subject: "svc-7", Issuer: "https://idp.example",
				Scopes: []string{"admin", "orders:read"}, ClientType: "ai-agent", IssuedAt: day, Expires: day.Add(30 * 24 * time.Hour), HasExpiry: true},
		},
		{
			name:   "azp and scp list, no exp",
			header: "Bearer " + jwt(`{"azp":"web-app","scp":["a","b"],"iat":1717200000}`),
			want:   Info{Kind: KindJWT, Scheme: "Bearer", ClientID: "web-app", ClientIDClaim: "azp", Scopes: []string{"a", "b"}, IssuedAt: day},
		},
		{
			name:   "opaque bearer",
			header: "Bearer gho_16C7e42F292c6912E7710c838347Ae178B4a",
			want:   Info{Kind: KindBearer, Scheme: "Bearer", Prefix: "gho_…"},
		},
		{
			name:   "basic shows the user, never the password",
			header: "Basic " + base64.StdEncoding.EncodeToString([]byte("reporting:s3cr3t-pw")),
			want:   Info{Kind: KindBasic, Scheme: "Basic", User: "reporting"},
		},
		{
			name:   "not a JWT although it has two dots",
			header: "Bearer abc.def.ghi-long-enough",
			want:   Info{Kind: KindBearer, Scheme: "Bearer", Prefix: "abc.…"},
		},
		{
			name:   "JWT-looking with a broken payload",
			header: "Bearer eyJhbGciOiJub25lIn0.%%%.x",
			want:   Info{Kind: KindBearer, Scheme: "Bearer", Prefix: "eyJh…"},
		},
		{name: "short secret shows nothing", header: "Bearer t0k", want: Info{Kind: KindBearer, Scheme: "Bearer", Prefix: "…"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseAuthorization(tc.header)
			got.Claims = nil
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestLifetime(t *testing.T) {
	info := ParseAuthorization("Bearer " + jwt(`{"iat":1717200000,"exp":1717286400}`))
	if info.Lifetime() != 24*time.Hour {
		t.Errorf("lifetime %v", info.Lifetime())
	}
	if l := ParseAuthorization("Bearer " + jwt(`{"iat":1717200000}`)).Lifetime(); l != 0 {
		t.Errorf("no exp: lifetime %v, want 0", l)
	}
}

func TestParseAPIKey(t *testing.T) {
	if got := ParseAPIKey("x-api-key", "pk_test_TYooMQauvdEDq54NiTphI7jx"); got.Kind != KindAPIKey || got.Prefix != "pk_test_…" || got.Scheme != "x-api-key" {
		t.Errorf("%+v", got)
	}
	if got := ParseAPIKey("x-api-key", jwt(`{"client_id":"cli"}`)); got.Kind != KindJWT || got.ClientID != "cli" {
		t.Errorf("a JWT sent as a key: %+v", got)
	}
}

// FuzzParse: no panic, and nothing returned holds the secret beyond a
// prefix of at most a third of it.
func FuzzParse(f *testing.F) {
	f.Add("Bearer " + jwt(`{"client_id":"support-bot","scope":"a b","iat":1,"exp":2}`))
	f.Add("Basic " + base64.StdEncoding.EncodeToString([]byte("u:p")))
	f.Add("Bearer sk_live_51H8xYzAbCdEfGhIjKlMnOp")
	f.Add("DPoP " + jwt(`{"scp":["x"],"exp":1e300}`))
	f.Add("eyJ.eyJ.x")
	f.Fuzz(func(t *testing.T, header string) {
		info := ParseAuthorization(header)
		key := ParseAPIKey("x-api-key", header)
		for _, i := range []Info{info, key} {
			if i.Kind != KindJWT && len(i.Prefix) > 0 && i.Prefix != "…" {
				shown := strings.TrimSuffix(i.Prefix, "…")
				secret := strings.TrimSpace(header)
				if len(shown) > len(secret)/3+1 {
					t.Fatalf("prefix %q shows more than a third of %q", i.Prefix, header)
				}
			}
			if i.Kind == KindBasic && strings.Contains(i.User, ":") {
				t.Fatalf("basic user %q holds a colon", i.User)
			}
		}
	})
}
