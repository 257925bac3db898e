package jwt

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"testing"
)

func rsaJWK(kid string, k *rsa.PublicKey) map[string]any {
	return map[string]any{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": b64.EncodeToString(k.N.Bytes()), "e": b64.EncodeToString(big.NewInt(int64(k.E)).Bytes())}
}

func ecJWK(kid, crv string, k *ecdsa.PublicKey) map[string]any {
	point, err := k.Bytes()
	if err != nil {
		panic(err)
	}
	size := (len(point) - 1) / 2
	return map[string]any{"kty": "EC", "kid": kid, "crv": crv,
		"x": b64.EncodeToString(point[1 : 1+size]), "y": b64.EncodeToString(point[1+size:])}
}

func jwksDoc(t testing.TB, keys ...any) []byte {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestParseJWKS(t *testing.T) {
	a, b := testKey(t, testKeyAPEM), testKey(t, testKeyBPEM)
	p256, p521 := testECKey(t, "P-256"), testECKey(t, "P-521")
	attacker, err := NewAttackerKey(a, now)
	if err != nil {
		t.Fatal(err)
	}
	var certOnly map[string]any
	{
		var set struct{ Keys []map[string]any }
		if err := json.Unmarshal(attacker.JWKS(), &set); err != nil {
			t.Fatal(err)
		}
		certOnly = map[string]any{"kty": "RSA", "kid": "cert", "x5c": set.Keys[0]["x5c"]}
	}
	padded := rsaJWK("padded", &b.PublicKey)
	padded["n"] = base64.URLEncoding.EncodeToString(b.N.Bytes())
	stdAlphabet := rsaJWK("std", &b.PublicKey)
	stdAlphabet["n"] = base64.RawStdEncoding.EncodeToString(b.N.Bytes())
	private := rsaJWK("priv", &a.PublicKey)
	private["d"] = b64.EncodeToString(a.D.Bytes())
	shortX := ecJWK("short", "P-256", &shortCoordinateKey(t).PublicKey)
	shortX["x"] = b64.EncodeToString(mustB64(t, shortX["x"].(string))[1:]) // the leading zero byte dropped
	offCurve := ecJWK("off", "P-256", &p256.PublicKey)
	offCurve["y"] = offCurve["x"]

	tests := []struct {
		name    string
		doc     []byte
		wantErr bool
		kids    []string
		skipped int
	}{
		{"RSA and EC", jwksDoc(t, rsaJWK("a", &a.PublicKey), ecJWK("ec", "P-256", &p256.PublicKey), ecJWK("ec521", "P-521", &p521.PublicKey)), false, []string{"a", "ec", "ec521"}, 0},
		{"oct, OKP and junk", jwksDoc(t, map[string]any{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"}, map[string]any{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}, "junk", 42, map[string]any{"kty": "RSA", "n": "AQAB", "e": "AQAB"}), false, []string{"hmac"}, 4},
		{"tolerated encodings", jwksDoc(t, padded, stdAlphabet), false, []string{"padded", "std"}, 0},
		{"published private key", jwksDoc(t, private), false, []string{"priv"}, 0},
		{"certificate only", jwksDoc(t, certOnly), false, []string{"cert"}, 0},
		{"short EC coordinate", jwksDoc(t, shortX), false, []string{"short"}, 0},
		{"bad EC", jwksDoc(t, offCurve, map[string]any{"kty": "EC", "crv": "P-192", "x": "AA", "y": "AA"}), false, nil, 2},
		{"bad RSA exponents", jwksDoc(t, map[string]any{"kty": "RSA", "n": rsaJWK("", &a.PublicKey)["n"], "e": "AQ"}, map[string]any{"kty": "RSA", "n": rsaJWK("", &a.PublicKey)["n"], "e": "AQAAAAAAAAAB"}), false, nil, 2},
		{"too many keys", jwksDoc(t, manyKeys(&a.PublicKey, MaxJWKSKeys+3)...), false, nil, 3},
		{"empty set", []byte(`{"keys":[]}`), false, nil, 0},
		{"no keys member", []byte(`{"issuer":"x"}`), true, nil, 0},
		{"keys null", []byte(`{"keys":null}`), true, nil, 0},
		{"not JSON", []byte(`<html>`), true, nil, 0},
		{"too large", []byte(`{"keys":[` + strings.Repeat(" ", MaxKeyDocumentBytes) + `]}`), true, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := ParseJWKS(tt.doc)
			if tt.wantErr {
				if !errors.Is(err, ErrKeyDocument) {
					t.Fatalf("err = %v, want ErrKeyDocument", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "too many keys" {
				if len(set.Keys) != MaxJWKSKeys {
					t.Errorf("%d keys kept", len(set.Keys))
				}
			} else {
				var kids []string
				for _, k := range set.Keys {
					kids = append(kids, k.KeyID)
				}
				if fmt.Sprint(kids) != fmt.Sprint(tt.kids) {
					t.Errorf("kids %v, want %v", kids, tt.kids)
				}
			}
			if set.Skipped != tt.skipped {
				t.Errorf("skipped %d, want %d", set.Skipped, tt.skipped)
			}
			for _, k := range set.Keys {
				switch k.Type {
				case "RSA":
					pub, ok := k.Public.(*rsa.PublicKey)
					if !ok || (k.KeyID != "cert" && pub.E != 65537) {
						t.Errorf("%s: public %T", k.KeyID, k.Public)
					}
				case "EC":
					if _, ok := k.Public.(*ecdsa.PublicKey); !ok {
						t.Errorf("%s: public %T", k.KeyID, k.Public)
					}
				case "oct":
					if string(k.Secret) != "secret" || k.Public != nil {
						t.Errorf("oct: secret %q public %v", k.Secret, k.Public)
					}
				}
				if k.HasPrivate != (k.KeyID == "priv") {
					t.Errorf("%s: HasPrivate %v", k.KeyID, k.HasPrivate)
				}
			}
		})
	}
}

// shortCoordinateKey returns a P-256 key whose x coordinate starts with a
// zero byte (one key in 256).
func shortCoordinateKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	for range 100000 {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if point, _ := k.PublicKey.Bytes(); point[1] == 0 {
			return k
		}
	}
	t.Fatal("no key with a short x coordinate")
	return nil
}

func mustB64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := b64.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func manyKeys(pub *rsa.PublicKey, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = rsaJWK(fmt.Sprint("k", i), pub)
	}
	return out
}

func TestJWKSForToken(t *testing.T) {
	a, b := testKey(t, testKeyAPEM), testKey(t, testKeyBPEM)
	ec := testECKey(t, "P-256")
	set, err := ParseJWKS(jwksDoc(t, rsaJWK("a", &a.PublicKey), rsaJWK("b", &b.PublicKey), ecJWK("ec", "P-256", &ec.PublicKey),
		map[string]any{"kty": "oct", "kid": "a", "k": "c2VjcmV0"}))
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{"sub": "x"}
	tests := []struct {
		name string
		tok  string
		want []string
	}{
		{"kid matches", signAsym(t, map[string]any{"alg": "RS256", "kid": "b"}, claims, b), []string{"b"}},
		{"no kid: every RSA key", signAsym(t, map[string]any{"alg": "RS256"}, claims, a), []string{"a", "b"}},
		{"unknown kid: every key of the type", signAsym(t, map[string]any{"alg": "ES256", "kid": "gone"}, claims, ec), []string{"ec"}},
		{"HS256: nothing", mustSign(t, "HS256", "s", claims), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, k := range set.ForToken(mustParse(t, tt.tok)) {
				got = append(got, k.KeyID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("ForToken = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseDiscovery(t *testing.T) {
	const docURL = "https://api.example.com/v1/.well-known/openid-configuration"
	tests := []struct {
		name, doc, docURL string
		want              Discovery
		wantErr           bool
	}{
		{"absolute", `{"issuer":"https://idp.example.com/","jwks_uri":"https://idp.example.com/keys"}`, docURL, Discovery{"https://idp.example.com/", "https://idp.example.com/keys"}, false},
		{"relative to the document", `{"jwks_uri":"/oauth/jwks"}`, docURL, Discovery{"", "https://api.example.com/oauth/jwks"}, false},
		{"relative without a document URL", `{"jwks_uri":"/oauth/jwks"}`, "", Discovery{}, true},
		{"no jwks_uri", `{"issuer":"https://idp.example.com/"}`, docURL, Discovery{}, true},
		{"jwks_uri not a string", `{"jwks_uri":["https://x/keys"]}`, docURL, Discovery{}, true},
		{"file scheme", `{"jwks_uri":"file:///etc/passwd"}`, docURL, Discovery{}, true},
		{"issuer not a string", `{"issuer":7,"jwks_uri":"https://x/keys"}`, docURL, Discovery{"", "https://x/keys"}, false},
		{"not JSON", `jwks_uri=https://x`, docURL, Discovery{}, true},
		{"too large", `{"jwks_uri":"https://x/keys","pad":"` + strings.Repeat("a", MaxKeyDocumentBytes) + `"}`, docURL, Discovery{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDiscovery([]byte(tt.doc), tt.docURL)
			if tt.wantErr {
				if !errors.Is(err, ErrKeyDocument) {
					t.Errorf("err = %v, want ErrKeyDocument", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseDiscovery = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	if _, err := ParseDiscovery([]byte(`{"jwks_uri":"/k"}`), "http://[::1"); err == nil {
		t.Error("bad document URL accepted")
	}
}

func TestKeyLocations(t *testing.T) {
	key := testKey(t, testKeyAPEM)
	tok := mustParse(t, signAsym(t, map[string]any{"alg": "RS256", "jku": "https://idp.example.com/jwks"},
		map[string]any{"iss": "https://idp.example.com/realms/acme/"}, key))
	got, err := KeyLocations("https://api.example.com/v1/", tok)
	if err != nil {
		t.Fatal(err)
	}
	want := []KeyLocation{
		{"https://idp.example.com/jwks", LocationJWKS},
		{"https://idp.example.com/realms/acme/.well-known/openid-configuration", LocationDiscovery},
		{"https://api.example.com/v1/.well-known/openid-configuration", LocationDiscovery},
		{"https://api.example.com/v1/.well-known/oauth-authorization-server", LocationDiscovery},
		{"https://api.example.com/v1/.well-known/jwks.json", LocationJWKS},
	}
	for i, w := range want {
		if i >= len(got) || got[i] != w {
			t.Fatalf("location %d = %v, want %v (all: %v)", i, got[i], w, got)
		}
	}
	has := map[string]KeyLocationKind{}
	for _, l := range got {
		if _, dup := has[l.URL]; dup {
			t.Errorf("%s listed twice", l.URL)
		}
		has[l.URL] = l.Kind
		if u, err := url.Parse(l.URL); err != nil || u.Host == "" {
			t.Errorf("bad URL %q", l.URL)
		}
	}
	for _, u := range []string{"https://api.example.com/jwks.json", "https://api.example.com/.well-known/openid-configuration", "https://api.example.com/oauth/jwks", "https://api.example.com/api/jwks", "https://api.example.com/v1/api/jwks"} {
		if _, ok := has[u]; !ok {
			t.Errorf("%s missing", u)
		}
	}

	// A target at the host's root lists each path once; no token, no
	// token-derived location.
	root, err := KeyLocations("http://127.0.0.1:8080", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(root) != len(wellKnownKeyPaths) || root[0].URL != "http://127.0.0.1:8080/.well-known/openid-configuration" {
		t.Errorf("root target: %v", root)
	}
	// A jku or iss that is not an http(s) URL is not fetched.
	local := mustParse(t, signAsym(t, map[string]any{"alg": "RS256", "jku": "file:///etc/keys"}, map[string]any{"iss": "acme"}, key))
	if l, _ := KeyLocations("http://127.0.0.1:8080", local); len(l) != len(wellKnownKeyPaths) {
		t.Errorf("non-URL jku or iss listed: %v", l[:2])
	}
	for _, bad := range []string{"", "api.example.com", "ftp://x/", "http://[::1"} {
		if _, err := KeyLocations(bad, nil); err == nil {
			t.Errorf("KeyLocations(%q) accepted", bad)
		}
	}
}

func FuzzParseJWKS(f *testing.F) {
	a := testKey(f, testKeyAPEM)
	attacker, err := NewAttackerKey(a, now)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(attacker.JWKS())
	f.Add(jwksDoc(f, rsaJWK("a", &a.PublicKey), ecJWK("ec", "P-256", &testECKey(f, "P-256").PublicKey)))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"},{"kty":"EC","crv":"P-384","x":"AA","y":"AA"},{"kty":"RSA","x5c":["AAAA"]}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		set, err := ParseJWKS(doc)
		if err != nil {
			if !errors.Is(err, ErrKeyDocument) {
				t.Fatalf("error %v does not wrap ErrKeyDocument", err)
			}
			return
		}
		if len(set.Keys) > MaxJWKSKeys || set.Skipped < 0 {
			t.Fatalf("%d keys, %d skipped", len(set.Keys), set.Skipped)
		}
		for _, k := range set.Keys {
			if (k.Public == nil) == (k.Secret == nil) {
				t.Fatalf("key %q: public %v, secret %q", k.KeyID, k.Public, k.Secret)
			}
			if k.Public != nil {
				// Every parsed public key encodes for alg confusion.
				if _, err := PublicKeySecrets(k.Public); err != nil {
					t.Fatalf("key %q: %v", k.KeyID, err)
				}
			}
		}
	})
}

func FuzzParseDiscovery(f *testing.F) {
	f.Add([]byte(`{"issuer":"https://idp.example.com/","jwks_uri":"https://idp.example.com/keys"}`), "https://api.example.com/.well-known/openid-configuration")
	f.Add([]byte(`{"jwks_uri":"/oauth/jwks"}`), "http://127.0.0.1:8080/x")
	f.Add([]byte(`{"jwks_uri":"//evil.example/keys"}`), "")
	f.Fuzz(func(t *testing.T, doc []byte, docURL string) {
		d, err := ParseDiscovery(doc, docURL)
		if err != nil {
			return
		}
		u, err := url.Parse(d.JWKSURI)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("jwks_uri %q is not an absolute http(s) URL", d.JWKSURI)
		}
	})
}
