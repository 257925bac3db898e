package jwt

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKey parses one of the fixed keys of keys_test.go.
func testKey(t testing.TB, s string) *rsa.PrivateKey {
	t.Helper()
	block, _ := pem.Decode([]byte(strings.ReplaceAll(s, "TESTING KEY", "PRIVATE KEY")))
	if block == nil {
		t.Fatal("test key: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

var (
	ecOnce sync.Once
	ecKeys map[string]*ecdsa.PrivateKey
)

// testECKey returns a P-256, P-384 or P-521 key, generated once per test
// binary (EC generation is instant; RSA is not, hence the fixed ones).
func testECKey(t testing.TB, crv string) *ecdsa.PrivateKey {
	t.Helper()
	ecOnce.Do(func() {
		ecKeys = map[string]*ecdsa.PrivateKey{}
		for name, c := range map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()} {
			k, err := ecdsa.GenerateKey(c, rand.Reader)
			if err != nil {
				panic(err)
			}
			ecKeys[name] = k
		}
	})
	return ecKeys[crv]
}

// signAsym signs header and claims with an RSA or EC private key under
// the header's alg, as a server would.
func signAsym(t testing.TB, header, claims map[string]any, priv crypto.Signer) string {
	t.Helper()
	hs, err := encodeJSON(header)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := encodeJSON(claims)
	if err != nil {
		t.Fatal(err)
	}
	alg := header["alg"].(string)
	h, ok := asymmetricHash(alg)
	if !ok {
		t.Fatalf("alg %s", alg)
	}
	digest := digestOf(h, hs+"."+cs)
	var sig []byte
	switch k := priv.(type) {
	case *rsa.PrivateKey:
		if alg[:2] == "PS" {
			sig, err = rsa.SignPSS(rand.Reader, k, h, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		} else {
			sig, err = rsa.SignPKCS1v15(nil, k, h, digest)
		}
	case *ecdsa.PrivateKey:
		var r, s *big.Int
		r, s, err = ecdsa.Sign(rand.Reader, k, digest)
		size := (k.Curve.Params().BitSize + 7) / 8
		sig = make([]byte, 2*size)
		if err == nil {
			r.FillBytes(sig[:size])
			s.FillBytes(sig[size:])
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return hs + "." + cs + "." + b64.EncodeToString(sig)
}

func mustParse(t testing.TB, s string) *Token {
	t.Helper()
	tok, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// claimsWithout returns c without the named members, numbers as
// json.Number like a parsed token's.
func normalized(t testing.TB, c map[string]any, drop ...string) map[string]any {
	t.Helper()
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	for _, k := range drop {
		delete(m, k)
	}
	return m
}

// checkForged checks what every key-confusion forgery promises: it parses,
// its Header and Claims are what it encodes, the claims are the original's
// with exp moved to ForgedLifetime after now.
func checkForged(t *testing.T, orig *Token, f Forged) *Token {
	t.Helper()
	p, err := Parse(f.Token)
	if err != nil {
		t.Fatalf("%s: forged token does not parse: %v", f.Tampering, err)
	}
	if f.Note == "" {
		t.Errorf("%s: no note", f.Tampering)
	}
	if got, want := normalized(t, f.Header), p.Header; !equalJSON(got, want) {
		t.Errorf("%s: Header %v, token says %v", f.Tampering, got, want)
	}
	if got, want := normalized(t, f.Claims), p.Claims; !equalJSON(got, want) {
		t.Errorf("%s: Claims %v, token says %v", f.Tampering, got, want)
	}
	if !equalJSON(normalized(t, p.Claims, "exp"), normalized(t, orig.Claims, "exp")) {
		t.Errorf("%s: claims %v, want the original's %v", f.Tampering, p.Claims, orig.Claims)
	}
	_, hadExp := orig.Claims["exp"]
	exp, hasExp := p.Expiry()
	if hadExp != hasExp || (hasExp && !exp.Equal(now.Add(ForgedLifetime))) {
		t.Errorf("%s: exp %v (present %v), want %v (present %v)", f.Tampering, exp, hasExp, now.Add(ForgedLifetime), hadExp)
	}
	return p
}

func equalJSON(a, b any) bool {
	ra, err1 := json.Marshal(a)
	rb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ra, rb)
}

func TestKidInjections(t *testing.T) {
	expired := map[string]any{"sub": "alice", "role": "user", "exp": now.Add(-time.Hour).Unix(), "iat": now.Add(-2 * time.Hour).Unix()}
	rsaKey := testKey(t, testKeyAPEM)
	tests := []struct {
		name    string
		raw     string
		wantAlg string
	}{
		{"HS256 with kid and jku", mustSignHeader(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": "k1", "jku": "https://idp.example/jwks"}, "s", expired), "HS256"},
		{"HS512 keeps its alg", mustSignHeader(t, map[string]any{"alg": "HS512", "kid": "k1"}, "s", expired), "HS512"},
		{"RS256 becomes HS256", signAsym(t, map[string]any{"alg": "RS256", "kid": "rsa-1"}, expired, rsaKey), "HS256"},
		{"no exp, no kid", mustSignHeader(t, map[string]any{"alg": "HS256"}, "s", map[string]any{"sub": "bob"}), "HS256"},
	}
	wantKids := map[string]string{
		"../../../../../../../../dev/null":      "",
		"/dev/null":                             "",
		"x' UNION SELECT 'specter-kid-key'-- -": KidSQLKey,
		"0 UNION SELECT 'specter-kid-key'-- -":  KidSQLKey,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := mustParse(t, tt.raw)
			forged, err := KidInjections(orig, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(forged) != len(wantKids) {
				t.Fatalf("%d forgeries, want %d", len(forged), len(wantKids))
			}
			seen := map[string]bool{}
			for _, f := range forged {
				p := checkForged(t, orig, f)
				kid, _ := p.Header["kid"].(string)
				wantKey, ok := wantKids[kid]
				if !ok || seen[kid] {
					t.Errorf("unexpected or repeated kid %q", kid)
					continue
				}
				seen[kid] = true
				if f.Key == nil || string(f.Key) != wantKey {
					t.Errorf("kid %q: Key %q (nil %v), want %q", kid, f.Key, f.Key == nil, wantKey)
				}
				wantKind := KidPathTraversal
				if wantKey != "" {
					wantKind = KidSQLInjection
				}
				if f.Tampering != wantKind {
					t.Errorf("kid %q: tampering %s, want %s", kid, f.Tampering, wantKind)
				}
				if p.Alg() != tt.wantAlg || !p.Verify([]byte(wantKey)) {
					t.Errorf("kid %q: alg %s, verifies with %q: %v", kid, p.Alg(), wantKey, p.Verify([]byte(wantKey)))
				}
				// HMAC pads keys with zeros: the empty-key forgery is also
				// the one for a single zero byte.
				if wantKey == "" && !p.Verify([]byte{0}) {
					t.Error("empty-key forgery does not verify with a zero byte")
				}
				if _, ok := p.Header["jku"]; ok {
					t.Error("jku kept: the verifier might fetch the real key instead")
				}
				if typ, ok := orig.Header["typ"]; ok && p.Header["typ"] != typ {
					t.Errorf("typ %v not kept", p.Header["typ"])
				}
			}
		})
	}
}

func mustSignHeader(t testing.TB, header map[string]any, secret string, claims map[string]any) string {
	t.Helper()
	tok, err := Sign(header, claims, []byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestJWKThumbprint(t *testing.T) {
	// RFC 7638 section 3.1.
	n := "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
	if got, want := rsaThumbprint(n, "AQAB"), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; got != want {
		t.Errorf("thumbprint %s, want %s", got, want)
	}
}

func TestKeyInjections(t *testing.T) {
	priv := testKey(t, testKeyAPEM)
	other := testKey(t, testKeyBPEM)
	key, err := NewAttackerKey(priv, now)
	if err != nil {
		t.Fatal(err)
	}
	orig := mustParse(t, signAsym(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": "server-1", "x5t": "abc"}, map[string]any{"sub": "alice", "exp": now.Add(-time.Minute).Unix()}, other))
	const jwksURL, certURL = "http://127.0.0.1:8089/c/tok1/jwks", "http://127.0.0.1:8089/c/tok2/x5u"
	forged, err := KeyInjections(orig, key, jwksURL, certURL, now)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[Tampering]bool{}
	for _, f := range forged {
		kinds[f.Tampering] = true
		p := checkForged(t, orig, f)
		if p.Alg() != "RS256" || p.Header["kid"] != key.KeyID || p.Header["typ"] != "JWT" {
			t.Errorf("%s: header %v", f.Tampering, p.Header)
		}
		if _, ok := p.Header["x5t"]; ok {
			t.Errorf("%s: the server's x5t was kept", f.Tampering)
		}
		if !p.VerifyKey(&priv.PublicKey) || p.VerifyKey(&other.PublicKey) {
			t.Errorf("%s: does not verify with the attacker key only", f.Tampering)
		}
		if f.Key != nil {
			t.Errorf("%s: Key %q for an RSA-signed forgery", f.Tampering, f.Key)
		}
		switch f.Tampering {
		case JKUInjection:
			if p.Header["jku"] != jwksURL || f.URL != jwksURL || f.ContentType != JWKSContentType {
				t.Errorf("jku: header %v, URL %q, type %q", p.Header, f.URL, f.ContentType)
			}
			set, err := ParseJWKS(f.Document)
			if err != nil {
				t.Fatal(err)
			}
			ks := set.ForToken(p)
			if len(ks) != 1 || !p.VerifyKey(ks[0].Public) || ks[0].KeyID != key.KeyID {
				t.Errorf("the served JWKS does not verify the forgery: %+v", set)
			}
			if !bytes.Equal(f.Document, key.JWKS()) {
				t.Error("Document is not key.JWKS()")
			}
		case X5UInjection:
			if p.Header["x5u"] != certURL || f.URL != certURL || f.ContentType != CertificateContentType {
				t.Errorf("x5u: header %v, URL %q, type %q", p.Header, f.URL, f.ContentType)
			}
			block, _ := pem.Decode(f.Document)
			if block == nil || block.Type != "CERTIFICATE" {
				t.Fatalf("x5u document is not a PEM certificate: %q", f.Document)
			}
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			if err := cert.CheckSignatureFrom(cert); err != nil {
				t.Errorf("certificate is not self-signed: %v", err)
			}
			if !p.VerifyKey(cert.PublicKey) || !cert.NotBefore.Before(now) || !cert.NotAfter.After(now) {
				t.Errorf("certificate key or validity wrong: %v..%v", cert.NotBefore, cert.NotAfter)
			}
		case EmbeddedJWK:
			if f.URL != "" || f.Document != nil {
				t.Errorf("embedded jwk serves %q %q", f.URL, f.Document)
			}
			jwk, _ := json.Marshal(map[string]any{"keys": []any{p.Header["jwk"]}})
			set, err := ParseJWKS(jwk)
			if err != nil || len(set.Keys) != 1 || !p.VerifyKey(set.Keys[0].Public) || set.Keys[0].HasPrivate {
				t.Errorf("embedded jwk %v does not verify the forgery: %v", p.Header["jwk"], err)
			}
		}
	}
	if len(kinds) != 3 || len(forged) != 3 {
		t.Errorf("forgeries %v", kinds)
	}

	// An empty URL leaves its forgery out.
	only, err := KeyInjections(orig, key, "", "", now)
	if err != nil || len(only) != 1 || only[0].Tampering != EmbeddedJWK {
		t.Errorf("without URLs: %v, %v", only, err)
	}
	if _, err := KeyInjections(orig, nil, jwksURL, "", now); err == nil {
		t.Error("no error without a key")
	}
}

func TestAttackerKeysOnce(t *testing.T) {
	keys := &AttackerKeys{Bits: 1024, Now: func() time.Time { return now }}
	var wg sync.WaitGroup
	got := make([]*AttackerKey, 4)
	for i := range got {
		wg.Go(func() {
			k, err := keys.Get()
			if err != nil {
				t.Error(err)
			}
			got[i] = k
		})
	}
	wg.Wait()
	for _, k := range got[1:] {
		if k != got[0] || k == nil {
			t.Fatal("Get returned different keys")
		}
	}
	if n := got[0].Private.N.BitLen(); n != 1024 {
		t.Errorf("%d-bit key", n)
	}
	if _, err := (&AttackerKeys{Bits: 512}).Get(); err == nil {
		t.Error("a 512-bit key was generated")
	}
}

func TestAlgConfusion(t *testing.T) {
	rsaKey := testKey(t, testKeyAPEM)
	ecKey := testECKey(t, "P-256")
	claims := map[string]any{"sub": "alice", "exp": now.Add(time.Minute).Unix()}
	tests := []struct {
		name  string
		raw   string
		pub   crypto.PublicKey
		names []string
	}{
		{"RS256", signAsym(t, map[string]any{"alg": "RS256", "kid": "k1", "typ": "JWT"}, claims, rsaKey), &rsaKey.PublicKey,
			[]string{"PKIX PEM", "PKIX PEM without trailing newline", "PKIX DER", "PKCS #1 PEM", "PKCS #1 PEM without trailing newline"}},
		{"PS384", signAsym(t, map[string]any{"alg": "PS384", "kid": "k1"}, claims, rsaKey), &rsaKey.PublicKey,
			[]string{"PKIX PEM", "PKIX PEM without trailing newline", "PKIX DER", "PKCS #1 PEM", "PKCS #1 PEM without trailing newline"}},
		{"ES256", signAsym(t, map[string]any{"alg": "ES256", "kid": "ec"}, claims, ecKey), &ecKey.PublicKey,
			[]string{"PKIX PEM", "PKIX PEM without trailing newline", "PKIX DER"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := mustParse(t, tt.raw)
			if !orig.VerifyKey(tt.pub) {
				t.Fatal("sample token does not verify")
			}
			forged, err := AlgConfusion(orig, tt.pub, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(forged) != len(tt.names) {
				t.Fatalf("%d forgeries, want %d", len(forged), len(tt.names))
			}
			der, _ := x509.MarshalPKIXPublicKey(tt.pub)
			for i, f := range forged {
				p := checkForged(t, orig, f)
				if f.Tampering != AlgConfusionHMAC || p.Alg() != "HS256" || p.Header["kid"] != orig.Header["kid"] {
					t.Errorf("%s: header %v", f.Tampering, p.Header)
				}
				if !strings.HasSuffix(f.Note, tt.names[i]) {
					t.Errorf("forgery %d: note %q, want the encoding %q", i, f.Note, tt.names[i])
				}
				if !p.Verify(f.Key) {
					t.Errorf("%q: does not verify with its key", f.Note)
				}
				switch tt.names[i] {
				case "PKIX PEM":
					if want := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}); !bytes.Equal(f.Key, want) {
						t.Errorf("PKIX PEM key %q", f.Key)
					}
				case "PKIX PEM without trailing newline", "PKCS #1 PEM without trailing newline":
					if bytes.HasSuffix(f.Key, []byte("\n")) || !bytes.HasSuffix(f.Key, []byte("-----")) {
						t.Errorf("%s ends in %q", tt.names[i], f.Key[len(f.Key)-6:])
					}
				case "PKIX DER":
					if !bytes.Equal(f.Key, der) {
						t.Error("DER key differs")
					}
				case "PKCS #1 PEM":
					if !bytes.HasPrefix(f.Key, []byte("-----BEGIN RSA PUBLIC KEY-----\n")) {
						t.Errorf("PKCS #1 key %q", f.Key)
					}
				}
			}
		})
	}
	hs := mustParse(t, mustSign(t, "HS256", "s", claims))
	if _, err := AlgConfusion(hs, &rsaKey.PublicKey, now); !errors.Is(err, errNotAsymmetric) {
		t.Errorf("HS256 token: %v", err)
	}
	rs := mustParse(t, tests[0].raw)
	if _, err := AlgConfusion(rs, "not a key", now); err == nil {
		t.Error("no error for a string key")
	}
}

func TestVerifyKey(t *testing.T) {
	rsaKey, otherRSA := testKey(t, testKeyAPEM), testKey(t, testKeyBPEM)
	claims := map[string]any{"sub": "a"}
	for _, tt := range []struct {
		alg        string
		priv       crypto.Signer
		pub, wrong crypto.PublicKey
	}{
		{"RS256", rsaKey, &rsaKey.PublicKey, &otherRSA.PublicKey},
		{"RS384", rsaKey, &rsaKey.PublicKey, &otherRSA.PublicKey},
		{"RS512", rsaKey, &rsaKey.PublicKey, &otherRSA.PublicKey},
		{"PS256", rsaKey, &rsaKey.PublicKey, &otherRSA.PublicKey},
		{"PS512", rsaKey, &rsaKey.PublicKey, &otherRSA.PublicKey},
		{"ES256", testECKey(t, "P-256"), &testECKey(t, "P-256").PublicKey, &rsaKey.PublicKey},
		{"ES384", testECKey(t, "P-384"), &testECKey(t, "P-384").PublicKey, &testECKey(t, "P-256").PublicKey},
		{"ES512", testECKey(t, "P-521"), &testECKey(t, "P-521").PublicKey, &testECKey(t, "P-384").PublicKey},
	} {
		t.Run(tt.alg, func(t *testing.T) {
			tok := mustParse(t, signAsym(t, map[string]any{"alg": tt.alg}, claims, tt.priv))
			if !tok.VerifyKey(tt.pub) {
				t.Error("does not verify with its key")
			}
			if tok.VerifyKey(tt.wrong) {
				t.Error("verifies with another key")
			}
			tok.Signature[len(tok.Signature)/2] ^= 1
			if tok.VerifyKey(tt.pub) {
				t.Error("verifies with an altered signature")
			}
		})
	}
	hs := mustParse(t, mustSign(t, "HS256", "s", claims))
	if hs.VerifyKey(&rsaKey.PublicKey) || hs.IsAsymmetric() {
		t.Error("an HS256 token verifies with a public key")
	}
}
