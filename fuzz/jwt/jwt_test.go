package jwt

import (
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func mustSign(t *testing.T, alg, secret string, claims map[string]any) string {
	t.Helper()
	tok, err := Sign(map[string]any{"alg": alg, "typ": "JWT"}, claims, []byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestParse(t *testing.T) {
	good := mustSign(t, "HS256", "k", map[string]any{"sub": "alice", "exp": now.Unix()})
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"signed", good, true},
		{"two segments", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0", false},
		{"header not json", "eyJhbGciOiJIUzI1NiJ.eyJzdWIiOiJhIn0.", false},
		{"header without alg", "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJhIn0.", false},
		{"null payload", "eyJhbGciOiJub25lIn0.bnVsbA.", false},
		{"signature not base64url", good[:strings.LastIndex(good, ".")] + ".***", false},
		{"too long", strings.Repeat("a", MaxTokenBytes+1), false},
		{"random text", "hello", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := Parse(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("Parse(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if tt.ok {
				if tok.Alg() != "HS256" || tok.Claims["sub"] != "alice" {
					t.Errorf("parsed %v %v", tok.Header, tok.Claims)
				}
				if exp, ok := tok.Expiry(); !ok || !exp.Equal(now) {
					t.Errorf("Expiry() = %v %v", exp, ok)
				}
			}
		})
	}
}

func TestVerifyAndSignRoundTrip(t *testing.T) {
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		tok, err := Parse(mustSign(t, alg, "s3", map[string]any{"sub": "x"}))
		if err != nil {
			t.Fatal(err)
		}
		if !tok.Verify([]byte("s3")) {
			t.Errorf("%s: does not verify with its own secret", alg)
		}
		if tok.Verify([]byte("s4")) {
			t.Errorf("%s: verifies with another secret", alg)
		}
	}
	if _, err := Sign(map[string]any{"alg": "RS256"}, map[string]any{}, []byte("k")); err == nil {
		t.Error("Sign accepted RS256")
	}
}

func TestTamper(t *testing.T) {
	raw := mustSign(t, "HS256", "real-secret-nobody-guesses", map[string]any{"sub": "alice", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()})
	tok, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := Tamper(tok, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(forged) != len(Tamperings()) {
		t.Fatalf("%d forgeries, want %d", len(forged), len(Tamperings()))
	}
	for _, f := range forged {
		t.Run(string(f.Tampering), func(t *testing.T) {
			if f.Token == raw {
				t.Fatal("forged token equals the original")
			}
			p, err := Parse(f.Token)
			if err != nil {
				t.Fatalf("forged token does not parse: %v", err)
			}
			if !equalJSON(normalized(t, f.Header), p.Header) || !equalJSON(normalized(t, f.Claims), p.Claims) {
				t.Errorf("Header/Claims %v %v, token says %v %v", f.Header, f.Claims, p.Header, p.Claims)
			}
			if p.Verify([]byte("real-secret-nobody-guesses")) {
				t.Error("forged token verifies: the tampering changed nothing a verifier checks")
			}
			switch f.Tampering {
			case AlgNone:
				if p.Alg() != "none" || len(p.Signature) != 0 || p.Claims["sub"] != "alice" {
					t.Errorf("alg none: %v %v sig=%d", p.Header, p.Claims, len(p.Signature))
				}
			case StrippedSignature:
				if p.Alg() != "HS256" || len(p.Signature) != 0 {
					t.Errorf("stripped: %v sig=%d", p.Header, len(p.Signature))
				}
			case AlteredSignature:
				if len(p.Signature) != len(tok.Signature) {
					t.Errorf("altered signature has %d bytes, want %d", len(p.Signature), len(tok.Signature))
				}
			case ExpiredClaims:
				exp, ok := p.Expiry()
				if !ok || !exp.Before(now) {
					t.Errorf("exp = %v, want before %v", exp, now)
				}
				if f.Resigned {
					t.Error("resigned without a secret")
				}
			}
		})
	}
}

func TestTamperExpiredResignsWithKnownSecret(t *testing.T) {
	tok, err := Parse(mustSign(t, "HS256", "secret", map[string]any{"sub": "a", "exp": now.Add(time.Hour).Unix()}))
	if err != nil {
		t.Fatal(err)
	}
	forged, err := Tamper(tok, []byte("secret"), now)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range forged {
		if f.Tampering != ExpiredClaims {
			continue
		}
		p, err := Parse(f.Token)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Resigned || !p.Verify([]byte("secret")) {
			t.Errorf("expired token not re-signed: resigned=%v", f.Resigned)
		}
		if exp, _ := p.Expiry(); !exp.Before(now) {
			t.Errorf("exp %v not in the past", exp)
		}
	}
}

func TestGuessSecret(t *testing.T) {
	tests := []struct {
		name, alg, secret string
		extra             []string
		want              string
		ok                bool
	}{
		{"default secret", "HS256", "secret", nil, "secret", true},
		{"jwt.io example", "HS256", "your-256-bit-secret", nil, "your-256-bit-secret", true},
		{"HS512 weak", "HS512", "changeme", nil, "changeme", true},
		{"strong secret", "HS256", "Zq8v1R9xK3pL0wT7yN2mB5cV4", nil, "", false},
		{"user-supplied candidate", "HS256", "acme-staging", []string{"acme-staging"}, "acme-staging", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := Parse(mustSign(t, tt.alg, tt.secret, map[string]any{"sub": "a"}))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := GuessSecret(tok, tt.extra...)
			if got != tt.want || ok != tt.ok {
				t.Errorf("GuessSecret = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
	// An unsigned or asymmetric token is never "guessed".
	none, _ := Parse("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.")
	if _, ok := GuessSecret(none); ok {
		t.Error("guessed a secret for alg none")
	}
}

func TestFind(t *testing.T) {
	a := mustSign(t, "HS256", "x", map[string]any{"sub": "a"})
	b := mustSign(t, "HS256", "x", map[string]any{"sub": "b"})
	body := `{"access_token":"` + a + `","again":"` + a + `","other":"Bearer ` + b + `","junk":"eyJhbGci.eyJ.x"}`
	got := Find(body, 10)
	if len(got) != 2 || got[0].Raw != a || got[1].Raw != b {
		t.Fatalf("Find = %d tokens", len(got))
	}
	if n := len(Find(body, 1)); n != 1 {
		t.Errorf("Find with max 1 returned %d", n)
	}
}
