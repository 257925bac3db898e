// Package jwt reads JSON Web Tokens seen in a fuzz run, builds the tampered
// variants the token-tampering oracle sends and checks offline whether an
// HMAC-signed token verifies with a guessable secret. It never talks to
// the network: the caller fetches and serves documents.
//
//   - Tamper: alg "none", stripped or altered signature, expired exp.
//   - GuessSecret: a small dictionary (instant); GuessSecretContext adds
//     every decimal key of 1 to 6 digits (GuessNumericSecret, about a
//     second of CPU per token when nothing is found).
//   - KidInjections: kid pointing at /dev/null (empty HMAC key) or a SQL
//     UNION selecting a known key.
//   - KeyInjections: jku, x5u and embedded jwk naming an AttackerKey
//     (RSA, generated once per run by AttackerKeys), with the JWKS or
//     certificate the named URL must serve.
//   - AlgConfusion: an RS*/PS*/ES* token re-signed HS256 with the server's
//     public key encodings as the secret; the key comes from the target's
//     JWKS (KeyLocations lists where to look, ParseDiscovery and ParseJWKS
//     read what was fetched, Token.VerifyKey picks the key that signs).
package jwt

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"regexp"
	"strings"
	"time"
)

// MaxTokenBytes bounds the tokens Parse accepts; longer strings are not
// parsed (hostile responses may carry megabytes of dots).
const MaxTokenBytes = 16 << 10

var b64 = base64.RawURLEncoding

// Token is a parsed compact JWS (header.payload.signature). Header and
// Claims keep every member; the raw segments are kept so that the signing
// input is byte-exact.
type Token struct {
	Raw       string
	Header    map[string]any
	Claims    map[string]any
	rawHeader string
	rawClaims string
	rawSig    string
	Signature []byte
}

// ErrNotJWT is returned for strings that are not a compact JWS.
var ErrNotJWT = errors.New("not a JWT")

// Parse reads a compact JWS. The header and payload must be base64url JSON
// objects and the header must name an alg.
func Parse(s string) (*Token, error) {
	if len(s) > MaxTokenBytes {
		return nil, fmt.Errorf("%w: %d bytes is over the %d-byte limit", ErrNotJWT, len(s), MaxTokenBytes)
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: %d segments, want 3", ErrNotJWT, len(parts))
	}
	t := &Token{Raw: s, rawHeader: parts[0], rawClaims: parts[1], rawSig: parts[2]}
	if err := decodeJSON(parts[0], &t.Header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrNotJWT, err)
	}
	if err := decodeJSON(parts[1], &t.Claims); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrNotJWT, err)
	}
	if _, ok := t.Header["alg"].(string); !ok {
		return nil, fmt.Errorf("%w: header has no alg", ErrNotJWT)
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrNotJWT, err)
	}
	t.Signature = sig
	return t, nil
}

func decodeJSON(seg string, into *map[string]any) error {
	raw, err := b64.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil {
		return err
	}
	if *into == nil {
		return errors.New("null instead of an object")
	}
	return nil
}

// Alg is the header's alg member.
func (t *Token) Alg() string { s, _ := t.Header["alg"].(string); return s }

// SigningInput is the bytes the signature covers.
func (t *Token) SigningInput() string { return t.rawHeader + "." + t.rawClaims }

// Expiry returns the exp claim, if it is a number.
func (t *Token) Expiry() (time.Time, bool) { return t.NumericDate("exp") }

// NumericDate returns a NumericDate claim (exp, iat, nbf), if it is a
// number.
func (t *Token) NumericDate(claim string) (time.Time, bool) {
	switch v := t.Claims[claim].(type) {
	case json.Number:
		if f, err := v.Float64(); err == nil {
			return time.Unix(int64(f), 0), true
		}
	case float64:
		return time.Unix(int64(v), 0), true
	}
	return time.Time{}, false
}

// tokenPattern finds compact JWS candidates in text: two base64url JSON
// segments starting with "eyJ" ('{"') and a signature segment, possibly
// empty.
var tokenPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)

// Find returns the distinct JWTs in text (a header value, a response
// body), in order of appearance, at most max of them.
func Find(text string, max int) []*Token {
	if !strings.Contains(text, "eyJ") { // every token's header starts so
		return nil
	}
	var out []*Token
	seen := map[string]bool{}
	for _, m := range tokenPattern.FindAllString(text, -1) {
		if len(out) >= max {
			break
		}
		if seen[m] {
			continue
		}
		seen[m] = true
		if t, err := Parse(m); err == nil {
			out = append(out, t)
		}
	}
	return out
}

func encodeJSON(v map[string]any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return b64.EncodeToString(raw), nil
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// hmacHash returns the hash of an HS* alg, or nil for other algs.
func hmacHash(alg string) func() hash.Hash {
	switch alg {
	case "HS256":
		return sha256.New
	case "HS384":
		return sha512.New384
	case "HS512":
		return sha512.New
	}
	return nil
}

// IsHMAC reports whether the token is signed with a shared secret.
func (t *Token) IsHMAC() bool { return hmacHash(t.Alg()) != nil }

// Verify reports whether an HS256/384/512 token's signature is the HMAC
// of its signing input under secret. Other algs never verify.
func (t *Token) Verify(secret []byte) bool {
	h := hmacHash(t.Alg())
	if h == nil {
		return false
	}
	mac := hmac.New(h, secret)
	mac.Write([]byte(t.SigningInput()))
	return hmac.Equal(mac.Sum(nil), t.Signature)
}

// Sign returns a compact JWS of header and claims signed with secret under
// an HS* alg named in header.
func Sign(header, claims map[string]any, secret []byte) (string, error) {
	alg, _ := header["alg"].(string)
	h := hmacHash(alg)
	if h == nil {
		return "", fmt.Errorf("sign: alg %q is not HS256, HS384 or HS512", alg)
	}
	hs, err := encodeJSON(header)
	if err != nil {
		return "", fmt.Errorf("sign: header: %w", err)
	}
	cs, err := encodeJSON(claims)
	if err != nil {
		return "", fmt.Errorf("sign: claims: %w", err)
	}
	mac := hmac.New(h, secret)
	mac.Write([]byte(hs + "." + cs))
	return hs + "." + cs + "." + b64.EncodeToString(mac.Sum(nil)), nil
}
