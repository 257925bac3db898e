package jwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
)

// Limits on fetched key documents: they come from the target and may be
// hostile.
const (
	// MaxKeyDocumentBytes bounds the JWKS and discovery documents
	// ParseJWKS and ParseDiscovery accept.
	MaxKeyDocumentBytes = 1 << 20
	// MaxJWKSKeys is how many keys ParseJWKS keeps; the rest count as
	// skipped.
	MaxJWKSKeys = 64
	// maxRSABits bounds RSA moduli; larger keys are skipped.
	maxRSABits = 16384
)

// ErrKeyDocument is returned, wrapped, for a document that is not a JWKS
// or discovery document.
var ErrKeyDocument = errors.New("not a key document")

// JWK is one usable key of a JWKS document.
type JWK struct {
	// KeyID, Type, Alg and Use are the kid, kty, alg and use members
	// (Alg and Use may be empty).
	KeyID string
	Type  string
	Alg   string
	Use   string
	// Public is the public key: an *rsa.PublicKey for kty RSA, an
	// *ecdsa.PublicKey for kty EC (P-256, P-384, P-521). Nil for an oct
	// key.
	Public crypto.PublicKey
	// Secret is the k member of a kty oct key: a symmetric secret
	// published where anyone can read it, which signs HS* tokens.
	Secret []byte
	// HasPrivate is true when the member carries private-key parameters
	// (d, p, q...): a published private key.
	HasPrivate bool
}

// JWKS is a parsed JWK set.
type JWKS struct {
	// Keys are the usable keys in document order, at most MaxJWKSKeys.
	Keys []JWK
	// Skipped counts the members of keys that were left out: other key
	// types (OKP), malformed or oversized keys, keys past MaxJWKSKeys.
	Skipped int
}

// rawJWK is a JWK member as it appears in the document.
type rawJWK struct {
	Kty string   `json:"kty"`
	Kid string   `json:"kid"`
	Alg string   `json:"alg"`
	Use string   `json:"use"`
	N   string   `json:"n"`
	E   string   `json:"e"`
	Crv string   `json:"crv"`
	X   string   `json:"x"`
	Y   string   `json:"y"`
	K   string   `json:"k"`
	D   string   `json:"d"`
	P   string   `json:"p"`
	X5c []string `json:"x5c"`
}

// ParseJWKS reads a JWK set ({"keys": [...]}, RFC 7517) as served at a
// jwks_uri. Keys that cannot be used are counted in Skipped, not failed
// on; a document without a keys array is an error.
func ParseJWKS(doc []byte) (*JWKS, error) {
	if len(doc) > MaxKeyDocumentBytes {
		return nil, fmt.Errorf("jwks: %w: %d bytes is over the %d-byte limit", ErrKeyDocument, len(doc), MaxKeyDocumentBytes)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(doc, &set); err != nil {
		return nil, fmt.Errorf("jwks: %w: %v", ErrKeyDocument, err)
	}
	if set.Keys == nil {
		return nil, fmt.Errorf("jwks: %w: no keys array", ErrKeyDocument)
	}
	out := &JWKS{}
	for _, raw := range set.Keys {
		if len(out.Keys) >= MaxJWKSKeys {
			out.Skipped++
			continue
		}
		var r rawJWK
		if err := json.Unmarshal(raw, &r); err != nil {
			out.Skipped++
			continue
		}
		k, err := r.parse()
		if err != nil {
			out.Skipped++
			continue
		}
		out.Keys = append(out.Keys, k)
	}
	return out, nil
}

// ForToken returns the keys that may verify t: those whose kid is t's kid,
// or, when t has no kid or none matches, every key with a public key whose
// type suits t's alg (RSA for RS*/PS*, EC for ES*). Keys without a public
// key (oct) are left out.
func (s *JWKS) ForToken(t *Token) []JWK {
	kid, _ := t.Header["kid"].(string)
	var byKid, byType []JWK
	for _, k := range s.Keys {
		if k.Public == nil {
			continue
		}
		if kid != "" && k.KeyID == kid {
			byKid = append(byKid, k)
		}
		if keySuitsAlg(k, t.Alg()) {
			byType = append(byType, k)
		}
	}
	if len(byKid) > 0 {
		return byKid
	}
	return byType
}

func keySuitsAlg(k JWK, alg string) bool {
	switch {
	case strings.HasPrefix(alg, "RS"), strings.HasPrefix(alg, "PS"):
		_, ok := k.Public.(*rsa.PublicKey)
		return ok
	case strings.HasPrefix(alg, "ES"):
		_, ok := k.Public.(*ecdsa.PublicKey)
		return ok
	}
	return false
}

// decodeB64URL decodes a base64url member, tolerating padding and the
// standard alphabet, which some servers emit.
func decodeB64URL(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if b, err := b64.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

func (r *rawJWK) parse() (JWK, error) {
	k := JWK{KeyID: r.Kid, Type: r.Kty, Alg: r.Alg, Use: r.Use, HasPrivate: r.D != "" || r.P != ""}
	switch r.Kty {
	case "RSA":
		if r.N == "" && r.E == "" && len(r.X5c) > 0 {
			return k.fromCertificate(r.X5c[0])
		}
		pub, err := parseRSA(r.N, r.E)
		if err != nil {
			return JWK{}, err
		}
		k.Public = pub
	case "EC":
		if r.X == "" && r.Y == "" && len(r.X5c) > 0 {
			return k.fromCertificate(r.X5c[0])
		}
		pub, err := parseEC(r.Crv, r.X, r.Y)
		if err != nil {
			return JWK{}, err
		}
		k.Public = pub
	case "oct":
		secret, err := decodeB64URL(r.K)
		if err != nil || len(secret) == 0 {
			return JWK{}, fmt.Errorf("oct key: bad k")
		}
		k.Secret = secret
	default:
		return JWK{}, fmt.Errorf("kty %q not supported", r.Kty)
	}
	return k, nil
}

func parseRSA(n64, e64 string) (*rsa.PublicKey, error) {
	nb, err := decodeB64URL(n64)
	if err != nil {
		return nil, fmt.Errorf("rsa n: %w", err)
	}
	eb, err := decodeB64URL(e64)
	if err != nil {
		return nil, fmt.Errorf("rsa e: %w", err)
	}
	n := new(big.Int).SetBytes(nb)
	if n.BitLen() < 256 || n.BitLen() > maxRSABits || n.Bit(0) == 0 {
		return nil, fmt.Errorf("rsa n: %d bits or even", n.BitLen())
	}
	e := new(big.Int).SetBytes(eb)
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
		return nil, fmt.Errorf("rsa e: %v out of range", e)
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
}

func parseEC(crv, x64, y64 string) (*ecdsa.PublicKey, error) {
	var curve elliptic.Curve
	switch crv {
	case "P-256":
		curve = elliptic.P256()
	case "P-384":
		curve = elliptic.P384()
	case "P-521":
		curve = elliptic.P521()
	default:
		return nil, fmt.Errorf("ec: curve %q not supported", crv)
	}
	size := (curve.Params().BitSize + 7) / 8
	x, err := decodeB64URL(x64)
	if err != nil {
		return nil, fmt.Errorf("ec x: %w", err)
	}
	y, err := decodeB64URL(y64)
	if err != nil {
		return nil, fmt.Errorf("ec y: %w", err)
	}
	if len(x) > size || len(y) > size {
		return nil, fmt.Errorf("ec: coordinates longer than %d bytes", size)
	}
	point := make([]byte, 1+2*size)
	point[0] = 4
	copy(point[1+size-len(x):1+size], x)
	copy(point[1+2*size-len(y):], y)
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
	if err != nil {
		return nil, fmt.Errorf("ec: %w", err)
	}
	return pub, nil
}

// fromCertificate takes the key from an x5c certificate (standard base64
// DER), for members that publish only that.
func (k JWK) fromCertificate(b64der string) (JWK, error) {
	der, err := base64.StdEncoding.DecodeString(b64der)
	if err != nil {
		return JWK{}, fmt.Errorf("x5c: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return JWK{}, fmt.Errorf("x5c: %w", err)
	}
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.Type != "RSA" || pub.N.BitLen() > maxRSABits {
			return JWK{}, fmt.Errorf("x5c: RSA key for kty %q", k.Type)
		}
		k.Public = pub
	case *ecdsa.PublicKey:
		if k.Type != "EC" {
			return JWK{}, fmt.Errorf("x5c: EC key for kty %q", k.Type)
		}
		k.Public = pub
	default:
		return JWK{}, fmt.Errorf("x5c: %T key not supported", cert.PublicKey)
	}
	return k, nil
}

// Discovery is what the key checks need from an OpenID Connect discovery
// document (/.well-known/openid-configuration) or OAuth 2.0 authorization
// server metadata (RFC 8414).
type Discovery struct {
	// Issuer is the issuer member, possibly empty.
	Issuer string
	// JWKSURI is the jwks_uri member, resolved against the document's own
	// URL when relative: where the signing keys are.
	JWKSURI string
}

// ParseDiscovery reads a discovery document fetched from docURL (which
// resolves a relative jwks_uri). A document without an http or https
// jwks_uri is an error.
func ParseDiscovery(doc []byte, docURL string) (Discovery, error) {
	if len(doc) > MaxKeyDocumentBytes {
		return Discovery{}, fmt.Errorf("discovery: %w: %d bytes is over the %d-byte limit", ErrKeyDocument, len(doc), MaxKeyDocumentBytes)
	}
	var d struct {
		Issuer  any `json:"issuer"`
		JWKSURI any `json:"jwks_uri"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return Discovery{}, fmt.Errorf("discovery: %w: %v", ErrKeyDocument, err)
	}
	raw, _ := d.JWKSURI.(string)
	if raw == "" {
		return Discovery{}, fmt.Errorf("discovery: %w: no jwks_uri string", ErrKeyDocument)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Discovery{}, fmt.Errorf("discovery: %w: jwks_uri: %v", ErrKeyDocument, err)
	}
	if docURL != "" {
		base, err := url.Parse(docURL)
		if err != nil {
			return Discovery{}, fmt.Errorf("discovery: document URL: %w", err)
		}
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Discovery{}, fmt.Errorf("discovery: %w: jwks_uri %q is not an absolute http(s) URL", ErrKeyDocument, raw)
	}
	issuer, _ := d.Issuer.(string)
	return Discovery{Issuer: issuer, JWKSURI: u.String()}, nil
}

// KeyLocationKind says what a KeyLocation serves.
type KeyLocationKind string

// The kinds of key location.
const (
	// LocationJWKS serves a JWK set: parse it with ParseJWKS.
	LocationJWKS KeyLocationKind = "jwks"
	// LocationDiscovery serves a discovery document: parse it with
	// ParseDiscovery and fetch its JWKSURI.
	LocationDiscovery KeyLocationKind = "discovery"
)

// KeyLocation is a URL where a target may publish its signing keys.
type KeyLocation struct {
	URL  string
	Kind KeyLocationKind
}

// wellKnownKeyPaths are the paths where frameworks and identity providers
// publish keys, relative to the API's base path and to the host's root.
var wellKnownKeyPaths = []KeyLocation{
	{"/.well-known/openid-configuration", LocationDiscovery},
	{"/.well-known/oauth-authorization-server", LocationDiscovery},
	{"/.well-known/jwks.json", LocationJWKS},
	{"/.well-known/jwks", LocationJWKS},
	{"/.well-known/keys", LocationJWKS},
	{"/jwks.json", LocationJWKS},
	{"/jwks", LocationJWKS},
	{"/oauth/jwks", LocationJWKS},
	{"/oauth2/jwks", LocationJWKS},
	{"/oauth/discovery/keys", LocationJWKS},
	{"/oauth2/v1/keys", LocationJWKS},
	{"/api/jwks", LocationJWKS},
	{"/api/auth/jwks", LocationJWKS},
	{"/auth/jwks", LocationJWKS},
}

// KeyLocations lists, in the order worth trying, the URLs where target
// (the API's base URL, scheme://host[:port][/base]) may publish the keys
// that verify t: the jku of t's header and the discovery document of its
// iss claim when they are http(s) URLs (possibly on another host: the
// caller's host policy decides), then the well-known paths under target's
// base path and under its host's root. t may be nil. Package jwt fetches
// nothing: the caller GETs each URL and parses the answer by Kind.
func KeyLocations(target string, t *Token) ([]KeyLocation, error) {
	base, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("key locations: target: %w", err)
	}
	if (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("key locations: target %q is not an absolute http(s) URL", target)
	}
	var out []KeyLocation
	seen := map[string]bool{}
	add := func(u string, kind KeyLocationKind) {
		if !seen[u] {
			seen[u] = true
			out = append(out, KeyLocation{URL: u, Kind: kind})
		}
	}
	if t != nil {
		if jku, ok := t.Header["jku"].(string); ok && isHTTPURL(jku) {
			add(jku, LocationJWKS)
		}
		if iss, ok := t.Claims["iss"].(string); ok && isHTTPURL(iss) {
			add(strings.TrimRight(iss, "/")+"/.well-known/openid-configuration", LocationDiscovery)
		}
	}
	root := &url.URL{Scheme: base.Scheme, Host: base.Host}
	prefixes := []string{strings.TrimRight(base.EscapedPath(), "/"), ""}
	for _, p := range prefixes {
		for _, w := range wellKnownKeyPaths {
			add(root.String()+p+w.URL, w.Kind)
		}
	}
	return out, nil
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
